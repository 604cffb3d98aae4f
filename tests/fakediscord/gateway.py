"""The gateway websocket: HELLO, heartbeats, IDENTIFY (READY and GUILD_CREATE), RESUME with
replay of what the bot missed, dispatching events, and dropping the connection on request."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from . import payloads as p
from .record import DEFAULT_TIMEOUT, Recorder
from .rest import TOKEN, from_json, json_text

HEARTBEAT_MS = 41_250


@dataclass
class Connection:
    """One websocket connection from the bot."""

    ws: web.WebSocketResponse
    request: web.Request
    path: str
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    live: bool = False  # identified or resumed: events may be sent


class Gateway:
    """The bot's gateway session: one connection at a time, resumable after a drop."""

    def __init__(self, recorder: Recorder, resume_url: Callable[[], str]) -> None:
        self.recorder = recorder
        self._resume_url = resume_url  # known only once the server listens
        self.identifies = 0
        self.resumes: list[str] = []  # the path each RESUME arrived on
        self._connection: Connection | None = None
        self._conn_waiters: list[asyncio.Future[str]] = []
        self._session_id = ""
        self._seq = 0
        self._sent: list[tuple[int, dict[str, Any]]] = []  # dispatches kept for RESUME replay
        self._live = asyncio.Event()

    async def close(self) -> None:
        """Close the bot's connection, if any, as Discord going away would."""
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.ws.close(code=1001)

    # -- what a test does --------------------------------------------------------------------

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
        connection = self._connection
        assert connection is not None
        await self._send(connection, frame)

    async def disconnect(self, *, code: int = 4000) -> asyncio.Future[str]:
        """Close the bot's websocket; the future resolves when it is back (see below)."""
        connection = self._connection
        if connection is None:
            raise AssertionError("the bot is not connected to the gateway")
        back = self.expect_connection()
        connection.live = False
        self._live.clear()
        await connection.ws.close(code=code, message=b"dropped by test")
        return back

    async def drop_gateway(self, *, code: int = 4000, within: float = DEFAULT_TIMEOUT) -> str:
        """Close the bot's websocket; return once it is back (``"resumed"`` or ``"identified"``)."""
        back = await self.disconnect(code=code)
        return await self.wait_connection(back, within=within)

    def expect_connection(self) -> asyncio.Future[str]:
        """A future resolved with "identified"/"resumed" at the next READY or RESUMED sent."""
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._conn_waiters.append(future)
        return future

    async def wait_connection(
        self, future: asyncio.Future[str], *, within: float = DEFAULT_TIMEOUT
    ) -> str:
        """Wait for a future from :meth:`expect_connection`; fail with the requests so far."""
        try:
            return await asyncio.wait_for(future, within)
        except TimeoutError:
            raise AssertionError(
                f"the bot did not connect to the gateway within {within}s; requests:\n"
                + "\n".join(str(r) for r in self.recorder.requests)
            ) from None

    # -- the websocket -----------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """The aiohttp handler for ``/gateway/`` and ``/resume/``."""
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        connection = Connection(ws, request, request.path)
        await self._send(connection, {"op": 10, "d": {"heartbeat_interval": HEARTBEAT_MS}})
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                await self._on_frame(connection, from_json(msg.data))
        finally:
            if self._connection is connection:
                self._connection = None
                self._live.clear()
        return ws

    async def _send(self, connection: Connection, frame: dict[str, Any]) -> None:
        async with connection.lock:
            if not connection.ws.closed:
                await connection.ws.send_str(json_text(frame))

    async def _on_frame(self, connection: Connection, frame: dict[str, Any]) -> None:
        op, data = frame.get("op"), frame.get("d")
        if op == 1:  # heartbeat
            await self._send(connection, {"op": 11})
        elif op == 2:  # identify
            await self._identify(connection, data)
        elif op == 6:  # resume
            await self._resume(connection, data)
        elif op in (3, 4, 8):  # presence, voice state, request members: nothing to answer
            pass
        else:
            self.recorder.problems.append(f"unexpected gateway opcode {op}: {frame!r}")

    async def _identify(self, connection: Connection, data: dict[str, Any]) -> None:
        if data.get("token") != TOKEN:
            self.recorder.problems.append("IDENTIFY with the wrong token")
            await connection.ws.close(code=4004)
            return
        self.identifies += 1
        self._session_id = secrets.token_hex(16)
        self._seq = 0
        self._sent.clear()
        self._connection = connection
        self._seq += 1
        ready = {
            "v": 10,
            "user": p.bot_user(),
            "guilds": [{"id": str(p.GUILD_ID), "unavailable": True}],
            "session_id": self._session_id,
            "resume_gateway_url": self._resume_url(),
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
        await self._send(connection, {"op": 0, "t": "READY", "s": self._seq, "d": ready})
        self._seq += 1
        guild = {"op": 0, "t": "GUILD_CREATE", "s": self._seq, "d": p.guild_create()}
        await self._send(connection, guild)
        connection.live = True
        self._connected("identified")

    async def _resume(self, connection: Connection, data: dict[str, Any]) -> None:
        self.resumes.append(connection.path)
        if data.get("session_id") != self._session_id or data.get("token") != TOKEN:
            await self._send(connection, {"op": 9, "d": False})
            return
        self._connection = connection
        # Replay what the bot missed, then RESUMED (whose d must be an object).
        missed = [f for s, f in self._sent if s > (data.get("seq") or 0)]
        for frame in missed:
            await self._send(connection, frame)
        self._seq += 1
        await self._send(connection, {"op": 0, "t": "RESUMED", "s": self._seq, "d": {}})
        connection.live = True
        self._connected("resumed")

    def _connected(self, how: str) -> None:
        self._live.set()
        waiters, self._conn_waiters = self._conn_waiters, []
        for future in waiters:
            if not future.done():
                future.set_result(how)
