"""Typed records and outcomes of the report feature.

Service methods return one of a few small outcome types instead of raising, so a cog can
``match`` on the result and pick a reply: an accepted :class:`Report`, a :class:`Refusal` that
gives the reporter their text back, a :class:`Decided` when someone else was faster, a
:class:`NotFound`, or an :class:`Invalid` request.
"""

from __future__ import annotations

import datetime as dt
import enum

import msgspec


class Basis(enum.StrEnum):
    """How the reporter knows what they report."""

    FIRST_HAND = "first-hand"
    DOCUMENTED = "documented"
    HEARD_FROM_OTHERS = "heard-from-others"

    @property
    def label(self) -> str:
        """Human wording, e.g. ``heard from others``."""
        return self.value.replace("-", " ") if self is Basis.HEARD_FROM_OTHERS else self.value


class Status(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    RETRACTED = "retracted"  # approved, then taken down by a moderator


class PiiKind(enum.StrEnum):
    """A kind of personal information found in a report's text."""

    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"


class RefusalReason(enum.StrEnum):
    TOO_SHORT = "too-short"
    TOO_LONG = "too-long"
    BAD_LINK = "bad-link"
    TOO_MANY_LINKS = "too-many-links"
    BAD_BASIS = "bad-basis"
    BAD_CRITERION = "bad-criterion"
    BAD_ORG = "bad-org"
    PER_HOUR = "per-hour"
    PER_DAY = "per-day"
    DUPLICATE = "duplicate"
    ACCOUNT_TOO_NEW = "account-too-new"
    BLOCKED = "blocked"


class Report(msgspec.Struct, frozen=True, kw_only=True):
    """One stored report. ``reporter_id`` is ``None`` once erased by the retention purge.

    Never show ``reporter_id`` publicly; :mod:`bot.reports.replies` and
    :mod:`bot.reports.export` only ever render it for moderators.
    """

    id: int
    guild_id: int | None  # the community it was sent in (None only before assignment)
    org_id: str | None
    org_name: str
    criterion: int | None
    text: str
    evidence: tuple[str, ...]
    basis: Basis
    reporter_id: int | None
    status: Status
    pii_flags: tuple[PiiKind, ...]
    created_at: dt.datetime
    decided_at: dt.datetime | None = None
    decided_by: int | None = None
    decision_reason: str | None = None
    edited_at: dt.datetime | None = None
    queue_channel_id: int | None = None
    queue_message_id: int | None = None


class Refusal(msgspec.Struct, frozen=True, kw_only=True):
    """A submission that was not stored: why, when to try again, and everything typed."""

    reason: RefusalReason
    message: str
    retry_after: dt.datetime | None
    text_back: str
    evidence_back: str = ""


class Decided(msgspec.Struct, frozen=True, kw_only=True):
    """The report was already decided: by whom (``None`` = the reporter withdrew), how, when."""

    report_id: int
    status: Status
    decided_by: int | None
    decided_at: dt.datetime | None
    reason: str | None = None


class NotFound(msgspec.Struct, frozen=True):
    """No such report (or, for a reporter, none of theirs with that id)."""

    report_id: int


class Invalid(msgspec.Struct, frozen=True):
    """The request cannot be carried out as asked; ``message`` says why, for the actor."""

    message: str


class CommunityOrg(msgspec.Struct, frozen=True, kw_only=True):
    """An organization listed because moderators approved a report about it."""

    guild_id: int | None  # the community whose moderators listed it
    id: str
    name: str
    created_at: dt.datetime


class AuditEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One moderation action; ``before``/``after`` hold only the fields that changed."""

    id: int
    actor_id: int | None
    at: dt.datetime
    action: str
    report_id: int | None
    before: dict[str, object] | None
    after: dict[str, object] | None


class Page(msgspec.Struct, frozen=True, kw_only=True):
    """One page (numbered from 1) of the moderation queue."""

    items: list[Report]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages there are; at least 1 so "page 1 of 1" reads right when empty."""
        return max(1, -(-self.total // self.per_page))


SubmitResult = Report | Refusal
ModerationResult = Report | Decided | NotFound | Invalid
