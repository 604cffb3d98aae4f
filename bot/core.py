"""The core: one object that owns the knowledge, its indexes and the database.

Both front ends (the Discord client and the console) are built on it, so every command is
implemented once. It never imports discord.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import Config
from bot.db import Database
from bot.feedback import FeedbackStore
from bot.knowledge.loader import Knowledge, KnowledgeError, load_knowledge, validate_knowledge
from bot.knowledge.search import SearchIndex
from bot.orgs.index import OrgIndex, OrgRecord, org_records
from bot.replies import Reply
from bot.reports.service import ReportService

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KnowledgeState:
    """A knowledge base with the indexes built from it, swapped as one on reload."""

    knowledge: Knowledge
    search: SearchIndex
    orgs: OrgIndex
    community: dict[str, str]  # community-listed organization id -> name
    # Rendered rating cards by (org id, reports version, day), rebuilt with the state.
    cards: dict[tuple[str, int, dt.date], Reply] = field(default_factory=dict, compare=False)


def build_state(knowledge: Knowledge, community: dict[str, str]) -> KnowledgeState:
    """Index ``knowledge`` and the community-listed organizations for lookups."""
    records = [
        *org_records(knowledge),
        *(
            OrgRecord(org_id, name)
            for org_id, name in community.items()
            if org_id not in knowledge.orgs
        ),
    ]
    return KnowledgeState(
        knowledge, SearchIndex.build(knowledge), OrgIndex.build(records), community
    )


class Core:
    """Everything a command needs. Create with :meth:`open`, release with :meth:`close`."""

    def __init__(self, config: Config, state: KnowledgeState, db: Database) -> None:
        self.config = config
        self.state = state
        self.db = db
        self.feedback = FeedbackStore(db)
        self.reports = ReportService(
            db, config.reports, org_exists=lambda org_id: org_id in self.knowledge.orgs
        )
        self._reload_lock = asyncio.Lock()

    @classmethod
    async def open(cls, config: Config) -> Core:
        """Load the knowledge base and open the database.

        Raises ``KnowledgeInvalid`` when the knowledge base does not validate.
        """
        knowledge = await asyncio.to_thread(load_knowledge, config.knowledge)
        db = await Database.open(config.database)
        try:
            core = cls(config, await asyncio.to_thread(build_state, knowledge, {}), db)
            await core.refresh_orgs()
        except BaseException:
            await db.close()
            raise
        log.info("Knowledge loaded from %s: %s", config.knowledge, knowledge.counts())
        return core

    async def close(self) -> None:
        """Close the database (after the unit of work under way, if any)."""
        await self.db.close()

    @property
    def knowledge(self) -> Knowledge:
        return self.state.knowledge

    async def _community(self) -> dict[str, str]:
        return {org.id: org.name for org in await self.reports.community_orgs()}

    async def reload_knowledge(self, path: Path | None = None) -> list[KnowledgeError]:
        """Load the files again; swap them in only if they validate. Returns the errors."""
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
