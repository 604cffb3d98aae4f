"""What the report commands answer, as neutral :class:`~bot.replies.Reply` objects.

User-typed text (report, org name, reasons, links) is shown as it was typed and is never used to
build a mention; the only mentions made here are ``<@id>`` from integer user ids, and only for
moderators. Everything fits Discord's limits (description 4,096, field 1,024 characters).

Button ``custom_id``s come from :mod:`bot.ids` (``vetbot:report:<action>:<report id>``), stable
across restarts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from bot import ids, limits
from bot.limits import cut
from bot.markdown import escape, link
from bot.replies import Button, ButtonStyle, Field, Reply, Tone
from bot.reports.models import (
    Basis,
    Decided,
    Invalid,
    ModerationResult,
    NotFound,
    Page,
    Refusal,
    Report,
    Status,
)
from bot.reports.policy import ReportPolicy

DESCRIPTION_MAX = limits.DESCRIPTION
FIELD_MAX = limits.FIELD_VALUE
TITLE_MAX = limits.TITLE
# The whole embed may hold 6,000 characters; leave room for titles and labels.
TEXT_BACK_MAX = 4000
# What the builders allow themselves of the embed, leaving room for title and footer.
EMBED_BUDGET = 5500
MINE_SHOWN = 10

CriterionTitles = Mapping[int, str]


# -- shared wording -----------------------------------------------------------------------


def when(moment: dt.datetime | None) -> str:
    """A moment as readable UTC text, the same in every front end."""
    if moment is None:
        return "unknown time"
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def attribution(basis: Basis) -> str:
    """How an approved report is credited in public: never a name."""
    return f"a community member ({basis.label})"


def criterion_label(criterion: int | None, titles: CriterionTitles | None = None) -> str:
    """``Criterion 3: <title>`` or ``General``."""
    if criterion is None:
        return "General"
    title = (titles or {}).get(criterion)
    return f"Criterion {criterion}: {title}" if title else f"Criterion {criterion}"


def org_label(report: Report) -> str:
    """The org as typed, with its id once it has one."""
    if report.org_id is None:
        return f"{escape(report.org_name)} (not yet listed)"
    return f"{escape(report.org_name)} ({report.org_id})"


def _mention(user_id: int | None) -> str:
    # Built from an integer id only, never from text a user typed.
    return "unknown" if user_id is None else f"<@{int(user_id)}>"


def _evidence(report: Report) -> str:
    if not report.evidence:
        return "none given"
    return cut("\n".join(link(url) for url in report.evidence), FIELD_MAX)


def _code_block(text: str) -> str:
    # A ``` inside the text would end the block early; a zero-width space keeps it visible.
    return "```\n" + text.replace("```", "`\u200b``") + "\n```"


# -- reporters ----------------------------------------------------------------------------


def acknowledgement(report: Report, titles: CriterionTitles | None = None) -> Reply:
    """The private thank-you after a report is accepted."""
    text = (
        f"Thank you. Your report #{report.id} about **{escape(report.org_name)}** "
        f"({criterion_label(report.criterion, titles)}) is waiting for a moderator.\n"
        "Only moderators see it until it is approved; if approved, it is shown as coming from "
        f"{attribution(report.basis)}, never with your name. You can withdraw it with "
        "/myreports while it is pending."
    )
    if report.pii_flags:
        text += (
            "\n\nIt seems to contain personal information "
            f"({', '.join(report.pii_flags)}); moderators may remove it before approval."
        )
    return Reply(
        title="Report received",
        text=cut(text, DESCRIPTION_MAX),
        tone=Tone.SUCCESS,
        data={"report_id": report.id, "status": report.status.value},
    )


def refusal(result: Refusal) -> Reply:
    """The private answer to a refused report: why, when to retry, and the text back."""
    text = result.message
    if result.retry_after is not None:
        text += f"\nYou can try again after {when(result.retry_after)}."
    text += "\nNothing was saved, so here is what you wrote, to copy:"
    fields = _chunks("Your report", result.text_back)
    if result.evidence_back.strip():
        fields += _chunks("Your links", result.evidence_back)
    return Reply(
        title="Report not sent",
        text=cut(text, DESCRIPTION_MAX),
        fields=fields,
        tone=Tone.WARNING,
        # The exact input, for a cog that reopens the form pre-filled.
        data={
            "reason": result.reason.value,
            "retry_after": None if result.retry_after is None else result.retry_after.isoformat(),
            "text": result.text_back,
            "evidence": result.evidence_back,
        },
    )


def _chunks(name: str, text: str) -> list[Field]:
    """``text`` as code-block fields of at most 1,024 characters each."""
    room = FIELD_MAX - len(_code_block(""))
    body = text[:TEXT_BACK_MAX]
    parts = [body[i : i + room] for i in range(0, len(body), room)] or [""]
    fields = [
        Field(name=name if len(parts) == 1 else f"{name} ({n}/{len(parts)})", value=_code_block(p))
        for n, p in enumerate(parts, 1)
    ]
    if len(text) > TEXT_BACK_MAX:
        fields.append(Field(name="Cut", value="The rest did not fit here."))
    return fields


def my_reports(reports: Sequence[Report], titles: CriterionTitles | None = None) -> Reply:
    """/myreports: the reporter's reports with a withdraw button for each pending one."""
    if not reports:
        return Reply(title="Your reports", text="You have not sent any reports.")
    shown = list(reports)[:MINE_SHOWN]
    fields = [
        Field(
            name=cut(f"#{r.id} · {r.status.value} · {r.org_name}", TITLE_MAX),
            value=cut(
                f"{criterion_label(r.criterion, titles)} · sent {when(r.created_at)}\n"
                + _status_line(r)
                + f"\n{cut(escape(r.text), 300)}",
                FIELD_MAX,
            ),
        )
        for r in shown
    ]
    buttons = [
        Button(
            label=f"Withdraw #{r.id}",
            custom_id=ids.ReportButton(ids.ReportAction.WITHDRAW, r.id).custom_id,
            style=ButtonStyle.DANGER,
        )
        for r in shown
        if r.status is Status.PENDING
    ]
    footer = None if len(reports) <= MINE_SHOWN else f"Showing the latest {MINE_SHOWN}."
    return Reply(title="Your reports", fields=fields, buttons=buttons, footer=footer)


