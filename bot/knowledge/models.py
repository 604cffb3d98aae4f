"""The knowledge base schema: one typed record per kind of entry.

The schema is enforced by msgspec (unknown fields, wrong types and bad enum values are rejected);
rules that span entries (unique ids, existing sources, ...) live in :mod:`bot.knowledge.loader`.
Every entry is short enough for one chat message, cites source ids and carries a reviewed date.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

import msgspec

Slug = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)]
ShortText = Annotated[str, msgspec.Meta(min_length=1, max_length=256)]
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=1800)]
Url = Annotated[str, msgspec.Meta(pattern=r"^https?://\S+$", max_length=512)]
SourceIds = Annotated[list[Slug], msgspec.Meta(min_length=1)]


class _Entry(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """Fields every entry shares."""

    id: Slug
    sources: SourceIds
    reviewed: dt.date
    keywords: list[ShortText] = []
    # Ways members ask about the entry, in their words ("where do my donations end up"): matched
    # like keywords, never shown. Written per concept, never copied from an evaluation question.
    questions: list[ShortText] = []
    # More ways members ask, about ten per entry (slang, typos, long ones with context), written
    # per concept by someone who saw no evaluation set. Compared in meaning only (the semantic
    # index), never word by word: so many words would let every entry cover every question.
    paraphrases: list[ShortText] = []


Word = Annotated[str, msgspec.Meta(pattern=r"^[^\W_]+$", max_length=40)]
Words = Annotated[str, msgspec.Meta(pattern=r"^[^\W_]+(?: [^\W_]+)*$", max_length=80)]


class Synonym(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """Everyday words read as the word the entries use (``knowledge/synonyms.toml``)."""

    means: Words
    words: list[Word] = []  # read as ``means`` instead of themselves
    also: list[Word] = []  # keep their own meaning and add ``means``


class OffTopicSubject(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """Questions members ask about a subject the base does not cover, though they share its
    words ("who won the super bowl"): the semantic classifier learns from them what is not
    ours (``knowledge/off_topic.toml``). Never shown, never answered with."""

    name: Slug
    questions: Annotated[list[ShortText], msgspec.Meta(min_length=1)]


class Source(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """A published article the knowledge base cites."""

    id: Slug
    title: ShortText
    author: ShortText
    year: Annotated[str, msgspec.Meta(pattern=r"^(\d{4}(-\d{2}-\d{2})?|n\.d\.)$")]
    url: Url | None = None
    short: Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
    reviewed: dt.date


class Criterion(_Entry, frozen=True, kw_only=True):
    """One of the ten questions to ask about an anti-trafficking organization."""

    number: Annotated[int, msgspec.Meta(ge=1, le=10)]
    title: ShortText
    question: Text
    why: Text
    green_flags: Annotated[list[ShortText], msgspec.Meta(min_length=1)]
    red_flags: Annotated[list[ShortText], msgspec.Meta(min_length=1)]
    how_to_check: Annotated[list[ShortText], msgspec.Meta(min_length=1)]


class Verdict(enum.StrEnum):
    """How a repeated claim holds up against the sources."""

    FALSE = "false"
    MISLEADING = "misleading"
    UNSUPPORTED = "unsupported"
    EXAGGERATED = "exaggerated"
    CONTESTED = "contested"


class Figure(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """A number, with who produced it: a figure the sources report, or the claim's own figure.

    ``claimed`` marks the figure the myth repeats (shown apart, never as a real number).
    """

    value: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    meaning: ShortText
    origin: ShortText
    source: Slug
    claimed: bool = False


class Myth(_Entry, frozen=True, kw_only=True):
    """A claim people repeat, and what the sources show about it."""

    title: ShortText
    aliases: list[ShortText] = []
    claim: Text
    verdict: Verdict
    short: Annotated[str, msgspec.Meta(min_length=1, max_length=280)]
    explanation: Text
    numbers: list[Figure] = []


class Term(_Entry, frozen=True, kw_only=True):
    """A word a newcomer meets, and what it means."""

    name: ShortText
    aliases: list[ShortText] = []
    definition: Text
    note: Text | None = None
    see_also: list[Slug] = []


class View(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """What one source argues, where the sources disagree."""

    source: Slug
    position: Text


class Topic(_Entry, frozen=True, kw_only=True):
    """Other guidance: trauma-informed practice, vetting partners, how to help, ..."""

    title: ShortText
    aliases: list[ShortText] = []
    summary: Text
    points: list[ShortText] = []
    views: list[View] = []


class OrgKind(enum.StrEnum):
    """What sort of organization this is."""

    SEX_WORKER_RIGHTS = "sex-worker-rights-group"
    SURVIVOR_NETWORK = "survivor-network"
    HUMAN_RIGHTS = "human-rights-organization"
    RESCUE = "rescue-organization"
    ANTI_TRAFFICKING = "anti-trafficking-nonprofit"
    SERVICE_PROVIDER = "service-provider"
    ADVOCACY = "advocacy-group"
    GOVERNMENT = "government-agency"
    DATA_SOURCE = "data-source"
    RESEARCH = "research-or-publication"
    FUNDER = "funder-or-charity"
    MEDIA = "media"
    COMPANY = "company"
    OTHER = "other"


class Rating(enum.StrEnum):
    """A verdict on one criterion. Not assessed is never the same as fails."""

    MEETS = "meets"
    PARTLY = "partly"
    FAILS = "fails"
    NOT_ASSESSED = "not-assessed"
    # The evidence points both ways (a community's verdict exported upstream may say so).
    CONTESTED = "contested"


class CriterionRating(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """An organization's verdict on one criterion, with its evidence."""

    criterion: Annotated[int, msgspec.Meta(ge=1, le=10)]
    verdict: Rating
    note: ShortText
    evidence: list[Url] = []
    sources: SourceIds


class Organization(_Entry, frozen=True, kw_only=True):
    """An organization the sources name, and what they say about it."""

    name: ShortText
    aliases: list[ShortText] = []
    kind: OrgKind
    location: ShortText | None = None
    website: Url | None = None
    # The US registry id (IRS EIN, 9 digits), linking the card to the imported directory.
    ein: Annotated[str, msgspec.Meta(pattern=r"^\d{9}$")] | None = None
    summary: Text
    ratings: list[CriterionRating] = []
    views: list[View] = []
