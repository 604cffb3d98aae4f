"""Property tests: whatever people type, matching answers within its contract and never raises."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.orgs import Candidate, OrgIndex, OrgMatch, OrgRecord, Outcome
from bot.orgs.normalize import MAX_CHARS, normalize

RECORDS = [
    OrgRecord("operation-underground-railroad", "Operation Underground Railroad", ("O.U.R.",)),
    OrgRecord("freedom-network-usa", "Freedom Network USA", ("FNUSA",)),
    OrgRecord("freedom-fund", "The Freedom Fund"),
    OrgRecord("hacking-hustling", "Hacking//Hustling"),
    OrgRecord("decrimny", "DecrimNY", ("Decrim NY",)),
    OrgRecord("fundacion", "Fundación Esperanza"),
    OrgRecord("amnesty", "Amnesty International", ("Amnesty",)),
    *(OrgRecord(f"hope-{i}", f"Hope House {i}") for i in range(40)),
]
INDEX = OrgIndex.build(RECORDS)
NAMES = [r.name for r in RECORDS] + [a for r in RECORDS for a in r.aliases]

any_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.sampled_from(["", " ", "\t\n", "🦄", "&", "//", "...", "the", "The the", "ẞ", "ǅ"]),
    st.builds(
        lambda c, n: c * n, st.sampled_from(["a", "é", "🦄", "x y ", "."]), st.integers(0, 10_000)
    ),
    # Names people know, mangled: cut, re-cased, with extra characters.
    st.builds(
        lambda name, cut, extra: name[: max(1, cut)].swapcase() + extra,
        st.sampled_from(NAMES),
        st.integers(0, 40),
        st.text(max_size=5),
    ),
)

relaxed = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_candidates(candidates: list[Candidate]) -> None:
    ids = {r.id for r in RECORDS}
    for candidate in candidates:
        assert candidate.id in ids
        assert 0.0 <= candidate.score <= 100.0
        assert candidate.matched


@relaxed
@given(any_text)
def test_lookup_always_answers_within_contract(text: str) -> None:
    found = INDEX.lookup(text)
    assert isinstance(found, OrgMatch)
    assert len(found.candidates) <= 5
    _check_candidates(found.candidates)
    if found.outcome is Outcome.MATCH:
        assert found.best is not None and found.candidates[0] == found.best
    else:
        assert found.best is None
    if found.outcome is Outcome.AMBIGUOUS:
        assert len({c.id for c in found.candidates}) >= 2


@relaxed
@given(any_text, st.integers(-5, 100))
def test_complete_never_exceeds_limit(text: str, limit: int) -> None:
    found = INDEX.complete(text, limit)
    assert len(found) <= max(0, min(limit, 25))
    assert len({c.id for c in found}) == len(found), "one suggestion per organization"
    _check_candidates(found)


@relaxed
@given(any_text)
def test_normalize_is_idempotent_and_bounded(text: str) -> None:
    once = normalize(text)
    assert len(once) <= MAX_CHARS
    assert normalize(once) == once or once.startswith("the ")  # "the the x" loses one "the"
    assert once == once.strip() and "  " not in once


@relaxed
@given(st.sampled_from(RECORDS), st.sampled_from([str.upper, str.lower, str.title]))
def test_every_name_finds_itself_in_any_case(record: OrgRecord, case) -> None:  # type: ignore[no-untyped-def]
    found = INDEX.lookup(case(record.name))
    assert found.outcome is Outcome.MATCH
    assert found.best is not None and found.best.id == record.id


@relaxed
@given(st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=20), any_text)
def test_any_records_build_and_answer(names: list[str], query: str) -> None:
    index = OrgIndex.build(OrgRecord(f"org-{i}", name) for i, name in enumerate(names))
    assert len(index) == len(names)
    found = index.lookup(query)
    assert len(found.candidates) <= 5
    assert len(index.complete(query)) <= 25


@pytest.mark.parametrize("limit", [0, 1, 25, 26, 1000])
def test_empty_text_lists_first_names(limit: int) -> None:
    found = INDEX.complete("", limit)
    assert len(found) == min(max(limit, 0), 25)
    names = [c.name.casefold() for c in found]
    assert names == sorted(names)
