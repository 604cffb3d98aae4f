"""/rate: organization lookup with autocomplete, and the rating card."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.commands import COMMANDS
from bot.commands.rate import QUERY_MAX, complete_orgs
from cogs._ui import autocomplete_choices, core_of, run_command


async def complete_org(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Organization names for autocomplete; the chosen name is matched again on submit
    (a registered one by the EIN its value carries)."""
    return autocomplete_choices(await complete_orgs(core_of(interaction), current[:100]))


class Orgs(commands.Cog):
    """Rating cards for organizations."""

    @app_commands.command(name="rate", description=COMMANDS["rate"].description)
    @app_commands.describe(**COMMANDS["rate"].descriptions())
    @app_commands.autocomplete(org=complete_org)
    async def rate(
        self,
        interaction: discord.Interaction,
        org: app_commands.Range[str, 1, QUERY_MAX],
        private: bool = False,
    ) -> None:
        await run_command(interaction, "rate", org=org, private=private)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Orgs())
