"""Gateway and REST payloads shaped like Discord's; the default guild's ids and its three
kinds of people (``guilds.py`` builds guilds, their channels and members from these)."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .guilds import FakeGuild

DISCORD_EPOCH_MS = 1_420_070_400_000

# Permission bits (https://discord.com/developers/docs/topics/permissions).
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
READ_MESSAGE_HISTORY = 1 << 16
USE_APPLICATION_COMMANDS = 1 << 31
EVERYONE_PERMISSIONS = (
    VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | READ_MESSAGE_HISTORY | USE_APPLICATION_COMMANDS
)

EPHEMERAL = 1 << 6


def snowflake_at(moment: dt.datetime, increment: int = 0) -> int:
    """A snowflake for ``moment``: Discord derives an account's creation time from its id."""
    ms = int(moment.timestamp() * 1000)
    return ((ms - DISCORD_EPOCH_MS) << 22) | (increment & 0x3FFFFF)


class Snowflakes:
    """Fresh, increasing ids for messages, interactions and commands (thread-safe)."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def next(self) -> int:
        with self._lock:
            return snowflake_at(dt.datetime.now(dt.UTC), next(self._counter))


def iso_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


# Accounts made in 2019, so account-age rules never refuse them by accident.
OLD = dt.datetime(2019, 6, 1, tzinfo=dt.UTC)
GUILD_ID = snowflake_at(OLD, 1)
APPLICATION_ID = snowflake_at(OLD, 2)  # also the bot user's id, as on Discord
OWNER_ID = snowflake_at(OLD, 3)
EVERYONE_ROLE_ID = GUILD_ID  # @everyone's id is the guild's
MODERATOR_ROLE_ID = snowflake_at(OLD, 10)
ORGANIZER_ROLE_ID = snowflake_at(OLD, 11)
GENERAL_CHANNEL_ID = snowflake_at(OLD, 20)
MOD_QUEUE_CHANNEL_ID = snowflake_at(OLD, 21)
BOT_NAME = "vetbot"

ROLES: dict[str, dict[str, Any]] = {
    "@everyone": {"id": EVERYONE_ROLE_ID, "permissions": EVERYONE_PERMISSIONS, "position": 0},
    "Organizer": {"id": ORGANIZER_ROLE_ID, "permissions": 0, "position": 1},
    "Moderator": {"id": MODERATOR_ROLE_ID, "permissions": MANAGE_MESSAGES, "position": 2},
}
CHANNELS: dict[str, int] = {"general": GENERAL_CHANNEL_ID, "mod-queue": MOD_QUEUE_CHANNEL_ID}


@dataclass(frozen=True)
class FakeUser:
    """A person in the fake guild; ``roles`` are role names from :data:`ROLES`."""

    id: int
    name: str
    roles: tuple[str, ...] = ()
    created: dt.datetime = field(default=OLD)

    def user_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "discriminator": "0",
            "global_name": self.name.title(),
            "avatar": None,
            "bot": False,
            "public_flags": 0,
        }

    def role_ids(self) -> list[str]:
        """Ids of the default guild's roles this person holds (a guild of their own, made with
        ``add_guild``, may give them roles the default guild lacks: those have no id here)."""
        return [str(ROLES[r]["id"]) for r in self.roles if r in ROLES]

    def permissions(self) -> int:
        bits = ROLES["@everyone"]["permissions"]
        for role in self.roles:
            bits |= ROLES[role]["permissions"] if role in ROLES else 0
        return bits

    def member_payload(self) -> dict[str, Any]:
        return {
            "user": self.user_payload(),
            "nick": None,
            "avatar": None,
            "roles": self.role_ids(),
            "joined_at": OLD.isoformat(),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "permissions": str(self.permissions()),
        }


def make_user(name: str, *roles: str, created: dt.datetime = OLD, n: int = 0) -> FakeUser:
    """A person with a stable id derived from ``created`` and ``n``."""
    return FakeUser(snowflake_at(created, 1000 + n), name, tuple(roles), created)


MEMBER = make_user("member", n=1)
ORGANIZER = make_user("organizer", "Organizer", n=2)
MODERATOR = make_user("moderator", "Moderator", n=3)


def bot_user() -> dict[str, Any]:
    return {
        "id": str(APPLICATION_ID),
        "username": BOT_NAME,
        "discriminator": "0",
        "global_name": None,
        "avatar": None,
        "bot": True,
        "verified": True,
        "mfa_enabled": False,
        "flags": 0,
        "public_flags": 0,
    }


def application() -> dict[str, Any]:
    return {
        "id": str(APPLICATION_ID),
        "name": BOT_NAME,
        "icon": None,
        "description": "vetbot under test",
        "rpc_origins": [],
        "bot_public": False,
        "bot_require_code_grant": False,
        "owner": {
            "id": str(OWNER_ID),
            "username": "owner",
            "discriminator": "0",
            "global_name": None,
            "avatar": None,
        },
        "team": None,
        "verify_key": "0" * 64,
        "flags": 0,
        "summary": "",
        "bot": bot_user(),
    }


def message(
    message_id: int,
    channel_id: int,
    body: dict[str, Any],
    *,
    webhook_id: int | None = None,
    interaction: dict[str, Any] | None = None,
    guild_id: int | None = GUILD_ID,
) -> dict[str, Any]:
    """The message Discord would create from a send/edit ``body`` by the bot.

    ``guild_id`` None: a direct message, which carries no guild id.
    """
    embeds = [{"type": "rich", **e} for e in body.get("embeds") or []]
    data: dict[str, Any] = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": bot_user(),
        "content": body.get("content") or "",
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": embeds,
        "pinned": False,
        "type": 20 if interaction else 0,
        "flags": int(body.get("flags") or 0),
        "components": body.get("components") or [],
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if webhook_id is not None:
        data["webhook_id"] = str(webhook_id)
        data["application_id"] = str(APPLICATION_ID)
    if interaction is not None:
        data["interaction_metadata"] = interaction
    return data


def edit_message(stored: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """``stored`` after an edit with ``body`` (only the fields it names change)."""
    updated = dict(stored)
    if "content" in body:
        updated["content"] = body["content"] or ""
    if "embeds" in body:
        updated["embeds"] = [{"type": "rich", **e} for e in body["embeds"] or []]
    if "components" in body:
        updated["components"] = body["components"] or []
    if "flags" in body and body["flags"] is not None:
        updated["flags"] = int(body["flags"])
    updated["edited_timestamp"] = iso_now()
    return updated


def interaction(
    interaction_id: int,
    kind: int,
    user: FakeUser,
    data: dict[str, Any] | None,
    *,
    guild: FakeGuild,
    channel_name: str = "general",
    message: dict[str, Any] | None = None,
    token: str,
) -> dict[str, Any]:
    """An INTERACTION_CREATE payload from ``user`` in a channel of ``guild``."""
    payload: dict[str, Any] = {
        "id": str(interaction_id),
        "application_id": str(APPLICATION_ID),
        "type": kind,
        "token": token,
        "version": 1,
        "guild_id": str(guild.id),
        "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
        "channel_id": str(guild.channels[channel_name]),
        "channel": guild.channel(channel_name),
        "member": guild.member_payload(user),
        "app_permissions": str(EVERYONE_PERMISSIONS | MANAGE_MESSAGES),
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(guild.id)},
        "context": 0,
        "attachment_size_limit": 10 * 1024 * 1024,
    }
    if data is not None:
        payload["data"] = data
    if message is not None:
        payload["message"] = message
    return payload
