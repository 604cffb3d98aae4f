"""The catalogue's vocabulary: a command declared once for Discord, the console and the CLI.

A :class:`Command` carries everything every front end needs: its name and description, who may
run it, and its options with their types and limits. The limits are the core's own validation
constants, so a number is written once; the cogs build their slash commands from these
declarations, and a parity test fails when a cog's option differs from its declaration.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.replies import Actor, Reply, Role, error
from bot.reports import validation

if TYPE_CHECKING:
    from bot.core import Core

Handler = Callable[..., Awaitable[Reply]]
FIRST_CONTACT = (
    "vetbot has not been set up on this server yet: choose the moderator roles and the "
    "moderation channel with `/setup show`. Until then, reports are saved and listed by "
    "`/reports queue`."
)
NEEDS_SERVER = (
    "That works inside a server, where its moderators can see it. In a direct message I can "
    "answer /ask, /myth, /criteria, /term and /rate."
)


class Completion(enum.StrEnum):
    """What offers autocomplete suggestions for an option."""

    ORGS = "orgs"
    MYTHS = "myths"
    CRITERIA = "criteria"
    TERMS = "terms"
    CRITERION_NUMBERS = "criterion numbers"  # "General" and 1-10, for reports
    SETTINGS = "settings"  # a community's setting names, for /setup


class Surface(enum.StrEnum):
    """How a command appears on Discord (the console and the CLI type every command)."""

    SLASH = "slash"  # a slash command with the options not marked ``in_form``
    MESSAGE_MENU = "message menu"  # a message context menu; Discord sends the message
    BUTTONS = "buttons"  # reached on Discord only through buttons on vetbot's messages


class UserId(int):
    """A member: Discord's user picker on Discord, a number (or a known name) in the console."""


@dataclass(frozen=True)
class Option:
    """One option of a command, with the limits Discord and the console both enforce."""

    name: str
    description: str
    required: bool = True
    kind: type = str  # str, int, bool or UserId
    autocomplete: Completion | None = None
    min_length: int | None = None
    max_length: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    in_form: bool = False  # on Discord it is a field of the form the command opens


# Options that several commands share: one declaration, so their limits cannot drift apart.
PAGE_MAX = 10_000  # pages of a moderation queue one can ask for
PAGE = Option("page", "Page number", required=False, kind=int, min_value=1, max_value=PAGE_MAX)
NEW_TEXT = Option("text", "The new text", min_length=1, max_length=validation.TEXT_MAX)


def numbered(what: str) -> Option:
    """The ``id`` option naming one numbered item: ``numbered("Report")``."""
    return Option("id", f"{what} number", kind=int, min_value=1)


def decision_reason(description: str = "Why") -> Option:
    """The ``reason`` a moderator gives for a decision (shown to whoever it concerns)."""
    return Option("reason", description, min_length=1, max_length=validation.DECISION_REASON_MAX)


@dataclass(frozen=True)
class Command:
    """A command as members see it in Discord and in the console."""

    name: str  # "about", or "group sub" such as "kb reload"
    description: str
    handler: Handler
    options: tuple[Option, ...] = ()
    role: Role = Role.MEMBER
    surface: Surface = Surface.SLASH
    guild_only: bool = False

    def option(self, name: str) -> Option:
        """The option called ``name`` (a KeyError names the command when there is none)."""
        for option in self.options:
            if option.name == name:
                return option
        raise KeyError(f"/{self.name} has no option {name!r}")

    @property
    def slash_options(self) -> tuple[Option, ...]:
        """The options Discord shows on the slash command (the rest are in its form)."""
        return tuple(o for o in self.options if not o.in_form)

    def descriptions(self) -> dict[str, str]:
        """Option descriptions, for ``app_commands.describe``."""
        return {o.name: o.description for o in self.slash_options}

    async def run(self, core: Core, actor: Actor, **options: Any) -> Reply:
        """Check where and who is asking, then run the handler."""
        if self.guild_only and actor.guild_id is None:
            return error(NEEDS_SERVER)
        if not permits(actor, self.role):
            return refusal(self.role)
        reply = await self.handler(core, actor, **options)
        if self.role is Role.MODERATOR and actor.is_admin:
            community = await core.community_of(actor)
            if community is not None and not community.changed:
                # First contact: point the server's administrators at /setup.
                reply.text = f"{reply.text}\n\n{FIRST_CONTACT}".strip()
        return reply


def permits(actor: Actor, role: Role) -> bool:
    """Whether ``actor`` holds ``role`` or a higher one."""
    if role is Role.ADMIN:
        return actor.is_admin
    if role is Role.MODERATOR:
        return actor.is_moderator
    if role is Role.ORGANIZER:
        return actor.is_organizer
    return True


def refusal(role: Role) -> Reply:
    """The private answer to someone who lacks the role a command or button needs."""
    who = {
        Role.ADMIN: "server administrators (Manage Server)",
        Role.MODERATOR: "moderators",
    }.get(role, "organizers and moderators")
    return error(f"Only {who} can do this.")
