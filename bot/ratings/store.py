"""SQL for proposals, confirmations and the ratings audit log. Every query names its guild."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from bot.ratings.models import Proposal, ProposalStatus, Verdict
from bot.storage import Database, Row, from_db_time, placeholders, to_db_time

_COLUMNS = (
    "id, guild_id, org_id, criterion, verdict, note, evidence, report_ids, reverts, "
    "proposed_by, proposed_at, status, needed, decided_at, declined_by, decline_reason, "
    "queue_channel_id, queue_message_id"
)


def _proposal(row: Row, confirmed: tuple[int, ...]) -> Proposal:
    decided = from_db_time(row["decided_at"])
    proposed = from_db_time(row["proposed_at"])
    assert proposed is not None
    return Proposal(
        id=row["id"],
        guild_id=row["guild_id"],
        org_id=row["org_id"],
        criterion=row["criterion"],
        verdict=Verdict(row["verdict"]),
        note=row["note"],
        evidence=tuple(row["evidence"].split()),
        report_ids=tuple(int(i) for i in row["report_ids"].split(",") if i),
        proposed_by=row["proposed_by"],
        proposed_at=proposed,
        status=ProposalStatus(row["status"]),
        needed=row["needed"],
        confirmed_by=confirmed,
        reverts=row["reverts"],
        decided_at=decided,
        declined_by=row["declined_by"],
        decline_reason=row["decline_reason"],
        queue_channel_id=row["queue_channel_id"],
        queue_message_id=row["queue_message_id"],
    )


class ProposalStore:
    """Reads and guarded writes of ``rating_proposals``."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def _with_confirmations(self, rows: Sequence[Row], conn: Any = None) -> list[Proposal]:
        if not rows:
            return []
        marks = placeholders(rows)
        confirmations = await self.db.fetchall(
            f"SELECT proposal_id, moderator_id FROM rating_confirmations "
            f"WHERE proposal_id IN ({marks}) ORDER BY at, moderator_id",
            [r["id"] for r in rows],
            conn=conn,
        )
        by_id: dict[int, list[int]] = {}
        for c in confirmations:
            by_id.setdefault(c["proposal_id"], []).append(c["moderator_id"])
        return [_proposal(r, tuple(by_id.get(r["id"], ()))) for r in rows]

    async def get(self, proposal_id: int, guild_id: int, *, conn: Any = None) -> Proposal | None:
        """One proposal of this community (another community's id is None, like a missing one)."""
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM rating_proposals WHERE id = ? AND guild_id = ?",
            (proposal_id, guild_id),
            conn=conn,
        )
        found = await self._with_confirmations([row] if row else [], conn)
        return found[0] if found else None

    async def add(
        self,
        *,
        guild_id: int,
        org_id: str,
        criterion: int,
        verdict: Verdict,
        note: str,
        evidence: tuple[str, ...],
        report_ids: tuple[int, ...],
        reverts: int | None,
        proposed_by: int,
        needed: int,
        now: dt.datetime,
        conn: Any,
    ) -> int:
        """Store a pending proposal with its proposer's confirmation; the new id."""
        proposal_id = await self.db.insert(
            "INSERT INTO rating_proposals (guild_id, org_id, criterion, verdict, note, evidence,"
            " report_ids, reverts, proposed_by, proposed_at, needed)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                guild_id,
                org_id,
                criterion,
                str(verdict),
                note,
                "\n".join(evidence),
                ",".join(str(i) for i in report_ids),
                reverts,
                proposed_by,
                to_db_time(now),
                needed,
            ),
            conn=conn,
        )
        await self.confirm(proposal_id, proposed_by, now, conn=conn)
        return proposal_id

    async def confirm(
        self, proposal_id: int, moderator_id: int, now: dt.datetime, *, conn: Any
    ) -> bool:
        """Record one moderator's agreement; False if they had already agreed."""
        added = await self.db.execute(
            # Portable to both backends (SQLite >= 3.24 and PostgreSQL).
            "INSERT INTO rating_confirmations (proposal_id, moderator_id, at)"
            " VALUES (?, ?, ?) ON CONFLICT (proposal_id, moderator_id) DO NOTHING",
            (proposal_id, moderator_id, to_db_time(now)),
            conn=conn,
        )
        return added == 1

    async def settle(
        self,
        proposal_id: int,
        guild_id: int,
        status: ProposalStatus,
        now: dt.datetime,
        *,
        declined_by: int | None = None,
        reason: str | None = None,
        conn: Any,
    ) -> bool:
        """The guarded move out of 'pending': True only for the one call that made it."""
        moved = await self.db.execute(
            "UPDATE rating_proposals SET status = ?, decided_at = ?, declined_by = ?,"
            " decline_reason = ? WHERE id = ? AND guild_id = ? AND status = 'pending'",
            (str(status), to_db_time(now), declined_by, reason, proposal_id, guild_id),
            conn=conn,
        )
        return moved == 1

    async def adopted(
        self, guild_ids: tuple[int, ...], org_id: str, criterion: int | None = None
    ) -> list[Proposal]:
        """Adopted proposals about ``org_id`` in these communities, oldest first."""
        if not guild_ids:
            return []
        marks = placeholders(guild_ids)
        params: list[Any] = [*guild_ids, org_id]
        extra = ""
        if criterion is not None:
            extra = " AND criterion = ?"
            params.append(criterion)
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM rating_proposals WHERE guild_id IN ({marks}) AND org_id = ?"
            f" AND status = 'adopted'{extra} ORDER BY decided_at, id",
            params,
        )
        return await self._with_confirmations(rows)

    async def newest_adopted(self, guild_ids: tuple[int, ...], org_id: str) -> list[Proposal]:
        """The current decision per community and criterion about ``org_id`` (what a card
        needs), without reading the older decisions behind them."""
        if not guild_ids:
            return []
        marks = placeholders(guild_ids)
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY guild_id,"
            " criterion ORDER BY decided_at DESC, id DESC) AS newest FROM rating_proposals"
            f" WHERE guild_id IN ({marks}) AND org_id = ? AND status = 'adopted') AS ranked"
            " WHERE newest = 1",
            [*guild_ids, org_id],
        )
        return await self._with_confirmations(rows)

    async def all_adopted(self, guild_id: int | None) -> list[Proposal]:
        """Every adopted proposal (of one community, or all), oldest first, for the export."""
        where, params = ("AND guild_id = ?", [guild_id]) if guild_id is not None else ("", [])
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM rating_proposals WHERE status = 'adopted' {where}"
            " ORDER BY decided_at, id",
            params,
        )
        return await self._with_confirmations(rows)

    async def pending(self, guild_id: int, limit: int, offset: int = 0) -> list[Proposal]:
        """Proposals waiting for confirmations, oldest first."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM rating_proposals WHERE guild_id = ? AND status = 'pending'"
            " ORDER BY id LIMIT ? OFFSET ?",
            (guild_id, limit, offset),
        )
        return await self._with_confirmations(rows)

    async def set_queue_message(
        self, proposal_id: int, guild_id: int, channel_id: int, message_id: int
    ) -> None:
        await self.db.execute(
            "UPDATE rating_proposals SET queue_channel_id = ?, queue_message_id = ?"
            " WHERE id = ? AND guild_id = ?",
            (channel_id, message_id, proposal_id, guild_id),
        )

    async def approved_reports(
        self, guild_id: int, org_id: str, report_ids: tuple[int, ...], *, conn: Any = None
    ) -> set[int]:
        """Which of ``report_ids`` are approved reports about ``org_id`` in this community."""
        if not report_ids:
            return set()
        marks = placeholders(report_ids)
        rows = await self.db.fetchall(
            f"SELECT id FROM reports WHERE id IN ({marks}) AND guild_id = ? AND org_id = ?"
            " AND status = 'approved'",
            [*report_ids, guild_id, org_id],
            conn=conn,
        )
        return {r["id"] for r in rows}

    async def reports_since(
        self, guild_id: int, org_id: str, criterion: int, since: dt.datetime | None
    ) -> int:
        """Approved reports on one criterion of an organization decided after ``since``."""
        sql = (
            "SELECT COUNT(*) FROM reports WHERE guild_id = ? AND org_id = ? AND criterion = ?"
            " AND status = 'approved'"
        )
        params: list[Any] = [guild_id, org_id, criterion]
        if since is not None:
            sql += " AND decided_at > ?"
            params.append(to_db_time(since))
        return int(await self.db.fetchval(sql, params) or 0)

    async def audit(
        self,
        *,
        guild_id: int,
        actor_id: int | None,
        at: dt.datetime,
        action: str,
        proposal_id: int | None = None,
        response_id: int | None = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        conn: Any,
    ) -> None:
        """One row of the ratings audit log."""
        await self.db.insert(
            "INSERT INTO ratings_audit (guild_id, actor_id, at, action, proposal_id,"
            " response_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                guild_id,
                actor_id,
                to_db_time(at),
                action,
                proposal_id,
                response_id,
                json.dumps(before, default=str) if before is not None else None,
                json.dumps(after, default=str) if after is not None else None,
            ),
            conn=conn,
        )
