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
import threading
import time
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from itertools import islice
from operator import itemgetter
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.orgs.normalize import FILLER, GENERIC, NAME_STOPWORDS, acronyms, compact, normalize

if TYPE_CHECKING:
    from bot.knowledge.loader import Knowledge

log = logging.getLogger(__name__)
_paused = threading.local()  # when this worker thread last let the event loop run

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
_POSTING_BUDGET = 150_000  # postings counted per lookup, at most
_COMMON_POSTING = 40_000  # words in more keys than this are only counted if nothing rarer is
_COMPLETE_COMMON_POSTING = 10_000  # the same for autocomplete: probed, not counted
_COUNT_SLICE = 8192
_PAUSE_EVERY = 0.001  # seconds of work between two chances for the event loop to run
_PROBE_MAX_KEYS = 1_000  # with at most this many keys found, bigger groups are probed, not counted
_PROBE_MIN_POSTING = 2_000  # groups in fewer keys than this are always counted (cheap)
_PROBE_RATIO = 4  # probe a group in more than this many times the keys found so far
_MAX_QUERY_WORDS = 12
_MIN_FUZZY_CHARS = 4  # shorter queries must hit a name, alias or acronym exactly
_MARGIN = 5.0  # a full match wins outright when it beats the next organization by this much
_FULL_RATIO = 90.0
_NEAR_RATIO = 70.0
_EXPAND_CACHE = 4096
_VARIANTS_MAX = 24  # known words gathered for a word that may be a typo (ties in edits: all)
_MAX_FUZZY_WORD = 24
_PREFIX_EXPAND_MAX = 60  # vocabulary words a typed prefix may stand for in autocomplete


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


class _Tier(IntEnum):
    """How well one key fits a query, from the classification step."""

    NEAR = 0
    WEAK = 1
    PARTIAL = 2
    FULL = 3


def org_records(knowledge: Knowledge) -> list[OrgRecord]:
    """The records to index for every organization in the knowledge base."""
    return [
        OrgRecord(id=org.id, name=org.name, aliases=tuple(org.aliases))
        for org in knowledge.orgs.values()
    ]


def _add(table: dict[str, int | tuple[int, ...]], key: str, value: int) -> None:
    """Map ``key`` to ``value``; a key shared by several values maps to a tuple (rare)."""
    old = table.get(key)
    if old is None:
        table[key] = value
    elif isinstance(old, int):
        if old != value:
            table[key] = (old, value)
    elif value not in old:
        table[key] = (*old, value)


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


