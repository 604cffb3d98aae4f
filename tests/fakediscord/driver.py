"""Acting as the people in the guild: slash commands, autocomplete, buttons, selects, modals
and context menus, each sent as an INTERACTION_CREATE and followed to the bot's answer."""

from __future__ import annotations

import itertools
import secrets
from typing import Any

from . import payloads as p
from .exchange import Exchange
from .forms import fill_modal, find_component, option_values
from .gateway import Gateway
from .guilds import FakeGuild
from .record import DEFAULT_TIMEOUT
from .state import State

# Interaction types (https://discord.com/developers/docs/interactions).
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5


class Driver:
    """Builds interactions from what a person does and delivers them over the gateway."""

    def __init__(self, state: State, gateway: Gateway) -> None:
        self.state = state
        self.gateway = gateway

    # -- the general form --------------------------------------------------------------------

    async def interact(
        self,
        kind: int,
        data: dict[str, Any] | None,
        *,
        user: p.FakeUser,
        channel: str = "general",
        message: dict[str, Any] | None = None,
        guild: FakeGuild | None = None,
        within: float = DEFAULT_TIMEOUT,
    ) -> Exchange:
        """Send an INTERACTION_CREATE and wait until the bot has visibly answered it."""
        exchange = self.start_interaction(
            kind, data, user=user, channel=channel, message=message, guild=guild
        )
        await self.send_interaction(exchange)
        return await exchange.settled(within)

    def start_interaction(
        self,
        kind: int,
        data: dict[str, Any] | None,
        *,
        user: p.FakeUser,
        channel: str = "general",
        message: dict[str, Any] | None = None,
        guild: FakeGuild | None = None,
    ) -> Exchange:
        """Register an interaction (not yet sent): its id, token and the payload to send.

        It happens in ``channel`` of ``guild`` (default: the default guild).
        """
        interaction_id = self.state.ids.next()
        token = f"itok.{interaction_id}.{secrets.token_urlsafe(16)}"
        payload = p.interaction(
            interaction_id,
            kind,
            user,
            data,
            guild=self.state.guild(guild),
            channel_name=channel,
            message=message,
            token=token,
        )
        exchange = Exchange(payload, user, self.state)
        self.state.exchanges[token] = exchange
        self.state.users.setdefault(user.id, user)
        return exchange

    async def send_interaction(self, exchange: Exchange, *, wait_for_bot: bool = True) -> None:
        """Deliver a registered interaction over the gateway (see :meth:`Gateway.dispatch`)."""
        exchange.mark_sent()
        await self.gateway.dispatch(
            "INTERACTION_CREATE", exchange.payload, wait_for_bot=wait_for_bot
        )

    def command_data(
        self,
        path: str,
        options: dict[str, Any] | None,
        *,
        focused: str | None = None,
        guild: FakeGuild | None = None,
    ) -> dict[str, Any]:
        """The ``data`` of a slash command interaction for ``/path`` (``"kb reload"``)."""
        name, *subs = path.split()
        definition = self.state.command(name, guild=guild)
        if definition is None:
            known = sorted(c["name"] for c in self.state.all_commands())
            raise AssertionError(f"/{name} was never synced; known: {known}")
        level = definition
        chain: list[dict[str, Any]] = []
        for sub in subs:
            found = next((o for o in level.get("options") or [] if o["name"] == sub), None)
            if found is None or found["type"] not in (1, 2):
                raise AssertionError(f"/{path}: no subcommand {sub!r}")
            chain.append({"name": sub, "type": found["type"], "options": []})
            level = found
        leaf_options = option_values(path, level.get("options") or [], options or {}, focused)
        if chain:
            chain[-1]["options"] = leaf_options
            for outer, inner in itertools.pairwise(chain):
                outer["options"] = [inner]
            top_options = [chain[0]]
        else:
            top_options = leaf_options
        return {
            "id": definition["id"],
            "name": name,
            "type": 1,
            "guild_id": str(self.state.guild(guild).id),
            "options": top_options,
        }

    # -- what people do ----------------------------------------------------------------------

    async def slash(
        self,
        path: str,
        options: dict[str, Any] | None = None,
        *,
        user: p.FakeUser = p.MEMBER,
        channel: str = "general",
        guild: FakeGuild | None = None,
        within: float = DEFAULT_TIMEOUT,
    ) -> Exchange:
        """Run ``/path`` as ``user``; returns the settled exchange (callback + followups)."""
        data = self.command_data(path, options, guild=guild)
        return await self.interact(
            APPLICATION_COMMAND, data, user=user, channel=channel, guild=guild, within=within
        )

    async def autocomplete(
        self,
        path: str,
        option: str,
        value: str,
        *,
        others: dict[str, Any] | None = None,
        user: p.FakeUser = p.MEMBER,
        guild: FakeGuild | None = None,
        within: float = DEFAULT_TIMEOUT,
    ) -> list[dict[str, Any]]:
        """Type ``value`` into ``option`` of ``/path``; the choices the bot offers."""
        values = {**(others or {}), option: value}
        data = self.command_data(path, values, focused=option, guild=guild)
        exchange = await self.interact(AUTOCOMPLETE, data, user=user, guild=guild, within=within)
        return exchange.choices

    async def click(
        self,
        message: dict[str, Any],
        custom_id: str,
        *,
        user: p.FakeUser = p.MEMBER,
        within: float = DEFAULT_TIMEOUT,
    ) -> Exchange:
        """Press the button ``custom_id`` on ``message`` as ``user``."""
        component = find_component(message, custom_id)
        if component.get("type") != 2:
            raise AssertionError(f"{custom_id!r} is not a button (type {component.get('type')})")
        if component.get("disabled"):
            raise AssertionError(f"button {custom_id!r} is disabled; nobody can press it")
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._component(data, message, user, within)

    async def select(
        self,
        message: dict[str, Any],
        custom_id: str,
        values: list[str],
        *,
        user: p.FakeUser = p.MEMBER,
        within: float = DEFAULT_TIMEOUT,
    ) -> Exchange:
        """Pick ``values`` in the select menu ``custom_id`` on ``message``."""
        component = find_component(message, custom_id)
        offered = {o["value"] for o in component.get("options") or []}
        if component.get("type") == 3 and not set(values) <= offered:
            raise AssertionError(f"{values} are not among the options {sorted(offered)}")
        data = {"custom_id": custom_id, "component_type": component["type"], "values": values}
        return await self._component(data, message, user, within)

    async def _component(
        self, data: dict[str, Any], message: dict[str, Any], user: p.FakeUser, within: float
    ) -> Exchange:
        channel = self.state.channel_name(message["channel_id"])
        guild = self.state.guild_of_channel(message["channel_id"])
        current = self.state.messages.get(int(message["id"]), message)
        return await self.interact(
            MESSAGE_COMPONENT,
            data,
            user=user,
            channel=channel,
            message=current,
            guild=guild,
            within=within,
        )

    def last_modal(self, custom_id: str | None = None) -> dict[str, Any]:
        """The most recent modal the bot opened (with that ``custom_id``)."""
        for exchange in reversed(list(self.state.exchanges.values())):
            modal = exchange.modal
            if modal is not None and (custom_id is None or modal["custom_id"] == custom_id):
                return modal
        raise AssertionError(f"the bot opened no modal {custom_id or ''}".rstrip())

    async def submit_modal(
        self,
        custom_id: str | None,
        values: dict[str, Any],
        *,
        user: p.FakeUser = p.MEMBER,
        modal: dict[str, Any] | None = None,
        guild: FakeGuild | None = None,
        within: float = DEFAULT_TIMEOUT,
    ) -> Exchange:
        """Fill in and submit the modal the bot opened (the latest with ``custom_id``)."""
        modal = modal or self.last_modal(custom_id)
        data = {"custom_id": modal["custom_id"], "components": fill_modal(modal, values)}
        return await self.interact(MODAL_SUBMIT, data, user=user, guild=guild, within=within)

    def start_modal_submit(
        self,
        modal: dict[str, Any],
        values: dict[str, Any],
        *,
        user: p.FakeUser = p.MEMBER,
        guild: FakeGuild | None = None,
    ) -> Exchange:
        """A modal submit registered but not sent (for bursts): see :meth:`send_interaction`."""
        data = {"custom_id": modal["custom_id"], "components": fill_modal(modal, values)}
        return self.start_interaction(MODAL_SUBMIT, data, user=user, guild=guild)

    async def context_menu(
        self,
        name: str,
        target: dict[str, Any],
        *,
        user: p.FakeUser = p.MEMBER,
        within: float = DEFAULT_TIMEOUT,
    ) -> Exchange:
        """Run the message context-menu command ``name`` on ``target`` as ``user``."""
        guild = self.state.guild_of_channel(target["channel_id"])
        definition = self.state.command(name, kind=3, guild=guild)
        if definition is None:
            raise AssertionError(f"message command {name!r} was never synced")
        data = {
            "id": definition["id"],
            "name": name,
            "type": 3,
            "guild_id": str(self.state.guild(guild).id),
            "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}},
        }
        channel = self.state.channel_name(target["channel_id"])
        return await self.interact(
            APPLICATION_COMMAND, data, user=user, channel=channel, guild=guild, within=within
        )

    def user_message(
        self,
        content: str,
        *,
        author: p.FakeUser = p.MEMBER,
        channel: str = "general",
        guild: FakeGuild | None = None,
    ) -> dict[str, Any]:
        """A message someone else wrote (for context menus), stored in ``channel``."""
        where = self.state.guild(guild)
        message = p.message(
            self.state.ids.next(),
            self.state.channel_id(channel, where),
            {"content": content},
            guild_id=where.id,
        )
        message["author"] = author.user_payload()
        return self.state.put(message)
