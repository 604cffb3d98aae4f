"""What the bot asked: every REST request in order, the problems seen, faults to inject, and
futures that resolve when a matching request has been answered (nothing polls)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

DEFAULT_TIMEOUT = 5.0

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


class Recorder:
    """The request log and what a test waits on or injects into it."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.unknown: list[RecordedRequest] = []
        self.violations: list[str] = []
        self.problems: list[str] = []  # protocol mistakes: bad auth, double acknowledgement …
        self._faults: list[Fault] = []
        self._observers: list[Callable[[RecordedRequest], None]] = []
        self._waiters: list[_Waiter] = []

    # -- the request log (fed by the REST front) -------------------------------------------

    def arrived(
        self, method: str, path: str, route: str | None, query: dict[str, str], body: Any
    ) -> RecordedRequest:
        """Log a request as it arrives and show it to the observers, before it is answered."""
        record = RecordedRequest(len(self.requests), method, path, route, query, body)
        self.requests.append(record)
        for observer in list(self._observers):
            observer(record)
        return record

    def answered(self, record: RecordedRequest) -> None:
        """Resolve the waiters that ``record`` (now with its answer) satisfies."""
        for waiter in list(self._waiters):
            if not waiter.future.done() and waiter.predicate(record):
                waiter.future.set_result(record)

    def take_fault(self, record: RecordedRequest) -> tuple[int, Any] | None:
        """The injected error answer for ``record``, if a fault is armed for its route."""
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

    def close(self) -> None:
        """Cancel every pending wait (the server is stopping)."""
        for waiter in self._waiters:
            waiter.future.cancel()

    def report(self) -> list[str]:
        """One line per unknown request, spec violation and protocol problem seen."""
        lines = [f"unknown request: {r.method} {r.path} body={r.body!r}" for r in self.unknown]
        lines += [f"spec violation: {v}" for v in self.violations]
        lines += [f"protocol problem: {m}" for m in self.problems]
        return lines

    # -- what a test asks ------------------------------------------------------------------

    def requests_to(self, method: str, route: str) -> list[RecordedRequest]:
        """Recorded requests for ``method`` and a spec path template (``/users/@me``)."""
        return [r for r in self.requests if r.method == method and r.route == route]

    def count(self, method: str, route: str) -> int:
        """How many requests to ``method route`` the bot made."""
        return len(self.requests_to(method, route))

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
