"""The registered-nonprofit directory: import, the memory-mapped index, matching look-alikes.

Every file here is a small synthetic one in the real IRS layout, written by the test.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.irs_synthetic import irs_row, irs_rows, write_irs_file
from bot.cli import main
from bot.config import load_config
from bot.directory import Directory, build_index, open_directory
from bot.directory.importer import ColumnMap, ImportFailed, import_file
from bot.directory.normalize import registry_key
from bot.directory.registry import IRS_COLUMNS, typed_ein
from bot.directory.store import current_stamp, fetch_row, row_count
from bot.orgs import Outcome
from bot.storage import Database

RNG_SEED = 5


def row(ein: int, name: str, city: str = "SPRINGFIELD", state: str = "IL", **fields: str):
    """One IRS row with the given name and place (other columns synthetic)."""
    values = irs_row(random.Random(ein), ein, name)
    values[4], values[5] = city, state
    for column, value in fields.items():
        values[IRS_COLUMNS.index(column)] = value
    return values


LOOKALIKES = [
    row(100000001, "HOPE HOUSE INC", "BOSTON", "MA"),
    row(100000002, "HOPE HOUSE INC", "DENVER", "CO"),
    row(100000003, "HOPE HOUSE", "AUSTIN", "TX"),
    row(100000004, "HOUSE OF HOPE INC", "BOSTON", "MA"),
    row(100000005, "FRIENDS OF THE LIBRARY FDN", "TULSA", "OK"),
    row(100000006, "AMER ASSN OF RIVER GUIDES", "BOISE", "ID"),
    row(100000007, "SAFE HARBOR WORKERS ALLIANCE INC", "OAKLAND", "CA", REVENUE_AMT="125000"),
    row(100000008, "SAFE HARBOUR WOMENS SHELTER", "LEEDS", "AL"),
    row(100000009, "MORNING STAR LANTERN PROJECT", "RENO", "NV"),
]


async def _import(db: Database, path: Path, **kwargs) -> object:
    return await import_file(db, path, progress=False, **kwargs)


@pytest.fixture
async def db(tmp_path: Path):
    database = await Database.open(tmp_path / "dir.db")
    try:
        yield database
    finally:
        await database.close()


def _directory(tmp_path: Path) -> Directory:
    build_index(tmp_path / "dir.db", tmp_path / "dir.idx")
    directory = open_directory(tmp_path / "dir.idx")
    assert directory is not None
    return directory


@pytest.fixture
async def directory(db: Database, tmp_path: Path):
    filler = list(irs_rows(400, seed=RNG_SEED, first_ein=500_000_000))
    await _import(db, write_irs_file(tmp_path / "eo1.csv", [*LOOKALIKES, *filler]))
    found = _directory(tmp_path)
    try:
        yield found
    finally:
        found.close()


# -- import ---------------------------------------------------------------------------------


async def test_good_and_malformed_rows_are_counted_with_line_numbers(
    db: Database, tmp_path: Path
) -> None:
    bad_ein = row(1, "NO EIN")
    bad_ein[0] = "12-34"
    no_name = row(100000020, " ")
    short = ["100000021", "TOO FEW COLUMNS"]
    bad_amount = row(100000022, "BAD AMOUNT", REVENUE_AMT="lots")
    rows = [LOOKALIKES[0], bad_ein, LOOKALIKES[1], no_name, short, bad_amount, LOOKALIKES[2]]
    report = await _import(db, write_irs_file(tmp_path / "eo1.csv", rows))
    assert (report.status, report.rows, report.malformed) == ("imported", 3, 4)
    lines = [n for n, _ in report.malformed_lines]
    assert lines == [3, 5, 6, 7]  # the header is line 1
    assert "not 9 digits" in report.malformed_lines[0][1]
    assert "columns" in report.malformed_lines[2][1]
    stored = await fetch_row(db, "irs", "100000001")
    assert stored is not None
    assert (stored.name, stored.city, stored.region) == ("HOPE HOUSE INC", "BOSTON", "MA")


async def test_reimporting_the_same_file_changes_nothing(db: Database, tmp_path: Path) -> None:
    path = write_irs_file(tmp_path / "eo1.csv", LOOKALIKES)
    first = await _import(db, path)
    stamp = await current_stamp(db)
    again = await _import(db, path)
    assert (first.status, again.status) == ("imported", "unchanged")
    assert again.rows == len(LOOKALIKES)
    assert await current_stamp(db) == stamp
    assert await row_count(db) == len(LOOKALIKES)


async def test_a_newer_file_updates_rows_and_removes_revoked_ones(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "eo1.csv"
    await _import(db, write_irs_file(path, LOOKALIKES))
    other = write_irs_file(tmp_path / "eo2.csv", [row(200000001, "OTHER REGION FUND")])
    await _import(db, other)
    renamed = row(100000001, "HOPE HOUSE OF BOSTON INC", "BOSTON", "MA")
    newer = [renamed, *LOOKALIKES[1:3], row(100000099, "NEW LANTERN TRUST")]
    report = await _import(db, write_irs_file(path, newer))
    assert (report.status, report.rows, report.removed) == ("imported", 4, len(LOOKALIKES) - 3)
    stored = await fetch_row(db, "irs", "100000001")
    assert stored is not None and stored.name == "HOPE HOUSE OF BOSTON INC"
    assert await fetch_row(db, "irs", "100000004") is None  # revoked: not in the newer file
    assert await fetch_row(db, "irs", "100000099") is not None
    assert await fetch_row(db, "irs", "200000001") is not None  # another file's rows stay
    assert await row_count(db) == 5


@pytest.mark.parametrize("block_bytes", [1 << 20, 700])  # the file in one block, or in many
async def test_an_interrupted_import_resumes_where_it_stopped(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block_bytes: int
) -> None:
    # Lines are read a block at a time and the resume offset worked out at each commit: with
    # small blocks, the batches end in the middle of a block and blocks span batches.
    monkeypatch.setattr("bot.directory.importer._BLOCK_BYTES", block_bytes)
    rows = list(irs_rows(50, seed=2))
    rows[31][0] = "bad"
    path = write_irs_file(tmp_path / "eo1.csv", rows)
    partial = await _import(db, path, batch=10, stop_after=2)
    assert partial.rows == 20
    assert await row_count(db) == 20
    resumed = await _import(db, path, batch=10)
    assert (resumed.status, resumed.rows, resumed.malformed) == ("resumed", 49, 1)
    assert [n for n, _ in resumed.malformed_lines] == [33]
    assert await row_count(db) == 49
    assert (await _import(db, path)).status == "unchanged"


async def test_other_registries_import_with_a_column_map(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "charities.csv"
    path.write_text(
        "Registered Charity Number,Charity Name,Town\n"
        "1100001,Safe Harbour Trust,Leeds\n"
        ",No Number Charity,York\n"
        "1100002,Lantern Project,Bristol\n",
        encoding="utf-8",
    )
    columns = ColumnMap.parse("name=Charity Name,id=Registered Charity Number,city=Town")
    report = await _import(db, path, registry="ccew", columns=columns)
    assert (report.rows, report.malformed) == (2, 1)
    stored = await fetch_row(db, "ccew", "1100002")
    assert stored is not None and (stored.name, stored.city) == ("Lantern Project", "Bristol")
    with pytest.raises(ValueError, match="id="):
        ColumnMap.parse("name=Charity Name")
    tabs = tmp_path / "extract.txt"
    tabs.write_text("charity_name\tregistered_charity_number\nHarbour Light, Ltd\t200\n")
    columns = ColumnMap.parse("name=charity_name,id=registered_charity_number")
    assert (await _import(db, tabs, registry="ccew", columns=columns)).rows == 1
    stored = await fetch_row(db, "ccew", "200")
    assert stored is not None and stored.name == "Harbour Light, Ltd"


async def test_a_file_in_another_layout_is_refused_in_one_line(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "eo1.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="IRS exempt organizations layout"):
        await _import(db, path)


# -- matching ---------------------------------------------------------------------------------


def test_identical_names_are_a_choice_by_city_and_state(directory: Directory) -> None:
    found = directory.lookup("Hope House")
    assert found.outcome is Outcome.AMBIGUOUS
    places = {(c.name, c.place) for c in found.candidates}
    assert ("HOPE HOUSE INC", "Boston, MA") in places
    assert ("HOPE HOUSE", "Austin, TX") in places
    assert found.total == 3


@pytest.mark.parametrize(
    ("query", "ein"),
    [
        ("hope house denver", "100000002"),
        ("Hope House, Austin TX", "100000003"),
        ("house of hope boston", "100000004"),
        ("friends of the library foundation", "100000005"),  # FDN spelled out
        ("american association of river guides", "100000006"),  # AMER ASSN
        ("safe harbor workers alliance", "100000007"),  # INC dropped
        ("safe harbr workers aliance", "100000007"),  # typos
        ("saffe harboor workkers allliance", "100000007"),  # a letter typed in, every word
        ("workers alliance safe harbor", "100000007"),  # swapped
        ("morning star lantern", "100000009"),  # a word dropped
    ],
)
def test_lookalike_names_find_the_right_one(directory: Directory, query: str, ein: str) -> None:
    found = directory.lookup(query)
    assert found.outcome is Outcome.MATCH, found
    assert found.best is not None and found.best.reg_id == ein


def test_a_letter_typed_in_is_a_typo_of_the_word(directory: Directory) -> None:
    # "harboor" minus a letter is the word "harbor": no deletion of "harbor" is "harboor" minus
    # a letter, so the words themselves are probes too.
    index = directory.index
    assert index.word_id("harbor") in index.typo_ids("harboor", 1)
    assert index.word_id("lantern") in index.typo_ids("laanterrn", 2)


@pytest.mark.parametrize("query", ["zqxv blorptangle", "hope", "inc", "of the", "xx"])
def test_nonsense_and_single_common_words_match_nothing(directory: Directory, query: str) -> None:
    assert directory.lookup(query).outcome is not Outcome.MATCH


def test_autocomplete_completes_prefixes_and_words(directory: Directory) -> None:
    names = [c.name for c in directory.complete("safe harb")]
    assert names[:2] == ["SAFE HARBOR WORKERS ALLIANCE INC", "SAFE HARBOUR WOMENS SHELTER"] or (
        set(names[:2]) == {"SAFE HARBOR WORKERS ALLIANCE INC", "SAFE HARBOUR WOMENS SHELTER"}
    )
    assert "MORNING STAR LANTERN PROJECT" in [c.name for c in directory.complete("lantern pro")]
    assert len(directory.complete("h")) <= 25
    assert directory.complete("") == []


def test_registry_suffixes_are_normalized() -> None:
    assert registry_key("HOPE HOUSE INC") == registry_key("Hope House") == "hope house"
    assert registry_key("FRIENDS OF THE LIBRARY FDN") == "friends library foundation"
    assert registry_key("Amer Assn of Guides, Corp.") == "american association guides"


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
def test_the_fast_path_for_plain_names_equals_normalize(text: str) -> None:
    from bot.directory.normalize import DROPPED, REGISTRY_ABBREVIATIONS
    from bot.orgs.normalize import normalize

    words = (REGISTRY_ABBREVIATIONS.get(w, w) for w in normalize(text).split())
    assert registry_key(text) == " ".join(w for w in words if w not in DROPPED)


def test_typed_eins_are_recognized() -> None:
    assert typed_ein("12-3456789") == "123456789"
    assert typed_ein("EIN 123456789") == "123456789"
    assert typed_ein("HOPE HOUSE INC (EIN 10-0000001)") == "100000001"
    assert typed_ein("hope house 1234") is None


async def test_an_index_is_reopened_not_rebuilt(directory: Directory, tmp_path: Path) -> None:
    again = open_directory(tmp_path / "dir.idx", expected_stamp=directory.stamp)
    assert again is not None
    try:
        assert len(again) == len(directory)
        assert again.lookup("hope house denver").best == directory.lookup("hope house denver").best
    finally:
        again.close()
    (tmp_path / "broken.idx").write_bytes(b"not an index")
    assert open_directory(tmp_path / "broken.idx") is None
    assert open_directory(tmp_path / "missing.idx") is None


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=120))
def test_arbitrary_input_never_breaks_a_lookup(directory: Directory, text: str) -> None:
    found = directory.lookup(text)
    assert len(found.candidates) <= 25
    assert (found.best is not None) == (found.outcome is Outcome.MATCH)
    completions = directory.complete(text)
    assert len(completions) <= 25
    assert len({c.id for c in completions}) == len(completions)


async def test_the_index_carries_the_registry_facts(directory: Directory, db: Database) -> None:
    found = directory.lookup("safe harbor workers alliance")
    assert found.best is not None
    assert directory.row(found.best) == await fetch_row(db, "irs", "100000007")


@pytest.mark.usefixtures("restore_logging")
def test_orgs_import_and_reindex_work_on_either_backend(
    config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    # config_path's database is SQLite or, with VETBOT_TEST_POSTGRES, PostgreSQL: there the
    # index is read a page at a time through the storage interface (pages of 1,000 here).
    monkeypatch.setattr("bot.directory.store._PAGE", 1_000)
    rows = [*LOOKALIKES, *irs_rows(2_500, seed=RNG_SEED, first_ein=500_000_000)]
    eo1 = write_irs_file(tmp_path / "eo1.csv", rows)
    status = main(["--config", str(config_path), "orgs", "import", str(eo1), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert status == 0
    assert report["indexed"] == len(rows)
    index_path = load_config(config_path).directory_index_path
    directory = open_directory(index_path)
    assert directory is not None
    try:
        found = directory.lookup("safe harbr workers aliance")
        assert found.best is not None and found.best.reg_id == "100000007"
        row = directory.row(found.best)
        assert row is not None and row.revenue == 125000 and row.ruling is not None
    finally:
        directory.close()
    index_path.unlink()
    assert main(["--config", str(config_path), "orgs", "reindex", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["indexed"] == len(rows)
