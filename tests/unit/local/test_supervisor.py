"""The launcher's supervisor, on stand-in processes and a clock of the test's own: a process that
exits is started again after a pause that doubles while it keeps failing, is said to be back once
it answers, counts as new again after a minute of running, and is given up after five restarts in
a row; the others are left alone throughout."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from kraftsamla_local.supervisor import RestartPolicy, Supervisor


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class StandIn:
    """What the supervisor uses of a process: running or not, how it ended, how to start it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.log_path = Path(f"/logs/{name}.log")
        self.proc = None
        self.pid: int | None = 100
        self.alive = True
        self.code: int | None = None
        self.starts = 0
        self.answers = True
        self.fails_to_start = False

    def running(self) -> bool:
        return self.alive

    def returncode(self) -> int | None:
        return self.code

    def log_tail(self, lines: int = 40) -> str:
        return "the last words"

    def die(self, code: int = -9) -> None:
        self.alive, self.code = False, code

    def start(self) -> None:
        self.starts += 1
        if self.fails_to_start:
            raise RuntimeError(f"{self.name} exited (code 1) before listening port\nmore")
        self.alive, self.code, self.pid = True, None, 100 + self.starts


def watched(*names: str) -> tuple[Supervisor, Clock, dict[str, StandIn]]:
    clock = Clock()
    supervisor = Supervisor(RestartPolicy(), clock=clock)
    procs = {name: StandIn(name) for name in names}
    for proc in procs.values():
        supervisor.watch(proc, proc.start, lambda p=proc: p.answers)  # type: ignore[arg-type]
    return supervisor, clock, procs


def test_the_pause_doubles_from_half_a_second_to_thirty() -> None:
    policy = RestartPolicy()
    assert [policy.delay(n) for n in range(1, 10)] == [0.5, 1, 2, 4, 8, 16, 30, 30, 30]


def test_a_killed_process_is_started_again_after_the_pause_and_said_to_be_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    supervisor, clock, procs = watched("nats", "plans", "actors")
    caplog.set_level(logging.INFO, "kraftsamla_local")
    procs["plans"].die()
    procs["plans"].answers = False
    supervisor.poll()
    assert "plans exited unexpectedly (killed by SIGKILL); restarting it in 0.5 s" in caplog.text
    assert procs["plans"].starts == 0
    clock.now += 0.4
    supervisor.poll()
    assert procs["plans"].starts == 0  # not before the pause is over
    clock.now += 0.1
    supervisor.poll()
    assert procs["plans"].starts == 1 and "plans restarted (pid 101)" in caplog.text
    clock.now += 2
    supervisor.poll()
    assert "plans is back" not in caplog.text  # not answering yet
    procs["plans"].answers = True
    supervisor.poll()
    assert "plans is back: answering again 2.5 s after it went away" in caplog.text
    assert procs["nats"].starts == 0 and procs["actors"].starts == 0


def test_it_gives_up_after_five_restarts_in_a_row_and_leaves_the_others_running(
    caplog: pytest.LogCaptureFixture,
) -> None:
    supervisor, clock, procs = watched("nats", "plans")
    caplog.set_level(logging.INFO, "kraftsamla_local")
    plans = procs["plans"]
    pauses = []
    for _ in range(5):
        plans.die(3)
        supervisor.poll()
        entry = supervisor.watched[1]
        assert entry.restart_at is not None
        pauses.append(entry.restart_at - clock.now)
        clock.now = entry.restart_at
        supervisor.poll()
        clock.now += 1  # runs a second, then exits again
    assert pauses == [0.5, 1, 2, 4, 8]
    plans.die(3)
    supervisor.poll()
    assert supervisor.watched[1].given_up
    assert (
        "plans exited (exit code 3) after 5 restarts in a row, each within 60 s: giving up on it"
        in caplog.text
    )
    assert "the last words" in caplog.text
    clock.now += 3600
    supervisor.poll()
    assert plans.starts == 5 and procs["nats"].running() and procs["nats"].starts == 0


def test_a_minute_of_running_makes_the_next_exit_the_first_again() -> None:
    supervisor, clock, procs = watched("nats")
    nats = procs["nats"]
    for _ in range(3):
        nats.die()
        supervisor.poll()
        clock.now = supervisor.watched[0].restart_at or 0
        supervisor.poll()
    clock.now += 60
    nats.die()
    supervisor.poll()
    entry = supervisor.watched[0]
    assert entry.exits == 1 and entry.restart_at == clock.now + 0.5


def test_a_restart_that_fails_counts_as_an_exit_and_waits_longer(caplog: pytest.LogCaptureFixture) -> None:
    supervisor, clock, procs = watched("nats")
    caplog.set_level(logging.INFO, "kraftsamla_local")
    nats = procs["nats"]
    nats.die()
    nats.fails_to_start = True
    supervisor.poll()
    clock.now += 0.5
    supervisor.poll()
    assert (
        "nats exited unexpectedly (could not start again: nats exited (code 1) before listening port)"
        in caplog.text
    )
    assert supervisor.watched[0].restart_at == clock.now + 1
    nats.fails_to_start = False
    clock.now += 1
    supervisor.poll()
    supervisor.poll()
    assert nats.running() and "nats is back: answering again 1.5 s after it went away" in caplog.text
