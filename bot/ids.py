"""Every ``custom_id`` vetbot puts on a button or a pick list, built and parsed in one place.

A component id is ``vetbot:<area>:<action>[:<arg>…]``. Each kind of id is a small frozen
dataclass with a ``custom_id`` property; :func:`parse` turns any string back into one of them,
or into :class:`BadId` with the reason. Parsing is strict: a record number is ASCII digits only,
from 1 to SQLite's largest rowid, and every kind has a fixed number of parts, so ``１``, ``-1``,
``1:2`` or ``99999999999999999999`` are bad ids that the caller must answer, never a crash and
never a different record.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

PREFIX = "vetbot"
# Discord's limit for a component's custom_id.
CUSTOM_ID_MAX = 100
# SQLite rowids (and PostgreSQL bigints) are signed 64-bit integers.
RECORD_ID_MAX = 2**63 - 1
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_MAX = 64
# A typed organization name carried by a "report it" button, before quoting.
NEW_ORG_NAME_MAX = 60


class ReportAction(enum.StrEnum):
    """What a button on a report does."""

    APPROVE = "approve"
    REJECT = "reject"
    EDIT = "edit"
    WITHDRAW = "withdraw"
    PUBLISH = "publish"  # approve, confirming what the approval would publish
    RETRACT = "retract"


class RatingAction(enum.StrEnum):
    """What a button on a rating proposal does."""

    CONFIRM = "confirm"
    DECLINE = "decline"


class ResponseAction(enum.StrEnum):
    """What a button on an organization's response does."""

    APPROVE = "approve"
    REJECT = "reject"
    EDIT = "edit"


# Pages of a card's reports one can ask for.
REPORTS_PAGE_MAX = 10_000


class PickArea(enum.StrEnum):
    """The pick lists: which entry, organization or myth did you mean."""

    ASK = "ask"
    RATE = "rate"
    EXPLAIN = "explain"


class EntryKind(enum.StrEnum):
    """Knowledge-base collections that an answer (and so a feedback vote) can come from."""

    MYTHS = "myths"
    CRITERIA = "criteria"
    TERMS = "terms"
    TOPICS = "topics"


def record_id(text: str) -> int | None:
    """A record number written as ASCII digits, from 1 to the largest 64-bit rowid; else None."""
    if not (text.isascii() and text.isdigit()) or len(text) > 19 or text.startswith("0"):
        return None  # one spelling per number: no "01"
    value = int(text)
    return value if 1 <= value <= RECORD_ID_MAX else None


def slug(text: str) -> str | None:
    """``text`` if it is a knowledge-base style id (``lower-case-words``); else None."""
    return text if len(text) <= SLUG_MAX and _SLUG.fullmatch(text) else None


@dataclass(frozen=True)
class ReportButton:
    """A moderation or withdraw button on one report: ``vetbot:report:approve:42``."""

    action: ReportAction
    report_id: int

    @property
    def custom_id(self) -> str:
        return f"{PREFIX}:report:{self.action}:{self.report_id}"


@dataclass(frozen=True)
class QueuePage:
    """Previous / next on the moderation queue: ``vetbot:report:queue:2``."""

    page: int

    @property
    def custom_id(self) -> str:
        return f"{PREFIX}:report:queue:{self.page}"


@dataclass(frozen=True)
class ReportAbout:
    """ "Report about it" on a rating card: ``vetbot:report:org:<org id>``."""

    org_id: str

    @property
    def custom_id(self) -> str:
        return f"{PREFIX}:report:org:{self.org_id}"


@dataclass(frozen=True)
class ReportNewOrg:
    """ "Report about it" for a name vetbot does not know; the button carries the name.

    Build it with :meth:`for_name`, which keeps as much of the name as fits in an id.
    """

    name: str

    @classmethod
    def for_name(cls, name: str) -> ReportNewOrg | None:
        """The button for ``name``, cut to fit once percent-encoded; None for a blank name."""
        room = CUSTOM_ID_MAX - len(f"{PREFIX}:report:new:")
        for size in range(min(len(name), NEW_ORG_NAME_MAX), 0, -1):
            cut = name[:size].strip()
            if cut and len(quote(cut, safe="")) <= room:
                return cls(cut)
        return None

    @property
    def custom_id(self) -> str:
        return f"{PREFIX}:report:new:{quote(self.name, safe='')}"


