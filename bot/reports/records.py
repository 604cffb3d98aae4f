"""The moderation records beside the reports: the audit log, the block list, and the
organizations communities listed by approving reports about them. Mixed into
:class:`~bot.reports.store.ReportStore`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from bot.reports.models import AuditEntry, CommunityOrg
from bot.storage import Conn as Handle
from bot.storage import Database, Row, from_db_time, to_db_time

Conn = Handle | None


class Records:
    """Audit, block-list and community-org queries."""

    db: Database

    # -- audit log -------------------------------------------------------------------------

    async def audit(
        self,
        *,
        guild_id: int,
        actor_id: int | None,
        at: dt.datetime,
        action: str,
        report_id: int | None,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        conn: Conn = None,
    ) -> int:
        """Record one action with the fields it changed."""
        return await self.db.insert(
            "INSERT INTO audit_log (guild_id, actor_id, at, action, report_id, before, after) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (guild_id, actor_id, to_db_time(at), action, report_id, _json(before), _json(after)),
            conn=conn,
        )

    async def audit_for(self, report_id: int, *, conn: Conn = None) -> list[AuditEntry]:
        """Every audit entry about one report, oldest first."""
        rows = await self.db.fetchall(
            "SELECT id, actor_id, at, action, report_id, before, after FROM audit_log "
            "WHERE report_id = ? ORDER BY id",
            (report_id,),
            conn=conn,
        )
        return [_audit(r) for r in rows]

    async def erase_audit_reporters(
        self, guild_id: int, decided_before: dt.datetime, *, conn: Conn = None
    ) -> int:
        """Blank the reporter's id on withdrawals of reports decided before the cut-off."""
        return await self.db.execute(
            "UPDATE audit_log SET actor_id = NULL WHERE guild_id = ? AND action = 'withdraw' "
            "AND actor_id IS NOT NULL AND report_id IN "
            "(SELECT id FROM reports WHERE decided_at IS NOT NULL AND decided_at < ?)",
            (guild_id, to_db_time(decided_before)),
            conn=conn,
        )

    async def old_edits(
        self, guild_id: int, before: dt.datetime, *, conn: Conn = None
    ) -> list[AuditEntry]:
        """A community's edit entries older than ``before`` that still hold the old text."""
        rows = await self.db.fetchall(
            "SELECT id, actor_id, at, action, report_id, before, after FROM audit_log "
            "WHERE guild_id = ? AND action = 'edit' AND at < ? AND before IS NOT NULL",
            (guild_id, to_db_time(before)),
            conn=conn,
        )
        return [_audit(r) for r in rows]

    async def set_audit_before(
        self, audit_id: int, before: dict[str, Any] | None, *, conn: Conn = None
    ) -> None:
        """Replace the ``before`` snapshot of one audit entry (for the retention purge)."""
        await self.db.execute(
            "UPDATE audit_log SET before = ? WHERE id = ?", (_json(before), audit_id), conn=conn
        )

    # -- block list ------------------------------------------------------------------------

    async def is_blocked(self, guild_id: int, user_id: int, *, conn: Conn = None) -> bool:
        """Whether ``user_id`` is on the community's block list."""
        found = await self.db.fetchval(
            "SELECT 1 FROM blocklist WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
            conn=conn,
        )
        return found is not None

    async def block(
        self,
        guild_id: int,
        user_id: int,
        by: int,
        reason: str,
        at: dt.datetime,
        *,
        conn: Conn = None,
    ) -> bool:
        """Add ``user_id`` to the community's block list; ``False`` if already there."""
        # ON CONFLICT: a second moderator blocking at the same moment, in another process,
        # finds the row there instead of failing on the unique key.
        added = await self.db.execute(
            "INSERT INTO blocklist (guild_id, user_id, blocked_by, reason, blocked_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (guild_id, user_id, by, reason, to_db_time(at)),
            conn=conn,
        )
        return added == 1

    async def unblock(self, guild_id: int, user_id: int, *, conn: Conn = None) -> bool:
        """Remove ``user_id`` from the community's block list; ``False`` if not on it."""
        removed = await self.db.execute(
            "DELETE FROM blocklist WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
            conn=conn,
        )
        return removed == 1

    # -- community orgs --------------------------------------------------------------------

    async def community_org(
        self, guild_id: int, org_id: str, *, conn: Conn = None
    ) -> CommunityOrg | None:
        """One org this community listed, by id."""
        row = await self.db.fetchone(
            "SELECT guild_id, id, name, created_at FROM community_orgs "
            "WHERE guild_id = ? AND id = ?",
            (guild_id, org_id),
            conn=conn,
        )
        return None if row is None else _org(row)

    async def add_community_org(
        self,
        guild_id: int,
        org_id: str,
        name: str,
        created_at: dt.datetime,
        created_by: int,
        report_id: int,
        *,
        conn: Conn = None,
    ) -> None:
        """List a new org under ``org_id`` (unless it was listed meanwhile: two moderators in
        two processes approving reports about the same new org both get the one listing)."""
        await self.db.execute(
            "INSERT INTO community_orgs (guild_id, id, name, created_at, created_by, report_id) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (guild_id, org_id, name, to_db_time(created_at), created_by, report_id),
            conn=conn,
        )

    async def community_orgs(self, *, conn: Conn = None) -> list[CommunityOrg]:
        """Every org any community listed, by name (each with its community)."""
        rows = await self.db.fetchall(
            "SELECT guild_id, id, name, created_at FROM community_orgs ORDER BY name, id",
            conn=conn,
        )
        return [_org(r) for r in rows]


def _json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else msgspec.json.encode(value).decode()


def _audit(row: Row) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        actor_id=row["actor_id"],
        at=from_db_time(row["at"]),  # type: ignore[arg-type]
        action=row["action"],
        report_id=row["report_id"],
        before=None if row["before"] is None else msgspec.json.decode(row["before"]),
        after=None if row["after"] is None else msgspec.json.decode(row["after"]),
    )


def _org(row: Row) -> CommunityOrg:
    return CommunityOrg(
        guild_id=row["guild_id"],
        id=row["id"],
        name=row["name"],
        created_at=from_db_time(row["created_at"]),  # type: ignore[arg-type]
    )
