"""The server's limits and guards: how much a victim may send, how often a key may be
guessed, and the headers every answer carries."""

from __future__ import annotations

import collections
import dataclasses
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp

MIB = 1 << 20
GIB = 1 << 30
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")

@dataclasses.dataclass(frozen=True)
class Settings:
    max_file: int = 2 * GIB  # one file (intake's own limit for one zip's content is 2 GiB)
    max_victim: int = 10 * GIB  # everything one victim sends
    max_files: int = 5000  # files one victim sends (records in intake.json + open uploads)
    max_open: int = 20  # unfinished uploads per victim
    max_chunk: int = 16 * MIB  # one request's body (the page sends 4 MiB)
    guesses: int = 20  # failed token look-ups per address per window before 429
    guess_window: float = 600.0
    requests: int = 1200  # requests per token per minute (uploads are chunked: generous)
    logins: int = 10  # failed admin logins per address per window
    # check every victim in the background at start, so the lawyer's first dashboard does not
    # wait for 150 of them (~0.1-0.3 s each); `evidence serve` turns it on
    warm_up: bool = False


class RateLimit:
    """Events per key in a sliding window (in memory: a restart forgets, which is fine)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[str, collections.deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> collections.deque[float]:
        if len(self._seen) > 10_000:  # many addresses: forget those with nothing recent
            self._seen = {k: v for k, v in self._seen.items() if v and now - v[-1] <= self.window}
        seen = self._seen.setdefault(key, collections.deque())
        while seen and now - seen[0] > self.window:
            seen.popleft()
        return seen

    def blocked(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key, time.monotonic())) >= self.limit

    def hit(self, key: str) -> bool:
        """Count one event; True when the key is now over the limit."""
        with self._lock:
            seen = self._recent(key, time.monotonic())
            seen.append(time.monotonic())
            return len(seen) > self.limit



def set_cookie(response: Response, request: Request, name: str, value: str, seconds: int) -> None:
    response.set_cookie(name, value, max_age=seconds, path="/admin", httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")



Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]


class SecurityHeaders:
    """Every answer: a strict Content-Security-Policy, no caching (pages hold private data), no
    referrer (the victim's link is their key), no sniffing, no framing."""

    HEADERS = (
        (b"content-security-policy", CSP.encode()),
        (b"cache-control", b"no-store"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"cross-origin-opener-policy", b"same-origin"),
    )

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)