def _status_line(report: Report) -> str:
    if report.status is Status.PENDING:
        return "Waiting for a moderator."
    if report.status is Status.APPROVED:
        return f"Approved {when(report.decided_at)}."
    if report.status is Status.REJECTED:
        return f"Not approved {when(report.decided_at)}: {escape(report.decision_reason or '')}"
    if report.status is Status.RETRACTED:
        return f"Taken down {when(report.decided_at)}: {escape(report.decision_reason or '')}"
    return f"Withdrawn {when(report.decided_at)}."


def withdraw_result(result: ModerationResult) -> Reply:
    """The private answer to a withdraw button."""
    if isinstance(result, Report):
        return Reply(text=f"Report #{result.id} was withdrawn.", tone=Tone.SUCCESS)
    if isinstance(result, Decided):
        return Reply(
            text=f"Report #{result.report_id} was already {result.status.value} "
            f"({when(result.decided_at)}), so it can no longer be withdrawn.",
            tone=Tone.WARNING,
        )
    if isinstance(result, NotFound):
        return Reply(text=f"You have no report #{result.report_id}.", tone=Tone.ERROR)
    return Reply(text=result.message, tone=Tone.ERROR)


# -- moderators ---------------------------------------------------------------------------


def _report_fields(
    report: Report, policy: ReportPolicy, titles: CriterionTitles | None
) -> list[Field]:
    fields = [
        Field(name="Organization", value=cut(org_label(report), FIELD_MAX), inline=True),
        Field(name="Criterion", value=criterion_label(report.criterion, titles), inline=True),
        Field(name="Basis", value=report.basis.label, inline=True),
        Field(name="Evidence", value=_evidence(report)),
    ]
    if report.pii_flags:
        fields.append(
            Field(
                name="⚠ Possible personal information",
                value=f"Looks like: {', '.join(report.pii_flags)}. "
                "Edit to redact it before approving.",
            )
        )
    if policy.show_reporter_to_moderators:
        fields.append(Field(name="Reporter", value=_mention(report.reporter_id), inline=True))
    if report.edited_at is not None:
        fields.append(Field(name="Edited", value=when(report.edited_at), inline=True))
    return fields


