"""Peer reports in Discord: /report and its form, /myreports, and the moderation queue.

Moderation buttons carry the report id (``vetbot:report:approve:42``) and are handled by the
dynamic items in :mod:`cogs.components`, so they work on posts made before a restart. Every
click checks again that the person is a moderator.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from typing import Any
from urllib.parse import unquote

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.commands import COMMANDS
from bot.commands import reports as core_reports
from bot.commands.spec import refusal
from bot.replies import Reply, Role, Tone
from bot.reports import replies as views
from bot.reports.models import Basis, Report, Status
from cogs._ui import (
    Form,
    actor_from,
    autocomplete_choices,
    core_of,
    message_kwargs,
    role_of,
    run_command,
    send_reply,
)
from cogs.components import on_button
from cogs.orgs import complete_org

log = logging.getLogger(__name__)

TEXT_MIN, TEXT_MAX, EVIDENCE_MAX = 30, 2000, 1000


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


class ReportForm(Form):
    """What happened, the evidence, and how the reporter knows (and the criterion, when the
    form was opened from a button rather than from /report)."""

    def __init__(self, org: str, criterion: str | None, titles: dict[int, str]) -> None:
        super().__init__(title=f"Report: {org}"[:45], timeout=1800)
        self.org = org
        self.criterion = criterion
        self.criterion_label: discord.ui.Label[Any] | None = None
        if criterion is None:
            self.criterion_label = discord.ui.Label(
                text="Which criterion is it about?", component=_criterion_select(titles)
            )
            self.add_item(self.criterion_label)
        self.text = discord.ui.TextInput(
            style=discord.TextStyle.paragraph,
            min_length=TEXT_MIN,
            max_length=TEXT_MAX,
            placeholder="What you saw or know, with dates. No names or contact details of "
            "private people, please.",
        )
        self.evidence = discord.ui.TextInput(
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=EVIDENCE_MAX,
            placeholder="https://… (one link per line)",
        )
        self.basis = _basis_select()
        self.add_item(discord.ui.Label(text="What happened?", component=self.text))
        self.add_item(discord.ui.Label(text="Evidence links (optional)", component=self.evidence))
        self.add_item(discord.ui.Label(text="How do you know?", component=self.basis))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        criterion = self.criterion
        if self.criterion_label is not None:
            select = self.criterion_label.component
            criterion = select.values[0] if select.values else core_reports.GENERAL
        basis = self.basis.values[0] if self.basis.values else Basis.FIRST_HAND
        core = core_of(interaction)
        submission = await core_reports.submit_report(
            core,
            actor_from(interaction),
            org=self.org,
            criterion=criterion,
            text=self.text.value,
            evidence=self.evidence.value,
            basis=str(basis),
        )
        await send_reply(interaction, submission.reply, public=False)
        if submission.report is not None:
            await post_to_queue(interaction, submission.report)

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        log.error("Report form failed for user %s", interaction.user.id, exc_info=error)
        # Whatever went wrong, the person gets back everything they typed.
        back = Reply(
            title="Report not sent",
            text="Sorry, something went wrong and your report was not saved. Here is what you "
            f"wrote, to copy:\n```\n{self.text.value[:3500]}\n```",
            tone=Tone.ERROR,
        )
        await send_reply(interaction, back, public=False)


def find_queue_channel(interaction: discord.Interaction) -> discord.TextChannel | None:
    """The configured moderation channel in this server, by id or by name."""
    guild = interaction.guild
    wanted = core_of(interaction).config.moderation_queue
    if guild is None:
        return None
    if isinstance(wanted, int):
        channel = guild.get_channel(wanted)
        return channel if isinstance(channel, discord.TextChannel) else None
    return discord.utils.get(guild.text_channels, name=wanted.lstrip("#"))


async def post_to_queue(interaction: discord.Interaction, report: Report) -> None:
    """Post a new report to the moderators; it stays in /reports queue even if this fails."""
    core = core_of(interaction)
    channel = find_queue_channel(interaction)
    if channel is None:
        log.warning(
            "No moderation channel %r in guild %s; report #%d is only in /reports queue",
            core.config.moderation_queue,
            interaction.guild_id,
            report.id,
        )
        return
    post = views.queue_post(report, core.config.reports, core_reports.criterion_titles(core))
    try:
        message = await channel.send(**message_kwargs(post))
    except discord.HTTPException:
        log.exception("Could not post report #%d to #%s", report.id, channel.name)
        return
    await core.reports.set_queue_message(report.id, channel.id, message.id)


async def update_queue_post(interaction: discord.Interaction, report: Report) -> None:
    """Show the report's current state on its post in the moderation channel."""
    core = core_of(interaction)
    if not (report.queue_channel_id and report.queue_message_id):
        return
    post = views.queue_post(report, core.config.reports, core_reports.criterion_titles(core))
    channel = interaction.client.get_channel(report.queue_channel_id)
    if not isinstance(channel, discord.TextChannel):
        return
    with contextlib.suppress(discord.HTTPException):
        await channel.get_partial_message(report.queue_message_id).edit(**message_kwargs(post))


