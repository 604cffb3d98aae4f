"""The console answers the same commands as Discord, from a script or a person."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.console import Console, UsageError, parse_command
from bot.replies import Tone
from tests.conftest import REPO


def test_parse_options_by_name_and_leading_text() -> None:
    parsed = parse_command("/ask what is criterion 2? private:true")
    assert parsed.command.name == "ask"
    assert parsed.options == {"question": "what is criterion 2?", "private": True}
    assert parse_command("/myth super bowl").options == {"topic": "super bowl"}
    assert parse_command("/kb reload").command.name == "kb reload"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("about", "start with `/`"),
        ("/nope", "no command `/nope`"),
        ("/ask", "`question` is required"),
        ("/ask hi private:maybe", "true or false"),
        ("/about extra", "takes no options"),
    ],
)
def test_parse_errors_are_friendly(line: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_command(line)


async def test_console_session(core, member, organizer) -> None:
    console = Console(core, member)
    about = await console.handle("/about")
    assert about is not None and about.title and "vetbot" in about.title
    refused = await console.handle("/kb reload")
    assert refused is not None and refused.tone is Tone.ERROR
    assert "Only organizers" in refused.text
    assert await console.handle("   ") is None
    reloaded = await Console(core, organizer).handle("/kb reload")
    assert reloaded is not None and reloaded.tone is Tone.SUCCESS


async def test_pick_follows_the_last_list(core, member) -> None:
    console = Console(core, member)
    nothing = await console.handle("/pick 1")
    assert nothing is not None and "no list" in nothing.text
    answer = await console.handle("/ask what is criterion 2")
    assert answer is not None and answer.choices
    picked = await console.handle("/pick 1")
    kind, _, entry_id = answer.choices[0].value.partition(":")
    assert picked is not None and picked.tone is Tone.INFO
    assert (picked.data["kind"], picked.data["id"]) == (kind, entry_id)


def test_console_reads_a_script_from_stdin(tmp_path: Path, config_path: Path) -> None:
    script = "/about\n# a comment\n/myth super bowl\n/nope\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(config_path), "console"],
        input=script,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "About vetbot" in result.stdout
    assert "Super Bowl" in result.stdout
    assert "There is no command `/nope`" in result.stdout
    assert "Traceback" not in result.stderr


def test_kb_check_json(tmp_path: Path) -> None:
    import json

    result = subprocess.run(
        [sys.executable, "-m", "bot", "kb", "check", "--json"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert report["counts"]["criteria"] == 10
    assert set(report["counts"]) == {"sources", "criteria", "myths", "terms", "topics", "orgs"}
