"""Finding the knowledge entry that answers a question, and autocomplete for entry options.

How it ranks (chosen by measurement, see ``benchmarks/bench_ask.py --compare``):

* every entry is split into fields - its name (title, name, aliases), its strong text (claim,
  question, short answer, keywords, summary, definition) and its body - and indexed with BM25F,
  so a word in a title counts several times more than the same word in an explanation;
* questions and entries go through the same normalization (:mod:`bot.knowledge.text`): British
  spelling, light stemming, "800k" = "800,000", acronyms such as NCMEC or DHS and their spelled
  out names, a few colloquial synonyms ("kids", "cops");
* a question word the index has never seen is matched to the closest indexed words with
  rapidfuzz (typos) or as a prefix ("decrim");
* the *confidence* is not the BM25 score (which has no fixed scale) but how much of the
  question, weighted by how rare each word is, the best entry covers, with a word found only in
  an entry's body counting less than one in its name. An off-topic question ("weather in Paris")
  covers nothing and gets no answer; below :data:`ANSWER_THRESHOLD` the bot says it does not
  know rather than guess.
"""

from __future__ import annotations

import bisect
import dataclasses
import heapq
import logging
import math
import re
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.knowledge.loader import Knowledge
from bot.knowledge.text import (
    QUESTION_STOPWORDS,
    WEAK_WORDS,
    fold_for_search,
    number_word,
    stem,
    tokenize,
)

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

#: Minimum confidence (0-1) for :meth:`SearchIndex.answer` to give an answer. Calibrated on
#: /work/shared/eval/questions.toml, tests/data/ask_paraphrases.toml and their off-topic cases.
ANSWER_THRESHOLD = 0.45
#: Below that, down to this confidence, the clearly best entry is given as a hedged answer
#: ("probably this") when it is ahead of the runner-up by HEDGE_MARGIN, matches two subject words
#: and the question has at most HEDGE_UNKNOWN_MAX of its weight in words the base never uses.
HEDGE_THRESHOLD, HEDGE_MARGIN, HEDGE_UNKNOWN_MAX = 0.25, 0.08, 0.5
#: Off-topic gate (see SearchIndex._in_domain); FOREIGN_MAX subject words the entry does not
#: match may stand beside its distinctive name ("was the wayfair thing fake": "fake").
DOMAIN_GATE, FOREIGN_MAX = True, 1
#: Words that make a question a claim check ("is X real?"), where an aside beside the subject
#: is expected.
_CLAIM_WORDS = """
    real really true truth actually fake myth hoax debunk debunked lie lies legit exaggerated
    conspiracy scam accurate stat stats statistic statistics number numbers figure source
"""
CLAIM_CUES = frozenset(_CLAIM_WORDS.split())
#: A top entry another of the next two outscores in confidence by this much is only a hedge.
AMBIGUITY_GAP = 0.05
#: An entry whose name holds a subject word stands out enough for a hedged answer.
HEDGE_NAMED = False
#: A name or alias of at least this many words said word for word in a question picks its entry.
PHRASES, PHRASE_MIN_WORDS = True, 3
PHRASE_FILLERS = frozenset(
    ["actually", "really", "just", "even", "like", "um", "please", "pls", "so", "the", "a", "an"]
)
#: Prefer an entry the question essentially names over a BM25F winner that it does not name.
PREFER_NAME_MATCH = True
DISTINCT_DF = 5  # a word in at most this many entries is distinctive
#: Words (as index terms) that place a question in this knowledge base's subject. Written from
#: the subject, not from test questions: trafficking, the sex trades, the people in them and the
#: state's and organizations' responses, the criteria and the claims they check.
DOMAIN_WORDS = """
    trafficking trafficker trafficked sex sexual prostitution prostitute escort brothel pimp johns
    stripper porn erotic survivor victim exploitation exploited coercion coerced grooming
    rescue raid sting criminalize decriminalize legalize nordic swerf terf fosta sesta earnit tvpa
    ncmec qanon myth criterion criteria aftercare trauma abolition abolitionist savior saviorism
    awareness harm
"""
#: Words of neighbouring subjects (police, prisons, migration, statistics, charities): they place
#: a question in the domain only when its best entry matches every subject word of it, so "how
#: do I become a police officer" stays out while "do police raids help" is in.
NEAR_DOMAIN_WORDS = """
    abuse smuggling kidnapping police cop arrest jail prison incarceration criminal hotline
    conspiracy statistic outreach consent migrant immigration deportation slave
    slavery vet vetting trustworthy accountability transparency
"""
#: Minimum confidence for an entry to be offered as a related suggestion.
SUGGEST_THRESHOLD = 0.25
# Distinct question wordings whose answers are remembered.
ANSWER_CACHE = 4096
#: Minimum rapidfuzz ratio (0-100) of a typed name to a whole entry name for
#: :meth:`SearchIndex.resolve` to take it as a typo of that name. A partial match ("300,000
#: children" in "100,000 children") is never enough: it presented the wrong entry as the answer.
RESOLVE_THRESHOLD = 85.0

