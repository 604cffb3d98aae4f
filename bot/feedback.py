"""Helpful / not helpful feedback on answers, and the summary organizers read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bot.db import Database, from_db_time, to_db_time

FEEDBACK_REASON_MAX = 500


@dataclass
class EntryFeedback:
    """Votes on one entry, with the most recent reasons people gave for "not helpful"."""

    kind: str
    entry_id: str
    helpful: int = 0
    unhelpful: int = 0
    reasons: list[tuple[dt.datetime, str]] = field(default_factory=list)


class FeedbackStore:
    """Stores votes; reads them back per entry, least helpful first."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(
        self, kind: str, entry_id: str, helpful: bool, reason: str | None, now: dt.datetime
    ) -> int:
        """Store one vote (and the reason for a "not helpful"); returns its id."""
        text = (reason or "").strip()[:FEEDBACK_REASON_MAX] or None
        async with self.db.transaction() as conn:
            return await self.db.insert(
                "INSERT INTO feedback (kind, entry_id, helpful, reason, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (kind, entry_id, int(helpful), text, to_db_time(now)),
                conn=conn,
            )

    async def add_reason(self, feedback_id: int, reason: str) -> bool:
        """Attach the reason given in the follow-up form to an earlier "not helpful" vote."""
        text = reason.strip()[:FEEDBACK_REASON_MAX]
        async with self.db.transaction() as conn:
            changed = await self.db.execute(
                "UPDATE feedback SET reason = ? WHERE id = ? AND helpful = 0",
                (text or None, feedback_id),
                conn=conn,
            )
        return changed == 1

    async def summary(self, reasons_per_entry: int = 3) -> list[EntryFeedback]:
        """Every entry with feedback, the most "not helpful" votes first."""
        rows = await self.db.fetchall(
            "SELECT kind, entry_id, helpful, reason, created_at FROM feedback"
            " ORDER BY created_at DESC, id DESC"
        )
        entries: dict[tuple[str, str], EntryFeedback] = {}
        for row in rows:
            key = (row["kind"], row["entry_id"])
            entry = entries.setdefault(key, EntryFeedback(*key))
            if row["helpful"]:
                entry.helpful += 1
            else:
                entry.unhelpful += 1
                if row["reason"] and len(entry.reasons) < reasons_per_entry:
                    moment = from_db_time(row["created_at"])
                    assert moment is not None
                    entry.reasons.append((moment, row["reason"]))
        return sorted(entries.values(), key=lambda e: (-e.unhelpful, e.helpful, e.kind, e.entry_id))
