"""/rate: find an organization by a half-remembered name and show its rating card."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

from bot import ids
from bot.commands.spec import Command, Completion, Option
from bot.directory.card import registry_card, registry_field
from bot.directory.match import DirectoryMatch, Listing
from bot.directory.normalize import registry_key
from bot.directory.registry import IRS, RegistryRow, format_ein, typed_ein
from bot.directory.store import fetch_row
from bot.knowledge.models import Organization, OrgKind
from bot.limits import AUTOCOMPLETE_CHOICES, AUTOCOMPLETE_NAME, SELECT_TEXT, cut
from bot.markdown import escape
from bot.orgs.card import build_card
from bot.orgs.index import Candidate, Outcome
from bot.ratings.card import with_community
from bot.replies import Actor, Button, ButtonStyle, Choice, Field, Reply, Tone, error
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


def _linked(core: Core, ein: str) -> str | None:
    """The knowledge-base organization that carries ``ein``: curated entries always win."""
    for org in core.knowledge.orgs.values():
        if org.ein == ein:
            return org.id
    return None


async def _registry_section(core: Core, org: Organization) -> Field | None:
    """The criterion-3 registry facts of a rated organization (None without a directory)."""
    directory = core.directory
    if directory is None or len(directory) == 0:
        return None
    row = await fetch_row(core.db, IRS, org.ein) if org.ein else None
    same: list[RegistryRow] = []
    if row is None and not org.ein:
        for key_id in directory.index.exact(registry_key(org.name))[:3]:
            listing = directory.listing(key_id, 100.0)
            if (found := await fetch_row(core.db, listing.registry, listing.reg_id)) is not None:
                same.append(found)
    return registry_field(row, ein=org.ein, exact_names=same, filings_url=core.config.filings_url)


async def _directory_card(
    core: Core, listing_id: str, sees: tuple[int, ...], row: RegistryRow | None = None
) -> Reply:
    """The card of a registered organization: the rated card if the knowledge base links its
    EIN, otherwise what the registry says (``row``: the facts the index already holds)."""
    registry, _, reg_id = listing_id.partition(":")
    if registry == IRS and (org_id := _linked(core, reg_id)) is not None:
        return await card_for(core, org_id, sees)
    if row is None:
        row = await fetch_row(core.db, registry, reg_id)
    if row is None:
        return error("That organization is no longer in the imported registry. Try `/rate` again.")
    label = f"{row.name} (EIN {format_ein(row.reg_id)})" if registry == IRS else row.name
    report_button = ids.ReportNewOrg.for_name(label)
    card = registry_card(
        row,
        core.knowledge,
        filings_url=core.config.filings_url,
        report_id=report_button.custom_id if report_button else None,
    )
    return dataclasses.replace(card, data={"match": card.data, "suggestions": []})


async def card_for(core: Core, org_id: str, sees: tuple[int, ...]) -> Reply:
    """The rating card of a known organization, with the approved peer reports of the
    communities in ``sees`` (the asker's own first, then those it trusts; none in a DM)."""
    if ":" in org_id:  # "irs:123456789": a registry listing (knowledge ids are slugs)
        return await _directory_card(core, org_id, sees)
    org = core.knowledge.orgs.get(org_id)
    listed = core.state.listed(sees)
    if org is None and org_id in listed:
        org = community_organization(org_id, listed[org_id])
    if org is None:
        return error("That organization is no longer listed. Try `/rate` again.")
    today = dt.date.today()
    # Reports, community decisions and responses each count their changes; any change rebuilds.
    changes = core.reports.published + core.ratings.version + core.responses.version
    key = (org_id, sees, changes, today)
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
        card = await _with_community(core, card, org, sees, today)
        if len(core.state.cards) >= CARD_CACHE:
            core.state.cards.clear()
        core.state.cards[key] = card
    # A copy: callers set who sees it, and the JSON wraps the card's data.
    fields = card.fields
    if (section := await _registry_section(core, org)) is not None:
        at = next(
            (i for i, f in enumerate(fields) if f.name in ("What the sources say", "Sources")),
            len(fields),
        )
        fields = [*fields[:at], section, *fields[at:]]
    return dataclasses.replace(card, fields=fields, data={"match": card.data, "suggestions": []})


def _place_choice(listing: Listing) -> Choice:
    return Choice(
        cut(listing.name, SELECT_TEXT),
        listing.id,
        cut(listing.place or "no place listed", SELECT_TEXT) + f" · {_shown_id(listing)}",
    )


def _shown_id(listing: Listing) -> str:
    return f"EIN {format_ein(listing.reg_id)}" if listing.registry == IRS else listing.reg_id


def _directory_pick(query: str, found: DirectoryMatch) -> Reply:
    total = max(found.total, len(found.candidates))
    more = (
        f" Showing {len(found.candidates)} of {total}: add a city or state to narrow it down, "
        f"like `/rate {escape(cut(query, 60))} boston`."
        if total > len(found.candidates)
        else ""
    )
    return Reply(
        title="Which registered organization did you mean?",
        text=f"{total} registered organizations are close to “{escape(query)}”. Pick one to "
        f"see what the registry says about it.{more}",
        choices=[_place_choice(c) for c in found.candidates],
        choice_id=RATE_PICK,
        choice_placeholder="Pick an organization (city, state)",
        data={
            "match": None,
            "suggestions": [
                {"id": c.id, "name": c.name, "place": c.place, "score": c.score}
                for c in found.candidates
            ],
            "total": total,
        },
    )


async def complete_orgs(core: Core, text: str) -> list[tuple[str, str]]:
    """Autocomplete for organization names, as ``(label, value)``: rated and community-listed
    organizations first, then registered ones with their city, state and EIN (the value
    carries the EIN, so the pick finds that one among identical names)."""
    found = [(c.name, c.name) for c in await core.state.orgs.complete_async(text[:100])]
    directory = core.directory
    room = AUTOCOMPLETE_CHOICES - len(found)
    if directory is None or room <= 0 or not text.strip():
        return found
    for listing in await directory.complete_async(text[:100], room):
        if listing.registry == IRS and _linked(core, listing.reg_id):
            continue
        suffix = f" ({_shown_id(listing)})"
        value = cut(listing.name, AUTOCOMPLETE_NAME - len(suffix)) + suffix
        where = f" — {listing.place}" if listing.place else ""
        label = cut(listing.name, AUTOCOMPLETE_NAME - len(where) - len(suffix)) + where + suffix
        found.append((label, value))
    return found


async def _with_community(
    core: Core, card: Reply, org: Organization, sees: tuple[int, ...], today: dt.date
) -> Reply:
    """The card with the community's decisions and the organization's responses (see
    :mod:`bot.ratings.card`); a DM shows the knowledge base only."""
    if not sees:
        return card
    decisions = await core.ratings.current(sees, org.id)
    responses = await core.responses.shown(sees, org.id)
    names = await core.communities.names(sees)
    return with_community(
        card,
        org,
        core.knowledge,
        decisions,
        responses,
        {g: names.get(g, f"server {g}") for g in sees},
        today=today,
        stale_after_days=core.config.stale_after_days,
        in_server=True,
    )


async def rate(core: Core, actor: Actor, org: str, private: bool = False) -> Reply:
    """Match ``org`` to one organization (or offer a choice, or say it is unknown)."""
    query = org.strip()[:QUERY_MAX]
    if not query:
        return error("Type an organization's name, for example `/rate operation underground`.")
    sees = await core.sees(actor)
    if (ein := typed_ein(query)) is not None:
        org_id = _linked(core, ein)
        if org_id is None and await fetch_row(core.db, IRS, ein) is not None:
            org_id = f"{IRS}:{ein}"
        if org_id is not None:
            reply = await card_for(core, org_id, sees)
            reply.public = not private
            return reply
    match = await core.state.orgs_for(sees).lookup_async(query)
    if match.outcome is Outcome.MATCH and match.best is not None:
        reply = await card_for(core, match.best.id, sees)
        reply.public = not private
        return reply
    # Curated and community-listed organizations win; the registry answers only when they
    # have nothing (not even a choice) for the name.
    if match.outcome is Outcome.NONE and core.directory is not None:
        found = await core.directory.lookup_async(query)
        if found.outcome is Outcome.MATCH and found.best is not None:
            row = core.directory.row(found.best)
            reply = await _directory_card(core, found.best.id, sees, row)
            reply.public = not private
            return reply
        if found.outcome is Outcome.AMBIGUOUS:
            return _directory_pick(query, found)
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
        text=f"No organization called “{escape(query)}” is in the knowledge base"
        + (
            ", the community list or the imported registry, "
            if core.directory is not None
            else " or the community list, "
        )
        + "and I won't guess. If you know something about it first-hand or from documents, "
        "`/report` it: moderators can add it."
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
