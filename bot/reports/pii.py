"""Flag text that looks like personal information, so moderators can redact it before approval.

This is a warning for a human, not a filter: it errs towards flagging real phone numbers, emails
and street addresses, and is tested not to flag the years and figures reports are full of
("in 2019", "10,949 people"). Digit groups joined by commas never count as a phone number.
"""

from __future__ import annotations

import re

from bot.reports.models import PiiKind

_SEP = r"[ .\-\u00a0]"

_PHONE_PATTERNS = (
    # International: +44 20 7946 0958, +1 (555) 123-4567, +33 6 12 34 56 78, +4915112345678.
    re.compile(rf"(?<![\w+])\+\d{{1,3}}(?:{_SEP}?\(?\d{{1,4}}\)?){{2,6}}(?!\w)"),
    re.compile(r"(?<![\w+])\+\d{8,15}(?!\w)"),
    # North American: (555) 123-4567, 555-123-4567, 555.123.4567, 555 123 4567.
    re.compile(rf"(?<![\w+])(?:\(\d{{3}}\){_SEP}?|\d{{3}}{_SEP})\d{{3}}{_SEP}\d{{4}}(?!\w)"),
    # National numbers with a trunk 0: 07700 900123, 020 7946 0958, 06 12 34 56 78.
    re.compile(rf"(?<![\w+])0\d{{2,4}}{_SEP}\d{{3,4}}(?:{_SEP}?\d{{3,4}})?(?!\w)"),
    re.compile(rf"(?<![\w+])0\d(?:{_SEP}\d{{2}}){{4}}(?!\w)"),
)

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

_STREET_SUFFIX = (
    r"(?i:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|"
    r"terrace|close|crescent|square|sq|highway|hwy|parkway|pkwy|calle|rue|strasse|straße)"
)
_ADDRESS_PATTERNS = (
    # 123 Main St, 42 Rose Garden Lane, 7b Baker Street: a number, capitalised words, a suffix.
    re.compile(rf"\b\d{{1,5}}[A-Za-z]?,?\s+(?:[A-Z][\w'’-]*\s+){{1,4}}{_STREET_SUFFIX}\b\.?"),
    # Hauptstraße 12, Rue de Rivoli 5 style (name first): capitalised words ending in a suffix.
    re.compile(r"\b[A-Z][\w'’-]*(?:straße|strasse|gasse|weg|platz)\s+\d{1,5}[a-z]?\b"),
    re.compile(r"\bP\.?\s?O\.?\s+Box\s+\d+\b", re.I),
)


def find_pii(text: str) -> tuple[PiiKind, ...]:
    """The kinds of personal information ``text`` seems to contain, in a fixed order."""
    found: list[PiiKind] = []
    if _has_phone(text):
        found.append(PiiKind.PHONE)
    if _EMAIL.search(text):
        found.append(PiiKind.EMAIL)
    if any(p.search(text) for p in _ADDRESS_PATTERNS):
        found.append(PiiKind.ADDRESS)
    return tuple(found)


def _has_phone(text: str) -> bool:
    """A candidate counts only with 7-15 digits (ITU E.164 allows 15) and is not a date."""
    for pattern in _PHONE_PATTERNS:
        for match in pattern.finditer(text):
            digits = sum(ch.isdigit() for ch in match.group())
            if 7 <= digits <= 15 and not _looks_like_date_range(match.group()):
                return True
    return False


_DATE_RANGE = re.compile(r"^\d{4}\s*[-.]\s*\d{4}$")


def _looks_like_date_range(candidate: str) -> bool:
    return bool(_DATE_RANGE.match(candidate.strip()))
