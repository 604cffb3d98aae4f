"""A fake Discord on 127.0.0.1: the REST API under ``/api/v10`` and the gateway websocket.

It records every request the bot makes, checks each body against Discord's OpenAPI spec,
answers like Discord for the routes vetbot uses (and 404s, recorded as a problem, for the
rest), and lets a test inject gateway events and faults. Waiting is done with futures that are
resolved as requests arrive, never by polling.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import hashlib
import itertools
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import msgspec
from aiohttp import WSMsgType, web

from . import payloads as p
from .exchange import Exchange
from .spec import API_PREFIX, Spec, load_spec, strip_prefix

log = logging.getLogger(__name__)

TOKEN = "fake-bot-token.for-tests-only"
DEFAULT_TIMEOUT = 5.0
HEARTBEAT_MS = 41_250

# Interaction types and callback types (https://discord.com/developers/docs/interactions).
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
LOADING = 1 << 7

Predicate = Callable[["RecordedRequest"], bool]


@dataclass
class RecordedRequest:
    """One HTTP request the bot made, with what the fake answered."""

    index: int
    method: str
    path: str  # without /api/v10
    route: str | None  # the spec's path template, None when the fake does not know it
    query: dict[str, str]
    body: Any
    status: int = 0
    response: Any = None

    def __str__(self) -> str:
        return f"#{self.index} {self.method} {self.path} -> {self.status}"


@dataclass
class Fault:
    """An injected failure for the next ``times`` requests to ``method route``."""

    method: str
    route: str
    status: int
    times: int
    retry_after: float = 0.0
    code: int = 0
    message: str = "Injected failure"


@dataclass
class _Waiter:
    predicate: Predicate
    future: asyncio.Future[RecordedRequest]


@dataclass
class _Gateway:
    """One websocket connection from the bot."""

    ws: web.WebSocketResponse
    request: web.Request
    path: str
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    live: bool = False  # identified or resumed: events may be sent


class FakeDiscord:
    """The fake. ``async with FakeDiscord() as fake:`` serves on an ephemeral port."""

    def __init__(self, *, validate: bool = True) -> None:
        self.spec: Spec | None = load_spec() if validate else None
        self.ids = p.Snowflakes()
        self.requests: list[RecordedRequest] = []
        self.unknown: list[RecordedRequest] = []
        self.violations: list[str] = []
        self.problems: list[str] = []  # protocol mistakes: bad auth, double acknowledgement …
        self.commands: dict[int | None, list[dict[str, Any]]] = {}  # guild id (None: global)
        self.messages: dict[int, dict[str, Any]] = {}
        self.exchanges: dict[str, Exchange] = {}  # by interaction token
        self.users: dict[int, p.FakeUser] = {u.id: u for u in (p.MEMBER, p.ORGANIZER, p.MODERATOR)}
        self.dm_channels: dict[int, int] = {}  # user id -> DM channel id
        self.identifies = 0
        self.resumes: list[str] = []  # the path each RESUME arrived on
        self._faults: list[Fault] = []
        self._observers: list[Callable[[RecordedRequest], None]] = []
        self._waiters: list[_Waiter] = []
        self._conn_waiters: list[asyncio.Future[str]] = []
        self._gateway: _Gateway | None = None
        self._session_id = ""
        self._seq = 0
        self._sent: list[tuple[int, dict[str, Any]]] = []  # dispatches kept for RESUME replay
        self._live = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- life cycle ------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        """Serve on 127.0.0.1 with an ephemeral port (never the internet)."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("GET", "/gateway/", self._gateway_handler)
        app.router.add_route("GET", "/resume/", self._gateway_handler)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest_handler)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        log.debug("Fake Discord listening on %s", self.url)
        return self

    async def close(self) -> None:
        """Close the gateway and stop serving."""
        if self._gateway is not None:
            with contextlib.suppress(Exception):
                await self._gateway.ws.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()
        for waiter in self._waiters:
            waiter.future.cancel()

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``: what the bot is pointed at."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return self.url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway/"

    @property
    def resume_url(self) -> str:
        # A distinct path, so a test can tell that a resume used READY's resume_gateway_url.
        return f"ws://127.0.0.1:{self.port}/resume/"

    def assert_clean(self) -> None:
        """Fail with every unknown request, spec violation and protocol problem seen."""
        lines = [f"unknown request: {r.method} {r.path} body={r.body!r}" for r in self.unknown]
        lines += [f"spec violation: {v}" for v in self.violations]
        lines += [f"protocol problem: {m}" for m in self.problems]
        if lines:
            raise AssertionError("The fake Discord saw problems:\n" + "\n".join(lines))

    # -- what the bot did --------------------------------------------------------------------

    def requests_to(self, method: str, route: str) -> list[RecordedRequest]:
        """Recorded requests for ``method`` and a spec path template (``/users/@me``)."""
        return [r for r in self.requests if r.method == method and r.route == route]

    def count(self, method: str, route: str) -> int:
        return len(self.requests_to(method, route))

    def messages_in(self, channel: str) -> list[dict[str, Any]]:
        """Messages currently in a channel of the fake guild, oldest first."""
        channel_id = str(p.CHANNELS[channel])
        return [m for m in self.messages.values() if m["channel_id"] == channel_id]

    async def wait_for_request(
        self,
        method: str,
        route: str,
        where: Predicate | None = None,
        *,
        since: int = 0,
        within: float = DEFAULT_TIMEOUT,
    ) -> RecordedRequest:
        """The first request (from index ``since``) to ``method route`` matching ``where``."""

        def predicate(r: RecordedRequest) -> bool:
            return (
                r.index >= since
                and r.method == method
                and r.route == route
                and (where is None or where(r))
            )

        for request in self.requests:
            if request.status and predicate(request):
                return request
        future: asyncio.Future[RecordedRequest] = asyncio.get_running_loop().create_future()
        waiter = _Waiter(predicate, future)
        self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(future, within)
        except TimeoutError:
            raise AssertionError(
                f"no {method} {route} within {within}s; requests so far:\n"
                + "\n".join(str(r) for r in self.requests[since:])
            ) from None
        finally:
            with contextlib.suppress(ValueError):
                self._waiters.remove(waiter)

    async def wait_for_message(
        self,
        channel: str,
        where: Callable[[dict[str, Any]], bool] | None = None,
        *,
        since: int = 0,
        within: float = DEFAULT_TIMEOUT,
    ) -> dict[str, Any]:
        """The first message the bot posts in ``channel`` (from request ``since``)."""
        channel_id = str(p.CHANNELS[channel])
        request = await self.wait_for_request(
            "POST",
            "/channels/{channel_id}/messages",
            lambda r: (
                r.path.split("/")[2] == channel_id
                and 200 <= r.status < 300
                and (where is None or where(r.response))
            ),
            since=since,
            within=within,
        )
        return request.response

    # -- faults ------------------------------------------------------------------------------

    def observe(self, observer: Callable[[RecordedRequest], None]) -> None:
        """Call ``observer`` with each request as it arrives, before it is answered.

        For faults that must strike at an exact moment (killing the bot on its fifth
        acknowledgement), which a test waiting on futures would reach too late.
        """
        self._observers.append(observer)

    def fail(
        self,
        method: str,
        route: str,
        *,
        status: int = 500,
        times: int = 1,
        code: int = 0,
        message: str = "Injected failure",
    ) -> None:
        """Answer the next ``times`` requests to ``method route`` with an HTTP error."""
        self._faults.append(Fault(method, route, status, times, code=code, message=message))

    def rate_limit(
        self, method: str, route: str, *, retry_after: float = 0.05, times: int = 1
    ) -> None:
        """Answer the next ``times`` requests to ``method route`` with a (retryable) 429."""
        self._faults.append(Fault(method, route, 429, times, retry_after=retry_after))

    async def disconnect(self, *, code: int = 4000) -> asyncio.Future[str]:
        """Close the bot's websocket; the future resolves when it is back (see below)."""
        gateway = self._gateway
        if gateway is None:
            raise AssertionError("the bot is not connected to the gateway")
        back = self.expect_connection()
        gateway.live = False
        self._live.clear()
        await gateway.ws.close(code=code, message=b"dropped by test")
        return back

    async def drop_gateway(self, *, code: int = 4000, within: float = DEFAULT_TIMEOUT) -> str:
        """Close the bot's websocket; return once it is back (``"resumed"`` or ``"identified"``)."""
        back = await self.disconnect(code=code)
        return await self.wait_connection(back, within=within)

    # -- gateway ----------------------------------------------------------------------------

    def expect_connection(self) -> asyncio.Future[str]:
        """A future resolved with "identified"/"resumed" at the next READY or RESUMED sent."""
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._conn_waiters.append(future)
        return future

    async def wait_connection(
        self, future: asyncio.Future[str], *, within: float = DEFAULT_TIMEOUT
    ) -> str:
        try:
            return await asyncio.wait_for(future, within)
        except TimeoutError:
            raise AssertionError(
                f"the bot did not connect to the gateway within {within}s; requests:\n"
                + "\n".join(str(r) for r in self.requests)
            ) from None

    def _connected(self, how: str) -> None:
        self._live.set()
        waiters, self._conn_waiters = self._conn_waiters, []
        for future in waiters:
            if not future.done():
                future.set_result(how)

    async def dispatch(
        self,
        event: str,
        data: dict[str, Any],
        *,
        within: float = DEFAULT_TIMEOUT,
        wait_for_bot: bool = True,
    ) -> None:
        """Send a gateway DISPATCH; if the bot is reconnecting it gets it on RESUME.

        With ``wait_for_bot=False`` an event for a disconnected bot is only kept for a resume
        (a bot that was killed never gets it, as on Discord).
        """
        self._seq += 1
        frame = {"op": 0, "t": event, "s": self._seq, "d": data}
        self._sent.append((self._seq, frame))
        if not self._live.is_set() and not wait_for_bot:
            return
        if not self._live.is_set():
            # Like Discord, keep it for the resume; but the caller must not wait forever.
            try:
                await asyncio.wait_for(self._live.wait(), within)
            except TimeoutError:
                raise AssertionError(f"no gateway connection to send {event} on") from None
            return  # sent by the RESUME replay (or lost with the session, as on Discord)
        gateway = self._gateway
        assert gateway is not None
        await self._send(gateway, frame)

    async def _send(self, gateway: _Gateway, frame: dict[str, Any]) -> None:
        async with gateway.lock:
            if not gateway.ws.closed:
                await gateway.ws.send_str(_json_text(frame))

    async def _gateway_handler(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        gateway = _Gateway(ws, request, request.path)
        await self._send(gateway, {"op": 10, "d": {"heartbeat_interval": HEARTBEAT_MS}})
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                frame = _from_json(msg.data)
                await self._on_gateway_frame(gateway, frame)
        finally:
            if self._gateway is gateway:
                self._gateway = None
                self._live.clear()
        return ws

    async def _on_gateway_frame(self, gateway: _Gateway, frame: dict[str, Any]) -> None:
        op, data = frame.get("op"), frame.get("d")
        if op == 1:  # heartbeat
            await self._send(gateway, {"op": 11})
        elif op == 2:  # identify
            if data.get("token") != TOKEN:
                self.problems.append("IDENTIFY with the wrong token")
                await gateway.ws.close(code=4004)
                return
            self.identifies += 1
            self._session_id = secrets.token_hex(16)
            self._seq = 0
            self._sent.clear()
            self._gateway = gateway
            self._seq += 1
            ready = {
                "v": 10,
                "user": p.bot_user(),
                "guilds": [{"id": str(p.GUILD_ID), "unavailable": True}],
                "session_id": self._session_id,
                "resume_gateway_url": self.resume_url,
                "session_type": "normal",
                "shard": [0, 1],
                "application": {"id": str(p.APPLICATION_ID), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "user_settings": {},
                "guild_join_requests": [],
                "geo_ordered_rtc_regions": [],
                "auth_session_id_hash": "",
                "_trace": ["fake-discord"],
            }
            await self._send(gateway, {"op": 0, "t": "READY", "s": self._seq, "d": ready})
            self._seq += 1
            guild = {"op": 0, "t": "GUILD_CREATE", "s": self._seq, "d": p.guild_create()}
            await self._send(gateway, guild)
            gateway.live = True
            self._connected("identified")
        elif op == 6:  # resume
            self.resumes.append(gateway.path)
            if data.get("session_id") != self._session_id or data.get("token") != TOKEN:
                await self._send(gateway, {"op": 9, "d": False})
                return
            self._gateway = gateway
            # Replay what the bot missed, then RESUMED (whose d must be an object).
            missed = [f for s, f in self._sent if s > (data.get("seq") or 0)]
            for frame_ in missed:
                await self._send(gateway, frame_)
            self._seq += 1
            await self._send(gateway, {"op": 0, "t": "RESUMED", "s": self._seq, "d": {}})
            gateway.live = True
            self._connected("resumed")
        elif op in (3, 4, 8):  # presence, voice state, request members: nothing to answer
            pass
        else:
            self.problems.append(f"unexpected gateway opcode {op}: {frame!r}")

    # -- REST -------------------------------------------------------------------------------

    async def _rest_handler(self, request: web.Request) -> web.StreamResponse:
        path = strip_prefix(request.path)
        body, content_type = await _read_body(request)
        op = self.spec.operation(request.method, path) if self.spec is not None else None
        # Routing uses the fake's own templates (copied from the spec), so it works with
        # validation off or without the spec file.
        route = _match_template(self._templates, path, request.method) or (op and op.template)
        record = RecordedRequest(
            len(self.requests), request.method, path, route, dict(request.query), body
        )
        self.requests.append(record)
        for observer in list(self._observers):
            observer(record)
        status, response = await self._answer(request, record, op, content_type)
        record.status, record.response = status, response
        self._notify(record)
        headers = self._ratelimit_headers(route or path, status, response)
        if status == 204:
            return web.Response(status=204, headers=headers)
        # Exactly "application/json": with a charset discord.py treats the body as text.
        return web.Response(
            status=status,
            body=msgspec.json.encode(response),
            headers={**headers, "Content-Type": "application/json"},
        )

    async def _answer(
        self, request: web.Request, record: RecordedRequest, op: Any, content_type: str
    ) -> tuple[int, Any]:
        if (
            record.route is None
            or (handler := self._handler_table.get((record.method, record.route))) is None
        ):
            self.unknown.append(record)
            return 404, {"message": "404: Not Found (unknown to the fake Discord)", "code": 0}
        if not record.route.startswith(("/interactions/", "/webhooks/")) and (
            request.headers.get("Authorization") != f"Bot {TOKEN}"
        ):
            self.problems.append(f"{record.method} {record.path} without the bot token")
            return 401, {"message": "401: Unauthorized", "code": 0}
        if self.spec is not None and op is not None and record.body is not None:
            problems = self.spec.problems(op, record.body, content_type)
            if problems:
                self.violations.append(
                    f"{record.method} {record.path} ({op.template}):\n    "
                    + "\n    ".join(problems)
                    + f"\n  body: {_json_text(record.body)[:2000]}"
                )
                # Shaped like Discord's own "Invalid Form Body" so discord.py can parse it.
                errors = [{"code": "SCHEMA_VIOLATION", "message": m} for m in problems]
                return 400, {
                    "code": 50035,
                    "message": "Invalid Form Body",
                    "errors": {"body": {"_errors": errors}},
                }
        if (fault := self._take_fault(record)) is not None:
            return fault
        params = _params(record.route, record.path)
        return await handler(record, params)

    def _take_fault(self, record: RecordedRequest) -> tuple[int, Any] | None:
        for fault in self._faults:
            if fault.method == record.method and fault.route == record.route and fault.times > 0:
                fault.times -= 1
                if fault.status == 429:
                    return 429, {
                        "message": "You are being rate limited.",
                        "retry_after": fault.retry_after,
                        "global": False,
                    }
                return fault.status, {"message": fault.message, "code": fault.code}
        return None

    def _ratelimit_headers(self, route: str, status: int, response: Any) -> dict[str, str]:
        # Generous limits with real headers: without them discord.py serializes every route.
        # Discord answers through Google's front end; a 429 without Via looks like a
        # Cloudflare ban to discord.py, which then does not retry.
        headers = {
            "Via": "1.1 google",
            "X-RateLimit-Limit": "10000",
            "X-RateLimit-Remaining": "9999",
            "X-RateLimit-Reset": f"{dt.datetime.now(dt.UTC).timestamp() + 1:.3f}",
            "X-RateLimit-Reset-After": "1.000",
            "X-RateLimit-Bucket": hashlib.sha1(route.encode()).hexdigest()[:16],
        }
        if status == 429:
            retry = f"{response['retry_after']:.3f}"
            headers |= {
                "Retry-After": retry,
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": retry,
                "X-RateLimit-Scope": "user",
            }
        return headers

    def _notify(self, record: RecordedRequest) -> None:
        for waiter in list(self._waiters):
            if not waiter.future.done() and waiter.predicate(record):
                waiter.future.set_result(record)
        if record.route is not None and record.route.startswith(("/interactions/", "/webhooks/")):
            token = record.path.split("/")[3]
            exchange = self.exchanges.get(token)
            if exchange is not None:
                exchange.record(record)

    @functools.cached_property
    def _templates(self) -> list[tuple[str, tuple[str, ...]]]:
        parsed = [
            (f"{method} {template}", tuple(template.strip("/").split("/")))
            for method, template in self._handler_table
        ]
        return sorted(parsed, key=lambda t: -sum(not s.startswith("{") for s in t[1]))

    @functools.cached_property
    def _handler_table(self) -> dict[tuple[str, str], Any]:
        return {
            ("GET", "/users/@me"): self._get_me,
            ("GET", "/oauth2/applications/@me"): self._get_application,
            ("GET", "/applications/@me"): self._get_application,
            (
                "PUT",
                "/applications/{application_id}/guilds/{guild_id}/commands",
            ): self._put_commands,
            ("PUT", "/applications/{application_id}/commands"): self._put_commands,
            (
                "GET",
                "/applications/{application_id}/guilds/{guild_id}/commands",
            ): self._get_commands,
            ("GET", "/applications/{application_id}/commands"): self._get_commands,
            ("POST", "/interactions/{interaction_id}/{interaction_token}/callback"): self._callback,
            ("POST", "/webhooks/{webhook_id}/{webhook_token}"): self._followup,
            (
                "GET",
                "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
            ): self._get_original,
            (
                "PATCH",
                "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
            ): self._edit_original,
            (
                "DELETE",
                "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
            ): self._delete_original,
            (
                "PATCH",
                "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
            ): self._edit_webhook_message,
            ("POST", "/channels/{channel_id}/messages"): self._post_message,
            ("GET", "/channels/{channel_id}/messages/{message_id}"): self._get_message,
            ("PATCH", "/channels/{channel_id}/messages/{message_id}"): self._edit_message,
            ("DELETE", "/channels/{channel_id}/messages/{message_id}"): self._delete_message,
            ("GET", "/channels/{channel_id}"): self._get_channel,
            ("GET", "/users/{user_id}"): self._get_user,
            ("POST", "/users/@me/channels"): self._open_dm,
        }

    async def _get_me(self, record: RecordedRequest, params: dict[str, str]) -> tuple[int, Any]:
        return 200, p.bot_user()

    async def _get_application(
        self, record: RecordedRequest, params: dict[str, str]
    ) -> tuple[int, Any]:
        return 200, p.application()

    async def _put_commands(
        self, record: RecordedRequest, params: dict[str, str]
    ) -> tuple[int, Any]:
        guild = int(params["guild_id"]) if "guild_id" in params else None
        if guild is not None and guild != p.GUILD_ID:
            return 404, {"message": "Unknown Guild", "code": 10004}
        previous = {(c["type"], c["name"]): c["id"] for c in self.commands.get(guild, [])}
        stored = []
        for command in record.body:
            kind = command.get("type", 1)
            stored.append(
                {
                    "id": previous.get((kind, command["name"])) or str(self.ids.next()),
                    "application_id": str(p.APPLICATION_ID),
                    "version": str(self.ids.next()),
                    "type": kind,
                    "description": "",
                    "options": [],
                    "default_member_permissions": None,
                    "nsfw": False,
                    **({"guild_id": str(guild)} if guild is not None else {}),
                    **command,
                }
            )
        self.commands[guild] = stored
        return 200, stored

    async def _get_commands(
        self, record: RecordedRequest, params: dict[str, str]
    ) -> tuple[int, Any]:
        guild = int(params["guild_id"]) if "guild_id" in params else None
        return 200, self.commands.get(guild, [])

    def _exchange(self, params: dict[str, str], token_key: str) -> Exchange | None:
        return self.exchanges.get(params[token_key])

    async def _callback(self, record: RecordedRequest, params: dict[str, str]) -> tuple[int, Any]:
        exchange = self._exchange(params, "interaction_token")
        if exchange is None or exchange.id != int(params["interaction_id"]):
            return 404, {"message": "Unknown interaction", "code": 10062}
        if exchange.callback is not None:
            self.problems.append(f"interaction {exchange.describe()} acknowledged twice")
            return 400, {"message": "Interaction has already been acknowledged.", "code": 40060}
        body = record.body
        kind = body["type"]
        data = body.get("data") or {}
        message: dict[str, Any] | None = None
        if kind == 4:  # CHANNEL_MESSAGE_WITH_SOURCE
            message = self._store(exchange.channel_id, data, webhook=True, exchange=exchange)
        elif kind == 5:  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: a "thinking…" message
            flags = int(data.get("flags") or 0) | LOADING
            message = self._store(
                exchange.channel_id, {"flags": flags}, webhook=True, exchange=exchange
            )
        elif kind in (6, 7):  # (DEFERRED_)UPDATE_MESSAGE: the message the component was on
            source = exchange.payload.get("message")
            if source is None:
                self.problems.append(
                    f"update-message callback for {exchange.describe()} without a message"
                )
                return 400, {"message": "Invalid interaction callback", "code": 50035}
            current = self.messages.get(int(source["id"]), source)
            message = p.edit_message(current, data) if kind == 7 else current
            self.messages[int(message["id"])] = message
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

    async def _followup(self, record: RecordedRequest, params: dict[str, str]) -> tuple[int, Any]:
        exchange = self._exchange(params, "webhook_token")
        if exchange is None or params["webhook_id"] != str(p.APPLICATION_ID):
            return 404, {"message": "Unknown Webhook", "code": 10015}
        if exchange.callback is None:
            self.problems.append(f"followup before the callback for {exchange.describe()}")
            return 404, {"message": "Unknown Webhook", "code": 10015}
        original = exchange.original
        if exchange.callback["type"] == 5 and original is not None and original["flags"] & LOADING:
            # The first followup after a "thinking" defer replaces the loading message, keeping
            # the defer's ephemerality (as Discord does).
            body = {**record.body, "flags": int(original["flags"]) & ~LOADING}
            message = p.edit_message(original, body)
            self.messages[int(message["id"])] = message
            exchange.original = message
        else:
            message = self._store(exchange.channel_id, record.body, webhook=True, exchange=exchange)
        return 200, message

    def _original(self, exchange: Exchange | None) -> dict[str, Any] | None:
        if exchange is None or exchange.original is None:
            return None
        return self.messages.get(int(exchange.original["id"]))

    async def _get_original(
        self, record: RecordedRequest, params: dict[str, str]
    ) -> tuple[int, Any]:
        original = self._original(self._exchange(params, "webhook_token"))
        if original is None:
            return 404, {"message": "Unknown Message", "code": 10008}
        return 200, original

    async def _edit_original(
        self, record: RecordedRequest, params: dict[str, str]
    ) -> tuple[int, Any]:
        exchange = self._exchange(params, "webhook_token")
        original = self._original(exchange)
        if exchange is None or original is None:
            return 404, {"message": "Unknown Message", "code": 10008}
        body = dict(record.body)
        body["flags"] = int(original["flags"]) & ~LOADING
        message = p.edit_message(original, body)
        self.messages[int(message["id"])] = message
        exchange.original = message
        return 200, message

    async def _delete_original(
        self, record: RecordedRequest, params: dict[str, str]
    ) -> tuple[int, Any]:
        original = self._original(self._exchange(params, "webhook_token"))
        if original is None:
            return 404, {"message": "Unknown Message", "code": 10008}
        del self.messages[int(original["id"])]
        return 204, None

    async def _edit_webhook_message(
        self, record: RecordedRequest, params: dict[str, str]
    ) -> tuple[int, Any]:
        stored = self.messages.get(int(params["message_id"]))
        if stored is None:
            return 404, {"message": "Unknown Message", "code": 10008}
        message = p.edit_message(stored, record.body)
        self.messages[int(message["id"])] = message
        return 200, message

    async def _post_message(
        self, record: RecordedRequest, params: dict[str, str]
    ) -> tuple[int, Any]:
        channel_id = int(params["channel_id"])
        if channel_id not in p.CHANNELS.values() and channel_id not in self.dm_channels.values():
            return 404, {"message": "Unknown Channel", "code": 10003}
        message = self._store(channel_id, record.body)
        if channel_id in self.dm_channels.values():
            del message["guild_id"]
        return 200, message

    async def _get_message(
        self, record: RecordedRequest, params: dict[str, str]
    ) -> tuple[int, Any]:
        stored = self.messages.get(int(params["message_id"]))
        if stored is None or stored["channel_id"] != params["channel_id"]:
            return 404, {"message": "Unknown Message", "code": 10008}
        return 200, stored

    async def _edit_message(
        self, record: RecordedRequest, params: dict[str, str]
    ) -> tuple[int, Any]:
        stored = self.messages.get(int(params["message_id"]))
        if stored is None or stored["channel_id"] != params["channel_id"]:
            return 404, {"message": "Unknown Message", "code": 10008}
        if stored["author"]["id"] != str(p.APPLICATION_ID):
            return 403, {"message": "Cannot edit a message authored by another user", "code": 50005}
        message = p.edit_message(stored, record.body)
        self.messages[int(message["id"])] = message
        return 200, message

    async def _delete_message(
        self, record: RecordedRequest, params: dict[str, str]
    ) -> tuple[int, Any]:
        if self.messages.pop(int(params["message_id"]), None) is None:
            return 404, {"message": "Unknown Message", "code": 10008}
        return 204, None

    async def _get_channel(
        self, record: RecordedRequest, params: dict[str, str]
    ) -> tuple[int, Any]:
        for name, channel_id in p.CHANNELS.items():
            if str(channel_id) == params["channel_id"]:
                return 200, p.channel(name)
        return 404, {"message": "Unknown Channel", "code": 10003}

    async def _get_user(self, record: RecordedRequest, params: dict[str, str]) -> tuple[int, Any]:
        user = self.users.get(int(params["user_id"])) if params["user_id"].isdigit() else None
        if user is None:
            return 404, {"message": "Unknown User", "code": 10013}
        return 200, user.user_payload()

    async def _open_dm(self, record: RecordedRequest, params: dict[str, str]) -> tuple[int, Any]:
        user = self.users.get(int(record.body["recipient_id"]))
        if user is None:
            return 400, {"message": "Invalid Recipient(s)", "code": 50033}
        channel_id = self.dm_channels.setdefault(user.id, self.ids.next())
        return 200, {
            "id": str(channel_id),
            "type": 1,
            "last_message_id": None,
            "flags": 0,
            "recipients": [user.user_payload()],
        }

    def dms_to(self, user: p.FakeUser) -> list[dict[str, Any]]:
        """Direct messages the bot sent to ``user``, oldest first."""
        channel_id = self.dm_channels.get(user.id)
        return [m for m in self.messages.values() if m["channel_id"] == str(channel_id)]

    def _store(
        self,
        channel_id: int,
        body: dict[str, Any],
        *,
        webhook: bool = False,
        exchange: Exchange | None = None,
    ) -> dict[str, Any]:
        metadata = None
        if exchange is not None:
            metadata = {
                "id": str(exchange.id),
                "type": exchange.kind,
                "user": exchange.user.user_payload(),
                "authorizing_integration_owners": {"0": str(p.GUILD_ID)},
            }
        message = p.message(
            self.ids.next(),
            channel_id,
            body,
            webhook_id=p.APPLICATION_ID if webhook else None,
            interaction=metadata,
        )
        self.messages[int(message["id"])] = message
        return message

    # -- injecting interactions -------------------------------------------------------------

    async def interact(
        self,
        kind: int,
        data: dict[str, Any] | None,
        *,
        user: p.FakeUser,
        channel: str = "general",
        message: dict[str, Any] | None = None,
        within: float = DEFAULT_TIMEOUT,
    ) -> Exchange:
        """Send an INTERACTION_CREATE and wait until the bot has visibly answered it."""
        exchange = self.start_interaction(kind, data, user=user, channel=channel, message=message)
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
    ) -> Exchange:
        """Register an interaction (not yet sent): its id, token and the payload to send."""
        interaction_id = self.ids.next()
        token = f"itok.{interaction_id}.{secrets.token_urlsafe(16)}"
        payload = p.interaction(
            interaction_id, kind, user, data, channel_name=channel, message=message, token=token
        )
        exchange = Exchange(payload, user, self)
        self.exchanges[token] = exchange
        self.users.setdefault(user.id, user)
        return exchange

    async def send_interaction(self, exchange: Exchange, *, wait_for_bot: bool = True) -> None:
        """Deliver a registered interaction over the gateway (see :meth:`dispatch`)."""
        exchange.mark_sent()
        await self.dispatch("INTERACTION_CREATE", exchange.payload, wait_for_bot=wait_for_bot)

    def command(self, name: str, kind: int = 1) -> dict[str, Any] | None:
        """The synced definition of a command (guild first, then global), if any."""
        for scope in (p.GUILD_ID, None):
            for command in self.commands.get(scope, []):
                if command["name"] == name and command.get("type", 1) == kind:
                    return command
        return None

    def command_data(
        self, path: str, options: dict[str, Any] | None, *, focused: str | None = None
    ) -> dict[str, Any]:
        """The ``data`` of a slash command interaction for ``/path`` (``"kb reload"``)."""
        name, *subs = path.split()
        definition = self.command(name)
        if definition is None:
            raise AssertionError(
                f"/{name} was never synced; known: {sorted(c['name'] for c in self._all())}"
            )
        level = definition
        chain: list[dict[str, Any]] = []
        for sub in subs:
            found = next((o for o in level.get("options") or [] if o["name"] == sub), None)
            if found is None or found["type"] not in (1, 2):
                raise AssertionError(f"/{path}: no subcommand {sub!r}")
            chain.append({"name": sub, "type": found["type"], "options": []})
            level = found
        leaf_options = _option_values(path, level.get("options") or [], options or {}, focused)
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
            "guild_id": str(p.GUILD_ID),
            "options": top_options,
        }

    def _all(self) -> Iterable[dict[str, Any]]:
        for commands in self.commands.values():
            yield from commands

    async def slash(
        self,
        path: str,
        options: dict[str, Any] | None = None,
        *,
        user: p.FakeUser = p.MEMBER,
        channel: str = "general",
        within: float = DEFAULT_TIMEOUT,
    ) -> Exchange:
        """Run ``/path`` as ``user``; returns the settled exchange (callback + followups)."""
        data = self.command_data(path, options)
        return await self.interact(
            APPLICATION_COMMAND, data, user=user, channel=channel, within=within
        )

    async def autocomplete(
        self,
        path: str,
        option: str,
        value: str,
        *,
        others: dict[str, Any] | None = None,
        user: p.FakeUser = p.MEMBER,
        within: float = DEFAULT_TIMEOUT,
    ) -> list[dict[str, Any]]:
        """Type ``value`` into ``option`` of ``/path``; the choices the bot offers."""
        data = self.command_data(path, {**(others or {}), option: value}, focused=option)
        exchange = await self.interact(AUTOCOMPLETE, data, user=user, within=within)
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
        component = _find_component(message, custom_id)
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
        component = _find_component(message, custom_id)
        offered = {o["value"] for o in component.get("options") or []}
        if component.get("type") == 3 and not set(values) <= offered:
            raise AssertionError(f"{values} are not among the options {sorted(offered)}")
        data = {"custom_id": custom_id, "component_type": component["type"], "values": values}
        return await self._component(data, message, user, within)

    async def _component(
        self, data: dict[str, Any], message: dict[str, Any], user: p.FakeUser, within: float
    ) -> Exchange:
        channel = next(n for n, i in p.CHANNELS.items() if str(i) == message["channel_id"])
        current = self.messages.get(int(message["id"]), message)
        return await self.interact(
            MESSAGE_COMPONENT, data, user=user, channel=channel, message=current, within=within
        )

    def last_modal(self, custom_id: str | None = None) -> dict[str, Any]:
        """The most recent modal the bot opened (with that ``custom_id``)."""
        for exchange in reversed(list(self.exchanges.values())):
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
        within: float = DEFAULT_TIMEOUT,
    ) -> Exchange:
        """Fill in and submit the modal the bot opened (the latest with ``custom_id``)."""
        modal = modal or self.last_modal(custom_id)
        data = {"custom_id": modal["custom_id"], "components": _fill_modal(modal, values)}
        return await self.interact(MODAL_SUBMIT, data, user=user, within=within)

    def start_modal_submit(
        self, modal: dict[str, Any], values: dict[str, Any], *, user: p.FakeUser = p.MEMBER
    ) -> Exchange:
        """A modal submit registered but not sent (for bursts): see :meth:`send_interaction`."""
        data = {"custom_id": modal["custom_id"], "components": _fill_modal(modal, values)}
        return self.start_interaction(MODAL_SUBMIT, data, user=user)

    async def context_menu(
        self,
        name: str,
        target: dict[str, Any],
        *,
        user: p.FakeUser = p.MEMBER,
        within: float = DEFAULT_TIMEOUT,
    ) -> Exchange:
        """Run the message context-menu command ``name`` on ``target`` as ``user``."""
        definition = self.command(name, kind=3)
        if definition is None:
            raise AssertionError(f"message command {name!r} was never synced")
        data = {
            "id": definition["id"],
            "name": name,
            "type": 3,
            "guild_id": str(p.GUILD_ID),
            "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}},
        }
        channel = next(n for n, i in p.CHANNELS.items() if str(i) == target["channel_id"])
        return await self.interact(
            APPLICATION_COMMAND, data, user=user, channel=channel, within=within
        )

    def user_message(
        self, content: str, *, author: p.FakeUser = p.MEMBER, channel: str = "general"
    ) -> dict[str, Any]:
        """A message someone else wrote (for context menus), stored in ``channel``."""
        message = p.message(self.ids.next(), p.CHANNELS[channel], {"content": content})
        message["author"] = author.user_payload()
        self.messages[int(message["id"])] = message
        return message


