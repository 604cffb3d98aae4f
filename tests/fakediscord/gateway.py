"""The gateway websocket: HELLO, heartbeats, IDENTIFY per shard (READY and a GUILD_CREATE for
each guild of the shard), RESUME with replay of what the shard missed, dispatching events to
the right shard, and dropping a connection on request."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from . import payloads as p
from .record import DEFAULT_TIMEOUT, Recorder
from .rest import TOKEN, from_json, json_text
from .state import State

HEARTBEAT_MS = 41_250


@dataclass
class Connection:
    """One websocket connection from the bot."""

    ws: web.WebSocketResponse
    request: web.Request
    path: str
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass
class Session:
    """One identified session: shard ``shard_id`` of ``shard_count``, resumable after a drop."""

    shard_id: int
    shard_count: int
    session_id: str
    connection: Connection | None
    guild_ids: list[int] = field(default_factory=list)  # sent as GUILD_CREATE after READY
    seq: int = 0
    sent: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # kept for RESUME


class Gateway:
    """The bot's gateway sessions, one per shard, each on one connection at a time.

    An event goes to the session of its guild's shard, ``(guild_id >> 22) % shard_count``;
    an event without a guild (a DM) goes to shard 0, as on Discord.
    """

    def __init__(self, state: State, recorder: Recorder, resume_url: Callable[[], str]) -> None:
        self.state = state
        self.recorder = recorder
        self._resume_url = resume_url  # known only once the server listens
        self.identifies = 0
        self.resumes: list[str] = []  # the path each RESUME arrived on
        self.sessions: dict[int, Session] = {}  # by shard id
        self._conn_waiters: list[asyncio.Future[str]] = []
        self._live: dict[int, asyncio.Event] = collections.defaultdict(asyncio.Event)

    async def close(self) -> None:
        """Close the bot's connections, as Discord going away would."""
        for session in self.sessions.values():
            if session.connection is not None:
                with contextlib.suppress(Exception):
                    await session.connection.ws.close(code=1001)

    @property
    def shard_count(self) -> int:
        """How many shards the bot said it runs (1 until it identifies)."""
        counts = {s.shard_count for s in self.sessions.values()}
        return max(counts, default=1)

    def shard_of(self, guild_id: int | None) -> int:
        """The shard whose session gets the events of ``guild_id`` (None: shard 0)."""
        return 0 if guild_id is None else (guild_id >> 22) % self.shard_count

    # -- what a test does --------------------------------------------------------------------

    async def dispatch(
        self,
        event: str,
        data: dict[str, Any],
        *,
        shard: int | None = None,
        within: float = DEFAULT_TIMEOUT,
        wait_for_bot: bool = True,
    ) -> None:
        """Send a gateway DISPATCH to the shard of its guild (or to ``shard``); if that shard is
        reconnecting it gets the event on RESUME.

        With ``wait_for_bot=False`` an event for a disconnected bot is only kept for a resume
        (a bot that was killed never gets it, as on Discord).
        """
        shard = self.shard_of(_guild_id(event, data)) if shard is None else shard
        session, live = self.sessions.get(shard), self._live[shard]
        frame: dict[str, Any] = {"op": 0, "t": event, "d": data}
        if session is not None:
            session.seq += 1
            frame["s"] = session.seq
            session.sent.append((session.seq, frame))
        if not live.is_set() and not wait_for_bot:
            return
        if not live.is_set():
            # Like Discord, keep it for the resume; but the caller must not wait forever.
            try:
                await asyncio.wait_for(live.wait(), within)
            except TimeoutError:
                raise AssertionError(f"no gateway connection to send {event} on") from None
            return  # sent by the RESUME replay (or lost with the session, as on Discord)
        assert session is not None and session.connection is not None
        await self._send(session.connection, frame)

    async def disconnect(self, *, code: int = 4000, shard: int = 0) -> asyncio.Future[str]:
        """Close a shard's websocket; the future resolves when it is back (see below)."""
        session = self.sessions.get(shard)
        if session is None or session.connection is None:
            raise AssertionError(f"shard {shard} of the bot is not connected to the gateway")
        back = self.expect_connection()
        self._live[shard].clear()
        await session.connection.ws.close(code=code, message=b"dropped by test")
        return back

    async def drop_gateway(
        self, *, code: int = 4000, shard: int = 0, within: float = DEFAULT_TIMEOUT
    ) -> str:
        """Close a shard's websocket; return once it is back (``"resumed"`` or ``"identified"``)."""
        back = await self.disconnect(code=code, shard=shard)
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
            for session in self.sessions.values():
                if session.connection is connection:
                    session.connection = None
                    self._live[session.shard_id].clear()
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
        shard_id, shard_count = data.get("shard") or (0, 1)
        if not 0 <= shard_id < shard_count:
            self.recorder.problems.append(
                f"IDENTIFY with an invalid shard {[shard_id, shard_count]}"
            )
            await connection.ws.close(code=4010)
            return
        self.identifies += 1
        guilds = [g for g in self.state.guilds.values() if g.shard(shard_count) == shard_id]
        session = Session(shard_id, shard_count, secrets.token_hex(16), connection)
        self.sessions[shard_id] = session
        session.seq += 1
        ready = {
            "v": 10,
            "user": p.bot_user(),
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.session_id,
            "resume_gateway_url": self._resume_url(),
            "session_type": "normal",
            "shard": [shard_id, shard_count],
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
        await self._send(connection, {"op": 0, "t": "READY", "s": session.seq, "d": ready})
        for guild in guilds:
            session.seq += 1
            created = {"op": 0, "t": "GUILD_CREATE", "s": session.seq, "d": guild.create_payload()}
            await self._send(connection, created)
            session.guild_ids.append(guild.id)
        self._connected(shard_id, "identified")

    async def _resume(self, connection: Connection, data: dict[str, Any]) -> None:
        self.resumes.append(connection.path)
        session = next(
            (s for s in self.sessions.values() if s.session_id == data.get("session_id")), None
        )
        if session is None or data.get("token") != TOKEN:
            await self._send(connection, {"op": 9, "d": False})
            return
        session.connection = connection
        # Replay what the bot missed, then RESUMED (whose d must be an object).
        missed = [f for s, f in session.sent if s > (data.get("seq") or 0)]
        for frame in missed:
            await self._send(connection, frame)
        session.seq += 1
        await self._send(connection, {"op": 0, "t": "RESUMED", "s": session.seq, "d": {}})
        self._connected(session.shard_id, "resumed")

    def _connected(self, shard_id: int, how: str) -> None:
        self._live[shard_id].set()
        waiters, self._conn_waiters = self._conn_waiters, []
        for future in waiters:
            if not future.done():
                future.set_result(how)


# Events whose guild is the object itself (``id``) rather than a ``guild_id`` field.
_GUILD_OBJECT_EVENTS = {"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"}


def _guild_id(event: str, data: dict[str, Any]) -> int | None:
    """The guild an event belongs to, which picks its shard (None: a DM, shard 0)."""
    guild_id = data.get("id") if event in _GUILD_OBJECT_EVENTS else data.get("guild_id")
    return None if guild_id is None else int(guild_id)
