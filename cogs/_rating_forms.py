"""Posting rating proposals and organizations' responses to the moderation channel, and their
forms (modals): a proposal (from the review prompt), a decline or reject reason, a response,
a redaction. Field limits come from the command catalogue, as the console's do.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot import ids
from bot.commands import COMMANDS
from bot.commands import ratings as core_ratings
from bot.commands import responses as core_responses
from bot.ratings import replies as views
from bot.ratings.models import Proposal, Response, ResponseStatus
from bot.replies import Reply, Tone
from cogs._queue import ModerationForm, edit_queue_post, find_queue_channel, moderator_only
from cogs._ui import Form, actor_of, community_of, core_of, message_kwargs, send_reply

log = logging.getLogger(__name__)

PROPOSE = COMMANDS["rating propose"]
REPLY = COMMANDS["reply"]


async def post(interaction: discord.Interaction[Any], reply: Reply) -> discord.Message | None:
    """Post to this community's moderation channel; None when it has none (or Discord refused)."""
    community = await community_of(interaction)
    channel = find_queue_channel(interaction, community) if community else None
    if channel is None:
        log.warning("No moderation channel in guild %s (set one with /setup)", interaction.guild_id)
        return None
    try:
        return await channel.send(**message_kwargs(reply))
    except discord.HTTPException:
        log.exception("Could not post to #%s", channel.name)
        return None


async def post_proposal(interaction: discord.Interaction[Any], reply: Reply) -> None:
    """After /rating propose or revert: post a new proposal to the moderators."""
    proposal_id = (reply.data or {}).get("proposal_id") if isinstance(reply.data, dict) else None
    if proposal_id is None or interaction.guild_id is None:
        return
    core = core_of(interaction)
    proposal = await core.ratings.get(proposal_id, interaction.guild_id)
    if proposal is None:
        return
    message = await post(interaction, await core_ratings.proposal_post(core, proposal))
    if message is not None:
        await core.ratings.store.set_queue_message(
            proposal.id, proposal.guild_id, message.channel.id, message.id
        )


async def after_proposal_step(
    interaction: discord.Interaction[Any], proposal_id: int, reply: Reply
) -> None:
    """Answer the moderator, then bring the proposal's queue post up to date."""
    await send_reply(interaction, reply, public=False)
    if reply.tone is not Tone.SUCCESS:
        return  # nothing changed
    core = core_of(interaction)
    proposal: Proposal | None = await core.ratings.get(proposal_id, interaction.guild_id or 0)
    if proposal is not None:
        post_reply = await core_ratings.proposal_post(core, proposal)
        await edit_queue_post(
            interaction,
            proposal.queue_channel_id,
            proposal.queue_message_id,
            post_reply,
            belongs=lambda c: isinstance(c, ids.RatingButton) and c.proposal_id == proposal_id,
        )


async def after_response_step(
    interaction: discord.Interaction[Any], response_id: int, reply: Reply
) -> None:
    """Answer the moderator, then bring the response's queue post up to date."""
    await send_reply(interaction, reply, public=False)
    if reply.tone is not Tone.SUCCESS:
        return  # nothing changed
    core = core_of(interaction)
    response: Response | None = await core.responses.get(response_id, interaction.guild_id or 0)
    if response is not None:
        post_reply = await core_responses.response_post(core, response)
        await edit_queue_post(
            interaction,
            response.queue_channel_id,
            response.queue_message_id,
            post_reply,
            belongs=lambda c: isinstance(c, ids.ResponseButton) and c.response_id == response_id,
        )
        await _tell_sender(interaction, response)


async def _tell_sender(interaction: discord.Interaction[Any], response: Response) -> None:
    """Direct-message the sender about a decision, while their id is kept and DMs are open."""
    told = (ResponseStatus.APPROVED, ResponseStatus.REJECTED)
    if response.sender_id is None or response.status not in told:
        return
    core = core_of(interaction)
    name = core_ratings.org_name(core, response.org_id, (response.guild_id,))
    server = interaction.guild.name if interaction.guild else "the server"
    try:
        user = await interaction.client.fetch_user(response.sender_id)
        await user.send(**message_kwargs(views.response_notice(response, name, server)))
    except discord.HTTPException:
        log.info("Could not DM the sender of response #%d (DMs closed?)", response.id)


