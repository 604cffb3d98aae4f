"""What changed, said once: invalidate this process's caches and tell the other processes.

Each process caches what it reads often (community settings, the organizations communities
listed, rendered rating cards and the report summaries on them). When a process changes one of
these it calls :meth:`Changes.changed` with what changed and in which community; that is the
one path. It runs this process's invalidation handlers and, on PostgreSQL, sends a
notification on one channel that every other process receives and feeds to its own handlers.
On SQLite one process owns the file, so the local invalidation is all there is.
"""

from __future__ import annotations

import asyncio
import enum
import inspect
import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Coroutine

from bot.storage import Database

log = logging.getLogger(__name__)

# The notification channel every vetbot process on one database listens on.
CHANNEL = "vetbot_changes"


class Kind(enum.StrEnum):
    """What changed; the handlers registered for a kind forget what depends on it."""

    COMMUNITY = "community"  # a community's settings (its policy, whom it trusts)
    ORGS = "orgs"  # the organizations communities listed themselves
    REPORTS = "reports"  # what rating cards show from reports (approved, edited, retracted)
    RATINGS = "ratings"  # a community's adopted verdicts on criteria
    RESPONSES = "responses"  # organizations' published responses
    KNOWLEDGE = "knowledge"  # the knowledge base files were reloaded


# A handler gets the community the change belongs to (None: not one community's).
Handler = Callable[[int | None], Awaitable[None] | None]


class Changes:
    """The one place changes go through. Handlers run for local and remote changes alike."""

    def __init__(self, db: Database | None = None) -> None:
        self.db = db
        # Tells this process's own notifications (which PostgreSQL delivers back) apart.
        self.origin = uuid.uuid4().hex
        # In the order registered: a later handler may rely on an earlier one's work.
        self._handlers: dict[Kind, list[tuple[Handler, bool]]] = {kind: [] for kind in Kind}
        self._pending: set[asyncio.Task[None]] = set()
        self._stopped = False

    def on(self, kind: Kind, handler: Handler, *, remote_only: bool = False) -> None:
        """Run ``handler(guild_id)`` whenever ``kind`` changes, here or in another process
        (only in another, with ``remote_only``: for a handler that redoes the change itself)."""
        self._handlers[kind].append((handler, remote_only))

    async def changed(self, kind: Kind, guild_id: int | None = None) -> None:
        """``kind`` changed in ``guild_id`` (after the change committed): invalidate here, then
        tell the other processes. Telling them cannot fail the change: it is already stored."""
        await self._invalidate(kind, guild_id)
        if self.db is None:
            return
        payload = json.dumps({"kind": str(kind), "guild": guild_id, "from": self.origin})
        try:
            await self.db.notify(CHANNEL, payload)
        except Exception:
            log.warning(
                "Could not tell other processes that %s changed in %s; their caches catch up "
                "when their notifications connection comes back",
                kind,
                guild_id,
                exc_info=True,
            )

    async def start(self) -> None:
        """Receive the other processes' changes (nothing to do on SQLite)."""
        if self.db is not None:
            await self.db.listen(CHANNEL, self._received, self._missed)

    async def stop(self) -> None:
        """Wait for the invalidations under way; ignore what arrives after (the listener
        closes with the database, and nothing is served meanwhile)."""
        self._stopped = True
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)

    async def _invalidate(self, kind: Kind, guild_id: int | None, *, remote: bool = False) -> None:
        for handler, remote_only in self._handlers[kind]:
            if remote_only and not remote:
                continue
            try:
                outcome = handler(guild_id)
                if inspect.isawaitable(outcome):
                    await outcome
            except Exception:
                log.exception("Invalidating after a %s change in %s failed", kind, guild_id)

    def _received(self, payload: str) -> None:
        try:
            message = json.loads(payload)
            kind, guild_id, origin = Kind(message["kind"]), message["guild"], message["from"]
        except (ValueError, KeyError, TypeError):
            log.warning("Ignoring a malformed change notification: %.100r", payload)
            return
        if origin == self.origin:
            return  # already invalidated when it was made
        log.debug("Another process changed %s in %s", kind, guild_id)
        self._spawn(self._invalidate(kind, guild_id, remote=True))

    def _missed(self) -> None:
        """Notifications may have been lost (the connection dropped): forget everything."""
        for kind in Kind:
            if kind is not Kind.KNOWLEDGE:  # files, not data: reloaded only when asked
                self._spawn(self._invalidate(kind, None))

    def _spawn(self, work: Coroutine[None, None, None]) -> None:
        if self._stopped:
            work.close()
            return
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)
