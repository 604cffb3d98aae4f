"""Organizations' right of reply: responses moderated like reports.

A response answers one criterion, one approved report, or the card in general. The same text
limits, link rules and personal-information flags as reports apply. Approving a response
replaces the organization's earlier approved response on the same subject (the older one is
kept, marked 'replaced'). Every move is one guarded UPDATE, audited.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from bot.changes import Changes, Kind
from bot.ratings.models import Missing, Refused, Response, ResponseResult, ResponseStatus, Settled
from bot.ratings.store import ProposalStore
from bot.reports import validation as v
from bot.reports.decisions import check_decision_reason
from bot.reports.pii import find_pii
from bot.reports.policy import ReportPolicy
from bot.storage import Database, Row, from_db_time, placeholders, to_db_time

log = logging.getLogger(__name__)

RESPONSE_MIN = 30  # as for a report: enough for moderators to understand it
VERIFICATION_MAX = 500
_COLUMNS = (
    "id, guild_id, org_id, criterion, report_id, text, links, verification, sender_id, status,"
    " pii_flags, created_at, decided_at, decided_by, decision_reason, edited_at,"
    " queue_channel_id, queue_message_id"
)


def _response(row: Row) -> Response:
    created = from_db_time(row["created_at"])
    assert created is not None
    return Response(
        id=row["id"],
        guild_id=row["guild_id"],
        org_id=row["org_id"],
        criterion=row["criterion"],
        report_id=row["report_id"],
        text=row["text"],
        links=tuple(row["links"].split()),
        verification=row["verification"],
        sender_id=row["sender_id"],
        status=ResponseStatus(row["status"]),
        pii_flags=tuple(f for f in row["pii_flags"].split(",") if f),
        created_at=created,
        decided_at=from_db_time(row["decided_at"]),
        decided_by=row["decided_by"],
        decision_reason=row["decision_reason"],
        edited_at=from_db_time(row["edited_at"]),
        queue_channel_id=row["queue_channel_id"],
        queue_message_id=row["queue_message_id"],
    )


class ResponseService:
    """Submitting and moderating responses. ``version`` changes when cards show otherwise."""

    def __init__(self, db: Database, changes: Changes | None = None) -> None:
        self.db = db
        self.audit = ProposalStore(db).audit
        self.version = 0
        # Counted for publications here and in every other process alike.
        self.changes = changes or Changes()
        self.changes.on(Kind.RESPONSES, self._changed)

    def _changed(self, _guild_id: int | None) -> None:
        self.version += 1

    async def get(self, response_id: int, guild_id: int, *, conn: Any = None) -> Response | None:
        """One response of this community (another community's id is None, like a missing one)."""
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM org_responses WHERE id = ? AND guild_id = ?",
            (response_id, guild_id),
            conn=conn,
        )
        return _response(row) if row else None

    async def submit(
        self,
        *,
        guild_id: int,
        org_id: str,
        criterion: int | None,
        report_id: int | None,
        text: str,
        links: str,
        verification: str,
        sender_id: int,
        now: dt.datetime,
        policy: ReportPolicy | None = None,
    ) -> Response | Refused:
        """Check and store a pending response, under the community's limits for reports."""
        clean = v.check_text(text, minimum=RESPONSE_MIN)
        if isinstance(clean, v.Problem):
            return Refused(clean.message.replace("report", "response"))
        checked = v.check_evidence(links)
        if isinstance(checked, v.Problem):
            return Refused(checked.message)
        verification = verification.strip()
        if len(verification) > VERIFICATION_MAX:
            return Refused(f"Please keep how to verify under {VERIFICATION_MAX} characters.")
        async with self.db.transaction() as conn:
            limited = await self._limited(
                guild_id, sender_id, org_id, criterion, report_id, policy, now, conn
            )
            if limited is not None:
                return limited
            if report_id is not None:
                about = await self.db.fetchval(
                    "SELECT org_id FROM reports WHERE id = ? AND guild_id = ?"
                    " AND status = 'approved'",
                    (report_id, guild_id),
                    conn=conn,
                )
                if about != org_id:
                    return Refused(
                        f"There is no approved report #{report_id} about this organization here."
                    )
            flags = ",".join(find_pii(clean))
            response_id = await self.db.insert(
                "INSERT INTO org_responses (guild_id, org_id, criterion, report_id, text, links,"
                " verification, sender_id, pii_flags, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    guild_id,
                    org_id,
                    criterion,
                    report_id,
                    clean,
                    "\n".join(checked),
                    verification,
                    sender_id,
                    flags,
                    to_db_time(now),
                ),
                conn=conn,
            )
            response = await self.get(response_id, guild_id, conn=conn)
        assert response is not None
        log.info("Response #%d received", response_id)
        return response

    async def _limited(
        self,
        guild_id: int,
        sender_id: int,
        org_id: str,
        criterion: int | None,
        report_id: int | None,
        policy: ReportPolicy | None,
        now: dt.datetime,
        conn: Any,
    ) -> Refused | None:
        """Why this sender may not send a response now (blocked, too many, a duplicate)."""
        limits = policy or ReportPolicy()
        blocked = await self.db.fetchval(
            "SELECT 1 FROM blocklist WHERE guild_id = ? AND user_id = ?",
            (guild_id, sender_id),
            conn=conn,
        )
        if blocked:
            return Refused("You can't send responses in this server. Please contact a moderator.")
        for window, most, word in (
            (dt.timedelta(hours=1), limits.per_user_per_hour, "hour"),
            (dt.timedelta(days=1), limits.per_user_per_day, "day"),
        ):
            sent = await self.db.fetchval(
                "SELECT COUNT(*) FROM org_responses WHERE guild_id = ? AND sender_id = ?"
                " AND created_at > ?",
                (guild_id, sender_id, to_db_time(now - window)),
                conn=conn,
            )
            if sent >= most:
                return Refused(f"You can send {most} responses per {word}; please try again later.")
        pending = await self.db.fetchval(
            "SELECT id FROM org_responses WHERE guild_id = ? AND sender_id = ? AND org_id = ?"
            # COALESCE, not "IS ?": the same null-safe match in SQLite and PostgreSQL.
            " AND COALESCE(criterion, 0) = ? AND COALESCE(report_id, 0) = ?"
            " AND status = 'pending'",
            (guild_id, sender_id, org_id, criterion or 0, report_id or 0),
            conn=conn,
        )
        if pending:
            return Refused(f"Your response #{pending} on this is still waiting for the moderators.")
        return None

    async def purge_sender_ids(
        self, now: dt.datetime, retention: Callable[[int], Awaitable[int]]
    ) -> int:
        """Erase who sent a response, and how to verify them, ``retention(guild)`` days after
        the decision, as for reporters. Returns how many responses lost their sender."""
        erased = 0
        guilds = await self.db.fetchall(
            "SELECT DISTINCT guild_id FROM org_responses WHERE sender_id IS NOT NULL"
            " AND decided_at IS NOT NULL"
        )
        for row in guilds:
            cutoff = now - dt.timedelta(days=await retention(row["guild_id"]))
            erased += await self.db.execute(
                "UPDATE org_responses SET sender_id = NULL, verification = ''"
                " WHERE guild_id = ? AND sender_id IS NOT NULL AND decided_at < ?",
                (row["guild_id"], to_db_time(cutoff)),
            )
        if erased:
            log.info("Retention purge: %d response senders erased", erased)
        return erased

    async def _decide(
        self,
        response_id: int,
        guild_id: int,
        moderator_id: int,
        target: ResponseStatus,
        now: dt.datetime,
        reason: str | None = None,
    ) -> ResponseResult:
        async with self.db.transaction() as conn:
            response = await self.get(response_id, guild_id, conn=conn)
            if response is None:
                return Missing(response_id, "response")
            if response.status is not ResponseStatus.PENDING:
                return Settled(response=response)
            if response.sender_id == moderator_id:
                return Refused("You can't decide your own response; ask another moderator.")
            moved = await self.db.execute(
                "UPDATE org_responses SET status = ?, decided_at = ?, decided_by = ?,"
                " decision_reason = ? WHERE id = ? AND guild_id = ? AND status = 'pending'",
                (str(target), to_db_time(now), moderator_id, reason, response_id, guild_id),
                conn=conn,
            )
            if moved != 1:  # pragma: no cover - the transaction serializes deciders
                return Settled(response=response)
            if target is ResponseStatus.APPROVED:
                # The newer approved response on a subject replaces the older one.
                await self.db.execute(
                    "UPDATE org_responses SET status = 'replaced' WHERE guild_id = ?"
                    " AND org_id = ? AND COALESCE(criterion, 0) = ? AND COALESCE(report_id, 0) = ?"
                    " AND status = 'approved' AND id != ?",
                    (
                        guild_id,
                        response.org_id,
                        response.criterion or 0,
                        response.report_id or 0,
                        response_id,
                    ),
                    conn=conn,
                )
            await self.audit(
                guild_id=guild_id,
                actor_id=moderator_id,
                at=now,
                action=f"response {target}",
                response_id=response_id,
                before={"status": "pending"},
                after={"status": str(target), **({"reason": reason} if reason else {})},
                conn=conn,
            )
        if target is ResponseStatus.APPROVED:
            await self.changes.changed(Kind.RESPONSES, guild_id)
        return replace(
            response,
            status=target,
            decided_at=now.astimezone(dt.UTC),
            decided_by=moderator_id,
            decision_reason=reason,
        )

    async def approve(
        self, response_id: int, guild_id: int, moderator_id: int, now: dt.datetime
    ) -> ResponseResult:
        """Publish a pending response on the card (replacing the older one on its subject)."""
        return await self._decide(response_id, guild_id, moderator_id, ResponseStatus.APPROVED, now)

    async def reject(
        self, response_id: int, guild_id: int, moderator_id: int, reason: str, now: dt.datetime
    ) -> ResponseResult:
        """Reject a pending response; the reason is required (the sender may be told it)."""
        clean = check_decision_reason(reason, "rejecting the response")
        if not isinstance(clean, str):
            return Refused(clean.message)
        return await self._decide(
            response_id, guild_id, moderator_id, ResponseStatus.REJECTED, now, clean
        )

    async def edit(
        self, response_id: int, guild_id: int, moderator_id: int, text: str, now: dt.datetime
    ) -> ResponseResult:
        """Replace a response's text (to redact personal information); the old text is audited."""
        clean = v.check_text(text, minimum=1)
        if isinstance(clean, v.Problem):
            return Refused(clean.message)
        async with self.db.transaction() as conn:
            response = await self.get(response_id, guild_id, conn=conn)
            if response is None:
                return Missing(response_id, "response")
            flags = find_pii(clean)
            await self.db.execute(
                "UPDATE org_responses SET text = ?, pii_flags = ?, edited_at = ?"
                " WHERE id = ? AND guild_id = ?",
                (clean, ",".join(flags), to_db_time(now), response_id, guild_id),
                conn=conn,
            )
            await self.audit(
                guild_id=guild_id,
                actor_id=moderator_id,
                at=now,
                action="response edit",
                response_id=response_id,
                before={"text": response.text},
                after={"text": clean},
                conn=conn,
            )
        await self.changes.changed(Kind.RESPONSES, guild_id)
        return replace(
            response, text=clean, pii_flags=tuple(flags), edited_at=now.astimezone(dt.UTC)
        )

    async def shown(self, sees: tuple[int, ...], org_id: str) -> list[Response]:
        """The approved responses of an organization in these communities, newest first."""
        if not sees:
            return []
        marks = placeholders(sees)
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM org_responses WHERE guild_id IN ({marks}) AND org_id = ?"
            " AND status = 'approved' ORDER BY decided_at DESC, id DESC",
            [*sees, org_id],
        )
        return [_response(r) for r in rows]

    async def all_approved(self, guild_id: int | None) -> list[Response]:
        """Every shown response (one community's, or all), for the export."""
        where, params = ("AND guild_id = ?", [guild_id]) if guild_id is not None else ("", [])
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM org_responses WHERE status = 'approved' {where}"
            " ORDER BY decided_at, id",
            params,
        )
        return [_response(r) for r in rows]

    async def set_queue_message(
        self, response_id: int, guild_id: int, channel_id: int, message_id: int
    ) -> None:
        await self.db.execute(
            "UPDATE org_responses SET queue_channel_id = ?, queue_message_id = ?"
            " WHERE id = ? AND guild_id = ?",
            (channel_id, message_id, response_id, guild_id),
        )
