"""Finding the organization a member means, from a name typed with typos, in any order.

Built once from :class:`OrgRecord` s, an :class:`OrgIndex` answers with one of three outcomes and
never guesses silently:

* ``MATCH``: an exact name, alias or acronym (after normalization) always wins; otherwise one
  organization clearly fits better than every other.
* ``AMBIGUOUS``: several organizations fit about equally well; up to five are offered.
* ``NONE``: nothing fits. A query that only shares common words ("rescue", "network") with a name
  is not a match; ``candidates`` may then hold a few near-misses to suggest.

How a lookup works, and why it scales to a million names:

1. exact hits on the space-free normalized names and aliases, then on derived acronyms (a dict);
2. candidates: each query word is looked up in a word index (word -> keys containing it); words
   that are not in the vocabulary are replaced by the vocabulary words at a small edit distance
   (typos). Keys are counted by how many query words they contain, rarest words first, and the
   best few hundred kept. Tiny indexes also rapidfuzz-score every key, so nothing is missed;
3. the candidates are ranked by the better of rapidfuzz's ``ratio`` (typos, even in a word's
   first letter) and ``token_sort_ratio`` (word order), see :func:`score`, and
   each is classified: *full* (every word accounted for, or the whole string nearly equal),
   *partial* (every query word is in the name, and one of them is distinctive: "Amnesty" for
   "Amnesty International"), *weak* (several common words only) or a *near-miss*.
"""

from __future__ import annotations

import asyncio
import bisect
import heapq
import logging
import re
import time
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from bot.loop_turns import in_turn
from bot.orgs.normalize import FILLER, acronyms, compact, normalize
from bot.orgs.tiers import Tier, classify
from bot.orgs.vocabulary import Vocabulary, add_to, yield_to_event_loop

if TYPE_CHECKING:
    from bot.knowledge.loader import Knowledge

log = logging.getLogger(__name__)

MAX_CANDIDATES = 5
MAX_COMPLETIONS = 25
SCORERS = (fuzz.ratio, fuzz.token_sort_ratio)
"""The rapidfuzz scorers whose best score ranks candidates (typos and word order, without the
partial-match inflation of ``WRatio``, which scores unrelated short names 85+)."""

_FULL_SCAN_MAX_KEYS = 1_000  # below this, rapidfuzz scores every key (well under a millisecond)
_INLINE_MAX_KEYS = 20_000  # below this, async lookups run inline (p99 ~ 1 ms, see benchmarks)
_PREFILTER_KEEP = 200  # keys kept from the word index for rapidfuzz to rank
_TIE_KEEP = 2_000  # ... or more when that many hold all the words the best keys hold
_TIE_KEEP_SMALL = 500  # the same up to _INLINE_MAX_KEYS, where such ties are rarely that big
_COMPLETE_KEEP = 150  # the same for autocomplete, which ranks with the slower WRatio
_PROBE_TOP = 6_000  # keys (most query words first) probed for the groups not counted
_COMPLETE_PROBE_TOP = 500
_CLASSIFY_KEEP = 30  # ranked keys that are classified into full/partial/weak/near
_MAX_QUERY_WORDS = 12
_MIN_FUZZY_CHARS = 4  # shorter queries must hit a name, alias or acronym exactly
# Scanning a question for an organization's name (OrgIndex.mentioned): names of up to this many
# words, in the first _MENTION_MAX_TOKENS words; one-word names shorter than _MENTION_MIN_CHARS
# letters that are everyday words count only in capitals.
_MENTION_MAX_WORDS, _MENTION_MAX_TOKENS, _MENTION_MIN_CHARS = 12, 80, 4
# Short aliases that are also everyday words ("our", "ice"): in a sentence, only in capitals
# ("OUR", "ICE"). Other short ones ("fbi", "dhs", "hrw") count however they are typed.
_EVERYDAY = "our ice us act end one all any can aid may new now see way who why how"
_EVERYDAY_WORDS = frozenset(_EVERYDAY.split())
_POSSESSIVE = re.compile(r"['\u2019]s?(?=[^\w]*$)")
_MENTION_PUNCTUATION = " \t?!.,;:'\"()[]“”‘’"
_MARGIN = 5.0  # a full match wins outright when it beats the next organization by this much


