"""Loading every extension builds the command tree members and moderators should see."""

from __future__ import annotations

import discord
import pytest

from bot.client import Vetbot, extension_names


@pytest.fixture
async def bot(core):
    bot = Vetbot(core)
    for name in extension_names():
        await bot.load_extension(name)
    yield bot
    await bot.close()


def _by_name(bot: Vetbot) -> dict[str, dict]:
    return {c["name"]: c for c in bot.command_payload()}


async def test_every_extension_loads(bot: Vetbot) -> None:
    assert set(bot.extensions) == set(extension_names())
    assert "cogs.meta" in bot.extensions and "cogs.qa" in bot.extensions


async def test_member_commands_and_options(bot: Vetbot) -> None:
    commands = _by_name(bot)
    for name in ("about", "ask", "myth", "criteria", "term", "rate", "report", "myreports"):
        assert name in commands, name
        assert commands[name].get("default_member_permissions") is None
    ask = {o["name"]: o for o in commands["ask"]["options"]}
    assert ask["question"]["required"] is True and ask["question"]["max_length"] == 300
    assert ask["private"]["type"] == discord.AppCommandOptionType.boolean.value
    myth = commands["myth"]["options"][0]
    assert myth["name"] == "topic" and myth["autocomplete"] is True


async def test_context_menu_and_groups(bot: Vetbot) -> None:
    commands = _by_name(bot)
    menu = commands["Explain with a myth"]
    assert menu["type"] == discord.AppCommandType.message.value
    kb = commands["kb"]
    assert [o["name"] for o in kb["options"]] == ["reload"]
    assert commands["feedback"]["options"][0]["name"] == "summary"


async def test_command_hash_changes_with_the_commands(bot: Vetbot, core) -> None:
    before = bot.command_hash()
    again = Vetbot(core)
    for name in extension_names():
        await again.load_extension(name)
    assert again.command_hash() == before  # a new process computes the same hash
    await again.close()
    bot.tree.remove_command("about")
    assert bot.command_hash() != before


async def test_moderator_commands_are_hidden_from_members(bot: Vetbot) -> None:
    reports = _by_name(bot)["reports"]
    manage_messages = discord.Permissions(manage_messages=True).value
    assert int(reports["default_member_permissions"]) == manage_messages
    assert {o["name"] for o in reports["options"]} == {
        "queue",
        "show",
        "approve",
        "reject",
        "retract",
        "block",
        "unblock",
    }
    rate = {o["name"]: o for o in _by_name(bot)["rate"]["options"]}
    assert rate["org"]["autocomplete"] is True and rate["org"]["max_length"] == 200


async def test_one_plain_connection_unless_shards_are_configured(core) -> None:
    import msgspec
    from discord.ext import commands

    from bot.client import build_bot

    plain = build_bot(core)
    assert type(plain) is Vetbot and not isinstance(plain, commands.AutoShardedBot)
    await plain.close()
    core.config = msgspec.structs.replace(core.config, shard_count=2, shard_ids=(1,))
    sharded = build_bot(core)
    assert isinstance(sharded, commands.AutoShardedBot) and isinstance(sharded, Vetbot)
    assert (sharded.shard_count, sharded.shard_ids) == (2, [1])
    # Not closed: an AutoShardedBot that never connected has no shard queue to close.


async def test_commands_sync_from_one_process_at_a_time(bot: Vetbot) -> None:
    import datetime as dt

    from bot.client import SYNC_HASH_KEY, SYNC_LEASE
    from bot.leases import Leases

    other = Leases(bot.core.db, holder="another process")
    assert await other.acquire(SYNC_LEASE, ttl=dt.timedelta(hours=1), now=dt.datetime.now(dt.UTC))
    # The other process is syncing: this one does not (no request to Discord, no hash stored).
    assert await bot.sync_commands(force=True) is False
    assert await bot.core.db.get_meta(SYNC_HASH_KEY) is None
