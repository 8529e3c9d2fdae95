"""``python -m kraftsamla_local up``: the whole platform on one machine.

NATS JetStream, the four services on SQLite and the Caddy gateway, all keeping their state in
one data dir, so a second ``up`` finds everything where the first one left it; and an OpenID
Connect provider for development, where the demo people sign in (:mod:`.people`), whose ID
tokens the services accept.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import logging
import os
import secrets
import shlex
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import httpx

from . import demo, demo_schemas
from .demo_content import REGIONS, DemoContentError
from .people import DEMO_PEOPLE, WEB_CLIENT_ID, WEB_CLIENT_SECRET, people_table, service_env, web_env
from .servers import WEB, Gateway, ManagedProcess, NatsServer, OidcProvider, ServiceProcess, stop_all
from .supervisor import Supervisor

log = logging.getLogger("kraftsamla_local")

# Service name → (port variable, default port); the same defaults as kraftsamla_common.settings.
SERVICE_PORTS: dict[str, tuple[str, int]] = {
    "plans": ("KRAFTSAMLA_PLANS_PORT", 8101),
    "actors": ("KRAFTSAMLA_ACTORS_PORT", 8102),
    "assessment": ("KRAFTSAMLA_ASSESSMENT_PORT", 8103),
    "reporting": ("KRAFTSAMLA_REPORTING_PORT", 8104),
}
WEB_PORT = ("KRAFTSAMLA_WEB_PORT", 8105)
"""The staff web application's port (behind the gateway at /)."""

DEMO_REGIONS = tuple(r["region"] for r in REGIONS)
LOCAL_LIMITS = {
    name: os.environ.get(name, value)
    for name, value in (
        ("KRAFTSAMLA_RATE_LIMIT_PER_SECOND", "1000"),
        ("KRAFTSAMLA_RATE_LIMIT_BURST", "5000"),
        ("KRAFTSAMLA_RATE_LIMIT_OPERATOR_PER_SECOND", "1000"),
        ("KRAFTSAMLA_RATE_LIMIT_OPERATOR_BURST", "5000"),
        ("KRAFTSAMLA_RATE_LIMIT_REGION_PER_SECOND", "1000"),
        ("KRAFTSAMLA_RATE_LIMIT_REGION_BURST", "5000"),
        ("KRAFTSAMLA_TRUSTED_PROXIES", "127.0.0.1,::1"),
    )
}
"""One machine, one person trying it out, and a demo loader sending thousands of requests with a
few keys: rate limits per identity and region a hundred times the platform's defaults; requests
without a valid key keep the default limit, per client address as the gateway on this machine
forwards it; requests in flight per region keep theirs (set the variables to choose others)."""

REGION_ROLES = ("admin", "assessor", "viewer", "integrator")


@dataclass(frozen=True)
class Identity:
    name: str
    region: str  # a region id, or "*" for the operator
    role: str


# The demo identities: one operator for every region, then each role in each demo region.
DEMO_IDENTITIES: tuple[Identity, ...] = (
    Identity("operator", "*", "operator"),
    *(Identity(f"{region}-{role}", region, role) for region in DEMO_REGIONS for role in REGION_ROLES),
)

DEMO_MARKER = ".demo-loaded"


class Shutdown(Exception):
    """Raised from the signal handler so every wait unwinds to the single cleanup path."""


def _on_signal(signum: int, frame: FrameType | None) -> None:
    raise Shutdown(signal.Signals(signum).name)