# msgspec rather than the json module: the fake parses and writes JSON on every request, and in
# the benchmark that cost would otherwise be charged to the bot.
_from_json = msgspec.json.decode


def _json_text(value: Any) -> str:
    return msgspec.json.encode(value).decode()


async def _read_body(request: web.Request) -> tuple[Any, str]:
    content_type = request.content_type
    if not request.body_exists:
        return None, content_type
    if content_type == "multipart/form-data":
        form = await request.post()
        raw = form.get("payload_json")
        return (_from_json(str(raw)) if raw is not None else {}), content_type
    raw = await request.read()
    try:
        return _from_json(raw), content_type
    except msgspec.DecodeError:
        return raw.decode("utf-8", errors="replace"), content_type


def _match_template(
    templates: list[tuple[str, tuple[str, ...]]], path: str, method: str
) -> str | None:
    """The first template (literal segments first) that ``path`` fits, for ``method``."""
    segments = tuple(path.strip("/").split("/"))
    for key, template in templates:
        if not key.startswith(method + " ") or len(template) != len(segments):
            continue
        if all(t.startswith("{") or t == s for t, s in zip(template, segments, strict=True)):
            return key.split(" ", 1)[1]
    return None


def _params(template: str, path: str) -> dict[str, str]:
    names = template.strip("/").split("/")
    values = path.strip("/").split("/")
    return {n[1:-1]: v for n, v in zip(names, values, strict=False) if n.startswith("{")}


