"""/rate: find an organization by a half-remembered name and show its rating card."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

from bot import ids
from bot.commands.spec import Command, Completion, Option
from bot.knowledge.models import Organization, OrgKind
from bot.markdown import escape
from bot.orgs.card import build_card
from bot.orgs.index import Candidate, Outcome
from bot.replies import Actor, Button, ButtonStyle, Choice, Reply, Tone, error
from bot.site.urls import absolute, org_path

if TYPE_CHECKING:
    from bot.core import Core

QUERY_MAX = 200
RATE_PICK = ids.PickList(ids.PickArea.RATE).custom_id
# Rendered cards kept at once; a card is rebuilt when reports or the day change.
CARD_CACHE = 10_000


def _suggestion(candidate: Candidate) -> dict[str, object]:
    return {
        "id": candidate.id,
        "name": candidate.name,
        "score": round(candidate.score, 1),
        "matched": candidate.matched,
    }


def community_organization(org_id: str, name: str) -> Organization:
    """A card-shaped record for an organization listed by moderators from a peer report."""
    return Organization(
        id=org_id,
        name=name,
        kind=OrgKind.OTHER,
        sources=[],
        reviewed=dt.date.today(),
        summary="Listed by this community's moderators after a peer report. It is not in the "
        "reviewed knowledge base, so no criterion has been assessed from the sources.",
    )


async def card_for(core: Core, org_id: str, sees: tuple[int, ...]) -> Reply:
    """The rating card of a known organization, with the approved peer reports of the
    communities in ``sees`` (the asker's own first, then those it trusts; none in a DM)."""
    org = core.knowledge.orgs.get(org_id)
    listed = core.state.listed(sees)
    if org is None and org_id in listed:
        org = community_organization(org_id, listed[org_id])
    if org is None:
        return error("That organization is no longer listed. Try `/rate` again.")
    today = dt.date.today()
    key = (org_id, sees, core.reports.published, today)
    card = core.state.cards.get(key)
    if card is None:
        community = await core.reports.community_summary(org_id, sees) if sees else None
        trusted = sees[1:]
        names = await core.communities.names(trusted)
        card = build_card(
            org,
            core.knowledge,
            community,
            today=today,
            stale_after_days=core.config.stale_after_days,
            trusted_names={g: names.get(g, f"server {g}") for g in trusted},
            site_url=absolute(core.config.site_base_url, org_path(org_id)),
        )
        if len(core.state.cards) >= CARD_CACHE:
            core.state.cards.clear()
        core.state.cards[key] = card
    # A copy: callers set who sees it, and the JSON wraps the card's data.
    return dataclasses.replace(card, data={"match": card.data, "suggestions": []})


async def rate(core: Core, actor: Actor, org: str, private: bool = False) -> Reply:
    """Match ``org`` to one organization (or offer a choice, or say it is unknown)."""
    query = org.strip()[:QUERY_MAX]
    if not query:
        return error("Type an organization's name, for example `/rate operation underground`.")
    sees = await core.sees(actor)
    match = await core.state.orgs_for(sees).lookup_async(query)
    if match.outcome is Outcome.MATCH and match.best is not None:
        reply = await card_for(core, match.best.id, sees)
        reply.public = not private
        return reply
    suggestions = [_suggestion(c) for c in match.candidates[:5]]
    if match.outcome is Outcome.AMBIGUOUS:
        return Reply(
            title="Which organization did you mean?",
            text=f"Several organizations are close to “{escape(query)}”. Pick one to see its card.",
            choices=[
                Choice(c.name, c.id, None if c.matched == c.name else f"matched “{c.matched}”")
                for c in match.candidates[:5]
            ],
            choice_id=RATE_PICK,
            choice_placeholder="Pick an organization",
            data={"match": None, "suggestions": suggestions},
        )
    report_button = ids.ReportNewOrg.for_name(query)
    near = match.candidates[:5]
    return Reply(
        title="I don't know that organization",
        text=f"No organization called “{escape(query)}” is in the knowledge base or the "
        "community list, and I won't guess. If you know something about it first-hand or "
        "from documents, `/report` it: moderators can add it."
        + ("\n\nNot what you meant? These names are somewhat alike:" if near else ""),
        tone=Tone.WARNING,
        choices=[Choice(c.name, c.id) for c in near],
        choice_id=RATE_PICK if near else None,
        choice_placeholder="Somewhat alike" if near else None,
        buttons=[
            Button("Report about it", custom_id=report_button.custom_id, style=ButtonStyle.PRIMARY)
        ]
        if report_button
        else [],
        data={"match": None, "suggestions": suggestions},
    )


async def pick_org(core: Core, actor: Actor, value: str) -> Reply:
    return await card_for(core, value, await core.sees(actor))


COMMANDS = [
    Command(
        "rate",
        "An organization's rating card, criterion by criterion.",
        rate,
        options=(
            Option(
                "org",
                "Start typing a name, acronym or alias",
                autocomplete=Completion.ORGS,
                min_length=1,
                max_length=QUERY_MAX,
            ),
            Option("private", "Only you see the card (default: no)", required=False, kind=bool),
        ),
    ),
]
