"""What the rating and response commands answer, as neutral replies.

Moderators see who proposed and confirmed (as ``<@id>`` mentions built from integer ids only,
which never ping: vetbot sends every message with mentions turned off); members see "the
moderators of <server>". Everything a person typed is markdown-escaped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot import ids, limits
from bot.limits import cut
from bot.markdown import escape, link
from bot.ratings.models import (
    Decision,
    Missing,
    Proposal,
    ProposalResult,
    ProposalStatus,
    Refused,
    Response,
    ResponseResult,
    ResponseStatus,
    Settled,
    Verdict,
)
from bot.replies import Button, ButtonStyle, Field, Reply, Tone, error

FIELD_MAX = limits.FIELD_VALUE
HISTORY_SHOWN = 20

VERDICT_LABELS: dict[Verdict, str] = {
    Verdict.MEETS: "✅ Meets",
    Verdict.PARTLY: "🟡 Partly",
    Verdict.FAILS: "❌ Fails",
    Verdict.NOT_ASSESSED: "⚪ Not assessed",
    Verdict.CONTESTED: "⚖️ Contested",
}


def day(moment: dt.datetime | None) -> str:
    return "unknown date" if moment is None else moment.astimezone(dt.UTC).date().isoformat()


def _mention(user_id: int | None) -> str:
    return "unknown" if user_id is None else f"<@{int(user_id)}>"


def _links(urls: Sequence[str]) -> str:
    return "\n".join(link(u) for u in urls)


def proposal_post(
    proposal: Proposal, org_name: str, criterion_title: str, replaced: Verdict | None = None
) -> Reply:
    """A proposal as moderators see it in the queue, with Confirm and Decline while pending."""
    lines = [
        f"**{escape(org_name)}**: criterion {proposal.criterion}, {escape(criterion_title)}",
        f"Proposed verdict: **{VERDICT_LABELS[proposal.verdict]}**"
        + (f" (now {VERDICT_LABELS[replaced]})" if replaced else ""),
        f"Note: {escape(proposal.note)}",
    ]
    if proposal.evidence:
        lines.append("Evidence:\n" + _links(proposal.evidence))
    if proposal.report_ids:
        lines.append("Supporting reports: " + ", ".join(f"#{i}" for i in proposal.report_ids))
    if proposal.reverts:
        lines.append(f"Goes back to decision #{proposal.reverts}.")
    agreed = ", ".join(_mention(u) for u in proposal.confirmed_by)
    lines.append(f"Agreed so far ({len(proposal.confirmed_by)} of {proposal.needed}): {agreed}")
    tone, buttons = Tone.INFO, []
    if proposal.status is ProposalStatus.PENDING:
        buttons = [
            Button(
                "Confirm",
                custom_id=ids.RatingButton(ids.RatingAction.CONFIRM, proposal.id).custom_id,
                style=ButtonStyle.SUCCESS,
            ),
            Button(
                "Decline",
                custom_id=ids.RatingButton(ids.RatingAction.DECLINE, proposal.id).custom_id,
                style=ButtonStyle.DANGER,
            ),
        ]
    elif proposal.status is ProposalStatus.ADOPTED:
        tone = Tone.SUCCESS
        lines.append(f"**Adopted** {day(proposal.decided_at)}: the card shows it now.")
    else:
        tone = Tone.WARNING
        lines.append(
            f"**Declined** {day(proposal.decided_at)} by {_mention(proposal.declined_by)}: "
            f"{escape(proposal.decline_reason or '')}"
        )
    return Reply(
        title=f"Rating proposal #{proposal.id}",
        text=cut("\n".join(lines), limits.DESCRIPTION),
        tone=tone,
        buttons=buttons,
        data={"proposal_id": proposal.id, "status": str(proposal.status)},
    )


def proposal_result(result: ProposalResult) -> Reply:
    """The private answer to a moderator who proposed, confirmed or declined."""
    if isinstance(result, Missing):
        return error(f"There is no {result.what} #{result.id} here.")
    if isinstance(result, Refused):
        return error(result.message)
    if isinstance(result, Settled):
        proposal = result.proposal
        if proposal is None:
            return error("That proposal no longer exists.")
        return error(
            f"Proposal #{proposal.id} was already {proposal.status} on {day(proposal.decided_at)}."
        )
    data = {"proposal_id": result.id, "status": str(result.status), "missing": result.missing}
    if result.status is ProposalStatus.ADOPTED:
        text = f"Proposal #{result.id} is adopted: the card shows it now."
    elif result.status is ProposalStatus.DECLINED:
        text = f"Proposal #{result.id} is declined."
    else:
        more = result.missing
        text = (
            f"Proposal #{result.id} is waiting for {more} more moderator"
            f"{'s' if more != 1 else ''} to confirm it."
        )
    return Reply(text=text, tone=Tone.SUCCESS, data=data)


def history(
    decisions: Sequence[Decision],
    org_name: str,
    server: str,
    titles: dict[int, str],
    *,
    moderator: bool,
) -> Reply:
    """Every decision, newest first: verdict, date, who, note, evidence, what it replaced."""
    if not decisions:
        return Reply(
            title=f"Rating history: {org_name}",
            text="The moderators here have made no decision on this organization yet.",
            data={"decisions": []},
        )
    fields = []
    for decision in decisions[:HISTORY_SHOWN]:
        p = decision.proposal
        if moderator:
            who = f"proposed by {_mention(p.proposed_by)}, confirmed by " + (
                ", ".join(_mention(u) for u in p.confirmed_by[1:]) or "no one else needed"
            )
        else:
            who = f"decided by the moderators of {escape(server)}"
        was = VERDICT_LABELS[decision.replaced] if decision.replaced else "no community verdict"
        value = f"{VERDICT_LABELS[p.verdict]} (was {was}), {day(p.decided_at)}, {who}.\n"
        value += escape(p.note)
        if p.evidence:
            value += "\n" + _links(p.evidence)
        if p.report_ids:
            value += "\nSupporting reports: " + ", ".join(f"#{i}" for i in p.report_ids)
        title = titles.get(p.criterion, "")
        fields.append(Field(cut(f"#{p.id} · {p.criterion}. {title}", 256), cut(value, FIELD_MAX)))
    more = len(decisions) - HISTORY_SHOWN
    return Reply(
        title=f"Rating history: {org_name}",
        text="Newest first. `/rating revert id` proposes going back to one of these."
        + (f"\n{more} older decisions are not shown." if more > 0 else ""),
        fields=fields,
        data={
            "decisions": [
                {
                    "id": d.proposal.id,
                    "criterion": d.proposal.criterion,
                    "verdict": str(d.proposal.verdict),
                    "replaced": str(d.replaced) if d.replaced else None,
                    "decided_at": d.proposal.decided_at.isoformat()
                    if d.proposal.decided_at
                    else None,
                    "note": d.proposal.note,
                    "evidence": list(d.proposal.evidence),
                    "reports": list(d.proposal.report_ids),
                    **(
                        {
                            "proposed_by": d.proposal.proposed_by,
                            "confirmed_by": d.proposal.confirmed_by,
                        }
                        if moderator
                        else {}
                    ),
                }
                for d in decisions
            ]
        },
    )


def review_prompt(org_id: str, org_name: str, criterion: int, title: str, count: int) -> Reply:
    """The queue's "review this rating?" message after enough new approved reports."""
    return Reply(
        title="Review this rating?",
        text=f"**{escape(org_name)}** has {count} approved reports on criterion {criterion} "
        f"({escape(title)}) since the community last decided it. The button opens a proposal.",
        buttons=[
            Button(
                "Propose a verdict",
                custom_id=ids.RatingReview(org_id, criterion).custom_id,
                style=ButtonStyle.PRIMARY,
            )
        ],
        data={"org_id": org_id, "criterion": criterion, "reports": count},
    )