async def tell_reporter(interaction: discord.Interaction, report: Report) -> None:
    """Direct-message the reporter about a decision, when their id is still kept and DMs open."""
    if report.reporter_id is None or report.status not in (Status.APPROVED, Status.REJECTED):
        return
    server = interaction.guild.name if interaction.guild else "the server"
    notice = core_reports.decision_notice(report, server)
    try:
        user = await interaction.client.fetch_user(report.reporter_id)
        await user.send(**message_kwargs(notice))
    except discord.HTTPException:
        log.info("Could not DM the reporter of report #%d (DMs closed?)", report.id)


async def _moderator_only(interaction: discord.Interaction) -> bool:
    if role_of(interaction.user, core_of(interaction).config) is Role.MODERATOR:
        return True
    await send_reply(interaction, refusal(Role.MODERATOR))
    return False


async def _after_decision(interaction: discord.Interaction, report_id: int, reply: Reply) -> None:
    """Answer the moderator, then bring the queue post and the reporter up to date."""
    await send_reply(interaction, reply, public=False)
    report = await core_of(interaction).reports.get(report_id)
    if report is not None:
        await update_queue_post(interaction, report)
        if reply.tone is Tone.SUCCESS:
            await tell_reporter(interaction, report)


def _report_id(arg: str) -> int | None:
    return int(arg) if arg.isdigit() else None


@on_button("report:approve")
async def _approve(interaction: discord.Interaction, arg: str) -> None:
    report_id = _report_id(arg)
    if report_id is None or not await _moderator_only(interaction):
        return
    await interaction.response.defer(ephemeral=True, thinking=True)
    reply = await core_reports.approve(core_of(interaction), actor_from(interaction), report_id)
    await _after_decision(interaction, report_id, reply)


class RejectForm(Form, title="Reject this report"):
    reason = discord.ui.TextInput(
        label="Reason (the reporter is told)", style=discord.TextStyle.paragraph, max_length=1000
    )

    def __init__(self, report_id: int) -> None:
        super().__init__(timeout=1800)
        self.report_id = report_id

    async def on_submit(self, interaction: discord.Interaction) -> None:
        if not await _moderator_only(interaction):
            return
        reply = await core_reports.reject(
            core_of(interaction), actor_from(interaction), self.report_id, self.reason.value
        )
        await _after_decision(interaction, self.report_id, reply)


