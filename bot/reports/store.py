"""SQL for reports, the audit log, the block list and community orgs — and nothing else.

No rules live here: :mod:`bot.reports.service` decides, this module reads and writes. Every
method takes an optional ``conn`` so the service can run several in one transaction. State
changes guard on the current status (``... AND status = 'pending'``) and return whether they
won, so two moderators acting at once produce exactly one decision even without the lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from bot import ids
from bot.reports.models import (
    Basis,
    PiiKind,
    Report,
    Status,
)
from bot.reports.records import Records
from bot.storage import Conn as Handle
from bot.storage import Database, Row, from_db_time, placeholders, to_db_time

Conn = Handle | None

_REPORT_COLUMNS = (
    "id, guild_id, org_id, org_name, criterion, text, evidence, basis, reporter_id, status, "
    "pii_flags, created_at, decided_at, decided_by, decision_reason, edited_at, "
    "queue_channel_id, queue_message_id"
)


def _report(row: Row) -> Report:
    return Report(
        id=row["id"],
        guild_id=row["guild_id"],
        org_id=row["org_id"],
        org_name=row["org_name"],
        criterion=row["criterion"],
        text=row["text"],
        evidence=tuple(row["evidence"].split("\n")) if row["evidence"] else (),
        basis=Basis(row["basis"]),
        reporter_id=row["reporter_id"],
        status=Status(row["status"]),
        pii_flags=tuple(PiiKind(k) for k in row["pii_flags"].split(",") if k),
        created_at=from_db_time(row["created_at"]),  # type: ignore[arg-type]
        decided_at=from_db_time(row["decided_at"]),
        decided_by=row["decided_by"],
        decision_reason=row["decision_reason"],
        edited_at=from_db_time(row["edited_at"]),
        queue_channel_id=row["queue_channel_id"],
        queue_message_id=row["queue_message_id"],
    )


def _flags(kinds: Sequence[PiiKind]) -> str:
    return ",".join(kinds)


class ReportStore(Records):
    """Reads and writes report data through the shared :class:`~bot.storage.Database`."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- reports ---------------------------------------------------------------------------

    async def add_if_allowed(
        self,
        *,
        guild_id: int,
        org_id: str | None,
        org_name: str,
        criterion: int | None,
        text: str,
        evidence: Sequence[str],
        basis: Basis,
        reporter_id: int,
        pii_flags: Sequence[PiiKind],
        created_at: dt.datetime,
        limits: Sequence[tuple[dt.datetime, int]],
        conn: Conn = None,
    ) -> int | None:
        """Store a new pending report unless a rule forbids it; its id, or ``None``.

        The rules are checked inside the one ``INSERT``: the reporter is not blocked, has fewer
        than ``n`` reports since each ``(since, n)`` in ``limits``, and no pending report on the
        same org and criterion. One statement is one round trip and one atomic commit, which is
        what lets a durable (fsync'd) submission cost a single disk flush.
        """
        dup_where, dup_params = _duplicate_where(guild_id, reporter_id, org_id, org_name, criterion)
        conditions = ["NOT EXISTS (SELECT 1 FROM blocklist WHERE guild_id = ? AND user_id = ?)"]
        params: list[Any] = [
            guild_id,
            org_id,
            org_name,
            criterion,
            text,
            "\n".join(evidence),
            basis.value,
            reporter_id,
            _flags(pii_flags),
            to_db_time(created_at),
            guild_id,
            reporter_id,
        ]
        for since, most in limits:
            conditions.append(
                "(SELECT COUNT(*) FROM reports "
                "WHERE guild_id = ? AND reporter_id = ? AND created_at > ?) < ?"
            )
            params += [guild_id, reporter_id, to_db_time(since), most]
        conditions.append(f"NOT EXISTS (SELECT 1 FROM reports WHERE {dup_where})")
        params += dup_params
        return await self.db.insert_if(
            "INSERT INTO reports (guild_id, org_id, org_name, criterion, text, evidence, basis, "
            "reporter_id, status, pii_flags, created_at) "
            "SELECT ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ? "
            f"WHERE {' AND '.join(conditions)}",
            params,
            conn=conn,
            # The limits count this reporter's reports: with several writers (PostgreSQL),
            # two submissions of theirs must not both see one report too few.
            serialize_on=f"reports:{guild_id}:{reporter_id}",
        )

    async def get(self, report_id: int, guild_id: int, *, conn: Conn = None) -> Report | None:
        """One report of community ``guild_id``; None for another community's report, and for
        a number no report can have (beyond 64 bits), exactly as for one that does not exist."""
        if not 1 <= report_id <= ids.RECORD_ID_MAX:
            return None
        row = await self.db.fetchone(
            f"SELECT {_REPORT_COLUMNS} FROM reports WHERE id = ? AND guild_id = ?",
            (report_id, guild_id),
            conn=conn,
        )
        return None if row is None else _report(row)

    async def recent_times(
        self, guild_id: int, reporter_id: int, since: dt.datetime, *, conn: Conn = None
    ) -> list[dt.datetime]:
        """When ``reporter_id`` submitted reports here after ``since``, oldest first."""
        rows = await self.db.fetchall(
            "SELECT created_at FROM reports WHERE guild_id = ? AND reporter_id = ? "
            "AND created_at > ? ORDER BY created_at",
            (guild_id, reporter_id, to_db_time(since)),
            conn=conn,
        )
        return [from_db_time(r[0]) for r in rows]  # type: ignore[misc]

    async def pending_duplicate(
        self,
        guild_id: int,
        reporter_id: int,
        org_id: str | None,
        org_name: str,
        criterion: int | None,
        *,
        conn: Conn = None,
    ) -> int | None:
        """The id of this reporter's pending report on the same org and criterion, if any."""
        where, params = _duplicate_where(guild_id, reporter_id, org_id, org_name, criterion)
        return await self.db.fetchval(f"SELECT id FROM reports WHERE {where}", params, conn=conn)

    async def decide(
        self,
        report_id: int,
        guild_id: int,
        *,
        source: Status = Status.PENDING,
        status: Status,
        decided_by: int | None,
        decided_at: dt.datetime,
        reason: str | None = None,
        org_id: str | None = None,
        reporter_id: int | None = None,
        conn: Conn = None,
    ) -> bool:
        """Move a report from ``source`` to ``status``; ``False`` if it was no longer ``source``.

        ``org_id`` (when given) links the report to an org; ``reporter_id`` (when given) also
        requires the report to be theirs, for withdrawals.
        """
        sql = (
            "UPDATE reports SET status = ?, decided_by = ?, decided_at = ?, decision_reason = ?, "
            "org_id = COALESCE(?, org_id) WHERE id = ? AND guild_id = ? AND status = ?"
        )
        params: list[Any] = [
            status.value,
            decided_by,
            to_db_time(decided_at),
            reason,
            org_id,
            report_id,
            guild_id,
            source.value,
        ]
        if reporter_id is not None:
            sql += " AND reporter_id = ?"
            params.append(reporter_id)
        return await self.db.execute(sql, params, conn=conn) == 1

    async def set_text(
        self,
        report_id: int,
        guild_id: int,
        text: str,
        pii_flags: Sequence[PiiKind],
        edited_at: dt.datetime,
        *,
        conn: Conn = None,
    ) -> bool:
        """Replace a report's text (a moderator's redaction); ``False`` if there is no report."""
        changed = await self.db.execute(
            "UPDATE reports SET text = ?, pii_flags = ?, edited_at = ? "
            "WHERE id = ? AND guild_id = ?",
            (text, _flags(pii_flags), to_db_time(edited_at), report_id, guild_id),
            conn=conn,
        )
        return changed == 1

    async def set_queue_message(
        self, report_id: int, guild_id: int, channel_id: int, message_id: int, *, conn: Conn = None
    ) -> bool:
        """Remember where the report's moderation-queue post is, to update it later."""
        changed = await self.db.execute(
            "UPDATE reports SET queue_channel_id = ?, queue_message_id = ? "
            "WHERE id = ? AND guild_id = ?",
            (channel_id, message_id, report_id, guild_id),
            conn=conn,
        )
        return changed == 1

    async def by_reporter(
        self, guild_id: int, reporter_id: int, limit: int, *, conn: Conn = None
    ) -> list[Report]:
        """A reporter's reports in one community, newest first."""
        rows = await self.db.fetchall(
            f"SELECT {_REPORT_COLUMNS} FROM reports WHERE guild_id = ? AND reporter_id = ? "
            "ORDER BY id DESC LIMIT ?",
            (guild_id, reporter_id, limit),
            conn=conn,
        )
        return [_report(r) for r in rows]

    async def pending_page(
        self, guild_id: int, offset: int, limit: int, *, conn: Conn = None
    ) -> list[Report]:
        """A community's pending reports, oldest first (first come, first reviewed)."""
        rows = await self.db.fetchall(
            f"SELECT {_REPORT_COLUMNS} FROM reports WHERE guild_id = ? AND status = 'pending' "
            "ORDER BY id LIMIT ? OFFSET ?",
            (guild_id, limit, offset),
            conn=conn,
        )
        return [_report(r) for r in rows]

    async def count_pending(self, guild_id: int, *, conn: Conn = None) -> int:
        """How many of a community's reports wait for a decision."""
        return int(
            await self.db.fetchval(
                "SELECT COUNT(*) FROM reports WHERE guild_id = ? AND status = 'pending'",
                (guild_id,),
                conn=conn,
            )
        )

    async def lifecycle(self, guild_id: int | None) -> list[tuple[str, str, str | None]]:
        """Each report's status, sending and decision times (database text), for activity
        counts: no text, no person. One community's, or every community's for ``None``."""
        sql = "SELECT status, created_at, decided_at FROM reports"
        if guild_id is None:
            rows = await self.db.fetchall(sql)
        else:
            rows = await self.db.fetchall(f"{sql} WHERE guild_id = ?", (guild_id,))
        return [(r[0], r[1], r[2]) for r in rows]

    async def version(self) -> tuple[Any, ...]:
        """A value that changes whenever a report is sent or decided: the newest report id and
        the latest decision time (two index look-ups, not a scan; times are fixed-width UTC
        text, so MAX is the latest)."""
        row = await self.db.fetchone(
            "SELECT (SELECT MAX(id) FROM reports), (SELECT MAX(decided_at) FROM reports)"
        )
        return tuple(row) if row else ()

    async def approved(
        self,
        guild_ids: Sequence[int] | None,
        org_id: str | None = None,
        *,
        limit: int | None = None,
        conn: Conn = None,
    ) -> list[Report]:
        """Approved reports of these communities (all when ``None``; about ``org_id`` if
        given), most recently approved first."""
        sql = f"SELECT {_REPORT_COLUMNS} FROM reports WHERE status = 'approved'"
        params: list[Any] = []
        if guild_ids is not None:
            sql += f" AND guild_id IN ({placeholders(guild_ids)})"
            params += guild_ids
        if org_id is not None:
            sql += " AND org_id = ?"
            params.append(org_id)
        sql += " ORDER BY decided_at DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [_report(r) for r in await self.db.fetchall(sql, params, conn=conn)]

    async def approved_counts(
        self, guild_ids: Sequence[int], org_id: str, *, conn: Conn = None
    ) -> dict[int | None, int]:
        """Approved reports about ``org_id`` in these communities per criterion (``None`` =
        general)."""
        rows = await self.db.fetchall(
            "SELECT criterion, COUNT(*) FROM reports WHERE status = 'approved' AND org_id = ? "
            f"AND guild_id IN ({placeholders(guild_ids)}) GROUP BY criterion",
            (org_id, *guild_ids),
            conn=conn,
        )
        return {r[0]: r[1] for r in rows}

    async def erase_reporters(
        self, guild_id: int, decided_before: dt.datetime, *, conn: Conn = None
    ) -> int:
        """Forget who wrote a community's reports decided before ``decided_before``."""
        return await self.db.execute(
            "UPDATE reports SET reporter_id = NULL WHERE guild_id = ? "
            "AND reporter_id IS NOT NULL AND decided_at IS NOT NULL AND decided_at < ?",
            (guild_id, to_db_time(decided_before)),
            conn=conn,
        )

    async def guilds_with_reports(self, *, conn: Conn = None) -> list[int]:
        """Every community that has reports (for per-community retention)."""
        rows = await self.db.fetchall(
            "SELECT DISTINCT guild_id FROM reports WHERE guild_id IS NOT NULL", conn=conn
        )
        return [r[0] for r in rows]


def _duplicate_where(
    guild_id: int, reporter_id: int, org_id: str | None, org_name: str, criterion: int | None
) -> tuple[str, list[Any]]:
    """SQL matching the reporter's pending reports here on the same org and criterion."""
    # An unknown org has no id yet, so it is matched by name, ignoring case.
    where = ["guild_id = ?", "reporter_id = ?", "status = 'pending'"]
    params: list[Any] = [guild_id, reporter_id]
    if org_id is None:
        where.append("org_id IS NULL AND LOWER(org_name) = LOWER(?)")
        params.append(org_name)
    else:
        where.append("org_id = ?")
        params.append(org_id)
    if criterion is None:
        where.append("criterion IS NULL")
    else:
        where.append("criterion = ?")
        params.append(criterion)
    return " AND ".join(where), params