# -- responses ----------------------------------------------------------------------------


def response_post(response: Response, org_name: str) -> Reply:
    """A response as moderators see it, with Approve / Reject / Edit while pending."""
    lines = [
        f"**{escape(org_name)}** answers {response.subject}.",
        escape(response.text),
    ]
    if response.links:
        lines.append("Links:\n" + _links(response.links))
    if response.verification:
        lines.append(f"How to verify they speak for it: {escape(response.verification)}")
    if response.pii_flags:
        lines.append(f"⚠️ May contain personal information: {', '.join(response.pii_flags)}")
    lines.append(f"Sent by {_mention(response.sender_id)}, {day(response.created_at)}.")
    buttons = []
    if response.status is ResponseStatus.PENDING:
        buttons = [
            Button(
                "Approve",
                custom_id=ids.ResponseButton(ids.ResponseAction.APPROVE, response.id).custom_id,
                style=ButtonStyle.SUCCESS,
            ),
            Button(
                "Reject",
                custom_id=ids.ResponseButton(ids.ResponseAction.REJECT, response.id).custom_id,
                style=ButtonStyle.DANGER,
            ),
        ]
    else:
        lines.append(f"**{response.status.capitalize()}** {day(response.decided_at)}.")
    buttons.append(
        Button("Edit", custom_id=ids.ResponseButton(ids.ResponseAction.EDIT, response.id).custom_id)
    )
    return Reply(
        title=f"Response #{response.id}",
        text=cut("\n".join(lines), limits.DESCRIPTION),
        buttons=buttons,
        data={"response_id": response.id, "status": str(response.status)},
    )


def response_result(result: ResponseResult) -> Reply:
    """The private answer to a sender or a moderator."""
    if isinstance(result, Missing):
        return error(f"There is no response #{result.id} here.")
    if isinstance(result, Refused):
        return error(result.message)
    if isinstance(result, Settled):
        done = result.response
        if done is None:
            return error("That response no longer exists.")
        return error(f"Response #{done.id} was already {done.status} on {day(done.decided_at)}.")
    data = {"response_id": result.id, "status": str(result.status)}
    if result.status is ResponseStatus.PENDING:
        text = (
            f"Response #{result.id} received. The moderators will review it; once approved it "
            "shows on the organization's card."
        )
    elif result.status is ResponseStatus.APPROVED:
        text = f"Response #{result.id} is now approved and shows on the card."
    else:
        text = f"Response #{result.id} is now {result.status}."
    return Reply(text=text, tone=Tone.SUCCESS, data=data)


def response_notice(response: Response, org_name: str, server: str) -> Reply:
    """The direct message telling a sender what moderators decided. It names no moderator."""
    about = f"your response #{response.id} for {escape(org_name)}"
    if response.status is ResponseStatus.APPROVED:
        text = f"Moderators on {escape(server)} approved {about}. It now shows on the card."
    else:
        text = f"Moderators on {escape(server)} did not approve {about}."
        if response.decision_reason:
            text += f"\nTheir reason: {escape(response.decision_reason)}"
    return Reply(title="Your response was reviewed", text=text, data={"response_id": response.id})
