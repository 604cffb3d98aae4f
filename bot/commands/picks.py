"""What happens when someone picks from a list of choices.

Discord's select menus and the console's ``/pick N`` both end up in :func:`run_pick`, which
finds the list's handler in :data:`bot.commands.PICKS` by the list's id.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from bot import ids
from bot.replies import Actor, Reply, error

if TYPE_CHECKING:
    from bot.core import Core

log = logging.getLogger(__name__)

PickHandler = Callable[["Core", Actor, str], Awaitable[Reply]]
EXPIRED = "That list has expired. Please run the command again."


async def run_pick(core: Core, actor: Actor, choice_id: str, value: str) -> Reply:
    """Answer a pick from the list whose ``custom_id`` is ``choice_id``.

    An id vetbot does not make (or no longer makes) gets a kind error, never an exception.
    """
    from bot.commands import PICKS

    parsed = ids.parse(choice_id)
    if not isinstance(parsed, ids.PickList):
        log.warning("Pick from an unknown list %r", choice_id[:100])
        return error(EXPIRED)
    return await PICKS[parsed.area](core, actor, value)
