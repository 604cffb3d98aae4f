"""Community decisions on criteria, proposals for them, and organizations' responses.

A :class:`Proposal` is one moderator's verdict on one criterion of one organization. Once
``needed`` different moderators (the proposer first) confirmed it, it is *adopted*: the
community's current decision for that criterion, until a newer one is adopted.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass


class Verdict(enum.StrEnum):
    """A community's verdict; "not assessed" and "contested" are never "fails"."""

    MEETS = "meets"
    PARTLY = "partly"
    FAILS = "fails"
    NOT_ASSESSED = "not-assessed"
    CONTESTED = "contested"


VERDICT_WORDS = {
    "meets": Verdict.MEETS,
    "meet": Verdict.MEETS,
    "yes": Verdict.MEETS,
    "partly": Verdict.PARTLY,
    "partial": Verdict.PARTLY,
    "fails": Verdict.FAILS,
    "fail": Verdict.FAILS,
    "no": Verdict.FAILS,
    "not assessed": Verdict.NOT_ASSESSED,
    "not-assessed": Verdict.NOT_ASSESSED,
    "unassessed": Verdict.NOT_ASSESSED,
    "contested": Verdict.CONTESTED,
    "disputed": Verdict.CONTESTED,
}


def parse_verdict(text: str) -> Verdict | None:
    """The verdict a typed word means, or None."""
    return VERDICT_WORDS.get(" ".join(text.strip().lower().replace("_", " ").split()))


class ProposalStatus(enum.StrEnum):
    PENDING = "pending"
    ADOPTED = "adopted"
    DECLINED = "declined"


class ResponseStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    REPLACED = "replaced"  # a newer approved response on the same subject shows instead


@dataclass(frozen=True)
class Proposal:
    """A proposed (or adopted, or declined) community verdict on one criterion."""

    id: int
    guild_id: int
    org_id: str
    criterion: int
    verdict: Verdict
    note: str
    evidence: tuple[str, ...]
    report_ids: tuple[int, ...]
    proposed_by: int
    proposed_at: dt.datetime
    status: ProposalStatus
    needed: int
    confirmed_by: tuple[int, ...] = ()  # in order, the proposer first
    reverts: int | None = None
    decided_at: dt.datetime | None = None
    declined_by: int | None = None
    decline_reason: str | None = None
    queue_channel_id: int | None = None
    queue_message_id: int | None = None

    @property
    def missing(self) -> int:
        """How many more moderators must confirm."""
        return max(0, self.needed - len(self.confirmed_by))


@dataclass(frozen=True)
class Decision:
    """An adopted proposal with the verdict it replaced (None: the community had none)."""

    proposal: Proposal
    replaced: Verdict | None


@dataclass(frozen=True)
class Response:
    """What someone speaking for an organization answered, about a criterion or a report."""

    id: int
    guild_id: int
    org_id: str
    criterion: int | None
    report_id: int | None
    text: str
    links: tuple[str, ...]
    verification: str
    sender_id: int | None
    status: ResponseStatus
    pii_flags: tuple[str, ...]
    created_at: dt.datetime
    decided_at: dt.datetime | None = None
    decided_by: int | None = None
    decision_reason: str | None = None
    edited_at: dt.datetime | None = None
    queue_channel_id: int | None = None
    queue_message_id: int | None = None

    @property
    def subject(self) -> str:
        """What it answers, in words."""
        if self.report_id is not None:
            return f"report #{self.report_id}"
        if self.criterion is not None:
            return f"criterion {self.criterion}"
        return "the card"


@dataclass(frozen=True)
class Missing:
    """No such proposal or response in this community (another community's ids answer so too)."""

    id: int
    what: str = "proposal"


@dataclass(frozen=True)
class Refused:
    """The step cannot be taken; the message says why, kindly."""

    message: str


@dataclass(frozen=True)
class Settled:
    """Someone decided it first (a lost race, or a click on an old button)."""

    proposal: Proposal | None = None
    response: Response | None = None


ProposalResult = Proposal | Missing | Refused | Settled
ResponseResult = Response | Missing | Refused | Settled
