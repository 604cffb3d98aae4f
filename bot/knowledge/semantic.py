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
        self._vectors = self._embed(texts) if texts else np.zeros((0, 1), dtype=np.float32)

    def _embed(self, texts: list[str]) -> npt.NDArray[np.floating]:
        # A text of no known word embeds as NaN: it is then near nothing.
        return np.nan_to_num(np.asarray(self._embedder.embed(texts, norm=True)), nan=0.0)

    def nearest(self, question: str, limit: int = 2) -> list[tuple[int, float]]:
        """The ``limit`` entries nearest to ``question``, as (entry, similarity), nearest first."""
        if not len(self._owned) or not question.strip():
            return []
        similarity = self._vectors @ self._embed([question])[0]
        best = np.maximum.reduceat(similarity, self._starts)
        if limit < len(best):
            # Only the few nearest are needed: partition, then sort those.
            top = np.argpartition(-best, limit - 1)[:limit]
        else:
            top = np.arange(len(best))
        order = top[np.argsort(-best[top], kind="stable")]
        return [(int(self._owned[i]), float(best[i])) for i in order]
