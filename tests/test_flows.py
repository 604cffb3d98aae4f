"""Whole flows through the core commands, as the console and the cogs drive them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bot.commands import COMMANDS
from bot.console import Console
from bot.replies import Tone
from tests.conftest import REPO

REPORT_TEXT = "They staged a raid in 2019; the people arrested were offered no services at all."


async def run(core, actor, name, **options):
    return await COMMANDS[name].run(core, actor, **options)


async def test_rate_outcomes(core, member) -> None:
    card = await run(core, member, "rate", org="O.U.R.")
    assert card.data["match"]["name"] == "Operation Underground Railroad"
    assert card.public is True
    org_id = card.data["match"]["id"]
    assert [b.custom_id for b in card.buttons] == [
        f"vetbot:report:org:{org_id}",
        f"vetbot:card:reports:{org_id}:1",
        f"vetbot:rating:history:{org_id}",
    ]
    unknown = await run(core, member, "rate", org="Totally Made Up Rescue Mission")
    assert unknown.data["match"] is None
    assert unknown.buttons[0].custom_id.startswith("vetbot:report:new:Totally")
    empty = await run(core, member, "rate", org="   ")
    assert empty.tone is Tone.ERROR


async def test_report_approve_and_card(core, member, moderator) -> None:
    before = await run(core, member, "rate", org="O.U.R.")
    assert before.data["match"]["community"]["total"] == 0  # and now the card is cached
    ack = await run(core, member, "report", org="OUR", criterion="6", text=REPORT_TEXT)
    assert ack.tone is Tone.SUCCESS, ack.text
    report_id = (await core.reports.list_mine(member.guild_id, member.user_id))[0].id

    refused = await run(core, member, "reports approve", id=report_id)
    assert refused.tone is Tone.ERROR and "Only moderators" in refused.text
    assert (await core.reports.get(report_id, member.guild_id)).status.value == "pending"

    approved = await run(core, moderator, "reports approve", id=report_id)
    assert approved.tone is Tone.SUCCESS, approved.text
    again = await run(core, moderator, "reports approve", id=report_id)
    assert "already approved" in again.text

    card = await run(core, member, "rate", org="operation underground railroad")
    community = card.data["match"]["community"]
    rendered = json.dumps(card.data) + card.text + "".join(f.value for f in card.fields)
    assert "community member" in rendered
    assert str(member.user_id) not in rendered
    assert community["total"] == 1 and community["counts"] == {"6": 1}


async def test_unknown_org_report_becomes_listed(core, member, moderator) -> None:
    ack = await run(core, member, "report", org="Harbor Light Rescue Mission", text=REPORT_TEXT)
    assert ack.tone is Tone.SUCCESS, ack.text
    report_id = (await core.reports.list_mine(member.guild_id, member.user_id))[0].id
    assert (await run(core, member, "rate", org="Harbor Light Rescue Mission")).data[
        "match"
    ] is None
    asked = await run(core, moderator, "reports approve", id=report_id)
    assert asked.tone is Tone.WARNING and "Harbor Light Rescue Mission" in asked.text
    assert "new organization" in asked.text
    listed = await run(core, moderator, "reports approve", id=report_id, confirm=True)
    assert "Harbor Light Rescue Mission" in listed.text, listed.text
    found = await run(core, member, "rate", org="harbor light rescue mision")
    assert found.data["match"]["name"] == "Harbor Light Rescue Mission"


async def test_refused_report_gives_the_text_back(core, member) -> None:
    short = await run(core, member, "report", org="OUR", text="too short")
    assert short.tone is Tone.WARNING
    assert "too short" in "".join(f.value for f in short.fields)
    bad = await run(core, member, "report", org="OUR", criterion="11", text=REPORT_TEXT)
    assert bad.data["text"] == REPORT_TEXT
    basis = await run(core, member, "report", org="OUR", text=REPORT_TEXT, basis="a dream")
    assert basis.data["text"] == REPORT_TEXT


async def test_everyone_is_never_a_mention_in_console_output(core, member, moderator) -> None:
    text = "@everyone they did a raid in 2019 and nobody got any help @here afterwards at all."
    await run(core, member, "report", org="OUR", text=text)
    shown = await Console(core, moderator).handle("/reports queue")
    assert shown is not None and "@everyone" in "".join(f.value for f in shown.fields)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )


def test_rate_json_cli(tmp_path: Path, config_path: Path) -> None:
    result = _cli("--config", str(config_path), "rate", "operation undergroud railroad", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["match"]["name"] == "Operation Underground Railroad"
    assert "O.U.R." in data["match"]["aliases"]
    assert isinstance(data["suggestions"], list)


def test_ask_json_cli(config_path: Path) -> None:
    result = _cli("--config", str(config_path), "ask", "What is criterion 2?", "--json")
    data = json.loads(result.stdout)
    assert {"kind", "id", "title", "text", "sources"} <= set(data["answer"])
    off = json.loads(
        _cli("--config", str(config_path), "ask", "weather in Paris?", "--json").stdout
    )
    assert off["answer"] is None


def test_reports_export_has_no_reporter_ids(config_path: Path) -> None:
    result = _cli("--config", str(config_path), "reports", "export", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert "reporter" not in result.stdout.splitlines()[0]


def test_db_backup(tmp_path: Path, config_path: Path) -> None:
    target = tmp_path / "copy.db"
    assert _cli("--config", str(config_path), "db", "backup", str(target)).returncode == 0
    assert target.stat().st_size > 0
    again = _cli("--config", str(config_path), "db", "backup", str(target))
    assert again.returncode == 2 and "already exists" in again.stderr


async def test_edit_says_what_it_did(core, member, moderator) -> None:
    await run(core, member, "report", org="OUR", text=REPORT_TEXT + " Call 555-123-4567.")
    report_id = (await core.reports.list_mine(member.guild_id, member.user_id))[0].id
    still = await run(core, moderator, "reports edit", id=report_id, text="Call 555-123-4567")
    assert still.tone is Tone.SUCCESS and "was updated" in still.text and "phone" in still.text
    clean = await run(core, moderator, "reports edit", id=report_id, text=REPORT_TEXT)
    assert clean.text == f"Report #{report_id}'s text was updated."
    assert (await core.reports.get(report_id, member.guild_id)).text == REPORT_TEXT
