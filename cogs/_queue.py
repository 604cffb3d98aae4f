"""The moderation queue channel: posting new reports, keeping posts current, telling reporters.

Shared by the report commands, their buttons and their forms.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot import ids
from bot.commands import COMMANDS, refusal
from bot.commands import reports as core_reports
from bot.communities import Community
from bot.replies import Reply, Role, Tone
from bot.reports import replies as views
from bot.reports.models import Report, Status
from cogs._ui import Form, actor_of, community_of, core_of, message_kwargs, role_of, send_reply

log = logging.getLogger(__name__)

# What a moderation form does once its step has run: answer the moderator and update the post.
AfterStep = Callable[[discord.Interaction[Any], int, Reply], Awaitable[None]]


def find_queue_channel(
    interaction: discord.Interaction[Any], community: Community
) -> discord.TextChannel | None:
    """The community's moderation channel in this server, by id or by name."""
    guild = interaction.guild
    wanted = community.queue_channel
    if guild is None or guild.id != community.guild_id:
        return None
    if isinstance(wanted, int):
        channel = guild.get_channel(wanted)
        return channel if isinstance(channel, discord.TextChannel) else None
    return discord.utils.get(guild.text_channels, name=wanted.lstrip("#"))


async def post_to_queue(interaction: discord.Interaction[Any], report: Report) -> None:
    """Post a new report to the moderators; it stays in /reports queue even if this fails."""
    core = core_of(interaction)
    community = await community_of(interaction)
    channel = find_queue_channel(interaction, community) if community else None
    if community is None or channel is None:
        log.warning(
            "No moderation channel in guild %s; report #%d is only in /reports queue "
            "(set one with /setup)",
            interaction.guild_id,
            report.id,
        )
        return
    post = views.queue_post(report, community.policy, core_reports.criterion_titles(core))
    try:
        message = await channel.send(**message_kwargs(post))
    except discord.HTTPException:
        log.exception("Could not post report #%d to #%s", report.id, channel.name)
        return
    await core.reports.set_queue_message(report.id, community.guild_id, channel.id, message.id)


# Which component ids belong to the record a queue post is about.
Belongs = Callable[[ids.ComponentId], bool]


def clicked_post(interaction: discord.Interaction[Any], belongs: Belongs) -> tuple[int, int] | None:
    """(channel id, message id) of the public post the moderator clicked, if it is the record's.

    A queue post's id is stored just after Discord accepts the post; a click that lands in
    between must still update the post it came from.
    """
    message = interaction.message
    if message is None or message.flags.ephemeral or interaction.channel_id is None:
        return None
    for row in message.components:
        for child in getattr(row, "children", ()):
            parsed = ids.parse(getattr(child, "custom_id", None) or "")
            if not isinstance(parsed, ids.BadId) and belongs(parsed):
                return interaction.channel_id, message.id
    return None


async def edit_queue_post(
    interaction: discord.Interaction[Any],
    channel_id: int | None,
    message_id: int | None,
    reply: Reply,
    *,
    belongs: Belongs,
) -> None:
    """Show a record's current state on its post in the moderation channel."""
    if not (channel_id and message_id):
        clicked = clicked_post(interaction, belongs)
        if clicked is None:
            return
        channel_id, message_id = clicked
    channel = interaction.client.get_channel(channel_id)
    if isinstance(channel, discord.TextChannel):
        with contextlib.suppress(discord.HTTPException):
            await channel.get_partial_message(message_id).edit(**message_kwargs(reply))


async def update_queue_post(interaction: discord.Interaction[Any], report: Report) -> None:
    """Show the report's current state on its post in the moderation channel."""
    community = await community_of(interaction)
    if community is None:
        return
    titles = core_reports.criterion_titles(core_of(interaction))
    await edit_queue_post(
        interaction,
        report.queue_channel_id,
        report.queue_message_id,
        views.queue_post(report, community.policy, titles),
        belongs=lambda c: isinstance(c, ids.ReportButton) and c.report_id == report.id,
    )


async def tell_reporter(interaction: discord.Interaction[Any], report: Report) -> None:
    """Direct-message the reporter about a decision, when their id is still kept and DMs open."""
    told = (Status.APPROVED, Status.REJECTED, Status.RETRACTED)
    if report.reporter_id is None or report.status not in told:
        return
    server = interaction.guild.name if interaction.guild else "the server"
    notice = core_reports.decision_notice(report, server)
    try:
        user = await interaction.client.fetch_user(report.reporter_id)
        await user.send(**message_kwargs(notice))
    except discord.HTTPException:
        log.info("Could not DM the reporter of report #%d (DMs closed?)", report.id)


async def moderator_only(interaction: discord.Interaction[Any]) -> bool:
    """True for a moderator; anyone else is answered privately and gets False."""
    if role_of(interaction.user, await community_of(interaction)) in (Role.MODERATOR, Role.ADMIN):
        return True
    await send_reply(interaction, refusal(Role.MODERATOR))
    return False


async def after_decision(
    interaction: discord.Interaction[Any], report_id: int, reply: Reply, *, notify: bool = True
) -> None:
    """Answer the moderator, then bring the queue post (and the reporter) up to date."""
    await send_reply(interaction, reply, public=False)
    if interaction.guild_id is None:
        return
    report = await core_of(interaction).reports.get(report_id, interaction.guild_id)
    if report is None:
        return
    await update_queue_post(interaction, report)
    # Other extensions follow decisions (cogs.ratings prompts a rating review).
    interaction.client.dispatch("vetbot_report_decided", interaction, report)
    if notify and reply.tone is Tone.SUCCESS:
        await tell_reporter(interaction, report)


class ModerationForm(Form):
    """One text a moderator types about one numbered item (a reason, or a redacted text).

    On submit: only a moderator gets past, Discord is answered first, then the catalogue
    command runs with the item's ``id`` and the typed text as its option ``field``, and
    ``after`` brings the moderator and the queue post up to date. The field's length limit is
    the command's option limit, as on the console.
    """

    def __init__(
        self,
        command: str,
        field: str,
        item_id: int,
        after: AfterStep,
        *,
        title: str,
        label: str,
        default: str | None = None,
    ) -> None:
        super().__init__(title=title, timeout=1800)
        self.command = COMMANDS[command]
        self.field = field
        self.item_id = item_id
        self.after = after
        max_length = self.command.option(field).max_length
        self.text: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label=label,
            style=discord.TextStyle.paragraph,
            default=default[:max_length] if default is not None and max_length else default,
            max_length=max_length,
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        if not await moderator_only(interaction):
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        reply = await self.command.run(
            core_of(interaction),
            await actor_of(interaction),
            id=self.item_id,
            **{self.field: self.text.value},
        )
        await self.after(interaction, self.item_id, reply)
