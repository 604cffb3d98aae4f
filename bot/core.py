"""The core: one object that owns the knowledge, its indexes and the database.

Both front ends (the Discord client and the console) are built on it, so every command is
implemented once. It never imports discord.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

from bot.changes import Changes, Kind
from bot.communities import Community, CommunityStore
from bot.config import Config
from bot.directory import Directory, open_directory
from bot.directory.store import current_stamp
from bot.feedback import FeedbackStore
from bot.knowledge.loader import Knowledge, KnowledgeError, load_knowledge, validate_knowledge
from bot.knowledge.search import SearchIndex
from bot.leases import Leases
from bot.orgs.index import OrgIndex, OrgRecord, org_records
from bot.ratings import RatingService, ResponseService
from bot.replies import Actor, Reply
from bot.reports.service import ReportService
from bot.storage import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KnowledgeState:
    """A knowledge base with the indexes built from it, swapped as one on reload.

    ``orgs`` indexes the knowledge base's organizations; a community that listed organizations
    of its own (or trusts communities that did) gets an index of both, built when first asked.
    """

    knowledge: Knowledge
    search: SearchIndex
    orgs: OrgIndex
    community: dict[int, dict[str, str]]  # guild id -> listed organization id -> name
    scoped: dict[tuple[int, ...], OrgIndex] = field(default_factory=dict, compare=False)
    # Rendered rating cards by (org id, communities shown, reports version, day).
    cards: dict[tuple[str, tuple[int, ...], int, dt.date], Reply] = field(
        default_factory=dict, compare=False
    )

    def listed(self, sees: tuple[int, ...]) -> dict[str, str]:
        """Organizations these communities listed (id -> name); the first community wins."""
        merged: dict[str, str] = {}
        for guild_id in reversed(sees):
            merged.update(self.community.get(guild_id, {}))
        return {k: v for k, v in merged.items() if k not in self.knowledge.orgs}

    def orgs_for(self, sees: tuple[int, ...]) -> OrgIndex:
        """The organization index as these communities see it."""
        listed = self.listed(sees)
        if not listed:
            return self.orgs
        index = self.scoped.get(sees)
        if index is None:
            if len(self.scoped) >= SCOPED_INDEXES:
                self.scoped.clear()
            records = [*org_records(self.knowledge), *(OrgRecord(i, n) for i, n in listed.items())]
            index = self.scoped[sees] = OrgIndex.build(records)
        return index


# The leases row whose turns make the periodic retention purge run in one process a period.
PURGE_LEASE = "retention-purge"

# Community indexes kept at once (each is the knowledge base's organizations plus a few).
SCOPED_INDEXES = 1024


def build_state(knowledge: Knowledge, community: dict[int, dict[str, str]]) -> KnowledgeState:
    """Index ``knowledge`` for lookups; communities' own organizations are indexed on demand."""
    return KnowledgeState(
        knowledge,
        SearchIndex.build(knowledge),
        OrgIndex.build(org_records(knowledge)),
        community,
    )


