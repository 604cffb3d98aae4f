"""The words of an index's names: typo and prefix expansion, and counting keys by words.

:class:`Vocabulary` holds the word index of :class:`bot.orgs.index.OrgIndex` (word -> ids of the
keys containing it) and what is derived from it: one-letter deletions for typo lookups
(SymSpell) and the words in alphabetical order for prefixes. It finds which words a typed word
may stand for and which keys hold the most of a query's words; ranking and deciding stay with
the index.
"""

from __future__ import annotations

import bisect
import threading
import time
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import islice
from operator import itemgetter

from rapidfuzz.distance import OSA

from bot.orgs.normalize import NAME_STOPWORDS

_POSTING_BUDGET = 150_000  # postings counted per lookup, at most
_COMMON_POSTING = 40_000  # words in more keys than this are only counted if nothing rarer is
_COMPLETE_COMMON_POSTING = 10_000  # the same for autocomplete: probed, not counted
_COUNT_SLICE = 8192
_PAUSE_EVERY = 0.001  # seconds of work between two chances for the event loop to run
_PROBE_MAX_KEYS = 1_000  # with at most this many keys found, bigger groups are probed, not counted
_PROBE_MIN_POSTING = 2_000  # groups in fewer keys than this are always counted (cheap)
_PROBE_RATIO = 4  # probe a group in more than this many times the keys found so far
_NEAR_CACHE_MAX = 4096
_VARIANTS_MAX = 24  # known words gathered for a word that may be a typo (ties in edits: all)
_MAX_FUZZY_WORD = 24
_PREFIX_EXPAND_MAX = 60  # vocabulary words a typed prefix may stand for in autocomplete

_paused = threading.local()  # when this worker thread last let the event loop run


def yield_to_event_loop() -> None:
    """Let the event loop have the GIL now, if it wants it, rather than after the interpreter's
    5 ms switch interval: big indexes look up in a worker thread. At most once a millisecond
    per thread: ``sleep(0)`` itself costs ~0.1 ms."""
    now = time.perf_counter()
    if now - getattr(_paused, "at", 0.0) >= _PAUSE_EVERY:
        time.sleep(0)
        _paused.at = time.perf_counter()


def _no_pause() -> None:
    """Small indexes look up on the event loop itself: nothing to yield to."""


def add_to(table: dict[str, int | tuple[int, ...]], key: str, value: int) -> None:
    """Map ``key`` to ``value``; a key shared by several values maps to a tuple (rare)."""
    old = table.get(key)
    if old is None:
        table[key] = value
    elif isinstance(old, int):
        if old != value:
            table[key] = (old, value)
    elif value not in old:
        table[key] = (*old, value)


def _deletions(word: str) -> list[str]:
    return [word[:i] + word[i + 1 :] for i in range(len(word))]


class Vocabulary:
    """The word index of a set of keys (normalized names), read-only once built."""

    def __init__(self, keys: Sequence[str], *, threaded: bool) -> None:
        """Index the words of ``keys`` (normalized names, looked up by position), but for the
        stop words no name is found by. With ``threaded``, long loops pause so that lookups
        in a worker thread leave the event loop the GIL."""
        self._keys = keys
        postings: dict[str, array] = {}
        for key_id, key in enumerate(keys):
            for word in set(key.split()) - NAME_STOPWORDS:
                posting = postings.get(word)
                if posting is None:
                    posting = postings[word] = array("i")
                posting.append(key_id)
        self._postings = postings
        self._pause: Callable[[], None] = yield_to_event_loop if threaded else _no_pause
        self._deletes: dict[str, str | tuple[str, ...]] = {}  # word minus one letter -> words
        for word in postings:
            if len(word) >= 4:  # targets of typo'd query words (which have 5+ letters)
                for deletion in _deletions(word):
                    add_to(self._deletes, deletion, word)  # type: ignore[arg-type]
        self._sorted = sorted(postings)
        # A small cache of typo neighbours: people type the same words again and again.
        self._near_cache: dict[tuple[str, int, int], frozenset[str]] = {}

    def __len__(self) -> int:
        return len(self._postings)

    def __contains__(self, word: object) -> bool:
        return word in self._postings

    def clear_cache(self) -> None:
        """Forget the typo neighbours found so far (benchmarks measure cold lookups)."""
        self._near_cache.clear()

    def expand(self, word: str) -> frozenset[str]:
        """The vocabulary words ``word`` may stand for: itself if known, else close typos."""
        if word in self._postings:
            return frozenset((word,))
        if not 5 <= len(word) <= _MAX_FUZZY_WORD:
            # One edit in a short word makes a different word; past 24 letters it is no word
            # (and the deletion probes would grow with the square of its length).
            return frozenset()
        return self.near(word, 1 if len(word) < 8 else 2)

    def variants(self, word: str) -> frozenset[str]:
        """Known words one edit from ``word``, only to gather candidates, never to decide that
        a word matched: a known word may itself be a typo ("zelor" typed for "zelcor"), and
        so may an unknown four-letter one ("hose" for "house", "brel" for "berel"). For a
        longer unknown word, all its close typos rather than the first eight by spelling."""
        if word in self._postings:
            if not 5 <= len(word) <= _MAX_FUZZY_WORD:
                return frozenset()
            return self.near(word, 1, _VARIANTS_MAX) - {word}
        if len(word) == 4:
            return self.near(word, 1, _VARIANTS_MAX)
        if len(word) <= _MAX_FUZZY_WORD:
            # Only those _expand leaves out: a key holding one counts once, not twice.
            return self.near(word, 1 if len(word) < 8 else 2, _VARIANTS_MAX) - self.expand(word)
        return frozenset()

    def near(self, word: str, distance: int, most: int = 8) -> frozenset[str]:
        """Vocabulary words within ``distance`` edits of ``word`` (at most ``most``, closest
        first)."""
        cached = self._near_cache.get((word, distance, most))
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
        if len(self._near_cache) >= _NEAR_CACHE_MAX:
            self._near_cache.clear()
        self._near_cache[(word, distance, most)] = result
        return result

    def prefix_words(self, prefix: str) -> list[str]:
        """Vocabulary words starting with ``prefix``, or none if too many to be useful."""
        start = bisect.bisect_left(self._sorted, prefix)
        end = bisect.bisect_left(self._sorted, prefix + "\U0010ffff", lo=start)
        if end - start > _PREFIX_EXPAND_MAX:
            return []
        return self._sorted[start:end]

    def top(self, counts: Counter[int], limit: int, tie_limit: int = 0) -> list[tuple[int, int]]:
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

    def count(
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
                counts = Counter(dict(self.top(counts, probe_top)))
            self._pause()
            keys = self._keys
            for i, key_id in enumerate(counts):
                if i % 1024 == 1023:
                    self._pause()
                words = keys[key_id].split()
                counts[key_id] += sum(not group.isdisjoint(words) for group in probed)
        return counts
