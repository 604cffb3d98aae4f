"""Submitting a peer report: the checks on what was typed, the community's limits, refusals.

Every rule that depends on stored reports (block list, rate limits, one pending report per
organization and criterion) is checked inside the one ``INSERT``, so two submissions racing
cannot both slip through; when the ``INSERT`` refuses, :meth:`Submissions._why_refused` finds
which rule it was, to tell the reporter.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from bot.reports import validation as v
from bot.reports.decisions import utc
from bot.reports.models import Basis, Refusal, RefusalReason, Report, Status, SubmitResult
from bot.reports.pii import find_pii
from bot.reports.policy import ReportPolicy
from bot.reports.store import ReportStore
from bot.storage import Database

log = logging.getLogger(__name__)

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


class Submissions:
    """The submitting side of :class:`~bot.reports.service.ReportService`."""

    db: Database
    store: ReportStore
    policy: ReportPolicy

    async def submit(
        self,
        *,
        guild_id: int,
        policy: ReportPolicy | None = None,
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
        the age check treats as too new only when the check is on). ``policy`` is the
        community's rules (the deployment's by default).
        """
        policy = policy or self.policy

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

        min_age = policy.min_account_age_days
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
            (now - DAY, policy.per_user_per_day),
            (now - HOUR, policy.per_user_per_hour),
        ]
        for _attempt in range(3):
            report_id = await self.store.add_if_allowed(
                guild_id=guild_id,
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
                    guild_id=guild_id,
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
            why = await self._why_refused(
                guild_id, policy, reporter_id, org_id, clean_name, clean_criterion, now
            )
            if why is not None:
                return refuse(*why)
            # What stood in the way went away meanwhile (e.g. a withdrawal): try again.
        raise RuntimeError("report submission kept being refused without a reason")

    async def _why_refused(
        self,
        guild_id: int,
        policy: ReportPolicy,
        reporter_id: int,
        org_id: str | None,
        org_name: str,
        criterion: int | None,
        now: dt.datetime,
    ) -> tuple[RefusalReason, str, dt.datetime | None] | None:
        async with self.db.transaction() as conn:
            if await self.store.is_blocked(guild_id, reporter_id, conn=conn):
                return (
                    RefusalReason.BLOCKED,
                    "You can't submit reports on this server. If you think this is a mistake, "
                    "please contact a moderator.",
                    None,
                )
            limited = await self._rate_limit(guild_id, policy, reporter_id, now, conn)
            if limited is not None:
                return limited
            duplicate = await self.store.pending_duplicate(
                guild_id, reporter_id, org_id, org_name, criterion, conn=conn
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
        self, guild_id: int, policy: ReportPolicy, reporter_id: int, now: dt.datetime, conn: Any
    ) -> tuple[RefusalReason, str, dt.datetime | None] | None:
        times = await self.store.recent_times(guild_id, reporter_id, now - DAY, conn=conn)
        hour = [t for t in times if t > now - HOUR]
        per_day, per_hour = policy.per_user_per_day, policy.per_user_per_hour
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
