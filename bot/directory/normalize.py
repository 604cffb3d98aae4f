"""Registry names are noisy: "HOPE HOUSE INC", "FRIENDS OF THE LIBRARY FDN", "AMER ASSN OF ...".

:func:`registry_key` is :func:`bot.orgs.normalize.normalize` plus what registries add: the
abbreviations the IRS uses are spelled out, and words that never tell two charities apart (legal
forms, "of the") are dropped, from names and queries alike, so that "Hope House" is exactly
"HOPE HOUSE INC" and "friends library foundation" is "FRIENDS OF THE LIBRARY FDN".
"""

from __future__ import annotations

import re

from bot.orgs.normalize import MAX_CHARS, NAME_STOPWORDS, normalize

# Abbreviations of the IRS extract (its names are cut to 70 characters, so words are shortened).
# Only unambiguous ones: "st" (saint or street) and "ch" are left alone.
REGISTRY_ABBREVIATIONS = {
    "amer": "american",
    "assn": "association",
    "assoc": "association",
    "asso": "association",
    "auth": "authority",
    "bd": "board",
    "cncl": "council",
    "cmty": "community",
    "ctr": "center",
    "ctrs": "centers",
    "dept": "department",
    "dev": "development",
    "devel": "development",
    "educ": "education",
    "fdn": "foundation",
    "fdtn": "foundation",
    "fndtn": "foundation",
    "fed": "federation",
    "hosp": "hospital",
    "hsg": "housing",
    "intl": "international",
    "inst": "institute",
    "libr": "library",
    "mem": "memorial",
    "mgmt": "management",
    "natl": "national",
    "prog": "program",
    "proj": "project",
    "sch": "school",
    "schl": "school",
    "soc": "society",
    "svc": "service",
    "svcs": "services",
    "tr": "trust",
    "univ": "university",
}

LEGAL_FORMS = frozenset(
    {
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "ltd",
        "limited",
        "llc",
        "nfp",
        "npo",
        "cic",
        "cio",
    }
)
"""Legal-form words a name may carry or not without naming another organization."""

DROPPED = NAME_STOPWORDS | LEGAL_FORMS


# Characters only normalize() knows how to handle ("&", dotted acronyms, apostrophes).
_SPECIAL = re.compile(r"[&.'`]")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def plain_words(text: str) -> list[str]:
    """``normalize(text).split()``, ten times faster for plain ASCII (most registry names and
    towns: an import normalizes millions of them); anything else goes through normalize()."""
    lowered = text.lower()
    if lowered.isascii() and len(lowered) <= MAX_CHARS and not _SPECIAL.search(lowered):
        return _NOT_ALNUM.sub(" ", lowered).split()
    return normalize(text).split()


def registry_words(text: str) -> list[str]:
    """The words of ``text`` that identify a registered organization, abbreviations expanded."""
    words = plain_words(text)
    return [w for w in (REGISTRY_ABBREVIATIONS.get(w, w) for w in words) if w not in DROPPED]


def registry_key(text: str) -> str:
    """The comparable form of a registry name or a query for one (may be empty)."""
    return " ".join(registry_words(text))