# Field weights for BM25F. The name is what an entry is *about*; strong text states it; the body
# merely mentions things. How much of the question an entry covers is weighted the same way.
NAME, STRONG, BODY = 0, 1, 2
FIELD_WEIGHTS = (6.0, 2.5, 1.0)
FIELD_COVERAGE = (1.0, 0.75, 0.45)
# How much a question-framing word (WEAK_WORDS) counts towards coverage, and towards ranking.
WEAK_COVERAGE, WEAK_RANKING = 0.3, 0.1
# One subject word that an entry only mentions (not in its name) is weak evidence.
SINGLE_WORD_FACTOR = 0.6
# A question whose subject words are (nearly) exactly an entry's title or alias is answered by it
# even when those words are common ("is all sex work trafficking").
NAME_MATCH_JACCARD, NAME_MATCH_CONFIDENCE = 0.75, 0.9
EVIDENCE_MIN = 2.5  # idf-weighted matched words below which confidence is scaled down
# Weight of a question word the knowledge base never uses. Halved since the domain gate refuses
# off-topic questions: a chatty aside ("lol", "my coworker says") no longer sinks an answer.
UNKNOWN_FACTOR = 0.5
NUMBER_FACTOR = 1.5  # a figure such as "428" or "800000" in a question names its subject
# Rank by BM25F score; "confidence" ranks by coverage instead (see bench_ask --compare).
RANK_BY = "bm25"
CANDIDATES = 12  # entries whose confidence is computed, from the top of the BM25F ranking
K1, B = 1.2, 0.6
FUZZY_MIN = 82.0  # rapidfuzz ratio for a typo to count as a word ("trafficing" -> "traffick")
PREFIX_MIN = 5  # shortest question word taken as the start of a longer word ("decrim")

# Acronyms members use, with their spelled-out forms. Either form yields the acronym as an extra
# term, so "NCMEC" finds an entry that only says "National Center for Missing and Exploited
# Children" and the other way round. More are learnt from "Long Name (ACRONYM)" in the entries.
ACRONYMS: dict[str, tuple[str, ...]] = {
    "ncmec": ("national center for missing and exploited children", "national center missing"),
    "dhs": ("department of homeland security", "homeland security"),
    "tvpa": ("trafficking victims protection act",),
    "fosta": ("fight online sex trafficking act",),
    "sesta": ("stop enabling sex traffickers act",),
    "swerf": ("sex worker exclusionary radical feminist",),
    "terf": ("trans exclusionary radical feminist",),
    "fbi": ("federal bureau of investigation",),
    "ice": ("immigration and customs enforcement",),
    "doj": ("department of justice", "justice department"),
    "nsn": ("national survivor network",),
    "fnusa": ("freedom network usa", "freedom network"),
    "swop": ("sex workers outreach project",),
    "hhs": ("department of health and human services", "health and human services"),
    "ngo": ("non governmental organization", "nongovernmental organization"),
    "our": ("operation underground railroad",),
    "tip": ("trafficking in persons",),
    "csec": ("commercial sexual exploitation of children",),
    "earnit": ("earn it act", "earn it"),
}

