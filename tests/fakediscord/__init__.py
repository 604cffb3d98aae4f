"""A fake Discord on 127.0.0.1 for driving the real, unmodified discord.py client end to end."""

from .exchange import Exchange, component_ids, message_text
from .logcheck import ErrorLog
from .payloads import (
    CHANNELS,
    GUILD_ID,
    MEMBER,
    MODERATOR,
    ORGANIZER,
    FakeUser,
    make_user,
)
from .runner import InProcessBot, SubprocessBot, pointed_at, write_config
from .server import TOKEN, FakeDiscord, RecordedRequest

__all__ = [
    "CHANNELS",
    "GUILD_ID",
    "MEMBER",
    "MODERATOR",
    "ORGANIZER",
    "TOKEN",
    "ErrorLog",
    "Exchange",
    "FakeDiscord",
    "FakeUser",
    "InProcessBot",
    "RecordedRequest",
    "SubprocessBot",
    "component_ids",
    "make_user",
    "message_text",
    "pointed_at",
    "write_config",
]