@dataclass(frozen=True)
class FeedbackVote:
    """Helpful / not helpful under an answer: ``vetbot:feedback:up:myths:<id>``."""

    helpful: bool
    kind: EntryKind
    entry_id: str

    @property
    def custom_id(self) -> str:
        vote = "up" if self.helpful else "down"
        return f"{PREFIX}:feedback:{vote}:{self.kind}:{self.entry_id}"


@dataclass(frozen=True)
class PostMyth:
    """ "Post to channel" under a private myth explainer: ``vetbot:myth:post:<id>``."""

    myth_id: str

    @property
    def custom_id(self) -> str:
        return f"{PREFIX}:myth:post:{self.myth_id}"


@dataclass(frozen=True)
class PickList:
    """A pick list (select menu): ``vetbot:rate:pick``."""

    area: PickArea

    @property
    def custom_id(self) -> str:
        return f"{PREFIX}:{self.area}:pick"


@dataclass(frozen=True)
class SetupChoice:
    """A role or channel select of ``/setup show``: ``vetbot:setup:choose:moderator_roles``."""

    setting: str

    @property
    def custom_id(self) -> str:
        return f"{PREFIX}:setup:choose:{self.setting}"


@dataclass(frozen=True)
class SetupForm:
    """The button of ``/setup show`` that opens the limits and trust form."""

    @property
    def custom_id(self) -> str:
        return f"{PREFIX}:setup:form:limits"


_SETTING = re.compile(r"[a-z]+(?:_[a-z]+)*")


@dataclass(frozen=True)
class RatingButton:
    """Confirm or decline a rating proposal: ``vetbot:rating:confirm:42``."""

    action: RatingAction
    proposal_id: int

    @property
    def custom_id(self) -> str:
        return f"{PREFIX}:rating:{self.action}:{self.proposal_id}"


@dataclass(frozen=True)
class RatingReview:
    """ "Review this rating?" in the queue: ``vetbot:rating:review:<org id>:<criterion>``."""

    org_id: str
    criterion: int

    @property
    def custom_id(self) -> str:
        return f"{PREFIX}:rating:review:{self.org_id}:{self.criterion}"


@dataclass(frozen=True)
class RatingHistory:
    """ "Rating history" on a card: ``vetbot:rating:history:<org id>``."""

    org_id: str

    @property
    def custom_id(self) -> str:
        return f"{PREFIX}:rating:history:{self.org_id}"


@dataclass(frozen=True)
class ReportsPage:
    """ "See all reports" on a card, a page at a time: ``vetbot:card:reports:<org id>:2``."""

    org_id: str
    page: int

    @property
    def custom_id(self) -> str:
        return f"{PREFIX}:card:reports:{self.org_id}:{self.page}"


@dataclass(frozen=True)
class ResponseButton:
    """A moderation button on an organization's response: ``vetbot:response:approve:7``."""

    action: ResponseAction
    response_id: int

    @property
    def custom_id(self) -> str:
        return f"{PREFIX}:response:{self.action}:{self.response_id}"


ButtonId = (
    ReportButton
    | QueuePage
    | ReportAbout
    | ReportNewOrg
    | FeedbackVote
    | PostMyth
    | SetupChoice
    | SetupForm
    | RatingButton
    | RatingReview
    | RatingHistory
    | ReportsPage
    | ResponseButton
)
ComponentId = ButtonId | PickList


@dataclass(frozen=True)
class BadId:
    """A ``custom_id`` that is not one vetbot makes (or no longer makes); always answered."""

    raw: str
    problem: str

    @property
    def about_report(self) -> bool:
        """Whether it looked like a report button, so "that report no longer exists" fits."""
        return self.raw.startswith(f"{PREFIX}:report:")