# Synonyms that must be applied before stemming, because their stems collide with other words
# ("stats" and "states" both stem to "stat").
RAW_SYNONYMS: dict[str, str] = {"stat": "statistic", "stats": "statistic"}

# Colloquial words mapped onto the word the knowledge base is likely to use (after stemming).
# Both questions and entries are mapped, so this only ever merges, never loses, a match.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "kid": ("child",),
    "kiddo": ("child",),
    "children": ("child",),
    "minor": ("child",),
    "abduct": ("kidnap",),
    "abduction": ("kidnap",),
    "snatch": ("kidnap",),
    "cop": ("polic",),
    "prostitution": ("prostitut",),
    "decrim": ("decriminaliz",),
    "legaliz": ("legaliz",),
    "org": ("organiz",),
    "nonprofit": ("organiz",),
    "charity": ("organiz",),
    "sexwork": ("sex", "work"),
    "sw": ("sex", "work"),
    "immigrant": ("immigrat",),
    "migrant": ("immigrat",),
    "migrat": ("immigrat",),
    "govt": ("government",),
    "vic": ("victim",),
    "money": ("financ",),
    "fund": ("financ",),
    "funding": ("financ",),
    "fundrais": ("financ",),
    "donat": ("financ",),
    "donor": ("financ",),
    "salary": ("financ",),
    "wage": ("financ",),
    "wayfare": ("wayfair",),
    "superbowl": ("super", "bowl"),
    "nordic": ("nordic",),
    "swedish": ("nordic",),
}

_ORDINALS = r"one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2}"
_CRITERION_NUMBER = re.compile(
    rf"\b(?:criterion|criteria|criterium|crit|critera|criterian)\s*(?:#|no\.?|number|nr\.?)?\s*"
    rf"(?P<n>{_ORDINALS})\b"
    rf"|\b(?P<o>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
    rf"\d{{1,2}}(?:st|nd|rd|th))\s+(?:criterion|criteria|question)\b",
)
_ACRONYM_IN_TEXT = re.compile(
    r"((?:[A-Z][\w'-]*\s+(?:(?:of|for|and|the|&|on|in)\s+)*){2,8})\(([A-Z]{2,8})\)"
)


@dataclass(frozen=True)
class Hit:
    """One entry that matches, with a score: confidence 0-1 for questions, 0-100 for completion."""

    kind: str  # "criteria" | "myths" | "terms" | "topics"
    id: str
    title: str
    score: float


@dataclass(frozen=True)
class _Scored:
    """A ranked entry with the evidence the answering rule weighs."""

    hit: Hit
    bm25: float
    matched: int  # question subject words found in the entry
    subjects: int  # subject words in the question
    named: bool  # a subject word is in the entry's name
    distinct: bool  # ... and it is a distinctive word (in few entries)
    name_match: bool  # the question is (nearly) the entry's name or an alias
    unknown: float  # share of the question's weight in words the knowledge base never uses


@dataclass(frozen=True)
class Answer:
    """The entry that answers a question (None when nothing does) and ≤3 related.

    ``hedged`` marks an answer given on weaker evidence because one entry is clearly the best
    fit: it is shown as "probably this", never as a sure answer.
    """

    best: Hit | None
    suggestions: list[Hit]
    hedged: bool = False


def _phrase_terms(text: str) -> tuple[str, ...]:
    return tuple(stem(tok) for tok in tokenize(text) if tok not in QUESTION_STOPWORDS)


