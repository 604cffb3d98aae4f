"""The rules of peer reports: who may submit what, and how moderators decide.

:class:`ReportService` is what the cogs call. It takes explicit ``now`` arguments (so tests and
the purge job control time), returns outcome objects instead of raising for expected cases, and
runs each operation in one transaction. Logs carry report ids, never reporter ids or text, so
the logs do not outlive the retention policy.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from bot.community import CommunityReport, CommunitySummary
from bot.db import Database
from bot.limits import cut
from bot.reports import validation as v
from bot.reports.decisions import APPROVE, Decisions, utc
from bot.reports.models import (
    AuditEntry,
    Basis,
    CommunityOrg,
    Invalid,
    ModerationResult,
    Page,
    Refusal,
    RefusalReason,
    Report,
    Status,
    SubmitResult,
)
from bot.reports.pii import find_pii
from bot.reports.policy import ReportPolicy
from bot.reports.store import ReportStore

log = logging.getLogger(__name__)

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
MINE_LIMIT = 25
RECENT_PUBLIC = 3
SUMMARY_CHARS = 280


class ReportService(Decisions):
    """Submission rules and moderation for peer reports.

    ``org_exists(org_id)`` tells whether an id names an organization the bot already knows
    (the knowledge base); community-listed orgs are checked in the database.
    """

    def __init__(
        self,
        db: Database,
        policy: ReportPolicy | None = None,
        *,
        org_exists: Callable[[str], bool] | None = None,
    ) -> None:
        self.db = db
        self.store = ReportStore(db)
        self.policy = policy or ReportPolicy()
        self._org_exists = org_exists or (lambda _org_id: False)
        self._summaries: dict[str, CommunitySummary] = {}
        self._published = 0

    # -- submitting ------------------------------------------------------------------------

    async def submit(
        self,
        *,
        reporter_id: int,
        account_age_days: float | None,
        org_id: str | None,
        org_name: str,
        criterion: int | None,
        text: str,
        evidence: str,
        basis: str | Basis,
        now: dt.datetime,
    ) -> SubmitResult:
        """Store a new pending report, or refuse it saying why, when to retry, with the text back.

        ``account_age_days`` is how old the reporter's account is (``None`` if unknown, which
        the age check treats as too new only when the check is on).
        """

        def refuse(
            reason: RefusalReason, message: str, retry_after: dt.datetime | None = None
        ) -> Refusal:
            log.info("Refused a report (%s)", reason)
            return Refusal(
                reason=reason,
                message=message,
                retry_after=retry_after,
                text_back=text,
                evidence_back=evidence,
            )

        checked = self._check_input(org_name, criterion, text, evidence, basis)
        if isinstance(checked, v.Problem):
            return refuse(checked.reason, checked.message)
        clean_name, clean_criterion, clean_text, links, clean_basis = checked

        min_age = self.policy.min_account_age_days
        if min_age and (account_age_days is None or account_age_days < min_age):
            wait = dt.timedelta(days=min_age - (account_age_days or 0))
            return refuse(
                RefusalReason.ACCOUNT_TOO_NEW,
                f"Accounts must be at least {min_age} days old to submit reports; this keeps "
                "throw-away accounts from flooding the queue.",
                now + wait,
            )

        flags = find_pii(clean_text)
        limits = [
            (now - DAY, self.policy.per_user_per_day),
            (now - HOUR, self.policy.per_user_per_hour),
        ]
        for _attempt in range(3):
            report_id = await self.store.add_if_allowed(
                org_id=org_id,
                org_name=clean_name,
                criterion=clean_criterion,
                text=clean_text,
                evidence=links,
                basis=clean_basis,
                reporter_id=reporter_id,
                pii_flags=flags,
                created_at=now,
                limits=limits,
            )
            if report_id is not None:
                log.info("Accepted report #%d (pii flags: %s)", report_id, ",".join(flags) or "-")
                return Report(
                    id=report_id,
                    org_id=org_id,
                    org_name=clean_name,
                    criterion=clean_criterion,
                    text=clean_text,
                    evidence=links,
                    basis=clean_basis,
                    reporter_id=reporter_id,
                    status=Status.PENDING,
                    pii_flags=flags,
                    created_at=utc(now),
                )
            # Refused by the rules inside the INSERT: find which one, to tell the reporter.
            why = await self._why_refused(reporter_id, org_id, clean_name, clean_criterion, now)
            if why is not None:
                return refuse(*why)
            # What stood in the way went away meanwhile (e.g. a withdrawal): try again.
        raise RuntimeError("report submission kept being refused without a reason")

    async def _why_refused(
        self,
        reporter_id: int,
        org_id: str | None,
        org_name: str,
        criterion: int | None,
        now: dt.datetime,
    ) -> tuple[RefusalReason, str, dt.datetime | None] | None:
        async with self.db.transaction() as conn:
            if await self.store.is_blocked(reporter_id, conn=conn):
                return (
                    RefusalReason.BLOCKED,
                    "You can't submit reports on this server. If you think this is a mistake, "
                    "please contact a moderator.",
                    None,
                )
            limited = await self._rate_limit(reporter_id, now, conn)
            if limited is not None:
                return limited
            duplicate = await self.store.pending_duplicate(
                reporter_id, org_id, org_name, criterion, conn=conn
            )
        if duplicate is not None:
            return (
                RefusalReason.DUPLICATE,
                f"You already have a pending report (#{duplicate}) about this organization "
                "and criterion. You can withdraw it with /myreports and send a new one, or "
                "wait for the moderators' decision.",
                None,
            )
        return None

    def _check_input(
        self,
        org_name: str,
        criterion: int | None,
        text: str,
        evidence: str,
        basis: str | Basis,
    ) -> tuple[str, int | None, str, tuple[str, ...], Basis] | v.Problem:
        name = v.check_org_name(org_name)
        if isinstance(name, v.Problem):
            return name
        crit = v.check_criterion(criterion)
        if isinstance(crit, v.Problem):
            return crit
        clean_text = v.check_text(text)
        if isinstance(clean_text, v.Problem):
            return clean_text
        links = v.check_evidence(evidence)
        if isinstance(links, v.Problem):
            return links
        clean_basis = v.check_basis(basis)
        if isinstance(clean_basis, v.Problem):
            return clean_basis
        return name, crit, clean_text, links, clean_basis

    async def _rate_limit(
        self, reporter_id: int, now: dt.datetime, conn: Any
    ) -> tuple[RefusalReason, str, dt.datetime | None] | None:
        times = await self.store.recent_times(reporter_id, now - DAY, conn=conn)
        hour = [t for t in times if t > now - HOUR]
        per_day, per_hour = self.policy.per_user_per_day, self.policy.per_user_per_hour
        # The limit frees up when the oldest report that keeps the count at the limit leaves
        # the window: with a limit of 3 and 4 in the window, that is the second oldest.
        if len(times) >= per_day:
            retry = times[len(times) - per_day] + DAY
            return (
                RefusalReason.PER_DAY,
                f"You've sent {per_day} reports in the last 24 hours, the daily limit.",
                retry,
            )
        if len(hour) >= per_hour:
            retry = hour[len(hour) - per_hour] + HOUR
            return (
                RefusalReason.PER_HOUR,
                f"You've sent {per_hour} reports in the last hour, the hourly limit.",
                retry,
            )
        return None

    # -- reporters -------------------------------------------------------------------------

    async def list_mine(self, reporter_id: int, limit: int = MINE_LIMIT) -> list[Report]:
        """The reporter's own reports, newest first."""
        return await self.store.by_reporter(reporter_id, limit)

    # -- moderators ------------------------------------------------------------------------

    async def get(self, report_id: int) -> Report | None:
        """One report by id (moderators' view: includes the reporter id while retained)."""
        return await self.store.get(report_id)

    async def queue(self, page: int = 1, per_page: int = 5) -> Page:
        """Pending reports, oldest first, one page (numbered from 1; clamped to what exists).

        ``per_page`` is kept within 1-10 so a page fits one message.
        """
        per_page = max(1, min(per_page, 10))
        async with self.db.transaction() as conn:
            total = await self.store.count_pending(conn=conn)
            pages = max(1, -(-total // per_page))
            page = max(1, min(page, pages))
            items = await self.store.pending_page((page - 1) * per_page, per_page, conn=conn)
        return Page(items=items, page=page, per_page=per_page, total=total)

    async def set_queue_message(self, report_id: int, channel_id: int, message_id: int) -> bool:
        """Remember the moderation-queue post of a report, so it can be updated after a decision."""
        return await self.store.set_queue_message(report_id, channel_id, message_id)

    async def approve(
        self,
        report_id: int,
        moderator_id: int,
        now: dt.datetime,
        *,
        link_org_id: str | None = None,
        new_org_name: str | None = None,
    ) -> ModerationResult:
        """Approve a pending report so it counts on the org's rating card.

        A report about an org the bot did not know is linked to ``link_org_id``, or listed as a
        new community org named ``new_org_name`` (default: the name the reporter typed) whose id
        is a slug of the name. The same slug is reused if it is already community-listed.
        """

        async def choose_org(report: Report, conn: Any) -> str | Invalid:
            return await self._resolve_org(
                report, moderator_id, now, link_org_id, new_org_name, conn
            )

        return await self._decide(report_id, moderator_id, APPROVE, now, choose_org=choose_org)

    async def _resolve_org(
        self,
        report: Report,
        moderator_id: int,
        now: dt.datetime,
        link_org_id: str | None,
        new_org_name: str | None,
        conn: Any,
    ) -> str | Invalid:
        if link_org_id is not None:
            if self._org_exists(link_org_id) or await self.store.community_org(
                link_org_id, conn=conn
            ):
                return link_org_id
            return Invalid(f"There is no organization with the id {link_org_id!r}.")
        if report.org_id is not None and new_org_name is None:
            return report.org_id
        name = v.check_org_name(new_org_name or report.org_name)
        if isinstance(name, v.Problem):
            return Invalid(name.message)
        slug = v.slugify(name) or f"org-{report.id}"
        if self._org_exists(slug):
            return Invalid(
                f"An organization with the id {slug!r} is already known; link the report to it "
                "instead, or choose a different name."
            )
        if await self.store.community_org(slug, conn=conn) is None:
            await self.store.add_community_org(slug, name, now, moderator_id, report.id, conn=conn)
            log.info("Listed community org %s from report #%d", slug, report.id)
        return slug

    async def history(self, report_id: int) -> list[AuditEntry]:
        """The audit trail of one report, oldest first."""
        return await self.store.audit_for(report_id)

    async def block(self, user_id: int, by: int, reason: str, now: dt.datetime) -> bool:
        """Stop ``user_id`` from submitting reports; ``False`` if already blocked."""
        async with self.db.transaction() as conn:
            added = await self.store.block(user_id, by, reason.strip(), now, conn=conn)
            if added:
                await self.store.audit(
                    actor_id=by,
                    at=now,
                    action="block",
                    report_id=None,
                    before=None,
                    after={"user_id": user_id, "reason": reason.strip()},
                    conn=conn,
                )
        return added

    async def unblock(self, user_id: int, by: int, now: dt.datetime) -> bool:
        """Let ``user_id`` submit reports again; ``False`` if they were not blocked."""
        async with self.db.transaction() as conn:
            removed = await self.store.unblock(user_id, conn=conn)
            if removed:
                await self.store.audit(
                    actor_id=by,
                    at=now,
                    action="unblock",
                    report_id=None,
                    before={"user_id": user_id},
                    after=None,
                    conn=conn,
                )
        return removed

    async def is_blocked(self, user_id: int) -> bool:
        """Whether ``user_id`` is on the block list."""
        return await self.store.is_blocked(user_id)

    # -- public side -----------------------------------------------------------------------

    async def community_orgs(self) -> list[CommunityOrg]:
        """Organizations listed by approving reports about them, for /rate and autocomplete."""
        return await self.store.community_orgs()

    async def community_summary(self, org_id: str) -> CommunitySummary:
        """What the community has said about ``org_id``: public-safe, never who said it.

        Cached per organization (every /rate card asks for it) until an approval or an edit
        changes what is published; reading it takes no write lock.
        """
        cached = self._summaries.get(org_id)
        if cached is not None:
            return cached
        generation = self._published
        counts = await self.store.approved_counts(org_id)
        recent = await self.store.approved(org_id, limit=RECENT_PUBLIC)
        summary = CommunitySummary(
            counts=counts,
            recent=[
                CommunityReport(
                    report_id=r.id,
                    criterion=r.criterion,
                    basis=r.basis.label,
                    summary=cut(r.text, SUMMARY_CHARS),
                    decided_at=r.decided_at or r.created_at,
                )
                for r in recent
            ],
        )
        if generation == self._published:  # nothing was approved or edited while we read
            self._summaries[org_id] = summary
        return summary

    @property
    def published(self) -> int:
        """A number that changes whenever what the rating cards show from reports changes."""
        return self._published

    def _republished(self) -> None:
        """What the cards show changed: forget every cached summary."""
        self._published += 1
        self._summaries.clear()

    async def approved_reports(self) -> list[Report]:
        """All approved reports, for the open-data export (see :mod:`bot.reports.export`)."""
        return list(reversed(await self.store.approved()))

    # -- retention -------------------------------------------------------------------------

    async def purge_reporter_ids(self, now: dt.datetime) -> int:
        """Erase reporter ids of reports decided more than ``retention_days`` ago.

        Also blanks the reporter's id on their withdrawal entries in the audit log and the
        pre-edit text of older edits (it may hold the personal information that was redacted).
        Returns how many reports lost their reporter id. Safe to run repeatedly.
        """
        cutoff = now - dt.timedelta(days=self.policy.retention_days)
        async with self.db.transaction() as conn:
            erased = await self.store.erase_reporters(cutoff, conn=conn)
            audit = await self.store.erase_audit_reporters(cutoff, conn=conn)
            edits = await self.store.old_edits(cutoff, conn=conn)
            for entry in edits:
                # A NULL "before" on an edit reads as "erased by retention".
                await self.store.set_audit_before(entry.id, None, conn=conn)
        log.info(
            "Retention purge: %d reporter ids, %d audit actors, %d old edit texts erased",
            erased,
            audit,
            len(edits),
        )
        return erased