def _input(
    label: str, *, paragraph: bool = False, required: bool = True, **limits: Any
) -> discord.ui.TextInput[Any]:
    style = discord.TextStyle.paragraph if paragraph else discord.TextStyle.short
    return discord.ui.TextInput(label=label, style=style, required=required, **limits)


class ProposeForm(Form):
    """A proposal for one criterion of one organization (opened by "Review this rating?")."""

    def __init__(self, org_id: str, org_name: str, criterion: int) -> None:
        super().__init__(title=f"Rate: {org_name}"[:45], timeout=1800)
        self.org_id, self.criterion = org_id, criterion
        verdict, note = PROPOSE.option("verdict"), PROPOSE.option("note")
        evidence, reports = PROPOSE.option("evidence"), PROPOSE.option("reports")
        self.verdict = _input(
            f"Verdict on criterion {criterion}",
            max_length=verdict.max_length,
            placeholder=verdict.description,
        )
        self.note = _input(
            "Why, in your own words",
            paragraph=True,
            min_length=note.min_length,
            max_length=note.max_length,
        )
        self.evidence = _input(
            "Evidence links (optional)",
            paragraph=True,
            required=False,
            max_length=evidence.max_length,
        )
        self.reports = _input(
            "Supporting report numbers (optional)", required=False, max_length=reports.max_length
        )
        for item in (self.verdict, self.note, self.evidence, self.reports):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        if not await moderator_only(interaction):
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        reply = await PROPOSE.run(
            core_of(interaction),
            await actor_of(interaction),
            org=self.org_id,
            criterion=str(self.criterion),
            verdict=self.verdict.value,
            note=self.note.value,
            evidence=self.evidence.value,
            reports=self.reports.value,
        )
        await send_reply(interaction, reply, public=False)
        await post_proposal(interaction, reply)


def decline_form(proposal_id: int) -> ModerationForm:
    return ModerationForm(
        "rating decline",
        "reason",
        proposal_id,
        after_proposal_step,
        title="Decline this rating proposal",
        label="Reason",
    )


class ReplyForm(Form):
    """An organization's response: the text, links, and how moderators can verify the sender."""

    def __init__(self, org: str, criterion: str, report: int | None) -> None:
        super().__init__(title=f"Respond for {org}"[:45], timeout=1800)
        self.org, self.criterion, self.report = org, criterion, report
        text, links = REPLY.option("text"), REPLY.option("links")
        verification = REPLY.option("verification")
        self.text = _input(
            "Your response", paragraph=True, min_length=text.min_length, max_length=text.max_length
        )
        self.links = _input(
            "Links (optional)", paragraph=True, required=False, max_length=links.max_length
        )
        self.verification = _input(
            "For moderators only: how to verify you",
            paragraph=True,
            required=False,
            max_length=verification.max_length,
        )
        for item in (self.text, self.links, self.verification):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        core = core_of(interaction)
        reply = await REPLY.run(
            core,
            await actor_of(interaction),
            org=self.org,
            text=self.text.value,
            links=self.links.value,
            verification=self.verification.value,
            criterion=self.criterion,
            report=self.report,
        )
        await send_reply(interaction, reply, public=False)
        response_id = reply.data.get("response_id") if isinstance(reply.data, dict) else None
        response = (
            await core.responses.get(response_id, interaction.guild_id or 0)
            if response_id
            else None
        )
        if response is None:
            return
        message = await post(interaction, await core_responses.response_post(core, response))
        if message is not None:
            await core.responses.set_queue_message(
                response.id, response.guild_id, message.channel.id, message.id
            )


def reject_response_form(response_id: int) -> ModerationForm:
    return ModerationForm(
        "responses reject",
        "reason",
        response_id,
        after_response_step,
        title="Reject this response",
        label="Reason",
    )


def edit_response_form(response_id: int, current: str) -> ModerationForm:
    return ModerationForm(
        "responses edit",
        "text",
        response_id,
        after_response_step,
        title="Edit (redact) this response",
        label="Response text",
        default=current,
    )
