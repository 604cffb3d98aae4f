"""What kind of reply a question gets: a knowledge entry, an organization's card, or "I don't know".

Members ask about organizations the way they ask anything else ("is hacking//hustling legit",
"should i give to one bread foundation"), but organizations are not in the knowledge index: they
are found by the ``/rate`` matcher (:mod:`bot.orgs.index`), which knows their names, aliases and
acronyms and never guesses. :mod:`bot.knowledge.org_questions` pulls the "X" out of such a
question; :func:`decide` combines the knowledge answer and the organization lookup into one
:class:`Route`.

Both are pure, so the command (which looks the organization up asynchronously), the CLI and the
evaluation take exactly the same decision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from bot.knowledge.org_questions import is_an_organization, names_a_topic
from bot.knowledge.search import Answer
from bot.knowledge.text import fold_for_search
from bot.orgs.index import Candidate, OrgMatch, Outcome

__all__ = [
    "Route",
    "RouteKind",
    "criterion_number",
    "decide",
]

_NUMBER_ONLY = re.compile(
    r"^\s*(?:(?:criterion|criteria|crit)\s*)?(?:#|no\.?|number\s*)?\s*(\d{1,4})\s*$"
)


def criterion_number(text: str) -> int | None:
    """The number in "11", "#11" or "criterion 11" (any size, so "11" can be refused)."""
    match = _NUMBER_ONLY.match(fold_for_search(text))
    return int(match.group(1)) if match else None


_NOT_ALNUM = re.compile(r"[\W_]+")
#: An unknown "X" the knowledge base surely answers on its own is a subject, not an organization:
#: a sure answer to the whole question is given then (see :func:`decide`).
SURE_WHOLE_OVER_SUBJECT = True
#: An X that is an organization on its face (:func:`is_an_organization`) is never read as a
#: subject of the entries.
ORGANIZATIONS_ON_THEIR_FACE = True


def _exactly_named(subject: str, match: OrgMatch) -> bool:
    """Whether the match is the organization whose name or alias ``subject`` is, as typed."""
    if match.best is None:
        return False
    typed = _NOT_ALNUM.sub("", subject.casefold())
    return typed == _NOT_ALNUM.sub("", fold_for_search(match.best.matched))


class RouteKind(StrEnum):
    """The kinds of reply to a question."""

    ENTRY = "entry"  # a knowledge entry answers it (perhaps with a hedge)
    ORG = "org"  # an organization's rating card
    ORG_CHOICE = "org-choice"  # several organizations fit the name: the asker picks
    UNKNOWN_ORG = "unknown-org"  # an organization we have no card for: say so, offer /report
    NONE = "none"  # no answer


@dataclass(frozen=True)
class Route:
    """The decision for one question."""

    kind: RouteKind
    answer: Answer
    subject: str | None = None  # the organization name asked about, as typed
    orgs: list[Candidate] = field(default_factory=list)  # the match first, or the choices


def decide(
    answer: Answer,
    subject: str | None,
    match: OrgMatch | None,
    subject_answer: Answer | None = None,
    question: str | None = None,
) -> Route:
    """Combine the knowledge answer with the organization lookup of ``subject`` (if any).

    An organization question about a known organization gets its card, even if some entry
    mentions it: the card is the evidence. An unknown name gets "I don't know it", unless the
    name alone (``subject_answer``) is surely answered, by the entry that answers the whole
    question or when the whole question gets no sure answer ("is fosta good" is about a law,
    not an organization): an entry that only answers the framing ("is X a good org") says
    nothing about X. An X that is an organization on its face (:func:`is_an_organization`,
    judged when ``question`` is given) is never taken for a subject of the entries: "the
    National Center on Sexual Exploitation" is not NCMEC, whatever words they share.
    """
    organization = (
        ORGANIZATIONS_ON_THEIR_FACE
        and subject is not None
        and question is not None
        and is_an_organization(question, subject)
    )
    if subject is not None and match is not None and names_a_topic(subject) and not organization:
        if match.outcome is Outcome.MATCH and _exactly_named(subject, match):
            return Route(RouteKind.ORG, answer, subject, list(match.candidates))
        subject = None  # "are ncmec numbers reliable": about a subject of the entries
    if subject is not None and match is not None:
        if match.outcome is Outcome.MATCH and match.best is not None:
            return Route(RouteKind.ORG, answer, subject, list(match.candidates))
        if match.outcome is Outcome.AMBIGUOUS:
            return Route(RouteKind.ORG_CHOICE, answer, subject, list(match.candidates))
        # The name alone surely answered: a subject of the knowledge base, not an organization.
        if subject_answer is not None and subject_answer.best is not None and not organization:
            best, alone = answer.best, subject_answer.best
            same = best is not None and (best.kind, best.id) == (alone.kind, alone.id)
            if not subject_answer.hedged and (best is None or answer.hedged or same):
                return Route(RouteKind.ENTRY, subject_answer, subject)
            if not subject_answer.hedged and SURE_WHOLE_OVER_SUBJECT and best is not None:
                # Both surely answered, differently ("is the nordic model good for sex
                # workers"): a knowledge subject, and the whole question says more about it.
                return Route(RouteKind.ENTRY, answer)
        return Route(RouteKind.UNKNOWN_ORG, answer, subject, list(match.candidates))
    if answer.best is not None:
        return Route(RouteKind.ENTRY, answer)
    return Route(RouteKind.NONE, answer)
