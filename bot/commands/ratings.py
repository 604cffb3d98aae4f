"""/rating: the community's own verdicts on criteria, proposed and confirmed by moderators,
their history, and a card's reports page by page.

Every record belongs to the asker's community; another community's proposal number answers
exactly like a missing one.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from bot import ids
from bot.commands.rate import QUERY_MAX
from bot.commands.reports import (
    criterion_titles,
    guild_of,
    parse_criterion,
    resolve_org,
)
from bot.commands.spec import PAGE, Command, Completion, Option, Surface, decision_reason, numbered
from bot.limits import cut
from bot.markdown import escape
from bot.ratings import replies as views
from bot.ratings.models import Proposal, Verdict, parse_verdict
from bot.ratings.service import NOTE_MAX, NOTE_MIN
from bot.replies import Actor, Button, Field, Reply, Role, error
from bot.reports import validation

if TYPE_CHECKING:
    from bot.core import Core

REPORTS_PER_PAGE = 5
QUEUE_PER_PAGE = 5
REPORT_SHOWN_MAX = 600
VERDICT_HELP = "meets, partly, fails, not assessed or contested"
REPORT_IDS_MAX_CHARS = 200


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def org_name(core: Core, org_id: str, sees: tuple[int, ...]) -> str:
    """An organization's name as these communities know it."""
    org = core.knowledge.orgs.get(org_id)
    return org.name if org else core.state.listed(sees).get(org_id, org_id)


async def known_org(core: Core, actor: Actor, typed: str) -> str | Reply:
    """The id of the organization a typed name means here, or the reply saying it is unknown."""
    org_id, name = await resolve_org(core, actor, typed)
    if org_id is None:
        return error(
            f"I don't know an organization called “{escape(name)}”. `/rate` finds it by name; "
            "an unlisted one must first be listed by approving a report about it."
        )
    return org_id


def _criterion(core: Core, text: str | int | None) -> int | Reply:
    parsed = parse_criterion(text)
    if parsed is None:
        return error("A rating is about one criterion: give a number from 1 to 10.")
    return error(parsed) if isinstance(parsed, str) else parsed


async def _replaced(core: Core, proposal: Proposal) -> Verdict | None:
    current = await core.ratings.current((proposal.guild_id,), proposal.org_id)
    before = current.get(proposal.criterion)
    return before.verdict if before and before.id != proposal.id else None


async def proposal_post(core: Core, proposal: Proposal) -> Reply:
    """A proposal as its queue post shows it now."""
    title = criterion_titles(core).get(proposal.criterion, "")
    name = org_name(core, proposal.org_id, (proposal.guild_id,))
    return views.proposal_post(proposal, name, title, await _replaced(core, proposal))


async def _needed(core: Core, actor: Actor) -> int:
    community = await core.community_of(actor)
    return community.rating_confirmations if community else core.config.rating_confirmations


async def propose(
    core: Core,
    actor: Actor,
    org: str,
    criterion: str,
    verdict: str,
    note: str,
    evidence: str = "",
    reports: str = "",
    reverts: int | None = None,
) -> Reply:
    """Propose the community's verdict on one criterion; other moderators confirm it."""
    org_id = await known_org(core, actor, org)
    if isinstance(org_id, Reply):
        return org_id
    number = _criterion(core, criterion)
    if isinstance(number, Reply):
        return number
    chosen = parse_verdict(verdict)
    if chosen is None:
        return error(f"The verdict must be one of: {VERDICT_HELP}.")
    result = await core.ratings.propose(
        guild_id=guild_of(actor),
        org_id=org_id,
        criterion=number,
        verdict=chosen,
        note=note,
        evidence=evidence,
        report_ids=reports,
        proposer=actor.user_id,
        needed=await _needed(core, actor),
        now=now(),
        reverts=reverts,
    )
    return views.proposal_result(result)


async def confirm(core: Core, actor: Actor, id: int) -> Reply:
    """Agree with a pending proposal (a different moderator from those who already agreed)."""
    result = await core.ratings.confirm(id, guild_of(actor), actor.user_id, now())
    return views.proposal_result(result)


