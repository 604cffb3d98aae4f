"""The bot.toml every test writes: one template, so a new required key is added in one place."""

from __future__ import annotations

from collections.abc import Sequence

from bot import paths


def bot_toml(guild_ids: Sequence[int] = (), extra: str = "", database: str = "vetbot.db") -> str:
    """A valid config on the shipped knowledge base, its database beside the file by default
    (or ``database``: another path, or a ``postgresql://`` URL)."""
    return f"""
[discord]
guild_ids = [{", ".join(str(g) for g in guild_ids)}]
[roles]
moderators = ["Moderator"]
organizers = ["Organizer"]
[channels]
moderation_queue = "mod-queue"
[storage]
database = "{database}"
[knowledge]
path = "{paths.bundled_knowledge().as_posix()}"
{extra}
"""