def _report(parts: list[str]) -> ComponentId | str:
    action, *rest = parts
    if action == "org":
        org = slug(rest[0]) if len(rest) == 1 else None
        return ReportAbout(org) if org else "not an organization id"
    if action == "new":
        name = unquote(rest[0]).strip() if len(rest) == 1 else ""
        return ReportNewOrg(name) if name else "no organization name"
    number = record_id(rest[0]) if len(rest) == 1 else None
    if number is None:
        return "not a report number"
    if action == "queue":
        return QueuePage(number)
    try:
        return ReportButton(ReportAction(action), number)
    except ValueError:
        return f"unknown report action {action!r}"


def _feedback(parts: list[str]) -> ComponentId | str:
    if len(parts) != 3 or parts[0] not in ("up", "down"):
        return "not a feedback vote"
    vote, kind, entry = parts
    entry_id = slug(entry)
    if kind not in EntryKind.__members__.values() or entry_id is None:
        return "not a knowledge-base entry"
    return FeedbackVote(vote == "up", EntryKind(kind), entry_id)


def _criterion_number(text: str) -> int | None:
    number = record_id(text)
    return number if number is not None and number <= 10 else None


def _rating(parts: list[str]) -> ComponentId | str:
    action, *rest = parts
    if action == "history":
        org = slug(rest[0]) if len(rest) == 1 else None
        return RatingHistory(org) if org else "not an organization id"
    if action == "review":
        org = slug(rest[0]) if len(rest) == 2 else None
        number = _criterion_number(rest[1]) if len(rest) == 2 else None
        return RatingReview(org, number) if org and number else "not a criterion of an org"
    number = record_id(rest[0]) if len(rest) == 1 else None
    if number is None:
        return "not a proposal number"
    try:
        return RatingButton(RatingAction(action), number)
    except ValueError:
        return f"unknown rating action {action!r}"


def _reports_page(parts: list[str]) -> ComponentId | str:
    if len(parts) != 3 or parts[0] != "reports":
        return "unknown card button"
    org, page = slug(parts[1]), record_id(parts[2])
    if org is None or page is None or page > REPORTS_PAGE_MAX:
        return "not a page of an organization's reports"
    return ReportsPage(org, page)


def _response(parts: list[str]) -> ComponentId | str:
    if len(parts) != 2:
        return "not a response button"
    number = record_id(parts[1])
    if number is None:
        return "not a response number"
    try:
        return ResponseButton(ResponseAction(parts[0]), number)
    except ValueError:
        return f"unknown response action {parts[0]!r}"


def parse(custom_id: str) -> ComponentId | BadId:
    """The component an id stands for, or :class:`BadId` saying what is wrong with it."""
    if len(custom_id) > CUSTOM_ID_MAX:
        return BadId(custom_id[:CUSTOM_ID_MAX], "too long")
    prefix, _, rest = custom_id.partition(":")
    parts = rest.split(":")
    if prefix != PREFIX or len(parts) < 2:
        return BadId(custom_id, "not a vetbot id")
    area, action = parts[0], parts[1]
    result: ComponentId | str
    if action == "pick" and len(parts) == 2:
        try:
            result = PickList(PickArea(area))
        except ValueError:
            result = f"unknown pick list {area!r}"
    elif area == "report" and len(parts) >= 3:
        result = _report(parts[1:])
    elif area == "feedback":
        result = _feedback(parts[1:])
    elif area == "rating":
        result = _rating(parts[1:])
    elif area == "card":
        result = _reports_page(parts[1:])
    elif area == "response":
        result = _response(parts[1:])
    elif area == "myth" and action == "post" and len(parts) == 3 and slug(parts[2]):
        result = PostMyth(parts[2])
    elif area == "setup" and action == "choose" and len(parts) == 3:
        valid = len(parts[2]) <= 40 and _SETTING.fullmatch(parts[2])
        result = SetupChoice(parts[2]) if valid else "not a setting"
    elif area == "setup" and parts[1:] == ["form", "limits"]:
        result = SetupForm()
    else:
        result = "unknown component"
    return BadId(custom_id, result) if isinstance(result, str) else result
