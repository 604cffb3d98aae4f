"""Every command vetbot has, declared once for Discord and the console alike."""

from __future__ import annotations

from bot.commands import meta, qa, rate, reports
from bot.commands.spec import Command, Option, permits, refusal

__all__ = ["COMMANDS", "Command", "Option", "permits", "refusal"]


def _collect(*modules) -> dict[str, Command]:
    commands: dict[str, Command] = {}
    for module in modules:
        for command in module.COMMANDS:
            if command.name in commands:
                raise RuntimeError(f"command /{command.name} declared twice")
            commands[command.name] = command
    return commands


COMMANDS: dict[str, Command] = _collect(meta, qa, rate, reports)
