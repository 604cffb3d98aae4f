"""Several guilds over several shards: the fake sends each guild to the session of its shard.

Plain discord.py clients (not vetbot, which runs one shard today) log in to the fake, so the
harness is ready for the multi-guild and multi-shard tests of the features to come.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import pytest
from fakediscord import MEMBER, MODERATOR, ORGANIZER, FakeDiscord, InProcessBot
from fakediscord.config import bot_toml
from fakediscord.server import TOKEN

SHARDS = 2


class Arrivals:
    """Futures resolved by a client's events, keyed by guild id (created before they happen)."""

    def __init__(self) -> None:
        self._futures: dict[tuple[str, int], asyncio.Future[discord.Guild]] = defaultdict(
            lambda: asyncio.get_running_loop().create_future()
        )

    def seen(self, event: str, guild: discord.Guild) -> None:
        future = self._futures[event, guild.id]
        if not future.done():
            future.set_result(guild)

    async def wait(self, event: str, guild_id: int, *, within: float = 5.0) -> discord.Guild:
        try:
            return await asyncio.wait_for(asyncio.shield(self._futures[event, guild_id]), within)
        except TimeoutError:
            raise AssertionError(f"no {event} for guild {guild_id} within {within}s") from None


def recording(base: type[discord.Client], **options: Any) -> tuple[discord.Client, Arrivals]:
    """A ``base`` client that notes each guild that becomes available or is updated."""
    arrivals = Arrivals()

    class Recording(base):  # type: ignore[misc, valid-type]
        async def before_identify_hook(
            self, shard_id: int | None, *, initial: bool = False
        ) -> None:
            # discord.py waits 5 s before each IDENTIFY after the first (Discord's rate limit
            # on starting sessions); the fake has none.
            return None

        async def on_guild_available(self, guild: discord.Guild) -> None:
            arrivals.seen("available", guild)

        async def on_guild_update(self, before: discord.Guild, after: discord.Guild) -> None:
            arrivals.seen("update", after)

    intents = discord.Intents.none()
    intents.guilds = True
    return Recording(intents=intents, **options), arrivals


@contextlib.asynccontextmanager
async def running(client: discord.Client) -> AsyncIterator[None]:
    """``client`` logged in to the fake and connecting; closed afterwards."""
    task = asyncio.create_task(client.start(TOKEN), name="shard-test-client")
    try:
        yield
    finally:
        await client.close()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@pytest.fixture
def three_guilds(fake: FakeDiscord) -> dict[int, set[int]]:
    """The default guild plus two more, with their own members; guild ids by shard."""
    fake.add_guild("Second practice", members=(ORGANIZER,))
    fake.add_guild("Third practice", members=(MEMBER, MODERATOR), channels=("lobby",))
    by_shard: dict[int, set[int]] = {shard: set() for shard in range(SHARDS)}
    for guild in fake.guilds.values():
        by_shard[(guild.id >> 22) % SHARDS].add(guild.id)
    # Both shards must get a guild, or routing to the wrong one could go unnoticed.
    assert all(by_shard.values()), by_shard
    return by_shard


async def test_auto_sharded_client_gets_every_guild_on_its_shard(
    fake: FakeDiscord, three_guilds: dict[int, set[int]]
) -> None:
    fake.recommended_shards = SHARDS  # no shard_count given: the client asks GET /gateway/bot
    client, arrivals = recording(discord.AutoShardedClient)
    async with running(client):
        for guild_id in fake.guilds:
            guild = await arrivals.wait("available", guild_id)
            assert guild.name == fake.guilds[guild_id].name
            assert guild.shard_id == (guild_id >> 22) % SHARDS
        assert fake.count("GET", "/gateway/bot") == 1
        assert sorted(fake.sessions) == [0, 1]
        assert fake.identifies == SHARDS
        for shard, session in fake.sessions.items():
            assert (session.shard_id, session.shard_count) == (shard, SHARDS)
            assert set(session.guild_ids) == three_guilds[shard]
        third = next(g for g in fake.guilds.values() if g.name == "Third practice")
        channels = [c.name for c in client.get_guild(third.id).text_channels]
        assert channels == ["lobby"]


async def test_each_shard_sees_only_its_guilds(
    fake: FakeDiscord, three_guilds: dict[int, set[int]]
) -> None:
    """One client per shard: what a client knows arrived on its own connection."""
    clients = [recording(discord.Client, shard_id=s, shard_count=SHARDS) for s in range(SHARDS)]
    async with running(clients[0][0]), running(clients[1][0]):
        for shard, (_, arrivals) in enumerate(clients):
            for guild_id in three_guilds[shard]:
                await arrivals.wait("available", guild_id)
        # A guild event goes to the shard of its guild, after that shard's GUILD_CREATEs: once
        # every client has its updates, it has seen everything its connection was sent.
        for guild in fake.guilds.values():
            payload = guild.create_payload() | {"name": guild.name + " (renamed)"}
            await fake.dispatch("GUILD_UPDATE", payload)
        for shard, (client, arrivals) in enumerate(clients):
            for guild_id in three_guilds[shard]:
                updated = await arrivals.wait("update", guild_id)
                assert updated.name.endswith("(renamed)")
            assert {g.id for g in client.guilds} == three_guilds[shard]


async def test_vetbot_answers_in_a_second_guild(fake: FakeDiscord, tmp_path: Path) -> None:
    """The driver acts in any guild: its channel, its role ids, its commands."""
    second = fake.add_guild("Second practice", members=(ORGANIZER,))
    config = tmp_path / "bot.toml"
    config.write_text(bot_toml(list(fake.guilds)), encoding="utf-8")
    bot = await InProcessBot(fake, config).start()
    try:
        assert second.id in fake.commands
        answer = await fake.slash("about", guild=second)
        assert answer.message["guild_id"] == str(second.id)
        assert answer.message["channel_id"] == str(second.channels["general"])
        assert "About vetbot" in answer.embed["title"]
        # Organizer there (by that guild's role id), so the organizer-only command runs.
        reload = await fake.slash("kb reload", user=ORGANIZER, guild=second)
        assert "Knowledge base reloaded" in reload.text
        refused = await fake.slash("kb reload", user=MEMBER, guild=second)
        assert "Only organizers and moderators" in refused.text
    finally:
        await bot.stop()
