"""REST routes for the resources the bot reads and changes: itself, its gateway, its commands,
channels, messages, users and DM channels. Interaction answers are in ``interactions.py``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import payloads as p
from .record import RecordedRequest
from .rest import Answer, Handler, not_found, unknown_message
from .state import State


class ResourceRoutes:
    """Handlers that read and change :class:`State` like Discord would."""

    def __init__(self, state: State, gateway_bot: Callable[[], dict[str, Any]]) -> None:
        self.state = state
        self.gateway_bot = gateway_bot  # the gateway address and shard count: the server's

    def table(self) -> dict[tuple[str, str], Handler]:
        """(method, spec path template) -> handler."""
        return {
            ("GET", "/gateway/bot"): self.get_gateway_bot,
            ("GET", "/users/@me"): self.get_me,
            ("GET", "/oauth2/applications/@me"): self.get_application,
            ("GET", "/applications/@me"): self.get_application,
            ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands"): self.put_commands,
            ("PUT", "/applications/{application_id}/commands"): self.put_commands,
            ("GET", "/applications/{application_id}/guilds/{guild_id}/commands"): self.get_commands,
            ("GET", "/applications/{application_id}/commands"): self.get_commands,
            ("POST", "/channels/{channel_id}/messages"): self.post_message,
            ("GET", "/channels/{channel_id}/messages/{message_id}"): self.get_message,
            ("PATCH", "/channels/{channel_id}/messages/{message_id}"): self.edit_message,
            ("DELETE", "/channels/{channel_id}/messages/{message_id}"): self.delete_message,
            ("GET", "/channels/{channel_id}"): self.get_channel,
            ("GET", "/users/{user_id}"): self.get_user,
            ("POST", "/users/@me/channels"): self.open_dm,
        }

    # -- the bot and its commands ------------------------------------------------------------

    async def get_gateway_bot(self, record: RecordedRequest, params: dict[str, str]) -> Answer:
        return 200, self.gateway_bot()

    async def get_me(self, record: RecordedRequest, params: dict[str, str]) -> Answer:
        return 200, p.bot_user()

    async def get_application(self, record: RecordedRequest, params: dict[str, str]) -> Answer:
        return 200, p.application()

    async def put_commands(self, record: RecordedRequest, params: dict[str, str]) -> Answer:
        guild = int(params["guild_id"]) if "guild_id" in params else None
        if guild is not None and guild not in self.state.guilds:
            return not_found("Guild", 10004)
        return 200, self.state.sync_commands(guild, record.body)

    async def get_commands(self, record: RecordedRequest, params: dict[str, str]) -> Answer:
        guild = int(params["guild_id"]) if "guild_id" in params else None
        return 200, self.state.commands.get(guild, [])

    # -- channels and messages ---------------------------------------------------------------

    async def post_message(self, record: RecordedRequest, params: dict[str, str]) -> Answer:
        channel_id = int(params["channel_id"])
        if self.state.guild_of_channel(channel_id) is None and not self.state.is_dm(channel_id):
            return not_found("Channel", 10003)
        return 200, self.state.store(channel_id, record.body)

    async def get_message(self, record: RecordedRequest, params: dict[str, str]) -> Answer:
        stored = self.state.message_in(params["channel_id"], params["message_id"])
        if stored is None:
            return unknown_message()
        return 200, stored

    async def edit_message(self, record: RecordedRequest, params: dict[str, str]) -> Answer:
        stored = self.state.message_in(params["channel_id"], params["message_id"])
        if stored is None:
            return unknown_message()
        if stored["author"]["id"] != str(p.APPLICATION_ID):
            return 403, {"message": "Cannot edit a message authored by another user", "code": 50005}
        return 200, self.state.edit(stored, record.body)

    async def delete_message(self, record: RecordedRequest, params: dict[str, str]) -> Answer:
        if self.state.messages.pop(int(params["message_id"]), None) is None:
            return unknown_message()
        return 204, None

    async def get_channel(self, record: RecordedRequest, params: dict[str, str]) -> Answer:
        channel = self.state.guild_channel(params["channel_id"])
        if channel is None:
            return not_found("Channel", 10003)
        return 200, channel

    # -- people ------------------------------------------------------------------------------

    async def get_user(self, record: RecordedRequest, params: dict[str, str]) -> Answer:
        user_id = params["user_id"]
        user = self.state.users.get(int(user_id)) if user_id.isdigit() else None
        if user is None:
            return not_found("User", 10013)
        return 200, user.user_payload()

    async def open_dm(self, record: RecordedRequest, params: dict[str, str]) -> Answer:
        user = self.state.users.get(int(record.body["recipient_id"]))
        if user is None:
            return 400, {"message": "Invalid Recipient(s)", "code": 50033}
        channel: dict[str, Any] = {
            "id": str(self.state.open_dm(user)),
            "type": 1,
            "last_message_id": None,
            "flags": 0,
            "recipients": [user.user_payload()],
        }
        return 200, channel
