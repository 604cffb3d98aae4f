"""Proposing, confirming and declining community verdicts, race-safe and audited.

The same shape as report decisions (:mod:`bot.reports.decisions`): each step runs in one
transaction, and the move out of 'pending' is a single ``UPDATE … WHERE status = 'pending'``,
so when two moderators click at once exactly one decision is made and the other is told.
A moderator's confirmation is a row keyed by (proposal, moderator): the same person cannot
count twice, however often they click.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace

from bot.changes import Changes, Kind
from bot.ratings.models import (
    Decision,
    Missing,
    Proposal,
    ProposalResult,
    ProposalStatus,
    Refused,
    Settled,
    Verdict,
)
from bot.ratings.store import ProposalStore
from bot.reports import validation as v
from bot.reports.decisions import check_decision_reason
from bot.storage import Database

log = logging.getLogger(__name__)

NOTE_MIN = 10
NOTE_MAX = 256  # the knowledge base's limit for a rating's note, so an export always fits
REPORT_IDS_MAX = 25


class _LostRace(Exception):
    """The guarded UPDATE changed nothing: another moderator decided first."""


def check_note(note: str) -> str | Refused:
    """The note without surrounding spaces, or why it cannot be used."""
    clean = " ".join(note.split())
    if len(clean) < NOTE_MIN:
        return Refused(
            f"Please explain the verdict in your own words (at least {NOTE_MIN} characters)."
        )
    if len(clean) > NOTE_MAX:
        return Refused(f"Please keep the note under {NOTE_MAX} characters; link the details.")
    return clean


def parse_report_ids(text: str) -> tuple[int, ...] | Refused:
    """Report numbers typed as ``12, 15 #20``: ASCII digits only, at most 25 of them."""
    found: list[int] = []
    for word in text.replace(",", " ").split():
        digits = word.lstrip("#")
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 18:
            return Refused(f"`{word[:20]}` is not a report number.")
        found.append(int(digits))
    if len(found) > REPORT_IDS_MAX:
        return Refused(f"Please cite at most {REPORT_IDS_MAX} reports.")
    return tuple(dict.fromkeys(found))


