"""The REST front under ``/api/v10``: record each request, check its token and its body against
the spec, apply injected faults, route it to a handler, and answer with rate-limit headers.

The handlers themselves live in ``routes.py`` (guild, channel, user and command resources) and
``interactions.py`` (interaction callbacks and the webhook messages of their answers).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import msgspec
from aiohttp import web

from .record import RecordedRequest, Recorder
from .spec import Spec, strip_prefix

TOKEN = "fake-bot-token.for-tests-only"

Answer = tuple[int, Any]  # HTTP status and the JSON body (None for 204)
Handler = Callable[[RecordedRequest, dict[str, str]], Awaitable[Answer]]
RouteTable = Mapping[tuple[str, str], Handler]  # (method, spec path template) -> handler


def not_found(what: str, code: int) -> Answer:
    """Discord's 404 for a resource that does not exist (``Unknown Message``, 10008)."""
    return 404, {"message": f"Unknown {what}", "code": code}


def unknown_message() -> Answer:
    """The 404 for a message that is gone or was never there."""
    return not_found("Message", 10008)


# msgspec rather than the json module: the fake parses and writes JSON on every request, and in
# the benchmark that cost would otherwise be charged to the bot.
from_json = msgspec.json.decode


def json_text(value: Any) -> str:
    """``value`` as compact JSON text."""
    return msgspec.json.encode(value).decode()


class Rest:
    """The aiohttp handler for every REST request, routing by spec path template."""

    def __init__(
        self,
        recorder: Recorder,
        spec: Spec | None,
        routes: RouteTable,
        on_answered: Callable[[RecordedRequest], None],
    ) -> None:
        self.recorder = recorder
        self.spec = spec
        self.routes = dict(routes)
        self.on_answered = on_answered  # after the waiters: hands answers to their exchange
        self._templates = _templates(self.routes)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Record, check, answer and notify the waiters of one request."""
        path = strip_prefix(request.path)
        body, content_type = await _read_body(request)
        op = self.spec.operation(request.method, path) if self.spec is not None else None
        # Routing uses the fake's own templates (copied from the spec), so it works with
        # validation off or without the spec file.
        route = _match_template(self._templates, path, request.method) or (op and op.template)
        record = self.recorder.arrived(request.method, path, route, dict(request.query), body)
        status, response = await self._answer(request, record, op, content_type)
        record.status, record.response = status, response
        self.recorder.answered(record)
        self.on_answered(record)
        headers = _ratelimit_headers(route or path, status, response)
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
    ) -> Answer:
        if (
            record.route is None
            or (handler := self.routes.get((record.method, record.route))) is None
        ):
            self.recorder.unknown.append(record)
            return 404, {"message": "404: Not Found (unknown to the fake Discord)", "code": 0}
        if not record.route.startswith(("/interactions/", "/webhooks/")) and (
            request.headers.get("Authorization") != f"Bot {TOKEN}"
        ):
            self.recorder.problems.append(f"{record.method} {record.path} without the bot token")
            return 401, {"message": "401: Unauthorized", "code": 0}
        if self.spec is not None and op is not None and record.body is not None:
            problems = self.spec.problems(op, record.body, content_type)
            if problems:
                self.recorder.violations.append(
                    f"{record.method} {record.path} ({op.template}):\n    "
                    + "\n    ".join(problems)
                    + f"\n  body: {json_text(record.body)[:2000]}"
                )
                # Shaped like Discord's own "Invalid Form Body" so discord.py can parse it.
                errors = [{"code": "SCHEMA_VIOLATION", "message": m} for m in problems]
                return 400, {
                    "code": 50035,
                    "message": "Invalid Form Body",
                    "errors": {"body": {"_errors": errors}},
                }
        if (fault := self.recorder.take_fault(record)) is not None:
            return fault
        return await handler(record, _params(record.route, record.path))


def _ratelimit_headers(route: str, status: int, response: Any) -> dict[str, str]:
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


async def _read_body(request: web.Request) -> tuple[Any, str]:
    content_type = request.content_type
    if not request.body_exists:
        return None, content_type
    if content_type == "multipart/form-data":
        form = await request.post()
        raw = form.get("payload_json")
        return (from_json(str(raw)) if raw is not None else {}), content_type
    raw = await request.read()
    try:
        return from_json(raw), content_type
    except msgspec.DecodeError:
        return raw.decode("utf-8", errors="replace"), content_type


def _templates(routes: RouteTable) -> list[tuple[str, tuple[str, ...]]]:
    """The route templates split into segments, those with more literal segments first."""
    parsed = [
        (f"{method} {template}", tuple(template.strip("/").split("/")))
        for method, template in routes
    ]
    return sorted(parsed, key=lambda t: -sum(not s.startswith("{") for s in t[1]))


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