def _deletions(word: str) -> list[str]:
    return [word[:i] + word[i + 1 :] for i in range(len(word))]


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
        self._acronym_display: dict[str, str] = {}
        self._postings: dict[str, array] = {}  # word -> key ids containing it
        self._deletes: dict[str, str | tuple[str, ...]] = {}  # word minus one letter -> words
        # A small cache of typo neighbours: people type the same words again and again.
        self._expanded: dict[tuple[str, int, int], frozenset[str]] = {}
        self._vocab_sorted: list[str] = []
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
        postings: dict[str, array] = {}
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
                _add(index._exact, compact(key), key_id)
                for word in set(key.split()) - NAME_STOPWORDS:
                    posting = postings.get(word)
                    if posting is None:
                        posting = postings[word] = array("i")
                    posting.append(key_id)
                for acronym in acronyms(display):
                    _add(index._acronyms, acronym, org)
                    index._acronym_display.setdefault(acronym, acronym.upper())
        index._postings = postings
        index._sorted_keys = [_sort_words(key) for key in index._keys]
        index._threaded = len(index._keys) > _INLINE_MAX_KEYS
        for word in postings:
            if len(word) >= 4:  # targets of typo'd query words (which have 5+ letters)
                for i in range(len(word)):
                    _add(index._deletes, word[:i] + word[i + 1 :], word)  # type: ignore[arg-type]
        index._vocab_sorted = sorted(postings)
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
            len(postings),
            time.perf_counter() - started,
        )
        return index

    def __len__(self) -> int:
        return len(self._records)

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
            self._pause()  # each extract over a big pool is one C call holding the GIL
            choices = [forms[k] for k in key_ids]
            for _, value, i in process.extract(
                query, choices, scorer=fuzz.ratio, processor=None, limit=limit
            ):
                key_id = key_ids[i]
                if value > best.get(key_id, -1.0):
                    best[key_id] = value
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [(self._keys[k], value, k) for k, value in ranked]

    def _expand(self, word: str) -> frozenset[str]:
        """The vocabulary words ``word`` may stand for: itself if known, else close typos."""
        if word in self._postings:
            return frozenset((word,))
        if not 5 <= len(word) <= _MAX_FUZZY_WORD:
            # One edit in a short word makes a different word; past 24 letters it is no word
            # (and the deletion probes would grow with the square of its length).
            return frozenset()
        return self._near(word, 1 if len(word) < 8 else 2)

    def _variants(self, word: str) -> frozenset[str]:
        """Known words one edit from ``word``, only to gather candidates, never to decide that
        a word matched: a known word may itself be a typo ("zelor" typed for "zelcor"), and
        so may an unknown four-letter one ("hose" for "house", "brel" for "berel"). For a
        longer unknown word, all its close typos rather than the first eight by spelling."""
        if word in self._postings:
            if not 5 <= len(word) <= _MAX_FUZZY_WORD:
                return frozenset()
            return self._near(word, 1, _VARIANTS_MAX) - {word}
        if len(word) == 4:
            return self._near(word, 1, _VARIANTS_MAX)
        if len(word) <= _MAX_FUZZY_WORD:
            # Only those _expand leaves out: a key holding one counts once, not twice.
            return self._near(word, 1 if len(word) < 8 else 2, _VARIANTS_MAX) - self._expand(word)
        return frozenset()

    def _near(self, word: str, distance: int, most: int = 8) -> frozenset[str]:
        """Vocabulary words within ``distance`` edits of ``word`` (at most ``most``, closest
        first)."""
        cached = self._expanded.get((word, distance, most))
        if cached is not None:
            return cached
        # Symmetric deletions (SymSpell): a vocabulary word one edit away shares a one-letter
        # deletion with the query word, so a few dict probes replace a scan of the vocabulary.
        probes = {word, *_deletions(word)}
        if distance == 2 and len(word) <= 16:
            probes.update(d2 for d1 in list(probes) for d2 in _deletions(d1))
        near: set[str] = set()
        for probe in probes:
            if probe in self._postings:
                near.add(probe)
            hit = self._deletes.get(probe)
            if hit is not None:
                near.update((hit,) if isinstance(hit, str) else hit)
        # Two deletions in the query word against one in the vocabulary cover most two-edit
        # typos; the rest (two letters missing) would need a scan of the vocabulary, which at a
        # million names costs ~10 ms in one C call: the other words and the ratio check on the
        # whole name usually still find them.
        found = {w for w in near if OSA.distance(word, w, score_cutoff=distance) <= distance}
        result = frozenset(sorted(found, key=lambda w: (OSA.distance(word, w), w))[:most])
        if len(self._expanded) >= _EXPAND_CACHE:
            self._expanded.clear()
        self._expanded[(word, distance, most)] = result
        return result

    def _prefix_words(self, prefix: str) -> list[str]:
        """Vocabulary words starting with ``prefix``, or none if too many to be useful."""
        start = bisect.bisect_left(self._vocab_sorted, prefix)
        end = bisect.bisect_left(self._vocab_sorted, prefix + "\U0010ffff", lo=start)
        if end - start > _PREFIX_EXPAND_MAX:
            return []
        return self._vocab_sorted[start:end]

    def _pause(self) -> None:
        """Let the event loop have the GIL now, if it wants it, rather than after the
        interpreter's 5 ms switch interval: big indexes look up in a worker thread. At most
        once a millisecond per thread: ``sleep(0)`` itself costs ~0.1 ms."""
        if self._threaded:
            now = time.perf_counter()
            if now - getattr(_paused, "at", 0.0) >= _PAUSE_EVERY:
                time.sleep(0)
                _paused.at = time.perf_counter()

    def _top(self, counts: Counter[int], limit: int, tie_limit: int = 0) -> list[tuple[int, int]]:
        """At most ``limit`` keys holding the most query words, most first: whole levels of
        equal count while they fit, then the first keys of the next level (those holding the
        rarest words, counted first). Keys that all hold the most words may fill up to
        ``tie_limit`` ("uganda house union": a few hundred names hold "uganda" and "union").
        rapidfuzz ranks the pool afterwards, so no finer tie-break is needed here; a
        histogram of the counts (in C) avoids sorting them all.
        """
        if len(counts) <= limit:
            return sorted(counts.items(), key=itemgetter(1), reverse=True)
        # In slices, like counting: one C call over 100k+ counts would hold the GIL for ms.
        histogram: Counter[int] = Counter()
        values = iter(counts.values())
        for _ in range(0, len(counts), _COUNT_SLICE):
            histogram.update(islice(values, _COUNT_SLICE))
            self._pause()
        levels = sorted(histogram.items(), reverse=True)
        if levels[0][1] >= limit:
            cut, need = levels[0][0], max(limit, tie_limit)
        else:
            need, cut = limit, 0
            for level, size in levels:
                if size >= need:
                    cut = level
                    break
                need -= size
        above = sorted(
            (item for item in counts.items() if item[1] > cut), key=itemgetter(1), reverse=True
        )
        return above + list(islice((item for item in counts.items() if item[1] == cut), need))

    def _count_candidates(
        self,
        groups: list[frozenset[str]],
        probe_top: int,
        *,
        skip_common: bool = False,
    ) -> Counter[int]:
        """Key ids counted by how many word groups they contain, rarest groups first.

        A very common group ("family" in 1 name of 8), or one past the budget, is not counted
        once rarer groups found keys: it is probed instead (does the key hold one of its
        words?) on the ``probe_top`` keys holding the most counted words, and the result is
        limited to those keys. With ``skip_common`` (autocomplete: a suggestion, where
        whole-name prefixes cover common words) a common group is never counted, and
        once rarer groups found a few keys a much bigger group is probed, not counted.
        Lookups keep counting such groups: a typo'd rare word may have found the wrong few
        keys, and the right one is where the other words meet.
        """
        sized = sorted(
            ((sum(len(self._postings[w]) for w in g), g) for g in groups if g),
            key=itemgetter(0),
        )
        counts: Counter[int] = Counter()
        probed: list[frozenset[str]] = []
        budget = _POSTING_BUDGET
        for size, group in sized:
            if counts and (
                size > budget
                or size > _COMMON_POSTING
                or (skip_common and size > _COMPLETE_COMMON_POSTING)
                or (
                    skip_common
                    and len(counts) <= _PROBE_MAX_KEYS
                    and size > _PROBE_MIN_POSTING
                    and size > _PROBE_RATIO * len(counts)
                )
            ):
                probed.append(group)
                continue
            if skip_common and size > _COMPLETE_COMMON_POSTING:
                continue
            for word in group:
                posting = self._postings[word]
                # In slices, so a lookup running in a thread lets the event loop take the GIL
                # between them instead of waiting out one long C call.
                for start in range(0, len(posting), _COUNT_SLICE):
                    counts.update(posting[start : start + _COUNT_SLICE])
                    self._pause()
            budget -= size
        if probed:
            if len(counts) > probe_top:
                counts = Counter(dict(self._top(counts, probe_top)))
            self._pause()
            keys = self._keys
            for i, key_id in enumerate(counts):
                if i % 1024 == 1023:
                    self._pause()
                words = keys[key_id].split()
                counts[key_id] += sum(not group.isdisjoint(words) for group in probed)
        return counts

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
        expansions = {w: self._expand(w) for w in words}
        groups = list(expansions.values())
        groups += [self._variants(w) for w in words]
        if len(words) > 1:
            groups.append(self._expand(flat))  # "decrim nyc" may be a typo of "decrimny"
        counts = self._count_candidates(groups, _PROBE_TOP)
        tie_keep = _TIE_KEEP if self._threaded else _TIE_KEEP_SMALL
        common = self._top(counts, _PREFILTER_KEEP, tie_keep)
        if len(self._keys) <= _FULL_SCAN_MAX_KEYS:
            pool = list(range(len(self._keys)))
        else:
            pool = [k for k, _ in common]
        self._pause()
        ranked = self._rank(text, pool, _CLASSIFY_KEEP)
        self._pause()
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
        by_tier: dict[_Tier, dict[str, Candidate]] = {tier: {} for tier in _Tier}
        for key_id in shortlist:
            tier = self._classify(text, flat, words, expansions, self._keys[key_id])
            if tier is None:
                continue
            candidate = self._candidate(key_id, score_of[key_id])
            best = by_tier[tier].get(candidate.id)
            if best is None or candidate.score > best.score:
                by_tier[tier][candidate.id] = candidate
        return self._decide(by_tier)

    @staticmethod
    def _classify(
        text: str,
        flat: str,
        words: list[str],
        expansions: dict[str, frozenset[str]],
        key: str,
    ) -> _Tier | None:
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
            return _Tier.FULL
        ratio = fuzz.ratio(text, key)
        if len(flat) >= 6:
            # Typos the word check cannot see ("proj" for "project"): the whole string is
            # nearly equal and no word is missing. Spacing differences: compare space-free.
            same_length = len(words) == len(key_words) - sum(w in FILLER for w in key_words)
            if same_length and max(ratio, fuzz.token_sort_ratio(text, key)) >= _FULL_RATIO:
                return _Tier.FULL
            if (len(words) == 1 or len(key_words) == 1) and fuzz.ratio(
                flat, compact(key)
            ) >= _FULL_RATIO:
                return _Tier.FULL
        if all_found and (distinctive or len(words) >= 3):
            # Three common words in one name ("sex worker outreach project") are specific;
            # one or two ("rescue mission") are not.
            return _Tier.PARTIAL
        if all_found and len(words) >= 2:
            return _Tier.WEAK
        return _Tier.NEAR if ratio >= _NEAR_RATIO else None

    @staticmethod
    def _decide(by_tier: dict[_Tier, dict[str, Candidate]]) -> OrgMatch:
        def ranked(tier: _Tier) -> list[Candidate]:
            return sorted(by_tier[tier].values(), key=lambda c: (-c.score, c.name))

        full = ranked(_Tier.FULL)
        partial = ranked(_Tier.PARTIAL)
        if full:
            runners = [c for c in partial if c.id not in {f.id for f in full}]
            if len(full) == 1 or full[0].score - full[1].score >= _MARGIN:
                return OrgMatch(Outcome.MATCH, full[0], (full + runners)[:MAX_CANDIDATES])
            return OrgMatch(Outcome.AMBIGUOUS, None, full[:MAX_CANDIDATES])
        if len(partial) == 1:
            return OrgMatch(Outcome.MATCH, partial[0], partial)
        if partial:
            return OrgMatch(Outcome.AMBIGUOUS, None, partial[:MAX_CANDIDATES])
        weak = ranked(_Tier.WEAK)
        if len(weak) > 1:
            return OrgMatch(Outcome.AMBIGUOUS, None, weak[:MAX_CANDIDATES])
        near = weak + [c for c in ranked(_Tier.NEAR) if c.id not in by_tier[_Tier.WEAK]]
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
        groups = [self._expand(w) for w in words[:-1]]
        last = words[-1]
        groups.append(self._expand(last) | frozenset(self._prefix_words(last)))
        wanted = sum(1 for g in groups if g)
        counts = self._count_candidates(groups, _COMPLETE_PROBE_TOP, skip_common=True)
        pool = {
            k: self._keys[k]
            for k, n in self._top(counts, _COMPLETE_KEEP)
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
        """:meth:`lookup` without blocking the event loop: big indexes work in a thread."""
        if not self._threaded:
            return self.lookup(query)
        return await asyncio.to_thread(self.lookup, query)

    async def complete_async(self, text: str, limit: int = MAX_COMPLETIONS) -> list[Candidate]:
        """:meth:`complete` without blocking the event loop: big indexes work in a thread."""
        if not self._threaded:
            return self.complete(text, limit)
        return await asyncio.to_thread(self.complete, text, limit)