class RatingService:
    """The community's decisions on criteria. ``version`` changes whenever a decision is made,
    so rendered cards know to rebuild."""

    def __init__(self, db: Database, changes: Changes | None = None) -> None:
        self.db = db
        self.store = ProposalStore(db)
        self.version = 0
        # Counted for adoptions here and in every other process alike.
        self.changes = changes or Changes()
        self.changes.on(Kind.RATINGS, self._changed)

    def _changed(self, _guild_id: int | None = None) -> None:
        self.version += 1

    async def propose(
        self,
        *,
        guild_id: int,
        org_id: str,
        criterion: int,
        verdict: Verdict,
        note: str,
        evidence: str,
        report_ids: str,
        proposer: int,
        needed: int,
        now: dt.datetime,
        reverts: int | None = None,
    ) -> ProposalResult:
        """Store a proposal (adopted at once when one moderator is enough)."""
        clean_note = check_note(note)
        if isinstance(clean_note, Refused):
            return clean_note
        links = v.check_evidence(evidence)
        if isinstance(links, v.Problem):
            return Refused(links.message)
        cited = parse_report_ids(report_ids)
        if isinstance(cited, Refused):
            return cited
        async with self.db.transaction() as conn:
            found = await self.store.approved_reports(guild_id, org_id, cited, conn=conn)
            unknown = [i for i in cited if i not in found]
            if unknown:
                return Refused(
                    f"Report #{unknown[0]} is not an approved report about this organization "
                    "here; cite approved reports only."
                )
            proposal_id = await self.store.add(
                guild_id=guild_id,
                org_id=org_id,
                criterion=criterion,
                verdict=verdict,
                note=clean_note,
                evidence=links,
                report_ids=cited,
                reverts=reverts,
                proposed_by=proposer,
                needed=max(1, needed),
                now=now,
                conn=conn,
            )
            await self.store.audit(
                guild_id=guild_id,
                actor_id=proposer,
                at=now,
                action="propose",
                proposal_id=proposal_id,
                after={"verdict": verdict, "criterion": criterion, "org_id": org_id},
                conn=conn,
            )
            if needed <= 1:
                await self._adopt(proposal_id, guild_id, proposer, now, conn)
            proposal = await self.store.get(proposal_id, guild_id, conn=conn)
        assert proposal is not None
        if proposal.status is ProposalStatus.ADOPTED:
            await self.changes.changed(Kind.RATINGS, guild_id)
        log.info("Rating proposal #%d (%s)", proposal_id, proposal.status)
        return proposal

    async def _adopt(
        self, proposal_id: int, guild_id: int, actor_id: int, now: dt.datetime, conn: object
    ) -> None:
        if not await self.store.settle(
            proposal_id, guild_id, ProposalStatus.ADOPTED, now, conn=conn
        ):
            raise _LostRace
        await self.store.audit(
            guild_id=guild_id,
            actor_id=actor_id,
            at=now,
            action="adopt",
            proposal_id=proposal_id,
            before={"status": "pending"},
            after={"status": "adopted"},
            conn=conn,
        )

    async def confirm(
        self, proposal_id: int, guild_id: int, moderator_id: int, now: dt.datetime
    ) -> ProposalResult:
        """Add a moderator's agreement; the confirmation that completes the count adopts it."""
        try:
            async with self.db.transaction() as conn:
                proposal = await self.store.get(proposal_id, guild_id, conn=conn)
                if proposal is None:
                    return Missing(proposal_id)
                if proposal.status is not ProposalStatus.PENDING:
                    return Settled(proposal)
                if moderator_id in proposal.confirmed_by:
                    who = "proposed" if moderator_id == proposal.proposed_by else "confirmed"
                    return Refused(
                        f"You already {who} this; another moderator needs to confirm it "
                        f"({proposal.missing} more)."
                    )
                await self.store.confirm(proposal_id, moderator_id, now, conn=conn)
                await self.store.audit(
                    guild_id=guild_id,
                    actor_id=moderator_id,
                    at=now,
                    action="confirm",
                    proposal_id=proposal_id,
                    conn=conn,
                )
                updated = replace(proposal, confirmed_by=(*proposal.confirmed_by, moderator_id))
                if len(updated.confirmed_by) >= proposal.needed:
                    await self._adopt(proposal_id, guild_id, moderator_id, now, conn)
                    updated = replace(
                        updated, status=ProposalStatus.ADOPTED, decided_at=now.astimezone(dt.UTC)
                    )
        except _LostRace:
            return Settled(await self.store.get(proposal_id, guild_id))
        if updated.status is ProposalStatus.ADOPTED:
            await self.changes.changed(Kind.RATINGS, guild_id)
        return updated

    async def decline(
        self, proposal_id: int, guild_id: int, moderator_id: int, reason: str, now: dt.datetime
    ) -> ProposalResult:
        """Decline a pending proposal; a reason is required."""
        clean = check_decision_reason(reason, "declining the proposal")
        if not isinstance(clean, str):
            return Refused(clean.message)
        async with self.db.transaction() as conn:
            proposal = await self.store.get(proposal_id, guild_id, conn=conn)
            if proposal is None:
                return Missing(proposal_id)
            moved = await self.store.settle(
                proposal_id,
                guild_id,
                ProposalStatus.DECLINED,
                now,
                declined_by=moderator_id,
                reason=clean,
                conn=conn,
            )
            if not moved:
                return Settled(proposal)
            await self.store.audit(
                guild_id=guild_id,
                actor_id=moderator_id,
                at=now,
                action="decline",
                proposal_id=proposal_id,
                before={"status": "pending"},
                after={"status": "declined", "reason": clean},
                conn=conn,
            )
        return replace(
            proposal,
            status=ProposalStatus.DECLINED,
            decided_at=now.astimezone(dt.UTC),
            declined_by=moderator_id,
            decline_reason=clean,
        )

    async def get(self, proposal_id: int, guild_id: int) -> Proposal | None:
        return await self.store.get(proposal_id, guild_id)

    async def history(self, guild_id: int, org_id: str, criterion: int | None) -> list[Decision]:
        """Every decision about ``org_id`` here, newest first, each with the verdict it replaced."""
        adopted = await self.store.adopted((guild_id,), org_id, criterion)
        last: dict[int, Verdict] = {}
        decisions = []
        for proposal in adopted:
            decisions.append(Decision(proposal, last.get(proposal.criterion)))
            last[proposal.criterion] = proposal.verdict
        return decisions[::-1]

    async def current(self, sees: tuple[int, ...], org_id: str) -> dict[int, Proposal]:
        """Each criterion's current decision as these communities see it: the asker's own
        community's where it decided, else the first trusted community's."""
        newest = {
            (p.guild_id, p.criterion): p for p in await self.store.newest_adopted(sees, org_id)
        }
        chosen: dict[int, Proposal] = {}
        for guild_id in sees:
            for (g, criterion), proposal in newest.items():
                if g == guild_id and criterion not in chosen:
                    chosen[criterion] = proposal
        return chosen

    async def needs_review(
        self, guild_id: int, org_id: str, criterion: int, threshold: int
    ) -> bool:
        """Whether exactly ``threshold`` approved reports on this criterion arrived since its
        last decision (so the prompt is posted once, when the count is reached)."""
        current = await self.current((guild_id,), org_id)
        since = current[criterion].decided_at if criterion in current else None
        return await self.store.reports_since(guild_id, org_id, criterion, since) == threshold
