"""Heavy steps on the event loop take turns: at most one per turn of the loop.

A lookup over a small index (the curated organizations, the directory's autocomplete) costs
0.3-0.7 ms of CPU, too little to be worth a thread or a process hop, so it runs on the event
loop. But when eight members' requests become ready together, asyncio runs all eight in one
pass of its loop, and whatever else was due then (the gateway's heartbeat, a timer, another
member's button) waits for all of them: 5-7 ms measured, at 8 lookups in flight. Taking turns,
each such step runs in a pass of its own, so the rest waits for one step at most.
"""

from __future__ import annotations

import asyncio
import weakref
from collections import deque
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class LoopTurns:
    """A queue of synchronous steps for one event loop, one step per pass of the loop."""

    def __init__(self) -> None:
        self._taken = False  # a step ran (or was handed the turn) in this pass
        self._waiting: deque[asyncio.Future[None]] = deque()

    async def run(self, step: Callable[..., T], *args: object) -> T:
        """``step(*args)`` in its turn: now if nobody else's step ran in this pass of the
        loop, else in a later pass, in the order asked."""
        loop = asyncio.get_running_loop()
        if self._taken or self._waiting:
            turn = loop.create_future()
            self._waiting.append(turn)
            try:
                await turn
            except asyncio.CancelledError:
                if turn.done() and not turn.cancelled():
                    loop.call_soon(self._pass_on)  # handed the turn, then cancelled: pass it on
                raise
        self._taken = True
        # Scheduled now, it runs in the loop's next pass: after this step and after whatever
        # was ready before it, such as a timer that came due meanwhile.
        loop.call_soon(self._pass_on)
        return step(*args)

    def _pass_on(self) -> None:
        while self._waiting:
            turn = self._waiting.popleft()
            if not turn.done():  # a cancelled waiter has given its place up
                turn.set_result(None)  # still taken: reserved for that waiter
                return
        self._taken = False


_TURNS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LoopTurns] = (
    weakref.WeakKeyDictionary()
)


async def in_turn(step: Callable[..., T], *args: object) -> T:
    """Run the synchronous ``step(*args)`` on the running loop, taking turns with the other
    heavy steps on it (see the module docstring)."""
    loop = asyncio.get_running_loop()
    turns = _TURNS.get(loop)
    if turns is None:
        turns = _TURNS[loop] = LoopTurns()
    return await turns.run(step, *args)