async def decline(core: Core, actor: Actor, id: int, reason: str) -> Reply:
    """Decline a pending proposal, with a reason."""
    result = await core.ratings.decline(id, guild_of(actor), actor.user_id, reason, now())
    return views.proposal_result(result)


async def revert(core: Core, actor: Actor, id: int) -> Reply:
    """Propose going back to an earlier decision (it needs confirming like any proposal)."""
    earlier = await core.ratings.get(id, guild_of(actor))
    if earlier is None or earlier.status.value != "adopted":
        return error(f"There is no decision #{id} here. `/rating history` lists them.")
    result = await core.ratings.propose(
        guild_id=earlier.guild_id,
        org_id=earlier.org_id,
        criterion=earlier.criterion,
        verdict=earlier.verdict,
        note=earlier.note,
        evidence="\n".join(earlier.evidence),
        report_ids=" ".join(str(i) for i in earlier.report_ids),
        proposer=actor.user_id,
        needed=await _needed(core, actor),
        now=now(),
        reverts=earlier.id,
    )
    return views.proposal_result(result)


async def queue(core: Core, actor: Actor, page: int = 1) -> Reply:
    """Proposals waiting for confirmation here, oldest first, with their buttons."""
    page = max(1, page)
    pending = await core.ratings.store.pending(
        guild_of(actor), QUEUE_PER_PAGE + 1, (page - 1) * QUEUE_PER_PAGE
    )
    shown, more = pending[:QUEUE_PER_PAGE], len(pending) > QUEUE_PER_PAGE
    titles = criterion_titles(core)
    fields, buttons = [], []
    for p in shown:
        name = org_name(core, p.org_id, (p.guild_id,))
        fields.append(
            Field(
                cut(f"#{p.id} · {name}, criterion {p.criterion}", 256),
                cut(
                    f"{views.VERDICT_LABELS[p.verdict]}: {escape(p.note)}\n"
                    f"{titles.get(p.criterion, '')} · agreed {len(p.confirmed_by)} of {p.needed}",
                    1024,
                ),
            )
        )
        buttons.append(
            Button(
                f"Confirm #{p.id}",
                custom_id=ids.RatingButton(ids.RatingAction.CONFIRM, p.id).custom_id,
            )
        )
    return Reply(
        title="Rating proposals waiting for confirmation",
        text=(
            f"Page {page}."
            + (" `/rating queue page:" + str(page + 1) + "` for more." if more else "")
        )
        if shown
        else "No proposal is waiting.",
        fields=fields,
        buttons=buttons,
        data={"pending": [p.id for p in shown], "page": page, "more": more},
    )


async def history_of(core: Core, actor: Actor, org_id: str, criterion: int | None) -> Reply:
    """The decisions on one organization here, for anyone; moderators see who decided."""
    decisions = await core.ratings.history(guild_of(actor), org_id, criterion)
    return views.history(
        decisions,
        org_name(core, org_id, await core.sees(actor)),
        actor.guild_name or "this server",
        criterion_titles(core),
        moderator=actor.is_moderator,
    )


async def history(core: Core, actor: Actor, org: str, criterion: str = "") -> Reply:
    """Every decision on an organization's criteria here, dated, newest first."""
    org_id = await known_org(core, actor, org)
    if isinstance(org_id, Reply):
        return org_id
    number = _criterion(core, criterion) if criterion.strip() else None
    if isinstance(number, Reply):
        return number
    return await history_of(core, actor, org_id, number)


async def reports_page(core: Core, actor: Actor, org: str, page: int = 1) -> Reply:
    """An organization's approved reports as this community sees them, newest first."""
    org_id = await known_org(core, actor, org)
    if isinstance(org_id, Reply):
        return org_id
    return await reports_page_of(core, actor, org_id, page)


