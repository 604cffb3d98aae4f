"""Questions and answers: /ask, /myth, /criteria, /term, "Explain with a myth", feedback."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from bot import ids
from bot.commands.rate import rate
from bot.commands.spec import Command, Completion, Option, Surface
from bot.feedback import FEEDBACK_REASON_MAX
from bot.knowledge.org_questions import mentioned_subject
from bot.knowledge.present import (
    present_answer,
    present_criteria_list,
    present_entry,
)
from bot.knowledge.route import RouteKind, criterion_number, decide
from bot.markdown import escape
from bot.replies import Actor, Button, ButtonStyle, Choice, Field, Reply, Role, Tone, error

if TYPE_CHECKING:
    from bot.core import Core

QUESTION_MAX = 300
# A myth, criterion or term typed by name.
NAME_MAX = 100
# How much of a message "Explain with a myth" reads.
MESSAGE_MAX = 1000
# An answer to a message must be this far ahead of the runner-up to be posted without asking.
EXPLAIN_MARGIN = 1.25
KIND_NAMES = {"criteria": "criterion", "myths": "myth", "terms": "term", "topics": "topic"}


def _not_found(kind: str, text: str, suggestions: list[tuple[str, str]]) -> Reply:
    noun = KIND_NAMES[kind]
    article = "an" if noun[0] in "aeiou" else "a"
    more = "\n\nThe closest entries I have:" if suggestions else ""
    return Reply(
        title=f"I don't have {article} {noun} about that",
        text=f"I don't have {article} {noun} about “{escape(text)}”, and I won't guess. "
        f"Start typing and pick from the list, or try `/ask`.{more}",
        tone=Tone.WARNING,
        choices=[Choice(title, f"{kind}:{entry_id}") for title, entry_id in suggestions],
        choice_id=ids.PickList(ids.PickArea.ASK).custom_id if suggestions else None,
        choice_placeholder="Closest entries" if suggestions else None,
        data={"match": None, "suggestions": [{"id": i, "title": t} for t, i in suggestions]},
    )


def _lookup(core: Core, kind: str, text: str) -> Reply:
    """The entry of ``kind`` that ``text`` names, or a kind "not found" with suggestions."""
    search = core.state.search
    if kind == "criteria":
        number = criterion_number(text)
        count = len(core.knowledge.criteria)
        if number is not None and not 1 <= number <= count:
            return error(
                f"There are {count} criteria, numbered 1 to {count}. `/criteria` lists them all.",
                data={"match": None, "suggestions": []},
            )
    hit = search.resolve(kind, text)
    if hit is None:
        near = [(h.title, h.id) for h in search.suggest(kind, text, limit=3)]
        return _not_found(kind, text, near)
    return present_entry(core.knowledge, kind, hit.id, core.config.site_base_url)


async def ask(core: Core, actor: Actor, question: str, private: bool = False) -> Reply:
    """Answer a question from the knowledge base, or say honestly that there is no answer."""
    question = question.strip()
    if not question:
        return error("Ask me something, for example `/ask what is criterion 2?`")
    question = question[:QUESTION_MAX]
    answer = core.state.search.answer(question)
    # "is X legit?", "should I donate to X?": X is looked up the way /rate does, in the
    # organizations this member's community sees.
    orgs = core.state.orgs_for(await core.sees(actor))
    subject = mentioned_subject(question, orgs.mentioned, answered=answer.best is not None)
    match = await orgs.lookup_async(subject) if subject else None
    subject_answer = core.state.search.answer(subject) if subject else None
    route = decide(answer, subject, match, subject_answer, question)
    if route.kind in (RouteKind.ORG, RouteKind.ORG_CHOICE, RouteKind.UNKNOWN_ORG):
        # The rating card, the choice of organizations or "I don't know it, /report it".
        return await rate(core, actor, route.subject or question, private=private)
    answer = route.answer
    reply = present_answer(core.knowledge, answer)
    # A hedged answer is a best guess: only the asker sees it.
    reply.public = not private and answer.best is not None and not answer.hedged
    return reply


def _postable(reply: Reply, actor: Actor, myth_id: str) -> Reply:
    """Organizers post myths publicly; others see them privately with a button to share."""
    if actor.is_organizer:
        reply.public = True
    else:
        reply.public = False
        reply.buttons.append(
            Button(
                "Post to channel",
                custom_id=ids.PostMyth(myth_id).custom_id,
                style=ButtonStyle.PRIMARY,
            )
        )
    return reply


async def myth(core: Core, actor: Actor, topic: str) -> Reply:
    """A myth explainer: the claim, the verdict, the figures and where they come from."""
    reply = _lookup(core, "myths", topic)
    if "id" not in (reply.data or {}):
        return reply  # not found: nothing to post
    return _postable(reply, actor, reply.data["id"])


async def post_myth(core: Core, actor: Actor, myth_id: str) -> Reply:
    """The public version of a myth explainer, for the "Post to channel" button."""
    if myth_id not in core.knowledge.myths:
        return error("That myth is no longer in the knowledge base.")
    reply = present_entry(core.knowledge, "myths", myth_id, core.config.site_base_url)
    reply.public = True
    reply.footer = f"{reply.footer} · shared by {actor.name}" if reply.footer else None
    return reply


async def criteria(core: Core, actor: Actor, criterion: str | None = None) -> Reply:
    """The ten criteria as a list, or one of them in full."""
    if not criterion or not criterion.strip():
        return present_criteria_list(core.knowledge)
    return _lookup(core, "criteria", criterion)


async def term(core: Core, actor: Actor, name: str) -> Reply:
    """A glossary entry."""
    return _lookup(core, "terms", name)


async def explain(core: Core, actor: Actor, message: str, message_id: int | None = None) -> Reply:
    """The myth that answers someone's message: posted as a reply to it when the match is
    clear, otherwise a private choice of the top candidates for the organizer."""
    text = message.strip()
    if not text:
        return error("That message has no text I can read.")
    hits = [h for h in core.state.search.search(text[:MESSAGE_MAX], limit=10) if h.kind == "myths"]
    if not hits:
        return error(
            "I couldn't find a myth that answers this message. "
            "Try `/myth` and pick one from the list."
        )
    answer = core.state.search.answer(text[:MESSAGE_MAX])
    confident = None if answer.hedged else answer.best
    clear = (
        confident is not None
        and confident.kind == "myths"
        and confident.id == hits[0].id
        and (len(hits) == 1 or hits[0].score >= hits[1].score * EXPLAIN_MARGIN)
    )
    if clear:
        reply = present_entry(core.knowledge, "myths", hits[0].id, core.config.site_base_url)
        reply.public = True
        reply.reply_to = message_id
        return reply
    # The message id rides along in each choice, so the pick can still reply to that message.
    suffix = f"@{message_id}" if message_id else ""
    return Reply(
        title="I don't have a myth that clearly answers this message",
        text="These are the closest explainers. If one fits, pick it to post it as a reply.",
        choices=[Choice(h.title, f"{h.id}{suffix}") for h in hits[:5]],
        choice_id=ids.PickList(ids.PickArea.EXPLAIN).custom_id,
        choice_placeholder="Pick a myth to post",
        data={"match": None, "candidates": [h.id for h in hits[:5]]},
    )


async def pick_entry(core: Core, actor: Actor, value: str) -> Reply:
    kind, _, entry_id = value.partition(":")
    entries = getattr(core.knowledge, kind, None) if kind in KIND_NAMES else None
    if entries is None or entry_id not in entries:
        return error("That entry is no longer in the knowledge base.")
    return present_entry(core.knowledge, kind, entry_id, core.config.site_base_url)


async def pick_explainer(core: Core, actor: Actor, value: str) -> Reply:
    if not actor.is_organizer:
        return error("Only organizers and moderators can post myth explainers.")
    myth_id, _, message_id = value.partition("@")
    reply = await post_myth(core, actor, myth_id)
    reply.reply_to = int(message_id) if message_id.isdigit() else None
    return reply


async def give_feedback(
    core: Core, actor: Actor, entry: str, helpful: bool, reason: str | None = None
) -> Reply:
    """Record a vote on an answer (``entry`` is ``kind:id``)."""
    kind, _, entry_id = entry.partition(":")
    if kind not in KIND_NAMES or entry_id not in getattr(core.knowledge, kind):
        return error("I can't find that entry, so I couldn't record your feedback.")
    await core.feedback.record(
        kind, entry_id, helpful, reason, dt.datetime.now(dt.UTC), actor.guild_id
    )
    return Reply(
        text="Thank you — your feedback helps organizers improve the answers.",
        tone=Tone.SUCCESS,
        data={"ok": True},
    )


async def feedback_summary(core: Core, actor: Actor) -> Reply:
    """Which entries people found unhelpful, and why."""
    summary = await core.feedback.summary(actor.guild_id)
    if not summary:
        return Reply(title="Feedback", text="No feedback yet.", data=[])
    fields = []
    for item in summary[:25]:
        reasons = "\n".join(f"• “{escape(r)}” ({at:%Y-%m-%d})" for at, r in item.reasons)
        fields.append(
            Field(
                f"{item.kind[:-1] if item.kind != 'criteria' else 'criterion'} {item.entry_id}",
                f"👍 {item.helpful} · 👎 {item.unhelpful}" + (f"\n{reasons}" if reasons else ""),
            )
        )
    data = [
        {
            "kind": i.kind,
            "id": i.entry_id,
            "helpful": i.helpful,
            "unhelpful": i.unhelpful,
            "reasons": [{"at": at.isoformat(), "reason": r} for at, r in i.reasons],
        }
        for i in summary
    ]
    return Reply(title="Feedback, least helpful first", fields=fields, data=data)


_PRIVATE = Option("private", "Only you see the answer (default: no)", required=False, kind=bool)
COMMANDS = [
    Command(
        "ask",
        "Ask a question about vetting anti-trafficking organizations.",
        ask,
        options=(
            Option(
                "question",
                "Your question, in your own words",
                min_length=1,
                max_length=QUESTION_MAX,
            ),
            _PRIVATE,
        ),
    ),
    Command(
        "myth",
        "Explain a myth or debunked statistic, with what the sources report.",
        myth,
        options=(
            Option(
                "topic",
                "Start typing: super bowl, 800,000 children, wayfair…",
                autocomplete=Completion.MYTHS,
                min_length=1,
                max_length=NAME_MAX,
            ),
        ),
    ),
    Command(
        "criteria",
        "The ten questions to ask about an organization.",
        criteria,
        options=(
            Option(
                "criterion",
                "A number from 1 to 10, or a name; empty for the list",
                required=False,
                autocomplete=Completion.CRITERIA,
                min_length=1,
                max_length=NAME_MAX,
            ),
        ),
    ),
    Command(
        "term",
        "What a word means.",
        term,
        options=(
            Option(
                "name",
                "Start typing: SWERF, harm reduction, Nordic model…",
                autocomplete=Completion.TERMS,
                min_length=1,
                max_length=NAME_MAX,
            ),
        ),
    ),
    Command(
        "explain",
        "Find the myth that answers a message.",
        explain,
        options=(Option("message", "The message text"),),
        role=Role.ORGANIZER,
        surface=Surface.MESSAGE_MENU,
        guild_only=True,
    ),
    Command(
        "feedback",
        "Say whether an answer helped (entry is kind:id).",
        give_feedback,
        options=(
            Option("entry", "kind:id of the answer"),
            Option("helpful", "Was it helpful?", kind=bool),
            Option("reason", "Why not?", required=False, max_length=FEEDBACK_REASON_MAX),
        ),
        surface=Surface.BUTTONS,
    ),
    Command(
        "feedback summary",
        "Which answers people found unhelpful, and why.",
        feedback_summary,
        role=Role.ORGANIZER,
        guild_only=True,
    ),
]
