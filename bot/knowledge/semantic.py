"""A second, semantic opinion for /ask: which entry a question is nearest to in meaning.

The lexical ranking (:mod:`bot.knowledge.search`) matches words; it cannot tell that "does it
matter if they make you pray first" is about conditions on help. Static word embeddings can: each
entry is represented by its name, aliases, ``questions`` and ``paraphrases`` (the ways members ask
about it), each embedded on its own, and a question's nearness to an entry is its best similarity
to any of them (nearest neighbour, so one narrow phrasing is not diluted by the others).

Nearness says whether a question is about anything in the base at all. Which entry it is about
is better told by a classifier: a softmax regression over the same phrasings, trained at build,
learns the directions that set neighbouring entries apart (on the seen question sets its first
entry is acceptable for 86-89 % of the in-domain questions, the nearest phrasing's for 80 %).

That classifier cannot say whether a question is ours at all: it is as sure of "who won the
super bowl" (the Super Bowl myth) as of our questions. Questions about subjects the base does not
cover (``knowledge/off_topic.toml``) teach a second one, trained beside it, to tell every
entry's phrasings (one class) from each of those subjects (:attr:`Meaning.off_topic`); the
answering rule refuses what they claim.

Both are only ever a tie-breaker (see :mod:`bot.knowledge.answering`): when the lexical rule is
undecided between its best entries, and the entry the classifier puts first is one of them,
clearly ahead of the next and near the question, that entry is given as a hedged answer. It
never answers a question the domain gate refused, and never overrides a lexical answer.

The embedder is optional: ``pip install 'vetbot[semantic]'`` brings wordllama, whose 256-dim
static embeddings ship inside its wheel and are loaded from there with downloads disabled, so
nothing at run time reaches the network. Without it, /ask runs on the lexical rule alone.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

__all__ = ["Embedder", "Meaning", "SemanticIndex", "shipped_embedder"]


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
#: The classifier: CLASSIFIER_STEPS of gradient descent with momentum from zero on the softmax
#: loss of scaled scores (CLASSIFIER_SCALE: cosine-like scores need it to reach confident
#: probabilities), with a little weight decay. Few steps are enough, and a regularizer too. On
#: the tune half and blinds 1 to 5, answers (wrong) in the rule: 15 steps 955 (39), 20 steps
#: 965 (34), 25 steps 964 (35), 30 steps 963 (35), 100 steps 959 (36), 300 (converged) 952
#: (39); the nearest phrasing instead, 936 (50). 20 steps take about 50 ms for the shipped
#: base, in the build's semantic thread. Starting from each entry's mean direction reached a
#: better first entry in 10 steps (88 % against 86 %) but answered fewer in the rule.
CLASSIFIER_STEPS, CLASSIFIER_RATE, CLASSIFIER_MOMENTUM = 20, 0.5, 0.9
CLASSIFIER_SCALE, CLASSIFIER_DECAY = 20.0, 1e-3
#: Training costs phrasings x entries per step: past this much (a base several times the
#: shipped one), the index ranks by nearness alone.
CLASSIFIER_MAX_WORK = 50_000_000
#: How many of the nearest off-topic questions and entry phrasings :attr:`Meaning.off_margin`
#: compares. The one nearest of each, on the seen sets and the off-topic probe: one off-topic
#: answer more (blind 6's "how do i get a job at a nonprofit with no experience"); 3 refused
#: two more of the probe but lost a worried parent's question about strangers kidnapping
#: children at the mall; 10, a seen answer lost and no more refused.
OFF_TOPIC_NEIGHBOURS = 5


@dataclass(frozen=True)
class Meaning:
    """What the semantic index says of one question."""

    #: The entries nearest to it (by their nearest phrasing), with the similarity, nearest first.
    nearest: list[tuple[int, float]]
    #: The entries the classifier puts first, as (entry, probability, similarity), most likely
    #: first; empty when the index has no classifier.
    likeliest: list[tuple[int, float, float]]
    #: The probability that the question is about one of the off-topic subjects the index was
    #: given rather than any entry (a second classifier's); 0.0 without them.
    off_topic: float = 0.0
    #: How much nearer the question is to the off-topic questions than to the entries'
    #: phrasings: the mean similarity of the OFF_TOPIC_NEIGHBOURS nearest of each, subtracted;
    #: 0.0 without them.
    off_margin: float = 0.0


class SemanticIndex:
    """Embeddings of every entry's phrasings; :meth:`nearest` ranks entries by meaning."""

    def __init__(
        self,
        embedder: Embedder,
        phrasings: Sequence[Sequence[str]],
        off_topic: Sequence[Sequence[str]] = (),
    ) -> None:
        """``phrasings[d]`` are the texts standing for entry ``d`` (same order as the index);
        ``off_topic[s]`` are questions about a subject the base does not cover: a second
        classifier learns them, beside the entries, to tell whether a question is about any
        entry at all (they are never an entry's nearest phrasing)."""
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
        # The classifiers, for a base read whole and small enough to train on at start.
        classified = (
            len(texts) <= EXACT_ROWS
            and len(self._owned) > 1
            and len(texts) * len(self._owned) <= CLASSIFIER_MAX_WORK
        )
        # Off-topic questions serve the second classifier only: without it, none is embedded.
        others = [[t for t in subject if t.strip()] for subject in off_topic] if classified else []
        others = [subject for subject in others if subject]
        foreign = [t for subject in others for t in subject]
        counts = [len(texts), *(len(subject) for subject in others)]
        if (len(texts) + len(foreign)) * len(counts) > CLASSIFIER_MAX_WORK:
            others, foreign = [], []
        vectors = self._embed_all(texts + foreign) if texts else np.zeros((0, 1), np.float32)
        self._vectors, self._foreign = vectors[: len(texts)], vectors[len(texts) :]
        self._ends = np.append(self._starts[1:], len(texts)).astype(np.intp)
        # A large base is searched through each entry's mean direction first; a small one
        # (the shipped base) reads every row, and needs none.
        self._centroids: npt.NDArray[np.floating] | None = None
        if len(texts) > EXACT_ROWS:
            centroids = np.add.reduceat(self._vectors, self._starts)
            lengths = np.linalg.norm(centroids, axis=1, keepdims=True)
            self._centroids = centroids / np.where(lengths > 0, lengths, 1.0)
        self._weights: npt.NDArray[np.float32] | None = None
        # ... the second tells the entries' phrasings (one class) from each off-topic subject,
        # for whether a question is about any entry at all.
        self._domain_weights: npt.NDArray[np.float32] | None = None
        if classified:
            rows_owner = np.repeat(np.arange(len(self._owned)), self._ends - self._starts)
            self._weights = _trained_classifier(self._vectors, rows_owner, len(self._owned))
            if others:
                rows_owner = np.repeat(np.arange(len(counts)), counts)
                self._domain_weights = _trained_classifier(
                    vectors, rows_owner, len(counts), balanced=True
                )

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
        meaning = self.meaning(question, limit)
        return meaning.nearest if meaning is not None else []

    def meaning(self, question: str, limit: int = 2) -> Meaning | None:
        """The ``limit`` entries nearest to ``question`` and the ``limit`` the classifier puts
        first (see :class:`Meaning`); None for an empty question or index. The question is
        embedded once for both."""
        if not len(self._owned) or not question.strip():
            return None
        vector = self._embed([question])[0]
        similarities = None
        if self._centroids is None:
            entries = np.arange(len(self._owned))
            similarities = self._vectors @ vector
            best = np.maximum.reduceat(similarities, self._starts)
        else:
            entries, best = self._nearest_by_centroid(self._centroids, vector)
        nearest = [(int(self._owned[entries[i]]), float(best[i])) for i in _first(best, limit)]
        likeliest: list[tuple[int, float, float]] = []
        off_topic = 0.0
        if self._weights is not None and vector.any():
            # (Only a base read whole has a classifier: best is every entry's, in order.)
            probability = _softmax(CLASSIFIER_SCALE * (vector.astype(np.float32) @ self._weights))
            likeliest = [
                (int(self._owned[i]), float(probability[i]), float(best[i]))
                for i in _first(probability, limit)
            ]
        off_margin = 0.0
        if self._domain_weights is not None and similarities is not None and vector.any():
            scores = CLASSIFIER_SCALE * (vector.astype(np.float32) @ self._domain_weights)
            off_topic = 1.0 - float(_softmax(scores)[0])
            # Several nearest of each, not the one nearest: the entries have more than twice
            # as many phrasings, so one of theirs is nearly always the nearest.
            off_margin = _near_mean(self._foreign @ vector) - _near_mean(similarities)
        return Meaning(nearest, likeliest, off_topic, off_margin)

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