def _buttons(report_id: int, *actions: ids.ReportAction, disabled: bool = False) -> list[Button]:
    return [
        Button(
            BUTTON_LOOKS[action][0],
            ids.ReportButton(action, report_id).custom_id,
            BUTTON_LOOKS[action][1],
            disabled=disabled,
        )
        for action in actions
    ]


BUTTON_LOOKS = {
    ids.ReportAction.APPROVE: ("Approve", ButtonStyle.SUCCESS),
    ids.ReportAction.REJECT: ("Reject", ButtonStyle.DANGER),
    ids.ReportAction.EDIT: ("Edit", ButtonStyle.SECONDARY),
    ids.ReportAction.PUBLISH: ("Publish as it is", ButtonStyle.PRIMARY),
    ids.ReportAction.RETRACT: ("Retract", ButtonStyle.DANGER),
}
PENDING_ACTIONS = (ids.ReportAction.APPROVE, ids.ReportAction.REJECT, ids.ReportAction.EDIT)


def queue_post(
    report: Report, policy: ReportPolicy, titles: CriterionTitles | None = None
) -> Reply:
    """The post in the moderators' channel for a new (or edited, still pending) report."""
    if report.status is not Status.PENDING:
        return decided_post(report, policy, titles)
    return Reply(
        title=f"Report #{report.id} · pending",
        text=cut(escape(report.text), DESCRIPTION_MAX),
        fields=_report_fields(report, policy, titles),
        footer=f"Sent {when(report.created_at)}",
        public=True,
        tone=Tone.WARNING if report.pii_flags else Tone.INFO,
        buttons=_buttons(report.id, *PENDING_ACTIONS),
        data={"report_id": report.id, "status": report.status.value},
    )


def decided_post(
    report: Report, policy: ReportPolicy, titles: CriterionTitles | None = None
) -> Reply:
    """The queue post after a decision: the outcome shown, the buttons disabled (an approved
    report keeps Edit and Retract, which can still take it down)."""
    fields = _report_fields(report, policy, titles)
    fields.append(Field(name="Outcome", value=cut(_outcome(report), FIELD_MAX)))
    buttons = _buttons(report.id, *PENDING_ACTIONS, disabled=True)
    if report.status is Status.APPROVED:
        buttons = _buttons(report.id, ids.ReportAction.EDIT, ids.ReportAction.RETRACT)
    return Reply(
        title=f"Report #{report.id} · {report.status.value}",
        text=cut(escape(report.text), DESCRIPTION_MAX),
        fields=fields,
        footer=f"Sent {when(report.created_at)}",
        public=True,
        tone=Tone.SUCCESS if report.status is Status.APPROVED else Tone.INFO,
        buttons=buttons,
        data={"report_id": report.id, "status": report.status.value},
    )


def _outcome(report: Report) -> str:
    if report.status is Status.WITHDRAWN:
        return f"Withdrawn by the reporter, {when(report.decided_at)}."
    line = f"{report.status.value.capitalize()} by {_mention(report.decided_by)}, "
    line += when(report.decided_at) + "."
    if report.decision_reason:
        line += f"\nReason: {escape(report.decision_reason)}"
    return line


def moderation_result(result: ModerationResult) -> Reply:
    """The private answer to the moderator who pressed approve/reject or sent an edit."""
    if isinstance(result, Report):
        return Reply(text=f"Report #{result.id} is now {result.status.value}.", tone=Tone.SUCCESS)
    if isinstance(result, Decided):
        if result.status is Status.WITHDRAWN:
            who = "withdrawn by the reporter"
        else:
            who = f"{result.status.value} by {_mention(result.decided_by)}"
        text = f"Report #{result.report_id} was already {who} at {when(result.decided_at)}."
        if result.reason:
            text += f"\nReason: {escape(result.reason)}"
        return Reply(text=cut(text, DESCRIPTION_MAX), tone=Tone.WARNING)
    if isinstance(result, NotFound):
        return Reply(text=f"There is no report #{result.report_id} here.", tone=Tone.ERROR)
    assert isinstance(result, Invalid)
    return Reply(text=result.message, tone=Tone.ERROR)


