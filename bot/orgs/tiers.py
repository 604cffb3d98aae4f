"""How well one normalized name fits a query, in four tiers from near-miss to full match.

Shared by the organization index (:mod:`bot.orgs.index`) and the registry directory
(:mod:`bot.directory.match`): both rank candidates by rapidfuzz first, then let
:func:`classify` say which of them really fit before deciding.
"""

from __future__ import annotations

from enum import IntEnum

from rapidfuzz import fuzz

from bot.orgs.normalize import FILLER, GENERIC, compact

_FULL_RATIO = 90.0
_NEAR_RATIO = 70.0


class Tier(IntEnum):
    """How well one key fits a query, from the classification step."""

    NEAR = 0
    WEAK = 1
    PARTIAL = 2
    FULL = 3


def classify(
    text: str,
    flat: str,
    words: list[str],
    expansions: dict[str, frozenset[str]],
    key: str,
) -> Tier | None:
    """How ``key`` fits the query; None when it does not fit at all."""
    key_words = key.split()
    key_set = set(key_words)
    used: set[str] = set()
    all_found = True
    distinctive = False
    for word in words:
        hit = expansions[word] & key_set
        if hit:
            used |= hit
            # A typo of a common word ("foundation" ~ "fundacion") identifies nothing.
            distinctive = distinctive or (
                word not in GENERIC and any(h not in GENERIC and len(h) >= 3 for h in hit)
            )
        else:
            all_found = False
    rest = [w for w in key_words if w not in used and w not in FILLER]
    if all_found and not rest:
        return Tier.FULL
    ratio = fuzz.ratio(text, key)
    if len(flat) >= 6:
        # Typos the word check cannot see ("proj" for "project"): the whole string is
        # nearly equal and no word is missing. Spacing differences: compare space-free.
        same_length = len(words) == len(key_words) - sum(w in FILLER for w in key_words)
        if same_length and max(ratio, fuzz.token_sort_ratio(text, key)) >= _FULL_RATIO:
            return Tier.FULL
        if (len(words) == 1 or len(key_words) == 1) and fuzz.ratio(
            flat, compact(key)
        ) >= _FULL_RATIO:
            return Tier.FULL
    if all_found and (distinctive or len(words) >= 3):
        # Three common words in one name ("sex worker outreach project") are specific;
        # one or two ("rescue mission") are not.
        return Tier.PARTIAL
    if all_found and len(words) >= 2:
        return Tier.WEAK
    return Tier.NEAR if ratio >= _NEAR_RATIO else None
