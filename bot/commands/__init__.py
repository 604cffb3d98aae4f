"""The catalogue: every command vetbot has, declared once for Discord, the console and the CLI.

It is built from the command modules' declarations when this package is imported and never
changes afterwards (reloading a Discord extension does not touch it). Pick lists are a fixed
mapping from their :class:`~bot.ids.PickArea` to the core function that answers a pick.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from bot.commands import meta, qa, rate, ratings, reports, responses, setup
from bot.commands.picks import PickHandler, run_pick
from bot.commands.spec import Command, Completion, Option, Surface, UserId, permits, refusal
from bot.ids import PickArea

__all__ = [
    "COMMANDS",
    "PICKS",
    "Command",
    "Completion",
    "Option",
    "Surface",
    "UserId",
    "permits",
    "refusal",
    "run_pick",
]


def _catalogue(declared: Iterable[Command]) -> Mapping[str, Command]:
    commands: dict[str, Command] = {}
    for command in declared:
        if command.name in commands:
            raise RuntimeError(f"command /{command.name} declared twice")
        commands[command.name] = command
    return MappingProxyType(commands)


COMMANDS: Mapping[str, Command] = _catalogue(
    [
        *meta.COMMANDS,
        *qa.COMMANDS,
        *rate.COMMANDS,
        *reports.COMMANDS,
        *setup.COMMANDS,
        *ratings.COMMANDS,
        *responses.COMMANDS,
    ]
)

PICKS: Mapping[PickArea, PickHandler] = MappingProxyType(
    {
        PickArea.ASK: qa.pick_entry,
        PickArea.EXPLAIN: qa.pick_explainer,
        PickArea.RATE: rate.pick_org,
    }
)
