"""Text normalization for organization names: the one place that decides what "the same" means.

Names and queries go through :func:`normalize` so that case, punctuation, diacritics, ``&``,
a leading "the", dotted acronyms and separators like ``//`` never decide a match. Matching then
compares the normalized strings, their space-free form (``decrim ny`` = ``decrimny``) and the
acronyms derived from names (``Freedom Network USA`` -> ``fnusa``).
"""

from __future__ import annotations

import re

from bot.knowledge.text import strip_diacritics

MAX_RAW_CHARS = 1000
"""Input beyond this is ignored: no organization name is that long, and it bounds the work."""

MAX_CHARS = 200
"""Normalized queries are cut to this length (the knowledge base allows 256-char names, but
nobody types more than a couple of hundred characters to find one)."""

# Letters NFKD does not decompose into a base letter plus a combining mark.
_FOLD = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ł": "l",
        "Ł": "l",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ı": "i",
        "þ": "th",
        "Þ": "th",
        "ð": "d",
        "Ð": "d",
    }
)
# "O.U.R." / "u.s.a" -> "our" / "usa": two or more single letters each followed by a dot.
_DOTTED_ACRONYM = re.compile(r"(?<![^\W_])(?:[^\W_]\.){2,}(?:[^\W_](?![^\W_]))?")
_APOSTROPHES = re.compile(r"['’ʼ`´]")
_SEPARATORS = re.compile(r"[\W_]+")
_WORDS = re.compile(r"[^\W_]+")

# Abbreviations people type for words that names spell out ("Intl Justice Mission").
_ABBREVIATIONS = {
    "intl": "international",
    "natl": "national",
    "assn": "association",
    "assoc": "association",
    "ctr": "center",
    "fdn": "foundation",
    "fdtn": "foundation",
    "svcs": "services",
}

NAME_STOPWORDS = frozenset({"the", "of", "and", "for", "in", "on", "at", "a", "an", "to"})
"""Words left out of acronyms and of the token index (they say nothing about which org)."""

FILLER = NAME_STOPWORDS | frozenset(
    {
        "inc",
        "incorporated",
        "ltd",
        "llc",
        "org",
        "organization",
        "organisation",
        "nonprofit",
        "ngo",
        "charity",
    }
)
"""Words a query may add or drop without changing which organization it means."""

GENERIC = FILLER | frozenset(
    {
        "foundation",
        "rescue",
        "network",
        "networks",
        "project",
        "projects",
        "international",
        "national",
        "global",
        "world",
        "worldwide",
        "mission",
        "missions",
        "alliance",
        "coalition",
        "center",
        "centre",
        "institute",
        "association",
        "society",
        "fund",
        "trust",
        "council",
        "committee",
        "service",
        "services",
        "united",
        "human",
        "rights",
        "justice",
        "freedom",
        "free",
        "women",
        "womens",
        "children",
        "childrens",
        "child",
        "youth",
        "community",
        "house",
        "home",
        "hope",
        "new",
        "anti",
        "against",
        "trafficking",
        "traffic",
        "slavery",
        "sex",
        "sexual",
        "worker",
        "workers",
        "survivor",
        "survivors",
        "outreach",
        "action",
        "group",
        "initiative",
        "program",
        "programme",
        "usa",
        "us",
        "uk",
        "america",
        "american",
        "europe",
        "european",
        "africa",
        "asia",
        "church",
        "ministries",
        "ministry",
        "partners",
        "partnership",
    }
)
"""Words too common in this field to identify an organization on their own: a query made only
of these ("rescue", "freedom network") is never taken as a match for a longer name."""


def fold_letters(text: str) -> str:
    """Strip diacritics (NFKD, drop combining marks) and fold letters NFKD leaves alone."""
    if text.isascii():
        return text  # nothing to decompose or fold: the common case, kept fast for big builds
    return strip_diacritics(text).translate(_FOLD)


def normalize(text: str) -> str:
    """The comparable form of a name or query: lowercase words separated by single spaces.

    >>> normalize("The O.U.R. Foundation & Friends")
    'our foundation and friends'
    >>> normalize("Hacking//Hustling")
    'hacking hustling'
    """
    # Fold, casefold, fold: NFKD can reveal capitals ("𝓐" -> "A") and casefolding can add
    # combining marks ("İ" -> "i̇"); the second fold only runs when there is something to fold.
    text = fold_letters(text[:MAX_RAW_CHARS]).casefold()
    if not text.isascii():
        text = fold_letters(text)
    text = text.replace("&", " and ")
    text = _DOTTED_ACRONYM.sub(lambda m: m.group(0).replace(".", ""), text)
    text = _APOSTROPHES.sub("", text)  # "women's" -> "womens", not "women s"
    words = [_ABBREVIATIONS.get(w, w) for w in _SEPARATORS.sub(" ", text).split()]
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)[:MAX_CHARS].rstrip()


def compact(normalized: str) -> str:
    """The space-free form, so that ``decrim ny`` and ``DecrimNY`` compare equal."""
    return normalized.replace(" ", "")


def acronyms(name: str) -> set[str]:
    """Acronyms a name is known by: initials of its significant words, all-caps words whole.

    ``Freedom Network USA`` -> ``{"fnusa"}``, ``National Survivor Network`` -> ``{"nsn"}``.
    Acronyms shorter than three letters are skipped: they collide with too many names.
    """
    text = fold_letters(name[:MAX_RAW_CHARS]).replace("&", " and ")
    words = [
        w for w in _WORDS.findall(_APOSTROPHES.sub("", text)) if w.casefold() not in NAME_STOPWORDS
    ]
    if len(words) < 2:
        return set()
    initials = "".join(
        w.casefold() if len(w) > 1 and w.isupper() else w[0].casefold() for w in words
    )
    return {initials} if len(initials) >= 3 else set()
