"""Finding the knowledge entry that answers a question, and autocomplete for entry options.

:class:`SearchIndex` ranks entries (here), decides whether the best one answers
(:mod:`bot.knowledge.answering`) and looks entries up by name (:mod:`bot.knowledge.names`);
the vocabulary it analyzes text with is in :mod:`bot.knowledge.analyzer`.

How it ranks (chosen by measurement, see ``benchmarks/bench_ask.py --compare``):

* every entry is split into fields - its name (title, name, aliases), its strong text (claim,
  question, short answer, keywords, summary, definition) and its body - and indexed with BM25F,
  so a word in a title counts several times more than the same word in an explanation;
* questions and entries go through the same normalization (:mod:`bot.knowledge.text`): British
  spelling, light stemming, "800k" = "800,000", acronyms such as NCMEC or DHS and their spelled
  out names, and the knowledge base's synonyms (`knowledge/synonyms.toml`: "kids", "cops");
* a question word the index has never seen is matched to the closest indexed words with
  rapidfuzz (typos) or as a prefix ("decrim");
* the *confidence* is not the BM25 score (which has no fixed scale) but how much of the
  question, weighted by how rare each word is, the best entry covers, with a word found only in
  an entry's body counting less than one in its name. An off-topic question ("weather in Paris")
  covers nothing and gets no answer; the answering rule says when the bot does not know rather
  than guess.
"""

from __future__ import annotations

import bisect
import heapq
import logging
import math
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz, process

from bot.knowledge.analyzer import (
    ACRONYMS,
    DOMAIN_WORDS,
    NEAR_DOMAIN_WORDS,
    Analyzer,
    analyze,
    learn_acronyms,
    synonym_table,
)
from bot.knowledge.answering import (
    ANSWER_THRESHOLD,
    CANDIDATES,
    NAME_MATCH_CONFIDENCE,
    NAME_MATCH_JACCARD,
    AnswerRule,
)
from bot.knowledge.fields import entry_fields, spells_out
from bot.knowledge.hits import Answer, Doc, Hit, Scored
from bot.knowledge.loader import Knowledge
from bot.knowledge.names import NameLookup
from bot.knowledge.semantic import Embedder, SemanticIndex, shipped_embedder
from bot.knowledge.text import fold_for_search, is_figure

log = logging.getLogger(__name__)

__all__ = [
    "ANSWER_THRESHOLD",
    "SEARCHED_KINDS",
    "Answer",
    "Hit",
    "SearchIndex",
    "analyze",
]

SEARCHED_KINDS = ("criteria", "myths", "terms", "topics")

DISTINCT_DF = 5  # a word in at most this many entries is distinctive
COMMON_SHARE = 0.13  # a word in at least this share of the entries is common
# Distinct question wordings whose answers are remembered.
ANSWER_CACHE = 4096
# Field weights for BM25F. The name is what an entry is *about*; strong text states it; the body
# merely mentions things. How much of the question an entry covers is weighted the same way.
NAME, STRONG, BODY = 0, 1, 2
FIELD_WEIGHTS = (6.0, 2.5, 1.0)
FIELD_COVERAGE = (1.0, 0.75, 0.45)
# How much a question-framing word (WEAK_WORDS) counts towards coverage, and towards ranking.
WEAK_COVERAGE, WEAK_RANKING = 0.3, 0.1
# One subject word that an entry only mentions (not in its name) is weak evidence.
SINGLE_WORD_FACTOR = 0.6
EVIDENCE_MIN = 2.5  # idf-weighted matched words below which confidence is scaled down
# Weight of a question word the knowledge base never uses. Halved since the domain gate refuses
# off-topic questions: a chatty aside ("lol", "my coworker says") no longer sinks an answer.
UNKNOWN_FACTOR = 0.5
NUMBER_FACTOR = 1.5  # a figure such as "428" or "800000" in a question names its subject
# Rank by BM25F score; "confidence" ranks by coverage instead (see bench_ask --compare).
RANK_BY = "bm25"
# A word found only in an alias that spells out another name ("Stop Enabling Sex Traffickers
# Act" for "SESTA") counts as strong text, not as the entry's name, towards coverage: those
# everyday words are not what the entry is about ("is harm reduction just enabling people" got
# FOSTA/SESTA). BM25F still ranks them as name words. Tune half +1 and a wrong answer fewer,
# second blind set a wrong answer fewer.
LONG_FORMS_ARE_NOT_NAMES = True
# Entries' ``paraphrases`` stand for them in the semantic index (by meaning), beside names and
# ``questions``. Matched word by word as well, they added answers on every set but wrong ones on
# the tune half (4 -> 8 to 15) and an off-topic answer on the held-out half.
MEANING_PARAPHRASES = True
# The knowledge base's off-topic subjects (knowledge/off_topic.toml) go to the semantic index,
# whose second classifier learns them (see answering.OFF_TOPIC_REFUSE); off for the comparison.
OFF_TOPIC = True
BLEND = 0.5  # with RANK_BY "blend": weight of the confidence beside the BM25F score / best
K1, B = 1.2, 0.6
FUZZY_MIN = 82.0  # rapidfuzz ratio for a typo to count as a word ("trafficing" -> "traffick")
PREFIX_MIN = 5  # shortest question word taken as the start of a longer word ("decrim")


