"""Buttons and pick lists that keep working after a restart.

Every button vetbot sends has a ``custom_id`` of the form ``vetbot:<area>:<action>:<arg>``
(``vetbot:report:approve:42``), and every pick list ``vetbot:<area>:pick``. Two dynamic items
match those patterns whatever message they are on, so nothing needs to be remembered per message.
Cogs register what an ``area:action`` does with :func:`on_button`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord
from discord.ext import commands

from bot.client import SORRY, send_error
from bot.commands.picks import run_pick
from bot.replies import Button, Choice, Reply
from cogs._ui import actor_from, core_of, send_reply

log = logging.getLogger(__name__)

ButtonHandler = Callable[[discord.Interaction[Any], str], Awaitable[None]]
_BUTTONS: dict[str, ButtonHandler] = {}


def on_button(area_action: str) -> Callable[[ButtonHandler], ButtonHandler]:
    """Register what clicking ``vetbot:<area>:<action>:<arg>`` does; receives the ``arg``."""

    def register(handler: ButtonHandler) -> ButtonHandler:
        _BUTTONS[area_action] = handler
        return handler

    return register


class ActionButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"vetbot:(?P<area>[a-z]+):(?P<action>[a-z]+):(?P<arg>[^\s]{1,80})",
):
    """Any vetbot button; dispatches to the handler registered for its area and action."""

    def __init__(
        self,
        area: str,
        action: str,
        arg: str,
        *,
        label: str = "…",
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        disabled: bool = False,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=style,
                disabled=disabled,
                custom_id=f"vetbot:{area}:{action}:{arg}",
            )
        )
        self.area, self.action, self.arg = area, action, arg

    @classmethod
    def build(cls, button: Button, style: discord.ButtonStyle) -> ActionButton:
        match = re.fullmatch(cls.__discord_ui_compiled_template__, button.custom_id or "")
        if match is None:
            raise ValueError(f"not a vetbot button id: {button.custom_id!r}")
        return cls(
            match["area"],
            match["action"],
            match["arg"],
            label=button.label,
            style=style,
            disabled=button.disabled,
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Button[Any],
        match: re.Match[str],
        /,
    ) -> ActionButton:
        return cls(match["area"], match["action"], match["arg"], label=item.label or "…")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        handler = _BUTTONS.get(f"{self.area}:{self.action}")
        if handler is None:
            await send_reply(interaction, Reply(text="This button no longer does anything."))
            return
        try:
            await handler(interaction, self.arg)
        except Exception:
            log.exception("Button %s failed for user %s", self.custom_id, interaction.user.id)
            await send_error(interaction, SORRY)


class PickSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=r"vetbot:(?P<area>[a-z]+):pick",
):
    """A pick list (which organization did you mean, which entry); answered by the core."""

    def __init__(
        self,
        area: str,
        options: list[discord.SelectOption] | None = None,
        placeholder: str | None = None,
    ) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=f"vetbot:{area}:pick",
                placeholder=placeholder,
                options=options or [discord.SelectOption(label="…")],
            )
        )
        self.area = area

    @classmethod
    def build(
        cls, choice_id: str, choices: Sequence[Choice], placeholder: str | None = None
    ) -> PickSelect:
        match = re.fullmatch(cls.__discord_ui_compiled_template__, choice_id)
        if match is None:
            raise ValueError(f"not a vetbot pick list id: {choice_id!r}")
        options = [
            discord.SelectOption(label=c.label, value=c.value, description=c.description)
            for c in choices
        ]
        return cls(match["area"], options, placeholder)

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Select[Any],
        match: re.Match[str],
        /,
    ) -> PickSelect:
        return cls(match["area"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        values = (interaction.data or {}).get("values") or []
        if not values:
            await send_reply(interaction, Reply(text="Nothing was picked."))
            return
        reply = await run_pick(
            core_of(interaction),
            actor_from(interaction),
            f"vetbot:{self.area}:pick",
            str(values[0]),
        )
        await send_reply(interaction, reply)


async def setup(bot: commands.Bot) -> None:
    bot.add_dynamic_items(ActionButton, PickSelect)
