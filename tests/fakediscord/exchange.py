"""One interaction, from the event the test injects to every answer the bot gives to it."""

from __future__ import annotations

import asyncio
import json
import time
from typing import TYPE_CHECKING, Any

from . import payloads as p

if TYPE_CHECKING:
    from .record import RecordedRequest
    from .state import State

CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"
FOLLOWUP = "/webhooks/{webhook_id}/{webhook_token}"
ORIGINAL = "/webhooks/{webhook_id}/{webhook_token}/messages/@original"
# Callback types that are a visible answer by themselves; 5 and 6 (defers) wait for more.
FINAL_CALLBACKS = {4, 7, 8, 9}
KIND_NAMES = {1: "ping", 2: "command", 3: "component", 4: "autocomplete", 5: "modal submit"}


class Exchange:
    """An injected interaction and the bot's answers to it (callback, followups, edits)."""

    def __init__(self, payload: dict[str, Any], user: p.FakeUser, state: State) -> None:
        self.payload = payload
        self.user = user
        self.state = state  # where the answer's message is kept as it changes
        self.id = int(payload["id"])
        self.kind = int(payload["type"])
        self.token = str(payload["token"])
        self.channel_id = int(payload["channel_id"])
        self.callback: dict[str, Any] | None = None
        self.original: dict[str, Any] | None = None
        self.requests: list[RecordedRequest] = []
        self.followups: list[dict[str, Any]] = []
        self.sent_at = 0.0
        self.settled_at = 0.0
        self._settled: asyncio.Future[Exchange] = asyncio.get_running_loop().create_future()

    def describe(self) -> str:
        data = self.payload.get("data") or {}
        what = data.get("name") or data.get("custom_id") or "?"
        return f"{KIND_NAMES.get(self.kind, self.kind)} {what!r} by {self.user.name}"

    def __repr__(self) -> str:
        return f"<Exchange {self.describe()} callback={self.response_type}>"

    # -- bookkeeping (called by the fake) ----------------------------------------------------

    def mark_sent(self) -> None:
        self.sent_at = time.perf_counter()

    def record(self, request: RecordedRequest) -> None:
        """Note a request the bot made for this interaction; settle on its visible answer."""
        self.requests.append(request)
        if self._settled.done():
            if request.route == FOLLOWUP and 200 <= request.status < 300:
                self.followups.append(request.response)
            return
        if request.status >= 400 and request.status != 429:
            self._settled.set_exception(
                AssertionError(
                    f"{self.describe()}: {request.method} {request.path} was refused with "
                    f"{request.status}: {json.dumps(request.response)}"
                )
            )
            return
        if self.callback is None or not 200 <= request.status < 300:
            return
        deferred_answer = request.route in (FOLLOWUP, ORIGINAL) and request.method in (
            "POST",
            "PATCH",
        )
        if request.route == FOLLOWUP and self.callback["type"] != 5:
            self.followups.append(request.response)
        if (request.route == CALLBACK and self.callback["type"] in FINAL_CALLBACKS) or (
            self.callback["type"] in (5, 6) and deferred_answer
        ):
            self.settled_at = time.perf_counter()
            self._settled.set_result(self)

    async def settled(self, within: float) -> Exchange:
        """Wait until the bot has visibly answered; fail with what it did instead."""
        try:
            return await asyncio.wait_for(asyncio.shield(self._settled), within)
        except TimeoutError:
            seen = "\n".join(f"  {r}" for r in self.requests) or "  (nothing)"
            raise AssertionError(
                f"{self.describe()}: no answer within {within}s. Requests for it:\n{seen}\n"
                f"callback: {json.dumps(self.callback)}"
            ) from None

    @property
    def done(self) -> bool:
        return self._settled.done()

    @property
    def latency(self) -> float:
        """Seconds from sending the event to the visible answer."""
        return self.settled_at - self.sent_at

    # -- what the user sees ----------------------------------------------------------------

    @property
    def response_type(self) -> int | None:
        """The callback type (4 message, 5 deferred, 7 update, 8 choices, 9 modal)."""
        return None if self.callback is None else int(self.callback["type"])

    @property
    def message(self) -> dict[str, Any]:
        """The message the answer created or updated, as the fake stores it now."""
        if self.original is None:
            raise AssertionError(f"{self.describe()} got no message (callback {self.callback})")
        return self.state.messages.get(int(self.original["id"]), self.original)

    @property
    def ephemeral(self) -> bool:
        """Whether only the user sees the answer (message flag 64)."""
        return bool(int(self.message.get("flags") or 0) & p.EPHEMERAL)

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return list(self.message.get("embeds") or [])

    @property
    def embed(self) -> dict[str, Any]:
        """The first embed of the answer (fails when there is none)."""
        if not self.embeds:
            raise AssertionError(f"{self.describe()}: the answer has no embed: {self.message}")
        return self.embeds[0]

    @property
    def text(self) -> str:
        """Everything readable in the answer: content, titles, descriptions, fields, footers."""
        return message_text(self.message)

    @property
    def custom_ids(self) -> list[str]:
        """The custom ids of every button and select on the answer."""
        return component_ids(self.message)

    @property
    def choices(self) -> list[dict[str, Any]]:
        """The autocomplete choices (callback type 8)."""
        if self.response_type != 8:
            raise AssertionError(
                f"{self.describe()} was not answered with choices: {self.callback}"
            )
        assert self.callback is not None
        return list((self.callback.get("data") or {}).get("choices") or [])

    @property
    def modal(self) -> dict[str, Any] | None:
        """The modal the bot opened (callback type 9), if it did."""
        if self.response_type != 9:
            return None
        assert self.callback is not None
        return dict(self.callback["data"])


def message_text(message: dict[str, Any]) -> str:
    """All readable text of a message, one piece per line."""
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        for f in embed.get("fields") or []:
            parts += [f.get("name") or "", f.get("value") or ""]
        parts.append((embed.get("footer") or {}).get("text") or "")
    return "\n".join(x for x in parts if x)


def component_ids(message: dict[str, Any]) -> list[str]:
    """Custom ids of all interactive components of a message, in order."""
    ids: list[str] = []

    def walk(components: list[dict[str, Any]]) -> None:
        for c in components:
            if c.get("custom_id"):
                ids.append(c["custom_id"])
            walk(c.get("components") or [])
            if isinstance(c.get("component"), dict):
                walk([c["component"]])

    walk(message.get("components") or [])
    return ids
