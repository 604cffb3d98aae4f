"""Which organization a question asks about, if any: "is X legit?" -> "X".

Members ask about organizations the way they ask anything else ("is hacking//hustling legit",
"should i give to one bread foundation", "i keep seeing ads for the aclu everywhere, are they
legit"). :func:`org_subject` reads the question's shape (:mod:`bot.knowledge.org_phrases`);
:func:`mentioned_subject` adds a known name said anywhere in a question that weighs it, and a
name introduced or given to in a question the entries do not answer. Whether X is an
organization at all is for the ``/rate`` matcher to say; :mod:`bot.knowledge.route` decides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from bot.knowledge.analyzer import FIGURE_CUES
from bot.knowledge.org_phrases import (
    ARTICLE,
    ASIDE_WORDS,
    ASKED_ABOUT,
    ASKS_WHAT,
    CALLED,
    CALLED_AN_ORG,
    CLAUSE,
    DESCRIBED,
    DESCRIPTION,
    INVOLVED,
    JUDGING,
    KNOWN_NAME_PATTERNS,
    NAME_CODE,
    NAME_ENDS,
    NAME_THEN_VERB,
    NO_NAME,
    OBJECT_LEADS,
    OPENERS,
    ORG_FORM,
    OWNED,
    PARENTHESES,
    PATTERNS,
    PLACE,
    POSSESSIVE_START,
    PURPOSE,
    RACE_LENGTH,
    SENTENCE_END,
    SENTENCE_WORDS,
    THEIRS,
    TOPIC_WORDS,
    TRAILING,
    WEB_ADDRESS,
    WORKING_THERE,
)
from bot.knowledge.text import fold_for_search, tokenize

__all__ = [
    "introduced_name",
    "is_an_organization",
    "judges_an_organization",
    "mentioned_subject",
    "names_a_topic",
    "org_subject",
]

#: An X of more words than this is a phrase, not a name (unless a known name is in it).
MAX_NAME_WORDS = 7
#: A known organization named anywhere in a question that judges it is its subject, when no
#: question shape (:data:`~bot.knowledge.org_phrases.PATTERNS`) found one.
MENTIONED_ORGANIZATIONS = True
#: A question the entries do not answer that introduces an organization by name ("a ministry
#: called 'rahab's daughters'") is about it: its card, or "I don't know it" and /report.
INTRODUCED_NAMES = True
#: ... and so is one the member would give to, work with, or asks an opinion of ("i was gonna
#: give like $50 to X rn, is that a bad idea", "need honest opinion on X").
INVOLVED_NAMES = True
#: ... of at most this many words: longer, it is what they would give to ("posts about kids
#: being taken from parking lots"), not a name.
INVOLVED_NAME_WORDS = 5


def judges_an_organization(question: str) -> bool:
    """Whether ``question`` asks for a judgement an organization's card gives ("is X legit",
    "how is X rated"), whatever its shape: then an organization it names is its subject."""
    folded = fold_for_search(question)
    # "i heard the fbi is hiring, good idea to apply?": a job, not a judgement of X.
    return JUDGING.search(folded) is not None and WORKING_THERE.search(folded) is None


def mentioned_subject(
    question: str, mentioned: Callable[[str], str | None], answered: bool = False
) -> str | None:
    """The organization a question asks about: :func:`org_subject`, or else, when it asks for
    a judgement (:func:`judges_an_organization`) or is nothing but a name ("ACLU?"), the one
    organization whose name or alias it says word for word (``mentioned``, an index's
    :meth:`~bot.orgs.index.OrgIndex.mentioned`), or else, when the entries do not answer the
    question (``answered`` false), a name the member introduces (:func:`introduced_name`)."""
    subject = org_subject(question)
    if not MENTIONED_ORGANIZATIONS:
        return subject
    if subject is None and not answered and INTRODUCED_NAMES:
        subject = introduced_name(question)
    if subject is not None:
        # "has ACLU done anything" read as the name: the organization it says, if any, when
        # only the asker's words are around it ("ncmec numbers" stays a subject of the entries).
        inner = mentioned(question)
        if inner is not None and (
            _mentioned_alone(subject, inner)
            or _cut_from(subject, inner)
            or _in_a_sentence(subject, inner)
            or _object_in_a_sentence(subject, inner)
        ):
            return inner
        return subject
    name = mentioned(question)
    if name is None:
        return _organization_on_its_face(question)
    if _about_its_topic(question, name):
        return None
    # "ACLU?", "what is rate that rescue": nothing but the name.
    bare = ASKS_WHAT.sub("", TRAILING.sub("", fold_for_search(question).strip()))
    alone = ARTICLE.sub("", bare.strip(" \"'“”")) == ARTICLE.sub("", fold_for_search(name))
    # A shape whose X was too long to read as a name ("what do you know about The Problem With
    # Forced Rescue and Detention ...") still asks about the organization it names.
    return name if alone or judges_an_organization(question) or _shaped(question, name) else None


def _organization_on_its_face(question: str) -> str | None:
    """The X of a shape that asks about an organization only when X is one ("what about
    love146"), when X's name has an organization's form."""
    for x in _known_name_shapes(question):
        name = _name_in(x)
        if name is not None and is_an_organization(question, name):
            return name
    return None


def introduced_name(question: str) -> str | None:
    """The name of an organization a member introduces ("our church started a ministry called
    'rahab's daughters'", "a group named Exodus Road that ..."), or one they would give to,
    work with or ask about ("i was gonna give $50 to X rn", "need honest opinion on X"), or
    None; not in a claim check ("a charity called X says 300,000 kids ... is that true"), which
    is about the claim."""
    folded = fold_for_search(question)
    words = tokenize(RACE_LENGTH.sub(" ", folded))
    if not FIGURE_CUES.isdisjoint(words) or any(w.isdigit() and len(w) >= 4 for w in words):
        return None  # "a charity called X says 300,000 kids...": the claim is the subject
    match = CALLED.search(folded)
    if match is not None:
        return _name_in(match.group("quoted") or _first_clause(match.group("plain")))
    if not INVOLVED_NAMES or not judges_an_organization(question):
        return None  # "my dad works for ICE, whats his job like": no judgement asked
    for pattern in (INVOLVED, ASKED_ABOUT):
        for match in pattern.finditer(folded):
            name = _first_clause(match.group("x") or match.group("y"))
            words_of_name = name.split()
            if (
                OWNED.match(name)
                or len(words_of_name) > INVOLVED_NAME_WORDS
                or not SENTENCE_WORDS.isdisjoint(words_of_name)
            ):
                continue  # "our church", "keeps celebrating arrests": not a name
            if (found := _name_in(name)) is not None:
                return found
    return None


def _first_clause(text: str) -> str:
    """``text`` up to the first word that starts a clause or says when ("X this summer")."""
    return CLAUSE.split(text, maxsplit=1)[0]


def _around(text: str, name: str) -> tuple[str, str] | None:
    """``text`` folded and split around the first ``name`` in it: (before, after), or None."""
    folded, name = fold_for_search(text), fold_for_search(name)
    at = folded.find(name)
    return (folded[:at], folded[at + len(name) :]) if at >= 0 else None


def _in_a_sentence(subject: str, name: str) -> bool:
    """Whether ``subject`` holds ``name`` inside words of a sentence, not of a longer name ("i
    keep seeing ads for aclu everywhere" holds ACLU; "swop behind bars" is a name)."""
    parts = _around(subject, name)
    return parts is not None and not SENTENCE_WORDS.isdisjoint(" ".join(parts).split())


def _object_in_a_sentence(subject: str, name: str) -> bool:
    """Whether ``subject`` holds ``name`` as the object of the asker's words ("a friend
    recommended lying for the lord", "found rate that rescue on twitter", "butterfly, the
    migrant sw network"), not as a word of a longer name or of a thing named after it ("the
    marriott breakfast", "the fbi academy")."""
    parts = _around(subject, name)
    if parts is None:
        return False
    before, after = parts[0].split(), parts[1].strip()
    if before and before[-1] in ("the", "a", "an"):
        before = before[:-1]
    led = not before or before[-1] in OBJECT_LEADS
    ended = not after or after[0] in ",;:(-\u2013\u2014" or after.split()[0] in NAME_ENDS
    return bool(parts[0].strip() or after) and led and ended


def _cut_from(subject: str, name: str) -> bool:
    """Whether ``subject`` is a piece of the longer ``name`` that a question shape cut off
    ("rate that rescue" read as "rate" + "that rescue")."""
    folded, name = fold_for_search(subject), fold_for_search(name)
    return folded != name and folded in name


def _mentioned_alone(subject: str, name: str) -> bool:
    """Whether ``subject`` is ``name`` with only asker's words around it, not a longer name
    holding it ("swop behind bars" holds "swop")."""
    parts = _around(subject, name)
    if parts is None:
        return False
    # "naptip in nigeria", "butterfly (the sw group)": where it works, or an aside.
    before, after = parts
    rest = PARENTHESES.sub(" ", f"{before} {PLACE.sub(' ', after)}").split()
    return all(not word.isalpha() or word in ASIDE_WORDS for word in rest)


def _about_its_topic(question: str, name: str) -> bool:
    """Whether the question asks about the organization's figures or claims ("the NCMEC data
    as proof"), which the entries answer, rather than the organization."""
    parts = _around(question, name)
    # "the missing kids center's reports": the word after the name and its possessive.
    after = POSSESSIVE_START.sub("", parts[1]).split()[:1] if parts is not None else []
    return names_a_topic(" ".join(after))


def org_subject(question: str) -> str | None:
    """The organization a question asks about ("is X legit?" -> "X"), or None.

    Only the shape of the question is read here; whether X is an organization is for the
    ``/rate`` matcher to say (and :func:`decide` weighs an X that :func:`names_a_topic`). A
    message of several sentences is read whole first, then sentence by sentence.
    """
    for candidate in _readings(question):
        subject = _subject_of(candidate)
        if subject is not None:
            return subject
    return None


def _readings(question: str) -> list[str]:
    """The message whole, then each of its sentences if it has several."""
    text = TRAILING.sub("", " ".join(fold_for_search(question).split()))
    sentences = [TRAILING.sub("", part) for part in SENTENCE_END.split(text)]
    return [text, *sentences] if len(sentences) > 1 else [text]


def _shaped(question: str, name: str) -> bool:
    """Whether the question has an organization question's shape whose X holds ``name``,
    however long that X is, or a shape that asks about an organization when X is a known one
    (:data:`~bot.knowledge.org_phrases.KNOWN_NAME_PATTERNS`)."""
    folded = fold_for_search(name)
    for text in _readings(question):
        text = OPENERS.sub("", text)
        for pattern in PATTERNS:
            match = pattern.match(text)
            if match is not None and folded in match.group("x"):
                return True
    return any(folded in x for x in _known_name_shapes(question))


def _known_name_shapes(question: str) -> Iterator[str]:
    """The X of each shape that asks about an organization only when X is one
    (:data:`~bot.knowledge.org_phrases.KNOWN_NAME_PATTERNS`), read before and after the
    openers ("what about" is one)."""
    for text in _readings(question):
        for candidate in dict.fromkeys((text, OPENERS.sub("", text))):
            for pattern in KNOWN_NAME_PATTERNS:
                match = pattern.match(candidate)
                if match is not None:
                    yield match.group("x")


def _subject_of(text: str) -> str | None:
    # Openers before the question proper, possibly several ("wait so is X legit").
    text = OPENERS.sub("", text)
    for pattern in PATTERNS:
        match = pattern.match(text)
        if match is None:
            continue
        # "donate to unicef for anti trafficking stuff": the name, then why they ask. Only
        # where the name ends the question; in "is X good" the tail after it is read already.
        cut = PURPOSE.search(match.group("x")) if match.end("x") == len(text) else None
        if cut:
            name = _name_in(match.group("x")[: cut.start()])
            if name is not None:
                return name
        # "destiny rescue keeps showing up in my ads, are they a scam": the name, then a clause.
        return _name_in(match.group("x")) or _name_before_verb(match.group("x"))
    return None


def _name_before_verb(text: str) -> str | None:
    """The name that begins the asker's sentence ``text``, if it has no owner ("destiny rescue
    keeps showing up in my ads" -> "destiny rescue"; not "my church")."""
    match = NAME_THEN_VERB.match(text)
    if match is None:
        return None
    name = match.group("name")
    words = name.split()
    if OWNED.match(name) or not SENTENCE_WORDS.isdisjoint(words) or words[-1] in DESCRIBED:
        return None  # "my church keeps ...", "a charity i follow ...", "us church group ..."
    return _name_in(name)


def _name_in(text: str) -> str | None:
    """``text`` as an organization's name, or None when it cannot be one."""
    subject = TRAILING.sub("", text).strip(" \"'“”")
    address = WEB_ADDRESS.match(subject)
    if address is not None:
        subject = address.group("site")  # "ourrescue.org": the matcher knows "ourrescue"
    subject = ARTICLE.sub("", subject) if not subject.startswith("the new ") else subject
    # The name's shape is judged without an aside in parentheses ("gems (girls educational and
    # mentoring services)"); the matcher gets it whole, as some names hold one.
    bare = PARENTHESES.sub("", subject)
    words = bare.split()
    if not words or len(words) > MAX_NAME_WORDS or NO_NAME.match(bare):
        return None
    if all(NO_NAME.match(word) or word in ASIDE_WORDS for word in words):
        return None  # "are they actually one of the good ones": a pronoun and asides
    if "?" in subject or "!" in subject:
        return None  # "anyone read revolting prostitutes? is it": two sentences, read apart
    if " or " in f" {bare} " or (" and " in f" {bare} " and len(words) > 4):
        return None  # "a food bank or an animal shelter": two things, not one name
    if DESCRIPTION.match(text.strip(" \"'“”")):
        return None  # "a charity that treats tip line calls as victims": a kind, not a name
    if THEIRS.match(subject):
        return None  # "my local shelter": the asker's own, not a name
    return subject


def is_an_organization(question: str, subject: str) -> bool:
    """Whether ``subject`` is an organization on its face: its name has an organization's form
    ("... Foundation", "... International") or the question calls it one ("a good charity")."""
    return (
        ORG_FORM.search(fold_for_search(subject)) is not None
        or NAME_CODE.search(subject) is not None
        or CALLED_AN_ORG.search(fold_for_search(question)) is not None
    )


def names_a_topic(subject: str) -> bool:
    """Whether ``subject`` names one of the knowledge base's subjects ("ncmec numbers",
    "the nordic model") rather than, on its face, an organization."""
    return TOPIC_WORDS.search(subject) is not None
