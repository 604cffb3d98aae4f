"""Checks on what a reporter typed, each returning the clean value or a message for them.

Pure functions, no storage: the service turns a message into a :class:`~bot.reports.models.Refusal`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.reports.models import Basis, RefusalReason

TEXT_MIN = 30
TEXT_MAX = 2000
DECISION_REASON_MAX = 1000
ORG_NAME_MAX = 100
LINKS_MAX = 10
LINK_MAX = 500
# Evidence is shown in one embed field (1,024 characters) with room for a label.
EVIDENCE_MAX = 1000
SLUG_MAX = 64


@dataclass(frozen=True)
class Problem:
    """Why an input was refused, in words for the person who typed it."""

    reason: RefusalReason
    message: str


def check_text(text: str, *, minimum: int = TEXT_MIN) -> str | Problem:
    """The report text without surrounding whitespace, if its length is within limits."""
    clean = text.strip()
    if len(clean) < minimum:
        return Problem(
            RefusalReason.TOO_SHORT,
            f"Your report is {len(clean)} characters long; please write at least {minimum} "
            "so moderators can understand what happened.",
        )
    if len(clean) > TEXT_MAX:
        return Problem(
            RefusalReason.TOO_LONG,
            f"Your report is {len(clean):,} characters long; the limit is {TEXT_MAX:,}. "
            "Please shorten it (you can put details in a linked document).",
        )
    return clean


def check_evidence(evidence: str) -> tuple[str, ...] | Problem:
    """The evidence links, one per whitespace-separated word; only http and https are allowed.

    Other schemes (``javascript:``, ``ftp:``, ``file:``, ``data:``) are refused by name, since a
    link shown to moderators must be safe to click.
    """
    links = tuple(evidence.split())
    if len(links) > LINKS_MAX:
        return Problem(
            RefusalReason.TOO_MANY_LINKS,
            f"You gave {len(links)} links; please keep to the {LINKS_MAX} most important.",
        )
    for link in links:
        bad = _link_problem(link)
        if bad:
            return Problem(RefusalReason.BAD_LINK, f"This link isn't accepted: {link!r} — {bad}")
    if len("\n".join(links)) > EVIDENCE_MAX:
        return Problem(
            RefusalReason.TOO_MANY_LINKS,
            f"Your links add up to more than {EVIDENCE_MAX:,} characters; please shorten them.",
        )
    return links


def _link_problem(link: str) -> str | None:
    if len(link) > LINK_MAX:
        return f"links can be at most {LINK_MAX} characters."
    try:
        parts = urlsplit(link)
    except ValueError:
        return "it is not a valid web address."
    if parts.scheme.lower() not in ("http", "https"):
        return "only http:// and https:// links are allowed."
    if not parts.hostname or "." not in parts.hostname:
        return "it has no web site name (like example.org)."
    return None


def check_basis(basis: str | Basis) -> Basis | Problem:
    """The basis as an enum, accepting its value (``first-hand``) or its label."""
    try:
        return Basis(str(basis).strip().lower().replace(" ", "-"))
    except ValueError:
        choices = ", ".join(b.label for b in Basis)
        return Problem(RefusalReason.BAD_BASIS, f"Please choose how you know this: {choices}.")


def check_criterion(criterion: int | None) -> int | Problem | None:
    """A criterion number 1-10, or ``None`` for a general report."""
    if criterion is None or 1 <= criterion <= 10:
        return criterion
    return Problem(
        RefusalReason.BAD_CRITERION, "Please pick a criterion from 1 to 10, or 'general'."
    )


def check_org_name(name: str) -> str | Problem:
    """The organization name with runs of whitespace collapsed."""
    clean = " ".join(name.split())
    if not clean or len(clean) > ORG_NAME_MAX:
        return Problem(
            RefusalReason.BAD_ORG,
            f"Please give the organization's name (1 to {ORG_NAME_MAX} characters).",
        )
    return clean


def slugify(name: str) -> str:
    """A lowercase ASCII id like the knowledge base's (``free-the-people``); may be empty."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:SLUG_MAX].rstrip("-")