class Core:
    """Everything a command needs. Create with :meth:`open`, release with :meth:`close`."""

    def __init__(self, config: Config, state: KnowledgeState, db: Database) -> None:
        self.config = config
        self.state = state
        self.db = db
        self.feedback = FeedbackStore(db)
        # Every change to what processes cache goes through here (see bot/changes.py).
        self.changes = Changes(db)
        self.communities = CommunityStore(db, config, self.changes)
        self.reports = ReportService(
            db,
            config.reports,
            org_exists=lambda org_id: org_id in self.knowledge.orgs,
            changes=self.changes,
        )
        self.ratings = RatingService(db, self.changes)
        self.responses = ResponseService(db, self.changes)
        self.changes.on(Kind.ORGS, lambda _guild_id: self.refresh_orgs())
        # A reload here reloads the others (each from its own files); not twice here.
        self.changes.on(Kind.KNOWLEDGE, self._reload_for_another, remote_only=True)
        # One-time work that several processes on one database must not each do.
        self.leases = Leases(db)
        self._reload_lock = asyncio.Lock()
        # The registered-nonprofit directory, if one was imported (`python -m bot orgs import`).
        self.directory: Directory | None = None

    @classmethod
    async def open(cls, config: Config, *, unassigned_ok: bool = False) -> Core:
        """Load the knowledge base and open the database.

        Raises ``KnowledgeInvalid`` when the knowledge base does not validate, and
        :class:`~bot.communities.Unassigned` when old records still need their community
        (``python -m bot db assign-guild``) unless ``unassigned_ok``.
        """
        knowledge = await asyncio.to_thread(load_knowledge, config.knowledge)
        db = await Database.open(config.database)
        try:
            core = cls(config, await asyncio.to_thread(build_state, knowledge, {}), db)
            if not unassigned_ok:
                await core.communities.settle_unassigned()
            await core.refresh_orgs()
            await core.changes.start()
            core.directory = await asyncio.to_thread(
                open_directory, config.directory_index_path, await current_stamp(db)
            )
            if core.directory is not None:
                await core.directory.start_workers()
        except BaseException:
            await db.close()
            raise
        log.info("Knowledge loaded from %s: %s", config.knowledge, knowledge.counts())
        return core

    async def close(self) -> None:
        """Close the database (after the unit of work under way, if any)."""
        if self.directory is not None:
            await self.directory.aclose()
        await self.changes.stop()
        await self.db.close()

    async def purge_reporters(self, now: dt.datetime) -> int:
        """Erase reporter ids past the retention period, then empty the write-ahead log so
        no copy of them stays on disk. Returns how many reports lost their reporter id."""

        async def retention(guild_id: int) -> int:
            # Each community's own retention_days (set with /setup), else the deployment's.
            return (await self.communities.get(guild_id)).policy.retention_days

        erased = await self.reports.purge_reporter_ids(now, retention)
        await self.db.checkpoint()
        return erased

    async def scheduled_purge(self, now: dt.datetime, every: dt.timedelta) -> int | None:
        """The periodic retention purge: every process asks often, and the first to ask once
        a period of ``every`` is over purges (``None`` elsewhere and until the next period).
        A process that died or restarted holds nothing up: the next asker runs the job."""
        if not await self.leases.take_turn(PURGE_LEASE, every=every, now=now):
            return None
        try:
            return await self.purge_reporters(now)
        except Exception:
            # A failed run gives its turn back, so the next offer (within the hour) retries.
            with contextlib.suppress(Exception):
                await self.leases.release(PURGE_LEASE)
            raise

    @property
    def knowledge(self) -> Knowledge:
        return self.state.knowledge

    async def community_of(self, actor: Actor) -> Community | None:
        """The effective settings of the community ``actor`` is in (None in a DM)."""
        if actor.guild_id is None:
            return None
        return await self.communities.get(actor.guild_id, actor.guild_name)

    async def sees(self, actor: Actor) -> tuple[int, ...]:
        """The communities whose approved reports and listed organizations ``actor`` sees:
        their own and those it trusts; none in a DM (the knowledge base only)."""
        community = await self.community_of(actor)
        return community.sees if community else ()

    async def _community(self) -> dict[int, dict[str, str]]:
        listed: dict[int, dict[str, str]] = {}
        for org in await self.reports.community_orgs():
            listed.setdefault(org.guild_id or 0, {})[org.id] = org.name
        return listed

    async def reload_knowledge(self, path: Path | None = None) -> list[KnowledgeError]:
        """Load the files again; swap them in only if they validate. Returns the errors.

        Every other process reloads its own files too (the knowledge base is per process)."""
        errors = await self._reload(path)
        if not errors:
            await self.changes.changed(Kind.KNOWLEDGE)
        return errors

    async def _reload_for_another(self, _guild_id: int | None) -> None:
        """Another process reloaded its knowledge base: reload this one's files too."""
        await self._reload(None)

    async def _reload(self, path: Path | None) -> list[KnowledgeError]:
        async with self._reload_lock:
            knowledge, errors = await asyncio.to_thread(
                validate_knowledge, path or self.config.knowledge
            )
            if knowledge is None:
                log.warning("Knowledge reload refused: %d error(s)", len(errors))
                return errors
            community = await self._community()
            self.state = await asyncio.to_thread(build_state, knowledge, community)
            log.info("Knowledge reloaded: %s", knowledge.counts())
            return []

    async def refresh_orgs(self) -> None:
        """Re-index organizations after moderators listed a new one from a report."""
        async with self._reload_lock:
            community = await self._community()
            if community != self.state.community:
                self.state = await asyncio.to_thread(build_state, self.knowledge, community)
