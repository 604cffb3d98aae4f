"""/about and /kb reload."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.commands import COMMANDS
from cogs._ui import run_command, visible_to


class Meta(commands.Cog):
    """What the bot is, and reloading what it knows."""

    kb = app_commands.Group(name="kb", description="Knowledge base tools", guild_only=True)

    @app_commands.command(name="about", description=COMMANDS["about"].description)
    async def about(self, interaction: discord.Interaction) -> None:
        await run_command(interaction, "about")

    @kb.command(name="reload", description=COMMANDS["kb reload"].description)
    @visible_to(COMMANDS["kb reload"].role)
    async def kb_reload(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await run_command(interaction, "kb reload", public=False)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Meta())
