"""How a report moves between statuses: withdraw, approve, reject, and moderators' edits.

Every move goes through one guarded step (:meth:`Decisions._decide`): find the report, check
that this person may move it now, run a single ``UPDATE … WHERE status = <expected>`` (so a
race has exactly one winner), write the audit entry, and return the updated report. Whoever
loses a race is told who decided first.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from msgspec.structs import replace

from bot.changes import Changes, Kind
from bot.reports import validation as v
from bot.reports.models import (
    Decided,
    Invalid,
    ModerationResult,
    NotFound,
    Report,
    Status,
)
from bot.reports.pii import find_pii
from bot.reports.store import ReportStore
from bot.storage import Database

log = logging.getLogger(__name__)


class Who(enum.Enum):
    """Who may take a step: the report's own reporter, or a moderator who did not write it."""

    REPORTER = "reporter"
    MODERATOR = "moderator"


@dataclass(frozen=True)
class Step:
    """One move of a report, named as the audit log names it."""

    action: str
    source: Status
    target: Status
    who: Who
    changes_cards: bool  # whether rating cards show something else afterwards


WITHDRAW = Step("withdraw", Status.PENDING, Status.WITHDRAWN, Who.REPORTER, False)
APPROVE = Step("approve", Status.PENDING, Status.APPROVED, Who.MODERATOR, True)
REJECT = Step("reject", Status.PENDING, Status.REJECTED, Who.MODERATOR, False)
RETRACT = Step("retract", Status.APPROVED, Status.RETRACTED, Who.MODERATOR, True)

# Picks the organization an approval links the report to (or says why it cannot).
OrgChoice = Callable[[Report, Any], Awaitable["str | Invalid"]]


class _LostRace(Exception):
    """The guarded UPDATE changed nothing: another action decided the report first."""