class SearchIndex(AnswerRule, NameLookup):
    """An immutable index over criteria, myths, terms and topics. Build once, query often."""

    def __init__(
        self,
        docs: list[Doc],
        fields: list[tuple[list[str], list[str], list[str]]],
        analyzer: Analyzer,
        semantic: SemanticIndex | None = None,
    ) -> None:
        self._docs = docs
        self._analyzer = analyzer
        self._semantic = semantic
        self._domain_terms = frozenset(analyzer(DOMAIN_WORDS))
        self._near_domain_terms = frozenset(analyzer(NEAR_DOMAIN_WORDS))
        # Domain words other causes use too ("animal rescue", "cancer survivor").
        shared = "rescue awareness harm victim survivor trauma"
        self._shared_cause_terms = frozenset(analyzer(shared))
        self._org_terms = frozenset(analyzer("organization"))
        self._meta_terms = frozenset(analyzer("criterion criteria"))
        self._answers: OrderedDict[str, Answer] = OrderedDict()
        self._by_kind: dict[str, list[int]] = defaultdict(list)
        for i, doc in enumerate(docs):
            self._by_kind[doc.kind].append(i)
        self._by_id = {(d.kind, d.id): i for i, d in enumerate(docs)}
        self._names: dict[str, tuple[list[str], list[int]]] = {}
        self._name_sets: list[list[frozenset[str]]] = [[] for _ in docs]
        # Names and aliases as word sequences, stopwords kept, by first word.
        self._phrases: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        n = max(len(docs), 1)
        # Average field lengths for BM25 length normalization.
        lengths = [[len(f) for f in doc_fields] for doc_fields in fields]
        avg = (
            [max(sum(col) / n, 1.0) for col in zip(*lengths, strict=True)] if lengths else [1.0] * 3
        )
        df: dict[str, int] = defaultdict(int)
        for doc_fields in fields:
            for term in set().union(*map(set, doc_fields)):
                df[term] += 1
        self._idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        # A word in this few entries is distinctive: it names a subject ("wayfair", "kraft").
        self._distinct_idf = math.log(1 + (n - DISTINCT_DF + 0.5) / (DISTINCT_DF + 0.5))
        # A word in this many entries is common: it frames a question rather than naming a subject.
        common_df = max(COMMON_SHARE * n, DISTINCT_DF + 1)
        self._common_idf = math.log(1 + (n - common_df + 0.5) / (common_df + 0.5))
        # Unseen words are as informative as the rarest word: they make a question off-topic.
        self._idf_unknown = math.log(1 + (n + 0.5) / 0.5)
        # postings: term -> [(doc, bm25 weight)]; credits: per doc, term -> coverage credit of
        # the best field holding it.
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self._credits: list[dict[str, float]] = [{} for _ in docs]
        for d, doc_fields in enumerate(fields):
            tf: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
            for f, terms in enumerate(doc_fields):
                for term in terms:
                    tf[term][f] += 1
            for term, counts in tf.items():
                weighted = sum(
                    FIELD_WEIGHTS[f] * c / (1 - B + B * lengths[d][f] / avg[f])
                    for f, c in enumerate(counts)
                    if c
                )
                credit = max(FIELD_COVERAGE[f] for f, c in enumerate(counts) if c)
                weight = self._idf[term] * weighted / (K1 + weighted)
                postings[term].append((d, weight))
                self._credits[d][term] = credit
        self._postings = dict(postings)
        self._vocab = sorted(self._postings)
        # Words by length: a typo within FUZZY_MIN differs in length by a couple of letters at
        # most, so fuzzy matching only looks at words of similar length.
        self._vocab_by_len: dict[int, list[str]] = defaultdict(list)
        for term in self._vocab:
            self._vocab_by_len[len(term)].append(term)
        self._near_by_len: dict[int, list[str]] = {}
        self._expand = lru_cache(maxsize=8192)(self._expand_uncached)

    @classmethod
    def build(
        cls, knowledge: Knowledge, embedder: Embedder | Literal["shipped"] | None = "shipped"
    ) -> SearchIndex:
        """Index every criterion, myth, term and topic of ``knowledge``. ``embedder`` is the
        semantic tie-breaker's model: the shipped one if installed by default, None for none."""
        if embedder == "shipped":
            embedder = shipped_embedder()
        raw: list[tuple[str, str, str, list[str], list[str], list[str], int | None]] = []
        entries: list[object] = []
        for kind in SEARCHED_KINDS:
            for entry in getattr(knowledge, kind).values():
                title, names, strong, body = entry_fields(kind, entry)
                raw.append(
                    (kind, entry.id, title, names, strong, body, getattr(entry, "number", None))
                )
                entries.append(entry)
        semantic: Future[SemanticIndex] | None = None
        if embedder is not None:
            # Names and members' phrasings: what an entry is about (its body would blur it).
            phrasings = [
                [
                    *item[3],
                    *getattr(entry, "questions", []),
                    *(getattr(entry, "paraphrases", []) if MEANING_PARAPHRASES else []),
                ]
                for item, entry in zip(raw, entries, strict=True)
            ]
            # Embedding and training (the model's tokenizer and numpy, which release the GIL)
            # run beside the lexical index's pure-Python build. Before the classifier: build
            # median 211 -> 176 ms; with it, threaded and in-line builds measured alike on a
            # noisy 2-CPU machine (191-229 against 207-244 ms).
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="semantic")
            off_topic = [subject.questions for subject in knowledge.off_topic] if OFF_TOPIC else []
            semantic = pool.submit(SemanticIndex, embedder, phrasings, off_topic)
            pool.shutdown(wait=False)  # the one task runs on; its result is awaited below
        acronyms: dict[str, list[str]] = {k: list(v) for k, v in ACRONYMS.items()}
        all_text = (t for item in raw for part in item[3:6] for t in part)
        for acronym, spelled in learn_acronyms(all_text).items():
            acronyms.setdefault(acronym, []).extend(spelled)
        analyzer = Analyzer(acronyms, synonym_table(knowledge.synonyms))
        docs: list[Doc] = []
        fields: list[tuple[list[str], list[str], list[str]]] = []
        for kind, entry_id, title, names, strong, body, number in raw:
            id_words = entry_id.replace("-", " ")
            docs.append(
                Doc(
                    kind=kind,
                    id=entry_id,
                    title=title,
                    names=tuple(dict.fromkeys(fold_for_search(n) for n in [*names, id_words])),
                    number=number,
                )
            )
            fields.append(
                (
                    analyzer(" ".join([*names, id_words])),
                    analyzer(" ".join(strong)),
                    analyzer(" ".join(body)),
                )
            )
        index = cls(docs, fields, analyzer, semantic.result() if semantic else None)
        index._name_sets = [
            [frozenset(analyzer(name)) - analyzer.weak for name in names_]
            for (_, _, _, names_, _, _, _) in raw
        ]
        if LONG_FORMS_ARE_NOT_NAMES:
            for d, (_, _, _, names_, _, _, _) in enumerate(raw):
                long_forms = [n for n in names_ if spells_out(n, names_)]
                if not long_forms:
                    continue
                short = set(analyzer(" ".join(n for n in names_ if n not in long_forms)))
                short |= set(analyzer(docs[d].id.replace("-", " ")))
                for term in set(analyzer(" ".join(long_forms))) - short:
                    credits = index._credits[d]
                    credits[term] = min(credits[term], FIELD_COVERAGE[STRONG])
        for d, (_, _, _, names_, _, _, _) in enumerate(raw):
            for name in names_:
                words = analyzer.phrase(name)
                if len(words) >= 2:  # two-word names count only for SAID_TOP_STAYS
                    index._phrases.setdefault(words[0], []).append((words, d))
        log.debug("search index: %d entries, %d terms", len(docs), len(index._vocab))
        return index

    # -- questions ---------------------------------------------------------------------------

    def _expand_uncached(self, term: str) -> tuple[tuple[str, float], ...]:
        """Indexed terms standing for a question term, each with a similarity 0-1."""
        if term in self._postings:
            return ((term, 1.0),)
        if len(term) < 4 or term.isdigit():
            return ()
        found: dict[str, float] = {}
        near = self._near_lengths(len(term))
        for match, score, _ in process.extract(
            term, near, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN, limit=3
        ):
            # Typos in short words are as likely another word; trust them a bit less.
            found[match] = score / 100 * (0.9 if len(term) < 6 else 1.0)
        if len(term) >= PREFIX_MIN:
            # "decrim" -> "decriminaliz": the member typed the start of a word.
            for vocab_term in self._prefixed(term):
                found.setdefault(vocab_term, 0.85)
        return tuple(sorted(found.items(), key=lambda kv: -kv[1])[:3])

    def _near_lengths(self, n: int) -> list[str]:
        """Indexed words within two letters of length ``n`` (built once per length)."""
        near = self._near_by_len.get(n)
        if near is None:
            near = [t for size in range(n - 2, n + 3) for t in self._vocab_by_len.get(size, ())]
            self._near_by_len[n] = near
        return near

    def _prefixed(self, prefix: str) -> list[str]:
        start = bisect.bisect_left(self._vocab, prefix)
        out = []
        for term in self._vocab[start : start + 4]:
            if term.startswith(prefix):
                out.append(term)
        return out

    def _term_factor(self, term: str) -> tuple[float, float]:
        """(coverage, ranking) multipliers of a question term."""
        if term in self._analyzer.weak:
            return WEAK_COVERAGE, WEAK_RANKING
        if is_figure(term):
            return NUMBER_FACTOR, NUMBER_FACTOR
        return 1.0, 1.0

    def _rank(self, question: str, limit: int, include: Iterable[int] = ()) -> list[Scored]:
        """The best ``limit`` entries sharing a term with ``question``, with their evidence, and
        the entries of ``include`` (named by the question) wherever they rank.

        BM25F ranks all entries (one dict update per posting); coverage, the confidence, is then
        computed for the few best only, which keeps a 10,000-entry base fast.
        """
        terms = list(dict.fromkeys(self._analyzer(question)))
        if not terms:
            return []
        scores: dict[int, float] = defaultdict(float)
        # Per question term: (coverage weight, is a subject word, expansions).
        plan: list[tuple[float, bool, bool, tuple[tuple[str, float], ...]]] = []
        subjects: set[str] = set()  # the question's subject words, typos resolved
        total = unknown = 0.0
        for term in terms:
            expansions = self._expand(term)
            cover_factor, rank_factor = self._term_factor(term)
            if term in self._idf:
                idf = self._idf[term]
            elif expansions:
                idf = max(self._idf[t] for t, _ in expansions)
            else:
                # A word the knowledge base never uses: likely off-topic, or just an aside.
                idf = self._idf_unknown * UNKNOWN_FACTOR
                unknown += idf * cover_factor
            idf *= cover_factor
            total += idf
            # A word in many entries ("make", "post") is no sign of another subject when unmatched.
            best_idf = max((self._idf[t] for t, _ in expansions), default=math.inf)
            common = best_idf < self._common_idf
            plan.append((idf, cover_factor >= 1.0, common, expansions))
            if cover_factor >= 1.0:
                subjects.add(expansions[0][0] if expansions else term)
            for vocab_term, similarity in expansions:
                factor = rank_factor * similarity
                for d, weight in self._postings[vocab_term]:
                    scores[d] += factor * weight
        if not scores or total <= 0:
            return []
        pool = max(limit, CANDIDATES)
        best = heapq.nlargest(pool, scores.items(), key=lambda kv: (kv[1], -kv[0]))
        # Entries the question names word for word are weighed even when ranked lower.
        best += [(d, scores[d]) for d in include if d in scores and all(d != b for b, _ in best)]
        top = best[0][1]
        scored: list[Scored] = []
        for d, score in best:
            credits = self._credits[d]
            covered, matched, named, distinct, foreign, rare = 0.0, 0, False, False, 0, 0
            for idf, subject, common, expansions in plan:
                # A guessed typo is less sure than the word itself, hence similarity squared.
                c = max(
                    (sim * sim * credits[t] for t, sim in expansions if t in credits), default=0.0
                )
                if c > 0:
                    covered += idf * c
                    if subject:
                        matched += 1
                        in_name = c >= FIELD_COVERAGE[NAME] * 0.95
                        named = named or in_name
                        distinct = distinct or (in_name and idf >= self._distinct_idf)
                        # A distinctive word the entry states (name or strong text), not mentions.
                        rare += idf >= self._distinct_idf and c >= FIELD_COVERAGE[STRONG] * 0.95
                elif subject and not common:
                    foreign += 1
            # Confidence is coverage, nudged by how close this entry is to the top BM25 score,
            # so that of two entries covering the question alike the one about it wins.
            confidence = covered / total * (0.75 + 0.25 * score / top)
            if EVIDENCE_MIN > 0:
                # Rare words matched are evidence; two common ones ("job", "organization") are not.
                confidence *= min(1.0, covered / EVIDENCE_MIN)
            if matched <= 1 and not named:
                # One word that an entry merely mentions ("joke") is no evidence it answers.
                confidence *= SINGLE_WORD_FACTOR
            name_match = any(
                len(subjects & name) / len(subjects | name) >= NAME_MATCH_JACCARD
                for name in self._name_sets[d]
                if name
            )
            if name_match:
                # The question is essentially this entry's title or an alias of it.
                confidence = max(confidence, NAME_MATCH_CONFIDENCE)
            doc = self._docs[d]
            scored.append(
                Scored(
                    Hit(doc.kind, doc.id, doc.title, round(min(confidence, 1.0), 4)),
                    bm25=score,
                    matched=matched,
                    subjects=len(subjects),
                    foreign=foreign,
                    rare=rare,
                    named=named,
                    distinct=distinct,
                    name_match=name_match,
                    unknown=unknown / total,
                )
            )
        if RANK_BY == "bm25":
            scored.sort(key=lambda s: (-s.bm25, s.hit.kind, s.hit.id))
        elif RANK_BY == "blend":
            scored.sort(key=lambda s: (-(s.bm25 / top + BLEND * s.hit.score), s.hit.kind, s.hit.id))
        else:
            scored.sort(key=lambda s: (-s.hit.score, s.hit.kind, s.hit.id))
        return self._within(scored, limit, include)

    def _within(self, ranked: list[Scored], limit: int, include: Iterable[int]) -> list[Scored]:
        """The first ``limit`` of ``ranked``, and any entry of ``include`` further down."""
        wanted = {(self._docs[d].kind, self._docs[d].id) for d in include}
        return [s for i, s in enumerate(ranked) if i < limit or (s.hit.kind, s.hit.id) in wanted]

    def _ranked(self, question: str, limit: int, include: Iterable[int] = ()) -> list[Scored]:
        """:meth:`_rank`, with an entry named by its number ("criterion 2") put first."""
        ranked = self._rank(question, limit, include)
        number = self._criterion_number(question)
        if number is not None:
            doc = next(
                (
                    self._docs[i]
                    for i in self._by_kind["criteria"]
                    if self._docs[i].number == number
                ),
                None,
            )
            if doc is not None:
                hit = Hit(doc.kind, doc.id, doc.title, 1.0)
                ranked = [Scored(hit, math.inf, 1, 1, True, True, True, 0.0, 0)] + [
                    s for s in ranked if (s.hit.kind, s.hit.id) != (doc.kind, doc.id)
                ]
        return self._within(ranked, limit, include)

    def search(self, question: str, limit: int = 5) -> list[Hit]:
        """The ``limit`` entries that best match ``question``, best first (score = confidence)."""
        return [s.hit for s in self._ranked(question, limit)]

    def answer(self, question: str) -> Answer:
        """The entry answering ``question`` if confident enough, and up to three related ones.

        Answers are remembered per wording (the index never changes), since members ask the
        same few questions over and over.
        """
        key = " ".join(question.split())
        cached = self._answers.get(key)
        if cached is not None:
            self._answers.move_to_end(key)
            return cached
        answer = self._answer(question)
        self._answers[key] = answer
        if len(self._answers) > ANSWER_CACHE:
            self._answers.popitem(last=False)
        return answer
