"""Peer reports: /report, /myreports and the moderators' /reports commands.

Discord collects a report's text in a modal; the console takes it as options. Both end in
:func:`submit_report`, so the rules are the same everywhere.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.changes import Kind
from bot.commands.rate import QUERY_MAX
from bot.commands.spec import (
    NEEDS_SERVER,
    NEW_TEXT,
    PAGE,
    Command,
    Completion,
    Option,
    Surface,
    UserId,
    decision_reason,
    numbered,
)
from bot.orgs.index import Outcome
from bot.replies import Actor, Reply, Role, Tone, error
from bot.reports import replies as views
from bot.reports import validation
from bot.reports.models import Basis, NotFound, Refusal, RefusalReason, Report, Status

if TYPE_CHECKING:
    from bot.core import Core

log = logging.getLogger(__name__)

GENERAL = "general"
BLOCK_REASON_MAX = 500
BASIS_WORDS = {
    "first": Basis.FIRST_HAND,
    "first-hand": Basis.FIRST_HAND,
    "firsthand": Basis.FIRST_HAND,
    "documented": Basis.DOCUMENTED,
    "document": Basis.DOCUMENTED,
    "docs": Basis.DOCUMENTED,
    "heard": Basis.HEARD_FROM_OTHERS,
    "heard-from-others": Basis.HEARD_FROM_OTHERS,
    "heard from others": Basis.HEARD_FROM_OTHERS,
    "others": Basis.HEARD_FROM_OTHERS,
}


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def criterion_titles(core: Core) -> dict[int, str]:
    return {c.number: c.title for c in core.knowledge.criteria.values()}


def parse_criterion(text: str | int | None) -> int | str | None:
    """1–10 or ``None`` for general; a string is the problem to show."""
    if text is None:
        return None
    value = str(text).strip().lower().removeprefix("criterion").strip()
    if value in ("", GENERAL, "g"):
        return None
    if value.isdigit() and 1 <= int(value) <= 10:
        return int(value)
    return "The criterion must be a number from 1 to 10, or “general”."


def parse_basis(text: str) -> Basis | None:
    return BASIS_WORDS.get(" ".join(text.strip().lower().split()))


@dataclass(frozen=True)
class Submission:
    """What happened to a report: the reply for the reporter, and the report if stored."""

    reply: Reply
    report: Report | None


def guild_of(actor: Actor) -> int:
    """The community of an actor the catalogue let through (its commands are guild-only)."""
    if actor.guild_id is None:
        raise ValueError("a community command ran outside a server")
    return actor.guild_id


async def resolve_org(core: Core, actor: Actor, name: str) -> tuple[str | None, str]:
    """The organization a typed name means as this community sees it (id, name), or
    (None, the name as typed)."""
    typed = " ".join(name.split())[:QUERY_MAX]
    index = core.state.orgs_for(await core.sees(actor))
    match = await index.lookup_async(typed)
    if match.outcome is Outcome.MATCH and match.best is not None:
        return match.best.id, match.best.name
    return None, typed


def _refused(reason: RefusalReason, message: str, text: str, evidence: str) -> Submission:
    """A refusal that gives back everything the reporter typed."""
    refused = Refusal(
        reason=reason, message=message, retry_after=None, text_back=text, evidence_back=evidence
    )
    return Submission(views.refusal(refused), None)


async def submit_report(
    core: Core,
    actor: Actor,
    *,
    org: str,
    criterion: str | int | None,
    text: str,
    evidence: str = "",
    basis: str = "first-hand",
) -> Submission:
    """Check and store a report; the reply always gives a refused text back."""
    parsed = parse_criterion(criterion)
    clean_basis = parse_basis(basis)
    if isinstance(parsed, str):
        return _refused(RefusalReason.BAD_CRITERION, parsed, text, evidence)
    if clean_basis is None:
        return _refused(
            RefusalReason.BAD_BASIS,
            "“How do you know” must be first-hand, documented or heard from others.",
            text,
            evidence,
        )
    org_id, org_name = await resolve_org(core, actor, org)
    community = await core.community_of(actor)
    if community is None:
        return Submission(error(NEEDS_SERVER), None)
    result = await core.reports.submit(
        guild_id=community.guild_id,
        policy=community.policy,
        reporter_id=actor.user_id,
        account_age_days=actor.account_age_days,
        org_id=org_id,
        org_name=org_name,
        criterion=parsed,
        text=text,
        evidence=evidence,
        basis=clean_basis,
        now=now(),
    )
    if isinstance(result, Report):
        return Submission(views.acknowledgement(result, criterion_titles(core)), result)
    return Submission(views.refusal(result), None)


async def report(
    core: Core,
    actor: Actor,
    org: str,
    text: str,
    criterion: str = GENERAL,
    evidence: str = "",
    basis: str = "first-hand",
) -> Reply:
    """Send moderators a report about an organization (console form of /report)."""
    submission = await submit_report(
        core, actor, org=org, criterion=criterion, text=text, evidence=evidence, basis=basis
    )
    return submission.reply


async def myreports(core: Core, actor: Actor) -> Reply:
    """Your own reports here, with a withdraw button on those still pending."""
    mine = await core.reports.list_mine(guild_of(actor), actor.user_id)
    return views.my_reports(mine, criterion_titles(core))


async def withdraw(core: Core, actor: Actor, id: int) -> Reply:
    """Withdraw one of your pending reports."""
    result = await core.reports.withdraw(id, guild_of(actor), actor.user_id, now())
    return views.withdraw_result(result)


async def queue(core: Core, actor: Actor, page: int = 1) -> Reply:
    """Pending reports, a page at a time."""
    pending = await core.reports.queue(guild_of(actor), max(1, page))
    return views.queue_page(pending, criterion_titles(core))


async def show(core: Core, actor: Actor, id: int) -> Reply:
    """One report in full, for moderators."""
    found = await core.reports.get(id, guild_of(actor))
    if found is None:
        return views.moderation_result(NotFound(id))
    community = await core.community_of(actor)
    policy = community.policy if community else core.config.reports
    return views.report_detail(found, policy, criterion_titles(core))


async def approve(
    core: Core, actor: Actor, id: int, org: str | None = None, confirm: bool = False
) -> Reply:
    """Approve a pending report. For an unlisted organization, ``org`` links it to a known one
    (by name) or, if no organization matches, lists it under the name typed.

    Publishing something that needs a second look asks first: a text flagged for personal
    information, or a new organization to list. ``confirm`` says "yes, as it is".
    """
    guild_id = guild_of(actor)
    report = await core.reports.get(id, guild_id)
    if report is None:
        return views.moderation_result(NotFound(id))
    link_id = new_name = None
    if org:
        link_id, typed = await resolve_org(core, actor, org)
        new_name = None if link_id else typed
    lists_new = link_id is None and (new_name is not None or report.org_id is None)
    if not confirm and report.status is Status.PENDING and (report.pii_flags or lists_new):
        listed_as: str | None = None
        if lists_new:
            checked = validation.check_org_name(new_name or report.org_name)
            if isinstance(checked, validation.Problem):
                return error(checked.message)
            listed_as = checked
        return views.confirm_approval(report, listed_as)
    result = await core.reports.approve(
        id, guild_id, actor.user_id, now(), link_org_id=link_id, new_org_name=new_name
    )
    if not isinstance(result, Report):
        return views.moderation_result(result)
    if result.org_id is not None and result.org_id not in core.knowledge.orgs:
        # Linked to a community's own organization, perhaps one it just listed: every
        # process re-indexes the listings.
        await core.changes.changed(Kind.ORGS, guild_id)
    return views.approved(result, linked_org_name(core, result))


def linked_org_name(core: Core, report: Report) -> str:
    """The name of the organization a report is linked to (the typed name if it is not)."""
    if report.org_id is None:
        return report.org_name
    org = core.knowledge.orgs.get(report.org_id)
    if org is not None:
        return org.name
    listed = core.state.community.get(report.guild_id or 0, {})
    return listed.get(report.org_id, report.org_name)


async def reject(core: Core, actor: Actor, id: int, reason: str) -> Reply:
    """Reject a pending report with a reason."""
    result = await core.reports.reject(id, guild_of(actor), actor.user_id, reason, now())
    return views.moderation_result(result)


async def retract(core: Core, actor: Actor, id: int, reason: str) -> Reply:
    """Take an approved report down, with a reason the reporter is told."""
    result = await core.reports.retract(id, guild_of(actor), actor.user_id, reason, now())
    return views.moderation_result(result)


async def edit(core: Core, actor: Actor, id: int, text: str) -> Reply:
    """Replace a report's text, to redact personal information."""
    result = await core.reports.edit(id, guild_of(actor), actor.user_id, text, now())
    if isinstance(result, Report):
        flags = ", ".join(result.pii_flags)
        still = f" It still looks like it contains: {flags}." if flags else ""
        after = (
            " Its card shows it as edited by the moderators."
            if result.status is Status.APPROVED
            else ""
        )
        return Reply(text=f"Report #{id}'s text was updated.{after}{still}", tone=Tone.SUCCESS)
    return views.moderation_result(result)


