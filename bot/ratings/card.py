"""The community's decisions and the organization's responses on the rating card.

Kept apart from :mod:`bot.orgs.card`, which builds the knowledge base's card: this module
takes that card and puts, for each criterion the community decided, its verdict beside the
knowledge base's (never blended: both are named, with their dates and sources), then the
organization's approved responses under what they answer. "Not assessed" stays distinct
from "fails", and from "contested".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

from bot import ids
from bot.knowledge.loader import Knowledge
from bot.knowledge.models import Organization, Rating
from bot.limits import cut
from bot.markdown import escape
from bot.orgs.card import (
    CRITERIA,
    FIELD_VALUE_MAX,
    VERDICTS,
    _criterion_title,
    _rating_value,
    _unrated_field,
)
from bot.ratings.models import Proposal, Response
from bot.ratings.replies import VERDICT_LABELS, day
from bot.replies import Button, Field, Reply

COMMUNITY_NOTE_MAX = 300
RESPONSE_SHOWN_MAX = 300
SEE_ALL_REPORTS = "See all reports"
RATING_HISTORY = "Rating history"
COMMUNITY_REPORTS = "Community reports"  # the name bot.orgs.card gives its reports field


def _decision_line(decision: Proposal, server: str) -> str:
    reports = len(decision.report_ids)
    backed = f", {reports} supporting report{'s' if reports != 1 else ''}" if reports else ""
    return (
        f"**Community**: {VERDICT_LABELS[decision.verdict]} ({day(decision.decided_at)}), "
        f"decided by the moderators of {escape(server)}{backed}: "
        f"{escape(cut(decision.note, COMMUNITY_NOTE_MAX))}"
    )


def _response_line(response: Response, org_name: str) -> str:
    return (
        f"↳ Response from {escape(org_name)}, {day(response.decided_at)}: "
        f"{escape(cut(response.text, RESPONSE_SHOWN_MAX))}"
    )


def with_community(
    card: Reply,
    org: Organization,
    knowledge: Knowledge,
    decisions: Mapping[int, Proposal],
    responses: Sequence[Response],
    server_names: Mapping[int, str],
    *,
    today: dt.date,
    stale_after_days: int,
    in_server: bool,
) -> Reply:
    """``card`` with the community's decisions beside the knowledge base's verdicts, the
    organization's responses, and the buttons for every report and the decisions' history."""
    kb = {r.criterion: r for r in org.ratings}
    by_criterion = {r.criterion: r for r in responses if r.criterion and r.report_id is None}
    general = [r for r in responses if r.criterion is None and r.report_id is None]
    fields: list[Field] = []
    titles = {_criterion_title(knowledge, n): n for n in CRITERIA}
    unrated_name = VERDICTS[Rating.NOT_ASSESSED]
    for field in card.fields:
        number = titles.get(field.name)
        if field.name == unrated_name:
            fields.extend(_decided_unrated(knowledge, decisions, server_names, by_criterion, org))
            remaining = [n for n in CRITERIA if n not in kb and n not in decisions]
            if remaining:
                fields.append(_unrated_field(knowledge, remaining))
            continue
        if number is not None and (number in decisions or number in by_criterion):
            value = _side_by_side(
                number, decisions, server_names, _rating_value(kb[number], knowledge)
            )
            if number in by_criterion:
                value += "\n" + _response_line(by_criterion[number], org.name)
            field = Field(field.name, cut(value, FIELD_VALUE_MAX), field.inline)
        fields.append(field)
    if not any(f.name == unrated_name for f in card.fields):
        fields.extend(_decided_unrated(knowledge, decisions, server_names, by_criterion, org))
    to_reports = [r for r in responses if r.report_id is not None]
    if to_reports:
        fields = [_with_report_answers(f, to_reports, org.name) for f in fields]
    if general:
        fields.append(
            Field(f"Response from {cut(org.name, 200)}", _response_line(general[0], org.name))
        )

    text = card.text
    newest = max((d.decided_at for d in decisions.values() if d.decided_at), default=None)
    if newest is not None and (today - newest.date()).days > stale_after_days:
        text += (
            f"\n\n⚠️ The community's newest decision here is from {newest.date().isoformat()}, "
            f"{(today - newest.date()).days} days ago: it may be out of date."
        )
    buttons = list(card.buttons)
    if in_server:
        buttons.append(Button(SEE_ALL_REPORTS, custom_id=ids.ReportsPage(org.id, 1).custom_id))
        buttons.append(Button(RATING_HISTORY, custom_id=ids.RatingHistory(org.id).custom_id))
    data = dict(card.data) if isinstance(card.data, dict) else {}
    data["community_ratings"] = {
        str(n): {
            "verdict": str(d.verdict),
            "decided_at": d.decided_at.isoformat() if d.decided_at else None,
            "decided_by": f"the moderators of {server_names.get(d.guild_id, 'this server')}",
            "note": d.note,
            "evidence": list(d.evidence),
            "supporting_reports": len(d.report_ids),
            "knowledge_base": str(kb[n].verdict) if n in kb else str(Rating.NOT_ASSESSED),
        }
        for n, d in sorted(decisions.items())
    }
    data["responses"] = [
        {
            "criterion": r.criterion,
            "report": r.report_id,
            "text": r.text,
            "links": list(r.links),
            "approved_at": r.decided_at.isoformat() if r.decided_at else None,
        }
        for r in responses
    ]
    return dataclasses.replace(card, text=text, fields=fields, buttons=buttons, data=data)


def _with_report_answers(field: Field, answers: Sequence[Response], org_name: str) -> Field:
    """The community reports field with the organization's newest answer to a report under it
    (See all reports shows each answer under its own report)."""
    if field.name != COMMUNITY_REPORTS:
        return field
    newest = answers[0]
    line = _response_line(newest, org_name).replace(
        "↳ Response from", f"↳ To report #{newest.report_id}, response from", 1
    )
    return Field(field.name, cut(f"{field.value}\n{line}", FIELD_VALUE_MAX), field.inline)


def _side_by_side(
    number: int, decisions: Mapping[int, Proposal], names: Mapping[int, str], kb_value: str
) -> str:
    decision = decisions.get(number)
    if decision is None:
        return kb_value
    line = _decision_line(decision, names.get(decision.guild_id, "this server"))
    room = FIELD_VALUE_MAX - len(line) - 40
    return f"{line}\n**Knowledge base**: {cut(kb_value, max(60, room))}"


def _decided_unrated(
    knowledge: Knowledge,
    decisions: Mapping[int, Proposal],
    names: Mapping[int, str],
    responses: Mapping[int, Response],
    org: Organization,
) -> list[Field]:
    """Fields for criteria the knowledge base does not rate but the community decided (or the
    organization answered)."""
    kb = {r.criterion for r in org.ratings}
    found = []
    for number in CRITERIA:
        if number in kb or (number not in decisions and number not in responses):
            continue
        lines = []
        if number in decisions:
            decision = decisions[number]
            lines.append(_decision_line(decision, names.get(decision.guild_id, "this server")))
        lines.append(f"**Knowledge base**: {VERDICTS[Rating.NOT_ASSESSED]} in the sources")
        if number in responses:
            lines.append(_response_line(responses[number], org.name))
        found.append(
            Field(_criterion_title(knowledge, number), cut("\n".join(lines), FIELD_VALUE_MAX))
        )
    return found
