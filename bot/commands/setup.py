"""/setup: a community's own settings, for its server administrators.

Every setting starts as the deployment's default in ``bot.toml``; ``/setup set`` changes it for
this community only and ``/setup reset`` goes back to the default. ``/setup show`` says where
each value comes from. On Discord the summary carries role and channel selects; the console
types the same values (role and channel ids, or mentions).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from bot import ids
from bot.commands.spec import Command, Completion, Option
from bot.communities import SETTINGS, Community, SettingError, parse_setting
from bot.replies import Actor, Button, ButtonStyle, Field, Reply, Role, Select, SelectKind, Tone
from bot.replies import error as error_reply

if TYPE_CHECKING:
    from bot.core import Core

VALUE_MAX = 500


def _roles(refs: tuple[str | int, ...]) -> str:
    # Role mentions never ping: vetbot sends every message with mentions turned off.
    shown = [f"<@&{r}>" if isinstance(r, int) else f"“{r}” (by name)" for r in refs]
    return ", ".join(shown) or "none"


def _channel(ref: str | int) -> str:
    return f"<#{ref}>" if isinstance(ref, int) else f"#{ref} (by name)"


def _value(community: Community, name: str) -> str:
    if name == "moderator_roles":
        return _roles(community.moderator_roles)
    if name == "organizer_roles":
        return _roles(community.organizer_roles)
    if name == "queue_channel":
        return _channel(community.queue_channel)
    if name == "trusted_guilds":
        return ", ".join(map(str, community.trusted_guilds)) or "none (only this community)"
    if hasattr(community.policy, name):
        return str(getattr(community.policy, name))
    return str(getattr(community, name))  # another feature's setting (ratings)


def summary(community: Community, names: dict[int, str] | None = None) -> Reply:
    """The effective settings, where each comes from, and the controls to change them."""
    fields = [
        Field(s.label, f"{_value(community, s.name)}\n*{community.origin(s.name)}*", inline=True)
        for s in SETTINGS.values()
    ]
    if community.trusted_guilds and names:
        known = [f"{names.get(g, 'not seen yet')} ({g})" for g in community.trusted_guilds]
        fields.append(Field("Trusted communities by name", "\n".join(known)))
    selects = [
        Select(
            ids.SetupChoice(name).custom_id,
            SelectKind.CHANNEL if name == "queue_channel" else SelectKind.ROLES,
            f"Choose the {SETTINGS[name].label.lower()}",
            f"/setup set setting:{name} value:<ids or mentions>",
        )
        for name in ("moderator_roles", "organizer_roles", "queue_channel")
    ]
    return Reply(
        title=f"vetbot settings for {community.name or 'this server'}",
        text="Each setting is this server's own once changed; the rest follow the deployment's "
        "defaults. `/setup set` and `/setup reset` change one by name.",
        fields=fields,
        selects=selects,
        buttons=[
            Button(
                "Limits and trusted communities…",
                ids.SetupForm().custom_id,
                ButtonStyle.SECONDARY,
            )
        ],
        data={
            "guild_id": community.guild_id,
            "settings": {s: _value(community, s) for s in SETTINGS},
            "from": {s: community.origin(s) for s in SETTINGS},
        },
    )


async def _community(core: Core, actor: Actor) -> Community:
    community = await core.community_of(actor)
    if community is None:  # the catalogue lets only server commands through
        raise ValueError("/setup ran outside a server")
    return community


async def show(core: Core, actor: Actor) -> Reply:
    """The effective settings of this community."""
    community = await _community(core, actor)
    return summary(community, await core.communities.names(community.trusted_guilds))


async def change(core: Core, actor: Actor, changes: dict[str, object]) -> Reply:
    """Apply already-parsed changes and answer with the new summary."""
    community = await _community(core, actor)
    try:
        updated = await core.communities.change(
            community.guild_id, changes, by=actor.user_id, now=dt.datetime.now(dt.UTC)
        )
    except ValueError as exc:  # msgspec's validation error is a ValueError
        return error_reply(f"That value can't be used: {exc}")
    reply = summary(updated, await core.communities.names(updated.trusted_guilds))
    reply.tone = Tone.SUCCESS
    return reply


async def set_(core: Core, actor: Actor, setting: str, value: str) -> Reply:
    """Change one setting for this community (roles and channels by id or mention)."""
    try:
        changes = parse_setting(setting.strip().lower(), value)
    except SettingError as exc:
        return error_reply(str(exc))
    return await change(core, actor, changes)


async def reset(core: Core, actor: Actor, setting: str) -> Reply:
    """Go back to the deployment's default for one setting."""
    name = setting.strip().lower()
    if name not in SETTINGS:
        return error_reply(f"There is no setting `{name}`. Settings: {', '.join(SETTINGS)}.")
    community = await _community(core, actor)
    updated = await core.communities.change(
        community.guild_id, {}, by=actor.user_id, now=dt.datetime.now(dt.UTC), reset=(name,)
    )
    reply = summary(updated, await core.communities.names(updated.trusted_guilds))
    reply.tone = Tone.SUCCESS
    return reply


_SETTING = Option(
    "setting",
    "Which setting (start typing; /setup show lists them)",
    autocomplete=Completion.SETTINGS,
    min_length=1,
    max_length=40,
)
COMMANDS = [
    Command(
        "setup show",
        "This server's vetbot settings, and where each comes from.",
        show,
        role=Role.ADMIN,
        guild_only=True,
    ),
    Command(
        "setup set",
        "Change one of this server's vetbot settings.",
        set_,
        options=(
            _SETTING,
            Option(
                "value",
                "Role or channel ids or mentions, a number, or server ids",
                min_length=1,
                max_length=VALUE_MAX,
            ),
        ),
        role=Role.ADMIN,
        guild_only=True,
    ),
    Command(
        "setup reset",
        "Go back to the deployment's default for one setting.",
        reset,
        options=(_SETTING,),
        role=Role.ADMIN,
        guild_only=True,
    ),
]
