"""A second, semantic opinion for /ask: which entry a question is nearest to in meaning.

The lexical ranking (:mod:`bot.knowledge.search`) matches words; it cannot tell that "does it
matter if they make you pray first" is about conditions on help. Static word embeddings can: each
entry is represented by its name, aliases, ``questions`` and ``paraphrases`` (the ways members ask
about it), each embedded on its own, and a question's nearness to an entry is its best similarity
to any of them (nearest neighbour, so one narrow phrasing is not diluted by the others).

It is only ever a tie-breaker (see :mod:`bot.knowledge.answering`): when the lexical rule is
undecided between its two best entries, and the nearest entry in meaning is one of them and
clearly nearer than the next, that entry is given as a hedged answer. It never answers a
question the domain gate refused, and never overrides a lexical answer.

The embedder is optional: ``pip install 'vetbot[semantic]'`` brings wordllama, whose 256-dim
static embeddings ship inside its wheel and are loaded from there with downloads disabled, so
nothing at run time reaches the network. Without it, /ask runs on the lexical rule alone.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

__all__ = ["Embedder", "SemanticIndex", "shipped_embedder"]


class Embedder(Protocol):
    """What the semantic index needs of a model: texts to unit-length vectors, one per row."""

    def embed(self, texts: list[str], norm: bool = ...) -> npt.NDArray[np.floating]: ...


@contextlib.contextmanager
def _root_logging_kept() -> Iterator[None]:
    """Undo what importing wordllama does to logging: it calls ``logging.basicConfig`` at
    INFO, which would print every INFO line of a process that had not set logging up yet (a
    benchmark, a script) to stderr, and slow it down."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


@lru_cache(maxsize=1)
def shipped_embedder() -> Embedder | None:
    """wordllama's shipped model, loaded once per process from its wheel; None if not installed.

    The load is logged with its duration (it is paid once, at start, beside the index build).
    """
    try:
        with _root_logging_kept():
            import wordllama
            from wordllama import WordLlama
    except ImportError:
        log.info("semantic matching off: wordllama is not installed (vetbot[semantic])")
        return None
    start = time.perf_counter()
    try:
        model = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    except Exception:  # a damaged or changed package must not stop the bot: /ask stays lexical
        log.warning("semantic matching off: wordllama's model could not be loaded", exc_info=True)
        return None
    log.info("semantic model loaded in %.0f ms", (time.perf_counter() - start) * 1000)
    return model


#: Up to this many phrasings, every one is compared with each question (the shipped base has
#: about 1,400). Beyond, the question is compared with each entry's mean phrasing first, and
#: then with the phrasings of the CENTROID_SHORTLIST nearest entries only.
EXACT_ROWS, CENTROID_SHORTLIST = 20_000, 64


class SemanticIndex:
    """Embeddings of every entry's phrasings; :meth:`nearest` ranks entries by meaning."""

    def __init__(self, embedder: Embedder, phrasings: Sequence[Sequence[str]]) -> None:
        """``phrasings[d]`` are the texts standing for entry ``d`` (same order as the index)."""
        self._embedder = embedder
        owners: list[int] = []
        texts: list[str] = []
        for d, texts_of_entry in enumerate(phrasings):
            for text in texts_of_entry:
                if text.strip():
                    owners.append(d)
                    texts.append(text)
        # Phrasings are stored entry by entry: each entry's best similarity is then one
        # segmented maximum (reduceat) over the rows, which stays fast at 10,000 entries.
        self._owned = np.asarray(sorted(set(owners)), dtype=np.intp)
        self._starts = np.searchsorted(np.asarray(owners, dtype=np.intp), self._owned)
        self._vectors = self._embed_all(texts) if texts else np.zeros((0, 1), dtype=np.float32)
        self._ends = np.append(self._starts[1:], len(texts)).astype(np.intp)
        # A large base is searched through each entry's mean direction first; a small one
        # (the shipped base) reads every row, and needs none.
        self._centroids: npt.NDArray[np.floating] | None = None
        if len(texts) > EXACT_ROWS:
            centroids = np.add.reduceat(self._vectors, self._starts)
            lengths = np.linalg.norm(centroids, axis=1, keepdims=True)
            self._centroids = centroids / np.where(lengths > 0, lengths, 1.0)

    def _embed_all(self, texts: list[str]) -> npt.NDArray[np.floating]:
        """``texts`` embedded shortest first, rows back in their order: the model pads a batch
        to its longest text, so mixed lengths waste most of the work (74 -> 43 ms for the
        shipped base's 1,376 phrasings)."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors = self._embed([texts[i] for i in order])
        rows = np.empty_like(vectors)
        rows[order] = vectors
        return rows

    def _embed(self, texts: list[str]) -> npt.NDArray[np.floating]:
        # A text of no known word embeds as NaN: it is then near nothing.
        return np.nan_to_num(np.asarray(self._embedder.embed(texts, norm=True)), nan=0.0)

    def nearest(self, question: str, limit: int = 2) -> list[tuple[int, float]]:
        """The ``limit`` entries nearest to ``question``, as (entry, similarity), nearest first."""
        if not len(self._owned) or not question.strip():
            return []
        vector = self._embed([question])[0]
        if self._centroids is None:
            entries = np.arange(len(self._owned))
            best = np.maximum.reduceat(self._vectors @ vector, self._starts)
        else:
            entries, best = self._nearest_by_centroid(self._centroids, vector)
        if limit < len(best):
            # Only the few nearest are needed: partition, then sort those.
            top = np.argpartition(-best, limit - 1)[:limit]
        else:
            top = np.arange(len(best))
        order = top[np.argsort(-best[top], kind="stable")]
        return [(int(self._owned[entries[i]]), float(best[i])) for i in order]

    def _nearest_by_centroid(
        self, centroids: npt.NDArray[np.floating], vector: npt.NDArray[np.floating]
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.floating]]:
        """(entries, best similarity) for the CENTROID_SHORTLIST entries whose mean direction
        (``centroids``) is nearest, each by its nearest phrasing: a large base's rows are too
        many to read for every question (150,000 at 10,000 entries, 150 MB: 25 ms)."""
        shortlist = min(CENTROID_SHORTLIST, len(centroids))
        near = np.argpartition(-(centroids @ vector), shortlist - 1)[:shortlist]
        starts, ends = self._starts[near], self._ends[near]
        rows = np.concatenate([np.arange(s, e) for s, e in zip(starts, ends, strict=True)])
        offsets = np.concatenate(([0], np.cumsum(ends - starts)[:-1]))
        return near, np.maximum.reduceat(self._vectors[rows] @ vector, offsets)
