"""Set-up errors against the fake Discord: a refused token is one line and exit status 2."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from fakediscord import FakeDiscord
from fakediscord.launch import FAKE_URL_ENV
from fakediscord.runner import REPO, write_config


@pytest.mark.parametrize("command", ["run", "sync"])
async def test_a_refused_token_is_one_line(command: str, fake: FakeDiscord, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DISCORD_TOKEN": "a-token-that-was-reset",
        FAKE_URL_ENV: fake.url,
        "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "tests")]),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "fakediscord.launch",
        "--config",
        str(write_config(tmp_path)),
        command,
        cwd=REPO,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, raw = await asyncio.wait_for(process.communicate(), 60)
    stderr = raw.decode()
    assert process.returncode == 2, stderr
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1] == (
        "DISCORD_TOKEN: Discord refused this token; copy it again from the developer portal "
        "(Bot tab, Reset Token)"
    )
    assert "a-token-that-was-reset" not in stderr  # secrets are never logged
    assert fake.identifies == 0
    assert fake.problems == ["GET /users/@me without the bot token"]
    fake.problems.clear()  # provoked on purpose
