"""``site serve``: the same pages as ``site build``, answered live from the database.

aiohttp (already installed with discord.py) answers each request by rendering the page asked for
(once, then from memory) from data gathered again whenever a report changed, so an approval is
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
from bot.site.data import Site, load_site, report_version

log = logging.getLogger(__name__)


class SiteCache:
    """The site's data and rendered pages, gathered again only when what they show changed.

    A cheap version check on every request (the knowledge base in use, what the report
    service published, and a count/latest-change summary of the reports table) keeps pages
    current without reading every report each time.
    """

    def __init__(self, core: Any, guild_id: int | None) -> None:
        self.core = core
        self.guild_id = guild_id
        self.env = render.environment()
        self._key: tuple[Any, ...] | None = None
        self._site: Site | None = None
        self._pages: dict[str, render.Page] = {}
        self._files: dict[str, Callable[[], bytes]] = {}
        self._rendered: dict[str, bytes] = {}
        self._lock = asyncio.Lock()

    async def _current(self) -> Site:
        key = (
            id(self.core.state),
            self.core.reports.published,
            dt.datetime.now(dt.UTC).date(),
            await report_version(self.core),
        )
        if self._site is None or key != self._key:
            self._site = await load_site(self.core, guild_id=self.guild_id)
            self._pages = render.pages(self._site)
            self._files = render.files(self._site)
            self._rendered = {}
            self._key = key
        return self._site

    async def get(self, path: str) -> tuple[bytes, str] | None:
        """The body and content type of ``path``, or ``None`` when the site has no such file."""
        async with self._lock:
            site = await self._current()
            if path in self._rendered:
                return self._rendered[path], "text/html"
            if path in self._pages:
                html = render.render(self.env, site, path, self._pages[path]).encode()
                self._rendered[path] = html
                return html, "text/html"
            if path in self._files:
                kind = render.EXPORTS.get(path) or mimetypes.guess_type(path)[0]
                return self._files[path](), kind or "application/octet-stream"
            return None


def make_app(core: Any, guild_id: int | None = None) -> web.Application:
    """The aiohttp application serving the site of ``core``'s community."""
    cache = SiteCache(core, guild_id)

    async def handle(request: web.Request) -> web.StreamResponse:
        path = request.match_info["tail"].lstrip("/")
        if path == "" or path.endswith("/"):
            path += urls.INDEX
        found = await cache.get(path)
        if found is not None:
            body, kind = found
            charset = "utf-8" if kind.startswith(("text/", "application/json")) else None
            return web.Response(body=body, content_type=kind, charset=charset)
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
