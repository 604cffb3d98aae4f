"""Typed configuration, read from ``bot.toml``, that fails fast with one clear line.

Secrets never live in the file: the token comes only from ``DISCORD_TOKEN``.
"""

from __future__ import annotations

import os
import re
import tomllib
import urllib.parse
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

from bot import paths
from bot.reports.policy import ReportPolicy
from bot.storage.base import is_database_url

TOKEN_ENV = "DISCORD_TOKEN"
_SECRET_KEY = re.compile(r"(token|secret|password)", re.I)

RoleRef = str | int
PositiveDays = Annotated[int, msgspec.Meta(ge=1)]


class _Section(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    pass


AUTO: Literal["auto"] = "auto"
# A bound that catches a typo (Discord asks for one shard per ~1,000 servers).
MAX_SHARDS = 16_384
# Problems msgspec words for types rather than people, said for these keys instead.
_EXPECTED = {
    "discord.shard_count": f'expected a whole number from 1 to {MAX_SHARDS}, or "auto"',
    "discord.shard_ids": 'expected a list of shard numbers such as [0, 1], or "auto"',
}


class DiscordSection(_Section, frozen=True, kw_only=True):
    guild_ids: list[int]
    # "auto": no sharding, one gateway connection (Discord requires shards past 2,500 servers).
    shard_count: Annotated[int, msgspec.Meta(ge=1, le=MAX_SHARDS)] | Literal["auto"] = AUTO
    # "auto": every shard of shard_count in this process; a list: only these (a slice).
    shard_ids: list[Annotated[int, msgspec.Meta(ge=0)]] | Literal["auto"] = AUTO


class RolesSection(_Section, frozen=True, kw_only=True):
    moderators: list[RoleRef]
    organizers: list[RoleRef]


class ChannelsSection(_Section, frozen=True, kw_only=True):
    moderation_queue: RoleRef


class StorageSection(_Section, frozen=True, kw_only=True):
    database: Annotated[str, msgspec.Meta(min_length=1)]


class KnowledgeSection(_Section, frozen=True, kw_only=True):
    path: Annotated[str, msgspec.Meta(min_length=1)]


class RatingsSection(_Section, frozen=True, kw_only=True):
    stale_after_days: PositiveDays = 365
    # Different moderators who must agree on a community verdict, the proposer first.
    confirmations: Annotated[int, msgspec.Meta(ge=1, le=10_000)] = 2
    # Approved reports on a criterion since its last decision that prompt a review.
    review_after_reports: Annotated[int, msgspec.Meta(ge=1, le=10_000)] = 3


class SiteSection(_Section, frozen=True, kw_only=True):
    """The public ratings site (``python -m bot site``): where it is published, if anywhere."""

    # Empty: no site, so the rating card and myth explainers link to none.
    base_url: Annotated[str, msgspec.Meta(pattern=r"^(https?://\S+)?$", max_length=200)] = ""


class LoggingSection(_Section, frozen=True, kw_only=True):
    level: Annotated[str, msgspec.Meta(pattern=r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL)$")] = "INFO"
    # Other libraries' loggers to show at DEBUG too (e.g. "discord.gateway"); off by default
    # because their debug lines carry report texts and user ids.
    debug_loggers: list[Annotated[str, msgspec.Meta(min_length=1)]] = []


# -- the registered-nonprofit directory (bot/directory) ---------------------------------------

FILINGS_URL = "https://projects.propublica.org/nonprofits/organizations/{ein}"


class DirectorySection(_Section, frozen=True, kw_only=True):
    # Where an organization's public filings are, "{ein}" replaced by its 9-digit EIN.
    filings_url: Annotated[str, msgspec.Meta(pattern=r"^https?://\S*\{ein\}\S*$")] = FILINGS_URL
    # The memory-mapped name index; empty: beside the database, as "<database>.directory".
    index: str = ""


# ------------------------------------------------------------------------------------------------


class _ConfigFile(_Section, frozen=True, kw_only=True):
    discord: DiscordSection
    roles: RolesSection
    channels: ChannelsSection
    storage: StorageSection
    knowledge: KnowledgeSection
    ratings: RatingsSection = RatingsSection()
    reports: ReportPolicy = ReportPolicy()
    logging: LoggingSection = LoggingSection()
    directory: DirectorySection = DirectorySection()
    site: SiteSection = SiteSection()


class ConfigError(Exception):
    """A config problem, already phrased as the one line to show: ``file: key: problem``."""


class Config(msgspec.Struct, frozen=True, kw_only=True):
    """The loaded configuration, with paths resolved."""

    source: Path
    guild_ids: tuple[int, ...]
    moderator_roles: tuple[RoleRef, ...]
    organizer_roles: tuple[RoleRef, ...]
    moderation_queue: RoleRef
    database: Path | str  # an SQLite file, or a postgresql:// URL kept as written
    knowledge: Path
    stale_after_days: int
    reports: ReportPolicy
    rating_confirmations: int = 2
    review_after_reports: int = 3
    log_level: str
    debug_loggers: tuple[str, ...] = ()
    directory_index: Path | None = None  # None: beside the database (see directory_index_path)
    filings_url: str = FILINGS_URL
    # None: not sharded (one gateway connection, as before); else the total number of shards.
    shard_count: int | None = None
    # None: every shard of shard_count in this process; else only these.
    shard_ids: tuple[int, ...] | None = None

    @property
    def directory_index_path(self) -> Path:
        """The directory's name index file (beside the SQLite file, or the config file)."""
        if self.directory_index is not None:
            return self.directory_index
        if isinstance(self.database, Path):
            return self.database.with_name(self.database.name + ".directory")
        return self.source.resolve().parent / "vetbot.directory"

    site_base_url: str = ""

    @property
    def token(self) -> str | None:
        """The bot token from the environment; never stored on the object, never logged."""
        return os.environ.get(TOKEN_ENV) or None


def _find_secret_keys(data: Any, prefix: str = "") -> list[str]:
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            dotted = f"{prefix}{key}"
            if _SECRET_KEY.search(str(key)):
                found.append(dotted)
            found.extend(_find_secret_keys(value, f"{dotted}."))
    return found


def _describe(exc: msgspec.ValidationError) -> tuple[str, str]:
    """Split msgspec's message into the dotted key and the problem."""
    message = str(exc)
    path = ""
    if " - at `$" in message:
        message, _, raw_path = message.partition(" - at `$")
        path = raw_path.rstrip("`").lstrip(".")
    if unknown := re.match(r"Object contains unknown field `([^`]+)`", message):
        return f"{path}.{unknown.group(1)}".lstrip("."), "unknown key"
    if missing := re.match(r"Object missing required field `([^`]+)`", message):
        return f"{path}.{missing.group(1)}".lstrip("."), "required key is missing"
    return path or "(top level)", message[0].lower() + message[1:]


def _has_password(url: str) -> bool:
    return urllib.parse.urlsplit(url).password is not None


def _resolve(base: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else (base / path).resolve()


def load_config(path: Path | None = None) -> Config:
    """Read and check a config file (the bundled ``bot.toml`` by default).

    Raises :class:`ConfigError` with one line naming the file, the key and the problem.
    """
    source = Path(path) if path is not None else paths.bundled_config()
    shown = str(path) if path is not None else source.name
    try:
        raw = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{shown}: file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{shown}: not valid TOML: {exc}") from None
    if secrets := _find_secret_keys(raw):
        raise ConfigError(
            f"{shown}: {secrets[0]}: secrets do not belong in the config file; remove it and "
            f"set the {TOKEN_ENV} environment variable instead"
        )
    try:
        parsed = msgspec.convert(raw, _ConfigFile)
    except msgspec.ValidationError as exc:
        key, problem = _describe(exc)
        problem = _EXPECTED.get(key, problem)
        raise ConfigError(f"{shown}: {key}: {problem}") from None

    if is_database_url(parsed.storage.database) and _has_password(parsed.storage.database):
        raise ConfigError(
            f"{shown}: storage.database: the URL has a password, which does not belong in the "
            "config file; remove it and set PGPASSWORD (or use ~/.pgpass) instead"
        )
    shard_count, shard_ids = _shards(shown, parsed.discord)
    base = source.resolve().parent
    # An installed wheel's folder is not ours to write to: keep the database where the user is.
    db_base = Path.cwd() if paths.is_installed_copy(source) else base
    return Config(
        source=source,
        guild_ids=tuple(parsed.discord.guild_ids),
        moderator_roles=tuple(parsed.roles.moderators),
        organizer_roles=tuple(parsed.roles.organizers),
        moderation_queue=parsed.channels.moderation_queue,
        database=(
            parsed.storage.database
            if is_database_url(parsed.storage.database)
            else _resolve(db_base, parsed.storage.database)
        ),
        knowledge=_resolve(base, parsed.knowledge.path),
        stale_after_days=parsed.ratings.stale_after_days,
        rating_confirmations=parsed.ratings.confirmations,
        review_after_reports=parsed.ratings.review_after_reports,
        reports=parsed.reports,
        log_level=parsed.logging.level,
        debug_loggers=tuple(parsed.logging.debug_loggers),
        directory_index=(
            _resolve(db_base, parsed.directory.index) if parsed.directory.index else None
        ),
        filings_url=parsed.directory.filings_url,
        site_base_url=parsed.site.base_url,
        shard_count=shard_count,
        shard_ids=shard_ids,
    )


def _shards(shown: str, section: DiscordSection) -> tuple[int | None, tuple[int, ...] | None]:
    """The shard count and this process's shard ids, checked against each other."""
    count = None if isinstance(section.shard_count, str) else section.shard_count
    if isinstance(section.shard_ids, str):
        return count, None
    ids = tuple(section.shard_ids)
    if count is None:
        raise ConfigError(
            f"{shown}: discord.shard_ids: needs discord.shard_count set to the total number "
            "of shards (every process must agree on it)"
        )
    if not ids:
        raise ConfigError(f'{shown}: discord.shard_ids: name at least one shard, or "auto"')
    if outside := [i for i in ids if i >= count]:
        raise ConfigError(
            f"{shown}: discord.shard_ids: {outside[0]} is out of range; with shard_count = "
            f"{count} the ids are 0 to {count - 1}"
        )
    if len(set(ids)) != len(ids):
        raise ConfigError(f"{shown}: discord.shard_ids: {ids} names a shard twice")
    return count, ids
