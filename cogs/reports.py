"""Peer reports in Discord: /report and its form, /myreports, the moderators' /reports commands,
and the buttons on reports.

Report buttons carry the report id (``vetbot:report:approve:42``, see :mod:`bot.ids`); this
extension registers what they do on the bot when it loads. Every click checks again that the
person is a moderator.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot import ids
from bot.client import Vetbot
from bot.commands import COMMANDS
from bot.commands import reports as core_reports
from bot.commands.rate import QUERY_MAX
from bot.commands.spec import PAGE_MAX
from bot.replies import Reply, Tone
from bot.reports import replies as views
from bot.reports.models import NotFound
from bot.reports.validation import DECISION_REASON_MAX
from cogs._queue import after_decision, moderator_only
from cogs._report_forms import ReportForm, edit_form, reject_form, retract_form
from cogs._ui import (
    actor_of,
    autocomplete_choices,
    core_of,
    message_kwargs,
    run_command,
    send_reply,
)
from cogs.orgs import complete_org

log = logging.getLogger(__name__)

REPORT = COMMANDS["report"]
CRITERION_MAX = REPORT.option("criterion").max_length or 100
BLOCK_REASON_MAX = core_reports.BLOCK_REASON_MAX
# The retention purge runs once per period across all processes; each process offers to run it
# more often, so the run after a restart or a crash is never more than an hour late.
PURGE_EVERY = dt.timedelta(hours=6)
PURGE_OFFER_HOURS = 1


async def _on_report_button(
    interaction: discord.Interaction[Any], button: ids.ReportButton
) -> None:
    core, report_id = core_of(interaction), button.report_id
    action = button.action
    if action is ids.ReportAction.WITHDRAW:
        await interaction.response.defer(ephemeral=True, thinking=True)
        reply = await core_reports.withdraw(core, await actor_of(interaction), report_id)
        await after_decision(interaction, report_id, reply, notify=False)
        return
    if not await moderator_only(interaction):
        return
    if action in (ids.ReportAction.APPROVE, ids.ReportAction.PUBLISH):
        await interaction.response.defer(ephemeral=True, thinking=True)
        confirm = action is ids.ReportAction.PUBLISH
        actor = await actor_of(interaction)
        reply = await core_reports.approve(core, actor, report_id, confirm=confirm)
        await after_decision(interaction, report_id, reply)
        return
    # The rest open a form: first make sure the report is this community's.
    report = await core.reports.get(report_id, interaction.guild_id or 0)
    if report is None:
        await send_reply(interaction, views.moderation_result(NotFound(report_id)))
    elif action is ids.ReportAction.REJECT:
        await interaction.response.send_modal(reject_form(report_id))
    elif action is ids.ReportAction.RETRACT:
        await interaction.response.send_modal(retract_form(report_id))
    elif action is ids.ReportAction.EDIT:
        await interaction.response.send_modal(edit_form(report_id, report.text))


async def _on_queue_page(interaction: discord.Interaction[Any], button: ids.QueuePage) -> None:
    if await moderator_only(interaction):
        actor = await actor_of(interaction)
        reply = await core_reports.queue(core_of(interaction), actor, button.page)
        await interaction.response.edit_message(**message_kwargs(reply))


async def _open_form(interaction: discord.Interaction[Any], org: str) -> None:
    titles = core_reports.criterion_titles(core_of(interaction))
    await interaction.response.send_modal(ReportForm(org, None, titles))


async def _on_report_about(interaction: discord.Interaction[Any], button: ids.ReportAbout) -> None:
    core = core_of(interaction)
    org = core.knowledge.orgs.get(button.org_id)
    listed = core.state.listed(await core.sees(await actor_of(interaction)))
    name = org.name if org else listed.get(button.org_id, button.org_id)
    await _open_form(interaction, name)


async def _on_report_new(interaction: discord.Interaction[Any], button: ids.ReportNewOrg) -> None:
    await _open_form(interaction, button.name)


async def _decide(
    interaction: discord.Interaction[Any], command: str, report_id: int, **options: Any
) -> None:
    """Run a moderator's decision command, then bring the queue post and the reporter up to
    date. Discord is answered first: the commit may wait on the disk (3-second window)."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    reply = await COMMANDS[command].run(
        core_of(interaction), await actor_of(interaction), id=report_id, **options
    )
    await after_decision(interaction, report_id, reply)


