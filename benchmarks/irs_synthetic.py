"""Synthetic rows in the real IRS exempt organizations layout, for the benchmark and the tests.

Nothing is downloaded. Names imitate the registry's: upper case, cut to 70 characters, legal
forms ("INC", "CORP"), the IRS's abbreviations ("FDN", "ASSN", "INTL"), and many look-alikes
("HOPE HOUSE INC" in dozens of towns). Made-up surnames and towns make the vocabulary grow with
the row count as real names do.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path

from benchmarks.bench_orgs import ADJECTIVES, CAUSES, NOUNS, PLACES, SYLLABLES, TYPES
from bot.directory.registry import IRS_COLUMNS

STATES = [
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "DC",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
    "PR",
]
COMMON_NAMES = [
    "HOPE HOUSE INC",
    "FIRST BAPTIST CHURCH",
    "FRIENDS OF THE LIBRARY",
    "HABITAT FOR HUMANITY",
    "BOYS AND GIRLS CLUB",
    "VOLUNTEER FIRE DEPARTMENT INC",
    "PARENT TEACHER ORGANIZATION",
    "BOOSTER CLUB INC",
    "LIONS CLUB",
    "HOUSE OF HOPE INC",
    "NEW HOPE MINISTRIES INC",
    "GRACE COMMUNITY CHURCH",
    "HUMANE SOCIETY",
    "FOOD BANK INC",
    "SAFE HAVEN INC",
]
ABBREVIATE = {
    "FOUNDATION": "FDN",
    "ASSOCIATION": "ASSN",
    "INTERNATIONAL": "INTL",
    "NATIONAL": "NATL",
    "CENTER": "CTR",
    "SERVICES": "SVCS",
    "AMERICAN": "AMER",
}
NTEE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def surname(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).upper()


def town(rng: random.Random) -> str:
    """A town: a known city, or a made-up one (so cities number in the tens of thousands)."""
    if rng.random() < 0.5:
        return rng.choice(PLACES).upper()
    return surname(rng) + rng.choice(["", "", " CITY", "VILLE", " SPRINGS", " FALLS"])


def irs_name(rng: random.Random) -> str:
    """One registry-style name."""
    roll = rng.random()
    if roll < 0.04:
        return rng.choice(COMMON_NAMES)
    adj, noun, kind = rng.choice(ADJECTIVES), rng.choice(NOUNS), rng.choice(TYPES)
    pattern = rng.randrange(9)
    if pattern == 0:
        name = f"{adj} {noun} {kind}"
    elif pattern == 1:
        name = f"{adj} {noun} {kind} OF {rng.choice(PLACES)}"
    elif pattern == 2:
        name = f"{rng.choice(PLACES)} {noun} {kind}"
    elif pattern == 3:
        name = f"{surname(rng)} FAMILY FOUNDATION"
    elif pattern == 4:
        name = f"{surname(rng)} {kind}"
    elif pattern == 5:
        name = f"FRIENDS OF {surname(rng)} {noun}"
    elif pattern == 6:
        name = f"{rng.choice(PLACES)} {kind} FOR {rng.choice(CAUSES)}"
    elif pattern == 7:
        name = f"{surname(rng)} {surname(rng)} {noun} {kind}"
    else:
        name = f"{noun} {kind} OF {surname(rng)} COUNTY"
    words = name.upper().replace("'", "").split()
    if rng.random() < 0.5:
        words = [ABBREVIATE.get(w, w) for w in words]
    suffix = rng.random()
    if suffix < 0.55:
        words.append("INC")
    elif suffix < 0.6:
        words.append("CORP")
    return " ".join(words)[:70].strip()


def irs_row(rng: random.Random, ein: int, name: str | None = None) -> list[str]:
    """All 28 columns of one organization."""
    revenue = int(rng.lognormvariate(11, 2.5)) if rng.random() < 0.7 else 0
    ruling = f"{rng.randint(1940, 2024)}{rng.randint(1, 12):02d}"
    ntee = f"{rng.choice(NTEE)}{rng.randint(20, 99)}" if rng.random() < 0.8 else ""
    return [
        f"{ein:09d}",
        name or irs_name(rng),
        "",
        f"{rng.randint(1, 9999)} {rng.choice(NOUNS).upper()} ST",
        town(rng),
        rng.choice(STATES),
        f"{rng.randint(501, 99950):05d}-0000",
        "0000",
        rng.choice(["03", "03", "03", "04", "06", "07"]),
        "3",
        "1000",
        ruling,
        "1",
        "15",
        "000000000",
        "1",
        "01",
        f"{rng.randint(2019, 2024)}12",
        str(rng.randint(0, 9)),
        str(rng.randint(0, 9)),
        "01",
        "0",
        "12",
        str(int(revenue * rng.uniform(0.5, 3))),
        str(revenue),
        str(revenue),
        ntee,
        "",
    ]


def irs_rows(count: int, seed: int = 17, first_ein: int = 10_000_000) -> Iterator[list[str]]:
    """``count`` rows with distinct EINs."""
    rng = random.Random(seed)
    for i in range(count):
        yield irs_row(rng, first_ein + i * 7)


def write_irs_file(path: Path, rows: Iterator[list[str]] | list[list[str]]) -> Path:
    """Write ``rows`` under the IRS header, quoted as the IRS quotes them."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        writer.writerow(IRS_COLUMNS)
        writer.writerows(rows)
    return path
