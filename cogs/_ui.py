"""Shared glue for the cogs: who is asking, and replies rendered as embeds and views."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

import discord

from bot import ids
from bot.communities import Community
from bot.limits import fit_reply
from bot.replies import (
    Actor,
    Button,
    ButtonStyle,
    Choice,
    Reply,
    Role,
    Select,
    SelectKind,
    Tone,
)

if TYPE_CHECKING:
    from bot.client import Vetbot
    from bot.core import Core

log = logging.getLogger(__name__)

B = TypeVar("B", bound=ids.ButtonId)
ButtonHandler = Callable[[discord.Interaction[Any], Any], Awaitable[None]]

COLOURS = {
    Tone.INFO: discord.Colour.blurple(),
    Tone.SUCCESS: discord.Colour.green(),
    Tone.WARNING: discord.Colour.gold(),
    Tone.ERROR: discord.Colour.red(),
}
STYLES = {
    ButtonStyle.PRIMARY: discord.ButtonStyle.primary,
    ButtonStyle.SECONDARY: discord.ButtonStyle.secondary,
    ButtonStyle.SUCCESS: discord.ButtonStyle.success,
    ButtonStyle.DANGER: discord.ButtonStyle.danger,
    ButtonStyle.LINK: discord.ButtonStyle.link,
}


class ComponentHandlers:
    """What each kind of vetbot button does, keyed by the type of its parsed id.

    The bot owns one; each extension adds its handlers when it loads and removes them when it
    unloads, so reloading any extension (or :mod:`cogs.components`) keeps every button working.
    """

    def __init__(self) -> None:
        self._handlers: dict[type, ButtonHandler] = {}

    def add(
        self,
        kind: type[B],
        handler: Callable[[discord.Interaction[Any], B], Awaitable[None]],
    ) -> None:
        """Make clicks on buttons whose id parses to ``kind`` call ``handler``."""
        self._handlers[kind] = handler

    def remove(self, *kinds: type[ids.ButtonId]) -> None:
        """Forget the handlers of ``kinds`` (an unloading extension's)."""
        for kind in kinds:
            self._handlers.pop(kind, None)

    def get(self, kind: type[ids.ButtonId]) -> ButtonHandler | None:
        """The handler for ``kind``, if a loaded extension provides one."""
        return self._handlers.get(kind)


def core_of(interaction: discord.Interaction[Any]) -> Core:
    """The core behind the client that received ``interaction``."""
    client: Vetbot = interaction.client
    return client.core


@functools.lru_cache(maxsize=1024)
def _wanted(refs: tuple[str | int, ...]) -> tuple[frozenset[int], frozenset[str]]:
    """A community's role references as ids and case-folded names (worked out once each)."""
    ids_ = frozenset(r for r in refs if isinstance(r, int))
    names = frozenset(r.casefold() for r in refs if isinstance(r, str))
    return ids_, names


def _holds(roles: list[discord.Role], refs: tuple[str | int, ...]) -> bool:
    wanted_ids, names = _wanted(refs)
    return any(role.id in wanted_ids or role.name.casefold() in names for role in roles)


def role_of(user: discord.abc.User, community: Community | None) -> Role:
    """A user's vetbot role in ``community``, from their roles in that server only.

    Server administrators are moderators of their own server, never of another; in a DM
    (no community) everyone is a member.
    """
    if community is None or not isinstance(user, discord.Member):
        return Role.MEMBER
    if user.guild.id != community.guild_id:
        return Role.MEMBER
    roles = user.roles  # a property that rebuilds the list on every read
    permissions = user.guild_permissions
    if permissions.administrator or permissions.manage_guild:
        return Role.ADMIN
    if _holds(roles, community.moderator_roles):
        return Role.MODERATOR
    if _holds(roles, community.organizer_roles):
        return Role.ORGANIZER
    return Role.MEMBER


async def community_of(interaction: discord.Interaction[Any]) -> Community | None:
    """The effective settings of the server an interaction comes from (None in a DM)."""
    if interaction.guild_id is None:
        return None
    name = interaction.guild.name if interaction.guild is not None else ""
    return await core_of(interaction).communities.get(interaction.guild_id, name)


async def actor_of(interaction: discord.Interaction[Any]) -> Actor:
    """The person behind an interaction, as the core sees them, in their community."""
    user = interaction.user
    community = await community_of(interaction)
    age = (discord.utils.utcnow() - user.created_at).total_seconds() / 86400
    return Actor(
        user_id=user.id,
        name=user.display_name,
        role=role_of(user, community),
        account_age_days=age,
        guild_id=interaction.guild_id,
        guild_name=community.name if community else "",
    )


def outside_allowed_guilds(interaction: discord.Interaction[Any]) -> bool:
    """Whether an interaction comes from a server this deployment is not configured for."""
    allowed = core_of(interaction).config.guild_ids
    return (
        bool(allowed) and interaction.guild_id is not None and interaction.guild_id not in allowed
    )


NOT_HERE = "vetbot is not set up for this server."


async def refuse_outside_guilds(interaction: discord.Interaction[Any]) -> bool:
    """Answer an interaction from a server outside ``discord.guild_ids`` with one short private
    refusal and return False; True for everything else."""
    if not outside_allowed_guilds(interaction):
        return True
    log.warning(
        "Refused an interaction from an unconfigured server (interaction %s)", interaction.id
    )
    if interaction.type is not discord.InteractionType.autocomplete:
        await send_reply(interaction, Reply(text=NOT_HERE, tone=Tone.ERROR))
    return False


def to_embed(reply: Reply) -> discord.Embed:
    """A fitted reply as an embed."""
    embed = discord.Embed(
        title=reply.title,
        description=reply.text or None,
        url=reply.url,
        colour=COLOURS[reply.tone],
    )
    for field in reply.fields:
        embed.add_field(name=field.name, value=field.value, inline=field.inline)
    if reply.footer:
        embed.set_footer(text=reply.footer)
    return embed


def to_view(reply: Reply) -> discord.ui.View | None:
    """The reply's buttons and pick list as a view (None when it has neither)."""
    if not reply.buttons and not reply.choices and not reply.selects:
        return None
    return _stopped_view(
        tuple(reply.buttons),
        tuple(reply.choices),
        reply.choice_id,
        reply.choice_placeholder,
        tuple(reply.selects),
    )


@functools.lru_cache(maxsize=1024)
def _stopped_view(
    buttons: tuple[Button, ...],
    choices: tuple[Choice, ...],
    choice_id: str | None,
    placeholder: str | None,
    selects: tuple[Select, ...] = (),
) -> discord.ui.View:
    """A view of these components, stopped, and so shared by every message that shows them.

    Clicks on vetbot's components reach the dynamic items registered at start-up, whatever
    message they are on. discord.py neither stores a stopped view per message nor starts a
    timer for it (at most it sets its unused ``timeout``), so one view can serve every send.
    Without the stop, every private reply with buttons would keep a view and a 15-minute
    timeout task alive; and building a view costs more than the rest of the reply.
    """
    view = discord.ui.View(timeout=None)
    for native in selects:
        view.add_item(_native_select(native))
    if choices and choice_id:
        options = [
            discord.SelectOption(label=c.label, value=c.value, description=c.description)
            for c in choices
        ]
        pick_list: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=choice_id, placeholder=placeholder, options=options
        )
        view.add_item(pick_list)
    for button in buttons:
        if button.url:
            view.add_item(
                discord.ui.Button(
                    label=button.label, url=button.url, style=discord.ButtonStyle.link
                )
            )
        elif button.custom_id:
            view.add_item(
                discord.ui.Button(
                    label=button.label,
                    custom_id=button.custom_id,
                    style=STYLES[button.style],
                    disabled=button.disabled,
                )
            )
    view.stop()
    return view


