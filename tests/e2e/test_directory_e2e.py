"""/rate on a name from an imported registry, end to end: autocomplete, the card, its buttons."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from fakediscord import FakeDiscord, InProcessBot, write_config

from benchmarks.irs_synthetic import irs_row, irs_rows, write_irs_file
from bot.config import load_config
from bot.directory import build_index
from bot.directory.importer import import_file
from bot.storage import Database


@pytest.fixture
async def bot_config(tmp_path: Path) -> Path:
    """The e2e config, its database holding a small synthetic IRS file, its index built."""
    path = write_config(tmp_path)
    config = load_config(path)
    rows = list(irs_rows(300, seed=4, first_ein=700_000_000))
    for ein, name, city in (
        (700_900_001, "LANTERN HOUSE INC", "RENO"),
        (700_900_002, "LANTERN HOUSE INC", "BOISE"),
    ):
        values = irs_row(random.Random(ein), ein, name)
        values[4] = city
        rows.append(values)
    db = await Database.open(config.database)
    try:
        await import_file(db, write_irs_file(tmp_path / "eo1.csv", rows), progress=False)
    finally:
        await db.close()
    build_index(config.database, config.directory_index_path)
    return path


async def test_rate_an_imported_name(fake: FakeDiscord, bot: InProcessBot) -> None:
    assert bot.core.directory is not None and len(bot.core.directory) == 302
    choices = await fake.autocomplete("rate", "org", "lantern hou")
    picked = [c for c in choices if "Boise" in c["name"]]
    assert picked and "(EIN 70-0900002)" in picked[0]["value"]

    card = await fake.slash("rate", {"org": picked[0]["value"]})
    assert card.embed["title"] == "LANTERN HOUSE INC"
    assert "Not yet rated by this community" in card.embed["description"]
    assert any("70-0900002" in f["value"] for f in card.embed["fields"])
    assert any(i.startswith("vetbot:report:new:") for i in card.custom_ids)

    pick = await fake.slash("rate", {"org": "lantern house"})
    assert pick.custom_ids == ["vetbot:rate:pick"]
    [select] = pick.message["components"][0]["components"]
    reno = next(o["value"] for o in select["options"] if o["description"].startswith("Reno"))
    chosen = await fake.select(pick.message, "vetbot:rate:pick", [reno])
    assert any("70-0900001" in f["value"] for f in chosen.embed["fields"])
