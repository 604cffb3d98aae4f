"""What happens when someone picks from a list of choices, by the list's ``choice_id``.

Discord's select menus and the console's ``/pick N`` both end up here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from bot.replies import Actor, Reply, error

if TYPE_CHECKING:
    from bot.core import Core

PickHandler = Callable[["Core", Actor, str], Awaitable[Reply]]
PICKS: dict[str, PickHandler] = {}


def pick_handler(choice_id: str) -> Callable[[PickHandler], PickHandler]:
    """Register the handler for the lists whose ``choice_id`` is ``choice_id``."""

    def register(handler: PickHandler) -> PickHandler:
        PICKS[choice_id] = handler
        return handler

    return register


async def run_pick(core: Core, actor: Actor, choice_id: str, value: str) -> Reply:
    """Answer a pick; an unknown list gets a kind error rather than an exception."""
    handler = PICKS.get(choice_id)
    if handler is None:
        return error("That list has expired. Please run the command again.")
    return await handler(core, actor, value)
