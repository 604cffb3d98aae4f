"""Heavy loop steps take turns: one per pass of the event loop (bot.loop_turns)."""

from __future__ import annotations

import asyncio

import pytest

from bot.loop_turns import LoopTurns, in_turn


async def test_steps_asked_together_run_in_separate_passes_in_order() -> None:
    loop = asyncio.get_running_loop()
    events: list[str] = []

    def step(name: str) -> str:
        events.append(name)
        # Something else that becomes ready meanwhile (a heartbeat, a timer that came due).
        loop.call_soon(events.append, f"after {name}")
        return name.upper()

    assert await asyncio.gather(*(in_turn(step, n) for n in "abc")) == ["A", "B", "C"]
    # Without turns all three steps would run in one pass: a, b, c, after a, after b, ...
    assert events == ["a", "after a", "b", "after b", "c", "after c"]


async def test_a_cancelled_waiter_gives_its_place_up() -> None:
    turns = LoopTurns()
    ran: list[str] = []
    first = asyncio.create_task(turns.run(ran.append, "first"))
    second = asyncio.create_task(turns.run(ran.append, "second"))
    third = asyncio.create_task(turns.run(ran.append, "third"))
    await asyncio.sleep(0)  # all three asked; "first" ran, the others wait
    second.cancel()
    await asyncio.gather(first, third)
    with pytest.raises(asyncio.CancelledError):
        await second
    assert ran == ["first", "third"]
    assert await turns.run(ran.append, "later") is None  # the queue is free again


async def test_a_failing_step_raises_to_its_caller_and_frees_the_turn() -> None:
    turns = LoopTurns()

    def broken() -> None:
        raise ValueError("index file gone")

    failed, after = await asyncio.gather(
        turns.run(broken), turns.run(len, "abc"), return_exceptions=True
    )
    assert isinstance(failed, ValueError) and after == 3
