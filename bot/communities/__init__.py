"""Communities: each Discord server (guild) has its own moderators, reports and settings.

A community's settings start as the deployment's defaults in ``bot.toml`` and change only where
its server administrators changed them with ``/setup``; :class:`Community` is the result, with
where each value came from.
"""

from bot.communities.settings import (
    SETTINGS,
    Community,
    Overrides,
    SettingError,
    community_from,
    parse_setting,
)
from bot.communities.store import CommunityStore, Unassigned

__all__ = [
    "SETTINGS",
    "Community",
    "CommunityStore",
    "Overrides",
    "SettingError",
    "Unassigned",
    "community_from",
    "parse_setting",
]
