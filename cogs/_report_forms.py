"""The forms (modals) of peer reports: the report itself, a rejection reason, a redaction.

Their fields' limits come from the command catalogue, as the console's do.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import discord

from bot.commands import COMMANDS
from bot.commands import reports as core_reports
from bot.replies import Reply, Tone
from bot.reports.models import Basis
from bot.storage import StorageUnavailable
from cogs._queue import ModerationForm, after_decision, post_to_queue
from cogs._ui import Form, actor_of, core_of, send_reply

log = logging.getLogger(__name__)

REPORT = COMMANDS["report"]


def _basis_select() -> discord.ui.Select[Any]:
    return discord.ui.Select(
        options=[
            discord.SelectOption(
                label="First-hand: I saw or lived it", value=Basis.FIRST_HAND, default=True
            ),
            discord.SelectOption(
                label="Documented: reports, filings, news", value=Basis.DOCUMENTED
            ),
            discord.SelectOption(label="Heard from others", value=Basis.HEARD_FROM_OTHERS),
        ],
    )


def _criterion_select(titles: dict[int, str]) -> discord.ui.Select[Any]:
    options = [discord.SelectOption(label="General", value=core_reports.GENERAL, default=True)]
    options += [
        discord.SelectOption(label=f"{n}. {title}"[:100], value=str(n))
        for n, title in sorted(titles.items())
    ]
    return discord.ui.Select(options=options)


def _chosen(select: discord.ui.Select[Any], default: str) -> str:
    return select.values[0] if select.values else default


class ReportForm(Form):
    """What happened, the evidence, and how the reporter knows (and the criterion, when the
    form was opened from a button rather than from /report)."""

    def __init__(self, org: str, criterion: str | None, titles: dict[int, str]) -> None:
        super().__init__(title=f"Report: {org}"[:45], timeout=1800)
        self.org = org
        self.criterion = criterion
        self.criterion_select: discord.ui.Select[Any] | None = None
        if criterion is None:
            self.criterion_select = _criterion_select(titles)
            self.add_item(
                discord.ui.Label(
                    text="Which criterion is it about?", component=self.criterion_select
                )
            )
        text, evidence = REPORT.option("text"), REPORT.option("evidence")
        self.text: discord.ui.TextInput[Any] = discord.ui.TextInput(
            style=discord.TextStyle.paragraph,
            min_length=text.min_length,
            max_length=text.max_length,
            placeholder="What you saw or know, with dates. No names or contact details of "
            "private people, please.",
        )
        self.evidence: discord.ui.TextInput[Any] = discord.ui.TextInput(
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=evidence.max_length,
            placeholder="https://… (one link per line)",
        )
        self.basis = _basis_select()
        self.add_item(discord.ui.Label(text="What happened?", component=self.text))
        self.add_item(discord.ui.Label(text="Evidence links (optional)", component=self.evidence))
        self.add_item(discord.ui.Label(text="How do you know?", component=self.basis))

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        # Answer Discord before the write: a commit may wait on the disk (3-second window).
        await interaction.response.defer(ephemeral=True, thinking=True)
        criterion = self.criterion
        if self.criterion_select is not None:
            criterion = _chosen(self.criterion_select, core_reports.GENERAL)
        submission = await core_reports.submit_report(
            core_of(interaction),
            await actor_of(interaction),
            org=self.org,
            criterion=criterion,
            text=self.text.value,
            evidence=self.evidence.value,
            basis=_chosen(self.basis, Basis.FIRST_HAND),
        )
        await send_reply(interaction, submission.reply, public=False)
        if submission.report is None:
            return
        try:
            await post_to_queue(interaction, submission.report)
        except StorageUnavailable:
            # Saved and acknowledged already: it waits in /reports queue; never "not sent".
            log.warning(
                "Report #%d is saved but not posted to the moderation channel: the database "
                "went away; it is in /reports queue",
                submission.report.id,
            )

    async def on_error(  # type: ignore[override]  # a Modal's on_error takes no item
        self, interaction: discord.Interaction[Any], error: Exception, /
    ) -> None:
        from bot.client import failure_message

        failure_message("Report form", interaction, error)  # logged as a warning or an error
        if isinstance(error, StorageUnavailable):
            # Honest either way: the server may have committed just before it went away.
            problem = (
                "vetbot lost its database while saving this, so your report may not have been "
                "saved. In a minute, check /myreports and send it again if it is not there."
            )
        else:
            problem = "Sorry, something went wrong and your report was not saved."
        # Whatever went wrong, the person gets back everything they typed.
        back = Reply(
            title="Report not sent",
            text=f"{problem} Here is what you wrote, to copy:\n```\n{self.text.value[:3500]}\n```",
            tone=Tone.ERROR,
        )
        await send_reply(interaction, back, public=False)


def reject_form(report_id: int) -> ModerationForm:
    return ModerationForm(
        "reports reject",
        "reason",
        report_id,
        after_decision,
        title="Reject this report",
        label="Reason (the reporter is told)",
    )


def retract_form(report_id: int) -> ModerationForm:
    return ModerationForm(
        "reports retract",
        "reason",
        report_id,
        after_decision,
        title="Retract this approved report",
        label="Reason (the reporter is told)",
    )


def edit_form(report_id: int, current: str) -> ModerationForm:
    return ModerationForm(
        "reports edit",
        "text",
        report_id,
        functools.partial(after_decision, notify=False),
        title="Edit (redact) this report",
        label="Report text",
        default=current,
    )
