"""/ask, /myth, /criteria, /term, the "Explain with a myth" menu, and feedback buttons."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import ids
from bot.client import Vetbot
from bot.commands import COMMANDS
from bot.commands.qa import NAME_MAX, QUESTION_MAX, post_myth
from bot.feedback import FEEDBACK_REASON_MAX
from bot.replies import Reply, Tone
from cogs._ui import (
    Form,
    actor_of,
    autocomplete_choices,
    core_of,
    run_command,
    send_reply,
    visible_to,
)

log = logging.getLogger(__name__)


async def _complete(
    interaction: discord.Interaction, kind: str, current: str
) -> list[app_commands.Choice[str]]:
    hits = core_of(interaction).state.search.complete(kind, current)
    return autocomplete_choices([(h.title, h.id) for h in hits])


class QA(commands.Cog):
    """Answers from the knowledge base, always with their sources."""

    feedback = app_commands.Group(
        name="feedback", description="Feedback on answers", guild_only=True
    )

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self.explain_menu = app_commands.ContextMenu(
            name="Explain with a myth", callback=self.explain_message
        )
        self.explain_menu.guild_only = True
        bot.tree.add_command(self.explain_menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.explain_menu.name, type=self.explain_menu.type)

    @app_commands.command(name="ask", description=COMMANDS["ask"].description)
    @app_commands.describe(**COMMANDS["ask"].descriptions())
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, QUESTION_MAX],
        private: bool = False,
    ) -> None:
        await run_command(interaction, "ask", question=question, private=private)

    @app_commands.command(name="myth", description=COMMANDS["myth"].description)
    @app_commands.describe(**COMMANDS["myth"].descriptions())
    async def myth(
        self, interaction: discord.Interaction, topic: app_commands.Range[str, 1, NAME_MAX]
    ) -> None:
        await run_command(interaction, "myth", topic=topic)

    @myth.autocomplete("topic")
    async def myth_complete(self, interaction: discord.Interaction, current: str):
        return await _complete(interaction, "myths", current)

    @app_commands.command(name="criteria", description=COMMANDS["criteria"].description)
    @app_commands.describe(**COMMANDS["criteria"].descriptions())
    async def criteria(
        self,
        interaction: discord.Interaction,
        criterion: app_commands.Range[str, 1, NAME_MAX] | None = None,
    ) -> None:
        await run_command(interaction, "criteria", criterion=criterion)

    @criteria.autocomplete("criterion")
    async def criteria_complete(self, interaction: discord.Interaction, current: str):
        return await _complete(interaction, "criteria", current)

    @app_commands.command(name="term", description=COMMANDS["term"].description)
    @app_commands.describe(**COMMANDS["term"].descriptions())
    async def term(
        self, interaction: discord.Interaction, name: app_commands.Range[str, 1, NAME_MAX]
    ) -> None:
        await run_command(interaction, "term", name=name)

    @term.autocomplete("name")
    async def term_complete(self, interaction: discord.Interaction, current: str):
        return await _complete(interaction, "terms", current)

    @feedback.command(name="summary", description=COMMANDS["feedback summary"].description)
    @visible_to(COMMANDS["feedback summary"].role)
    async def feedback_summary(self, interaction: discord.Interaction) -> None:
        await run_command(interaction, "feedback summary", public=False)

    async def explain_message(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        await run_command(interaction, "explain", message=message.content, message_id=message.id)


class WhyNotHelpful(Form, title="What was missing or wrong?"):
    """Asks why an answer did not help. The form opens at once (Discord allows 3 seconds);
    the vote is stored right after, and the reason, if any, is added to it on submit."""

    reason: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Tell the organizers (optional)",
        style=discord.TextStyle.paragraph,
        required=False,
        max_length=FEEDBACK_REASON_MAX,
    )

    def __init__(self) -> None:
        super().__init__(timeout=600)
        # The stored vote's id, set once the vote is committed (maybe after a quick submit).
        self.vote: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        feedback_id = await self.vote
        if self.reason.value.strip():
            await core_of(interaction).feedback.add_reason(feedback_id, self.reason.value)
        await send_reply(
            interaction, Reply(text="Thank you — organizers will see this.", tone=Tone.SUCCESS)
        )


async def _on_feedback(interaction: discord.Interaction[Any], vote: ids.FeedbackVote) -> None:
    core = core_of(interaction)
    if vote.entry_id not in getattr(core.knowledge, vote.kind):
        await send_reply(
            interaction,
            Reply(text="That entry is no longer in the knowledge base.", tone=Tone.ERROR),
        )
        return
    # Answer Discord before the write: a commit may wait on the disk.
    form = None
    if vote.helpful:
        await interaction.response.defer(ephemeral=True, thinking=True)
    else:
        form = WhyNotHelpful()
        await interaction.response.send_modal(form)
    try:
        feedback_id = await core.feedback.record(
            vote.kind,
            vote.entry_id,
            vote.helpful,
            None,
            dt.datetime.now(dt.UTC),
            interaction.guild_id,
        )
    except Exception as exc:
        if form is not None:
            form.vote.set_exception(exc)
        raise
    if form is not None:
        form.vote.set_result(feedback_id)
    else:
        await send_reply(interaction, Reply(text="Thank you for the feedback!", tone=Tone.SUCCESS))


async def _on_post_myth(interaction: discord.Interaction[Any], button: ids.PostMyth) -> None:
    reply = await post_myth(core_of(interaction), await actor_of(interaction), button.myth_id)
    await send_reply(interaction, reply)


async def setup(bot: Vetbot) -> None:
    bot.components.add(ids.FeedbackVote, _on_feedback)
    bot.components.add(ids.PostMyth, _on_post_myth)
    await bot.add_cog(QA(bot))


async def teardown(bot: Vetbot) -> None:
    bot.components.remove(ids.FeedbackVote, ids.PostMyth)