async def block(core: Core, actor: Actor, user: int, reason: str = "") -> Reply:
    """Stop a member from sending reports here."""
    changed = await core.reports.block(guild_of(actor), user, actor.user_id, reason, now())
    text = "They can no longer send reports." if changed else "They were already blocked."
    return Reply(text=text, tone=Tone.SUCCESS, data={"changed": changed})


async def unblock(core: Core, actor: Actor, user: int) -> Reply:
    """Let a blocked member send reports here again."""
    changed = await core.reports.unblock(guild_of(actor), user, actor.user_id, now())
    text = "They can send reports again." if changed else "They were not blocked."
    return Reply(text=text, tone=Tone.SUCCESS, data={"changed": changed})


_ID = numbered("Report")
_ORG = Option(
    "org",
    "The organization (start typing; unlisted ones are fine)",
    autocomplete=Completion.ORGS,
    min_length=1,
    max_length=QUERY_MAX,
)
_USER = Option("user", "The member", kind=UserId)
_REASON = decision_reason("Why (the reporter is told)")
COMMANDS = [
    Command(
        "report",
        "Tell moderators what you know about an organization.",
        report,
        options=(
            _ORG,
            Option(
                "text",
                "What happened",
                min_length=validation.TEXT_MIN,
                max_length=validation.TEXT_MAX,
                in_form=True,
            ),
            Option(
                "criterion",
                "Which of the ten criteria, or general",
                required=False,
                autocomplete=Completion.CRITERION_NUMBERS,
                min_length=1,
                max_length=100,
            ),
            Option(
                "evidence",
                "Links, one per line",
                required=False,
                max_length=validation.EVIDENCE_MAX,
                in_form=True,
            ),
            Option(
                "basis",
                "first-hand, documented or heard from others",
                required=False,
                in_form=True,
            ),
        ),
        guild_only=True,
    ),
    Command("myreports", "Your reports, and withdrawing pending ones.", myreports, guild_only=True),
    Command(
        "withdraw",
        "Withdraw one of your pending reports.",
        withdraw,
        options=(_ID,),
        surface=Surface.BUTTONS,
        guild_only=True,
    ),
    Command(
        "reports queue",
        "Pending reports, a page at a time.",
        queue,
        options=(PAGE,),
        role=Role.MODERATOR,
        guild_only=True,
    ),
    Command(
        "reports show",
        "One report in full.",
        show,
        options=(_ID,),
        role=Role.MODERATOR,
        guild_only=True,
    ),
    Command(
        "reports approve",
        "Approve a pending report.",
        approve,
        options=(
            _ID,
            Option(
                "org",
                "For a report about an unlisted org: link it to, or list it as",
                required=False,
                autocomplete=Completion.ORGS,
                min_length=1,
                max_length=QUERY_MAX,
            ),
            Option(
                "confirm",
                "Publish as it is, even if flagged or listing a new organization",
                required=False,
                kind=bool,
            ),
        ),
        role=Role.MODERATOR,
        guild_only=True,
    ),
    Command(
        "reports reject",
        "Reject a pending report, with a reason.",
        reject,
        options=(_ID, _REASON),
        role=Role.MODERATOR,
        guild_only=True,
    ),
    Command(
        "reports retract",
        "Take an approved report down, with a reason.",
        retract,
        options=(_ID, _REASON),
        role=Role.MODERATOR,
        guild_only=True,
    ),
    Command(
        "reports edit",
        "Redact a report's text.",
        edit,
        options=(
            _ID,
            NEW_TEXT,
        ),
        role=Role.MODERATOR,
        surface=Surface.BUTTONS,
        guild_only=True,
    ),
    Command(
        "reports block",
        "Stop a member from sending reports.",
        block,
        options=(
            _USER,
            Option("reason", "Why", required=False, min_length=1, max_length=BLOCK_REASON_MAX),
        ),
        role=Role.MODERATOR,
        guild_only=True,
    ),
    Command(
        "reports unblock",
        "Let a member send reports again.",
        unblock,
        options=(_USER,),
        role=Role.MODERATOR,
        guild_only=True,
    ),
]


def decision_notice(report: Report, server: str) -> Reply:
    """The direct message telling a reporter what moderators decided. It names no moderator."""
    about = f"your report #{report.id} about {report.org_name}"
    if report.status is Status.APPROVED:
        text = f"Moderators on {server} approved {about}. It now counts on the organization's card."
    elif report.status is Status.RETRACTED:
        text = f"Moderators on {server} took down {about}; it no longer shows on the card."
        if report.decision_reason:
            text += f"\nTheir reason: {report.decision_reason}"
    else:
        text = f"Moderators on {server} did not approve {about}."
        if report.decision_reason:
            text += f"\nTheir reason: {report.decision_reason}"
    return Reply(title="Your report was reviewed", text=text, data={"report_id": report.id})
