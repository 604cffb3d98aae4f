"""/reply: an organization's right of reply, and the moderators' decisions on replies.

A response is moderated like a report (approve / reject with a reason / edit) and follows the
same limits and personal-information rules. Once approved it shows on the card.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.rate import QUERY_MAX
from bot.commands.ratings import known_org, now, org_name
from bot.commands.reports import GENERAL, guild_of, parse_criterion
from bot.commands.spec import (
    NEW_TEXT,
    Command,
    Completion,
    Option,
    Surface,
    decision_reason,
    numbered,
)
from bot.ratings import replies as views
from bot.ratings.responses import RESPONSE_MIN, VERIFICATION_MAX
from bot.replies import Actor, Reply, Role, error
from bot.reports import validation

if TYPE_CHECKING:
    from bot.core import Core
    from bot.ratings.models import Response


async def response_post(core: Core, response: Response) -> Reply:
    """A response as its queue post shows it now."""
    return views.response_post(response, org_name(core, response.org_id, (response.guild_id,)))


async def reply(
    core: Core,
    actor: Actor,
    org: str,
    text: str,
    links: str = "",
    verification: str = "",
    criterion: str = GENERAL,
    report: int | None = None,
) -> Reply:
    """Answer, for an organization, a criterion or an approved report shown on its card."""
    org_id = await known_org(core, actor, org)
    if isinstance(org_id, Reply):
        return org_id
    parsed = parse_criterion(criterion)
    if isinstance(parsed, str):
        return error(parsed)
    if report is not None and parsed is not None:
        return error("Answer either one criterion or one report, not both.")
    community = await core.community_of(actor)
    result = await core.responses.submit(
        guild_id=guild_of(actor),
        org_id=org_id,
        criterion=parsed,
        report_id=report,
        text=text,
        links=links,
        verification=verification,
        sender_id=actor.user_id,
        now=now(),
        policy=community.policy if community else None,
    )
    return views.response_result(result)


async def approve(core: Core, actor: Actor, id: int) -> Reply:
    """Publish a pending response on the card."""
    return views.response_result(
        await core.responses.approve(id, guild_of(actor), actor.user_id, now())
    )


async def reject(core: Core, actor: Actor, id: int, reason: str) -> Reply:
    """Reject a pending response, with a reason."""
    return views.response_result(
        await core.responses.reject(id, guild_of(actor), actor.user_id, reason, now())
    )


async def edit(core: Core, actor: Actor, id: int, text: str) -> Reply:
    """Replace a response's text, to redact personal information."""
    return views.response_result(
        await core.responses.edit(id, guild_of(actor), actor.user_id, text, now())
    )


_ID = numbered("Response")
COMMANDS = [
    Command(
        "reply",
        "Respond for an organization to its card (moderators review it).",
        reply,
        options=(
            Option(
                "org",
                "The organization you speak for",
                autocomplete=Completion.ORGS,
                min_length=1,
                max_length=QUERY_MAX,
            ),
            Option(
                "text",
                "The response",
                min_length=RESPONSE_MIN,
                max_length=validation.TEXT_MAX,
                in_form=True,
            ),
            Option(
                "links",
                "Links, one per line",
                required=False,
                max_length=validation.EVIDENCE_MAX,
                in_form=True,
            ),
            Option(
                "verification",
                "For moderators only: how to check you speak for it",
                required=False,
                max_length=VERIFICATION_MAX,
                in_form=True,
            ),
            Option(
                "criterion",
                "The criterion it answers, or general",
                required=False,
                autocomplete=Completion.CRITERION_NUMBERS,
                min_length=1,
                max_length=100,
            ),
            Option(
                "report", "Or the approved report it answers", required=False, kind=int, min_value=1
            ),
        ),
        guild_only=True,
    ),
    Command(
        "responses approve",
        "Publish an organization's pending response.",
        approve,
        options=(_ID,),
        role=Role.MODERATOR,
        surface=Surface.BUTTONS,
        guild_only=True,
    ),
    Command(
        "responses reject",
        "Reject an organization's pending response, with a reason.",
        reject,
        options=(
            _ID,
            decision_reason(),
        ),
        role=Role.MODERATOR,
        surface=Surface.BUTTONS,
        guild_only=True,
    ),
    Command(
        "responses edit",
        "Redact an organization's response.",
        edit,
        options=(
            _ID,
            NEW_TEXT,
        ),
        role=Role.MODERATOR,
        surface=Surface.BUTTONS,
        guild_only=True,
    ),
]
