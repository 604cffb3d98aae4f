"""Knowledge entries as neutral replies (:class:`bot.replies.Reply`), within Discord's limits.

Every reply cites its sources (short citation and link) and says when the entry was reviewed.
``Reply.data`` carries the same content in machine-readable form for the CLI's ``--json``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from bot import ids, limits
from bot.knowledge.loader import Knowledge
from bot.knowledge.models import Criterion, Myth, Source, Term, Topic
from bot.knowledge.search import Answer, Hit
from bot.limits import cut, embed_size
from bot.replies import Button, ButtonStyle, Choice, Field, Reply, Tone
from bot.site.urls import absolute, myth_path

log = logging.getLogger(__name__)
ASK_PICK = ids.PickList(ids.PickArea.ASK).custom_id

__all__ = [
    "present_answer",
    "present_criteria_list",
    "present_criterion",
    "present_entry",
    "present_myth",
    "present_term",
    "present_topic",
]

_VERDICT_LABELS = {
    "false": "False",
    "misleading": "Misleading",
    "unsupported": "Unsupported",
    "exaggerated": "Exaggerated",
    "contested": "Contested",
}


def _bullets(items: Iterable[str]) -> str:
    return "\n".join(f"• {item}" for item in items)


def _source_line(source: Source) -> str:
    return f"{source.short} — <{source.url}>" if source.url else source.short


def _sources_data(sources: list[Source]) -> list[dict[str, Any]]:
    return [{"id": s.id, "title": s.title, "url": s.url} for s in sources]


def _finish(
    knowledge: Knowledge,
    kind: str,
    entry_id: str,
    title: str,
    text: str,
    fields: list[Field],
    source_ids: Iterable[str],
    reviewed: str,
) -> Reply:
    """Add sources and the reviewed footer, and fit everything within Discord's limits."""
    sources = knowledge.cite(dict.fromkeys(source_ids))
    sources_text = "\n".join(_source_line(s) for s in sources) or "—"
    fields = [f for f in fields if f.value.strip()]
    fields.append(Field("Sources", sources_text))
    fields = [
        Field(cut(f.name, limits.FIELD_NAME), cut(f.value, limits.FIELD_VALUE), f.inline)
        for f in fields[: limits.FIELDS]
    ]
    footer = f"Reviewed {reviewed}"
    title = cut(title, limits.TITLE)
    text = cut(text, limits.DESCRIPTION)
    reply = Reply(title=title, text=text, fields=fields, footer=footer)
    # The sources field is never the one dropped or cut: trim the description, then the fields
    # before it, until the total fits.
    over = embed_size(reply) - limits.EMBED_TOTAL
    if over > 0:
        reply.text = cut(reply.text, max(len(reply.text) - over, 200))
        over = embed_size(reply) - limits.EMBED_TOTAL
    for i in range(len(reply.fields) - 2, -1, -1):
        if over <= 0:
            break
        field = reply.fields[i]
        new_value = cut(field.value, max(len(field.value) - over, 50))
        over -= len(field.value) - len(new_value)
        reply.fields[i] = Field(field.name, new_value, field.inline)
    if over > 0:
        log.warning("%s %s still %d characters over the embed limit", kind, entry_id, over)
    reply.data = {
        "kind": kind,
        "id": entry_id,
        "title": title,
        "text": _plain_text(reply),
        "sources": _sources_data(sources),
        "reviewed": reviewed,
    }
    return reply


def _plain_text(reply: Reply) -> str:
    """The whole rendered entry as text: description, then each field under its name."""
    parts = [reply.text] if reply.text else []
    parts += [f"{f.name}:\n{f.value}" for f in reply.fields if f.name != "Sources"]
    return "\n\n".join(parts)


def present_criterion(knowledge: Knowledge, criterion: Criterion) -> Reply:
    """One criterion: its question, why it matters, green and red flags, how to check."""
    fields = [
        Field("Why it matters", criterion.why),
        Field("Green flags", _bullets(criterion.green_flags)),
        Field("Red flags", _bullets(criterion.red_flags)),
        Field("How to check", _bullets(criterion.how_to_check)),
    ]
    return _finish(
        knowledge,
        "criteria",
        criterion.id,
        f"Criterion {criterion.number}: {criterion.title}",
        criterion.question,
        fields,
        criterion.sources,
        criterion.reviewed.isoformat(),
    )