async def complete_criterion(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    titles = core_reports.criterion_titles(core_of(interaction))
    pairs = [("General", core_reports.GENERAL)] + [
        (f"{n}. {t}", str(n)) for n, t in sorted(titles.items())
    ]
    wanted = current.strip().lower()
    return autocomplete_choices([p for p in pairs if wanted in p[0].lower()] or pairs)


class Reports(commands.Cog):
    """Peer reports and their moderation."""

    def __init__(self, bot: Vetbot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.purge_reporters.start()

    async def cog_unload(self) -> None:
        self.purge_reporters.cancel()

    @tasks.loop(hours=PURGE_OFFER_HOURS)
    async def purge_reporters(self) -> None:
        """Erase reporter ids once a decision is older than the retention period."""
        try:
            erased = await self.bot.core.scheduled_purge(dt.datetime.now(dt.UTC), PURGE_EVERY)
        except Exception:
            # An exception would end the loop for good and ids would stay until a restart.
            log.exception("Retention purge failed; it runs again at the next interval")
            return
        if erased is None:
            log.debug("The retention purge is not due here (ran this period)")
        elif erased:
            log.info("Erased the reporter ids of %d decided report(s)", erased)

    reports = app_commands.Group(
        name="reports",
        description="Moderate peer reports",
        guild_only=True,
        default_permissions=discord.Permissions(manage_messages=True),
    )

    @app_commands.command(name="report", description=REPORT.description)
    @app_commands.guild_only()
    @app_commands.describe(**REPORT.descriptions())
    @app_commands.autocomplete(org=complete_org, criterion=complete_criterion)
    async def report(
        self,
        interaction: discord.Interaction,
        org: app_commands.Range[str, 1, QUERY_MAX],
        criterion: app_commands.Range[str, 1, CRITERION_MAX] = core_reports.GENERAL,
    ) -> None:
        parsed = core_reports.parse_criterion(criterion)
        if isinstance(parsed, str):
            await send_reply(interaction, Reply(text=parsed, tone=Tone.ERROR))
            return
        titles = core_reports.criterion_titles(core_of(interaction))
        chosen = core_reports.GENERAL if parsed is None else str(parsed)
        await interaction.response.send_modal(ReportForm(org, chosen, titles))

    @app_commands.command(name="myreports", description=COMMANDS["myreports"].description)
    @app_commands.guild_only()
    async def myreports(self, interaction: discord.Interaction) -> None:
        await run_command(interaction, "myreports", public=False)

    @reports.command(name="queue", description=COMMANDS["reports queue"].description)
    @app_commands.describe(**COMMANDS["reports queue"].descriptions())
    async def queue(
        self,
        interaction: discord.Interaction,
        page: app_commands.Range[int, 1, PAGE_MAX] = 1,
    ) -> None:
        await run_command(interaction, "reports queue", page=page, public=False)

    @reports.command(name="show", description=COMMANDS["reports show"].description)
    @app_commands.describe(**COMMANDS["reports show"].descriptions())
    async def show(self, interaction: discord.Interaction, id: app_commands.Range[int, 1]) -> None:
        await run_command(interaction, "reports show", id=id, public=False)

    @reports.command(name="approve", description=COMMANDS["reports approve"].description)
    @app_commands.describe(**COMMANDS["reports approve"].descriptions())
    @app_commands.autocomplete(org=complete_org)
    async def approve(
        self,
        interaction: discord.Interaction,
        id: app_commands.Range[int, 1],
        org: app_commands.Range[str, 1, QUERY_MAX] | None = None,
        confirm: bool = False,
    ) -> None:
        await _decide(interaction, "reports approve", id, org=org, confirm=confirm)

    @reports.command(name="retract", description=COMMANDS["reports retract"].description)
    @app_commands.describe(**COMMANDS["reports retract"].descriptions())
    async def retract(
        self,
        interaction: discord.Interaction,
        id: app_commands.Range[int, 1],
        reason: app_commands.Range[str, 1, DECISION_REASON_MAX],
    ) -> None:
        await _decide(interaction, "reports retract", id, reason=reason)

    @reports.command(name="reject", description=COMMANDS["reports reject"].description)
    @app_commands.describe(**COMMANDS["reports reject"].descriptions())
    async def reject(
        self,
        interaction: discord.Interaction,
        id: app_commands.Range[int, 1],
        reason: app_commands.Range[str, 1, DECISION_REASON_MAX],
    ) -> None:
        await _decide(interaction, "reports reject", id, reason=reason)

    @reports.command(name="block", description=COMMANDS["reports block"].description)
    @app_commands.describe(**COMMANDS["reports block"].descriptions())
    async def block(
        self,
        interaction: discord.Interaction,
        user: discord.User,
        reason: app_commands.Range[str, 1, BLOCK_REASON_MAX] = "",
    ) -> None:
        await run_command(interaction, "reports block", user=user.id, reason=reason, public=False)

    @reports.command(name="unblock", description=COMMANDS["reports unblock"].description)
    @app_commands.describe(**COMMANDS["reports unblock"].descriptions())
    async def unblock(self, interaction: discord.Interaction, user: discord.User) -> None:
        await run_command(interaction, "reports unblock", user=user.id, public=False)


BUTTONS = (ids.ReportButton, ids.QueuePage, ids.ReportAbout, ids.ReportNewOrg)


async def setup(bot: Vetbot) -> None:
    bot.components.add(ids.ReportButton, _on_report_button)
    bot.components.add(ids.QueuePage, _on_queue_page)
    bot.components.add(ids.ReportAbout, _on_report_about)
    bot.components.add(ids.ReportNewOrg, _on_report_new)
    await bot.add_cog(Reports(bot))


async def teardown(bot: Vetbot) -> None:
    bot.components.remove(*BUTTONS)
