"""What every command of the command line shares: exit statuses, JSON output, the core."""

from __future__ import annotations

import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from bot.config import Config
from bot.errors import SetupError

EXIT_OK = 0
EXIT_NOT_FOUND = 1  # not found, or invalid input
EXIT_USAGE = 2  # usage or set-up error


def print_json(data: Any) -> None:
    """``data`` as indented JSON on standard output."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


async def open_core(config: Config, *, unassigned_ok: bool = False) -> Any:
    """The core for ``config`` (its set-up errors are phrased by :func:`setup_problem`)."""
    from bot.core import Core

    return await Core.open(config, unassigned_ok=unassigned_ok)


def setup_problem(config: Config, exc: Exception) -> str | None:
    """The one line to print for an error that stops a command before it starts, else None."""
    from bot.communities import Unassigned
    from bot.knowledge.loader import KnowledgeInvalid

    if isinstance(exc, KnowledgeInvalid):
        return (
            f"{config.knowledge}: the knowledge base has {len(exc.errors)} error(s), first: "
            f"{exc.errors[0]}; run `python -m bot kb check` to list them all"
        )
    if isinstance(exc, SetupError | Unassigned):
        return str(exc)
    return None


async def with_core(
    config: Config, work: Callable[[Any], Awaitable[int]], *, unassigned_ok: bool = False
) -> int:
    core = await open_core(config, unassigned_ok=unassigned_ok)
    try:
        return await work(core)
    finally:
        await core.close()