def _figure_line(knowledge: Knowledge, figure: Any) -> str:
    source = knowledge.sources.get(figure.source)
    cited = f" ({source.short})" if source is not None else ""
    return f"**{figure.value}** — {figure.meaning}. Origin: {figure.origin}{cited}"


def present_myth(knowledge: Knowledge, myth: Myth, site_base_url: str = "") -> Reply:
    """A myth: the claim, the verdict, the short answer, the figures with their origin."""
    verdict = _VERDICT_LABELS.get(myth.verdict.value, myth.verdict.value.title())
    text = f"**Claim:** {myth.claim}\n\n**Verdict: {verdict}.** {myth.short}"
    if site_url := absolute(site_base_url, myth_path(myth.id)):  # site.base_url is set
        text += f"\n\nOn the web: <{site_url}>"
    fields = []
    # The claim's own figure is kept apart from what the sources report, so a debunked number
    # is never listed as a real one; each line names where it comes from.
    claimed = [f for f in myth.numbers if f.claimed]
    reported = [f for f in myth.numbers if not f.claimed]
    if claimed:
        fields.append(
            Field("The claim's figure", "\n".join(_figure_line(knowledge, f) for f in claimed))
        )
    if reported:
        fields.append(
            Field(
                "What the sources report",
                "\n".join(_figure_line(knowledge, f) for f in reported),
            )
        )
    fields.append(Field("Explanation", myth.explanation))
    source_ids = [*myth.sources, *(f.source for f in myth.numbers)]
    return _finish(
        knowledge,
        "myths",
        myth.id,
        f"Myth: {myth.title}",
        text,
        fields,
        source_ids,
        myth.reviewed.isoformat(),
    )


def present_term(knowledge: Knowledge, term: Term) -> Reply:
    """A term: definition, note and related terms."""
    title = term.name
    if term.aliases:
        title = f"{term.name} ({', '.join(term.aliases[:3])})"
    fields = []
    if term.note:
        fields.append(Field("Note", term.note))
    related = [knowledge.terms[t].name for t in term.see_also if t in knowledge.terms]
    if related:
        fields.append(Field("See also", ", ".join(related)))
    return _finish(
        knowledge,
        "terms",
        term.id,
        title,
        term.definition,
        fields,
        term.sources,
        term.reviewed.isoformat(),
    )


def present_topic(knowledge: Knowledge, topic: Topic) -> Reply:
    """A topic: summary, points, and the views of sources that disagree, each with its source."""
    fields = []
    if topic.points:
        fields.append(Field("Key points", _bullets(topic.points)))
    if topic.views:
        lines = []
        for view in topic.views:
            source = knowledge.sources.get(view.source)
            who = source.short if source is not None else view.source
            lines.append(f"**{who}:** {view.position}")
        fields.append(Field("Where the sources disagree", "\n\n".join(lines)))
    source_ids = [*topic.sources, *(v.source for v in topic.views)]
    return _finish(
        knowledge,
        "topics",
        topic.id,
        topic.title,
        topic.summary,
        fields,
        source_ids,
        topic.reviewed.isoformat(),
    )


def present_entry(knowledge: Knowledge, kind: str, entry_id: str, site_base_url: str = "") -> Reply:
    """Any entry by kind ("criteria", "myths", "terms", "topics") and id; KeyError if unknown.

    With ``site_base_url`` (config ``site.base_url``), a myth links to its page on the site."""
    if kind == "criteria":
        return present_criterion(knowledge, knowledge.criteria[entry_id])
    if kind == "myths":
        return present_myth(knowledge, knowledge.myths[entry_id], site_base_url)
    if kind == "terms":
        return present_term(knowledge, knowledge.terms[entry_id])
    if kind == "topics":
        return present_topic(knowledge, knowledge.topics[entry_id])
    raise KeyError(f"unknown kind {kind!r}")