def _native_select(select: Select) -> discord.ui.Item[Any]:
    if select.kind is SelectKind.CHANNEL:
        return discord.ui.ChannelSelect(
            custom_id=select.custom_id,
            placeholder=select.placeholder,
            channel_types=[discord.ChannelType.text],
        )
    return discord.ui.RoleSelect(
        custom_id=select.custom_id, placeholder=select.placeholder, min_values=0, max_values=10
    )


def message_kwargs(reply: Reply) -> dict[str, Any]:
    """``embed`` and ``view`` keyword arguments for a send or an edit."""
    fitted = fit_reply(reply)
    kwargs: dict[str, Any] = {"embed": to_embed(fitted)}
    view = to_view(fitted)
    kwargs["view"] = view if view is not None else discord.utils.MISSING
    return kwargs


async def send_reply(
    interaction: discord.Interaction[Any], reply: Reply, *, public: bool | None = None
) -> None:
    """Answer an interaction with a reply (privately unless it, or ``public``, says otherwise)."""
    ephemeral = not (reply.public if public is None else public)
    kwargs = message_kwargs(reply)
    channel = interaction.channel
    if not ephemeral and reply.reply_to and isinstance(channel, discord.abc.Messageable):
        # Acknowledge first: the channel post may be slow, and Discord allows 3 seconds.
        if not interaction.response.is_done():
            await interaction.response.defer(ephemeral=True, thinking=True)
        reference = discord.MessageReference(
            message_id=reply.reply_to, channel_id=channel.id, fail_if_not_exists=False
        )
        await channel.send(reference=reference, **kwargs)
        await send_reply(
            interaction,
            Reply(text="Posted as a reply to that message.", tone=Tone.SUCCESS),
            public=False,
        )
        return
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=ephemeral, **kwargs)
    else:
        await interaction.response.send_message(ephemeral=ephemeral, **kwargs)


def autocomplete_choices(pairs: list[tuple[str, str]]) -> list[discord.app_commands.Choice[str]]:
    """(name, value) pairs as at most 25 autocomplete choices of at most 100 characters."""
    from bot.limits import fit_autocomplete

    return [discord.app_commands.Choice(name=n, value=v) for n, v in fit_autocomplete(pairs)]


def visible_to(role: Role) -> Any:
    """Hide a moderator command from members in Discord's UI (it is checked at run time too)."""
    if role is Role.ADMIN:
        return discord.app_commands.default_permissions(manage_guild=True)
    if role is Role.MODERATOR:
        return discord.app_commands.default_permissions(manage_messages=True)
    return lambda func: func


async def run_command(
    interaction: discord.Interaction[Any],
    name: str,
    /,
    *,
    public: bool | None = None,
    **options: Any,
) -> Reply:
    """Run core command ``name`` for the person behind ``interaction`` and send its reply."""
    from bot.commands import COMMANDS

    reply = await COMMANDS[name].run(core_of(interaction), await actor_of(interaction), **options)
    await send_reply(interaction, reply, public=public)
    return reply


class Form(discord.ui.Modal):
    """A modal whose failures are logged and answered with a short private message."""

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        return await refuse_outside_guilds(interaction)

    async def on_error(  # type: ignore[override]  # a Modal's on_error takes no item
        self, interaction: discord.Interaction[Any], error: Exception, /
    ) -> None:
        from bot.client import failure_message, send_error

        message = failure_message(f"Form {self.title!r}", interaction, error)
        await send_error(interaction, message)