class Decisions:
    """The status changes of :class:`~bot.reports.service.ReportService`."""

    db: Database
    store: ReportStore
    changes: Changes

    def _republished(self) -> None:  # pragma: no cover - provided by ReportService
        raise NotImplementedError

    async def _decide(
        self,
        report_id: int,
        guild_id: int,
        actor_id: int,
        step: Step,
        now: dt.datetime,
        *,
        reason: str | None = None,
        choose_org: OrgChoice | None = None,
    ) -> ModerationResult:
        """Take ``step`` on a report in one transaction; the outcome says what happened."""
        try:
            async with self.db.transaction() as conn:
                report = await self._movable(report_id, guild_id, actor_id, step, conn)
                if not isinstance(report, Report):
                    return report
                org_id = None
                if choose_org is not None:
                    chosen = await choose_org(report, conn)
                    if isinstance(chosen, Invalid):
                        return chosen
                    org_id = chosen
                updated = await self._move(report, actor_id, step, now, reason, org_id, conn)
        except _LostRace:
            return await self._decided_now(report_id, guild_id)
        if step.changes_cards:
            await self.changes.changed(Kind.REPORTS, guild_id)
        log.info("Report #%d: %s (%s)", report_id, step.action, step.who.value)
        return updated

    async def _movable(
        self, report_id: int, guild_id: int, actor_id: int, step: Step, conn: Any
    ) -> Report | ModerationResult:
        """The report if ``actor_id`` may take ``step`` on it now; otherwise what to answer.

        Someone else's report answers :class:`NotFound` to a reporter, and another community's
        report answers it to anyone, so ids cannot be probed.
        """
        report = await self.store.get(report_id, guild_id, conn=conn)
        if report is None:
            return NotFound(report_id)
        if step.who is Who.REPORTER and report.reporter_id != actor_id:
            return NotFound(report_id)
        if report.status is not step.source:
            return _decided(report)
        if step.who is Who.MODERATOR and report.reporter_id == actor_id:
            return Invalid("You can't decide your own report; ask another moderator.")
        return report

    async def _move(
        self,
        report: Report,
        actor_id: int,
        step: Step,
        now: dt.datetime,
        reason: str | None,
        org_id: str | None,
        conn: Any,
    ) -> Report:
        """The guarded UPDATE and its audit entry; raises :class:`_LostRace` if it lost."""
        by_moderator = step.who is Who.MODERATOR
        guild_id = report.guild_id or 0
        moved = await self.store.decide(
            report.id,
            guild_id,
            source=step.source,
            status=step.target,
            decided_by=actor_id if by_moderator else None,
            decided_at=now,
            reason=reason,
            org_id=org_id,
            reporter_id=None if by_moderator else actor_id,
            conn=conn,
        )
        if not moved:
            raise _LostRace  # rolls back anything this step wrote (a new community org)
        before: dict[str, Any] = {"status": step.source}
        after: dict[str, Any] = {"status": step.target}
        if reason is not None:
            after["reason"] = reason
        if step is APPROVE:
            before["org_id"], after["org_id"] = report.org_id, org_id
        await self.store.audit(
            guild_id=guild_id,
            actor_id=actor_id,
            at=now,
            action=step.action,
            report_id=report.id,
            before=before,
            after=after,
            conn=conn,
        )
        return replace(
            report,
            status=step.target,
            decided_by=actor_id if by_moderator else None,
            decided_at=utc(now),
            decision_reason=reason if reason is not None else report.decision_reason,
            org_id=org_id if org_id is not None else report.org_id,
        )

    async def _decided_now(
        self, report_id: int, guild_id: int, conn: Any = None
    ) -> ModerationResult:
        report = await self.store.get(report_id, guild_id, conn=conn)
        return NotFound(report_id) if report is None else _decided(report)

    async def withdraw(
        self, report_id: int, guild_id: int, reporter_id: int, now: dt.datetime
    ) -> ModerationResult:
        """Withdraw the reporter's own *pending* report."""
        return await self._decide(report_id, guild_id, reporter_id, WITHDRAW, now)

    async def reject(
        self, report_id: int, guild_id: int, moderator_id: int, reason: str, now: dt.datetime
    ) -> ModerationResult:
        """Reject a pending report; a reason is required (the reporter may be told it)."""
        clean = check_decision_reason(reason, "rejecting the report")
        if isinstance(clean, Invalid):
            return clean
        return await self._decide(report_id, guild_id, moderator_id, REJECT, now, reason=clean)

    async def retract(
        self, report_id: int, guild_id: int, moderator_id: int, reason: str, now: dt.datetime
    ) -> ModerationResult:
        """Take an approved report down: it leaves the cards and the export at once; the audit
        log keeps the approval and the retraction."""
        clean = check_decision_reason(reason, "retracting the report")
        if isinstance(clean, Invalid):
            return clean
        return await self._decide(report_id, guild_id, moderator_id, RETRACT, now, reason=clean)

    async def edit(
        self, report_id: int, guild_id: int, moderator_id: int, new_text: str, now: dt.datetime
    ) -> ModerationResult:
        """Replace a report's text, e.g. to redact personal information. Any status.

        The text as it was is kept in the audit log for ``retention_days`` (so a bad redaction
        can be undone), then erased by the retention purge.
        """
        clean = v.check_text(new_text, minimum=1)
        if isinstance(clean, v.Problem):
            return Invalid(clean.message)
        async with self.db.transaction() as conn:
            report = await self.store.get(report_id, guild_id, conn=conn)
            if report is None:
                return NotFound(report_id)
            if clean == report.text:
                return report
            flags = find_pii(clean)
            await self.store.set_text(report_id, guild_id, clean, flags, now, conn=conn)
            await self.store.audit(
                guild_id=guild_id,
                actor_id=moderator_id,
                at=now,
                action="edit",
                report_id=report_id,
                before={"text": report.text, "pii_flags": list(report.pii_flags)},
                after={"text": clean, "pii_flags": list(flags)},
                conn=conn,
            )
            updated = replace(report, text=clean, pii_flags=flags, edited_at=utc(now))
        await self.changes.changed(Kind.REPORTS, guild_id)
        log.info("Report #%d edited by a moderator", report_id)
        return updated


def check_decision_reason(reason: str, doing: str) -> str | Invalid:
    """A moderator's reason without surrounding spaces, or why it cannot be used."""
    clean = reason.strip()
    if not clean:
        return Invalid(f"Please give a reason for {doing}.")
    if len(clean) > v.DECISION_REASON_MAX:
        return Invalid(f"Please keep the reason under {v.DECISION_REASON_MAX:,} characters.")
    return clean


def _decided(report: Report) -> Decided:
    return Decided(
        report_id=report.id,
        status=report.status,
        decided_by=report.decided_by,
        decided_at=report.decided_at,
        reason=report.decision_reason,
    )


def utc(moment: dt.datetime) -> dt.datetime:
    """``moment`` in UTC, as the store reads it back, so a returned report equals the stored one."""
    return moment.astimezone(dt.UTC)
