"""The knowledge base: the shipped one validates and is complete; broken ones say exactly where."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tomllib
from collections.abc import Iterable
from pathlib import Path

import pytest

from bot.knowledge.loader import load_knowledge, validate_knowledge
from tests.conftest import KNOWLEDGE, REPO


@pytest.fixture(scope="module")
def shipped():
    return load_knowledge(KNOWLEDGE)


def test_shipped_knowledge_is_valid_and_complete(shipped) -> None:
    counts = shipped.counts()
    assert sorted(c.number for c in shipped.criteria.values()) == list(range(1, 11))
    assert counts["myths"] >= 12
    assert counts["terms"] >= 20
    assert counts["sources"] == 5
    assert counts["orgs"] >= 10


def test_every_number_in_a_myth_names_its_origin(shipped) -> None:
    for myth in shipped.myths.values():
        stated = " ".join([myth.claim, myth.short])
        for figure in myth.numbers:
            assert figure.origin.strip(), f"{myth.id}: {figure.value} has no origin"
        # A figure quoted in the claim or the short answer is listed with its origin.
        listed = " ".join(f.value for f in myth.numbers)
        for number in re.findall(r"\b\d{1,3}(?:,\d{3})+\b|\b\d{4,}\b", stated):
            if 1900 <= int(number.replace(",", "")) <= 2100:
                continue  # a year
            assert number in listed, f"{myth.id}: {number} is stated but has no origin"


def test_our_is_rated_on_every_criterion_and_others_are_never_invented(shipped) -> None:
    our = next(o for o in shipped.orgs.values() if "O.U.R." in o.aliases)
    assert sorted(r.criterion for r in our.ratings) == list(range(1, 11))
    for org in shipped.orgs.values():
        for rating in org.ratings:
            assert rating.sources, f"{org.id}: criterion {rating.criterion} cites nothing"


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture anchor {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _errors(root: Path) -> list[str]:
    knowledge, errors = validate_knowledge(root, today=dt.date(2026, 12, 31))
    assert knowledge is None
    return [str(e) for e in errors]


def _first_myth_id(root: Path) -> str:
    return re.search(r'\[\[myth\]\]\s*id = "([^"]+)"', (root / "myths.toml").read_text())[1]


def test_bad_enum_names_file_entry_and_field(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    myth = _first_myth_id(root)
    text = (root / "myths.toml").read_text()
    verdict = re.search(r'verdict = "([a-z]+)"', text)[0]
    _edit(root / "myths.toml", verdict, 'verdict = "maybe"')
    errors = _errors(root)
    assert len(errors) == 1
    assert errors[0].startswith(f"knowledge/myths.toml: myth '{myth}': verdict: invalid enum")


def test_all_errors_are_reported_at_once(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _edit(root / "terms.toml", "[[term]]\n", '[[term]]\ncolour = "red"\n')
    _edit(root / "criteria.toml", "number = 2", "number = 1")
    _edit(root / "myths.toml", 'sources = ["', 'sources = ["nowhere", "')
    _edit(root / "topics.toml", "reviewed = 2026-11-30", 'reviewed = "someday"')
    org = next((root / "organizations").glob("*.toml"))
    _edit(org, "name = ", 'kind = "cult"\nname = ', 1)
    errors = _errors(root)
    joined = "\n".join(errors)
    assert ": colour: unknown field" in joined
    assert "number: number 1 is also used by" in joined
    assert "sources: unknown source 'nowhere'" in joined
    assert "reviewed: expected a date like 2026-11-30" in joined
    assert f"organizations/{org.name}" in joined
    assert len(errors) >= 5


def test_cross_entry_rules(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    orgs = sorted((root / "organizations").glob("*.toml"))
    first = orgs[0].read_text()
    name = re.search(r'^name = "([^"]+)"', first, re.M)[1]
    _edit(orgs[1], "aliases = [", f'aliases = ["{name.upper()}", ', 1)
    _edit(root / "terms.toml", "see_also = [", 'see_also = ["no-such-term", ', 1)
    (root / "organizations" / "renamed.toml").write_text(first)
    _edit(root / "sources.toml", "reviewed = 2026-11-30", "reviewed = 2027-06-01")
    joined = "\n".join(_errors(root))
    assert "is already a name or alias of org" in joined
    assert "unknown term 'no-such-term'" in joined
    assert "id: must match the file name 'renamed'" in joined
    assert "reviewed: date is in the future" in joined


def test_rating_of_a_missing_criterion(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    org = root / "organizations" / "extra.toml"
    org.write_text(
        'id = "extra"\nname = "Extra Org"\nkind = "other"\nsummary = "x"\n'
        'sources = ["bourgeois-2020"]\nreviewed = 2026-11-30\n'
        '[[ratings]]\ncriterion = 11\nverdict = "fails"\nnote = "n"\nsources = ["bourgeois-2020"]\n'
    )
    joined = "\n".join(_errors(root))
    assert "knowledge/organizations/extra.toml: org 'extra': ratings[0].criterion" in joined


def test_broken_toml_and_missing_files(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "terms.toml").write_text("[[term]\n")
    (root / "topics.toml").unlink()
    joined = "\n".join(_errors(root))
    assert "knowledge/terms.toml: not valid TOML" in joined
    assert "knowledge/topics.toml: file is missing" in joined


async def test_reload_keeps_the_old_knowledge_when_the_new_is_broken(core, tmp_path) -> None:
    root = _copy(tmp_path)
    before = core.knowledge
    _edit(root / "myths.toml", 'verdict = "', 'verdict = "nope', 1)
    errors = await core.reload_knowledge(root)
    assert errors and core.knowledge is before
    _edit(root / "myths.toml", 'verdict = "nope', 'verdict = "', 1)
    assert await core.reload_knowledge(root) == []
    assert core.knowledge is not before


def test_synonyms_are_the_knowledge_bases_own(shipped) -> None:
    """Moderators extend the vocabulary in knowledge/synonyms.toml, without code."""
    from bot.knowledge.search import SearchIndex

    cop = next(s for s in shipped.synonyms if "cop" in s.words)
    assert cop.means == "police"
    assert "polic" in SearchIndex.build(shipped, embedder=None)._analyzer("cops")


def test_a_synonym_added_to_the_file_joins_words(tmp_path: Path) -> None:
    from bot.knowledge.search import SearchIndex

    root = _copy(tmp_path)
    question = "is the nordic thing a flop"
    before = SearchIndex.build(load_knowledge(root), embedder=None)
    assert "fail" not in before._analyzer(question)
    with (root / "synonyms.toml").open("a", encoding="utf-8") as file:
        file.write('\n[[synonym]]\nmeans = "fail"\nwords = ["flop"]\n')
    after = SearchIndex.build(load_knowledge(root), embedder=None)
    assert "fail" in after._analyzer(question)


def test_bad_synonyms_are_reported_with_the_rest(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    with (root / "synonyms.toml").open("a", encoding="utf-8") as file:
        file.write(
            '\n[[synonym]]\nmeans = "police"\nwords = ["two words"]\n'
            '\n[[synonym]]\nmeans = "adult"\nwords = ["kids"]\n'
            '\n[[synonym]]\nmeans = "x"\ncolour = "red"\n'
        )
    joined = "\n".join(_errors(root))
    assert "knowledge/synonyms.toml: synonym #" in joined
    assert "words[0]: expected `str` matching regex" in joined
    assert "'kids' already means 'child'" in joined
    assert "colour: unknown field" in joined


def test_a_knowledge_base_without_synonyms_is_valid(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "synonyms.toml").unlink()
    assert load_knowledge(root).synonyms == ()


def test_every_entry_has_members_paraphrases_and_none_is_an_evaluation_question(shipped) -> None:
    """About ten paraphrases per entry (for the semantic index); written blind, so none may be
    an evaluation question word for word (it would inflate the held-out and blind results)."""
    asked = _asked((REPO / "tests" / "data").glob("ask_*.toml"))
    for kind in ("criteria", "myths", "terms", "topics"):
        for entry in getattr(shipped, kind).values():
            assert len(entry.paraphrases) >= 8, (kind, entry.id)
            assert not {_plain(p) for p in entry.paraphrases} & asked, (kind, entry.id)


def _asked(paths: Iterable[Path]) -> set[str]:
    """Every question (``q``) of the evaluation files at ``paths``, as :func:`_plain` text."""
    return {
        _plain(case["q"])
        for path in paths
        for table in tomllib.loads(path.read_text(encoding="utf-8")).values()
        if isinstance(table, list)
        for case in table
        if isinstance(case, dict) and "q" in case
    }


def _plain(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def test_the_shipped_off_topic_subjects_are_many_and_none_is_an_evaluation_question(
    shipped,
) -> None:
    """Written blind by subject, for the semantic index's off-topic classifier; none may be an
    evaluation question word for word (it would flatter the off-topic results)."""
    data = REPO / "tests" / "data"
    shared = REPO.parent / "shared" / "eval" / "questions.toml"
    asked = _asked([*data.glob("ask_*.toml"), *([shared] if shared.is_file() else [])])
    assert len(shipped.off_topic) >= 20
    for subject in shipped.off_topic:
        assert len(subject.questions) >= 15, subject.name
        assert not {_plain(q) for q in subject.questions} & asked, subject.name


def test_off_topic_subjects_are_validated(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "off_topic.toml").write_text(
        '[[subject]]\nname = "sport"\nquestions = ["who won"]\n'
        '\n[[subject]]\nname = "sport"\nquestions = ["who lost"]\n'
        '\n[[subject]]\nname = "Tech Help"\nquestions = ["my wifi"]\n'
        '\n[[subject]]\nname = "tech"\nquestions = []\n'
        '\n[[topic]]\nid = "x"\n',
        encoding="utf-8",
    )
    joined = "\n".join(_errors(root))
    assert "knowledge/off_topic.toml: subject 'sport': name: duplicate subject name" in joined
    assert "subject #3: name: expected `str` matching regex" in joined
    assert "subject #4: questions: expected `array` of length >= 1" in joined
    assert "topic: unknown table (expected [[subject]])" in joined


def test_a_knowledge_base_without_off_topic_subjects_is_valid(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "off_topic.toml").unlink()
    assert load_knowledge(root).off_topic == ()