async def reports_page_of(core: Core, actor: Actor, org_id: str, page: int) -> Reply:
    sees = await core.sees(actor)
    approved = await core.reports.store.approved(list(sees), org_id) if sees else []
    pages = max(1, -(-len(approved) // REPORTS_PER_PAGE))
    page = min(max(1, page), pages)
    shown = approved[(page - 1) * REPORTS_PER_PAGE : page * REPORTS_PER_PAGE]
    answers = {r.report_id: r for r in await core.responses.shown(sees, org_id) if r.report_id}
    name = org_name(core, org_id, sees)
    fields = []
    for report in shown:
        about = f"criterion {report.criterion}" if report.criterion else "general"
        when = (report.decided_at or report.created_at).date().isoformat()
        edited = " (edited by the moderators)" if report.edited_at else ""
        value = escape(cut(report.text, REPORT_SHOWN_MAX))
        answer = answers.get(report.id)
        if answer is not None:
            value += f"\n↳ Response from {escape(name)}, {views.day(answer.decided_at)}: "
            value += escape(cut(answer.text, 300))
        fields.append(
            Field(
                # The number lets an organization answer this report with /reply.
                f"#{report.id} · A community member ({report.basis.label}), {when}, "
                f"{about}{edited}",
                cut(value, 1024),
            )
        )
    buttons = []
    if page > 1:
        buttons.append(Button("Newer", custom_id=ids.ReportsPage(org_id, page - 1).custom_id))
    if page < pages:
        buttons.append(Button("Older", custom_id=ids.ReportsPage(org_id, page + 1).custom_id))
    return Reply(
        title=f"Reports about {name}",
        text=f"{len(approved)} approved report{'s' if len(approved) != 1 else ''}, newest first."
        f" Page {page} of {pages}."
        if approved
        else "No approved reports yet.",
        fields=fields,
        buttons=buttons,
        data={"org_id": org_id, "page": page, "pages": pages, "total": len(approved)},
    )


_ORG = Option(
    "org",
    "The organization (start typing)",
    autocomplete=Completion.ORGS,
    min_length=1,
    max_length=QUERY_MAX,
)
_ID = numbered("Proposal")
_CRITERION = Option(
    "criterion",
    "Which of the ten criteria (1-10)",
    autocomplete=Completion.CRITERION_NUMBERS,
    min_length=1,
    max_length=100,
)
COMMANDS = [
    Command(
        "rating propose",
        "Propose this community's verdict on one criterion.",
        propose,
        options=(
            _ORG,
            _CRITERION,
            Option("verdict", VERDICT_HELP, min_length=1, max_length=20),
            Option("note", "Why, in your own words", min_length=NOTE_MIN, max_length=NOTE_MAX),
            Option(
                "evidence",
                "Links, separated by spaces",
                required=False,
                max_length=validation.EVIDENCE_MAX,
            ),
            Option(
                "reports",
                "Approved report numbers it rests on, e.g. 12, 15",
                required=False,
                max_length=REPORT_IDS_MAX_CHARS,
            ),
        ),
        role=Role.MODERATOR,
        guild_only=True,
    ),
    Command(
        "rating revert",
        "Propose going back to an earlier decision.",
        revert,
        options=(Option("id", "Decision number (from the history)", kind=int, min_value=1),),
        role=Role.MODERATOR,
        guild_only=True,
    ),
    Command(
        "rating queue",
        "Rating proposals waiting for confirmation.",
        queue,
        options=(PAGE,),
        role=Role.MODERATOR,
        guild_only=True,
    ),
    Command(
        "rating confirm",
        "Agree with a pending rating proposal.",
        confirm,
        options=(_ID,),
        role=Role.MODERATOR,
        surface=Surface.BUTTONS,
        guild_only=True,
    ),
    Command(
        "rating decline",
        "Decline a pending rating proposal, with a reason.",
        decline,
        options=(
            _ID,
            decision_reason(),
        ),
        role=Role.MODERATOR,
        surface=Surface.BUTTONS,
        guild_only=True,
    ),
    Command(
        "rating history",
        "Every community decision on an organization, dated.",
        history,
        options=(_ORG, Option("criterion", "1-10 (default: all)", required=False, max_length=20)),
        surface=Surface.BUTTONS,
        guild_only=True,
    ),
    Command(
        "rating reports",
        "An organization's approved reports, newest first.",
        reports_page,
        options=(
            _ORG,
            Option(
                "page",
                "Page number",
                required=False,
                kind=int,
                min_value=1,
                max_value=ids.REPORTS_PAGE_MAX,
            ),
        ),
        surface=Surface.BUTTONS,
        guild_only=True,
    ),
]
