"""The guilds the fake plays: each with its own roles, channels and members.

Every test starts with :data:`DEFAULT_GUILD` ("Vetting practice", the ids in ``payloads``).
A test that needs more communities adds them with ``fake.add_guild("Second")``; a person
keeps their role *names* across guilds (``ORGANIZER`` is an Organizer wherever they are a
member), and each guild gives those names its own role ids.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from . import payloads as p

# Ids for added guilds come from a later moment than the default guild's: they never collide.
_ADDED = dt.datetime(2020, 3, 1, tzinfo=dt.UTC)


@dataclass
class FakeGuild:
    """One guild: ``roles`` name -> {id, permissions, position}, ``channels`` name -> id."""

    id: int
    name: str
    roles: dict[str, dict[str, Any]]
    channels: dict[str, int]
    members: dict[int, p.FakeUser] = field(default_factory=dict)

    def shard(self, shard_count: int) -> int:
        """The shard whose session gets this guild's events (Discord's formula)."""
        return (self.id >> 22) % shard_count

    # -- people ------------------------------------------------------------------------------

    def add_member(self, user: p.FakeUser, *roles: str) -> p.FakeUser:
        """Make ``user`` a member (with ``roles`` instead of their own, if given)."""
        member = dataclasses.replace(user, roles=tuple(roles)) if roles else user
        unknown = set(member.roles) - set(self.roles)
        if unknown:
            raise AssertionError(f"{self.name} has no roles {sorted(unknown)}")
        self.members[member.id] = member
        return member

    def member(self, user: p.FakeUser) -> p.FakeUser:
        """``user`` as a member of this guild (their roles here)."""
        return self.members.get(user.id, user)

    def permissions(self, user: p.FakeUser) -> int:
        bits = self.roles["@everyone"]["permissions"]
        for role in self.member(user).roles:
            bits |= self.roles[role]["permissions"]
        return bits

    def member_payload(self, user: p.FakeUser) -> dict[str, Any]:
        """The guild member object of ``user`` here, with this guild's role ids."""
        member = self.member(user)
        unknown = set(member.roles) - set(self.roles)
        if unknown:
            raise AssertionError(
                f"{member.name} has roles {sorted(unknown)} that {self.name} lacks"
            )
        payload = member.member_payload()
        payload["roles"] = [str(self.roles[r]["id"]) for r in member.roles]
        payload["permissions"] = str(self.permissions(member))
        return payload

    # -- channels ----------------------------------------------------------------------------

    def channel_name(self, channel_id: int | str) -> str | None:
        """The name of this guild's channel ``channel_id``, if it has one."""
        return next((n for n, i in self.channels.items() if str(i) == str(channel_id)), None)

    def channel(self, name: str) -> dict[str, Any]:
        """The channel object of ``name`` in this guild."""
        if name not in self.channels:
            raise AssertionError(
                f"{self.name} has no channel {name!r}; it has {list(self.channels)}"
            )
        return {
            "id": str(self.channels[name]),
            "type": 0,
            "guild_id": str(self.id),
            "name": name,
            "position": list(self.channels).index(name),
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
        }

    # -- the gateway -------------------------------------------------------------------------

    def create_payload(self) -> dict[str, Any]:
        """The guild as GUILD_CREATE sends it after READY (the bot is its only listed member)."""
        joined = p.OLD.isoformat()
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(p.OWNER_ID),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [_role(name, r) for name, r in self.roles.items()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "joined_at": joined,
            "large": False,
            "unavailable": False,
            "member_count": 1 + len(self.members),
            "voice_states": [],
            "members": [
                {
                    "user": p.bot_user(),
                    "nick": None,
                    "avatar": None,
                    "roles": [],
                    "joined_at": joined,
                    "premium_since": None,
                    "deaf": False,
                    "mute": False,
                    "pending": False,
                    "flags": 0,
                }
            ],
            "channels": [self.channel(name) for name in self.channels],
            "threads": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }


def _role(name: str, role: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(role["id"]),
        "name": name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": role["position"],
        "permissions": str(role["permissions"]),
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def default_guild() -> FakeGuild:
    """The guild every test starts with: the ids and people of ``payloads``."""
    people = {u.id: u for u in (p.MEMBER, p.ORGANIZER, p.MODERATOR)}
    roles = {name: dict(r) for name, r in p.ROLES.items()}
    return FakeGuild(p.GUILD_ID, "Vetting practice", roles, dict(p.CHANNELS), people)


def new_guild(
    name: str,
    n: int,
    *,
    channels: tuple[str, ...] = ("general", "mod-queue"),
    roles: tuple[str, ...] = ("Organizer", "Moderator"),
) -> FakeGuild:
    """Guild number ``n`` (1, 2, …) with stable ids. Moderator may manage messages; other
    roles carry no permission bits (the bot decides by role names, as configured)."""
    # One millisecond per guild: a shard is picked from the id's timestamp, so consecutive
    # guilds alternate between two shards as real ones spread.
    moment = _ADDED + dt.timedelta(milliseconds=n)
    guild_id = p.snowflake_at(moment)
    table: dict[str, dict[str, Any]] = {
        "@everyone": {"id": guild_id, "permissions": p.EVERYONE_PERMISSIONS, "position": 0}
    }
    for i, role in enumerate(roles, start=1):
        bits = p.MANAGE_MESSAGES if role == "Moderator" else 0
        table[role] = {"id": p.snowflake_at(moment, 10 + i), "permissions": bits, "position": i}
    channel_ids = {c: p.snowflake_at(moment, 50 + i) for i, c in enumerate(channels)}
    return FakeGuild(guild_id, name, table, channel_ids)
