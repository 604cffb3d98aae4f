"""Entries by name: autocomplete, the value an option names, and suggestions when none fits.

A mixin of :class:`bot.knowledge.search.SearchIndex`: ``/myth``, ``/term`` and ``/criteria`` show
an entry as *the* answer only when the typed text surely names it (see :meth:`resolve`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from bot.knowledge.hits import Answer, Doc, Hit
from bot.knowledge.text import fold_for_search, is_figure, number_word

if TYPE_CHECKING:
    from bot.knowledge.analyzer import Analyzer

__all__ = ["RESOLVE_THRESHOLD", "NameLookup"]

#: Minimum rapidfuzz ratio (0-100) of a typed name to a whole entry name for
#: :meth:`SearchIndex.resolve` to take it as a typo of that name. A partial match ("300,000
#: children" in "100,000 children") is never enough: it presented the wrong entry as the answer.
RESOLVE_THRESHOLD = 85.0

_ORDINALS = r"one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2}"
_CRITERION_NUMBER = re.compile(
    rf"\b(?:criterion|criteria|criterium|crit|critera|criterian)\s*(?:#|no\.?|number|nr\.?)?\s*"
    rf"(?P<n>{_ORDINALS})\b"
    rf"|\b(?P<o>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
    rf"\d{{1,2}}(?:st|nd|rd|th))\s+(?:criterion|criteria|question)\b",
)


_ARTICLES = r"(?:(?:a|an|the|this|that|term|word|phrase)\s+)*"
# "what does X mean", "whats the definition of X", "define X": a question about a word.
_DEFINITION = [
    re.compile(
        rf"^(?:what|wat|wht)(?:'s|s|\s+is|\s+are|\s+does|\s+do)\s+{_ARTICLES}(?P<x>.+?)\s+"
        r"(?:mean|means|stand for|stands for|refer to|refers to)\b"
    ),
    re.compile(
        rf"^(?:what|wat)(?:'s|s|\s+is|\s+are)\s+(?:the\s+)?(?:actual\s+|real\s+|exact\s+)?"
        rf"(?:definition|meaning)\s+of\s+{_ARTICLES}(?P<x>.+)$"
    ),
    re.compile(rf"^(?:define|definition of|meaning of|explain the term)\s+{_ARTICLES}(?P<x>.+)$"),
    # "wtf is the nordic model ppl keep bringing up", "explain the slogan sw is work to me".
    re.compile(
        rf"^(?:wtf|wth|what the (?:hell|heck|fuck)|what even|wat even)\s+(?:is|are)\s+"
        rf"{_ARTICLES}(?P<x>.+)$"
    ),
    re.compile(r"^explain\s+(?:the\s+)?(?:slogan|idea|concept|word|term|phrase)\s+(?P<x>.+)$"),
    # "what counts as peer support".
    re.compile(rf"^(?:what|wat)\s+(?:counts|qualifies)\s+as\s+{_ARTICLES}(?P<x>.+)$"),
]
# "what is fosta", "whats the tvpa": a question that is nothing but a name, asked what it is.
_WHAT_IS = re.compile(rf"^(?:what|wat|wht)(?:'s|s|\s+is|\s+are)\s+{_ARTICLES}(?P<x>.+)$")
_FILLER_WORDS = re.compile(r"^(?:(?:ok|okay|so|um|hey|quick question|sorry|pls|please)[\s,:]+)+")


# "someone called my professor swerfy, what does that mean": the word came before ("... what
# does that mean in practice", "'lived experience' in these convos. meaning?").
_POINTING_BACK = re.compile(
    r"(?:^|[\s,.;:!?])(?:what|wat|wht)\s+(?:does|do|did|is)\s+(?:that|it|this|they|those)\s+"
    r"(?:mean|means|stand for|stands for)(?:\s+(?:in practice|exactly|here|tho|though|lol))?$"
    r"|[,:.]\s*(?:meaning|definition)$"
)


_QUOTED = re.compile(r"(?:^|\s)['\"“](?P<q>[^'\"”]{2,40})['\"”](?=\W|$)")


def _plain(question: str) -> str:
    """The question folded, single-spaced, without its closing punctuation."""
    return " ".join(fold_for_search(question).split()).rstrip(" ?!.")


def points_back(question: str) -> bool:
    """Whether a question asks what a word it said before means ("..., what does that mean")."""
    text = _plain(question)
    return _POINTING_BACK.search(text) is not None and len(text.split()) > 4


# "whats the difference between decrim and legalization", "nordic model vs decrim".
_COMPARISON = re.compile(
    r"^(?:(?:what|wat)(?:'s|s|\s+is)\s+|is\s+there\s+(?:a|any)\s+|explain\s+)?(?:the\s+)?"
    r"(?:difference|diff|differance)\s+between\s+(?P<a>.+?)\s+(?:and|vs\.?|versus|&)\s+"
    r"(?P<b>.+)$"
    r"|^(?P<c>[\w' -]{2,40}?)\s+(?:vs\.?|versus)\s+(?P<d>[\w' -]{2,40})$"
)


def compared_words(question: str) -> tuple[str, str] | None:
    """The two words or phrases a comparison question sets side by side ("the difference
    between X and Y", "X vs Y"), or None."""
    text = _FILLER_WORDS.sub("", _plain(question))
    match = _COMPARISON.match(text)
    if match is None:
        return None
    first, second = match.group("a") or match.group("c"), match.group("b") or match.group("d")
    return first.strip(" \"'“”"), second.strip(" \"'“”")


def defined_word(question: str) -> str | None:
    """The word or phrase a definition question asks about ("what does X mean" -> "X")."""
    text = _FILLER_WORDS.sub("", _plain(question)).rstrip(" ?!.")
    for pattern in _DEFINITION:
        match = pattern.match(text)
        if match:
            word = match.group("x").strip(" \"'“”")
            if word in ("it", "this", "that"):
                # "what does it mean that help should be 'voluntary'": the word in quotes.
                return quoted_word(text)
            return word if word else None
    return None


def asked_what(question: str) -> str | None:
    """The X of "what is X" ("what is fosta" -> "fosta"), or None: a definition when X is
    exactly a term's name (the caller checks)."""
    match = _WHAT_IS.match(_FILLER_WORDS.sub("", _plain(question)))
    if match is None:
        return None
    return match.group("x").strip(" \"'“”") or None


def quoted_word(question: str) -> str | None:
    """A word or phrase the question puts in quotes ("people keep saying 'lived experience'")."""
    quoted = _QUOTED.search(_plain(question))
    return quoted.group("q") if quoted else None


class NameLookup:
    """Looking entries up by name; the index it is mixed into provides these attributes."""

    _docs: list[Doc]
    _by_kind: dict[str, list[int]]
    _by_id: dict[tuple[str, str], int]
    _names: dict[str, tuple[list[str], list[int]]]
    _name_sets: list[list[frozenset[str]]]
    _credits: list[dict[str, float]]
    _analyzer: Analyzer

    if TYPE_CHECKING:  # provided by SearchIndex

        def answer(self, question: str) -> Answer: ...

    def _criterion_number(self, question: str) -> int | None:
        match = _CRITERION_NUMBER.search(fold_for_search(question))
        if not match:
            return None
        token = match.group("n") or re.sub(r"(?<=\d)(st|nd|rd|th)$", "", match.group("o"))
        return number_word(token)

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
        """The entry a submitted option value names: id, name, alias, criterion number or fuzzy,
        or else a question that an entry of ``kind`` surely answers."""
        named = self.named(kind, text)
        if named is not None:
            return named
        terms = set(self._analyzer(text)) - self._analyzer.weak
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

    def named(self, kind: str, text: str, leading: bool = False) -> Hit | None:
        """The entry of ``kind`` that ``text`` names: id, name, alias, criterion number, every
        word in one entry's name only (with ``leading``, a name that begins with one of them),
        or a whole name with a typo."""
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
        holders = self._holders(kind, terms, leading)
        if len(holders) == 1:
            # Every word typed is in one entry's name, and in no other's ("Decriminalization").
            return self._hit(holders[0], 95.0)
        exact = [d for d in holders if terms in self._name_sets[d]]
        if len(exact) == 1:
            # The words are one entry's whole name, and only part of the others' ("sw" is
            # "sex work", not "survival sex work").
            return self._hit(exact[0], 95.0)
        names, owners = self._names_of(kind)
        typo = process.extractOne(query, names, scorer=fuzz.ratio, score_cutoff=RESOLVE_THRESHOLD)
        if typo is not None and self._numbers_agree(owners[typo[2]], terms):
            # The whole name with a typo or two ("superbowl", "nordic modle").
            return self._hit(owners[typo[2]], round(typo[1], 1))
        return None

    def named_whole(self, kind: str, text: str) -> Hit | None:
        """The entry of ``kind`` whose whole name or alias ``text`` is (or is with a typo): not
        one that merely holds its words ("trafficking" is not "sex trafficking")."""
        hit = self.named(kind, text)
        if hit is None:
            return None
        d = self._by_id[(hit.kind, hit.id)]
        folded = " ".join(fold_for_search(text).split())
        terms = frozenset(self._analyzer(folded)) - self._analyzer.weak
        whole = folded in self._docs[d].names or terms in self._name_sets[d]
        return hit if whole or hit.score < 95.0 else None

    def _holders(self, kind: str, terms: set[str], leading: bool = False) -> list[int]:
        """Entries of ``kind`` with a name or alias holding every one of ``terms`` (with
        ``leading``, one that also begins with one of them)."""
        if not terms:
            return []
        found = [
            d
            for d in self._by_kind.get(kind, [])
            if any(terms <= name for name in self._name_sets[d])
        ]
        if leading:
            found = [d for d in found if any(self._leads(n, terms) for n in self._docs[d].names)]
        return found

    def _leads(self, name: str, terms: set[str]) -> bool:
        """Whether ``name`` holds every one of ``terms`` and begins with one: "nordic" leads
        "nordic model", but "based" is inside "circumstance-based sex work"."""
        words = [t for t in self._analyzer(name) if t not in self._analyzer.weak]
        return bool(words) and words[0] in terms and terms <= set(words)

    def _numbers_agree(self, d: int, terms: set[str]) -> bool:
        """Every figure typed ("300,000") is one the entry itself gives."""
        return all(t in self._credits[d] for t in terms if is_figure(t))

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
