"""Two real vetbot processes, shard 0 and shard 1 of 2, on one PostgreSQL database.

Each process gets the guilds of its shard from the fake Discord, answers their interactions,
and caches what it reads; what one process changes reaches the other's caches through
PostgreSQL notifications. Skipped without ``VETBOT_TEST_POSTGRES``.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fakediscord import MEMBER, MODERATOR, ORGANIZER, Exchange, FakeDiscord, SubprocessBot
from fakediscord.config import bot_toml
from fakediscord.guilds import FakeGuild
from fakediscord.payloads import make_user
from flows import OUR, REPORT_TEXT, submit_report
from storage_backends import postgres_database

from bot import paths

SHARDS = 2
SYNC = "/applications/{application_id}/guilds/{guild_id}/commands"
ADMINISTRATOR = 1 << 3
# Interactions one process may answer before another process's change reaches it. A bound
# against a hang, not a timing assertion: the notification usually beats the first retry.
RETRIES = 200
# Under load two bot processes and PostgreSQL share two cores: generous per-answer bounds.
WITHIN = 30.0
ALIAS = "Liberty Union Zebra"


def shard_of(guild_id: int) -> int:
    return (guild_id >> 22) % SHARDS


@pytest.fixture
def guilds(fake: FakeDiscord) -> tuple[FakeGuild, FakeGuild]:
    """The default guild and another on the other shard, with a member and an administrator."""
    home = fake.state.default_guild
    n = 0
    while True:
        n += 1
        other = fake.add_guild(f"Other server {n}", roles=("Moderator", "Admin"))
        if shard_of(other.id) != shard_of(home.id):
            break
    other.roles["Admin"]["permissions"] = ADMINISTRATOR
    other.add_member(MEMBER)
    return home, other


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    """A copy of the knowledge base both processes load, so the test can edit it."""
    copy = tmp_path / "knowledge"
    shutil.copytree(paths.bundled_knowledge(), copy)
    return copy


@contextlib.asynccontextmanager
async def two_processes(
    fake: FakeDiscord, tmp_path: Path, url: str, knowledge: Path
) -> AsyncIterator[dict[int, SubprocessBot]]:
    """One bot process per shard, started together (so they race for the command sync)."""
    ids = sorted(fake.guilds)
    bots = {}
    for shard in range(SHARDS):
        text = bot_toml(ids)
        text = text.replace('database = "vetbot.db"', f'database = "{url}"')
        text = text.replace(paths.bundled_knowledge().as_posix(), knowledge.as_posix())
        text = re.sub(
            r"(guild_ids = \[[^\]]*\]\n)",
            rf"\1shard_count = {SHARDS}\nshard_ids = [{shard}]\n",
            text,
        )
        folder = tmp_path / f"shard{shard}"
        folder.mkdir()
        (folder / "bot.toml").write_text(text, encoding="utf-8")
        bots[shard] = SubprocessBot(fake, folder / "bot.toml", folder / "bot.log")
    try:
        await asyncio.gather(*(bot.start(within=60) for bot in bots.values()))
        # Both started on the first READY; wait for the second shard's too.
        while any(fake.sessions.get(s) is None for s in range(SHARDS)):
            await fake.wait_connection(fake.expect_connection(), within=60)
        yield bots
    finally:
        for bot in bots.values():
            if bot.process is not None and bot.process.returncode is None:
                await bot.terminate()


async def eventually(ask, shows) -> Exchange:  # type: ignore[no-untyped-def]
    """Ask again until the answer ``shows`` what another process changed (see RETRIES)."""
    for _ in range(RETRIES):
        answer = await ask()
        if shows(answer):
            return answer
    raise AssertionError(f"never shown after {RETRIES} answers; last: {answer.text}")


async def test_two_shard_processes_share_one_database(
    fake: FakeDiscord, guilds: tuple[FakeGuild, FakeGuild], knowledge: Path, tmp_path: Path
) -> None:
    home, other = guilds
    with postgres_database() as url:
        async with two_processes(fake, tmp_path, url, knowledge) as bots:
            # Each shard's session got exactly the guilds Discord routes to it.
            for shard, session in fake.sessions.items():
                assert (session.shard_id, session.shard_count) == (shard, SHARDS)
                assert set(session.guild_ids) == {g for g in fake.guilds if shard_of(g) == shard}
            # Both processes started on an empty database; the commands were synced once.
            assert fake.count("PUT", SYNC) == len(fake.guilds)
            logs = [bot.log() for bot in bots.values()]
            assert sum("Synced" in log for log in logs) == 1, logs

            home_bot, other_bot = bots[shard_of(home.id)], bots[shard_of(other.id)]
            boss = other.add_member(make_user("boss", n=71), "Admin")
            trusted = await fake.slash(
                "setup set",
                {"setting": "trusted_guilds", "value": str(home.id)},
                user=boss,
                guild=other,
                within=WITHIN,
            )
            assert "trusted" in trusted.text.lower(), trusted.text

            async def rate_in_other() -> Exchange:
                return await fake.slash("rate", {"org": OUR}, guild=other, within=WITHIN)

            before = await rate_in_other()  # cached by the other guild's process
            assert "community member" not in before.text

            # A report sent and approved in the home guild, through the home guild's process,
            # shows on the card the other process builds for the community that trusts it.
            start = len(fake.requests)
            await submit_report(fake)
            post = await fake.wait_for_message("mod-queue", since=start)
            report_id = int(re.search(r"#(\d+)", post["embeds"][0]["title"]).group(1))
            approved = await fake.slash(
                "reports approve", {"id": report_id}, user=MODERATOR, within=WITHIN
            )
            assert f"Report #{report_id} is now approved" in approved.text, approved.text
            await eventually(rate_in_other, lambda a: "community member" in a.text)

            # A knowledge base edited and reloaded through the home guild's process is
            # reloaded by the other process too.
            aclu = knowledge / "organizations" / "aclu.toml"
            aclu.write_text(
                aclu.read_text(encoding="utf-8").replace(
                    'aliases = ["ACLU"]', f'aliases = ["ACLU", "{ALIAS}"]'
                ),
                encoding="utf-8",
            )
            reloaded = await fake.slash("kb reload", user=ORGANIZER, within=WITHIN)
            assert "Knowledge base reloaded" in reloaded.text, reloaded.text

            async def rate_alias_in_other() -> Exchange:
                return await fake.slash("rate", {"org": ALIAS}, guild=other, within=WITHIN)

            await eventually(
                rate_alias_in_other, lambda a: "American Civil Liberties Union" in a.text
            )

            # The other process is SIGKILLed (a crash: nothing cleaned up, whatever it held in
            # the database left as it was); the home guild's process keeps answering and
            # writing in its guild.
            await other_bot.kill()
            assert "About vetbot" in (await fake.slash("about", within=WITHIN)).text
            mark = len(fake.requests)
            ack = await submit_report(
                fake, user=ORGANIZER, text=REPORT_TEXT + " After the other one crashed."
            )
            assert "Report received" in ack.text, ack.text
            await fake.wait_for_message("mod-queue", since=mark)  # its queue post, too
            assert home_bot.process is not None and home_bot.process.returncode is None
        for bot in bots.values():
            assert "Traceback" not in bot.log() and " ERROR " not in bot.log(), bot.log()
