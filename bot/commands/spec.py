"""How a command is declared once for every front end: name, options, who may use it, handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.replies import Actor, Reply, Role, error

if TYPE_CHECKING:
    from bot.core import Core

Handler = Callable[..., Awaitable[Reply]]


@dataclass(frozen=True)
class Option:
    """One option of a slash command."""

    name: str
    description: str
    required: bool = True
    kind: type = str  # str, int or bool
    autocomplete: str | None = None  # what completes it: "orgs", "myths", "criteria", "terms"
    max_length: int | None = None


@dataclass(frozen=True)
class Command:
    """A command as members see it in Discord and in the console."""

    name: str  # "about", or "group sub" such as "kb reload"
    description: str
    handler: Handler
    options: tuple[Option, ...] = ()
    role: Role = Role.MEMBER

    async def run(self, core: Core, actor: Actor, **options: Any) -> Reply:
        """Check the actor's role, then run the handler."""
        if not permits(actor, self.role):
            return refusal(self.role)
        return await self.handler(core, actor, **options)


def permits(actor: Actor, role: Role) -> bool:
    """Whether ``actor`` holds ``role`` or a higher one."""
    if role is Role.MODERATOR:
        return actor.is_moderator
    if role is Role.ORGANIZER:
        return actor.is_organizer
    return True


def refusal(role: Role) -> Reply:
    """The private answer to someone who lacks the role a command or button needs."""
    who = "moderators" if role is Role.MODERATOR else "organizers and moderators"
    return error(f"Only {who} can do this.")
