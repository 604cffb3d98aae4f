"""Buttons and pick lists that keep working after a restart and after an extension reload.

Every component vetbot sends has a ``custom_id`` made by :mod:`bot.ids`. One dynamic item
matches every ``vetbot:…`` id on any message, parses it, and hands the typed id to the handler
that the extensions registered on the bot's :class:`~cogs._ui.ComponentHandlers` (pick lists go
to the core's :func:`~bot.commands.run_pick`). Nothing is remembered per message, and nothing
lives in a module global that reloading a module would empty.
"""

from __future__ import annotations

import logging
import re
from typing import Any, cast

import discord
from discord.ext import commands

from bot import ids
from bot.client import Vetbot, failure_message, send_error
from bot.commands import run_pick
from bot.replies import Reply, Tone
from cogs._ui import actor_of, core_of, refuse_outside_guilds, send_reply

log = logging.getLogger(__name__)

GONE = "That report no longer exists."
STALE = "This button no longer does anything. Please run the command again."


class VetbotComponent(
    discord.ui.DynamicItem[discord.ui.Item[Any]],
    # (?s): an id with a line break must still reach us, to be answered.
    template=r"(?s)vetbot:.*",
):
    """Any button or pick list on a vetbot message; dispatches on its parsed id."""

    def __init__(self, item: discord.ui.Item[Any]) -> None:
        super().__init__(item)

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> VetbotComponent:
        return cls(item)

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        return await refuse_outside_guilds(interaction)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        parsed = ids.parse(self.custom_id)
        try:
            if isinstance(parsed, ids.BadId):
                await answer_bad_id(interaction, parsed)
            elif isinstance(parsed, ids.PickList):
                await _picked(interaction, self.custom_id)
            else:
                await _clicked(interaction, parsed)
        except Exception as exc:
            message = failure_message(f"Component {self.custom_id}", interaction, exc)
            await send_error(interaction, message)


async def answer_bad_id(interaction: discord.Interaction[Any], bad: ids.BadId) -> None:
    """A short private answer to an id vetbot does not make, and a warning in the log."""
    log.warning(
        "Unusable component id %r (%s), interaction %s", bad.raw, bad.problem, interaction.id
    )
    await send_reply(interaction, Reply(text=GONE if bad.about_report else STALE, tone=Tone.ERROR))


async def _clicked(interaction: discord.Interaction[Any], button: ids.ButtonId) -> None:
    client: Vetbot = interaction.client
    handler = client.components.get(type(button))
    if handler is None:
        log.warning("No handler for %s (interaction %s)", type(button).__name__, interaction.id)
        await send_reply(interaction, Reply(text=STALE, tone=Tone.ERROR))
        return
    await handler(interaction, button)


async def _picked(interaction: discord.Interaction[Any], custom_id: str) -> None:
    data = cast(dict[str, Any], interaction.data or {})
    values = data.get("values") or []
    if not values:
        await send_reply(interaction, Reply(text="Nothing was picked."))
        return
    reply = await run_pick(
        core_of(interaction), await actor_of(interaction), custom_id, str(values[0])
    )
    await send_reply(interaction, reply)


async def setup(bot: commands.Bot) -> None:
    bot.add_dynamic_items(VetbotComponent)


async def teardown(bot: commands.Bot) -> None:
    bot.remove_dynamic_items(VetbotComponent)
