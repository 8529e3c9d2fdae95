"""The launcher's watch over its processes: one that exits is started again, after a pause that
grows while it keeps failing, and the others go on serving meanwhile.

A process that exits is restarted after 0.5 s, then 1, 2, 4 … up to 30 s when it exits again
soon after; once it has run for a minute its next exit counts as the first again. After five
restarts in a row that each ended within a minute the launcher gives up on that process: it says
so, with the end of the process's log, and keeps the others running (the platform answers what it
still can; the gateway answers 502 for a service that is gone). Ctrl-C still stops everything.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .servers import ManagedProcess

log = logging.getLogger("kraftsamla_local")


@dataclass(frozen=True)
class RestartPolicy:
    first_delay: float = 0.5
    """Seconds before the first restart of a process that exited."""
    max_delay: float = 30.0
    """The pause doubles at each exit in a row, up to this."""
    healthy_after: float = 60.0
    """Seconds of running after which an exit counts as the first again."""
    max_restarts: int = 5
    """Restarts in a row (each ending within ``healthy_after``) before giving up on the process."""

    def delay(self, exits_in_a_row: int) -> float:
        return min(self.first_delay * 2.0 ** max(exits_in_a_row - 1, 0), self.max_delay)


@dataclass
class Watched:
    proc: ManagedProcess
    start: Callable[[], object]
    """Starts the process again (returns once it is started, raises when it cannot be)."""
    ready: Callable[[], bool] | None = None
    """Whether it answers again after a restart (None: ``start`` returns only once it does)."""
    started_at: float = 0.0
    exits: int = 0
    """Exits in a row, each within ``healthy_after`` of its start."""
    restart_at: float | None = None
    exited_at: float | None = None
    """When the process last went away, until it is back (ready)."""
    given_up: bool = False
    restarts: int = 0
    """Restarts in all, since the launcher started."""
    history: list[str] = field(default_factory=list)


def _how(proc: ManagedProcess) -> str:
    code = proc.returncode()
    if code is None:
        return "gone"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class Supervisor:
    def __init__(
        self, policy: RestartPolicy | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.policy = policy or RestartPolicy()
        self.clock = clock
        self.watched: list[Watched] = []

    def watch(
        self, proc: ManagedProcess, start: Callable[[], object], ready: Callable[[], bool] | None = None
    ) -> Watched:
        """Watch a process that is running now."""
        entry = Watched(proc, start, ready, started_at=self.clock())
        self.watched.append(entry)
        return entry

    def poll(self) -> None:
        """One look at every process: notice exits, restart those whose pause is over, say when a
        restarted one answers again."""
        for entry in self.watched:
            if entry.given_up:
                continue
            if entry.restart_at is not None:
                if self.clock() >= entry.restart_at:
                    self._restart(entry)
            elif not entry.proc.running():
                self._exited(entry, _how(entry.proc))
            elif entry.exited_at is not None and (entry.ready is None or entry.ready()):
                self._say(
                    entry,
                    logging.WARNING,
                    "%s is back: answering again %.1f s after it went away",
                    entry.proc.name,
                    self.clock() - entry.exited_at,
                )
                entry.exited_at = None

    def _exited(self, entry: Watched, how: str) -> None:
        now = self.clock()
        name, policy = entry.proc.name, self.policy
        if now - entry.started_at >= policy.healthy_after:
            entry.exits = 0
        entry.exits += 1
        if entry.exited_at is None:
            entry.exited_at = now
        if entry.exits > policy.max_restarts:
            entry.given_up = True
            self._say(
                entry,
                logging.ERROR,
                "%s exited (%s) after %d restarts in a row, each within %.0f s: giving up on it. "
                "The other processes keep running; fix the cause, then stop (Ctrl-C) and start again. "
                "Last lines of %s:\n%s",
                name,
                how,
                policy.max_restarts,
                policy.healthy_after,
                entry.proc.log_path,
                entry.proc.log_tail(20),
            )
            return
        delay = policy.delay(entry.exits)
        entry.restart_at = now + delay
        self._say(
            entry,
            logging.WARNING,
            "%s exited unexpectedly (%s); restarting it in %.1f s (restart %d of at most %d in a row; log %s)",
            name,
            how,
            delay,
            entry.exits,
            policy.max_restarts,
            entry.proc.log_path,
        )

    def _restart(self, entry: Watched) -> None:
        entry.restart_at = None
        entry.started_at = self.clock()
        entry.restarts += 1
        try:
            entry.start()
        except Exception as exc:  # could not start, or died starting: an exit like another
            popen = entry.proc.proc
            if popen is not None and popen.poll() is None:  # started, but never answered
                popen.kill()
                popen.wait()
            first_line = (str(exc) or type(exc).__name__).splitlines()[0]
            self._exited(entry, f"could not start again: {first_line}")
            return
        self._say(entry, logging.WARNING, "%s restarted (pid %s)", entry.proc.name, entry.proc.pid)

    def _say(self, entry: Watched, level: int, message: str, *args: object) -> None:
        entry.history.append(message % args)
        log.log(level, message, *args)
