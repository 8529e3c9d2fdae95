"""Whether a service can do its work right now: what ``GET /readyz`` answers.

Each check is a round trip that must come back within a deadline: ``SELECT 1`` on the database,
a JetStream request to NATS. An open connection is not enough: a NATS server that is frozen
(stopped, swapping, partitioned) keeps its TCP connections open, and the client notices only
after minutes of unanswered pings; a database behind a dead network path does the same. A check
that does not answer within the deadline counts as failing.

One check runs at a time, and its answer is kept for a moment: probes from several places (the
orchestrator, a load balancer, a person) share it instead of each sending its own round trips.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

Check = Callable[[], Awaitable[bool]]


@dataclass(frozen=True)
class Outcome:
    """Each check's answer (True: it came back, in time), and when they were taken."""

    checks: Mapping[str, bool]
    at: float

    @property
    def ready(self) -> bool:
        return all(self.checks.values())


class Readiness:
    def __init__(self, checks: Mapping[str, Check], *, deadline: float, keep: float) -> None:
        self.checks = dict(checks)
        self.deadline = deadline
        """Seconds each check may take; all run at once, so a probe answers within about this."""
        self.keep = keep
        """Seconds an answer is reused before the checks run again."""
        self._last: Outcome | None = None
        self._lock = asyncio.Lock()

    async def check(self) -> Outcome:
        if (last := self._fresh()) is not None:
            return last
        async with self._lock:  # probes arriving together wait for one check
            if (last := self._fresh()) is not None:
                return last
            answers = await asyncio.gather(*(self._within_deadline(c) for c in self.checks.values()))
            self._last = Outcome(dict(zip(self.checks, answers, strict=True)), time.monotonic())
            return self._last

    def _fresh(self) -> Outcome | None:
        last = self._last
        if last is not None and time.monotonic() - last.at < self.keep:
            return last
        return None

    async def _within_deadline(self, check: Check) -> bool:
        with contextlib.suppress(Exception):  # TimeoutError included: not answered in time
            return await asyncio.wait_for(check(), self.deadline)
        return False
