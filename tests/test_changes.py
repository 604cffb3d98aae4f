"""What one process changes, every process's caches forget: two cores (two pools and two
listening connections, as two processes have) on one PostgreSQL database.

Each test waits for the notification itself (an event set by a handler), never for a time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from storage_backends import postgres_database

from bot.changes import Changes, Kind
from bot.commands import COMMANDS
from bot.config import load_config
from bot.console import console_actor
from bot.core import Core
from bot.replies import Role, Tone
from tests.conftest import BASE_CONFIG

REPORT_TEXT = "They staged a raid in 2019; the people arrested were offered no services at all."
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
# A guard against a hang, not a timing assertion: notifications arrive in milliseconds.
HANG = 60


class Heard:
    """Records the changes a core's handlers saw, and lets a test wait for one."""

    def __init__(self, changes: Changes) -> None:
        self.seen: list[tuple[Kind, int | None]] = []
        self._arrived = asyncio.Condition()
        for kind in Kind:
            changes.on(kind, self._make(kind))

    def _make(self, kind: Kind):  # type: ignore[no-untyped-def]
        async def handler(guild_id: int | None) -> None:
            async with self._arrived:
                self.seen.append((kind, guild_id))
                self._arrived.notify_all()

        return handler

    async def wait(self, kind: Kind, guild_id: int | None) -> None:
        async with self._arrived:
            await asyncio.wait_for(
                self._arrived.wait_for(lambda: (kind, guild_id) in self.seen), HANG
            )


@pytest.fixture
async def cores(tmp_path: Path) -> AsyncIterator[tuple[Core, Core, Heard]]:
    with postgres_database() as url:
        path = tmp_path / "bot.toml"
        path.write_text(BASE_CONFIG.replace('database = "vetbot.db"', f'database = "{url}"'))
        config = load_config(path)
        first = await Core.open(config)
        second = await Core.open(config)
        heard = Heard(second.changes)
        try:
            yield first, second, heard
        finally:
            await first.close()
            await second.close()


async def run(core: Core, actor, name: str, **options):  # type: ignore[no-untyped-def]
    return await COMMANDS[name].run(core, actor, **options)


async def test_an_approval_through_one_core_shows_on_the_others_card(cores) -> None:
    first, second, heard = cores
    member = console_actor("member", Role.MEMBER)
    moderator = console_actor("moderator", Role.MODERATOR)
    before = await run(second, member, "rate", org="O.U.R.")
    assert before.data["match"]["community"]["total"] == 0  # and the second core cached it

    ack = await run(first, member, "report", org="OUR", criterion="6", text=REPORT_TEXT)
    assert ack.tone is Tone.SUCCESS, ack.text
    report_id = (await first.reports.list_mine(member.guild_id, member.user_id))[0].id
    approved = await run(first, moderator, "reports approve", id=report_id)
    assert approved.tone is Tone.SUCCESS, approved.text

    await heard.wait(Kind.REPORTS, member.guild_id)
    after = await run(second, member, "rate", org="O.U.R.")
    assert after.data["match"]["community"]["total"] == 1


async def test_an_organization_listed_through_one_core_is_found_by_the_other(cores) -> None:
    first, second, heard = cores
    member = console_actor("member", Role.MEMBER)
    moderator = console_actor("moderator", Role.MODERATOR)
    name = "Harbor Light Rescue Mission"
    assert (await run(second, member, "rate", org=name)).data["match"] is None
    await run(first, member, "report", org=name, text=REPORT_TEXT)
    report_id = (await first.reports.list_mine(member.guild_id, member.user_id))[0].id
    listed = await run(first, moderator, "reports approve", id=report_id, confirm=True)
    assert name in listed.text, listed.text

    await heard.wait(Kind.ORGS, member.guild_id)
    found = await run(second, member, "rate", org="harbor light rescue mision")
    assert found.data["match"]["name"] == name


async def test_a_setting_changed_through_one_core_is_read_again_by_the_other(cores) -> None:
    first, second, heard = cores
    guild = console_actor("member", Role.MEMBER).guild_id
    assert guild is not None
    assert (await second.communities.get(guild)).policy.per_user_per_hour == 3  # cached
    await first.communities.change(guild, {"per_user_per_hour": 7}, by=1, now=NOW)

    await heard.wait(Kind.COMMUNITY, guild)
    assert (await second.communities.get(guild)).policy.per_user_per_hour == 7


async def test_a_knowledge_reload_through_one_core_reloads_the_other(cores) -> None:
    first, second, heard = cores
    before = second.state
    assert await first.reload_knowledge() == []
    await heard.wait(Kind.KNOWLEDGE, None)
    assert second.state is not before
    assert second.knowledge.counts() == first.knowledge.counts()


async def test_a_core_ignores_its_own_notifications(cores) -> None:
    first, second, heard = cores
    mine = Heard(first.changes)
    await first.changes.changed(Kind.RATINGS, 1)
    await heard.wait(Kind.RATINGS, 1)
    # PostgreSQL delivers notifications in commit order: once the first core hears the second
    # one's change, its own earlier one has been delivered to it too, and ignored.
    await second.changes.changed(Kind.RATINGS, 2)
    await mine.wait(Kind.RATINGS, 2)
    assert mine.seen == [(Kind.RATINGS, 1), (Kind.RATINGS, 2)]
    assert first.ratings.version == 2


async def test_the_listener_comes_back_after_its_connection_drops(
    cores, caplog: pytest.LogCaptureFixture
) -> None:
    first, second, heard = cores
    caplog.set_level(logging.INFO, logger="bot.storage.listener")
    listener = second.db._listeners[0]  # the second core's listening session
    pid = listener.server_pid
    conn = await asyncpg.connect(first.db.url)
    try:
        assert await conn.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await conn.close()
    # Changes may have been missed meanwhile: everything cached is forgotten (guild None)...
    await heard.wait(Kind.COMMUNITY, None)
    assert listener.server_pid not in (None, pid)
    assert "Lost the notifications connection" in caplog.text
    assert "Notifications connection to" in caplog.text and "is back" in caplog.text
    # ...and the other core's changes arrive again.
    await first.changes.changed(Kind.RESPONSES, 5)
    await heard.wait(Kind.RESPONSES, 5)