class _Analyzer:
    """Turns text into index terms: stems, plus acronym and synonym terms."""

    def __init__(self, acronyms: Mapping[str, Iterable[str]]) -> None:
        self.phrases: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for acronym, spelled in acronyms.items():
            for phrase in spelled:
                terms = _phrase_terms(phrase)
                if len(terms) >= 2 and terms not in self.phrases[terms[0]]:
                    self.phrases[terms[0]].append((*terms, acronym))
        self.synonyms = {stem(k): v for k, v in SYNONYMS.items()} | SYNONYMS
        self.weak = frozenset(t for w in WEAK_WORDS for t in self.synonyms.get(stem(w), (stem(w),)))

    def phrase(self, text: str) -> tuple[str, ...]:
        """``text`` as a word sequence for phrase matching: stemmed and mapped like index terms,
        but with stopwords kept (an alias like "what can I do" is all stopwords) and fillers
        ("actually", "the") dropped."""
        out: list[str] = []
        for tok in tokenize(text):
            if tok in PHRASE_FILLERS:
                continue
            out.extend(self.synonyms.get(stem(RAW_SYNONYMS.get(tok, tok)), (stem(tok),))[:1])
        return tuple(out)

    def __call__(self, text: str) -> list[str]:
        tokens = tokenize(text)
        out: list[str] = []
        stems = [
            stem(RAW_SYNONYMS.get(tok, tok)) for tok in tokens if tok not in QUESTION_STOPWORDS
        ]
        for i, term in enumerate(stems):
            out.extend(self.synonyms.get(term, (term,)))
            for candidate in self.phrases.get(term, ()):
                *phrase, acronym = candidate
                if tuple(stems[i : i + len(phrase)]) == tuple(phrase):
                    out.append(acronym)
        return out


_DEFAULT_ANALYZER = _Analyzer(ACRONYMS)
DOMAIN_TERMS = frozenset(_DEFAULT_ANALYZER(DOMAIN_WORDS))
NEAR_DOMAIN_TERMS = frozenset(_DEFAULT_ANALYZER(NEAR_DOMAIN_WORDS))


def analyze(text: str) -> list[str]:
    """Index terms of ``text`` with the built-in acronyms and synonyms (for tests and tools)."""
    return _DEFAULT_ANALYZER(text)


@dataclass(frozen=True)
class _Doc:
    kind: str
    id: str
    title: str
    names: tuple[str, ...]  # title/name/aliases/id, folded, for completion and resolve
    number: int | None


def _entry_fields(kind: str, entry: object) -> tuple[str, list[str], list[str], list[str]]:
    """(title, name texts, strong texts, body texts) of one entry."""
    e = entry
    keywords = list(getattr(e, "keywords", []))
    if kind == "criteria":
        title = e.title  # type: ignore[attr-defined]
        names = [title, f"criterion {e.number}"]  # type: ignore[attr-defined]
        strong = [e.question, *keywords]  # type: ignore[attr-defined]
        body = [e.why, *e.green_flags, *e.red_flags, *e.how_to_check]  # type: ignore[attr-defined]
    elif kind == "myths":
        title = e.title  # type: ignore[attr-defined]
        names = [title, *e.aliases]  # type: ignore[attr-defined]
        figures = [f.value for f in e.numbers]  # type: ignore[attr-defined]
        strong = [e.claim, e.short, *keywords, *figures]  # type: ignore[attr-defined]
        body = [e.explanation] + [  # type: ignore[attr-defined]
            f"{f.meaning} {f.origin}"
            for f in e.numbers  # type: ignore[attr-defined]
        ]
    elif kind == "terms":
        title = e.name  # type: ignore[attr-defined]
        names = [title, *e.aliases]  # type: ignore[attr-defined]
        strong = [e.definition, *keywords]  # type: ignore[attr-defined]
        body = [e.note or ""]  # type: ignore[attr-defined]
    else:
        title = e.title  # type: ignore[attr-defined]
        names = [title, *e.aliases]  # type: ignore[attr-defined]
        strong = [e.summary, *keywords]  # type: ignore[attr-defined]
        body = [*e.points] + [v.position for v in e.views]  # type: ignore[attr-defined]
    return title, names, strong, body


