"""Helpful / not helpful feedback on answers, and the summary organizers read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bot.storage import Database, from_db_time, to_db_time

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
        self,
        kind: str,
        entry_id: str,
        helpful: bool,
        reason: str | None,
        now: dt.datetime,
        guild_id: int | None = None,
    ) -> int:
        """Store one vote (and the reason for a "not helpful"); returns its id. A vote from a
        direct message belongs to no community (``guild_id`` 0)."""
        text = (reason or "").strip()[:FEEDBACK_REASON_MAX] or None
        async with self.db.transaction() as conn:
            return await self.db.insert(
                "INSERT INTO feedback (guild_id, kind, entry_id, helpful, reason, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (guild_id or 0, kind, entry_id, int(helpful), text, to_db_time(now)),
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

    async def summary(
        self, guild_id: int | None = None, reasons_per_entry: int = 3
    ) -> list[EntryFeedback]:
        """Every entry with feedback (in one community, or all), the most "not helpful" votes
        first."""
        where, params = ("WHERE guild_id = ?", (guild_id,)) if guild_id is not None else ("", ())
        rows = await self.db.fetchall(
            f"SELECT kind, entry_id, helpful, reason, created_at FROM feedback {where}"
            " ORDER BY created_at DESC, id DESC",
            params,
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

    async def export(self, guild_id: int | None = None) -> list[dict[str, object]]:
        """Feedback per entry as open data, each row with its community (0: a DM)."""
        rows = await self.db.fetchall(
            "SELECT guild_id, kind, entry_id, SUM(helpful) AS up, SUM(1 - helpful) AS down "
            "FROM feedback "
            + ("WHERE guild_id = ? " if guild_id is not None else "")
            + "GROUP BY guild_id, kind, entry_id ORDER BY down DESC, up, guild_id, kind, entry_id",
            (guild_id,) if guild_id is not None else (),
        )
        return [
            {
                "guild_id": r["guild_id"],
                "kind": r["kind"],
                "id": r["entry_id"],
                "helpful": r["up"],
                "unhelpful": r["down"],
            }
            for r in rows
        ]
