"""Text to index terms: the vocabulary tables and the analyzer that questions and entries share.

Acronyms and their spelled-out names, and the word lists the answering rule reads (the domain's
own words, its neighbours', claim-check cues, phrase fillers) live here, as data, apart from the
ranking code in :mod:`bot.knowledge.search`. Colloquial synonyms ("cops" = "police") are the
knowledge base's own (``knowledge/synonyms.toml``), so moderators extend them without code.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from bot.knowledge.models import Synonym
from bot.knowledge.text import QUESTION_STOPWORDS, WEAK_WORDS, stem, tokenize

__all__ = [
    "ABOUT_WORDS",
    "ACRONYMS",
    "CLAIM_CUES",
    "DOMAIN_WORDS",
    "FIGURE_CUES",
    "NEAR_DOMAIN_WORDS",
    "PHRASE_FILLERS",
    "Analyzer",
    "analyze",
    "learn_acronyms",
    "other_cause",
    "other_trade",
    "synonym_table",
]

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
    # "earn it" alone is everyday English ("you have to earn it"): the act, bill or law only.
    "earnit": ("earn it act", "earn it bill", "earn it law"),
}

# Synonyms that must be applied before stemming, because their stems collide with other words
# ("stats" and "states" both stem to "stat").
RAW_SYNONYMS: dict[str, str] = {"stat": "statistic", "stats": "statistic"}

#: Words that make a question a claim check ("is X real?"), where an aside beside the subject
#: is expected.
_CLAIM_WORDS = (
    "real really true truth actually fake lie lies legit exaggerated scam accurate source "
    "proven prove proof disproven"
)
_FIGURE_WORDS = (
    "myth hoax debunk debunked conspiracy stat stats statistic statistics number numbers figure"
)
CLAIM_CUES = frozenset(_CLAIM_WORDS.split()) | frozenset(_FIGURE_WORDS.split())
#: ... of them, the words of a claim about figures or a myth ("a charity called X says 300,000
#: kids ... myth?"), plurals included: such a question is about the claim, whoever made it.
FIGURE_CUES = frozenset(_FIGURE_WORDS.split()) | {"myths", "figures"}
#: Words that ask about a named subject as a story or an event ("the cyntoia brown case").
_ABOUT = """
    case story thing stuff claim claims rumor rumour rumors rumours theory controversy scandal
    drama situation saga incident
"""
ABOUT_WORDS = frozenset(_ABOUT.split())
PHRASE_FILLERS = frozenset(
    ["actually", "really", "just", "even", "like", "um", "please", "pls", "so", "the", "a", "an"]
)
#: Words (as index terms) that place a question in this knowledge base's subject. Written from
#: the subject, not from test questions: trafficking, the sex trades, the people in them and the
#: state's and organizations' responses, the criteria and the claims they check.
DOMAIN_WORDS = """
    trafficking trafficker trafficked sex sexual prostitution prostitute escort brothel pimp johns
    stripper porn erotic survivor victim exploitation exploited coercion coerced grooming
    rescue raid sting criminalize decriminalize legalize nordic swerf terf fosta sesta earnit tvpa
    ncmec qanon criterion criteria aftercare trauma abolition abolitionist savior saviorism
    awareness harm
"""
#: Words of neighbouring subjects (police, prisons, migration, statistics, charities): they place
#: a question in the domain only when its best entry matches every subject word of it, so "how
#: do I become a police officer" stays out while "do police raids help" is in.
NEAR_DOMAIN_WORDS = """
    abuse smuggling kidnapping police cop arrest jail prison incarceration criminal hotline
    conspiracy statistic outreach consent migrant immigration deportation slave
    slavery vet vetting trustworthy accountability transparency shelter myth
