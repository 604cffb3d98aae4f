"""/rate with an imported directory: the registry card, curated-wins, the criterion-3 section.

A real core over a copy of the shipped knowledge base (one organization given an EIN in the copy
only) and a database holding a small synthetic IRS file.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fakediscord.config import bot_toml

from benchmarks.irs_synthetic import irs_rows, write_irs_file
from bot import paths
from bot.commands.picks import run_pick
from bot.commands.rate import complete_orgs, rate
from bot.config import load_config
from bot.directory import build_index_from
from bot.directory.importer import import_file
from bot.replies import Actor
from bot.storage import Database
from tests.test_directory import LOOKALIKES, row

OUR = "Operation Underground Railroad"
OUR_EIN = "300000001"  # made up: given to O.U.R. only in this test's copy of the knowledge base
SWOP_EIN = "399999999"  # made up and not in the imported file


async def _core(tmp_path: Path, *, link: bool = True, database: Path | str | None = None) -> object:
    from bot.core import Core

    knowledge = tmp_path / "knowledge"
    shutil.copytree(paths.bundled_knowledge(), knowledge)
    if link:
        for name, ein in (("operation-underground-railroad", OUR_EIN), ("swop-usa", SWOP_EIN)):
            path = knowledge / "organizations" / f"{name}.toml"
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("\nsummary = ", f'\nein = "{ein}"\nsummary = ', 1))
    config_path = tmp_path / "bot.toml"
    text = bot_toml().replace(paths.bundled_knowledge().as_posix(), knowledge.as_posix())
    if database is not None:
        text = text.replace('database = "vetbot.db"', f'database = "{database}"')
    config_path.write_text(text)
    config = load_config(config_path)
    rows = [
        *LOOKALIKES,
        row(int(OUR_EIN), "O U R RESCUE", "LEHI", "UT", REVENUE_AMT="47000000"),
        row(300000002, "OPERATION UNDERGROUND RAILROAD INC", "DAYTON", "OH"),
        *irs_rows(200, seed=9, first_ein=600_000_000),
    ]
    db = await Database.open(config.database)
    try:
        await import_file(db, write_irs_file(tmp_path / "eo1.csv", rows), progress=False)
        # Through the storage interface, as for PostgreSQL (SQLite's own reader: elsewhere).
        await build_index_from(db, config.directory_index_path)
    finally:
        await db.close()
    return await Core.open(config)


@pytest.fixture
async def dcore(tmp_path: Path, database_target: Path | str) -> AsyncIterator[object]:
    """A core whose directory was imported into SQLite, or into PostgreSQL."""
    database = database_target if isinstance(database_target, str) else None
    core = await _core(tmp_path, database=database)
    try:
        yield core
    finally:
        await core.close()


async def test_a_registered_unrated_organization_gets_the_registry_card(
    dcore, member: Actor
) -> None:
    card = await rate(dcore, member, "safe harbor workers alliance")
    assert card.title == "SAFE HARBOR WORKERS ALLIANCE INC"
    assert "Not yet rated by this community" in card.text
    facts = card.fields[0].value
    for expected in ("EIN**: 10-0000007", "Oakland, CA", "501(c)", "$125,000"):
        assert expected in facts
    assert "Ask about criterion 3." in card.fields[1].name
    registry = card.data["match"]["registry"]
    assert registry["filings"].endswith("/100000007")
    assert card.data["match"]["rated"] is False
    [report, filings] = card.buttons
    assert report.custom_id and report.custom_id.startswith("vetbot:report:new:")
    assert "EIN%2010-0000007" in report.custom_id
    assert filings.url == registry["filings"]


async def test_curated_organizations_win_over_directory_names(dcore, member: Actor) -> None:
    card = await rate(dcore, member, "operation underground railroad")
    assert card.title == OUR
    assert card.data["match"]["id"] == "operation-underground-railroad"


async def test_a_linked_ein_opens_the_rated_card_with_its_registry_facts(
    dcore, member: Actor
) -> None:
    card = await rate(dcore, member, "30-0000001")
    assert card.title == OUR
    [section] = [f for f in card.fields if f.name == "Registry (criterion 3)"]
    assert "O U R RESCUE" in section.value and "$47,000,000" in section.value
    # The linked registry name itself leads to the rated card, never to the registry card.
    assert (await rate(dcore, member, "o u r rescue lehi")).title == OUR


async def test_a_rated_organization_missing_from_the_registry_says_so(dcore, member: Actor) -> None:
    card = await rate(dcore, member, "swop usa")
    [section] = [f for f in card.fields if f.name == "Registry (criterion 3)"]
    assert "EIN 39-9999999 is not in the imported registry" in section.value
    unlinked = await rate(dcore, member, "amnesty international")
    [section] = [f for f in unlinked.fields if f.name == "Registry (criterion 3)"]
    assert "Not in the imported registry" in section.value


async def test_identical_registry_names_are_picked_by_city_and_state(dcore, member: Actor) -> None:
    pick = await rate(dcore, member, "hope house")
    assert pick.choice_id == "vetbot:rate:pick"
    by_place = {c.description.split(" · ")[0]: c.value for c in pick.choices}
    assert {"Boston, MA", "Denver, CO", "Austin, TX"} <= set(by_place)
    card = await run_pick(dcore, member, "vetbot:rate:pick", by_place["Denver, CO"])
    assert card.data["match"]["registry"]["id"] == "100000002"


async def test_autocomplete_lists_curated_names_then_registered_ones(dcore) -> None:
    choices = await complete_orgs(dcore, "hope hou")
    assert choices
    label, value = choices[0]
    assert "HOPE HOUSE" in label and "(EIN " in value
    # The value carries the EIN: submitting it opens that organization, not a pick.
    assert len(choices) <= 25
    curated = await complete_orgs(dcore, "operation under")
    assert curated[0] == (OUR, OUR)
    assert all("30-0000001" not in v for _, v in curated)  # linked: shown once, as rated


async def test_without_a_directory_nothing_changes(tmp_path: Path, member: Actor) -> None:
    from bot.core import Core

    config_path = tmp_path / "bot.toml"
    config_path.write_text(bot_toml())
    core = await Core.open(load_config(config_path))
    try:
        assert core.directory is None
        card = await rate(core, member, OUR)
        assert all(f.name != "Registry (criterion 3)" for f in card.fields)
        unknown = await rate(core, member, "safe harbor workers alliance")
        assert "imported registry" not in unknown.text
    finally:
        await core.close()
