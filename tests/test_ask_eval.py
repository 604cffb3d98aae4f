"""/ask measured on the shipped knowledge base: the shared eval set, our own paraphrases, and the
two halves of the issue-14 evaluation (tests/data/ask_tune.toml, tests/data/ask_heldout.toml).

An answer is acceptable when any one of ``expect`` (case-insensitive) appears in the answer's
title or its full rendered text; a case with ``expect = []`` is off-topic and must get no answer.
The halves are scored by :mod:`bot.knowledge.evaluation`, which also routes organization
questions to the /rate matcher, exactly as the command does.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.knowledge import evaluation
from bot.knowledge.loader import ENTRY_FILES, Knowledge, load_knowledge
from bot.knowledge.present import present_entry
from bot.knowledge.route import RouteKind
from bot.knowledge.search import SearchIndex
from bot.orgs.index import OrgIndex, org_records

ROOT = Path(__file__).resolve().parents[1]
KNOWLEDGE = ROOT / "knowledge"
PARAPHRASES = Path(__file__).parent / "data" / "ask_paraphrases.toml"
TUNE = Path(__file__).parent / "data" / "ask_tune.toml"
HELD_OUT = Path(__file__).parent / "data" / "ask_heldout.toml"
FIRST_BLIND = Path(__file__).parent / "data" / "ask_fresh.toml"
SECOND_BLIND = Path(__file__).parent / "data" / "ask_blind2.toml"
THIRD_BLIND = Path(__file__).parent / "data" / "ask_blind3.toml"
FOURTH_BLIND = Path(__file__).parent / "data" / "ask_blind4.toml"
FIFTH_BLIND = Path(__file__).parent / "data" / "ask_blind5.toml"
SIXTH_BLIND = Path(__file__).parent / "data" / "ask_blind6.toml"
OFF_TOPIC_PROBE = Path(__file__).parent / "data" / "ask_off_topic_probe.toml"
ORG_WORDINGS = Path(__file__).parent / "data" / "ask_org_wordings.toml"


def _shared_eval() -> Path | None:
    """The shared eval set: $VETBOT_SHARED, the shared/ folder beside the repo, or /work/shared."""
    candidates = [
        Path(os.environ["VETBOT_SHARED"]) if "VETBOT_SHARED" in os.environ else None,
        ROOT.parent / "shared",
        Path("/work/shared"),
    ]
    for shared in candidates:
        if shared is not None and (shared / "eval" / "questions.toml").is_file():
            return shared / "eval" / "questions.toml"
    return None


@dataclass(frozen=True)
class Case:
    question: str
    expect: tuple[str, ...]


def _cases(path: Path, table: str = "case") -> list[Case]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [Case(c["q"], tuple(c.get("expect", []))) for c in data.get(table, [])]


@pytest.fixture(scope="module")
def shipped() -> tuple[Knowledge, SearchIndex]:
    missing = [f for f, _, _ in ENTRY_FILES.values() if not (KNOWLEDGE / f).is_file()]
    if missing:
        pytest.skip(f"knowledge files not written yet: {', '.join(missing)}")
    knowledge = load_knowledge(KNOWLEDGE)
    return knowledge, SearchIndex.build(knowledge)


def judge(knowledge: Knowledge, index: SearchIndex, case: Case) -> tuple[bool, str]:
    """(acceptable?, what was answered) for one case."""
    answer = index.answer(case.question)
    if answer.best is None:
        return not case.expect, "no answer"
    if not case.expect:
        return False, f"answered off-topic with {answer.best.kind}:{answer.best.id}"
    data = present_entry(knowledge, answer.best.kind, answer.best.id).data
    haystack = f"{data['title']}\n{data['text']}".casefold()
    ok = any(word.casefold() in haystack for word in case.expect)
    return ok, f"{answer.best.kind}:{answer.best.id} ({answer.best.score:.2f})"


def _pass_rate(
    knowledge: Knowledge, index: SearchIndex, cases: list[Case]
) -> tuple[float, list[str]]:
    failures = []
    for case in cases:
        ok, got = judge(knowledge, index, case)
        if not ok:
            failures.append(f"{case.question!r} -> {got}; expected one of {list(case.expect)}")
    return 1 - len(failures) / max(len(cases), 1), failures


def test_shared_eval_set(shipped: tuple[Knowledge, SearchIndex]) -> None:
    path = _shared_eval()
    if path is None:
        pytest.skip("shared eval set (shared/eval/questions.toml) not found")
    cases = _cases(path)
    answerable = [c for c in cases if c.expect]
    off_topic = [c for c in cases if not c.expect]
    rate, failures = _pass_rate(*shipped, answerable)
    assert rate >= 0.95, "\n".join(failures)
    _, off_failures = _pass_rate(*shipped, off_topic)
    assert not off_failures, "\n".join(off_failures)


def test_paraphrases(shipped: tuple[Knowledge, SearchIndex]) -> None:
    cases = _cases(PARAPHRASES)
    assert len(cases) >= 30
    rate, failures = _pass_rate(*shipped, cases)
    assert rate >= 0.9, "\n".join(failures)


def test_off_topic_questions_are_never_answered(shipped: tuple[Knowledge, SearchIndex]) -> None:
    cases = _cases(PARAPHRASES, "offtopic")
    assert len(cases) >= 15
    _, failures = _pass_rate(*shipped, cases)
    assert not failures, "\n".join(failures)


def test_held_out_questions_are_never_answered_wrongly(
    shipped: tuple[Knowledge, SearchIndex],
) -> None:
    """Held-out wordings: "I don't know" is allowed (at most 40%), a wrong answer is not."""
    knowledge, index = shipped
    cases = _cases(PARAPHRASES, "holdout")
    wrong, unanswered = [], 0
    for case in cases:
        if index.answer(case.question).best is None:
            unanswered += 1
            continue
        ok, got = judge(knowledge, index, case)
        if not ok:
            wrong.append(f"{case.question!r} -> {got}; expected one of {list(case.expect)}")
    assert not wrong, "\n".join(wrong)
    assert unanswered <= 0.4 * len(cases)


@pytest.fixture(scope="module")
def orgs(shipped: tuple[Knowledge, SearchIndex]) -> OrgIndex:
    return OrgIndex.build(org_records(shipped[0]))


def _score(shipped: tuple[Knowledge, SearchIndex], orgs: OrgIndex, path: Path) -> evaluation.Score:
    knowledge, index = shipped
    cases = evaluation.load_cases(path)
    return evaluation.score(knowledge, cases, lambda q: evaluation.route(index, orgs, q))


def test_the_evaluation_is_big_enough_and_split() -> None:
    tune, held_out = evaluation.load_cases(TUNE), evaluation.load_cases(HELD_OUT)
    both = tune + held_out
    assert len(both) >= 200
    assert sum(c.kind == "offtopic" for c in both) >= 50
    assert sum(c.kind == "org" for c in both) >= 25
    # Never the same question in both halves.
    assert not {c.question for c in tune} & {c.question for c in held_out}


def test_tune_half(shipped: tuple[Knowledge, SearchIndex], orgs: OrgIndex) -> None:
    """The half the rule was tuned on: floors at what it reached (see bench_ask --compare).

    It includes four rounds of fresh questions run only after they were written; those answer
    far less well than the rest, so the wrong-answer floor is above the issue's 2%. The floors
    are the lexical rule's (82.2%, 7 wrong of 275); the semantic tie-break, when installed,
    reaches 84.7%.
    """
    result = _score(shipped, orgs, TUNE)
    report = "\n".join(result.failures)
    assert result.off_topic_answered == 0, report
    assert result.ok_rate >= 0.82, report
    assert result.wrong_rate <= 0.03, report


def test_an_entry_named_word_for_word_is_weighed_however_low_its_words_rank_it(
    shipped: tuple[Knowledge, SearchIndex],
) -> None:
    """ "rights not rescue" is a term's name: the other words ("groups", "posting") rank other
    entries above it, but a question that says the name is about it."""
    _, index = shipped
    question = "my feed is full of sex worker groups posting rights not rescue, whats that about"
    answer = index.answer(question)
    assert answer.best is not None
    assert answer.best.id == "rights-not-rescue"


def test_held_out_half(shipped: tuple[Knowledge, SearchIndex], orgs: OrgIndex) -> None:
    """Never tuned on: regression floors only, at the level measured when the rule was chosen.

    Short of the issue's 95% acceptable (at most 2% wrong is met); see the README's table.
    """
    result = _score(shipped, orgs, HELD_OUT)
    report = "\n".join(result.failures)
    assert result.off_topic_answered == 0, report
    assert result.ok_rate >= 0.88, report
    assert result.wrong_rate <= 0.02, report


# The blind sets seen since their failures were read (on 2026-12-03; each only once a newer one
# had been written to take its place as the forecast): floors at the lexical rule's level,
# which the semantic extra only raises. Blinds 7, 8 and 9 are never floors: only their totals
# are printed.
SEEN_BLIND_FLOORS = [
    # 117/150, 8 wrong (the extra: 128/150, 7 wrong). Without the extra one off-topic question
    # is still answered ("how many people live in the us" shares two words with an entry, one
    # of them distinctive; the extra's meaning check keeps it out): recorded, not hidden.
    pytest.param(FIRST_BLIND, 1, 0.76, 0.055, id="first"),
    # 146/191, 11 wrong, no off-topic answer (the extra: 159/191, 9 wrong).
    pytest.param(SECOND_BLIND, 0, 0.74, 0.07, id="second"),
    # 127/162, 9 wrong, no off-topic answer (the extra: 138/162, 8 wrong).
    pytest.param(THIRD_BLIND, 0, 0.75, 0.065, id="third"),
    # 114/162, 8 wrong; the extra: 128/162 but 14 wrong, its hedges are right only a little
    # over half the time on these wordings, so this bound is the extra's. Two off-topic
    # questions are answered either way ("signs of depression in teenagers" gets the myth about
    # lists of signs; "we only use 10% of our brain, myth or real?" a hedged criterion 10):
    # recorded, not hidden.
    pytest.param(FOURTH_BLIND, 2, 0.68, 0.095, id="fourth"),
    # Read on 2026-12-03, once blind 8 was written: 108/162, 6 wrong, no off-topic answer (the
    # extra: 123/162, 7 wrong). Most of what was read were organization questions missed.
    pytest.param(FIFTH_BLIND, 0, 0.65, 0.045, id="fifth"),
    # Read on 2026-12-03, once blind 9 was written: 124/169, 9 wrong, 3 off-topic questions
    # answered (the extra: 144/169, 4 wrong, 3 off-topic); after the fixes read from it,
    # 132/169, 7 wrong (the extra: 151/169, 2 wrong, 1 off-topic). The three off-topic answers
    # ("how do i get a job at a nonprofit with no experience", rescuing plants and a sourdough
    # starter) are recorded, not hidden.
    pytest.param(SIXTH_BLIND, 3, 0.77, 0.045, id="sixth"),
    # The off-topic probe: 591 questions of subjects the base does not cover, never learnt from
    # (knowledge/off_topic.toml holds the rest). 15 are answered without the extra; with it, 13
    # (its meaning alone would answer 17, its off-topic classifier refuses 4).
    pytest.param(OFF_TOPIC_PROBE, 15, 0.0, 0.0, id="off-topic-probe"),
]


@pytest.mark.parametrize(("path", "off_topic_max", "ok_min", "wrong_max"), SEEN_BLIND_FLOORS)
def test_seen_blind_set(
    shipped: tuple[Knowledge, SearchIndex],
    orgs: OrgIndex,
    path: Path,
    off_topic_max: int,
    ok_min: float,
    wrong_max: float,
) -> None:
    result = _score(shipped, orgs, path)
    report = "\n".join(result.failures)
    assert result.off_topic_answered <= off_topic_max, report
    assert result.ok_rate >= ok_min, report
    assert result.wrong_rate <= wrong_max, report


def test_organization_wordings(shipped: tuple[Knowledge, SearchIndex], orgs: OrgIndex) -> None:
    """50 wordings written blind (ask_org_wordings.toml), each asked with every known
    organization's name, lowercase name and first two aliases (6,750 questions), and with 15
    unknown names (750): the card, or "I don't know that organization". At the end of the
    round that added them, 146 and 91 misses (135 of the first are "would u reccomend it?",
    left out because "recommend" is a hotel word too), 146 and 76 a round later; the floors
    leave a little room."""
    knowledge, index = shipped
    data = tomllib.loads(ORG_WORDINGS.read_text(encoding="utf-8"))
    known_misses, asked = [], 0
    for record in knowledge.orgs.values():
        for name in [record.name, record.name.lower(), *record.aliases[:2]]:
            for wording in data["wordings"]:
                question = wording.replace("{n}", name)
                decision = evaluation.route(index, orgs, question)
                asked += 1
                if decision.kind is not RouteKind.ORG or decision.orgs[0].id != record.id:
                    known_misses.append(question)
    unknown_misses = [
        question
        for name in data["unknown"]
        for wording in data["wordings"]
        if evaluation.route(index, orgs, question := wording.replace("{n}", name)).kind
        is not RouteKind.UNKNOWN_ORG
    ]
    assert len(known_misses) <= 0.025 * asked, known_misses[:20]
    assert len(unknown_misses) <= 0.13 * len(data["unknown"]) * len(data["wordings"]), (
        unknown_misses[:20]
    )