def _option_values(
    path: str, definitions: list[dict[str, Any]], values: dict[str, Any], focused: str | None
) -> list[dict[str, Any]]:
    by_name = {d["name"]: d for d in definitions}
    options = []
    for name, value in values.items():
        definition = by_name.get(name)
        if definition is None:
            raise AssertionError(f"/{path} has no option {name!r}; it has {sorted(by_name)}")
        option: dict[str, Any] = {"name": name, "type": definition["type"], "value": value}
        if name == focused:
            # While typing, Discord sends the partial text whatever the option's type.
            option["focused"] = True
            option["value"] = str(value)
        elif definition["type"] in (6, 7, 8, 9, 11):
            option["value"] = str(value)
        options.append(option)
    missing = [d["name"] for d in definitions if d.get("required") and d["name"] not in values]
    if missing and focused is None:
        raise AssertionError(f"/{path} needs {missing}; Discord would not let the user send it")
    return options


def _walk(components: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for component in components:
        yield component
        yield from _walk(component.get("components") or [])
        if isinstance(component.get("component"), dict):
            yield from _walk([component["component"]])
        if isinstance(component.get("accessory"), dict):
            yield component["accessory"]


def _find_component(message: dict[str, Any], custom_id: str) -> dict[str, Any]:
    for component in _walk(message.get("components") or []):
        if component.get("custom_id") == custom_id:
            return component
    ids = [c.get("custom_id") for c in _walk(message.get("components") or []) if c.get("custom_id")]
    raise AssertionError(f"no component {custom_id!r} on the message; it has {ids}")


def _fill_modal(modal: dict[str, Any], values: dict[str, Any]) -> list[dict[str, Any]]:
    """The submitted components of ``modal``, mirroring its layout, with ``values`` entered.

    ``values`` is keyed by a field's custom id or by its label (discord.py makes up random
    custom ids for fields, so a test names them as the person sees them). A text input takes
    a string, a select a list of option values (default: its preselected options).
    """
    unused = set(values)

    def given(component: dict[str, Any], label: str | None) -> Any:
        for key in (component.get("custom_id"), label, component.get("label")):
            if key is not None and key in values:
                unused.discard(key)
                return values[key]
        return None

    def text_input(component: dict[str, Any], label: str | None) -> dict[str, Any]:
        name = label or component.get("label") or component["custom_id"]
        value = given(component, label)
        value = component.get("value") or "" if value is None else str(value)
        if component.get("required", True) and not value:
            raise AssertionError(f"modal field {name!r} is required")
        if len(value) > component.get("max_length", 4000):
            raise AssertionError(f"modal field {name!r} allows {component['max_length']} chars")
        if value and len(value) < component.get("min_length", 0):
            raise AssertionError(f"modal field {name!r} needs {component['min_length']} chars")
        return {
            "type": 4,
            "id": component.get("id", 0),
            "custom_id": component["custom_id"],
            "value": value,
        }

    def select(component: dict[str, Any], label: str | None) -> dict[str, Any]:
        name = label or component["custom_id"]
        picked = given(component, label)
        options = component.get("options") or []
        if picked is None:
            picked = [o["value"] for o in options if o.get("default")]
        picked = [picked] if isinstance(picked, str) else list(picked)
        offered = {o["value"] for o in options}
        if component["type"] == 3 and not set(picked) <= offered:
            raise AssertionError(f"modal select {name!r}: {picked} not among {sorted(offered)}")
        if len(picked) < component.get("min_values", 1) and component.get("required", True):
            raise AssertionError(f"modal select {name!r} needs a choice")
        return {
            "type": component["type"],
            "id": component.get("id", 0),
            "custom_id": component["custom_id"],
            "values": picked,
        }

    def answer(component: dict[str, Any], label: str | None = None) -> dict[str, Any]:
        if component["type"] == 4:
            return text_input(component, label)
        if component["type"] in (3, 5, 6, 7, 8):
            return select(component, label)
        return {"type": component["type"], "id": component.get("id", 0)}

    submitted = []
    for row in modal.get("components") or []:
        if row["type"] == 1:
            inner = [answer(c) for c in row["components"]]
            submitted.append({"type": 1, "id": row.get("id", 0), "components": inner})
        elif row["type"] == 18:
            inner_one = answer(row["component"], row.get("label"))
            submitted.append({"type": 18, "id": row.get("id", 0), "component": inner_one})
        else:
            submitted.append({"type": row["type"], "id": row.get("id", 0)})
    if unused:
        raise AssertionError(f"the modal has no fields {sorted(unused)}")
    return submitted