def _learn_acronyms(texts: Iterable[str]) -> dict[str, list[str]]:
    """Acronyms the entries define themselves, as in "Department of Homeland Security (DHS)"."""
    learnt: dict[str, list[str]] = defaultdict(list)
    for text in texts:
        for match in _ACRONYM_IN_TEXT.finditer(text):
            words = match.group(1).split()
            acronym = match.group(2)
            initials = "".join(w[0] for w in words if w[0].isupper())
            # Only when the initials end with the acronym: the regex may grab leading words.
            if len(acronym) >= 2 and initials.upper().endswith(acronym):
                significant = [w for w in words if w[0].isupper()][-len(acronym) :]
                start = words.index(significant[0])
                learnt[acronym.casefold()].append(" ".join(words[start:]))
    return learnt


class SearchIndex:
    """An immutable index over criteria, myths, terms and topics. Build once, query often."""

    def __init__(
        self,
        docs: list[_Doc],
        fields: list[tuple[list[str], list[str], list[str]]],
        analyzer: _Analyzer,
    ) -> None:
        self._docs = docs
        self._analyzer = analyzer
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
    def build(cls, knowledge: Knowledge) -> SearchIndex:
        """Index every criterion, myth, term and topic of ``knowledge``."""
        raw: list[tuple[str, str, str, list[str], list[str], list[str], int | None]] = []
        for kind in SEARCHED_KINDS:
            for entry in getattr(knowledge, kind).values():
                title, names, strong, body = _entry_fields(kind, entry)
                raw.append(
                    (kind, entry.id, title, names, strong, body, getattr(entry, "number", None))
                )
        acronyms: dict[str, list[str]] = {k: list(v) for k, v in ACRONYMS.items()}
        all_text = (t for item in raw for part in item[3:6] for t in part)
        for acronym, spelled in _learn_acronyms(all_text).items():
            acronyms.setdefault(acronym, []).extend(spelled)
        analyzer = _Analyzer(acronyms)
        docs: list[_Doc] = []
        fields: list[tuple[list[str], list[str], list[str]]] = []
        for kind, entry_id, title, names, strong, body, number in raw:
            id_words = entry_id.replace("-", " ")
            docs.append(
                _Doc(
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
        index = cls(docs, fields, analyzer)
        index._name_sets = [
            [frozenset(analyzer(name)) - analyzer.weak for name in names_]
            for (_, _, _, names_, _, _, _) in raw
        ]
        for d, (_, _, _, names_, _, _, _) in enumerate(raw):
            for name in names_:
                words = analyzer.phrase(name)
                if len(words) >= PHRASE_MIN_WORDS:
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

    def _criterion_number(self, question: str) -> int | None:
        match = _CRITERION_NUMBER.search(fold_for_search(question))
        if not match:
            return None
        token = match.group("n") or re.sub(r"(?<=\d)(st|nd|rd|th)$", "", match.group("o"))
        return number_word(token)

    def _term_factor(self, term: str) -> tuple[float, float]:
        """(coverage, ranking) multipliers of a question term."""
        if term in self._analyzer.weak:
            return WEAK_COVERAGE, WEAK_RANKING
        if term.isdigit() and len(term) >= 3:
            return NUMBER_FACTOR, NUMBER_FACTOR
        return 1.0, 1.0

    def _rank(self, question: str, limit: int) -> list[_Scored]:
        """The best ``limit`` entries sharing a term with ``question``, with their evidence.

        BM25F ranks all entries (one dict update per posting); coverage, the confidence, is then
        computed for the few best only, which keeps a 10,000-entry base fast.
        """
        terms = list(dict.fromkeys(self._analyzer(question)))
        if not terms:
            return []
        scores: dict[int, float] = defaultdict(float)
        # Per question term: (coverage weight, is a subject word, expansions).
        plan: list[tuple[float, bool, tuple[tuple[str, float], ...]]] = []
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
            plan.append((idf, cover_factor >= 1.0, expansions))
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
        top = best[0][1]
        scored: list[_Scored] = []
        for d, score in best:
            credits = self._credits[d]
            covered, matched, named, distinct = 0.0, 0, False, False
            for idf, subject, expansions in plan:
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
                _Scored(
                    Hit(doc.kind, doc.id, doc.title, round(min(confidence, 1.0), 4)),
                    bm25=score,
                    matched=matched,
                    subjects=len(subjects),
                    named=named,
                    distinct=distinct,
                    name_match=name_match,
                    unknown=unknown / total,
                )
            )
        if RANK_BY == "bm25":
            scored.sort(key=lambda s: (-s.bm25, s.hit.kind, s.hit.id))
        else:
            scored.sort(key=lambda s: (-s.hit.score, s.hit.kind, s.hit.id))
        return scored[:limit]

    def _ranked(self, question: str, limit: int) -> list[_Scored]:
        """:meth:`_rank`, with an entry named by its number ("criterion 2") put first."""
        ranked = self._rank(question, limit)
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
                ranked = [_Scored(hit, math.inf, 1, 1, True, True, True, 0.0)] + [
                    s for s in ranked if (s.hit.kind, s.hit.id) != (doc.kind, doc.id)
                ]
        return ranked[: max(limit, 0)]

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

    def _phrase_entries(self, question: str) -> set[int]:
        """Entries with a name or alias of PHRASE_MIN_WORDS words or more said in the question."""
        words = self._analyzer.phrase(question)
        found: set[int] = set()
        for i, word in enumerate(words):
            for phrase, d in self._phrases.get(word, ()):
                if words[i : i + len(phrase)] == phrase:
                    found.add(d)
        return found

    def _answer(self, question: str) -> Answer:
        ranked = self._ranked(question, limit=CANDIDATES)
        said = self._phrase_entries(question) if PHRASES else set()
        if len(said) == 1:
            # The question says one entry's name or alias word for word ("what can I do",
            # "which laws help"): that entry, if it is a candidate at all.
            [d] = said
            key = (self._docs[d].kind, self._docs[d].id)
            named = next((s for s in ranked if (s.hit.kind, s.hit.id) == key), None)
            figures = set(self._analyzer(question))
            if named is not None and self._numbers_agree(d, figures):
                hit = Hit(*key, named.hit.title, max(named.hit.score, NAME_MATCH_CONFIDENCE))
                ranked = [dataclasses.replace(named, hit=hit)] + [
                    s for s in ranked if s is not named
                ]
        ranked = ranked[:4]
        if PREFER_NAME_MATCH and ranked and not ranked[0].name_match:
            # A question that is essentially an entry's title is about that entry, even when a
            # rarer word elsewhere in it ranks another entry first by BM25F.
            named = next((s for s in ranked[:3] if s.name_match), None)
            if named is not None:
                ranked = [named] + [s for s in ranked if s is not named]
        verdict = self._verdict(question, ranked)
        if verdict is None:
            best, rest, hedged = None, [s.hit for s in ranked], False
        else:
            best, rest, hedged = ranked[0].hit, [s.hit for s in ranked[1:]], verdict == "hedged"
        suggestions = [h for h in rest if h.score >= SUGGEST_THRESHOLD][:3]
        log.debug("answer %r -> %s (%d suggestions)", question, best, len(suggestions))
        return Answer(best=best, suggestions=suggestions, hedged=hedged)

    def _in_domain(self, question: str, top: _Scored) -> bool:
        """Whether the question is about this knowledge base's subject at all.

        Near-domain questions share words with the entries but not their subject ("who won the
        super bowl", "how many states are in the us"). A question is in the domain when it uses
        one of the domain's own words (:data:`DOMAIN_TERMS`), when it is essentially an entry's
        name, when it names an entry's distinctive subject with at most one word beside it, or
        when every subject word of it is in the entry, some in its name.
        """
        if not DOMAIN_GATE:
            return True
        terms = set(self._analyzer(question))
        if terms & DOMAIN_TERMS or top.name_match:
            return True
        foreign = top.subjects - top.matched
        if terms & NEAR_DOMAIN_TERMS and foreign == 0 and top.matched >= 2:
            return True
        if top.distinct:
            # "was the wayfair thing fake": checking a claim, one word beside its subject is fine;
            # "who is playing in the super bowl" is another subject that shares a name.
            claim = not CLAIM_CUES.isdisjoint(tokenize(question))
            return foreign == 0 or (claim and foreign <= FOREIGN_MAX)
        return top.named and top.matched >= 2 and foreign == 0

    def _verdict(self, question: str, ranked: list[_Scored]) -> str | None:
        """ "sure", "hedged" or None (no answer) for the best of ``ranked``.

        Sure: the confidence (coverage) reaches :data:`ANSWER_THRESHOLD`. Hedged: it is lower
        but at least :data:`HEDGE_THRESHOLD`, two subject words match and the entry stands out
        from the runner-up (:data:`HEDGE_MARGIN`). Neither when the question is off the
        knowledge base's subject (:meth:`_in_domain`).
        """
        if not ranked:
            return None
        top = ranked[0]
        if top.hit.score < min(ANSWER_THRESHOLD, HEDGE_THRESHOLD):
            return None
        if not self._in_domain(question, top):
            return None
        # Another close candidate covering the question better: the rankers disagree.
        rival = max((s.hit.score for s in ranked[1:3]), default=0.0)
        contested = rival >= top.hit.score + AMBIGUITY_GAP
        if top.hit.score >= ANSWER_THRESHOLD and not contested:
            return "sure"
        runner = ranked[1].hit.score if len(ranked) > 1 else 0.0
        stands_out = top.hit.score - runner >= HEDGE_MARGIN or (HEDGE_NAMED and top.named)
        if (top.matched >= 2 or top.distinct) and stands_out and top.unknown <= HEDGE_UNKNOWN_MAX:
            return "hedged"
        return None

    # -- autocomplete ------------------------------------------------------------------------

    def _hit(self, d: int, score: float) -> Hit:
        doc = self._docs[d]
        return Hit(doc.kind, doc.id, doc.title, score)

    def _names_of(self, kind: str) -> tuple[list[str], list[int]]:
        """Every name of every entry of ``kind``, flattened, with the entry each belongs to."""
        cached = self._names.get(kind)
        if cached is None:
            names: list[str] = []
            owners: list[int] = []
            for d in self._by_kind.get(kind, []):
                for name in self._docs[d].names:
                    names.append(name)
                    owners.append(d)
            cached = self._names[kind] = (names, owners)
        return cached

    def complete(self, kind: str, text: str, limit: int = 25) -> list[Hit]:
        """Autocomplete choices for an entry option: prefixes first, then fuzzy (≤25)."""
        limit = max(0, min(limit, 25))
        ids = self._by_kind.get(kind, [])
        query = " ".join(fold_for_search(text).split())
        if not query or not limit:
            return [self._hit(d, 0.0) for d in ids[:limit]]
        if kind == "criteria":
            bare = query.lstrip("#")
            number = number_word(bare) if bare.isdigit() else self._criterion_number(query)
            if number is not None:
                exact = [d for d in ids if self._docs[d].number == number]
                others = [self._hit(d, 0.0) for d in ids if d not in exact]
                return ([self._hit(d, 100.0) for d in exact] + others)[:limit]
        best: dict[int, float] = {}
        names, owners = self._names_of(kind)
        # Cheap string tests first: exact, prefix of the name, prefix of a word, substring.
        for name, d in zip(names, owners, strict=True):
            if name == query:
                score = 100.0
            elif name.startswith(query):
                score = 95.0 + 4.0 * len(query) / len(name)
            elif f" {query}" in f" {name}":
                score = 90.0
            elif query in name:
                score = 85.0
            else:
                continue
            if score > best.get(d, 0.0):
                best[d] = score
        if len(best) < limit:
            # Then typos, in C: rapidfuzz over all names at once.
            for _, score, i in process.extract(
                query, names, scorer=fuzz.WRatio, score_cutoff=60.0, limit=limit * 3
            ):
                d, score = owners[i], 0.95 * score
                if score > best.get(d, 0.0):
                    best[d] = score
        position = {d: p for p, d in enumerate(ids)}
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], position[kv[0]]))
        return [self._hit(d, round(score, 1)) for d, score in ranked[:limit]]

    def resolve(self, kind: str, text: str) -> Hit | None:
        """The entry a submitted option value names: id, name, alias, criterion number or fuzzy."""
        query = " ".join(fold_for_search(text).split())
        if not query:
            return None
        ids = self._by_kind.get(kind, [])
        if ":" in query:
            # A value from a pick list, "myths:super-bowl".
            prefix, _, rest = query.partition(":")
            if prefix == kind:
                query = rest
        if (kind, query) in self._by_id:
            return self._hit(self._by_id[(kind, query)], 100.0)
        if kind == "criteria":
            bare = query.lstrip("#")
            number = number_word(bare) if bare.isdigit() else self._criterion_number(query)
            if number is not None:
                doc = next((d for d in ids if self._docs[d].number == number), None)
                return self._hit(doc, 100.0) if doc is not None else None
        for d in ids:
            if query in self._docs[d].names:
                return self._hit(d, 100.0)
        terms = set(self._analyzer(query)) - self._analyzer.weak
        holders = self._holders(kind, terms)
        if len(holders) == 1:
            # Every word typed is in one entry's name, and in no other's ("Decriminalization").
            return self._hit(holders[0], 95.0)
        names, owners = self._names_of(kind)
        typo = process.extractOne(query, names, scorer=fuzz.ratio, score_cutoff=RESOLVE_THRESHOLD)
        if typo is not None and self._numbers_agree(owners[typo[2]], terms):
            # The whole name with a typo or two ("superbowl", "nordic modle").
            return self._hit(owners[typo[2]], round(typo[1], 1))
        answer = self.answer(text)
        if (
            answer.best is not None
            and not answer.hedged
            and answer.best.kind == kind
            and self._numbers_agree(self._by_id[(kind, answer.best.id)], terms)
        ):
            # Not a name, but a question this entry surely answers ("kids taken at target").
            return answer.best
        return None

    def _holders(self, kind: str, terms: set[str]) -> list[int]:
        """Entries of ``kind`` with a name or alias holding every one of ``terms``."""
        if not terms:
            return []
        return [
            d
            for d in self._by_kind.get(kind, [])
            if any(terms <= name for name in self._name_sets[d])
        ]

    def _numbers_agree(self, d: int, terms: set[str]) -> bool:
        """Every figure typed ("300,000") is one the entry itself gives."""
        return all(t in self._credits[d] for t in terms if t.isdigit() and len(t) >= 3)

    def suggest(self, kind: str, text: str, limit: int = 3) -> list[Hit]:
        """Closest entries of ``kind`` to offer when ``text`` names none of them for sure."""
        query = " ".join(fold_for_search(text).split())
        terms = set(self._analyzer(query)) - self._analyzer.weak
        # Entries whose names hold every word typed come first: by the title before an alias,
        # then the shortest name.
        holders = sorted(
            self._holders(kind, terms),
            key=lambda d: (
                not terms <= self._name_sets[d][0],
                len(self._name_sets[d][0])
                if terms <= self._name_sets[d][0]
                else min(len(n) for n in self._name_sets[d] if terms <= n),
                d,
            ),
        )
        out = {d: self._hit(d, 90.0) for d in holders}
        for hit in self.complete(kind, query, limit=limit):
            d = self._by_id[(hit.kind, hit.id)]
            out.setdefault(d, hit)
        return list(out.values())[:limit]

    def entries(self, kind: str) -> Sequence[Hit]:
        """Every entry of ``kind`` in file order (score 0)."""
        return [self._hit(d, 0.0) for d in self._by_kind.get(kind, [])]
