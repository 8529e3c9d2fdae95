"""``Server-Timing`` on every page: how long the application took and how many calls to the
services it made (``Server-Timing: app;dur=12.3, services;desc="calls=4"``), for the browser's
developer tools and ``bench/web.py``."""

from __future__ import annotations

import time
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CALLS: ContextVar[list[int] | None] = ContextVar("kraftsamla_web_calls", default=None)
"""The current request's count of calls to the services (a list, shared with the tasks a page
starts for calls made at once)."""


def count_call() -> None:
    counter = CALLS.get()
    if counter is not None:
        counter[0] += 1


class ServerTiming:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        counter = [0]
        token = CALLS.set(counter)
        start = time.perf_counter()

        async def timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                took = (time.perf_counter() - start) * 1000
                value = f'app;dur={took:.1f}, services;desc="calls={counter[0]}"'
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"server-timing", value.encode("ascii"))]
            await send(message)

        try:
            await self.app(scope, receive, timed)
        finally:
            CALLS.reset(token)
