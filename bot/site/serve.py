"""``site serve``: the same pages as ``site build``, answered live from the database.

aiohttp (already installed with discord.py) serves each request by rendering the one page asked
for, from data gathered again whenever what the site shows may have changed, so an approval is
visible on the next page load without a rebuild.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import mimetypes
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.site import render, urls
from bot.site.data import Site, load_site

log = logging.getLogger(__name__)

CACHE_SECONDS = 5.0  # a burst of page loads (one page, its styles, a click) shares one read


class SiteCache:
    """The site's data, read again when it is older than ``max_age`` seconds."""

    def __init__(self, core: Any, guild_id: int | None, max_age: float = CACHE_SECONDS) -> None:
        self.core = core
        self.guild_id = guild_id
        self.max_age = max_age
        self._site: Site | None = None
        self._pages: dict[str, render.Page] = {}
        self._files: dict[str, Callable[[], bytes]] = {}
        self._read_at = 0.0
        self._key: tuple[Any, ...] = ()
        self._lock = asyncio.Lock()

    async def get(self) -> tuple[Site, dict[str, render.Page], dict[str, Callable[[], bytes]]]:
        """The current site data, its page table and its other files."""
        loop = asyncio.get_running_loop()
        async with self._lock:
            key = (id(self.core.state), self.core.reports.published)
            fresh = loop.time() - self._read_at < self.max_age and key == self._key
            if self._site is None or not fresh:
                self._site = await load_site(self.core, guild_id=self.guild_id)
                self._pages = render.pages(self._site)
                self._files = render.files(self._site)
                self._read_at, self._key = loop.time(), key
            return self._site, self._pages, self._files


def make_app(core: Any, guild_id: int | None = None) -> web.Application:
    """The aiohttp application serving the site of ``core``'s community."""
    cache = SiteCache(core, guild_id)
    env = render.environment()

    async def handle(request: web.Request) -> web.StreamResponse:
        path = request.match_info["tail"].lstrip("/")
        if path == "" or path.endswith("/"):
            path += urls.INDEX
        site, pages, files = await cache.get()
        if path in pages:
            html = render.render(env, site, path, pages[path])
            return web.Response(text=html, content_type="text/html", charset="utf-8")
        if path in files:
            kind = render.EXPORTS.get(path) or mimetypes.guess_type(path)[0]
            return web.Response(body=files[path](), content_type=kind or "application/octet-stream")
        return web.Response(
            status=404,
            text="Not found. The list of organizations is at /index.html",
            content_type="text/plain",
        )

    app = web.Application()
    app.router.add_get("/{tail:.*}", handle)
    return app


async def serve(
    core: Any,
    *,
    host: str,
    port: int,
    guild_id: int | None = None,
    ready: Callable[[str], Awaitable[None] | None] | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Serve until ``stop`` is set (or forever). ``ready`` is told the address once listening."""
    runner = web.AppRunner(make_app(core, guild_id), access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = runner.addresses[0][1] if runner.addresses else port  # the real one for port 0
        address = f"http://{host}:{bound}/"
        log.info("Serving the site at %s (started %s)", address, dt.datetime.now(dt.UTC))
        if ready is not None:
            result = ready(address)
            if result is not None:
                await result
        await (stop or asyncio.Event()).wait()
    finally:
        await runner.cleanup()
