"""/setup in Discord: the settings summary with role and channel selects, a form for the limits
and trusted communities, and ``/setup set`` / ``/setup reset`` by name.

Only server administrators (Manage Server) see it, and every select, button and form checks
again, in the server it comes from.
"""

from __future__ import annotations

import logging
from typing import Any, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot import ids
from bot.client import Vetbot
from bot.commands import COMMANDS, refusal
from bot.commands import setup as core_setup
from bot.communities import SETTINGS, SettingError, parse_setting
from bot.communities.settings import POLICY_SETTINGS
from bot.replies import Role, error
from cogs._ui import (
    Form,
    actor_of,
    autocomplete_choices,
    community_of,
    core_of,
    message_kwargs,
    run_command,
    send_reply,
)

log = logging.getLogger(__name__)

SETTING_MAX = COMMANDS["setup set"].option("setting").max_length or 40
VALUE_MAX = core_setup.VALUE_MAX


async def _admin_only(interaction: discord.Interaction[Any]) -> bool:
    actor = await actor_of(interaction)
    if actor.is_admin:
        return True
    await send_reply(interaction, refusal(Role.ADMIN))
    return False


async def _on_choice(interaction: discord.Interaction[Any], choice: ids.SetupChoice) -> None:
    if choice.setting not in SETTINGS:
        await send_reply(interaction, error("That setting no longer exists."))
        return
    if not await _admin_only(interaction):
        return
    data = cast(dict[str, Any], interaction.data or {})
    values = " ".join(str(v) for v in data.get("values") or [])
    if not values:
        changes: dict[str, object] = {choice.setting: []}
        if choice.setting == "queue_channel":
            await send_reply(interaction, error("Pick one channel."))
            return
    else:
        changes = parse_setting(choice.setting, values)
    reply = await core_setup.change(core_of(interaction), await actor_of(interaction), changes)
    await interaction.response.edit_message(**message_kwargs(reply))


class LimitsForm(Form, title="Limits and trusted communities"):
    """The numbers and the trusted server ids, prefilled with the current values."""

    def __init__(self, current: dict[str, str]) -> None:
        super().__init__(timeout=900)
        self.inputs: dict[str, discord.ui.TextInput[Any]] = {}
        for name in (*POLICY_SETTINGS, "trusted_guilds"):
            field: discord.ui.TextInput[Any] = discord.ui.TextInput(
                label=SETTINGS[name].label[:45],
                default=current.get(name, ""),
                required=name != "trusted_guilds",
                max_length=VALUE_MAX,
                placeholder=SETTINGS[name].help[:100],
            )
            self.inputs[name] = field
            self.add_item(field)

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        if not await _admin_only(interaction):
            return
        changes: dict[str, object] = {}
        try:
            for name, field in self.inputs.items():
                text = field.value.strip()
                if name == "trusted_guilds" and not text:
                    changes[name] = []
                elif text:
                    changes.update(parse_setting(name, text))
        except SettingError as exc:
            await send_reply(interaction, error(str(exc)))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        reply = await core_setup.change(core_of(interaction), await actor_of(interaction), changes)
        await send_reply(interaction, reply, public=False)


async def _on_form(interaction: discord.Interaction[Any], _button: ids.SetupForm) -> None:
    if not await _admin_only(interaction):
        return
    community = await community_of(interaction)
    if community is None:
        return
    current = {name: str(getattr(community.policy, name)) for name in POLICY_SETTINGS}
    current["trusted_guilds"] = " ".join(map(str, community.trusted_guilds))
    await interaction.response.send_modal(LimitsForm(current))


async def complete_setting(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    wanted = current.strip().lower()
    pairs = [(f"{s.label} ({s.name})", s.name) for s in SETTINGS.values()]
    return autocomplete_choices([p for p in pairs if wanted in p[0].lower()] or pairs)


class Setup(commands.Cog):
    """A community's own settings."""

    setup_group = app_commands.Group(
        name="setup",
        description="This server's vetbot settings",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    @setup_group.command(name="show", description=COMMANDS["setup show"].description)
    async def show(self, interaction: discord.Interaction) -> None:
        await run_command(interaction, "setup show", public=False)

    @setup_group.command(name="set", description=COMMANDS["setup set"].description)
    @app_commands.describe(**COMMANDS["setup set"].descriptions())
    @app_commands.autocomplete(setting=complete_setting)
    async def set_(
        self,
        interaction: discord.Interaction,
        setting: app_commands.Range[str, 1, SETTING_MAX],
        value: app_commands.Range[str, 1, VALUE_MAX],
    ) -> None:
        await run_command(interaction, "setup set", setting=setting, value=value, public=False)

    @setup_group.command(name="reset", description=COMMANDS["setup reset"].description)
    @app_commands.describe(**COMMANDS["setup reset"].descriptions())
    @app_commands.autocomplete(setting=complete_setting)
    async def reset(
        self, interaction: discord.Interaction, setting: app_commands.Range[str, 1, SETTING_MAX]
    ) -> None:
        await run_command(interaction, "setup reset", setting=setting, public=False)


async def setup(bot: Vetbot) -> None:
    bot.components.add(ids.SetupChoice, _on_choice)
    bot.components.add(ids.SetupForm, _on_form)
    await bot.add_cog(Setup())


async def teardown(bot: Vetbot) -> None:
    bot.components.remove(ids.SetupChoice, ids.SetupForm)
