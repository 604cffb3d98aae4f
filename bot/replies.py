"""Neutral reply objects: what a command answers, before any front end renders it.

The core returns these; the Discord cogs render them as embeds and views, the console as text.
Nothing here knows about discord.py.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Role(enum.StrEnum):
    """What a person may do. Moderators can do everything organizers can."""

    MEMBER = "member"
    ORGANIZER = "organizer"
    MODERATOR = "moderator"
    ADMIN = "admin"  # manages the server: /setup, and everything moderators do


@dataclass(frozen=True)
class Actor:
    """Who is asking: enough to check permissions and limits, nothing more."""

    user_id: int
    name: str
    role: Role = Role.MEMBER
    account_age_days: float | None = None
    guild_id: int | None = None  # the community (Discord server) asking; None in a DM
    guild_name: str = ""

    @property
    def is_moderator(self) -> bool:
        """Moderators and the server's administrators."""
        return self.role in (Role.MODERATOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_organizer(self) -> bool:
        """Organizers and moderators both count as organizers."""
        return self.role in (Role.ORGANIZER, Role.MODERATOR, Role.ADMIN)


class Tone(enum.StrEnum):
    """The kind of message, which front ends show as a colour or a prefix."""

    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"


class ButtonStyle(enum.StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    SUCCESS = "success"
    DANGER = "danger"
    LINK = "link"


@dataclass(frozen=True)
class Button:
    """A button; its ``custom_id`` carries its record: ``vetbot:report:approve:42``."""

    label: str
    custom_id: str | None = None
    style: ButtonStyle = ButtonStyle.SECONDARY
    url: str | None = None
    disabled: bool = False


@dataclass(frozen=True)
class Choice:
    """One option of a pick list (a select menu on Discord, a numbered list in the console)."""

    label: str
    value: str
    description: str | None = None


class SelectKind(enum.StrEnum):
    """What a Discord-native select picks: server roles, or one text channel."""

    ROLES = "roles"
    CHANNEL = "channel"


@dataclass(frozen=True)
class Select:
    """A role or channel select (Discord draws the list; the console shows how to type it)."""

    custom_id: str
    kind: SelectKind
    placeholder: str
    console_hint: str  # the console command that does the same


@dataclass(frozen=True)
class Field:
    name: str
    value: str
    inline: bool = False


@dataclass
class Reply:
    """One answer. ``public`` replies are visible to the channel; others only to the asker.

    ``data`` is the machine-readable form printed by the CLI's ``--json``.
    """

    title: str | None = None
    text: str = ""
    fields: list[Field] = field(default_factory=list)
    footer: str | None = None
    url: str | None = None
    public: bool = False
    tone: Tone = Tone.INFO
    buttons: list[Button] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)
    choice_id: str | None = None
    choice_placeholder: str | None = None
    selects: list[Select] = field(default_factory=list)
    reply_to: int | None = None  # post as a reply to this message id (public replies only)
    data: Any = None


def error(text: str, *, title: str | None = None, data: Any = None) -> Reply:
    """A short, kind, private error reply."""
    return Reply(title=title, text=text, tone=Tone.ERROR, data=data)
