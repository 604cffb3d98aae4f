"""A fake Discord on 127.0.0.1: the REST API under ``/api/v10`` and the gateway websocket.

It records every request the bot makes, checks each body against Discord's OpenAPI spec,
answers like Discord for the routes vetbot uses (and 404s, recorded as a problem, for the
rest), and lets a test inject gateway events and faults. Waiting is done with futures that are
resolved as requests arrive, never by polling.

:class:`FakeDiscord` only composes the parts and serves them; each part is its own module:

- ``state.py``: what the fake holds (commands, messages, people, DM channels, interactions)
- ``record.py``: the request log, injected faults, waiting for a request
- ``rest.py``: the REST front (token, spec, faults, routing, rate-limit headers)
- ``routes.py`` / ``interactions.py``: the REST handlers, for resources / interaction answers
- ``gateway.py``: the websocket session (IDENTIFY, RESUME, dispatch, drops)
- ``driver.py`` (with ``forms.py``): acting as people, from slash commands to modals
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web

from .driver import APPLICATION_COMMAND, AUTOCOMPLETE, MESSAGE_COMPONENT, MODAL_SUBMIT, Driver
from .gateway import Gateway
from .guilds import FakeGuild
from .interactions import InteractionRoutes
from .record import DEFAULT_TIMEOUT, Fault, RecordedRequest, Recorder
from .rest import TOKEN, Rest
from .routes import ResourceRoutes
from .spec import API_PREFIX, Spec, load_spec
from .state import State

log = logging.getLogger(__name__)

__all__ = [
    "APPLICATION_COMMAND",
    "AUTOCOMPLETE",
    "DEFAULT_TIMEOUT",
    "MESSAGE_COMPONENT",
    "MODAL_SUBMIT",
    "TOKEN",
    "FakeDiscord",
    "Fault",
    "RecordedRequest",
]


class FakeDiscord:
    """The fake. ``async with FakeDiscord() as fake:`` serves on an ephemeral port.

    Its attributes and methods are those of its parts, named here so a test needs only
    ``fake``: ``fake.slash(...)`` is :meth:`Driver.slash`, ``fake.requests`` the recorder's
    log, ``fake.messages`` the state's messages (the same objects, not copies).
    """

    def __init__(self, *, validate: bool = True) -> None:
        self.spec: Spec | None = load_spec() if validate else None
        self.port = 0
        # What GET /gateway/bot recommends: an AutoShardedClient without a shard_count runs this
        # many shards.
        self.recommended_shards = 1
        self._runner: web.AppRunner | None = None

        self.state = State()
        self.recorder = Recorder()
        self.gateway = Gateway(self.state, self.recorder, lambda: self.resume_url)
        self.driver = Driver(self.state, self.gateway)
        interactions = InteractionRoutes(self.state, self.recorder)
        resources = ResourceRoutes(self.state, self._gateway_bot)
        routes = {**resources.table(), **interactions.table()}
        self.rest = Rest(self.recorder, self.spec, routes, interactions.answered)

        # What the fake holds.
        self.ids = self.state.ids
        self.commands = self.state.commands
        self.messages = self.state.messages
        self.exchanges = self.state.exchanges
        self.users = self.state.users
        self.dm_channels = self.state.dm_channels
        self.command = self.state.command
        self.messages_in = self.state.messages_in
        self.dms_to = self.state.dms_to
        self.guilds = self.state.guilds
        self.add_guild = self.state.add_guild

        # What the bot asked, and the faults to answer it with.
        self.requests = self.recorder.requests
        self.unknown = self.recorder.unknown
        self.violations = self.recorder.violations
        self.problems = self.recorder.problems
        self.requests_to = self.recorder.requests_to
        self.count = self.recorder.count
        self.wait_for_request = self.recorder.wait_for_request
        self.observe = self.recorder.observe
        self.fail = self.recorder.fail
        self.rate_limit = self.recorder.rate_limit

        # The gateway.
        self.resumes = self.gateway.resumes
        self.sessions = self.gateway.sessions
        self.dispatch = self.gateway.dispatch
        self.disconnect = self.gateway.disconnect
        self.drop_gateway = self.gateway.drop_gateway
        self.expect_connection = self.gateway.expect_connection
        self.wait_connection = self.gateway.wait_connection

        # Acting as people.
        self.interact = self.driver.interact
        self.start_interaction = self.driver.start_interaction
        self.send_interaction = self.driver.send_interaction
        self.command_data = self.driver.command_data
        self.slash = self.driver.slash
        self.autocomplete = self.driver.autocomplete
        self.click = self.driver.click
        self.select = self.driver.select
        self.last_modal = self.driver.last_modal
        self.submit_modal = self.driver.submit_modal
        self.start_modal_submit = self.driver.start_modal_submit
        self.context_menu = self.driver.context_menu
        self.user_message = self.driver.user_message

    @property
    def identifies(self) -> int:
        """How many times the bot sent IDENTIFY (a resume does not count)."""
        return self.gateway.identifies

    # -- life cycle ------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        """Serve on 127.0.0.1 with an ephemeral port (never the internet)."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("GET", "/gateway/", self.gateway.handle)
        app.router.add_route("GET", "/resume/", self.gateway.handle)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self.rest.handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        log.debug("Fake Discord listening on %s", self.url)
        return self

    async def close(self) -> None:
        """Close the gateway and stop serving."""
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
        self.recorder.close()

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

    def _gateway_bot(self) -> dict[str, Any]:
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        return {
            "url": self.gateway_url,
            "shards": self.recommended_shards,
            "session_start_limit": limit,
        }

    def assert_clean(self) -> None:
        """Fail with every unknown request, spec violation and protocol problem seen."""
        lines = self.recorder.report()
        if lines:
            raise AssertionError("The fake Discord saw problems:\n" + "\n".join(lines))

    # -- across parts ----------------------------------------------------------------------

    async def wait_for_message(
        self,
        channel: str,
        where: Callable[[dict[str, Any]], bool] | None = None,
        *,
        since: int = 0,
        guild: FakeGuild | None = None,
        within: float = DEFAULT_TIMEOUT,
    ) -> dict[str, Any]:
        """The first message the bot posts in ``channel`` of ``guild`` (from request ``since``)."""
        channel_id = str(self.state.channel_id(channel, guild))
        request = await self.recorder.wait_for_request(
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
