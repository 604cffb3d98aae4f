"""Community ratings and the right of reply in Discord: /rating propose and revert, /reply,
and the buttons on proposals, responses, review prompts and cards.

Every button id is parsed by :mod:`bot.ids`; this extension registers what each kind does on
the bot when it loads. Every moderator button checks again that the person is a moderator.
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
from bot.commands import ratings as core_ratings
from bot.commands.rate import QUERY_MAX
from bot.commands.reports import GENERAL, parse_criterion
from bot.commands.spec import PAGE_MAX
from bot.ratings import replies as views
from bot.ratings.models import Missing
from bot.replies import error
from bot.reports.models import Report, Status
from cogs._queue import moderator_only
from cogs._rating_forms import (
    PROPOSE,
    REPLY,
    ProposeForm,
    ReplyForm,
    after_proposal_step,
    after_response_step,
    decline_form,
    edit_response_form,
    post,
    post_proposal,
    reject_response_form,
)
from cogs._ui import actor_of, community_of, core_of, message_kwargs, run_command, send_reply
from cogs.orgs import complete_org
from cogs.reports import complete_criterion

log = logging.getLogger(__name__)

VERDICT_MAX = PROPOSE.option("verdict").max_length or 20
NOTE = PROPOSE.option("note")
NOTE_MIN, NOTE_MAX = NOTE.min_length or 1, NOTE.max_length or 256
EVIDENCE_MAX = PROPOSE.option("evidence").max_length or 1000
REPORTS_MAX = PROPOSE.option("reports").max_length or 200
CRITERION_MAX = PROPOSE.option("criterion").max_length or 100


async def _on_rating_button(
    interaction: discord.Interaction[Any], button: ids.RatingButton
) -> None:
    if not await moderator_only(interaction):
        return
    if button.action is ids.RatingAction.DECLINE:
        await interaction.response.send_modal(decline_form(button.proposal_id))
        return
    await interaction.response.defer(ephemeral=True, thinking=True)
    reply = await core_ratings.confirm(
        core_of(interaction), await actor_of(interaction), button.proposal_id
    )
    await after_proposal_step(interaction, button.proposal_id, reply)


async def _on_review(interaction: discord.Interaction[Any], button: ids.RatingReview) -> None:
    if not await moderator_only(interaction):
        return
    core = core_of(interaction)
    sees = await core.sees(await actor_of(interaction))
    name = core_ratings.org_name(core, button.org_id, sees)
    await interaction.response.send_modal(ProposeForm(button.org_id, name, button.criterion))


async def _on_history(interaction: discord.Interaction[Any], button: ids.RatingHistory) -> None:
    actor = await actor_of(interaction)
    if actor.guild_id is None:
        await run_command(interaction, "rating history", org=button.org_id, public=False)
        return
    reply = await core_ratings.history_of(core_of(interaction), actor, button.org_id, None)
    await send_reply(interaction, reply, public=False)


async def _on_reports_page(interaction: discord.Interaction[Any], button: ids.ReportsPage) -> None:
    actor = await actor_of(interaction)
    if actor.guild_id is None:
        await run_command(interaction, "rating reports", org=button.org_id, public=False)
        return
    reply = await core_ratings.reports_page_of(
        core_of(interaction), actor, button.org_id, button.page
    )
    message = interaction.message
    # Paging within the private list edits it; the card itself stays as it was.
    if message is not None and message.flags.ephemeral:
        await interaction.response.edit_message(**message_kwargs(reply))
    else:
        await send_reply(interaction, reply, public=False)


async def _on_response_button(
    interaction: discord.Interaction[Any], button: ids.ResponseButton
) -> None:
    if not await moderator_only(interaction):
        return
    if button.action is ids.ResponseAction.REJECT:
        await interaction.response.send_modal(reject_response_form(button.response_id))
        return
    if button.action is ids.ResponseAction.EDIT:
        response = await core_of(interaction).responses.get(
            button.response_id, interaction.guild_id or 0
        )
        if response is None:
            await send_reply(interaction, views.response_result(Missing(button.response_id)))
            return
        await interaction.response.send_modal(edit_response_form(response.id, response.text))
        return
    await interaction.response.defer(ephemeral=True, thinking=True)
    reply = await COMMANDS["responses approve"].run(
        core_of(interaction), await actor_of(interaction), id=button.response_id
    )
    await after_response_step(interaction, button.response_id, reply)


class Ratings(commands.Cog):
    """Community ratings, the right of reply, and the review prompts."""

    def __init__(self, bot: Vetbot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.purge_senders.start()

    async def cog_unload(self) -> None:
        self.purge_senders.cancel()

    @tasks.loop(hours=6)
    async def purge_senders(self) -> None:
        """Erase who sent each response once its decision is older than the retention period."""
        core = self.bot.core

        async def retention(guild_id: int) -> int:
            return (await core.communities.get(guild_id, "")).policy.retention_days

        await core.responses.purge_sender_ids(dt.datetime.now(dt.UTC), retention)

    rating = app_commands.Group(
        name="rating",
        description="Maintain this community's ratings",
        guild_only=True,
        default_permissions=discord.Permissions(manage_messages=True),
    )

    @rating.command(name="propose", description=PROPOSE.description)
    @app_commands.describe(**PROPOSE.descriptions())
    @app_commands.autocomplete(org=complete_org, criterion=complete_criterion)
    async def propose(
        self,
        interaction: discord.Interaction,
        org: app_commands.Range[str, 1, QUERY_MAX],
        criterion: app_commands.Range[str, 1, CRITERION_MAX],
        verdict: app_commands.Range[str, 1, VERDICT_MAX],
        note: app_commands.Range[str, NOTE_MIN, NOTE_MAX],
        evidence: app_commands.Range[str, None, EVIDENCE_MAX] = "",
        reports: app_commands.Range[str, None, REPORTS_MAX] = "",
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        reply = await PROPOSE.run(
            core_of(interaction),
            await actor_of(interaction),
            org=org,
            criterion=criterion,
            verdict=verdict,
            note=note,
            evidence=evidence,
            reports=reports,
        )
        await send_reply(interaction, reply, public=False)
        await post_proposal(interaction, reply)

    @rating.command(name="queue", description=COMMANDS["rating queue"].description)
    @app_commands.describe(**COMMANDS["rating queue"].descriptions())
    async def queue(
        self,
        interaction: discord.Interaction,
        page: app_commands.Range[int, 1, PAGE_MAX] = 1,
    ) -> None:
        await run_command(interaction, "rating queue", page=page, public=False)

    @rating.command(name="revert", description=COMMANDS["rating revert"].description)
    @app_commands.describe(**COMMANDS["rating revert"].descriptions())
    async def revert(
        self, interaction: discord.Interaction, id: app_commands.Range[int, 1]
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        reply = await COMMANDS["rating revert"].run(
            core_of(interaction), await actor_of(interaction), id=id
        )
        await send_reply(interaction, reply, public=False)
        await post_proposal(interaction, reply)

    @app_commands.command(name="reply", description=REPLY.description)
    @app_commands.guild_only()
    @app_commands.describe(**REPLY.descriptions())
    @app_commands.autocomplete(org=complete_org, criterion=complete_criterion)
    async def reply(
        self,
        interaction: discord.Interaction,
        org: app_commands.Range[str, 1, QUERY_MAX],
        criterion: app_commands.Range[str, 1, CRITERION_MAX] = GENERAL,
        report: app_commands.Range[int, 1] | None = None,
    ) -> None:
        parsed = parse_criterion(criterion)
        if isinstance(parsed, str):
            await send_reply(interaction, error(parsed))
            return
        await interaction.response.send_modal(ReplyForm(org, criterion, report))

    @commands.Cog.listener()
    async def on_vetbot_report_decided(
        self, interaction: discord.Interaction[Any], report: Report
    ) -> None:
        """After an approval, prompt a review once a criterion has gathered enough reports."""
        if report.status is not Status.APPROVED or report.org_id is None or not report.criterion:
            return
        community = await community_of(interaction)
        if community is None:
            return
        core = core_of(interaction)
        if not await core.ratings.needs_review(
            community.guild_id, report.org_id, report.criterion, community.review_after_reports
        ):
            return
        titles = core_ratings.criterion_titles(core)
        prompt = views.review_prompt(
            report.org_id,
            core_ratings.org_name(core, report.org_id, community.sees),
            report.criterion,
            titles.get(report.criterion, ""),
            community.review_after_reports,
        )
        await post(interaction, prompt)


BUTTONS = (
    ids.RatingButton,
    ids.RatingReview,
    ids.RatingHistory,
    ids.ReportsPage,
    ids.ResponseButton,
)


async def setup(bot: Vetbot) -> None:
    bot.components.add(ids.RatingButton, _on_rating_button)
    bot.components.add(ids.RatingReview, _on_review)
    bot.components.add(ids.RatingHistory, _on_history)
    bot.components.add(ids.ReportsPage, _on_reports_page)
    bot.components.add(ids.ResponseButton, _on_response_button)
    await bot.add_cog(Ratings(bot))


async def teardown(bot: Vetbot) -> None:
    bot.components.remove(*BUTTONS)
