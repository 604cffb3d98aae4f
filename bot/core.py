"""The core: one object that owns the knowledge, its indexes and the database.

Both front ends (the Discord client and the console) are built on it, so every command is
implemented once. It never imports discord.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

from bot.config import Config
from bot.db import Database
from bot.feedback import FeedbackStore
from bot.knowledge.loader import Knowledge, KnowledgeError, validate_knowledge
from bot.knowledge.search import SearchIndex
from bot.orgs.index import OrgIndex, OrgRecord, org_records

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KnowledgeState:
    """A knowledge base with the indexes built from it, swapped as one on reload."""

    knowledge: Knowledge
    search: SearchIndex
    orgs: OrgIndex


def build_state(
    knowledge: Knowledge, community_orgs: list[OrgRecord] | None = None
) -> KnowledgeState:
    """Index ``knowledge`` (and the community-listed organizations) for lookups."""
    records = [*org_records(knowledge), *(community_orgs or [])]
    return KnowledgeState(knowledge, SearchIndex.build(knowledge), OrgIndex.build(records))


class Core:
    """Everything a command needs. Create with :meth:`open`, release with :meth:`close`."""

    def __init__(self, config: Config, state: KnowledgeState, db: Database) -> None:
        self.config = config
        self.state = state
        self.db = db
        self.feedback = FeedbackStore(db)
        self._reload_lock = asyncio.Lock()

    @classmethod
    async def open(cls, config: Config) -> Core:
        """Load the knowledge base; raise ``KnowledgeInvalid`` when it does not validate."""
        from bot.knowledge.loader import load_knowledge

        knowledge = await asyncio.to_thread(load_knowledge, config.knowledge)
        state = await asyncio.to_thread(build_state, knowledge)
        log.info("Knowledge loaded from %s: %s", config.knowledge, knowledge.counts())
        db = await Database.open(config.database)
        return cls(config, state, db)

    async def close(self) -> None:
        """Close the database (after the unit of work under way, if any)."""
        await self.db.close()

    @property
    def knowledge(self) -> Knowledge:
        return self.state.knowledge

    async def reload_knowledge(self, path: Path | None = None) -> list[KnowledgeError]:
        """Load the files again; swap them in only if they validate. Returns the errors."""
        async with self._reload_lock:
            knowledge, errors = await asyncio.to_thread(
                validate_knowledge, path or self.config.knowledge
            )
            if knowledge is None:
                log.warning("Knowledge reload refused: %d error(s)", len(errors))
                return errors
            self.state = await asyncio.to_thread(build_state, knowledge)
            log.info("Knowledge reloaded: %s", knowledge.counts())
            return []
