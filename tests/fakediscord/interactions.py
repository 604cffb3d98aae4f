"""REST routes for answering interactions: the callback, followups, and the webhook messages
(``@original`` and others) the answers create. Each answer is also handed to its
:class:`Exchange`, which settles once the user would see something."""

from __future__ import annotations

from typing import Any

from . import payloads as p
from .exchange import CALLBACK, FOLLOWUP, ORIGINAL, Exchange
from .record import RecordedRequest, Recorder
from .rest import Answer, Handler, not_found, unknown_message
from .state import State

LOADING = 1 << 7  # message flag: the "thinking…" placeholder of a deferred answer


def unknown_webhook() -> Answer:
    return not_found("Webhook", 10015)


class InteractionRoutes:
    """Handlers for the routes an interaction's token opens, which need no bot token."""

    def __init__(self, state: State, recorder: Recorder) -> None:
        self.state = state
        self.recorder = recorder

    def table(self) -> dict[tuple[str, str], Handler]:
        """(method, spec path template) -> handler."""
        return {
            ("POST", CALLBACK): self.callback,
            ("POST", FOLLOWUP): self.followup,
            ("GET", ORIGINAL): self.get_original,
            ("PATCH", ORIGINAL): self.edit_original,
            ("DELETE", ORIGINAL): self.delete_original,
            ("PATCH", FOLLOWUP + "/messages/{message_id}"): self.edit_webhook_message,
        }

    def answered(self, record: RecordedRequest) -> None:
        """Hand an answered request to the exchange whose token it carries."""
        if record.route is not None and record.route.startswith(("/interactions/", "/webhooks/")):
            exchange = self.state.exchanges.get(record.path.split("/")[3])
            if exchange is not None:
                exchange.record(record)

    def _exchange(self, params: dict[str, str], token_key: str) -> Exchange | None:
        return self.state.exchanges.get(params[token_key])

    def _original(self, exchange: Exchange | None) -> dict[str, Any] | None:
        if exchange is None or exchange.original is None:
            return None
        return self.state.messages.get(int(exchange.original["id"]))

    async def callback(self, record: RecordedRequest, params: dict[str, str]) -> Answer:
        exchange = self._exchange(params, "interaction_token")
        if exchange is None or exchange.id != int(params["interaction_id"]):
            return not_found("interaction", 10062)
        if exchange.callback is not None:
            self.recorder.problems.append(f"interaction {exchange.describe()} acknowledged twice")
            return 400, {"message": "Interaction has already been acknowledged.", "code": 40060}
        body = record.body
        kind = body["type"]
        data = body.get("data") or {}
        message: dict[str, Any] | None = None
        if kind == 4:  # CHANNEL_MESSAGE_WITH_SOURCE
            message = self.state.store(exchange.channel_id, data, webhook=True, exchange=exchange)
        elif kind == 5:  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: a "thinking…" message
            flags = int(data.get("flags") or 0) | LOADING
            message = self.state.store(
                exchange.channel_id, {"flags": flags}, webhook=True, exchange=exchange
            )
        elif kind in (6, 7):  # (DEFERRED_)UPDATE_MESSAGE: the message the component was on
            source = exchange.payload.get("message")
            if source is None:
                self.recorder.problems.append(
                    f"update-message callback for {exchange.describe()} without a message"
                )
                return 400, {"message": "Invalid interaction callback", "code": 50035}
            current = self.state.messages.get(int(source["id"]), source)
            message = self.state.edit(current, data) if kind == 7 else self.state.put(current)
        exchange.original = message
        exchange.callback = body
        interaction = {
            "id": str(exchange.id),
            "type": exchange.kind,
            "response_message_id": message["id"] if message else None,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(message and int(message["flags"]) & p.EPHEMERAL),
        }
        response: dict[str, Any] = {"interaction": interaction}
        if message is not None:
            response["resource"] = {"type": kind, "message": message}
        return 200, response

    async def followup(self, record: RecordedRequest, params: dict[str, str]) -> Answer:
        exchange = self._exchange(params, "webhook_token")
        if exchange is None or params["webhook_id"] != str(p.APPLICATION_ID):
            return unknown_webhook()
        if exchange.callback is None:
            self.recorder.problems.append(f"followup before the callback for {exchange.describe()}")
            return unknown_webhook()
        original = exchange.original
        if exchange.callback["type"] == 5 and original is not None and original["flags"] & LOADING:
            # The first followup after a "thinking" defer replaces the loading message, keeping
            # the defer's ephemerality (as Discord does).
            body = {**record.body, "flags": int(original["flags"]) & ~LOADING}
            message = self.state.edit(original, body)
            exchange.original = message
        else:
            message = self.state.store(
                exchange.channel_id, record.body, webhook=True, exchange=exchange
            )
        return 200, message

    async def get_original(self, record: RecordedRequest, params: dict[str, str]) -> Answer:
        original = self._original(self._exchange(params, "webhook_token"))
        if original is None:
            return unknown_message()
        return 200, original

    async def edit_original(self, record: RecordedRequest, params: dict[str, str]) -> Answer:
        exchange = self._exchange(params, "webhook_token")
        original = self._original(exchange)
        if exchange is None or original is None:
            return unknown_message()
        body = dict(record.body)
        body["flags"] = int(original["flags"]) & ~LOADING
        exchange.original = self.state.edit(original, body)
        return 200, exchange.original

    async def delete_original(self, record: RecordedRequest, params: dict[str, str]) -> Answer:
        original = self._original(self._exchange(params, "webhook_token"))
        if original is None:
            return unknown_message()
        del self.state.messages[int(original["id"])]
        return 204, None

    async def edit_webhook_message(self, record: RecordedRequest, params: dict[str, str]) -> Answer:
        stored = self.state.messages.get(int(params["message_id"]))
        if stored is None:
            return unknown_message()
        return 200, self.state.edit(stored, record.body)
