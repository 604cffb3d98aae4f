"""Retrieval on a small in-test knowledge base: typos, spelling variants, numbers, thresholds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.knowledge.loader import Knowledge
from bot.knowledge.models import Criterion, Myth, Source, Term, Topic
from bot.knowledge.present import present_entry
from bot.knowledge.search import ANSWER_THRESHOLD, Answer, SearchIndex, analyze
from bot.knowledge.text import normalize_numbers, stem, terms

REVIEWED = "2024-05-01"


def _src(**kw: Any) -> dict[str, Any]:
    return {"sources": ["article"], "reviewed": REVIEWED, **kw}


CRITERIA = [
    _src(
        id=f"criterion-{n}",
        number=n,
        title=title,
        question=question,
        why="Because it shows what the organization values.",
        green_flags=["Clear answers"],
        red_flags=["Vague answers"],
        how_to_check=["Read their annual report"],
    )
    for n, title, question in [
        (1, "Who runs it?", "Are people with lived experience in leadership?"),
        (2, "Decriminalization", "Do they support the decriminalization of sex work?"),
        (3, "Where the money goes", "Are their finances and salaries transparent?"),
        (4, "Language", "How do they talk about people who sell sex?"),
        (5, "Narratives", "What story do they tell in their campaigns?"),
        (6, "The actual work", "What does their day-to-day work involve?"),
        (7, "Victim services", "Do their services come with strings attached?"),
        (8, "Immigration", "Where do they stand on immigration and deportation?"),
        (9, "Reputation", "Have there been allegations of abuse?"),
        (10, "Statistics", "Are the numbers they use accurate and cited?"),
    ]
]

MYTHS = [
    _src(
        id="super-bowl",
        title="The Super Bowl causes a spike in trafficking",
        aliases=["superbowl"],
        claim="Sex trafficking spikes around the Super Bowl every year.",
        verdict="false",
        short="Studies looking for a spike found none.",
        explanation="The claim is repeated by campaigns every year without evidence.",
        keywords=["sporting events"],
    ),
    _src(
        id="800000-children",
        title="800,000 children a year are trafficked",
        claim="800,000 children go missing into trafficking every year.",
        verdict="misleading",
        short="The figure counts every missing child report, mostly runaways.",
        explanation="It comes from a 1999 count of missing child reports.",
        numbers=[
            {
                "value": "800,000",
                "meaning": "missing child reports in 1999",
                "origin": "Department of Justice survey",
                "source": "article",
            }
        ],
    ),
    _src(
        id="ncmec-numbers",
        title="NCMEC numbers count trafficked children",
        claim="The National Center for Missing and Exploited Children reports show trafficking.",
        verdict="misleading",
        short="Tip-line reports are not confirmed cases.",
        explanation="Most reports are about runaways; few are trafficking.",
    ),
    _src(
        id="dhs-victims",
        title="Hundreds of thousands are trafficked every year",
        claim="Huge numbers of victims are found each year.",
        verdict="exaggerated",
        short="The Department of Homeland Security (DHS) identified 428 victims in 2019.",
        explanation="Confirmed cases are far fewer than the viral figures.",
    ),
]

TERMS = [
    _src(
        id="swerf",
        name="SWERF",
        aliases=["sex worker exclusionary radical feminist"],
        definition="A feminist who excludes sex workers from feminism.",
    ),
    _src(
        id="decriminalization",
        name="Decriminalization",
        aliases=["decrim"],
        definition="Removing criminal penalties for selling and buying sex.",
        note="Not the same as legalization, which regulates it.",
        see_also=["nordic-model"],
    ),
    _src(
        id="nordic-model",
        name="Nordic model",
        aliases=["end demand", "Swedish model"],
        definition="Criminalizing the buying of sex but not the selling.",
    ),
    _src(
        id="fosta-sesta",
        name="FOSTA/SESTA",
        definition="2018 US laws holding websites liable for sex work advertising.",
    ),
]

TOPICS = [
    _src(
        id="trauma-informed-care",
        title="Trauma-informed care",
        aliases=["trauma informed"],
        summary="Care built on safety, trustworthiness and peer support.",
        points=["Safety and harm reduction", "Empowerment, voice and choice"],
        views=[{"source": "article", "position": "Police partnership is a risk."}],
    ),
]


def make_knowledge(
    criteria: list[dict[str, Any]] = CRITERIA,
    myths: list[dict[str, Any]] = MYTHS,
    terms_: list[dict[str, Any]] = TERMS,
    topics: list[dict[str, Any]] = TOPICS,
) -> Knowledge:
    """A small validated-shape knowledge base built straight from dicts."""
    source = msgspec.convert(
        {
            "id": "article",
            "title": "An article",
            "author": "Someone",
            "year": "2020",
            "url": "https://example.org/article",
            "short": "Someone 2020",
            "reviewed": REVIEWED,
        },
        Source,
    )

    def by_id(raws: list[dict[str, Any]], schema: type) -> dict[str, Any]:
        return {r["id"]: msgspec.convert(r, schema) for r in raws}

    return Knowledge(
        path=Path("."),
        sources={"article": source},
        criteria=by_id(criteria, Criterion),
        myths=by_id(myths, Myth),
        terms=by_id(terms_, Term),
        topics=by_id(topics, Topic),
        orgs={},
        loaded_at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC),
    )


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.build(make_knowledge())


def best_id(index: SearchIndex, question: str) -> str | None:
    answer = index.answer(question)
    return answer.best.id if answer.best else None


# -- normalization ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("800k", "800000"),
        ("800,000", "800000"),
        ("800 000", "800000"),
        ("1.5 million", "1500000"),
        ("800 thousand", "800000"),
        ("in 2019, 428 victims", "in 2019, 428 victims"),
    ],
)
def test_numbers_are_written_one_way(text: str, expected: str) -> None:
    assert normalize_numbers(text) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("decriminalisation", "decriminalization"),
        ("decriminalised", "decriminalize"),
        ("organisations", "organization"),
        ("behaviour", "behavior"),
        ("finances", "financial"),
        ("traffickers", "trafficking"),
        ("families", "family"),
        ("programmes", "program"),
        ("prevention", "prevent"),
        ("exploitation", "exploited"),
        ("protection", "protects"),
        ("coercion", "coerced"),
    ],
)
def test_spelling_and_inflection_variants_share_a_stem(a: str, b: str) -> None:
    assert stem(a) == stem(b)


def test_stopwords_are_dropped() -> None:
    assert terms("What is the Nordic model?") == ["nordic", "model"]


def test_chat_shorthand_carries_no_topic() -> None:
    assert terms("tbh idk why ppl say the nordic model works lol") == ["nordic", "model", "work"]
    assert terms("what r htics n why") == ["htic"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the 3rd tenet", ["3", "tenet"]),
        ("the third tenet", ["3", "tenet"]),
        ("the 10th criterion", ["10", "criterion"]),
        # A spelled ordinal is a number only before what it numbers.
        ("the first time", ["first", "time"]),
    ],
)
def test_ordinals_read_as_the_numbers_entries_are_named_by(text: str, expected: list[str]) -> None:
    assert terms(text) == expected


@pytest.mark.parametrize("age", ["a 16 year old", "my 15yo", "a 17-year-old", "12 yrs old"])
def test_an_age_under_18_reads_as_child(age: str) -> None:
    assert "child" in analyze(f"can {age} consent")


def test_an_age_of_18_or_more_is_just_a_number() -> None:
    assert "child" not in analyze("can an 18 year old consent")


def test_an_entrys_questions_are_matched_but_never_shown() -> None:
    """The ways members ask about an entry find it, and stay out of what is shown."""
    topic = _src(
        id="where-money-goes",
        title="Following the money",
        summary="Look at the annual report.",
        questions=["where do my donations actually end up"],
    )
    knowledge = make_knowledge(topics=[*TOPICS, topic])
    index = SearchIndex.build(knowledge)
    assert [h.id for h in index.search("donations end up")][:1] == ["where-money-goes"]
    shown = present_entry(knowledge, "topics", "where-money-goes").data
    assert "donations" not in f"{shown['title']} {shown['text']}"


def test_acronyms_and_spelled_out_names_meet() -> None:
    assert "ncmec" in analyze("National Center for Missing and Exploited Children")
    assert "dhs" in analyze("the Department of Homeland Security said")
    assert "swerf" in analyze("sex worker exclusionary radical feminists")


# -- answer() -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Does the Super Bowl cause trafficking?", "super-bowl"),
        ("superbowl trafficking", "super-bowl"),
        ("the supr bowl trafficing thing", "super-bowl"),  # typos
        ("is 800k kids a year true", "800000-children"),
        ("800,000 children", "800000-children"),
        ("800000 missing children every year", "800000-children"),
        ("are ncmec numbers reliable", "ncmec-numbers"),
        ("what did homeland security find in 2019", "dhs-victims"),
        ("dhs 428", "dhs-victims"),
        ("what's a swerf", "swerf"),
        ("What does decriminalisation mean?", "decriminalization"),
        ("decrim", "decriminalization"),
        ("what is the nordic modle", "nordic-model"),
        ("FOSTA", "fosta-sesta"),
        ("fosta/sesta", "fosta-sesta"),
        ("trauma informed care", "trauma-informed-care"),
    ],
)
def test_answers_colloquial_questions(index: SearchIndex, question: str, expected: str) -> None:
    assert best_id(index, question) == expected


@pytest.mark.parametrize(
    "question",
    [
        "What is criterion 2?",
        "criterion 2",
        "criteria #2",
        "whats criterion two",
        "the second criterion",
        "Criterion no. 2",
    ],
)
def test_criterion_number_resolves_to_that_criterion(index: SearchIndex, question: str) -> None:
    answer = index.answer(question)
    assert answer.best is not None
    assert answer.best.id == "criterion-2"
    assert answer.best.score == 1.0


@pytest.mark.parametrize(
    "question",
    [
        "What's the weather in Paris tomorrow?",
        "how do I bake bread",
        "who won the game last night",
        "how do I reverse a list in python",
        "who is the president",
        "",
        "???",
        "the",
    ],
)
def test_off_topic_questions_get_no_answer(index: SearchIndex, question: str) -> None:
    answer = index.answer(question)
    assert answer.best is None
    assert len(answer.suggestions) <= 3


def test_answer_gives_at_most_three_suggestions_never_the_best(index: SearchIndex) -> None:
    answer = index.answer("children trafficking numbers every year")
    assert isinstance(answer, Answer)
    assert len(answer.suggestions) <= 3
    if answer.best:
        assert all(h.id != answer.best.id for h in answer.suggestions)


def test_scores_are_confidences_and_sorted(index: SearchIndex) -> None:
    hits = index.search("trafficking children numbers", limit=10)
    assert hits
    assert all(0.0 <= h.score <= 1.0 for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len(index.search("trafficking", limit=2)) <= 2


def test_below_threshold_means_no_best(index: SearchIndex) -> None:
    for question in ("campaigns", "runaways evidence", "annual report"):
        hits = index.search(question, limit=1)
        answer = index.answer(question)
        if hits and hits[0].score < ANSWER_THRESHOLD:
            assert answer.best is None
        elif hits:
            assert answer.best == hits[0]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_answer_never_crashes(question: str) -> None:
    index = _SHARED_INDEX
    answer = index.answer(question)
    assert answer.best is None or answer.best.score >= ANSWER_THRESHOLD
    assert len(answer.suggestions) <= 3


_SHARED_INDEX = SearchIndex.build(make_knowledge())


# -- complete() and resolve() ---------------------------------------------------------------


def test_complete_empty_text_lists_entries_in_file_order(index: SearchIndex) -> None:
    assert [h.id for h in index.complete("criteria", "")] == [
        f"criterion-{n}" for n in range(1, 11)
    ]
    assert index.complete("myths", "")[0].id == "super-bowl"


def test_complete_is_capped_at_25() -> None:
    many = [
        _src(
            id=f"term-{i}",
            name=f"Term number {i}",
            definition="A word.",
        )
        for i in range(60)
    ]
    index = SearchIndex.build(make_knowledge(terms_=many))
    assert len(index.complete("terms", "")) == 25
    assert len(index.complete("terms", "term")) == 25
    assert len(index.complete("terms", "term", limit=100)) == 25
    assert len(index.complete("terms", "term", limit=3)) == 3


def test_complete_prefix_comes_first(index: SearchIndex) -> None:
    hits = index.complete("terms", "no")
    assert hits[0].id == "nordic-model"
    hits = index.complete("myths", "sup")
    assert hits[0].id == "super-bowl"


def test_complete_tolerates_typos(index: SearchIndex) -> None:
    assert index.complete("terms", "decriminalisation")[0].id == "decriminalization"
    assert index.complete("terms", "nordik model")[0].id == "nordic-model"
    assert index.complete("myths", "superbowl")[0].id == "super-bowl"


def test_complete_criteria_by_number(index: SearchIndex) -> None:
    assert index.complete("criteria", "2")[0].id == "criterion-2"
    assert index.complete("criteria", "criterion 10")[0].id == "criterion-10"
    assert index.complete("criteria", "money")[0].id == "criterion-3"


def test_complete_unknown_kind_is_empty(index: SearchIndex) -> None:
    assert index.complete("orgs", "x") == []


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("criteria", "criterion-2", "criterion-2"),
        ("criteria", "2", "criterion-2"),
        ("criteria", "#2", "criterion-2"),
        ("criteria", "criterion 2", "criterion-2"),
        ("criteria", "Decriminalization", "criterion-2"),
        ("myths", "super-bowl", "super-bowl"),
        ("myths", "superbowl", "super-bowl"),
        ("myths", "myths:super-bowl", "super-bowl"),
        ("terms", "SWERF", "swerf"),
        ("terms", "swerfs", "swerf"),
        ("terms", "end demand", "nordic-model"),
        ("terms", "Swedish model", "nordic-model"),
        ("terms", "decriminalisation", "decriminalization"),
        ("topics", "trauma informed", "trauma-informed-care"),
    ],
)
def test_resolve(index: SearchIndex, kind: str, text: str, expected: str) -> None:
    hit = index.resolve(kind, text)
    assert hit is not None
    assert (hit.kind, hit.id) == (kind, expected)


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("criteria", "11"),
        ("criteria", "criterion 0"),
        ("terms", "banana bread"),
        ("terms", ""),
        ("myths", "swerf"),  # a term, not a myth
        ("orgs", "anything"),
    ],
)
def test_resolve_rejects_what_is_not_there(index: SearchIndex, kind: str, text: str) -> None:
    assert index.resolve(kind, text) is None


def test_question_that_is_an_entry_title_is_answered_even_with_common_words() -> None:
    myths = [
        *MYTHS,
        _src(
            id="all-sex-work-is-trafficking",
            title="All sex work is trafficking",
            claim="Every person who sells sex is trafficked.",
            verdict="false",
            short="Sex work and trafficking are different things.",
            explanation="Conflating them hurts both sex workers and trafficking victims.",
        ),
    ]
    index = SearchIndex.build(make_knowledge(myths=myths))
    assert best_id(index, "is all sex work trafficking") == "all-sex-work-is-trafficking"
    # Sharing common words with a title is not the same as asking about it.
    assert best_id(index, "how do I find sex work jobs in paris") is None
