"""The rules of peer reports: who may submit what, and how moderators decide.

:class:`ReportService` is what the cogs call. It takes explicit ``now`` arguments (so tests and
the purge job control time), returns outcome objects instead of raising for expected cases, and
runs each operation in one transaction. Logs carry report ids, never reporter ids or text, so
the logs do not outlive the retention policy.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.changes import Changes, Kind
from bot.community import CommunityReport, CommunitySummary
from bot.limits import cut
from bot.reports import validation as v
from bot.reports.decisions import APPROVE, Decisions
from bot.reports.models import (
    AuditEntry,
    CommunityOrg,
    Invalid,
    ModerationResult,
    Page,
    Report,
)
from bot.reports.policy import ReportPolicy
from bot.reports.store import ReportStore
from bot.reports.submission import Submissions
from bot.storage import Database

log = logging.getLogger(__name__)

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
MINE_LIMIT = 25
RECENT_PUBLIC = 3
SUMMARY_CHARS = 280


class ReportService(Submissions, Decisions):
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
        changes: Changes | None = None,
    ) -> None:
        self.db = db
        self.store = ReportStore(db)
        self.policy = policy or ReportPolicy()
        self._org_exists = org_exists or (lambda _org_id: False)
        self._summaries: dict[tuple[str, tuple[int, ...]], CommunitySummary] = {}
        self._published = 0
        # Another process's approval changes what the cards show here too.
        self.changes = changes or Changes()
        self.changes.on(Kind.REPORTS, lambda _guild_id: self._republished())

    # -- reporters -------------------------------------------------------------------------

    async def list_mine(
        self, guild_id: int, reporter_id: int, limit: int = MINE_LIMIT
    ) -> list[Report]:
        """The reporter's own reports in this community, newest first."""
        return await self.store.by_reporter(guild_id, reporter_id, limit)

    # -- moderators ------------------------------------------------------------------------

    async def get(self, report_id: int, guild_id: int) -> Report | None:
        """One of this community's reports (moderators' view: with the reporter id while
        retained). Another community's report is ``None``, exactly like a missing one."""
        return await self.store.get(report_id, guild_id)

    async def queue(self, guild_id: int, page: int = 1, per_page: int = 5) -> Page:
        """This community's pending reports, oldest first, one page (numbered from 1; clamped
        to what exists). ``per_page`` is kept within 1-10 so a page fits one message.
        """
        per_page = max(1, min(per_page, 10))
        async with self.db.transaction() as conn:
            total = await self.store.count_pending(guild_id, conn=conn)
            pages = max(1, -(-total // per_page))
            page = max(1, min(page, pages))
            items = await self.store.pending_page(
                guild_id, (page - 1) * per_page, per_page, conn=conn
            )
        return Page(items=items, page=page, per_page=per_page, total=total)

    async def set_queue_message(
        self, report_id: int, guild_id: int, channel_id: int, message_id: int
    ) -> bool:
        """Remember the moderation-queue post of a report, so it can be updated after a decision."""
        return await self.store.set_queue_message(report_id, guild_id, channel_id, message_id)

    async def approve(
        self,
        report_id: int,
        guild_id: int,
        moderator_id: int,
        now: dt.datetime,
        *,
        link_org_id: str | None = None,
        new_org_name: str | None = None,
    ) -> ModerationResult:
        """Approve a pending report so it counts on the org's rating card.

        A report about an org the bot did not know is linked to ``link_org_id``, or listed as a
        new community org named ``new_org_name`` (default: the name the reporter typed) whose id
        is a slug of the name. The same slug is reused if the community already listed it.
        """

        async def choose_org(report: Report, conn: Any) -> str | Invalid:
            return await self._resolve_org(
                report, moderator_id, now, link_org_id, new_org_name, conn
            )

        return await self._decide(
            report_id, guild_id, moderator_id, APPROVE, now, choose_org=choose_org
        )

    async def _resolve_org(
        self,
        report: Report,
        moderator_id: int,
        now: dt.datetime,
        link_org_id: str | None,
        new_org_name: str | None,
        conn: Any,
    ) -> str | Invalid:
        guild_id = report.guild_id or 0
        if link_org_id is not None:
            if self._org_exists(link_org_id) or await self.store.community_org(
                guild_id, link_org_id, conn=conn
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
        if await self.store.community_org(guild_id, slug, conn=conn) is None:
            await self.store.add_community_org(
                guild_id, slug, name, now, moderator_id, report.id, conn=conn
            )
            log.info("Listed community org %s from report #%d", slug, report.id)
        return slug

    async def history(self, report_id: int) -> list[AuditEntry]:
        """The audit trail of one report, oldest first."""
        return await self.store.audit_for(report_id)

    async def block(
        self, guild_id: int, user_id: int, by: int, reason: str, now: dt.datetime
    ) -> bool:
        """Stop ``user_id`` from submitting reports here; ``False`` if already blocked."""
        async with self.db.transaction() as conn:
            added = await self.store.block(guild_id, user_id, by, reason.strip(), now, conn=conn)
            if added:
                await self.store.audit(
                    guild_id=guild_id,
                    actor_id=by,
                    at=now,
                    action="block",
                    report_id=None,
                    before=None,
                    after={"user_id": user_id, "reason": reason.strip()},
                    conn=conn,
                )
        return added

    async def unblock(self, guild_id: int, user_id: int, by: int, now: dt.datetime) -> bool:
        """Let ``user_id`` submit reports here again; ``False`` if they were not blocked."""
        async with self.db.transaction() as conn:
            removed = await self.store.unblock(guild_id, user_id, conn=conn)
            if removed:
                await self.store.audit(
                    guild_id=guild_id,
                    actor_id=by,
                    at=now,
                    action="unblock",
                    report_id=None,
                    before={"user_id": user_id},
                    after=None,
                    conn=conn,
                )
        return removed

    async def is_blocked(self, guild_id: int, user_id: int) -> bool:
        """Whether ``user_id`` is on this community's block list."""
        return await self.store.is_blocked(guild_id, user_id)

    # -- public side -----------------------------------------------------------------------

    async def community_orgs(self) -> list[CommunityOrg]:
        """Organizations the communities listed by approving reports, for /rate."""
        return await self.store.community_orgs()

    async def community_summary(self, org_id: str, guild_ids: tuple[int, ...]) -> CommunitySummary:
        """What these communities said about ``org_id``: public-safe, never who said it.

        Cached per organization and set of communities (every /rate card asks for it) until an
        approval, an edit or a retraction changes what is published; reading it takes no write
        lock.
        """
        key = (org_id, guild_ids)
        cached = self._summaries.get(key)
        if cached is not None:
            return cached
        generation = self._published
        counts = await self.store.approved_counts(guild_ids, org_id)
        recent = await self.store.approved(guild_ids, org_id, limit=RECENT_PUBLIC)
        summary = CommunitySummary(
            counts=counts,
            recent=[
                CommunityReport(
                    report_id=r.id,
                    criterion=r.criterion,
                    basis=r.basis.label,
                    summary=cut(r.text, SUMMARY_CHARS),
                    decided_at=r.decided_at or r.created_at,
                    guild_id=r.guild_id,
                    edited=r.edited_at is not None,
                )
                for r in recent
            ],
        )
        if generation == self._published:  # nothing was approved or edited while we read
            self._summaries[key] = summary
        return summary

    @property
    def published(self) -> int:
        """A number that changes whenever what the rating cards show from reports changes."""
        return self._published

    def _republished(self) -> None:
        """What the cards show changed: forget every cached summary."""
        self._published += 1
        self._summaries.clear()

    async def approved_reports(self, guild_id: int | None = None) -> list[Report]:
        """Approved reports (of one community, or all), for the open-data export."""
        guilds = None if guild_id is None else [guild_id]
        return list(reversed(await self.store.approved(guilds)))

    # -- retention -------------------------------------------------------------------------

    async def purge_reporter_ids(
        self, now: dt.datetime, retention: Callable[[int], Awaitable[int]] | None = None
    ) -> int:
        """Erase reporter ids of reports decided more than each community's retention ago.

        ``retention(guild_id)`` gives a community's ``retention_days`` (the deployment's by
        default). Also blanks the reporter's id on their withdrawal entries in the audit log
        and the pre-edit text of older edits (it may hold the personal information that was
        redacted). Returns how many reports lost their reporter id. Safe to run repeatedly.
        """
        erased = audit = edits = 0
        for guild_id in await self.store.guilds_with_reports():
            days = await retention(guild_id) if retention else self.policy.retention_days
            cutoff = now - dt.timedelta(days=days)
            async with self.db.transaction() as conn:
                erased += await self.store.erase_reporters(guild_id, cutoff, conn=conn)
                audit += await self.store.erase_audit_reporters(guild_id, cutoff, conn=conn)
                old = await self.store.old_edits(guild_id, cutoff, conn=conn)
                for entry in old:
                    # A NULL "before" on an edit reads as "erased by retention".
                    await self.store.set_audit_before(entry.id, None, conn=conn)
                edits += len(old)
        log.info(
            "Retention purge: %d reporter ids, %d audit actors, %d old edit texts erased",
            erased,
            audit,
            edits,
        )
        return erased