def approved(report: Report, org_name: str) -> Reply:
    """The answer to an approval: which organization's card the report now counts on."""
    return Reply(
        text=f"Report #{report.id} is now approved. It counts on the card of "
        f"**{escape(org_name)}** ({report.org_id}).",
        tone=Tone.SUCCESS,
        data={"report_id": report.id, "status": report.status.value, "org_id": report.org_id},
    )


def confirm_approval(report: Report, new_org: str | None) -> Reply:
    """Before publishing what needs a second look: flagged personal information, or a new
    organization that approving would list on /rate."""
    checks = []
    if report.pii_flags:
        checks.append(
            f"Its text looks like it contains personal information ({', '.join(report.pii_flags)})"
            ". Everyone who opens the card would see it: redact it with **Edit** first, unless "
            "it is meant to be public."
        )
    if new_org is not None:
        checks.append(
            f"It is about an organization vetbot does not know. Approving lists "
            f"**{escape(new_org)}** as a new organization on /rate in this community. To link "
            "it to a known organization instead, use `/reports approve` with `org`."
        )
    return Reply(
        title=f"Approve report #{report.id}?",
        text="\n\n".join(checks)
        + f"\n\nTo publish it as it is: **Publish as it is**, or `/reports approve id:{report.id} "
        "confirm:yes`.",
        tone=Tone.WARNING,
        buttons=_buttons(report.id, ids.ReportAction.PUBLISH, ids.ReportAction.EDIT),
        data={
            "report_id": report.id,
            "needs_confirmation": True,
            "pii_flags": list(report.pii_flags),
            "new_org": new_org,
        },
    )


def queue_page(page: Page, titles: CriterionTitles | None = None) -> Reply:
    """/reports queue: one page of pending reports, with previous/next buttons."""
    if not page.items:
        return Reply(title="Moderation queue", text="No reports are waiting. 🎉")
    heads = [
        (
            cut(f"#{r.id} · {r.org_name}", TITLE_MAX),
            f"{criterion_label(r.criterion, titles)} · {r.basis.label} · sent {when(r.created_at)}"
            + (f" · ⚠ {', '.join(r.pii_flags)}" if r.pii_flags else ""),
        )
        for r in page.items
    ]
    # Share what is left of the 6,000-character embed between the text previews.
    used = sum(len(name) + len(meta) for name, meta in heads)
    preview = max(0, min(200, (EMBED_BUDGET - used) // len(heads) - 2))
    fields = [
        Field(
            name=name,
            value=cut(meta + (f"\n{cut(r.text, preview)}" if preview else ""), FIELD_MAX),
        )
        for (name, meta), r in zip(heads, page.items, strict=True)
    ]
    buttons = []
    if page.page > 1:
        buttons.append(Button("Previous", ids.QueuePage(page.page - 1).custom_id))
    if page.page < page.pages:
        buttons.append(Button("Next", ids.QueuePage(page.page + 1).custom_id))
    return Reply(
        title="Moderation queue",
        text=f"{page.total} report(s) waiting. Use /reports show <id> to act on one.",
        fields=fields,
        footer=f"Page {page.page} of {page.pages}",
        buttons=buttons,
    )


def report_detail(
    report: Report, policy: ReportPolicy, titles: CriterionTitles | None = None
) -> Reply:
    """/reports show: the full report for a moderator, with the buttons while it is pending."""
    reply = queue_post(report, policy, titles)
    reply.public = False
    return reply


def public_report(report: Report, titles: CriterionTitles | None = None) -> Reply:
    """An approved report as anyone may see it: credited to "a community member"."""
    return Reply(
        title=cut(f"{report.org_name} · {criterion_label(report.criterion, titles)}", TITLE_MAX),
        text=cut(escape(report.text), DESCRIPTION_MAX),
        fields=[Field(name="Evidence", value=_evidence(report))] if report.evidence else [],
        footer=f"From {attribution(report.basis)} · approved {when(report.decided_at)}",
        public=True,
    )
