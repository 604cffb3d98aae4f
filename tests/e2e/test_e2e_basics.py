"""Login, command sync, /about and /kb reload through the real discord.py client."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from fakediscord import CHANNELS, GUILD_ID, MEMBER, ORGANIZER, FakeDiscord, InProcessBot
from fakediscord.launch import FAKE_URL_ENV
from fakediscord.runner import REPO, write_config
from fakediscord.server import TOKEN

SYNC = "/applications/{application_id}/guilds/{guild_id}/commands"


async def test_login_and_sync_once(fake: FakeDiscord, bot: InProcessBot) -> None:
    assert fake.count("GET", "/users/@me") == 1
    assert fake.count("GET", "/oauth2/applications/@me") == 1
    assert fake.count("PUT", SYNC) == 1
    assert fake.identifies == 1
    names = {c["name"] for c in fake.commands[GUILD_ID]}
    assert {"about", "kb"} <= names

    await bot.restart()
    # Same command set, hash stored in the database: no second sync.
    assert fake.count("PUT", SYNC) == 1
    assert fake.identifies == 2


async def test_about(fake: FakeDiscord, bot: InProcessBot) -> None:
    answer = await fake.slash("about", user=MEMBER)
    assert answer.response_type == 4
    assert "About vetbot" in answer.embed["title"]
    assert "Sources" in answer.text


async def test_kb_reload_refused_for_member(fake: FakeDiscord, bot: InProcessBot) -> None:
    answer = await fake.slash("kb reload", user=MEMBER)
    assert answer.ephemeral
    assert "Only organizers and moderators" in answer.text


async def test_kb_reload_by_organizer(fake: FakeDiscord, bot: InProcessBot) -> None:
    answer = await fake.slash("kb reload", user=ORGANIZER)
    assert answer.response_type == 5  # deferred while the files load
    assert answer.ephemeral
    assert "Knowledge base reloaded" in answer.text


async def test_every_body_is_checked_against_the_spec(fake: FakeDiscord, bot: InProcessBot) -> None:
    """The harness itself: a body that breaks Discord's schema is refused and reported."""
    import discord

    if fake.spec is None:
        pytest.skip("Discord's OpenAPI spec is not beside the repository")
    await fake.slash("about")
    checked = [r for r in fake.requests if r.body is not None]
    assert checked and not fake.violations

    channel = bot.client.get_channel(CHANNELS["general"])
    with pytest.raises(discord.HTTPException) as refused:
        await channel.send(embed=discord.Embed(title="x" * 300))
    assert refused.value.status == 400
    assert len(fake.violations) == 1
    assert "$.embeds[0].title: maxLength 256 violated (length 300)" in fake.violations[0]
    fake.violations.clear()  # provoked on purpose


async def test_unknown_route_is_reported(fake: FakeDiscord, bot: InProcessBot) -> None:
    import discord

    with pytest.raises(discord.NotFound):
        await bot.client.fetch_guild(GUILD_ID)
    assert [r.path for r in fake.unknown] == [f"/guilds/{GUILD_ID}"]
    fake.unknown.clear()  # provoked on purpose


async def test_sync_command_pushes_now_and_exits(fake: FakeDiscord, tmp_path: Path) -> None:
    """``python -m bot sync`` pushes the commands even when unchanged, then exits 0."""
    config = write_config(tmp_path)
    env = {
        **os.environ,
        "DISCORD_TOKEN": TOKEN,
        FAKE_URL_ENV: fake.url,
        "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "tests")]),
    }

    async def sync() -> int:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "fakediscord.launch",
            "--config",
            str(config),
            "sync",
            cwd=REPO,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
        assert b"Traceback" not in stderr, stderr.decode()
        return process.returncode

    assert await sync() == 0
    assert await sync() == 0
    assert fake.count("PUT", SYNC) == 2  # forced both times, unlike a restart of `run`
    assert fake.identifies == 0  # it never opened the gateway
