"""What the fake Discord holds: guilds, synced commands, messages, people, DM channels and
interactions.

Plain data with no I/O: the REST routes change it, the interaction driver reads it, a test
inspects it (``fake.messages``, ``fake.commands``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import payloads as p
from .exchange import Exchange
from .guilds import FakeGuild, default_guild, new_guild


class State:
    """Everything the fake remembers between requests."""

    def __init__(self) -> None:
        self.ids = p.Snowflakes()
        self.commands: dict[int | None, list[dict[str, Any]]] = {}  # guild id (None: global)
        self.messages: dict[int, dict[str, Any]] = {}
        self.exchanges: dict[str, Exchange] = {}  # by interaction token
        self.users: dict[int, p.FakeUser] = {u.id: u for u in (p.MEMBER, p.ORGANIZER, p.MODERATOR)}
        self.dm_channels: dict[int, int] = {}  # user id -> DM channel id
        first = default_guild()
        self.guilds: dict[int, FakeGuild] = {first.id: first}  # in the order they were added

    # -- guilds and channels -----------------------------------------------------------------

    @property
    def default_guild(self) -> FakeGuild:
        """The guild every test starts with (``payloads.GUILD_ID``)."""
        return self.guilds[p.GUILD_ID]

    def add_guild(
        self,
        name: str,
        *,
        members: tuple[p.FakeUser, ...] = (),
        channels: tuple[str, ...] = ("general", "mod-queue"),
        roles: tuple[str, ...] = ("Organizer", "Moderator"),
    ) -> FakeGuild:
        """A new guild with its own roles and channels and ``members`` (by their role names)."""
        guild = new_guild(name, len(self.guilds), channels=channels, roles=roles)
        self.guilds[guild.id] = guild
        for user in members:
            self.users.setdefault(user.id, guild.add_member(user))
        return guild

    def guild(self, guild: FakeGuild | None) -> FakeGuild:
        """``guild``, or the default guild for None."""
        return self.default_guild if guild is None else guild

    def guild_of_channel(self, channel_id: int | str) -> FakeGuild | None:
        """The guild that has channel ``channel_id`` (None: a DM or no such channel)."""
        return next((g for g in self.guilds.values() if g.channel_name(channel_id)), None)

    def channel_id(self, name: str, guild: FakeGuild | None = None) -> int:
        """The id of the channel called ``name`` in ``guild`` (default: the default guild)."""
        channels = self.guild(guild).channels
        if name not in channels:
            raise AssertionError(f"no channel {name!r}; there are {list(channels)}")
        return channels[name]

    def channel_name(self, channel_id: int | str) -> str:
        """The name of a guild channel from its id."""
        guild = self.guild_of_channel(channel_id)
        if guild is None:
            raise AssertionError(f"no guild has channel {channel_id}")
        return str(guild.channel_name(channel_id))

    def guild_channel(self, channel_id: int | str) -> dict[str, Any] | None:
        """The channel object for ``channel_id``, if a guild has that channel."""
        guild = self.guild_of_channel(channel_id)
        return None if guild is None else guild.channel(str(guild.channel_name(channel_id)))

    def is_dm(self, channel_id: int) -> bool:
        return channel_id in self.dm_channels.values()

    def open_dm(self, user: p.FakeUser) -> int:
        """The DM channel with ``user`` (the same one every time)."""
        return self.dm_channels.setdefault(user.id, self.ids.next())

    # -- messages ----------------------------------------------------------------------------

    def put(self, message: dict[str, Any]) -> dict[str, Any]:
        """Store (or replace) ``message`` under its id."""
        self.messages[int(message["id"])] = message
        return message

    def edit(self, stored: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        """Apply an edit ``body`` to a stored message; the message as it is now."""
        return self.put(p.edit_message(stored, body))

    def store(
        self,
        channel_id: int,
        body: dict[str, Any],
        *,
        webhook: bool = False,
        exchange: Exchange | None = None,
    ) -> dict[str, Any]:
        """A new message from the bot in ``channel_id`` (by webhook: an interaction answer)."""
        metadata = None
        if exchange is not None:
            metadata = {
                "id": str(exchange.id),
                "type": exchange.kind,
                "user": exchange.user.user_payload(),
                "authorizing_integration_owners": {"0": exchange.payload["guild_id"]},
            }
        guild = self.guild_of_channel(channel_id)
        message = p.message(
            self.ids.next(),
            channel_id,
            body,
            webhook_id=p.APPLICATION_ID if webhook else None,
            interaction=metadata,
            guild_id=None if guild is None else guild.id,
        )
        return self.put(message)

    def message_in(self, channel_id: str, message_id: str) -> dict[str, Any] | None:
        """The stored message ``message_id`` if it is in channel ``channel_id``."""
        stored = self.messages.get(int(message_id))
        if stored is None or stored["channel_id"] != channel_id:
            return None
        return stored

    def messages_in(self, channel: str, guild: FakeGuild | None = None) -> list[dict[str, Any]]:
        """Messages currently in a channel of ``guild`` (default: the default guild)."""
        channel_id = str(self.channel_id(channel, guild))
        return [m for m in self.messages.values() if m["channel_id"] == channel_id]

    def dms_to(self, user: p.FakeUser) -> list[dict[str, Any]]:
        """Direct messages the bot sent to ``user``, oldest first."""
        channel_id = self.dm_channels.get(user.id)
        return [m for m in self.messages.values() if m["channel_id"] == str(channel_id)]

    # -- commands ----------------------------------------------------------------------------

    def command(
        self, name: str, kind: int = 1, guild: FakeGuild | None = None
    ) -> dict[str, Any] | None:
        """The synced definition of a command (``guild``'s first, then global), if any."""
        for scope in (self.guild(guild).id, None):
            for command in self.commands.get(scope, []):
                if command["name"] == name and command.get("type", 1) == kind:
                    return command
        return None

    def all_commands(self) -> Iterable[dict[str, Any]]:
        """Every synced command, of every scope."""
        for commands in self.commands.values():
            yield from commands

    def sync_commands(self, guild: int | None, body: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Replace the commands of ``guild`` (None: global) as a bulk overwrite does.

        A command keeps its id across syncs when its type and name stay, as on Discord.
        """
        previous = {(c["type"], c["name"]): c["id"] for c in self.commands.get(guild, [])}
        stored = []
        for command in body:
            kind = command.get("type", 1)
            stored.append(
                {
                    "id": previous.get((kind, command["name"])) or str(self.ids.next()),
                    "application_id": str(p.APPLICATION_ID),
                    "version": str(self.ids.next()),
                    "type": kind,
                    "description": "",
                    "options": [],
                    "default_member_permissions": None,
                    "nsfw": False,
                    **({"guild_id": str(guild)} if guild is not None else {}),
                    **command,
                }
            )
        self.commands[guild] = stored
        return stored
