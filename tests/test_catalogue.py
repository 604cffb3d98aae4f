"""The catalogue is the one declaration of every command: Discord, the console and the CLI agree.

These tests fail when a cog's slash command drifts from its declaration in ``bot/commands``: a
description, an option's type, whether it is required, its limits or its autocomplete.
"""

from __future__ import annotations

from typing import Any

import discord
import pytest

from bot.cli import ONESHOTS
from bot.client import Vetbot, extension_names
from bot.commands import COMMANDS, Command, Option, Surface, UserId
from bot.replies import Role

OPTION_TYPES = {
    str: discord.AppCommandOptionType.string.value,
    int: discord.AppCommandOptionType.integer.value,
    bool: discord.AppCommandOptionType.boolean.value,
    UserId: discord.AppCommandOptionType.user.value,
}
SUBCOMMAND = discord.AppCommandOptionType.subcommand.value
MANAGE_MESSAGES = discord.Permissions(manage_messages=True).value
MANAGE_GUILD = discord.Permissions(manage_guild=True).value


@pytest.fixture
async def payload(core) -> dict[str, dict[str, Any]]:
    bot = Vetbot(core)
    for name in extension_names():
        await bot.load_extension(name)
    try:
        yield {c["name"]: c for c in bot.command_payload()}
    finally:
        await bot.close()


def _slash(payload: dict[str, dict[str, Any]]) -> dict[str, tuple[dict[str, Any], dict]]:
    """Every slash command and group subcommand by its full name, with its top-level entry."""
    found: dict[str, tuple[dict[str, Any], dict]] = {}
    for top in payload.values():
        if top.get("type", 1) != discord.AppCommandType.chat_input.value:
            continue
        subs = [o for o in top.get("options", []) if o["type"] == SUBCOMMAND]
        if not subs:
            found[top["name"]] = (top, top)
        for sub in subs:
            found[f"{top['name']} {sub['name']}"] = (sub, top)
    return found


def _expected_option(option: Option) -> dict[str, Any]:
    expected: dict[str, Any] = {
        "name": option.name,
        "description": option.description,
        "type": OPTION_TYPES[option.kind],
        "required": option.required,
        "autocomplete": option.autocomplete is not None,
    }
    for limit in ("min_length", "max_length", "min_value", "max_value"):
        if getattr(option, limit) is not None:
            expected[limit] = getattr(option, limit)
    return expected


def _actual_option(sent: dict[str, Any]) -> dict[str, Any]:
    keys = ("name", "description", "type", "required", "autocomplete")
    actual = {k: sent.get(k, False if k in ("required", "autocomplete") else None) for k in keys}
    for limit in ("min_length", "max_length", "min_value", "max_value"):
        if sent.get(limit) is not None:
            actual[limit] = sent[limit]
    return actual


def _slash_commands() -> list[Command]:
    return [c for c in COMMANDS.values() if c.surface is Surface.SLASH]


@pytest.mark.parametrize("command", _slash_commands(), ids=lambda c: c.name)
async def test_each_slash_command_matches_its_declaration(payload, command: Command) -> None:
    sent, top = _slash(payload)[command.name]
    assert sent["description"] == command.description
    expected = {o.name: _expected_option(o) for o in command.slash_options}
    actual = {o["name"]: _actual_option(o) for o in sent.get("options", [])}
    assert actual == expected
    permissions = top.get("default_member_permissions")
    if command.role is Role.MODERATOR:
        assert permissions is not None and int(permissions) == MANAGE_MESSAGES
    elif command.role is Role.ADMIN:
        assert permissions is not None and int(permissions) == MANAGE_GUILD
    else:
        assert permissions is None
    assert (top.get("dm_permission") is False) == command.guild_only


async def test_every_slash_command_is_declared(payload) -> None:
    declared = {c.name for c in _slash_commands()}
    assert set(_slash(payload)) == declared


async def test_every_message_menu_is_a_context_menu(payload) -> None:
    menus = [c for c in payload.values() if c.get("type") == discord.AppCommandType.message.value]
    declared = [c for c in COMMANDS.values() if c.surface is Surface.MESSAGE_MENU]
    assert len(menus) == len(declared) == 1


def test_option_limits_come_from_the_core() -> None:
    from bot.commands.qa import QUESTION_MAX
    from bot.reports import validation

    assert COMMANDS["ask"].option("question").max_length == QUESTION_MAX
    text = COMMANDS["report"].option("text")
    assert (text.min_length, text.max_length) == (validation.TEXT_MIN, validation.TEXT_MAX)
    reason = COMMANDS["reports reject"].option("reason")
    assert reason.max_length == validation.DECISION_REASON_MAX


@pytest.mark.parametrize("subcommand,command_name,options", ONESHOTS, ids=lambda x: str(x))
def test_cli_one_shots_take_the_declared_options(subcommand, command_name, options) -> None:
    command = COMMANDS[command_name]
    for name, _help, required in options:
        assert command.option(name).required == required


def test_console_help_lists_every_declared_option() -> None:
    from bot.console import usage

    for command in COMMANDS.values():
        line = usage(command)
        for option in command.options:
            assert f"{option.name}:" in line, (command.name, option.name)


def test_the_catalogue_cannot_be_changed_at_run_time() -> None:
    with pytest.raises(TypeError):
        COMMANDS["about"] = COMMANDS["ask"]  # type: ignore[index]