class EditForm(Form, title="Edit (redact) this report"):
    def __init__(self, report_id: int, current: str) -> None:
        super().__init__(timeout=1800)
        self.report_id = report_id
        self.text = discord.ui.TextInput(
            label="Report text",
            style=discord.TextStyle.paragraph,
            default=current[:TEXT_MAX],
            max_length=TEXT_MAX,
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        if not await _moderator_only(interaction):
            return
        reply = await core_reports.edit(
            core_of(interaction), actor_from(interaction), self.report_id, self.text.value
        )
        await send_reply(interaction, reply, public=False)
        report = await core_of(interaction).reports.get(self.report_id)
        if report is not None:
            await update_queue_post(interaction, report)


@on_button("report:reject")
async def _reject(interaction: discord.Interaction, arg: str) -> None:
    report_id = _report_id(arg)
    if report_id is not None and await _moderator_only(interaction):
        await interaction.response.send_modal(RejectForm(report_id))


@on_button("report:edit")
async def _edit(interaction: discord.Interaction, arg: str) -> None:
    report_id = _report_id(arg)
    if report_id is None or not await _moderator_only(interaction):
        return
    report = await core_of(interaction).reports.get(report_id)
    if report is None:
        await send_reply(
            interaction, Reply(text=f"There is no report #{report_id}.", tone=Tone.ERROR)
        )
        return
    await interaction.response.send_modal(EditForm(report_id, report.text))


@on_button("report:queue")
async def _queue_page(interaction: discord.Interaction, arg: str) -> None:
    if await _moderator_only(interaction):
        reply = await core_reports.queue(
            core_of(interaction), actor_from(interaction), int(arg) if arg.isdigit() else 1
        )
        await interaction.response.edit_message(**message_kwargs(reply))


@on_button("report:withdraw")
async def _withdraw(interaction: discord.Interaction, arg: str) -> None:
    report_id = _report_id(arg)
    if report_id is None:
        return
    reply = await core_reports.withdraw(core_of(interaction), actor_from(interaction), report_id)
    await send_reply(interaction, reply, public=False)
    report = await core_of(interaction).reports.get(report_id)
    if report is not None and report.status is Status.WITHDRAWN:
        await update_queue_post(interaction, report)


async def _open_form(interaction: discord.Interaction, org: str) -> None:
    titles = core_reports.criterion_titles(core_of(interaction))
    await interaction.response.send_modal(ReportForm(org, None, titles))


@on_button("report:org")
async def _report_known_org(interaction: discord.Interaction, org_id: str) -> None:
    core = core_of(interaction)
    org = core.knowledge.orgs.get(org_id)
    name = org.name if org else core.state.community.get(org_id, org_id)
    await _open_form(interaction, name)


@on_button("report:new")
async def _report_new_org(interaction: discord.Interaction, quoted: str) -> None:
    await _open_form(interaction, unquote(quoted))


async def complete_criterion(interaction: discord.Interaction, current: str):
    titles = core_reports.criterion_titles(core_of(interaction))
    pairs = [("General", core_reports.GENERAL)] + [
        (f"{n}. {t}", str(n)) for n, t in sorted(titles.items())
    ]
    wanted = current.strip().lower()
    return autocomplete_choices([p for p in pairs if wanted in p[0].lower()] or pairs)


class Reports(commands.Cog):
    """Peer reports and their moderation."""

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.purge_reporters.start()

    async def cog_unload(self) -> None:
        self.purge_reporters.cancel()

    @tasks.loop(hours=6)
    async def purge_reporters(self) -> None:
        """Erase reporter ids once a decision is older than the retention period."""
        erased = await self.bot.core.reports.purge_reporter_ids(dt.datetime.now(dt.UTC))
        if erased:
            log.info("Erased the reporter ids of %d decided report(s)", erased)

    reports = app_commands.Group(
        name="reports",
        description="Moderate peer reports",
        guild_only=True,
        default_permissions=discord.Permissions(manage_messages=True),
    )

    @app_commands.command(name="report", description=COMMANDS["report"].description)
    @app_commands.guild_only()
    @app_commands.describe(
        org="The organization (start typing; unlisted ones are fine)",
        criterion="Which of the ten criteria, or general",
    )
    @app_commands.autocomplete(org=complete_org, criterion=complete_criterion)
    async def report(
        self,
        interaction: discord.Interaction,
        org: app_commands.Range[str, 1, 200],
        criterion: app_commands.Range[str, 1, 100] = core_reports.GENERAL,
    ) -> None:
        parsed = core_reports.parse_criterion(criterion)
        if isinstance(parsed, str):
            await send_reply(interaction, Reply(text=parsed, tone=Tone.ERROR))
            return
        titles = core_reports.criterion_titles(core_of(interaction))
        chosen = core_reports.GENERAL if parsed is None else str(parsed)
        await interaction.response.send_modal(ReportForm(org, chosen, titles))

    @app_commands.command(name="myreports", description=COMMANDS["myreports"].description)
    async def myreports(self, interaction: discord.Interaction) -> None:
        await run_command(interaction, "myreports", public=False)

    @reports.command(name="queue", description=COMMANDS["reports queue"].description)
    async def queue(
        self, interaction: discord.Interaction, page: app_commands.Range[int, 1, 10000] = 1
    ) -> None:
        await run_command(interaction, "reports queue", page=page, public=False)

    @reports.command(name="show", description=COMMANDS["reports show"].description)
    async def show(self, interaction: discord.Interaction, id: app_commands.Range[int, 1]) -> None:
        await run_command(interaction, "reports show", id=id, public=False)

    @reports.command(name="approve", description=COMMANDS["reports approve"].description)
    @app_commands.describe(org="For a report about an unlisted org: link it to, or list it as")
    @app_commands.autocomplete(org=complete_org)
    async def approve(
        self,
        interaction: discord.Interaction,
        id: app_commands.Range[int, 1],
        org: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        reply = await COMMANDS["reports approve"].run(
            core_of(interaction), actor_from(interaction), id=id, org=org
        )
        await _after_decision(interaction, id, reply)

    @reports.command(name="reject", description=COMMANDS["reports reject"].description)
    async def reject(
        self,
        interaction: discord.Interaction,
        id: app_commands.Range[int, 1],
        reason: app_commands.Range[str, 1, 1000],
    ) -> None:
        reply = await COMMANDS["reports reject"].run(
            core_of(interaction), actor_from(interaction), id=id, reason=reason
        )
        await _after_decision(interaction, id, reply)

    @reports.command(name="block", description=COMMANDS["reports block"].description)
    async def block(
        self,
        interaction: discord.Interaction,
        user: discord.User,
        reason: app_commands.Range[str, 1, 500] = "",
    ) -> None:
        await run_command(interaction, "reports block", user=user.id, reason=reason, public=False)

    @reports.command(name="unblock", description=COMMANDS["reports unblock"].description)
    async def unblock(self, interaction: discord.Interaction, user: discord.User) -> None:
        await run_command(interaction, "reports unblock", user=user.id, public=False)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Reports(bot))
