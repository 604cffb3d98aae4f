"""The small records search hands out: a matching entry, an answer, and internal evidence."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Answer", "Doc", "Hit", "Scored"]


@dataclass(frozen=True)
class Hit:
    """One entry that matches, with a score: confidence 0-1 for questions, 0-100 for completion."""

    kind: str  # "criteria" | "myths" | "terms" | "topics"
    id: str
    title: str
    score: float


@dataclass(frozen=True)
class Scored:
    """A ranked entry with the evidence the answering rule weighs."""

    hit: Hit
    bm25: float
    matched: int  # question subject words found in the entry
    subjects: int  # subject words in the question
    named: bool  # a subject word is in the entry's name
    distinct: bool  # ... and it is a distinctive word (in few entries)
    name_match: bool  # the question is (nearly) the entry's name or an alias
    unknown: float  # share of the question's weight in words the knowledge base never uses
    foreign: int = 0  # subject words, not common in the base, that the entry does not match
    rare: int = 0  # distinctive subject words (in few entries) in its name or strong text


@dataclass(frozen=True)
class Answer:
    """The entry that answers a question (None when nothing does) and ≤3 related.

    ``hedged`` marks an answer given on weaker evidence because one entry is clearly the best
    fit: it is shown as "probably this", never as a sure answer.
    """

    best: Hit | None
    suggestions: list[Hit]
    hedged: bool = False


@dataclass(frozen=True)
class Doc:
    kind: str
    id: str
    title: str
    names: tuple[str, ...]  # title/name/aliases/id, folded, for completion and resolve
    number: int | None
