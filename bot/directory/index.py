"""The directory's name index: written once per import, memory-mapped at every start.

A million-name index of Python objects costs ~900 MB and ~25 s to build; this one is a single
file of flat arrays (numpy) that the bot maps read-only in a millisecond. The kernel pages in
only what lookups touch, and the pages are shared with any other process that maps the file.

Layout (all arrays, see :func:`write_index`): the registry keys of the names (``key_*``, see
:func:`bot.directory.normalize.registry_key`) and what a pick shows (``disp_*``: name, city,
region, registry, id); the sorted vocabulary of name, city and region words (``vocab_*``), each
word's posting list of key ids (``post*``, ascending), hashes of the vocabulary words, of their
one-letter deletions (typos, as in SymSpell), and the key ids in alphabetical order (exact
matches and prefix completion, by binary search).
"""

from __future__ import annotations

import array as pyarray
import bisect
import contextlib
import functools
import json
import logging
import mmap
import os
import time
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz.distance import OSA

from bot.directory.normalize import plain_words, registry_key, registry_words
from bot.directory.registry import RegistryRow

log = logging.getLogger(__name__)

MAGIC = b"VBDIR003"
_ALIGN = 64
FIELD_SEP = "\x1f"  # between the fields of what a pick and a card show


def hash64(text: str) -> int:
    """A stable 64-bit hash (Python's own ``hash`` changes from run to run). Two checksums
    rather than a cryptographic digest: four times faster over the millions of typo keys an
    import writes, and every hit is checked against the real word anyway."""
    data = text.encode()
    return zlib.crc32(data) << 32 | zlib.adler32(data)