def _first(values: npt.NDArray[np.floating], limit: int) -> npt.NDArray[np.intp]:
    """The indices of the ``limit`` largest ``values``, largest first (ties in index order)."""
    if limit < len(values):
        # Only the few largest are needed: partition, then sort those.
        top = np.argpartition(-values, limit - 1)[:limit]
    else:
        top = np.arange(len(values))
    return top[np.argsort(-values[top], kind="stable")]


def _near_mean(similarities: npt.NDArray[np.floating]) -> float:
    """The mean of the OFF_TOPIC_NEIGHBOURS largest ``similarities`` (of all, if fewer)."""
    count = min(OFF_TOPIC_NEIGHBOURS, len(similarities))
    return float(np.partition(similarities, len(similarities) - count)[-count:].mean())


def _softmax(scores: npt.NDArray[np.floating]) -> npt.NDArray[np.floating]:
    """Probabilities from ``scores`` along their last axis (one row per phrasing, or one
    question's), shifted by their largest first so that ``exp`` cannot overflow."""
    odds = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return odds / odds.sum(axis=-1, keepdims=True)


def _trained_classifier(
    vectors: npt.NDArray[np.floating],
    owners: npt.NDArray[np.intp],
    entries: int,
    balanced: bool = False,
) -> npt.NDArray[np.float32]:
    """Softmax regression weights (one column per entry, no bias: an entry's score is its
    column's dot product with the question, as nearness is) that tell each phrasing's entry
    from its vector: gradient descent with Nesterov momentum from zero (no randomness: the same
    phrasings always give the same weights). Each row weighs alike, or, ``balanced``, each
    class."""
    rows = vectors.astype(np.float32)
    targets = np.zeros((len(rows), entries), np.float32)
    targets[np.arange(len(rows)), owners] = 1.0
    share = np.full((len(rows), 1), 1.0 / len(rows), np.float32)
    if balanced:
        # Every class weighs alike, however many rows it has (every entry's phrasings are one
        # class of the off-topic classifier, 25 times the rows of a subject).
        sizes = np.bincount(owners, minlength=entries).astype(np.float32)
        share = (1.0 / (sizes[owners] * np.count_nonzero(sizes)))[:, None].astype(np.float32)
    weights = np.zeros((rows.shape[1], entries), np.float32)
    velocity: npt.NDArray[np.floating] = np.zeros_like(weights)
    for _ in range(CLASSIFIER_STEPS):
        ahead = weights + CLASSIFIER_MOMENTUM * velocity
        error = (_softmax(CLASSIFIER_SCALE * (rows @ ahead)) - targets) * share
        gradient = CLASSIFIER_SCALE * (rows.T @ error) + CLASSIFIER_DECAY * ahead
        velocity = CLASSIFIER_MOMENTUM * velocity - CLASSIFIER_RATE * gradient
        weights += velocity
    return weights