@dataclass(frozen=True, slots=True)
class OrgRecord:
    """What the index needs to know about one organization."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()


class Outcome(StrEnum):
    """The three answers a lookup can give."""

    MATCH = "match"
    AMBIGUOUS = "ambiguous"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Candidate:
    """An organization that fits a query; ``matched`` is the name, alias or acronym that fit."""

    id: str
    name: str
    score: float
    matched: str


@dataclass(frozen=True)
class OrgMatch:
    """The result of a lookup.

    ``best`` is set only for ``MATCH`` (and is then ``candidates[0]``, followed by runners-up).
    For ``AMBIGUOUS`` the candidates are the choices to offer; for ``NONE`` they are near-misses
    to suggest, or empty. Never more than five.
    """

    outcome: Outcome
    best: Candidate | None
    candidates: list[Candidate]


def org_records(knowledge: Knowledge) -> list[OrgRecord]:
    """The records to index for every organization in the knowledge base."""
    return [
        OrgRecord(id=org.id, name=org.name, aliases=tuple(org.aliases))
        for org in knowledge.orgs.values()
    ]


def _values(hit: int | tuple[int, ...]) -> tuple[int, ...]:
    return (hit,) if isinstance(hit, int) else hit


def score(query: str, key: str) -> float:
    """How well normalized ``key`` fits normalized ``query``, 0-100 (see :data:`SCORERS`)."""
    return max(scorer(query, key) for scorer in SCORERS)


def _sort_words(key: str) -> str:
    """``key`` with its words in order, as ``token_sort_ratio`` compares it (``key`` itself
    when already in order, so most keys cost no memory)."""
    words = key.split()
    ordered = sorted(words)
    return key if ordered == words else " ".join(ordered)


class OrgIndex:
    """An immutable index of organization names; see the module docstring for how it matches."""

    def __init__(self) -> None:
        # Use OrgIndex.build(); the constructor only declares the fields.
        self._records: list[OrgRecord] = []
        self._keys: list[str] = []  # normalized names and aliases, scored by rapidfuzz
        self._key_org = array("i")  # key id -> record index
        self._key_display: list[str] = []  # key id -> the name or alias as written
        # key id -> its words sorted: token_sort_ratio(q, k) is ratio(sorted q, sorted k), so
        # ranking a big pool needs no per-key sorting (the key itself when already sorted).
        self._sorted_keys: list[str] = []
        self._exact: dict[str, int | tuple[int, ...]] = {}  # compact key -> key ids
        self._acronyms: dict[str, int | tuple[int, ...]] = {}  # acronym -> record indexes
        self._first_words: set[str] = set()  # first words of the names, for mentioned()
        self._acronym_display: dict[str, str] = {}
        self.words = Vocabulary([], threaded=False)  # the words of the keys
        self._keys_sorted = array("i")  # key ids in alphabetical order of their key
        self._first: list[int] = []  # record indexes of the alphabetically first names
        self._threaded = False  # whether the async methods run lookups in a worker thread

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def build(cls, records: Iterable[OrgRecord]) -> OrgIndex:
        """Index ``records`` once; lookups never rebuild. Duplicate ids keep the first record."""
        started = time.perf_counter()
        index = cls()
        seen_ids: set[str] = set()
        for record in records:
            if record.id in seen_ids:
                log.warning("organization id %r indexed twice; keeping the first", record.id)
                continue
            seen_ids.add(record.id)
            org = len(index._records)
            index._records.append(record)
            own_keys: set[str] = set()
            for display in (record.name, *record.aliases):
                key = normalize(display)
                if not key or key in own_keys:
                    continue
                own_keys.add(key)
                key_id = len(index._keys)
                index._keys.append(key)
                index._key_org.append(org)
                index._key_display.append(display)
                add_to(index._exact, compact(key), key_id)
                index._first_words.add(key.split()[0])
                for acronym in acronyms(display):
                    add_to(index._acronyms, acronym, org)
                    index._acronym_display.setdefault(acronym, acronym.upper())
        index._sorted_keys = [_sort_words(key) for key in index._keys]
        index._threaded = len(index._keys) > _INLINE_MAX_KEYS
        index.words = Vocabulary(index._keys, threaded=index._threaded)
        index._keys_sorted = array(
            "i", sorted(range(len(index._keys)), key=index._keys.__getitem__)
        )
        index._first = heapq.nsmallest(
            MAX_COMPLETIONS,
            range(len(index._records)),
            key=lambda i: (index._records[i].name.casefold(), index._records[i].name),
        )
        log.info(
            "indexed %d organizations (%d names and aliases, %d words) in %.2f s",
            len(index._records),
            len(index._keys),
            len(index.words),
            time.perf_counter() - started,
        )
        return index

    def __len__(self) -> int:
        return len(self._records)

    def _yield(self) -> None:
        """Between two long C calls of a lookup in a worker thread, let the event loop run."""
        if self._threaded:
            yield_to_event_loop()

    # -- shared helpers ---------------------------------------------------------------------

    def _candidate(self, key_id: int, score: float) -> Candidate:
        record = self._records[self._key_org[key_id]]
        return Candidate(record.id, record.name, round(score, 1), self._key_display[key_id])

    def _rank(self, text: str, key_ids: list[int], limit: int) -> list[tuple[str, float, int]]:
        """The ``limit`` best of ``key_ids`` by :func:`score`, as ``(key, score, key id)``.

        ``score`` is the better of ``ratio`` and ``token_sort_ratio``; the second is ``ratio``
        on the word-sorted forms, precomputed at build time, so a pool of a thousand keys
        costs two fast C calls. The best ``limit`` by the maximum of two scorers are all among
        the best ``limit`` of one of them.
        """
        sorted_text = _sort_words(text)
        best: dict[int, float] = {}
        for query, forms in ((text, self._keys), (sorted_text, self._sorted_keys)):
            self._yield()  # each extract over a big pool is one C call holding the GIL
            choices = [forms[k] for k in key_ids]
            for _, value, i in process.extract(
                query, choices, scorer=fuzz.ratio, processor=None, limit=limit
            ):
                key_id = key_ids[i]
                if value > best.get(key_id, -1.0):
                    best[key_id] = value
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [(self._keys[k], value, k) for k, value in ranked]

    # -- lookup -----------------------------------------------------------------------------

    def lookup(self, query: str) -> OrgMatch:
        """Find the organization ``query`` names: a match, a few choices, or none."""
        text = normalize(query)
        if not text:
            return OrgMatch(Outcome.NONE, None, [])
        flat = compact(text)
        exact = self._exact.get(flat)
        if exact is not None:
            # Report the name or alias as typed when several share a space-free form
            # ("Decrim NY" and "DecrimNY"); otherwise the name, indexed before the aliases.
            key_ids = sorted(_values(exact), key=lambda k: (self._keys[k] != text, k))
            return self._decide_exact([self._candidate(k, 100.0) for k in key_ids])
        acronym = self._acronyms.get(flat)
        if acronym is not None:
            shown = self._acronym_display[flat]
            hits = [
                Candidate(self._records[o].id, self._records[o].name, 100.0, shown)
                for o in _values(acronym)
            ]
            return self._decide_exact(hits)
        if len(flat) < _MIN_FUZZY_CHARS:
            return OrgMatch(Outcome.NONE, None, [])
        return self._fuzzy(text, flat)

    def mentioned(self, text: str) -> str | None:
        """The name or alias of the one organization that ``text`` says word for word, as
        written there ("has ACLU done anything bad" -> "ACLU"), or None (none, or several).

        A name inside a longer one found ("SWOP" in "SWOP Behind Bars") does not count. A short
        word alone that is also an everyday word counts only in capitals as typed ("OUR",
        "ICE"), so that "our" and "ice" in a sentence are not taken for organizations.
        """
        tokens = text.split()[:_MENTION_MAX_TOKENS]
        # Each word normalized once; a run of words is then the join of its words' forms.
        normalized = [normalize(token.strip(_MENTION_PUNCTUATION)) for token in tokens]
        words = [compact(word) for word in normalized]
        # "decrimny's reputation": a name's last word may carry a possessive.
        bare_tokens = [
            _POSSESSIVE.sub("", token) if "'" in token or "\u2019" in token else token
            for token in tokens
        ]
        bare = [
            compact(normalize(b.strip(_MENTION_PUNCTUATION))) if b != t else w
            for t, b, w in zip(tokens, bare_tokens, words, strict=True)
        ]
        found: list[tuple[int, int, int, str]] = []  # (start, end, organization, as written)
        for i, word in enumerate(normalized):
            if not word or (
                word.split()[0] not in self._first_words and bare[i] not in self._first_words
            ):
                continue  # no name starts with this word: the common case, one set lookup
            for n in range(min(_MENTION_MAX_WORDS, len(tokens) - i), 0, -1):
                flat = "".join(words[i : i + n])
                hit = self._exact.get(flat) if flat else None
                last = tokens[i + n - 1]
                if hit is None and bare[i + n - 1] != words[i + n - 1]:
                    flat = "".join(words[i : i + n - 1]) + bare[i + n - 1]
                    hit = self._exact.get(flat) if flat else None
                    last = bare_tokens[i + n - 1]
                if hit is None:
                    continue
                span = " ".join([*tokens[i : i + n - 1], last]).strip(_MENTION_PUNCTUATION)
                if (
                    n == 1
                    and len(flat) < _MENTION_MIN_CHARS
                    and not span.isupper()
                    and flat in _EVERYDAY_WORDS
                ):
                    continue
                for key_id in _values(hit):
                    found.append((i, i + n, self._key_org[key_id], span))
                break  # the longest name starting here
        # A name inside a longer one found does not count.
        found = [
            f
            for f in found
            if not any(g[0] <= f[0] and f[1] <= g[1] and g[1] - g[0] > f[1] - f[0] for g in found)
        ]
        if len({org for _, _, org, _ in found}) != 1:
            return None  # none, or two organizations: the asker must say which
        return found[0][3]

    def _decide_exact(self, hits: list[Candidate]) -> OrgMatch:
        first: dict[str, Candidate] = {}
        for hit in hits:
            first.setdefault(hit.id, hit)
        unique = list(first.values())
        if len(unique) == 1:
            return OrgMatch(Outcome.MATCH, unique[0], unique)
        return OrgMatch(Outcome.AMBIGUOUS, None, unique[:MAX_CANDIDATES])

    def _fuzzy(self, text: str, flat: str) -> OrgMatch:
        words = [w for w in text.split() if w not in FILLER][:_MAX_QUERY_WORDS]
        if not words:
            words = text.split()[:_MAX_QUERY_WORDS]
        expansions = {w: self.words.expand(w) for w in words}
        groups = list(expansions.values())
        groups += [self.words.variants(w) for w in words]
        if len(words) > 1:
            groups.append(self.words.expand(flat))  # "decrim nyc" may be a typo of "decrimny"
        counts = self.words.count(groups, _PROBE_TOP)
        tie_keep = _TIE_KEEP if self._threaded else _TIE_KEEP_SMALL
        common = self.words.top(counts, _PREFILTER_KEEP, tie_keep)
        if len(self._keys) <= _FULL_SCAN_MAX_KEYS:
            pool = list(range(len(self._keys)))
        else:
            pool = [k for k, _ in common]
        self._yield()
        ranked = self._rank(text, pool, _CLASSIFY_KEEP)
        self._yield()
        # Classify the best-ranked keys, plus the keys holding the most query words (a partial
        # name like "Amnesty" ranks low against "Amnesty International" but holds every word).
        shortlist = dict.fromkeys(r[2] for r in ranked[:_CLASSIFY_KEEP])
        if common:
            top_count = common[0][1]
            for key_id, n in common[:_CLASSIFY_KEEP]:
                if n == top_count:
                    shortlist[key_id] = None
        score_of = {r[2]: r[1] for r in ranked}
        for key_id in shortlist:
            if key_id not in score_of:  # held the most words but ranked lower
                score_of[key_id] = score(text, self._keys[key_id])
        by_tier: dict[Tier, dict[str, Candidate]] = {tier: {} for tier in Tier}
        for key_id in shortlist:
            tier = classify(text, flat, words, expansions, self._keys[key_id])
            if tier is None:
                continue
            candidate = self._candidate(key_id, score_of[key_id])
            best = by_tier[tier].get(candidate.id)
            if best is None or candidate.score > best.score:
                by_tier[tier][candidate.id] = candidate
        return self._decide(by_tier)

    @staticmethod
    def _decide(by_tier: dict[Tier, dict[str, Candidate]]) -> OrgMatch:
        def ranked(tier: Tier) -> list[Candidate]:
            return sorted(by_tier[tier].values(), key=lambda c: (-c.score, c.name))

        full = ranked(Tier.FULL)
        partial = ranked(Tier.PARTIAL)
        if full:
            runners = [c for c in partial if c.id not in {f.id for f in full}]
            if len(full) == 1 or full[0].score - full[1].score >= _MARGIN:
                return OrgMatch(Outcome.MATCH, full[0], (full + runners)[:MAX_CANDIDATES])
            return OrgMatch(Outcome.AMBIGUOUS, None, full[:MAX_CANDIDATES])
        if len(partial) == 1:
            return OrgMatch(Outcome.MATCH, partial[0], partial)
        if partial:
            return OrgMatch(Outcome.AMBIGUOUS, None, partial[:MAX_CANDIDATES])
        weak = ranked(Tier.WEAK)
        if len(weak) > 1:
            return OrgMatch(Outcome.AMBIGUOUS, None, weak[:MAX_CANDIDATES])
        near = weak + [c for c in ranked(Tier.NEAR) if c.id not in by_tier[Tier.WEAK]]
        return OrgMatch(Outcome.NONE, None, near[:MAX_CANDIDATES])

    # -- autocomplete -----------------------------------------------------------------------

    def complete(self, text: str, limit: int = MAX_COMPLETIONS) -> list[Candidate]:
        """Suggestions while typing: whole-name prefixes, word prefixes, then typo matches.

        Empty text gives the first ``limit`` names alphabetically. Never more than 25.
        """
        limit = max(0, min(limit, MAX_COMPLETIONS))
        if limit == 0:
            return []
        typed = normalize(text)
        if not typed:
            return [
                Candidate(self._records[i].id, self._records[i].name, 100.0, self._records[i].name)
                for i in self._first[:limit]
            ]
        found: dict[str, Candidate] = {}
        flat = compact(typed)
        for hit in _values(self._acronyms.get(flat, ())):
            record = self._records[hit]
            found.setdefault(
                record.id,
                Candidate(record.id, record.name, 100.0, self._acronym_display[flat]),
            )
        # Whole-name prefixes, shortest first ("polaris" before "polaris project").
        start = bisect.bisect_left(self._keys_sorted, typed, key=self._keys.__getitem__)
        prefixed: list[int] = []
        for key_id in self._keys_sorted[start : start + limit * 4]:
            if not self._keys[key_id].startswith(typed):
                break
            prefixed.append(key_id)
        for key_id in sorted(prefixed, key=lambda k: (len(self._keys[k]), self._keys[k])):
            candidate = self._candidate(key_id, 100.0)
            found.setdefault(candidate.id, candidate)
        if len(found) >= limit:
            return list(found.values())[:limit]
        # Word prefixes and typos: earlier words complete (or typos of known words), the last
        # one may be unfinished.
        words = [w for w in typed.split() if w not in FILLER][:_MAX_QUERY_WORDS] or typed.split()
        groups = [self.words.expand(w) for w in words[:-1]]
        last = words[-1]
        groups.append(self.words.expand(last) | frozenset(self.words.prefix_words(last)))
        wanted = sum(1 for g in groups if g)
        counts = self.words.count(groups, _COMPLETE_PROBE_TOP, skip_common=True)
        pool = {
            k: self._keys[k]
            for k, n in self.words.top(counts, _COMPLETE_KEEP)
            if n >= max(1, wanted - 1)
        }
        ranked = process.extract(typed, pool, scorer=fuzz.WRatio, processor=None, limit=None)
        ranked.sort(key=lambda r: (-counts[r[2]], -r[1]))
        for _, score, key_id in ranked:
            candidate = self._candidate(key_id, score)
            found.setdefault(candidate.id, candidate)
            if len(found) >= limit:
                break
        return list(found.values())[:limit]

    # -- async ------------------------------------------------------------------------------

    async def lookup_async(self, query: str) -> OrgMatch:
        """:meth:`lookup` without blocking the event loop: big indexes work in a thread,
        small ones on the loop, taking turns with other such steps (:mod:`bot.loop_turns`)."""
        if not self._threaded:
            return await in_turn(self.lookup, query)
        return await asyncio.to_thread(self.lookup, query)

    async def complete_async(self, text: str, limit: int = MAX_COMPLETIONS) -> list[Candidate]:
        """:meth:`complete` without blocking the event loop: big indexes work in a thread;
        small ones complete at once on the loop (~35 µs on the curated organizations, too
        little to be worth waiting a turn behind other members' lookups)."""
        if not self._threaded:
            return self.complete(text, limit)
        return await asyncio.to_thread(self.complete, text, limit)
