"""Organization matching: the eval set, the three outcomes, normalization and generalization."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.orgs import OrgIndex, OrgMatch, OrgRecord, Outcome, org_records
from bot.orgs.normalize import acronyms, normalize

ROOT = Path(__file__).resolve().parents[1]
KNOWLEDGE = ROOT / "knowledge"
EVAL_FILE = Path(os.environ.get("VETBOT_EVAL_DIR", "/work/shared/eval")) / "org_names.toml"

# Names like the ones members ask about, plus decoys that share words with them.
FIXTURE = [
    OrgRecord("operation-underground-railroad", "Operation Underground Railroad", ("O.U.R.",)),
    OrgRecord("swop-usa", "Sex Workers Outreach Project USA", ("SWOP", "SWOP-USA")),
    OrgRecord("decrim-ny", "DecrimNY", ("Decriminalize New York",)),
    OrgRecord("survived-and-punished", "Survived & Punished"),
    OrgRecord("hacking-hustling", "Hacking//Hustling"),
    OrgRecord("freedom-network-usa", "Freedom Network USA"),
    OrgRecord("national-survivor-network", "National Survivor Network"),
    OrgRecord("amnesty-international", "Amnesty International"),
    OrgRecord("anti-trafficking-review", "Anti-Trafficking Review"),
    OrgRecord("project-concern-international", "Project Concern International", ("PCI",)),
    OrgRecord("united-way", "United Way Worldwide", ("United Way",)),
    OrgRecord("international-justice-mission", "International Justice Mission", ("IJM",)),
    OrgRecord("polaris-project", "Polaris Project", ("Polaris",)),
    OrgRecord("freedom-fund", "The Freedom Fund"),
    OrgRecord("union-rescue-mission", "Union Rescue Mission"),
    OrgRecord("global-alliance", "Global Alliance Against Traffic in Women", ("GAATW",)),
    OrgRecord("la-strada", "La Strada International"),
    OrgRecord("red-umbrella-fund", "Red Umbrella Fund"),
    OrgRecord("exodus-cry", "Exodus Cry"),
    OrgRecord("thorn", "Thorn"),
    OrgRecord("ecpat", "ECPAT International", ("End Child Prostitution and Trafficking",)),
    OrgRecord("fundacion-esperanza", "Fundación Esperanza"),
]

EVAL_CASES = [  # a copy of the shared eval file, so the fixture test runs anywhere
    ("Operation Underground Railroad", ["operation underground railroad"]),
    ("O.U.R.", ["operation underground railroad"]),
    ("operation undergroud railroad", ["operation underground railroad"]),
    ("Sex Worker Outreach Project", ["swop", "sex worker outreach project"]),
    ("DecrimNY", ["decrimny"]),
    ("Survived and Punished", ["survived and punished"]),
    ("Hacking//Hustling", ["hacking//hustling"]),
    ("FNUSA", ["freedom network usa"]),
    ("NSN", ["national survivor network"]),
    ("Amnesty", ["amnesty international"]),
    ("Anti-Trafficking Review", ["anti-trafficking review"]),
    ("Project Concern", ["project concern international"]),
    ("United Way", ["united way"]),
    ("Totally Made Up Rescue Mission", []),
]


@pytest.fixture(scope="module")
def index() -> OrgIndex:
    return OrgIndex.build(FIXTURE)


def _names_of(records: list[OrgRecord], org_id: str) -> list[str]:
    record = next(r for r in records if r.id == org_id)
    return [record.name.casefold(), *(a.casefold() for a in record.aliases)]


def check_case(
    index: OrgIndex, records: list[OrgRecord], query: str, expect: list[str]
) -> OrgMatch:
    """Assert one eval case: the right organization, or none and no wrong name."""
    found = index.lookup(query)
    if not expect:
        assert found.outcome is Outcome.NONE, (query, found)
        assert found.best is None
        assert found.candidates == [], f"{query!r} names {found.candidates}"
        return found
    assert found.outcome is Outcome.MATCH, (query, found)
    assert found.best is not None
    names = _names_of(records, found.best.id)
    wanted = [e.casefold() for e in expect]
    # The eval's names are written loosely ("survived and punished" for "Survived & Punished").
    assert any(normalize(w) in {normalize(n) for n in names} or w in names for w in wanted), (
        query,
        found.best,
        names,
    )
    return found


def _load_eval() -> list[tuple[str, list[str]]]:
    data = tomllib.loads(EVAL_FILE.read_text(encoding="utf-8"))
    return [(case["q"], list(case["expect"])) for case in data["case"]]


# -- the eval set ---------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "expect"), EVAL_CASES)
def test_eval_cases_against_fixture(index: OrgIndex, query: str, expect: list[str]) -> None:
    check_case(index, FIXTURE, query, expect)


def test_shared_eval_file_against_fixture(index: OrgIndex) -> None:
    if not EVAL_FILE.is_file():
        pytest.skip(f"shared eval file {EVAL_FILE} not present")
    cases = _load_eval()
    assert cases, "the eval file has no cases"
    for query, expect in cases:
        check_case(index, FIXTURE, query, expect)


def test_shared_eval_file_against_knowledge_base() -> None:
    if not EVAL_FILE.is_file():
        pytest.skip(f"shared eval file {EVAL_FILE} not present")
    if not any((KNOWLEDGE / "organizations").glob("*.toml")):
        pytest.skip("knowledge/organizations/ has no organization files yet")
    from bot.knowledge.loader import load_knowledge

    records = org_records(load_knowledge(KNOWLEDGE))
    index = OrgIndex.build(records)
    failures = []
    for query, expect in _load_eval():
        try:
            check_case(index, records, query, expect)
        except AssertionError as exc:
            failures.append(f"{query!r}: {exc}")
    assert not failures, "\n".join(failures)


# -- normalization ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("O.U.R.", "our"),
        ("o.u.r", "our"),
        ("Hacking//Hustling", "hacking hustling"),
        ("Survived & Punished", "survived and punished"),
        ("The Freedom Fund", "freedom fund"),
        ("the", "the"),  # a lone "the" is kept: it is the whole query
        ("Fundación  Esperanza", "fundacion esperanza"),
        ("ÆRØ STRAẞE", "aero strasse"),
        ("Women's Fund", "womens fund"),
        ("Intl. Justice Mission", "international justice mission"),
        ("  \t\n ", ""),
        ("🦄🦄", ""),
    ],
)
def test_normalize(raw: str, normalized: str) -> None:
    assert normalize(raw) == normalized


def test_normalize_caps_length() -> None:
    assert len(normalize("a " * 10_000)) <= 200


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Freedom Network USA", {"fnusa"}),
        ("National Survivor Network", {"nsn"}),
        ("Global Alliance Against Traffic in Women", {"gaatw"}),
        ("Survived & Punished", set()),  # "sp": too short to be safe
        ("Thorn", set()),
    ],
)
def test_acronyms(name: str, expected: set[str]) -> None:
    assert acronyms(name) == expected


@pytest.mark.parametrize(
    ("query", "org_id"),
    [
        ("O.U.R.", "operation-underground-railroad"),
        ("our", "operation-underground-railroad"),
        ("decrim ny", "decrim-ny"),
        ("DECRIM-NY", "decrim-ny"),
        ("Survived and Punished", "survived-and-punished"),
        ("survived & punished", "survived-and-punished"),
        ("hacking hustling", "hacking-hustling"),
        ("HackingHustling", "hacking-hustling"),
        ("Freedom Fund", "freedom-fund"),
        ("the polaris project", "polaris-project"),
        ("Fundacion Esperanza", "fundacion-esperanza"),
        ("fundación esperanza", "fundacion-esperanza"),
        ("fnusa", "freedom-network-usa"),
        ("F.N.U.S.A.", "freedom-network-usa"),
    ],
)
def test_normalized_forms_match_exactly(index: OrgIndex, query: str, org_id: str) -> None:
    found = index.lookup(query)
    assert found.outcome is Outcome.MATCH, found
    assert found.best is not None and found.best.id == org_id
    assert found.best.score == 100.0


def test_exact_alias_reports_what_matched(index: OrgIndex) -> None:
    found = index.lookup("swop")
    assert found.best is not None
    assert found.best.matched == "SWOP"
    assert found.best.name == "Sex Workers Outreach Project USA"


# -- the three outcomes ---------------------------------------------------------------------


NEAR_TIES = [
    OrgRecord("fn-usa", "Freedom Network USA"),
    OrgRecord("fn-europe", "Freedom Network Europe"),
    OrgRecord("freedom-fund", "Freedom Fund"),
    OrgRecord("hope-house-denver", "Hope House Denver"),
    OrgRecord("hope-house-dallas", "Hope House Dallas"),
    OrgRecord("mercy-haven-dallas", "Mercy Haven Dallas"),
    OrgRecord("mercy-haven-dalles", "Mercy Haven Dalles"),
]


@pytest.fixture(scope="module")
def near_ties() -> OrgIndex:
    return OrgIndex.build(NEAR_TIES)


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("Freedom Network", {"fn-usa", "fn-europe"}),
        ("hope house", {"hope-house-denver", "hope-house-dallas"}),
        ("mercy haven dalls", {"mercy-haven-dallas", "mercy-haven-dalles"}),  # equal typos
        ("mercy haven", {"mercy-haven-dallas", "mercy-haven-dalles"}),
    ],
)
def test_ambiguous_offers_the_close_candidates(
    near_ties: OrgIndex, query: str, ids: set[str]
) -> None:
    found = near_ties.lookup(query)
    assert found.outcome is Outcome.AMBIGUOUS, found
    assert found.best is None
    assert {c.id for c in found.candidates} == ids


def test_ambiguous_never_offers_more_than_five() -> None:
    sides = ["North", "South", "East", "West", "Central", "Upper", "Lower"]
    records = [OrgRecord(f"c{i}", f"Clearwater Haven {side}") for i, side in enumerate(sides)]
    found = OrgIndex.build(records).lookup("Clearwater Haven")
    assert found.outcome is Outcome.AMBIGUOUS
    assert len(found.candidates) == 5


def test_exact_name_beats_a_longer_near_tie(near_ties: OrgIndex) -> None:
    found = near_ties.lookup("freedom fund")
    assert found.outcome is Outcome.MATCH
    assert found.best is not None and found.best.id == "freedom-fund"


def test_typo_with_a_clear_winner_matches(near_ties: OrgIndex) -> None:
    found = near_ties.lookup("Freedom Netwrok Europe")
    assert found.outcome is Outcome.MATCH
    assert found.best is not None and found.best.id == "fn-europe"


def test_shared_exact_name_is_ambiguous() -> None:
    index = OrgIndex.build([OrgRecord("a", "Hope House"), OrgRecord("b", "Hope-House")])
    found = index.lookup("hope house")
    assert found.outcome is Outcome.AMBIGUOUS
    assert {c.id for c in found.candidates} == {"a", "b"}


@pytest.mark.parametrize(
    "query",
    [
        "Totally Made Up Rescue Mission",
        "foundation",
        "rescue",
        "network",
        "project",
        "freedom",
        "International",
        "Save the Whales Society",
        "xq",
        "",
        "   ",
        "🦄🌈",
        "the",
    ],
)
def test_weak_or_unrelated_queries_are_none(index: OrgIndex, query: str) -> None:
    found = index.lookup(query)
    assert found.outcome is Outcome.NONE, found
    assert found.best is None


@pytest.mark.parametrize(
    ("query", "org_id"),
    [("Survivor Network", "national-survivor-network"), ("freedom network", "freedom-network-usa")],
)
def test_none_can_suggest_a_near_miss(index: OrgIndex, query: str, org_id: str) -> None:
    found = index.lookup(query)  # only two common words: a suggestion, not a match
    assert found.outcome is Outcome.NONE
    assert [c.id for c in found.candidates] == [org_id]


def test_duplicate_ids_keep_the_first_record() -> None:
    index = OrgIndex.build([OrgRecord("a", "Thorn"), OrgRecord("a", "Exodus Cry")])
    assert len(index) == 1
    assert index.lookup("exodus cry").outcome is Outcome.NONE


# -- generalization beyond the eval file ------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "org_id"),
    [
        ("operaton underground railroad", "operation-underground-railroad"),
        ("underground railroad operation", "operation-underground-railroad"),
        ("Railroad Underground", "operation-underground-railroad"),
        ("Amnesty Internatinal", "amnesty-international"),
        ("amnesty intl", "amnesty-international"),
        ("International Amnesty", "amnesty-international"),
        ("Polaris Projcet", "polaris-project"),
        ("polaris", "polaris-project"),
        ("Int'l Justice Mission", "international-justice-mission"),
        ("justice mission international", "international-justice-mission"),
        ("ijm", "international-justice-mission"),
        ("gaatw", "global-alliance"),
        ("global aliance against trafic in women", "global-alliance"),
        ("Sex Workers Outreach Proj USA", "swop-usa"),
        ("decrim nyy", "decrim-ny"),
        ("Decriminalise New York", "decrim-ny"),
        ("Hacking Hustlin", "hacking-hustling"),
        ("Survived Punished", "survived-and-punished"),
        ("La Strada", "la-strada"),
        ("red umbrela fund", "red-umbrella-fund"),
        ("Exodus", "exodus-cry"),
        ("Thorn", "thorn"),
        ("ecpat", "ecpat"),
        ("end child prostitution & trafficking", "ecpat"),
        ("national survivors network", "national-survivor-network"),
        ("Project Concern Intl", "project-concern-international"),
        ("concern", "project-concern-international"),
    ],
)
def test_generalization(index: OrgIndex, query: str, org_id: str) -> None:
    found = index.lookup(query)
    assert found.outcome is Outcome.MATCH, (query, found)
    assert found.best is not None and found.best.id == org_id


def test_candidates_are_capped_and_best_is_first(index: OrgIndex) -> None:
    for query in ("freedom", "international", "network usa", "mission", "project"):
        found = index.lookup(query)
        assert len(found.candidates) <= 5
        if found.best is not None:
            assert found.candidates[0] == found.best


# -- autocomplete ---------------------------------------------------------------------------


def test_complete_empty_lists_names_alphabetically(index: OrgIndex) -> None:
    names = [c.name for c in index.complete("", limit=5)]
    assert names == sorted((r.name for r in FIXTURE), key=str.casefold)[:5]


@pytest.mark.parametrize(
    ("text", "org_id"),
    [
        ("pol", "polaris-project"),
        ("amnes", "amnesty-international"),
        ("freedom n", "freedom-network-usa"),
        ("netw", "freedom-network-usa"),
        ("justice miss", "international-justice-mission"),
        ("poalris", "polaris-project"),
        ("ijm", "international-justice-mission"),
        ("decrim", "decrim-ny"),
    ],
)
def test_complete_finds_prefixes_and_typos(index: OrgIndex, text: str, org_id: str) -> None:
    ids = [c.id for c in index.complete(text)]
    assert org_id in ids[:3], ids


def test_complete_respects_limit(index: OrgIndex) -> None:
    assert len(index.complete("", limit=3)) == 3
    assert len(index.complete("", limit=100)) == len(FIXTURE)  # 22, under the cap of 25
    assert index.complete("f", limit=0) == []
    assert len(index.complete("a", limit=2)) <= 2


def test_complete_never_exceeds_25() -> None:
    records = [OrgRecord(f"org-{i}", f"Alpha Haven {i}") for i in range(60)]
    index = OrgIndex.build(records)
    assert len(index.complete("", limit=100)) == 25
    assert len(index.complete("alpha", limit=100)) == 25


async def test_async_variants_agree(index: OrgIndex) -> None:
    assert await index.lookup_async("O.U.R.") == index.lookup("O.U.R.")
    assert await index.complete_async("pol") == index.complete("pol")


async def test_async_uses_a_thread_for_big_indexes(monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.orgs.index as module

    monkeypatch.setattr(module, "_INLINE_MAX_KEYS", 0)
    calls = []

    async def fake_to_thread(func, *args):  # type: ignore[no-untyped-def]
        calls.append(func.__name__)
        return func(*args)

    monkeypatch.setattr(module.asyncio, "to_thread", fake_to_thread)
    index = OrgIndex.build(FIXTURE)
    assert (await index.lookup_async("thorn")).outcome is Outcome.MATCH
    assert await index.complete_async("thor")
    assert calls == ["lookup", "complete"]


def test_big_index_path_matches_like_small_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """The word-index prefilter (used above 1,000 keys) finds what the full scan finds."""
    import bot.orgs.index as module

    monkeypatch.setattr(module, "_FULL_SCAN_MAX_KEYS", 0)
    index = OrgIndex.build(FIXTURE)
    for query, expect in EVAL_CASES:
        check_case(index, FIXTURE, query, expect)
    assert index.lookup("amnesty intl").best is not None


def test_org_records_from_knowledge() -> None:
    import datetime as dt

    import msgspec

    from bot.knowledge.models import Organization

    org = msgspec.convert(
        {
            "id": "thorn",
            "name": "Thorn",
            "aliases": ["Thorn: Digital Defenders"],
            "kind": "company",
            "summary": "Builds tools.",
            "sources": ["x"],
            "reviewed": dt.date(2024, 1, 1),
        },
        Organization,
    )

    knowledge = SimpleNamespace(orgs={"thorn": org})
    records = org_records(knowledge)  # type: ignore[arg-type]
    assert records == [OrgRecord("thorn", "Thorn", ("Thorn: Digital Defenders",))]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("has the Polaris Project done anything bad", "Polaris Project"),
        ("i keep seeing O.U.R. on insta, are they legit?", "O.U.R"),
        ("how is Survived & Punished rated", "Survived & Punished"),
        ("does exodus cry support decrim", "exodus cry"),
        ("IJM?", "IJM"),
        # The longest name wins over one it holds.
        ("is la strada international any good", "la strada international"),
    ],
)
def test_a_name_said_in_a_sentence_is_found(text: str, name: str) -> None:
    assert OrgIndex.build(FIXTURE).mentioned(text) == name


@pytest.mark.parametrize(
    "text",
    [
        "is our school's fundraiser any good",  # "our", not O.U.R.: too short in lowercase
        "what is the weather like",
        "freedom and fund raising",  # words of names, not a name
        # Two organizations: the asker must say which.
        "is exodus cry better than thorn",
    ],
)
def test_no_single_name_in_a_sentence_is_none(text: str) -> None:
    assert OrgIndex.build(FIXTURE).mentioned(text) is None
