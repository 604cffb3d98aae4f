"""The registered-nonprofit directory: registry imports, a memory-mapped name index, and what
the registry says about an organization (pure core, no Discord)."""

from bot.directory.match import Directory, DirectoryMatch, Listing
from bot.directory.registry import RegistryRow
from bot.directory.service import build_index, build_index_from, open_directory

__all__ = [
    "Directory",
    "DirectoryMatch",
    "Listing",
    "RegistryRow",
    "build_index",
    "build_index_from",
    "open_directory",
]