def _sha256(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


DEMO_KEYS_FILE = "demo-api-keys.json"


def demo_keys(data_dir: Path) -> list[dict[str, str]]:
    """The demo keys in plaintext as kept in the data dir ([] before the first start)."""
    path = data_dir / DEMO_KEYS_FILE
    keys: list[dict[str, str]] = json.loads(path.read_text()) if path.exists() else []
    return keys


def ensure_api_keys(data_dir: Path) -> list[dict[str, str]]:
    """The demo keys in plaintext, generated on first start and kept across restarts.

    ``demo-api-keys.json`` holds the plaintext (for the demo loader, and for the person who runs
    the platform: ``./kraftsamla keys``); ``api-keys.json`` holds only hashes, which is what the
    services read. Both are readable by their owner only. Keys someone added to ``api-keys.json``
    by hand are kept.
    """
    plain_path = data_dir / DEMO_KEYS_FILE
    hashed_path = data_dir / "api-keys.json"
    keys = demo_keys(data_dir)
    known = {k["name"] for k in keys}
    for ident in DEMO_IDENTITIES:
        if ident.name not in known:
            keys.append(
                {
                    "name": ident.name,
                    "key": secrets.token_urlsafe(24),
                    "region": ident.region,
                    "role": ident.role,
                }
            )
    _write_private(plain_path, json.dumps(keys, indent=2) + "\n")

    doc = json.loads(hashed_path.read_text()) if hashed_path.exists() else {"keys": []}
    hashes = {k["sha256"] for k in doc["keys"]}
    names = {k["name"] for k in doc["keys"]}
    for k in keys:
        if _sha256(k["key"]) not in hashes and k["name"] not in names:
            doc["keys"].append(
                {"name": k["name"], "sha256": _sha256(k["key"]), "region": k["region"], "role": k["role"]}
            )
    _write_private(hashed_path, json.dumps(doc, indent=2) + "\n")
    return keys


def _write_private(path: Path, text: str) -> None:
    # Write then rename, so a service re-reading the key file never sees half of it; created
    # readable by its owner only, never for a moment by others.
    tmp = path.with_suffix(path.suffix + ".tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)
    tmp.replace(path)


PRIVATE_UMASK = 0o077
"""The launcher and every process it starts create files readable by their owner only (0600) and
folders only their owner may enter (0700): the databases hold people's names and e-mail
addresses, the data dir holds API keys (SQLite's -wal and -shm files are covered too)."""

OWN_ENTRIES = ("nats", "logs", "caddy", "api-keys.json", DEMO_KEYS_FILE, ".demo-loaded", "*.db", "*.db-*")


def make_private(data_dir: Path) -> None:
    """The data dir made (or made again) private: 0700, and what the launcher keeps in it no
    longer readable by others, as an older launcher left it (files 0644). Only the data dir's own
    entries are touched, not whatever else a folder given as ``--data-dir`` holds."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    data_dir.chmod(0o700)
    for pattern in OWN_ENTRIES:
        for entry in data_dir.glob(pattern):
            for path in (entry, *entry.rglob("*")) if entry.is_dir() and not entry.is_symlink() else (entry,):
                if path.is_symlink():
                    continue
                mode = path.stat().st_mode & 0o7777
                if mode & 0o077:
                    path.chmod(mode & ~0o077)


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def service_processes(
    nats_url: str, data_dir: Path, ports: dict[str, int], oidc: OidcProvider | None = None
) -> list[ServiceProcess]:
    """The four services as ``up`` runs them (not started yet): SQLite in the data dir, the demo
    keys' hashes, the local rate limits, and people's ID tokens from the provider ``oidc``."""
    tokens = service_env(oidc.url, oidc.jwks_url) if oidc is not None else {}
    return [
        ServiceProcess(
            name,
            port=ports[name],
            nats_url=nats_url,
            data_dir=data_dir,
            api_keys_file=data_dir / "api-keys.json",
            extra_env={**LOCAL_LIMITS, **tokens},
        )
        for name in SERVICE_PORTS
    ]


def web_process(
    nats_url: str,
    data_dir: Path,
    port: int,
    services: list[ServiceProcess],
    oidc: OidcProvider,
    public_url: str,
) -> ServiceProcess:
    """The staff web application as ``up`` runs it (not started yet): people sign in at ``oidc``,
    pages call the services directly, browsers reach it at ``public_url`` (the gateway); a new
    session secret at every start (a restart of ``up`` signs everyone out)."""
    return ServiceProcess(
        WEB,
        port=port,
        nats_url=nats_url,
        data_dir=data_dir,
        extra_env={
            **web_env(oidc.url),
            "KRAFTSAMLA_WEB_PORT": str(port),
            "KRAFTSAMLA_WEB_PUBLIC_URL": public_url,
            "KRAFTSAMLA_WEB_SESSION_SECRET": secrets.token_urlsafe(48),
            **{f"KRAFTSAMLA_WEB_{s.name.upper()}_URL": s.base_url for s in services},
        },
    )


class DemoLoad:
    """The demo data loaded in a thread of its own while the platform runs: the banner is out
    first, the load's progress follows it, and a load that fails says why and leaves the platform
    running (the next ``up`` tries again: loading is repeatable)."""

    def __init__(self, base_url: str, keys: list[dict[str, str]], marker: Path) -> None:
        self.base_url = base_url
        self.keys = keys
        self.marker = marker
        self.thread = threading.Thread(target=self._run, name="demo-load", daemon=True)
        self.outcome: str | None = None
        """``loaded``, ``failed`` or ``stopped`` once the load has ended."""
        self._stopping = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Cancel the load (the platform is stopping) and wait for its thread to end."""
        self._stopping.set()
        if not self.thread.is_alive():
            return
        loop, task = self._loop, self._task
        if loop is not None and task is not None:
            with contextlib.suppress(RuntimeError):  # the load ended just now, and its loop with it
                loop.call_soon_threadsafe(task.cancel)
        self.thread.join(timeout)

    def _run(self) -> None:
        asyncio.run(self._load())

    async def _load(self) -> None:
        self._loop, self._task = asyncio.get_running_loop(), asyncio.current_task()
        progress = demo.ProgressLines()
        try:
            if self._stopping.is_set():
                raise asyncio.CancelledError
            demo_schemas.check()
            await demo.load(self.base_url, self.keys, progress)
            self.marker.write_text(time.strftime("%Y-%m-%dT%H:%M:%S%z\n"))
            self.outcome = "loaded"
        except asyncio.CancelledError:
            self.outcome = "stopped"
        except Exception as exc:
            if self._stopping.is_set():  # the platform went away under it: not the load's failure
                self.outcome = "stopped"
                return
            self.outcome = "failed"
            expected = isinstance(exc, DemoContentError | demo.DemoLoadError | httpx.HTTPError)
            detail = str(exc) or type(exc).__name__
            if not expected:
                detail = "".join(traceback.format_exception(exc)).rstrip()
            print(
                f"\nDemo data could not be loaded: {detail}\n"
                "The platform keeps running with the data loaded so far; the next "
                "'./kraftsamla up' loads the demo data again (loading is repeatable).\n",
                file=sys.stderr,
                flush=True,
            )


def keys_command(data_dir: Path) -> str:
    """How a person prints the demo keys of this data dir again."""
    if data_dir == Path(DEFAULT_DATA_DIR).resolve():
        return "./kraftsamla keys"
    return f"./kraftsamla keys --data-dir {shlex.quote(str(data_dir))}"


def key_table(keys: list[dict[str, str]]) -> list[str]:
    width = max(len(k["name"]) for k in keys)
    region_width = max(len(k["region"]) for k in keys)
    return [
        f"{'name':<{width}}  {'region':<{region_width}}  {'role':<10}  key",
        *(f"{k['name']:<{width}}  {k['region']:<{region_width}}  {k['role']:<10}  {k['key']}" for k in keys),
    ]


def banner(
    gateway: Gateway,
    nats: NatsServer,
    data_dir: Path,
    new_keys: list[dict[str, str]],
    demo_note: str = "",
    oidc: OidcProvider | None = None,
) -> str:
    """What ``up`` prints once the platform answers. The demo keys in plaintext only when they were
    made just now (the first start): afterwards, where they are and how to print them."""
    keys_file = data_dir / DEMO_KEYS_FILE
    command = keys_command(data_dir)
    lines = [
        "",
        "Kraftsamla is running.",
        "",
        f"  staff app  {gateway.url}/  (sign in as one of the demo people below)",
        f"  API index  {gateway.url}/api",
    ]
    lines += [f"  {name:<10} {gateway.url}/{name}/docs" for name in SERVICE_PORTS]
    lines += [
        f"  metrics    {gateway.metrics_url}  (the gateway's, for Prometheus)",
        f"  NATS       {nats.url}",
        *([f"  sign-in    {oidc.url}  (OpenID Connect, for development)"] if oidc is not None else []),
        f"  data dir   {data_dir}",
        "",
    ]
    if new_keys:
        lines += [
            "Demo API keys (header X-API-Key), made now and shown this once:",
            "",
            *(f"  {line}" for line in key_table(new_keys)),
            "",
            f"They are kept in {keys_file} (readable by you only); '{command}' prints them again.",
        ]
    else:
        lines += [
            f"Demo API keys (header X-API-Key): in {keys_file} (readable by you only);",
            f"'{command}' prints them, '{command} NAME' one of them (e.g. jamtland-harjedalen-admin).",
        ]
    if oidc is not None:
        lines += [
            "",
            f"Demo people sign in at {oidc.url} (issuer; any of them with one click):",
            "",
            *(f"  {line}" for line in people_table()),
            "",
            f"The web application's client: id {WEB_CLIENT_ID}, secret {WEB_CLIENT_SECRET}; the services "
            f"accept the ID tokens issued to it (Authorization: Bearer).",
        ]
    lines += [
        "",
        "Try:",
        f'  curl -H "X-API-Key: $({command} operator)" {gateway.url}/plans/regions/kronoberg/programmes',
        "",
        *([demo_note, ""] if demo_note else []),
        "Press Ctrl-C to stop.",
        "",
    ]
    return "\n".join(lines)


def up(args: argparse.Namespace) -> int:
    os.umask(PRIVATE_UMASK)  # for the launcher and, inherited, every process it starts
    data_dir = Path(args.data_dir).resolve()
    make_private(data_dir)
    known = {k["name"] for k in demo_keys(data_dir)}
    keys = ensure_api_keys(data_dir)
    new_keys = [k for k in keys if k["name"] not in known]

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    processes: list[ManagedProcess] = []
    loader: DemoLoad | None = None
    try:
        nats = NatsServer(data_dir / "nats", port=args.nats_port, log_path=data_dir / "logs" / "nats.log")
        log.info("starting NATS JetStream on port %d", args.nats_port)
        processes.append(nats.start())

        oidc = OidcProvider(
            [p.claims() for p in DEMO_PEOPLE], port=args.oidc_port, log_path=data_dir / "logs" / "oidc.log"
        )
        log.info("starting the OpenID provider on port %d", args.oidc_port)
        processes.append(oidc.start())

        ports = {name: _env_int(var, default) for name, (var, default) in SERVICE_PORTS.items()}
        services = service_processes(nats.url, data_dir, ports, oidc)
        started = time.monotonic()
        for service in services:
            log.info("starting %s on port %d", service.name, service.port)
            processes.append(service.start())
        for service in services:
            service.wait_ready(args.ready_timeout)
            log.info("%s is ready (%.1f s)", service.name, time.monotonic() - started)

        web = web_process(
            nats.url, data_dir, _env_int(*WEB_PORT), services, oidc, f"http://127.0.0.1:{args.gateway_port}"
        )
        log.info("starting the staff web application on port %d", web.port)
        processes.append(web.start())
        web.wait_ready(args.ready_timeout)

        gateway = Gateway(
            {**{s.name: s.port for s in services}, WEB: web.port},
            port=args.gateway_port,
            metrics_port=args.gateway_metrics_port,
            data_dir=data_dir,
        )
        processes.append(gateway.start())

        marker = data_dir / DEMO_MARKER
        note = ""
        if not args.no_demo and not marker.exists():
            loader = DemoLoad(gateway.url, keys, marker)
            note = (
                f"Demo data is loading: {', '.join(r['name'] for r in REGIONS)}.\n"
                "Its progress follows; the platform answers meanwhile, and the regions fill as it goes."
            )
        elif not args.no_demo:
            note = f"Demo data: loaded {marker.read_text().strip()} (remove {marker} to load it again)."
        print(banner(gateway, nats, data_dir, new_keys, note, oidc), flush=True)
        if loader is not None:
            loader.start()

        # Watch: a process that exits is started again (NATS on the same store, so nothing is lost;
        # the services reconnect to it by themselves), the others serve on meanwhile.
        supervisor = Supervisor()
        supervisor.watch(nats, nats.start)
        supervisor.watch(oidc, oidc.start)
        for service in services:
            supervisor.watch(service, service.start, service.is_ready)
        supervisor.watch(web, web.start, web.is_ready)
        supervisor.watch(gateway, gateway.start)
        while True:
            supervisor.poll()
            time.sleep(0.25)
    except Shutdown as sig:
        log.info("%s received, stopping", sig)
        return 0
    except KeyboardInterrupt:
        return 0
    except (RuntimeError, TimeoutError, FileNotFoundError) as exc:
        print(f"\nkraftsamla: {exc}", file=sys.stderr)
        return 1
    finally:
        # A second Ctrl-C must not interrupt the orderly stop.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if loader is not None:
            loader.stop()
        stop_all()
        log.info("stopped")


def show_keys(args: argparse.Namespace) -> int:
    """``./kraftsamla keys [NAME]``: the demo keys as a table, or one key alone (for ``$(…)``)."""
    data_dir = Path(args.data_dir).resolve()
    keys = demo_keys(data_dir)
    if not keys:
        print(
            f"kraftsamla: no demo API keys in {data_dir} yet; './kraftsamla up' makes them.", file=sys.stderr
        )
        return 1
    if args.name:
        found = next((k["key"] for k in keys if k["name"] == args.name), None)
        if found is None:
            names = ", ".join(k["name"] for k in keys)
            print(f"kraftsamla: no demo API key named {args.name!r}; there are: {names}", file=sys.stderr)
            return 1
        print(found)
        return 0
    print(f"Demo API keys (header X-API-Key), from {data_dir / DEMO_KEYS_FILE}:\n")
    print("\n".join(f"  {line}" for line in key_table(keys)))
    return 0


DEFAULT_DATA_DIR = "./data"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kraftsamla", description="Run Kraftsamla on this machine.")
    sub = p.add_subparsers(dest="command", required=True)
    data_dir = os.environ.get("KRAFTSAMLA_DATA_DIR", DEFAULT_DATA_DIR)
    u = sub.add_parser("up", help="start NATS, the four services, the gateway and the sign-in provider")
    u.add_argument("--data-dir", default=data_dir)
    u.add_argument("--gateway-port", type=int, default=_env_int("KRAFTSAMLA_GATEWAY_PORT", 8000))
    u.add_argument(
        "--gateway-metrics-port",
        type=int,
        default=_env_int("KRAFTSAMLA_GATEWAY_METRICS_PORT", 8009),
        help="the gateway's Prometheus metrics, on 127.0.0.1 only",
    )
    u.add_argument("--nats-port", type=int, default=_env_int("KRAFTSAMLA_NATS_PORT", 14222))
    u.add_argument(
        "--oidc-port",
        type=int,
        default=_env_int("KRAFTSAMLA_OIDC_PORT", 8010),
        help="the OpenID Connect provider for development, on 127.0.0.1 only",
    )
    u.add_argument("--no-demo", action="store_true", help="do not load demo data on first start")
    u.add_argument("--ready-timeout", type=float, default=120.0, help="seconds to wait for each service")
    k = sub.add_parser("keys", help="print the demo API keys (or one of them, by name)")
    k.add_argument(
        "name", nargs="?", help="the key's name, e.g. operator or kronoberg-admin: print that key alone"
    )
    k.add_argument("--data-dir", default=data_dir)
    return p


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per readiness poll is noise
    args = parser().parse_args(argv)
    if args.command == "up":
        sys.exit(up(args))
    if args.command == "keys":
        sys.exit(show_keys(args))


if __name__ == "__main__":
    main()
