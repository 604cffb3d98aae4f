"""Finding a registered organization among ~1.9 million noisy registry names.

Same three outcomes as :mod:`bot.orgs.index` (a match, a choice, or none; never a silent
guess), the same word-by-word classification, over a memory-mapped :class:`IndexFile`:

1. exact: the registry key (legal forms and "of the" dropped, IRS abbreviations spelled out)
   is found by binary search in the keys' alphabetical order. "Hope House" hits every
   "HOPE HOUSE INC": a choice that shows city and state, with a hint to add one;
2. candidates: each query word's posting list (name, city and region words), typos through
   one-letter deletions; the rarest lists are counted (numpy), the common ones only probed
   for the keys already found; the keys holding the most words, closest in length, are kept;
3. rapidfuzz ranks those by ``ratio``/``token_sort_ratio`` (a query word that is the
   candidate's city or state counts as found, not as noise), and each of the best is
   classified full / partial / weak / near as for the curated organizations.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import numpy.ma  # np.unique imports it lazily: 180 ms on a member's first call
from rapidfuzz import fuzz, process

from bot.directory.index import IndexFile
from bot.directory.normalize import registry_key
from bot.directory.registry import RegistryRow
from bot.directory.workers import Workers
from bot.loop_turns import in_turn
from bot.orgs.index import Outcome
from bot.orgs.normalize import compact
from bot.orgs.tiers import Tier, classify

log = logging.getLogger(__name__)

MAX_CHOICES = 25  # a select menu's limit: identical names are told apart by city and state
MAX_COMPLETIONS = 25
_MAX_QUERY_WORDS = 12
_MIN_FUZZY_CHARS = 4
_RARE = 20_000  # posting lists longer than this are probed for found keys, not counted
_POOL = 200  # keys ranked by rapidfuzz
_PROBE_KEYS = 20_000  # keys probed for the common words, at most
_CLASSIFY = 30
_MARGIN = 5.0
_PREFIX_WORDS = 30
_EXACT_SHOWN = 300
_COMPLETE_BASE = 5_000  # keys checked for autocomplete's word mode: a suggestion, not a search
_COMPLETE_PREFIX_KEYS = 300  # keys taken from each word a typed prefix may stand for
_LOCATION_BONUS = 2.0
_EXACT_BONUS = 5.0


@dataclass(frozen=True, slots=True)
class Listing:
    """A registered organization that fits a query."""

    id: str  # "irs:123456789": registry and number
    name: str
    city: str
    region: str
    score: float  # rapidfuzz's 0-100, plus a few points for a matching place or exact order
    key: int = field(default=-1, compare=False, repr=False)  # the index's key id

    @property
    def place(self) -> str:
        """``Boston, MA`` (or whichever part is known)."""
        return ", ".join(p for p in (self.city.title(), self.region) if p)

    @property
    def registry(self) -> str:
        return self.id.partition(":")[0]

    @property
    def reg_id(self) -> str:
        return self.id.partition(":")[2]


@dataclass(frozen=True)
class DirectoryMatch:
    """A directory lookup: ``best`` for a match; ``candidates`` to choose from or near-misses;
    ``total`` how many names fit as well as the ones offered (hundreds of "HOPE HOUSE INC")."""

    outcome: Outcome
    best: Listing | None
    candidates: list[Listing]
    total: int = 0


_NONE = DirectoryMatch(Outcome.NONE, None, [], 0)


class Directory:
    """Lookups and completions over a mapped index. Thread-safe: the index is read-only."""

    def __init__(self, index: IndexFile) -> None:
        self.index = index
        # Where the async methods run: threads by default (the sync methods are for tests and
        # tools), worker processes once the bot calls start_workers().
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="directory")
        self._workers: Workers | None = None

    async def start_workers(self) -> None:
        """Serve the async lookups from worker processes (see :mod:`bot.directory.workers`)."""
        workers = Workers(self.index.path)
        await workers.start()  # stops whichever started if one fails
        self._workers = workers

    @property
    def workers(self) -> Workers | None:
        """The worker processes serving :meth:`lookup_async`, once started."""
        return self._workers

    async def aclose(self) -> None:
        """Stop the workers and threads without blocking the event loop, then unmap."""
        if self._workers is not None:
            await self._workers.stop()
            self._workers = None
        await asyncio.to_thread(self.close)

    def warm_up(self) -> None:
        """Run each kind of lookup once, so that the first member does not pay for the
        first calls into numpy and rapidfuzz (tens of milliseconds)."""
        for text in ("hope house", "hope hous", "hoep house foundatoin", "zzqx"):
            self.lookup(text)
            self.complete(text)

    def __len__(self) -> int:
        return len(self.index)

    @property
    def stamp(self) -> int:
        return self.index.stamp

    def close(self) -> None:
        """Stop the lookup threads and unmap the index (the worker processes, if any, are
        stopped by :meth:`aclose`; they also exit by themselves when the bot's process ends)."""
        self._pool.shutdown(wait=True)
        self.index.close()

    # -- helpers ------------------------------------------------------------------------------

    def listing(self, key_id: int, score: float) -> Listing:
        name, city, region, registry, reg_id = self.index.display(key_id)
        return Listing(f"{registry}:{reg_id}", name, city, region, round(score, 1), key_id)

    def row(self, listing: Listing) -> RegistryRow | None:
        """The registry facts of a listing this directory returned (None for another's)."""
        if listing.key < 0 or listing.key >= len(self.index):
            return None
        row = self.index.row(listing.key)
        return row if row.key == listing.id else None

    def _word_group(self, word: str) -> set[int]:
        """The vocabulary ids ``word`` may stand for: itself, or its close typos."""
        own = self.index.word_id(word)
        if own is not None:
            return {own}
        if 5 <= len(word) <= 24:
            return self.index.typo_ids(word, 1 if len(word) < 8 else 2)
        return set()

    def _group_keys(self, group: set[int]) -> np.ndarray:
        parts = [self.index.posting(i) for i in group]
        if len(parts) == 1:
            return parts[0]
        return np.unique(np.concatenate(parts))

    def _holds(self, keys: np.ndarray, group: set[int]) -> np.ndarray:
        """Which of ``keys`` (ascending) hold a word of ``group``: binary search in each list."""
        hit = np.zeros(len(keys), dtype=bool)
        if len(keys) == 0:
            return hit
        for word_id in group:
            posting = self.index.posting(word_id)
            if len(posting) == 0:
                continue
            # Binary-search the shorter list in the longer one.
            if len(posting) < len(keys):
                pos = np.searchsorted(keys, posting)
                pos[pos == len(keys)] = 0
                hit[pos[keys[pos] == posting]] = True
            else:
                pos = np.searchsorted(posting, keys)
                pos[pos == len(posting)] = 0
                hit |= posting[pos] == keys
        return hit

    def _count(self, groups: list[set[int]]) -> tuple[np.ndarray, np.ndarray]:
        """Candidate key ids and how many groups each holds (rare groups counted, the
        common ones probed)."""
        sized = sorted(
            ((sum(self.index.posting_size(i) for i in g), g) for g in groups if g),
            key=lambda item: item[0],
        )
        if not sized:
            return np.empty(0, np.int32), np.empty(0, np.int64)
        counted = [g for size, g in sized if size <= _RARE]
        probed = [g for _, g in sized if not any(g is c for c in counted)]
        if counted:
            keys, counts = np.unique(
                np.concatenate([self._group_keys(g) for g in counted]), return_counts=True
            )
        else:
            # Only common words ("family foundation": 200k and 300k names): a sample of the
            # rarest one's names, probed for the others. Such a query asks for a choice at
            # best; its exact name was already looked up.
            keys = np.unique(self._group_keys(probed.pop(0))[:_RARE])
            counts = np.ones(len(keys), dtype=np.int64)
        if len(keys) > _PROBE_KEYS and probed:
            # Probing costs a binary search per key and word: keep the keys holding the most
            # counted words (a name missing two of the rarer words cannot win).
            near = counts >= counts.max() - 1
            keys, counts = keys[near][:_PROBE_KEYS], counts[near][:_PROBE_KEYS]
        for group in probed:
            counts += self._holds(keys, group)
        return keys, counts

    # -- lookup ----------------------------------------------------------------------------------

    def lookup(self, query: str) -> DirectoryMatch:
        """The registered organization ``query`` names: a match, a choice, or none."""
        text = registry_key(query)
        if not text:
            return _NONE
        flat = compact(text)
        exact = self.index.exact(text)
        if len(exact) == 1:
            listing = self.listing(exact[0], 100.0)
            return DirectoryMatch(Outcome.MATCH, listing, [listing], 1)
        if exact:
            # Hundreds of "HOPE HOUSE INC": offer them by state and city (from the first
            # thousand: the pick says how many there are and how to narrow it down).
            shown = sorted(
                zip(self.index.displays(exact[:_EXACT_SHOWN]), exact, strict=False),
                key=lambda item: (item[0][2], item[0][1], item[1]),
            )[:MAX_CHOICES]
            listings = [
                Listing(f"{registry}:{reg_id}", name, city, region, 100.0, key_id)
                for (name, city, region, registry, reg_id), key_id in shown
            ]
            return DirectoryMatch(Outcome.AMBIGUOUS, None, listings, len(exact))
        if len(flat) < _MIN_FUZZY_CHARS:
            return _NONE
        words = text.split()[:_MAX_QUERY_WORDS]
        groups = [self._word_group(w) for w in words]
        expansions = {
            w: frozenset(self.index.vocab.many(sorted(g))) if g else frozenset()
            for w, g in zip(words, groups, strict=True)
        }
        if len(words) > 1:
            groups.append(self._word_group(flat))  # "hopehouse" / "decrim ny" spacing
        keys, counts = self._count(groups)
        if len(keys) == 0:
            return _NONE
        if len(keys) > _POOL:
            # Only keys within one word of the best can make the pool; cut the rest first.
            near = counts >= counts.max() - 1
            if np.count_nonzero(near) >= _POOL:
                keys, counts = keys[near], counts[near]
        if len(keys) > _POOL:
            lengths = self.index.arrays["key_len"][keys].astype(np.int64)
            priority = counts.astype(np.int64) * 4096 - np.abs(lengths - len(text))
            keep = np.argpartition(-priority, _POOL)[:_POOL]
            keys, counts = keys[keep], counts[keep]
        key_ids = keys.tolist()
        count_of = dict(zip(key_ids, counts.tolist(), strict=True))
        texts = self.index.keys.many(key_ids)
        places = self.index.places(key_ids)
        # Word order counts a little: "hope house" is closer to "HOPE HOUSE" than to "HOUSE
        # OF HOPE", both common registry names. One cdist call per scorer scores the pool.
        values = np.maximum(
            process.cdist([text], texts, scorer=fuzz.ratio)[0],
            process.cdist([text], texts, scorer=fuzz.token_sort_ratio)[0] - 2,
        ).tolist()
        scored = []
        for key_id, key, place, value in zip(key_ids, texts, places, values, strict=True):
            q_words, q_text = words, text
            if place and not set(place).isdisjoint(words):
                # A query word that is the candidate's city or state is found, not noise.
                key_words = set(key.split())
                q_words = [w for w in words if w in key_words or w not in place]
                q_text = " ".join(q_words) or text
                value = max(fuzz.ratio(q_text, key), fuzz.token_sort_ratio(q_text, key) - 2)
                value += _LOCATION_BONUS * (len(words) - len(q_words))
            if q_text == key:
                value += _EXACT_BONUS  # the name exactly, in order, beats a reordered one
            scored.append((value, key_id, key, q_words, q_text))
        scored.sort(key=lambda s: (-s[0], s[1]))
        top_count = max(count_of.values())
        shortlist = (
            scored[:_CLASSIFY]
            + [s for s in scored[_CLASSIFY:] if count_of[s[1]] == top_count][:_CLASSIFY]
        )
        by_tier: dict[Tier, dict[str, Listing]] = {tier: {} for tier in Tier}
        for value, key_id, key, q_words, q_text in shortlist:
            tier = classify(q_text, compact(q_text), q_words, expansions, key)
            if tier is None:
                continue
            listing = self.listing(key_id, value)
            by_tier[tier].setdefault(listing.id, listing)
        return _decide(by_tier)

    # -- autocomplete ------------------------------------------------------------------------

    def complete(self, text: str, limit: int = MAX_COMPLETIONS) -> list[Listing]:
        """Registered names for autocomplete: whole-name prefixes, then names holding every
        typed word (the last one may be unfinished), shortest first."""
        limit = max(0, min(limit, MAX_COMPLETIONS))
        typed = registry_key(text)
        if not typed or limit == 0:
            return []
        alpha = self.index.alpha
        start = bisect.bisect_left(alpha, typed)
        found: list[int] = []
        for i in range(start, min(start + limit, len(alpha))):
            key_id = int(self.index.arrays["alpha"][i])
            if not self.index.keys[key_id].startswith(typed):
                break
            found.append(key_id)
        if len(found) < limit:
            for key_id in self._complete_words(typed.split()[:_MAX_QUERY_WORDS], limit):
                if len(found) >= limit:
                    break
                if key_id not in found:
                    found.append(key_id)
        return [self.listing(k, 100.0) for k in found[:limit]]

    def _complete_words(self, words: list[str], limit: int) -> list[int]:
        """Keys holding every typed word, the last one as a prefix, shortest first. Starts
        from the rarest whole word and only probes the others, so a common prefix ("fl":
        sixty words, one of them a state) costs binary searches, not a union."""
        whole = [self._word_group(w) for w in words[:-1]]
        prefix = set(self.index.prefix_ids(words[-1], _PREFIX_WORDS)) | self._word_group(words[-1])
        if not prefix or not all(whole):
            return []
        if whole:
            sized = sorted(whole, key=lambda g: sum(self.index.posting_size(i) for i in g))
            keys = self._group_keys(sized[0])[:_COMPLETE_BASE]
            for group in [*sized[1:], prefix]:
                keys = keys[self._holds(keys, group)]
        else:
            keys = np.unique(
                np.concatenate([self.index.posting(i)[:_COMPLETE_PREFIX_KEYS] for i in prefix])
            )
        lengths = self.index.arrays["key_len"][keys]
        order = np.argsort(lengths, kind="stable")[: limit * 2]
        return keys[order].tolist()

    # -- async -------------------------------------------------------------------------------

    async def lookup_async(self, query: str) -> DirectoryMatch:
        """:meth:`lookup` in a worker process (threads before :meth:`start_workers`), never
        on the event loop."""
        if self._workers is not None:
            return await self._workers.lookup(query)
        return await asyncio.get_running_loop().run_in_executor(self._pool, self.lookup, query)

    async def complete_async(self, text: str, limit: int = MAX_COMPLETIONS) -> list[Listing]:
        """:meth:`complete`, on the event loop: its work is bounded (~0.3 ms, 2 ms at worst
        at 1.9M names), less than the hop to a worker process costs on a busy machine, and
        Discord wants the answer fast (see :mod:`bot.directory.workers`). It takes turns
        with the loop's other such steps (:mod:`bot.loop_turns`)."""
        return await in_turn(self.complete, text, limit)


def _decide(by_tier: dict[Tier, dict[str, Listing]]) -> DirectoryMatch:
    def ranked(tier: Tier) -> list[Listing]:
        return sorted(by_tier[tier].values(), key=lambda c: (-c.score, c.name, c.region, c.id))

    full = ranked(Tier.FULL)
    partial = ranked(Tier.PARTIAL)
    if full:
        if len(full) == 1 or full[0].score - full[1].score >= _MARGIN:
            return DirectoryMatch(Outcome.MATCH, full[0], full[:MAX_CHOICES], 1)
        return DirectoryMatch(Outcome.AMBIGUOUS, None, full[:MAX_CHOICES], len(full))
    if len(partial) == 1:
        return DirectoryMatch(Outcome.MATCH, partial[0], partial, 1)
    if partial:
        return DirectoryMatch(Outcome.AMBIGUOUS, None, partial[:MAX_CHOICES], len(partial))
    weak = ranked(Tier.WEAK)
    if len(weak) > 1:
        return DirectoryMatch(Outcome.AMBIGUOUS, None, weak[:MAX_CHOICES], len(weak))
    near = weak + [c for c in ranked(Tier.NEAR) if c.id not in by_tier[Tier.WEAK]]
    return DirectoryMatch(Outcome.NONE, None, near[:5], 0)
