"""Scoring ``/ask`` on question sets: the rule the tests and ``bench_ask --compare`` share.

A question set is TOML with three tables (see ``tests/data/ask_tune.toml``):

* ``[[case]]`` ``q`` and ``expect``: acceptable when any one of ``expect`` (case-insensitive) is
  in the answer's title or rendered text; an empty ``expect`` means off-topic;
* ``[[offtopic]]`` ``q``: must get no answer (no entry, no card);
* ``[[org]]`` ``q`` and ``org``: the rating card of ``org`` must be the reply; ``org = ""``
  means an organization we do not know: the reply must say so (and offer ``/report``).

Outcomes per question: ``ok``, ``refused`` (an honest "I don't know" where an answer was
expected), ``wrong`` (a wrong entry or card presented as the answer) and, for off-topic
questions, ``answered`` (any answer at all is a failure).
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.loader import Knowledge
from bot.knowledge.org_questions import mentioned_subject
from bot.knowledge.present import present_entry
from bot.knowledge.route import Route, RouteKind, decide
from bot.knowledge.search import SearchIndex
from bot.orgs.index import OrgIndex

__all__ = ["Case", "Outcome", "Score", "judge", "load_cases", "route", "score"]


@dataclass(frozen=True)
class Case:
    """One question and what an acceptable reply is."""

    question: str
    kind: str  # "case" | "offtopic" | "org"
    expect: tuple[str, ...] = ()
    org: str | None = None  # for kind "org": the id, or "" for an unknown organization


def load_cases(path: Path) -> list[Case]:
    """Every question of a TOML question set, in file order."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    cases = [
        Case(c["q"], "case" if c.get("expect") else "offtopic", tuple(c.get("expect", [])))
        for c in data.get("case", [])
    ]
    cases += [Case(c["q"], "offtopic") for c in data.get("offtopic", [])]
    cases += [Case(c["q"], "org", org=c["org"]) for c in data.get("org", [])]
    return cases


def route(index: SearchIndex, orgs: OrgIndex, question: str) -> Route:
    """What ``/ask`` decides for ``question`` (the command's decision, looked up synchronously)."""
    answer = index.answer(question)
    subject = mentioned_subject(question, orgs.mentioned, answered=answer.best is not None)
    match = orgs.lookup(subject) if subject else None
    subject_answer = index.answer(subject) if subject else None
    return decide(answer, subject, match, subject_answer, question)


class Outcome:
    """Names of the outcomes (plain strings, for tables)."""

    OK = "ok"
    REFUSED = "refused"
    WRONG = "wrong"
    ANSWERED_OFF_TOPIC = "answered"


def _entry_text(knowledge: Knowledge, kind: str, entry_id: str) -> str:
    data = present_entry(knowledge, kind, entry_id).data
    return f"{data['title']}\n{data['text']}".casefold()


def judge(knowledge: Knowledge, case: Case, decision: Route) -> tuple[str, str]:
    """(outcome, what was replied) for one question."""
    best = decision.answer.best
    if decision.kind is RouteKind.ORG:
        got = f"card:{decision.orgs[0].id}"
    elif decision.kind is RouteKind.ENTRY and best is not None:
        hedge = ", hedged" if decision.answer.hedged else ""
        got = f"{best.kind}:{best.id} ({best.score:.2f}{hedge})"
    else:
        got = decision.kind.value
    answered = decision.kind in (RouteKind.ORG, RouteKind.ENTRY)
    if case.kind == "offtopic":
        return (Outcome.ANSWERED_OFF_TOPIC if answered else Outcome.OK), got
    if case.kind == "org":
        if case.org:
            if decision.kind is RouteKind.ORG:
                ok = decision.orgs[0].id == case.org
                return (Outcome.OK if ok else Outcome.WRONG), got
            if decision.kind is RouteKind.ORG_CHOICE:
                return Outcome.REFUSED, got
        else:
            if decision.kind is RouteKind.UNKNOWN_ORG:
                return Outcome.OK, got
            if decision.kind is RouteKind.NONE:
                return Outcome.REFUSED, got
        return (Outcome.WRONG if answered else Outcome.REFUSED), got
    if decision.kind is RouteKind.ENTRY and best is not None:
        text = _entry_text(knowledge, best.kind, best.id)
        ok = any(word.casefold() in text for word in case.expect)
        return (Outcome.OK if ok else Outcome.WRONG), got
    return (Outcome.WRONG if answered else Outcome.REFUSED), got


@dataclass(frozen=True)
class Score:
    """Counts of outcomes on one question set."""

    answerable: int  # case + org questions
    ok: int
    wrong: int
    refused: int
    off_topic: int
    off_topic_answered: int
    failures: tuple[str, ...]

    @property
    def ok_rate(self) -> float:
        return self.ok / max(self.answerable, 1)

    @property
    def wrong_rate(self) -> float:
        return self.wrong / max(self.answerable, 1)

    def row(self) -> str:
        """``ok/answerable (pct) · wrong · refused · off-topic answered``, for tables."""
        return (
            f"{self.ok:3}/{self.answerable:<3} {self.ok_rate:6.1%} {self.wrong:3} "
            f"{self.refused:4} {self.off_topic_answered:3}/{self.off_topic}"
        )


def score(knowledge: Knowledge, cases: list[Case], decide_one: Callable[[str], Route]) -> Score:
    """Score ``decide_one`` on ``cases``."""
    counts: Counter[tuple[bool, str]] = Counter()
    failures = []
    for case in cases:
        outcome, got = judge(knowledge, case, decide_one(case.question))
        counts[(case.kind == "offtopic", outcome)] += 1
        if outcome != Outcome.OK:
            want = case.expect or (f"card:{case.org}" if case.org else case.kind)
            failures.append(f"{outcome:8} {case.question!r} -> {got}; want {want}")
    off = sum(1 for c in cases if c.kind == "offtopic")
    return Score(
        answerable=len(cases) - off,
        ok=counts[(False, Outcome.OK)],
        wrong=counts[(False, Outcome.WRONG)],
        refused=counts[(False, Outcome.REFUSED)],
        off_topic=off,
        off_topic_answered=counts[(True, Outcome.ANSWERED_OFF_TOPIC)],
        failures=tuple(failures),
    )