def deletions(word: str) -> set[str]:
    """``word`` with one letter left out, every way."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@functools.lru_cache(maxsize=1 << 18)  # towns repeat: thousands of rows per city
def location_words(city: str, region: str) -> list[str]:
    """The words of where an organization is, as queries type them ("boston", "ma")."""
    words = plain_words(city)
    if region.strip():
        words.append("".join(plain_words(region)))
    return words


class _Strings:
    """Strings stored as one UTF-8 blob and an offset array; indexable, so bisect works."""

    def __init__(self, buf: mmap.mmap | bytes, offsets: np.ndarray, base: int) -> None:
        self._buf = buf
        self._offsets = offsets
        # Indexing a memoryview gives a Python int in ~50 ns, a numpy slice takes ~1 us: a
        # binary search reads 21 strings, autocomplete runs several on the event loop.
        self._at = offsets.data
        self._base = base
        self._n = len(offsets) - 1

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i: int) -> str:
        at, base = self._at, self._base
        return self._buf[base + at[i] : base + at[i + 1]].decode()

    def many(self, ids: Iterable[int]) -> list[str]:
        """Several strings at once (one numpy gather instead of a slice per string)."""
        ids = np.asarray(ids, dtype=np.int64)
        starts = self._offsets[ids].tolist()
        ends = self._offsets[ids + 1].tolist()
        buf, base = self._buf, self._base
        return [buf[base + s : base + e].decode() for s, e in zip(starts, ends, strict=True)]


class _SortedKeys:
    """The keys in alphabetical order, for bisect."""

    def __init__(self, keys: _Strings, order: np.ndarray) -> None:
        self._keys = keys
        self._order = order.data

    def __len__(self) -> int:
        return len(self._order)

    def __getitem__(self, i: int) -> str:
        return self._keys[self._order[i]]


def _pack_strings(strings: list[str]) -> tuple[np.ndarray, np.ndarray]:
    joined = "".join(strings)
    blob = joined.encode()
    if len(blob) == len(joined):  # all ASCII: byte lengths are string lengths (fast path)
        lengths = np.fromiter(map(len, strings), dtype=np.int64, count=len(strings))
    else:
        lengths = np.fromiter(
            (len(s.encode()) for s in strings), dtype=np.int64, count=len(strings)
        )
    offsets = np.zeros(len(strings) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return np.frombuffer(blob, dtype=np.uint8), offsets


def write_index(
    path: Path,
    rows: Iterable[tuple[Any, ...]],
    *,
    stamp: int,
) -> int:
    """Index ``rows`` (see :func:`bot.directory.store.index_rows`) into the file ``path``.

    Written beside it and renamed over it, so a running bot keeps its mapped copy intact and
    the next start sees either the old file or the new one, never half of one. Returns the
    number of names indexed.
    """
    started = time.perf_counter()
    keys: list[str] = []
    disp: list[str] = []
    word_ids: dict[str, int] = {}
    post_word = pyarray.array("i")  # 4 bytes a posting, not a Python int each (7M+ of them)
    post_key = pyarray.array("i")
    for registry, reg_id, name, city, region, facts in rows:
        k = len(keys)
        name_words = registry_words(name)
        place = location_words(city, region)
        keys.append(" ".join(name_words))
        # The registry facts ride along, so a card needs no database round trip.
        disp.append(FIELD_SEP.join((name, city, region, registry, reg_id, " ".join(place), facts)))
        for word in {*name_words, *place}:
            post_word.append(word_ids.setdefault(word, len(word_ids)))
            post_key.append(k)
    vocab = sorted(word_ids)
    remap = np.empty(len(vocab), dtype=np.int32)
    for new, word in enumerate(vocab):
        remap[word_ids[word]] = new
    del word_ids
    words = remap[np.frombuffer(post_word, dtype=np.int32)]
    del post_word
    order = np.argsort(words, kind="stable")  # keeps each word's key ids ascending
    post = np.frombuffer(post_key, dtype=np.int32)[order]
    del post_key, order
    post_off = np.zeros(len(vocab) + 1, dtype=np.int64)
    np.cumsum(np.bincount(words, minlength=len(vocab)), out=post_off[1:])
    del words

    vocab_hash = np.fromiter((hash64(w) for w in vocab), dtype=np.uint64, count=len(vocab))
    vocab_order = np.argsort(vocab_hash, kind="stable").astype(np.int32)
    del_hash: list[int] = []
    del_word: list[int] = []
    for i, word in enumerate(vocab):
        if len(word) >= 4:  # typo targets: query words of 5+ letters, one letter left out
            for d in deletions(word):
                del_hash.append(hash64(d))
                del_word.append(i)
    dh = np.asarray(del_hash, dtype=np.uint64)
    d_order = np.argsort(dh, kind="stable")
    alpha = np.asarray(sorted(range(len(keys)), key=keys.__getitem__), dtype=np.int32)
    key_len = np.fromiter((len(k) for k in keys), dtype=np.int16, count=len(keys))

    key_blob, key_off = _pack_strings(keys)
    del keys
    disp_blob, disp_off = _pack_strings(disp)
    del disp
    vocab_blob, vocab_off = _pack_strings(vocab)
    arrays: dict[str, np.ndarray] = {
        "key_off": key_off,
        "key_blob": key_blob,
        "key_len": key_len,
        "disp_off": disp_off,
        "disp_blob": disp_blob,
        "vocab_off": vocab_off,
        "vocab_blob": vocab_blob,
        "post_off": post_off,
        "post": post,
        "vocab_hash": vocab_hash[vocab_order],
        "vocab_hash_id": vocab_order,
        "del_hash": dh[d_order],
        "del_word": np.asarray(del_word, dtype=np.int32)[d_order],
        "alpha": alpha,
    }
    _save(path, arrays, {"stamp": stamp, "names": len(key_len), "words": len(vocab)})
    log.info(
        "Indexed %d directory names (%d words) in %.1f s",
        len(key_len),
        len(vocab),
        time.perf_counter() - started,
    )
    return len(key_len)


def _save(path: Path, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
    layout: dict[str, list[Any]] = {}
    offset = 0
    for name, array in arrays.items():
        offset = -(-offset // _ALIGN) * _ALIGN
        layout[name] = [array.dtype.str, offset, int(array.size)]
        offset += array.nbytes
    header = json.dumps({"meta": meta, "arrays": layout}).encode()
    data_start = -(-(len(MAGIC) + 8 + len(header)) // _ALIGN) * _ALIGN
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as out:
        out.write(MAGIC + len(header).to_bytes(8, "little") + header)
        for name, array in arrays.items():
            out.seek(data_start + layout[name][1])
            out.write(np.ascontiguousarray(array).tobytes())
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


class IndexFile:
    """A written index, mapped read-only. Open with :meth:`open`; arrays are views of the map."""

    def __init__(self, mapped: mmap.mmap, meta: dict[str, Any], arrays: dict[str, np.ndarray]):
        self.path = Path()
        self._map = mapped
        self.meta = meta
        self.arrays = arrays
        self.stamp = int(meta["stamp"])

    @classmethod
    def open(cls, path: Path) -> IndexFile | None:
        """Map the index at ``path``; None (and a warning) if it is missing or unreadable."""
        try:
            with open(path, "rb") as f:
                mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("Cannot open the directory index %s: %s", path, exc)
            return None
        try:
            if mapped[: len(MAGIC)] != MAGIC:
                raise ValueError("not a directory index (or an older format)")
            size = int.from_bytes(mapped[len(MAGIC) : len(MAGIC) + 8], "little")
            header = json.loads(mapped[len(MAGIC) + 8 : len(MAGIC) + 8 + size])
            data_start = -(-(len(MAGIC) + 8 + size) // _ALIGN) * _ALIGN
            arrays = {
                name: np.frombuffer(
                    mapped, dtype=np.dtype(dtype), count=count, offset=data_start + offset
                )
                for name, (dtype, offset, count) in header["arrays"].items()
            }
            blobs = {
                name: data_start + header["arrays"][name][1]
                for name in ("key_blob", "disp_blob", "vocab_blob")
            }
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("The directory index %s is damaged (%s); import again", path, exc)
            mapped.close()
            return None
        # Ask the kernel to read the file ahead (after a reboot it is not in the page cache):
        # the first lookups then find their pages in memory instead of waiting for the disk.
        with contextlib.suppress(AttributeError, OSError):
            mapped.madvise(mmap.MADV_WILLNEED)
        index = cls(mapped, header["meta"], arrays)
        index.path = path
        index.keys = _Strings(mapped, arrays["key_off"], blobs["key_blob"])
        index.disp = _Strings(mapped, arrays["disp_off"], blobs["disp_blob"])
        index.vocab = _Strings(mapped, arrays["vocab_off"], blobs["vocab_blob"])
        index.alpha = _SortedKeys(index.keys, arrays["alpha"])
        return index

    keys: _Strings
    disp: _Strings
    vocab: _Strings
    alpha: _SortedKeys

    def __len__(self) -> int:
        return len(self.keys)

    def word_id(self, word: str) -> int | None:
        """The vocabulary id of ``word``, or None."""
        hashes = self.arrays["vocab_hash"]
        h = np.uint64(hash64(word))
        i = int(np.searchsorted(hashes, h))
        while i < len(hashes) and hashes[i] == h:
            word_id = int(self.arrays["vocab_hash_id"][i])
            if self.vocab[word_id] == word:
                return word_id
            i += 1
        return None

    def typo_ids(self, word: str, distance: int) -> set[int]:
        """Vocabulary ids within ``distance`` (1 or 2) edits of ``word``, found through shared
        one-letter deletions (SymSpell); every hit is checked, so hash collisions cost nothing
        but time. The probes are looked up among the words themselves too: "baeror" minus a
        letter is the word "beror" (a letter typed in), which no deletion of "beror" is."""
        probes = {word, *deletions(word)}
        if distance == 2 and len(word) <= 16:
            probes |= {d2 for d1 in list(probes) for d2 in deletions(d1)}
        hashes = np.fromiter((hash64(p) for p in probes), dtype=np.uint64, count=len(probes))
        found: set[int] = set()
        for table, ids in (("del_hash", "del_word"), ("vocab_hash", "vocab_hash_id")):
            sorted_hashes = self.arrays[table]
            lo = np.searchsorted(sorted_hashes, hashes, side="left").tolist()
            hi = np.searchsorted(sorted_hashes, hashes, side="right").tolist()
            for a, b in zip(lo, hi, strict=True):
                if b > a:
                    found.update(self.arrays[ids][a:b].tolist())
        return {
            i for i in found if OSA.distance(word, self.vocab[i], score_cutoff=distance) <= distance
        }

    def prefix_ids(self, prefix: str, most: int) -> list[int]:
        """Vocabulary ids of the ``most`` commonest words starting with ``prefix`` (someone
        who typed "fo" more likely means "foundation" than "foxglove")."""
        start = bisect.bisect_left(self.vocab, prefix)
        end = bisect.bisect_left(self.vocab, prefix + "\U0010ffff", lo=start)
        if end - start <= most:
            return list(range(start, end))
        sizes = np.diff(self.arrays["post_off"][start : end + 1])
        return (np.argpartition(-sizes, most)[:most] + start).tolist()

    def posting(self, word_id: int) -> np.ndarray:
        """The ascending key ids whose name, city or region holds the word."""
        start, end = self.arrays["post_off"][word_id : word_id + 2].tolist()
        return self.arrays["post"][start:end]

    def posting_size(self, word_id: int) -> int:
        start, end = self.arrays["post_off"][word_id : word_id + 2].tolist()
        return end - start

    def exact(self, key: str) -> list[int]:
        """Key ids whose registry key is ``key`` (thousands for "first baptist church"): a
        range of the alphabetical order, found by binary search."""
        start = bisect.bisect_left(self.alpha, key)
        end = bisect.bisect_right(self.alpha, key, lo=start)
        return self.arrays["alpha"][start:end].tolist()

    def display(self, key_id: int) -> tuple[str, str, str, str, str]:
        """``(name, city, region, registry, reg_id)`` of a key."""
        name, city, region, registry, reg_id = self.disp[key_id].split(FIELD_SEP)[:5]
        return name, city, region, registry, reg_id

    def row(self, key_id: int) -> RegistryRow:
        """What the registry said about a key's organization when the index was written."""
        fields = self.disp[key_id].split(FIELD_SEP)
        name, city, region, registry, reg_id = fields[:5]
        facts: list[str | None] = [f or None for f in fields[6:13]]
        facts += [None] * (7 - len(facts))
        subsection, ruling, ntee, tax_period, revenue, assets, income = facts
        return RegistryRow(
            registry,
            reg_id,
            name,
            city,
            region,
            subsection,
            ruling,
            ntee,
            tax_period,
            int(revenue) if revenue else None,
            int(assets) if assets else None,
            int(income) if income else None,
        )

    def displays(self, key_ids: list[int]) -> list[tuple[str, str, str, str, str]]:
        """:meth:`display` of several keys at once."""
        return [tuple(d.split(FIELD_SEP)[:5]) for d in self.disp.many(key_ids)]  # type: ignore[misc]

    def places(self, key_ids: list[int]) -> list[list[str]]:
        """The normalized location words (city, region) of each key."""
        return [d.split(FIELD_SEP, 6)[5].split() for d in self.disp.many(key_ids)]

    def close(self) -> None:
        """Unmap (only once no array view is used any more)."""
        self.arrays.clear()
        # A view still alive somewhere (BufferError): the GC unmaps it later.
        with contextlib.suppress(BufferError):
            self._map.close()


__all__ = ["FIELD_SEP", "IndexFile", "hash64", "location_words", "registry_key", "write_index"]