def present_criteria_list(knowledge: Knowledge) -> Reply:
    """The ten criteria at a glance: number, title and question."""
    criteria = sorted(knowledge.criteria.values(), key=lambda c: c.number)
    lines = [f"**{c.number}. {c.title}**\n{cut(c.question, 300)}" for c in criteria]
    text = cut("\n\n".join(lines), limits.DESCRIPTION)
    sources = knowledge.cite(dict.fromkeys(s for c in criteria for s in c.sources))
    reviewed = max((c.reviewed for c in criteria), default=None)
    reviewed_text = reviewed.isoformat() if reviewed else "—"
    fields = [Field("Sources", cut("\n".join(_source_line(s) for s in sources) or "—", 1024))]
    reply = Reply(
        title="Ten questions to ask about an anti-trafficking organization",
        text=text,
        fields=fields,
        footer=f"Reviewed {reviewed_text} · /criteria <number> for details",
    )
    over = embed_size(reply) - limits.EMBED_TOTAL
    if over > 0:
        reply.text = cut(reply.text, len(reply.text) - over)
    reply.data = {
        "kind": "criteria",
        "id": None,
        "title": reply.title,
        "text": reply.text,
        "criteria": [
            {"number": c.number, "id": c.id, "title": c.title, "question": c.question}
            for c in criteria
        ],
        "sources": _sources_data(sources),
        "reviewed": reviewed_text if reviewed else None,
    }
    return reply


HEDGE_NOTE = (
    "*Not a sure match: this is the closest entry I have, but your question may be about "
    "something a little different.*"
)


def _hit_data(hit: Hit) -> dict[str, Any]:
    return {"kind": hit.kind, "id": hit.id, "title": hit.title, "score": hit.score}


def _suggestion_choices(suggestions: list[Hit]) -> list[Choice]:
    kinds = {"criteria": "Criterion", "myths": "Myth", "terms": "Term", "topics": "Topic"}
    return [
        Choice(
            label=cut(h.title, 100),
            value=f"{h.kind}:{h.id}",
            description=kinds.get(h.kind, h.kind),
        )
        for h in suggestions[:3]
    ]


def present_answer(knowledge: Knowledge, answer: Answer) -> Reply:
    """The reply to ``/ask``: the best entry with feedback buttons, or an honest "I don't know"."""
    suggestions = answer.suggestions[:3]
    if answer.best is None:
        text = (
            "I don't have an answer for that in the knowledge base, and I won't guess. "
            "`/about` lists my sources and what I cover, or tell the moderators what's "
            "missing with `/report`."
        )
        if suggestions:
            text += "\n\nThese entries might be related:"
        reply = Reply(
            title="I don't have an answer for that",
            text=text,
            tone=Tone.WARNING,
            choices=_suggestion_choices(suggestions),
            choice_id=ASK_PICK if suggestions else None,
            choice_placeholder="Related entries" if suggestions else None,
            data={"answer": None, "suggestions": [_hit_data(h) for h in suggestions]},
        )
        return reply
    best = answer.best
    reply = present_entry(knowledge, best.kind, best.id)
    if answer.hedged:
        # Weaker evidence: say so before the entry, so it is never read as a sure answer.
        reply.text = cut(f"{HEDGE_NOTE}\n\n{reply.text}", limits.DESCRIPTION)
    reply.buttons = [
        Button(
            "Helpful",
            custom_id=ids.FeedbackVote(True, ids.EntryKind(best.kind), best.id).custom_id,
            style=ButtonStyle.SUCCESS,
        ),
        Button(
            "Not helpful",
            custom_id=ids.FeedbackVote(False, ids.EntryKind(best.kind), best.id).custom_id,
            style=ButtonStyle.SECONDARY,
        ),
    ]
    if suggestions:
        reply.choices = _suggestion_choices(suggestions)
        reply.choice_id = ASK_PICK
        reply.choice_placeholder = "Related entries"
    reply.data = {
        "answer": reply.data,
        "sure": not answer.hedged,
        "confidence": best.score,
        "suggestions": [_hit_data(h) for h in suggestions],
    }
    return reply
