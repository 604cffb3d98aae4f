"""Run the real vetbot against the fake: in this process, or as ``python -m bot`` in another."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import discord.gateway
import discord.http

from . import payloads as p
from .config import bot_toml
from .launch import FAKE_URL_ENV, point_discord_at
from .server import DEFAULT_TIMEOUT, TOKEN, FakeDiscord

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
# Names discord.py gives the tasks that run commands, events and component callbacks.
HANDLER_TASKS = ("CommandTree-invoker", "discord.py: ", "discord-ui-")


def write_config(folder: Path, *, extra: str = "", database: str = "vetbot.db") -> Path:
    """A ``bot.toml`` in ``folder`` syncing to the fake guild, its database beside it (or
    ``database``: a ``postgresql://`` URL)."""
    path = folder / "bot.toml"
    path.write_text(bot_toml([p.GUILD_ID], extra, database), encoding="utf-8")
    return path


@contextlib.contextmanager
def pointed_at(fake: FakeDiscord) -> Iterator[None]:
    """discord.py's base addresses pointed at ``fake`` for the duration."""
    saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    point_discord_at(fake.url)
    try:
        yield
    finally:
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved


class InProcessBot:
    """The real ``Vetbot`` (same setup_hook, cogs and core) running on this event loop.

    Built like ``bot.client.run_bot`` minus the signal handlers, which belong to pytest here.
    """

    def __init__(self, fake: FakeDiscord, config_path: Path) -> None:
        self.fake = fake
        self.config_path = config_path
        self.client: discord.Client | None = None
        self.core = None
        self._task: asyncio.Task[None] | None = None

    async def start(self, *, within: float = 15.0) -> InProcessBot:
        """Open the core, log in, sync if needed, connect; return once the gateway is live."""
        from bot.client import Vetbot
        from bot.config import load_config
        from bot.core import Core

        config = load_config(self.config_path)
        self.core = await Core.open(config)
        self.client = Vetbot(self.core)
        connected = self.fake.expect_connection()
        self._task = asyncio.create_task(self.client.start(TOKEN), name="vetbot-under-test")
        done, _ = await asyncio.wait(
            {connected, self._task}, timeout=within, return_when=asyncio.FIRST_COMPLETED
        )
        if self._task in done:
            await self.stop()
            raise AssertionError(f"the bot stopped while starting: {self._task.exception()!r}")
        if connected not in done:
            await self.stop()
            raise AssertionError(f"the bot did not connect within {within}s")
        return self

    async def settle(self, *, within: float = DEFAULT_TIMEOUT) -> None:
        """Wait for the interaction handlers still running (a button's follow-up work).

        A test may end as soon as it has seen the answer it checks, while the bot still edits
        a queue post or sends a DM; closing under it would fail those requests.
        """
        # Again until none is left: a handler may dispatch an event whose listener is a new
        # task (a decision's rating-review prompt), started after the first look.
        while running := [
            t
            for t in asyncio.all_tasks()
            if t is not asyncio.current_task()
            and not t.done()
            and t.get_name().startswith(HANDLER_TASKS)
            and not t.get_name().startswith("discord-ui-view-timeout")
        ]:
            _, late = await asyncio.wait(running, timeout=within)
            if late:
                raise AssertionError(f"handlers still running after {within}s: {late}")

    async def stop(self) -> None:
        """Let running handlers finish, close the client (gateway, HTTP), then the database."""
        if self.client is not None and not self.client.is_closed():
            await self.settle()
        if self.client is not None:
            await self.client.close()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.core is not None:
            await self.core.close()
            self.core = None

    async def restart(self) -> InProcessBot:
        """A new client instance on the same config and database, as after a process restart."""
        await self.stop()
        return await self.start()


class SubprocessBot:
    """``python -m bot --config <path> run`` in its own process, pointed at the fake."""

    def __init__(self, fake: FakeDiscord, config_path: Path, log_path: Path) -> None:
        self.fake = fake
        self.config_path = config_path
        self.log_path = log_path
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, *, within: float = 20.0) -> SubprocessBot:
        env = {
            **os.environ,
            "DISCORD_TOKEN": TOKEN,
            FAKE_URL_ENV: self.fake.url,
            # The repository for ``bot`` and ``cogs``, tests/ for this package.
            "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "tests")]),
            "PYTHONUNBUFFERED": "1",
        }
        connected = self.fake.expect_connection()
        with self.log_path.open("ab") as log_file:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "fakediscord.launch",
                "--config",
                str(self.config_path),
                "run",
                cwd=REPO,
                env=env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log_file,
                stderr=log_file,
            )
        exited = asyncio.ensure_future(self.process.wait())
        done, _ = await asyncio.wait(
            {connected, exited}, timeout=within, return_when=asyncio.FIRST_COMPLETED
        )
        if connected not in done:
            exited.cancel()
            await self.kill()
            raise AssertionError(
                f"the bot process did not connect within {within}s; its log:\n{self.log()}"
            )
        exited.cancel()
        return self

    def log(self) -> str:
        """Everything the bot process wrote to stdout and stderr."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    async def terminate(self, *, within: float = DEFAULT_TIMEOUT * 2) -> int:
        """SIGTERM, then wait for the exit status."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.process.wait(), within)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def wait(self, *, within: float = DEFAULT_TIMEOUT * 2) -> int:
        """The exit status, once the process has ended."""
        assert self.process is not None
        return await asyncio.wait_for(self.process.wait(), within)

    async def kill(self) -> int:
        """SIGKILL: no clean-up of any kind, as in a power cut of the process."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.kill()
        return await self.process.wait()
