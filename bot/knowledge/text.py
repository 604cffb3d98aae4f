"""Text normalization shared by indexing and querying.

Members type colloquially: British or American spelling, plurals, "800k" or "800,000", acronyms
in any case, typos. Both the knowledge base and the question go through the same pipeline, so a
question matches an entry whatever form either uses. Everything here is pure and fast (regexes
and dict look-ups), because it runs on every keystroke of an autocomplete.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "QUESTION_STOPWORDS",
    "WEAK_WORDS",
    "fold_for_search",
    "is_figure",
    "normalize_numbers",
    "number_word",
    "stem",
    "terms",
    "tokenize",
]


def _words(text: str) -> list[str]:
    """Whitespace-separated words: long word lists read better as a block of text."""
    return text.split()


# Words that carry no topic. Question words matter for intent but not for *which* entry answers,
# and leaving them in would let any question match any entry a little. "whether" is here because
# a typo-tolerant matcher otherwise maps "weather" onto it.
QUESTION_STOPWORDS = frozenset(
    _words(
        """
    a about above actually after again against also am an and any are aren arent as at be
    because been before being below between both but by can cant could couldnt did didnt do does
    doesnt doing dont down during each else even ever few for from further get gets getting
    give go going got had hadnt has hasnt have havent having he her here hers herself him himself
    his how i id if ill im in into is isnt it its itself ive just let lets like me mean means
    meant more much must my myself need no nor not now of off on once one only or other ought
    our ours ourselves out over own please pls plz really right said same say says shall she should
    shouldnt show so some someone something such tell than thank thanks that thats the their theirs
    them themselves then there theres these they theyre thing things think this those though
    through thru to too true u under until up upon ur us use used very want wanna was wasnt way we
    were werent what whats when where wheres whether which while who whos whom whose why will with
    wont would wouldnt ya yeah yes yet you youre your yours yourself explain explained definition
    define anyone people guys hey hi hello ok okay im actually kind sort lot lots bit does whats
    ppl ppls tbh ngl imo imho idk idc lol lmao lmfao omg rn irl fr smh btw thx ty bc cuz cos coz
    abt smth sth yall yknow tho pretty honestly literally wait kinda sorta lowkey saw seen
    r n
    """
    )
)

# Words that frame a question rather than name its subject ("what does X stand for", "why does X
# matter", "is the X stat legit"). They still count, but at a fraction of their rarity: otherwise a
# rare framing word outweighs the subject and picks the entry that happens to use it.
WEAK_WORDS = frozenset(
    _words(
        """
    ask asked asking question questions stand stands stance matter matters come comes came
    problem problems problematic issue issues wrong common happen happens happened include
    includes look looking check checking find found trust trusted reliable legit legitimate
    useful use deal story stories claim claims claimed say saying told tell hear heard believe
    believed read learn info information example examples number numbers figure figures
    real fact facts accurate correct mean meaning important
    thing stuff part role point points idea ideas
    whole exactly basically common commonly often usually typically anything everything
    america american americans usa united states country world today now currently right
    anti all most every always never
    """
    )
)

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}

_MULTIPLIERS = {
    "k": 1_000,
    "thousand": 1_000,
    "m": 1_000_000,
    "mil": 1_000_000,
    "mill": 1_000_000,
    "million": 1_000_000,
    "b": 1_000_000_000,
    "bn": 1_000_000_000,
    "billion": 1_000_000_000,
}

# "800,000" / "10 949" (thin or plain space as thousands separator) / "1.5 million" / "800k".
_GROUPED = re.compile(r"(?<![\d.])(\d{1,3})(?:[,\u202f\u00a0 ](\d{3}))+(?![\d,])")
_SCALED = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?)\s*(k|m|mil|mill|bn|b|thousand|million|billion)\b",
    re.IGNORECASE,
)

# British -> American endings. -ise is rewritten only for words long enough to be the -ize verb
# family, minus the common words that are -ise in both spellings.
_ISE = re.compile(r"^(\w{4,}?)is(e|ed|es|ing|er|ers|ation|ations)$")
_ISE_KEEP = frozenset(
    _words(
        """
    advise advised advises advising promise promised promises promising otherwise exercise
    exercised exercises surprise surprised surprises surprising expertise franchise compromise
    compromised compromises enterprise enterprises premise premises despise devise devised
    supervise supervised supervises supervising supervisor revise revised revising televise
    improvise comprise comprises comprised disguise disguised merchandise chastise circumcise
    concise precise paradise treatise noise poise praise praised raise raised raises raising
    appraise arise arises arising cruise bruise bruised otherwise likewise clockwise
    """
    )
)
_OUR = re.compile(r"^(behavi|col|lab|fav|hon|neighb|savi|endeav|rum|harb|vig|flav|hum)our(\w*)$")
_BRITISH_WORDS = {
    "centre": "center",
    "centres": "centers",
    "programme": "program",
    "programmes": "programs",
    "defence": "defense",
    "offence": "offense",
    "offences": "offenses",
    "licence": "license",
    "practise": "practice",
    "judgement": "judgment",
    "travelling": "traveling",
    "counselling": "counseling",
    "counsellor": "counselor",
    "counsellors": "counselors",
    "modelling": "modeling",
    "paediatric": "pediatric",
    "sceptical": "skeptical",
    "whilst": "while",
    "amongst": "among",
    "fulfil": "fulfill",
    "enrol": "enroll",
}


def strip_diacritics(text: str) -> str:
    """ "é" -> "e": decompose (NFKD) and drop the combining marks."""
    if text.isascii():
        return text  # most questions: nothing to strip, and this runs several times per question
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_for_search(text: str) -> str:
    """Lower-case, strip accents and unify quotes and dashes, keeping the text readable."""
    text = strip_diacritics(text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2013", "-")
    return text.replace("\u2014", " ").casefold()


def normalize_numbers(text: str) -> str:
    """Write numbers one way: "800,000", "800k" and "800 thousand" all become "800000"."""
    text = _GROUPED.sub(lambda m: m.group(0).replace(",", "").replace(" ", ""), text)
    text = re.sub(r"(?<=\d)[\u202f\u00a0](?=\d{3}\b)", "", text)

    def scale(match: re.Match[str]) -> str:
        value = float(match.group(1)) * _MULTIPLIERS[match.group(2).lower()]
        return str(round(value))

    return _SCALED.sub(scale, text)


_TOKEN = re.compile(r"[a-z0-9]+")
# "the 3rd tenet", "the third tenet": the number, as the entries' names write it ("Tenet 3").
# A spelled ordinal only before the word it numbers: "the first time" is no number.
_DIGIT_ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b")
_SPELLED_ORDINAL = re.compile(
    r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)"
    r"(?=\s+(?:tenet|tenets|criterion|criteria|principle|principles|question|questions)\b)"
)


_DIGIT = re.compile(r"\d")
_ORDINAL_NUMBERS = ("tenet", "criteri", "principle", "question")
_POSSESSIVE = re.compile(r"'s\b")


def tokenize(text: str) -> list[str]:
    """Fold, normalize numbers and split into word tokens (no stemming, stopwords kept)."""
    # Each rewrite runs only when its text can be there: most texts have no digit, ordinal
    # or apostrophe, and this runs for every question and every text of the base.
    text = fold_for_search(text)
    if _DIGIT.search(text):
        text = _DIGIT_ORDINAL.sub(r"\1", normalize_numbers(text))
    if any(word in text for word in _ORDINAL_NUMBERS):
        text = _SPELLED_ORDINAL.sub(lambda m: str(_NUMBER_WORDS[m.group(1)]), text)
    if "'" in text:
        # Possessives and contractions: "organization's" -> "organization", "shouldn't" ->
        # "shouldnt".
        text = _POSSESSIVE.sub("", text).replace("'", "")
    return _TOKEN.findall(text)


def _americanize(word: str) -> str:
    if word in _BRITISH_WORDS:
        return _BRITISH_WORDS[word]
    match = _OUR.match(word)
    if match:
        return f"{match.group(1)}or{match.group(2)}"
    if word not in _ISE_KEEP:
        match = _ISE.match(word)
        if match:
            return f"{match.group(1)}iz{match.group(2)}"
    return word


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light, predictable stemmer: American spelling, then plural and common suffixes.

    Deliberately weaker than Porter: it only has to make "decriminalisation" meet
    "decriminalized" and "finances" meet "financial", and a mistake here costs recall, not
    correctness, because fuzzy matching still sees the word.
    """
    word = _americanize(word)
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, replacement in (
        ("izations", "iz"),
        ("ization", "iz"),
        ("izing", "iz"),
        ("ized", "iz"),
        ("izes", "iz"),
        ("ize", "iz"),
        # "exploitation" meets "exploit", "deportation" meets "deport"; "education" -> "educat".
        ("tations", "t"),
        ("tation", "t"),
        ("ations", "at"),
        ("ation", "at"),
        # "prevention" meets "prevent", "protection" "protect", "coercion" "coerce".
        ("ctions", "ct"),
        ("ction", "ct"),
        ("ntions", "nt"),
        ("ntion", "nt"),
        ("rcion", "rc"),
        ("ially", ""),
        ("ial", ""),
        ("ies", "y"),
        ("ied", "y"),
        ("sses", "ss"),
        ("ency", "ent"),
        ("ancy", "ant"),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + replacement
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed", "ly", "er"):
        # "-ly" only on long words, so "family" keeps meeting "families" (-> "family").
        minimum = 6 if suffix == "ly" else 4
        if word.endswith(suffix) and len(word) - len(suffix) >= minimum:
            word = word[: -len(suffix)]
            # "trafficker"/"trafficked": a doubled consonant is left; "running" -> "run".
            if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def terms(text: str) -> list[str]:
    """Stemmed content terms of ``text``: the unit of indexing and matching."""
    return [stem(tok) for tok in tokenize(text) if tok not in QUESTION_STOPWORDS]


def number_word(token: str) -> int | None:
    """1-10 from "2", "two" or "second"; None otherwise."""
    if token.isdigit():
        return int(token)
    return _NUMBER_WORDS.get(token)


def is_figure(term: str) -> bool:
    """Whether an index term is a figure ("300000", "2018"), not a small number ("3")."""
    return term.isdigit() and len(term) >= 3