"""
# Trafficking in goods, not people ("drug trafficking penalties"), unless people are named too.
_OTHER_TRADE = re.compile(
    r"\b(?:drugs?|narcotics?|cocaine|heroin|fentanyl|meth|opioids?|cannabis|weed|arms|guns?|"
    r"weapons?|firearms?|wildlife|ivory|animals?|cigarettes?|tobacco|antiquities|organs?)\s+"
    r"traffic",
    re.IGNORECASE,
)
_PEOPLE_TRADE = re.compile(r"\b(?:human|sex|labou?r|child|people|persons?)\s+traffic", re.I)


def other_trade(question: str) -> bool:
    """Whether the question's trafficking is in goods (drugs, arms, wildlife), not people."""
    return bool(_OTHER_TRADE.search(question)) and not _PEOPLE_TRADE.search(question)


# Causes other charities serve ("which cancer research charity is legit"): judging one of those
# is not this knowledge base's subject, whatever words about charities it shares.
_OTHER_CAUSE = re.compile(
    r"\b(?:cancer|tumou?rs?|leukemia|alzheimer'?s?|dementia|autism|diabetes|heart disease|"
    r"diseases?|medical research|hospitals?|hospices?|animals?|pets?|dogs?|cats?|puppies|"
    r"kittens|wildlife|rainforests?|climate|environment(?:al)?|ocean|hunger|food banks?|"
    r"disasters?|hurricanes?|earthquakes?|floods?|wildfires?|veterans?|museums?|orchestras?|"
    r"sports? (?:clubs?|teams?)|scholarships?)\b",
    re.IGNORECASE,
)


def other_cause(question: str) -> bool:
    """Whether the question names a cause other charities serve (cancer, animals, disasters)."""
    return bool(_OTHER_CAUSE.search(question))


_MINOR_AGE = re.compile(
    r"\b(?:1[0-7]|[1-9])\s*(?:-|\s)?\s*(?:yo|y/o|yrs?(?:\s*-?\s*old)?|years?\s*-?\s*old)\b",
    re.IGNORECASE,
)
_ACRONYM_IN_TEXT = re.compile(
    r"((?:[A-Z][\w'-]*\s+(?:(?:of|for|and|the|&|on|in)\s+)*){2,8})\(([A-Z]{2,8})\)"
)


def _phrase_terms(text: str) -> tuple[str, ...]:
    return tuple(stem(tok) for tok in tokenize(text) if tok not in QUESTION_STOPWORDS)


def synonym_table(synonyms: Iterable[Synonym]) -> dict[str, tuple[str, ...]]:
    """The knowledge base's synonyms as the analyzer applies them: a word's stem -> the stems it
    stands for (itself first, for an ``also`` word)."""
    table: dict[str, tuple[str, ...]] = {}
    for synonym in synonyms:
        meaning = tuple(stem(word) for word in tokenize(synonym.means))
        for word in synonym.words:
            table[stem(word.casefold())] = meaning
        for word in synonym.also:
            key = stem(word.casefold())
            table[key] = (key, *(t for t in meaning if t != key))
    return table


class Analyzer:
    """Turns text into index terms: stems, plus acronym and synonym terms."""

    def __init__(
        self,
        acronyms: Mapping[str, Iterable[str]],
        synonyms: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        """``synonyms`` as made by :func:`synonym_table` (none by default)."""
        self.phrases: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for acronym, spelled in acronyms.items():
            for phrase in spelled:
                terms = _phrase_terms(phrase)
                if len(terms) >= 2 and terms not in self.phrases[terms[0]]:
                    self.phrases[terms[0]].append((*terms, acronym))
        self.synonyms: Mapping[str, tuple[str, ...]] = synonyms or {}
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
        # "a 16 year old", "16yo": an age under 18 is a child in the entries' terms.
        tokens = tokenize(_MINOR_AGE.sub(" child ", text))
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


DEFAULT_ANALYZER = Analyzer(ACRONYMS)


def analyze(text: str) -> list[str]:
    """Index terms of ``text`` with the built-in acronyms, no synonyms (for tests and tools)."""
    return DEFAULT_ANALYZER(text)


def learn_acronyms(texts: Iterable[str]) -> dict[str, list[str]]:
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
