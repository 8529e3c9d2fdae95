"""``python -m kraftsamla_local.oidc``: the OpenID Connect provider for development, with the demo
people, as ``./kraftsamla up`` runs it (:class:`kraftsamla_local.servers.OidcProvider`), on its own.

Docker Compose runs it in its profile ``dev`` (deploy/docker/README.md). It is oidc-provider-mock:
anyone who reaches it signs in as anyone, so it is for one's own machine only, never a deployment.
With ``--jwks-file`` it also writes its public keys (a JWKS, a new key at each start) to that file
once it answers, for services that read a provider's keys from a file (``KRAFTSAMLA_JWT_JWKS_FILE``):
they fetch keys by URL only over https or from a loopback address, and in Compose the provider is
neither.

Only the standard library, httpx and oidc-provider-mock (and the demo data, for the people) are
needed: the image of Compose's development provider has nothing else.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import FrameType

DEFAULT_PORT = 8010
DEFAULT_TOKEN_MAX_AGE_SECONDS = 3600


def provider_args(
    people: Sequence[Mapping[str, object]],
    *,
    host: str,
    port: int,
    token_max_age_seconds: int = DEFAULT_TOKEN_MAX_AGE_SECONDS,
) -> list[str]:
    """The command that runs oidc-provider-mock on ``host:port`` with ``people`` (each a dict of
    claims with ``sub``) offered on its sign-in page."""
    args = [sys.executable, "-m", "oidc_provider_mock", "--host", host, "--port", str(port)]
    args += ["--token-max-age", str(token_max_age_seconds)]
    for person in people:
        args += ["--user-claims", json.dumps(dict(person), ensure_ascii=False)]
    return args


def write_jwks(
    jwks_url: str, path: Path, *, running: subprocess.Popen[bytes] | None = None, timeout: float = 60.0
) -> None:
    """Fetch the provider's JWKS from ``jwks_url`` once it answers and write it to ``path``
    (written whole, then renamed: a service reading the file never sees half of it)."""
    import httpx

    deadline = time.monotonic() + timeout
    while True:
        try:
            response = httpx.get(jwks_url, timeout=2.0)
            if response.status_code == 200 and response.json().get("keys"):
                break
        except (httpx.HTTPError, ValueError):
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"the provider's keys did not answer at {jwks_url} within {timeout:.0f} s")
        if running is not None and running.poll() is not None:
            raise RuntimeError(f"the provider exited (code {running.returncode}) before its keys answered")
        time.sleep(0.2)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(response.json(), indent=2) + "\n")
    tmp.chmod(0o644)  # public keys, read by the services (another container, the same user)
    tmp.replace(path)


def _loopback_for(host: str) -> str:
    """Where this process reaches the provider bound to ``host``."""
    return "127.0.0.1" if host in ("0.0.0.0", "", "::") else host


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m kraftsamla_local.oidc",
        description="The OpenID Connect provider for development, with the demo people (never for a "
        "deployment: anyone who reaches it signs in as anyone).",
    )
    p.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"the port (default {DEFAULT_PORT})")
    p.add_argument(
        "--token-max-age",
        type=int,
        default=DEFAULT_TOKEN_MAX_AGE_SECONDS,
        help="seconds an ID token is valid",
    )
    p.add_argument("--jwks-file", type=Path, help="write the provider's public keys (JWKS) to this file")
    return p


def main(argv: list[str] | None = None) -> int:
    from .people import DEMO_PEOPLE

    args = parser().parse_args(argv)
    command = provider_args(
        [p.claims() for p in DEMO_PEOPLE],
        host=args.host,
        port=args.port,
        token_max_age_seconds=args.token_max_age,
    )
    provider = subprocess.Popen(command, env={**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"})

    stopping: list[int] = []

    def forward(signum: int, frame: FrameType | None) -> None:
        stopping.append(signum)
        provider.send_signal(signum)

    # Run as a container's first process: a stop (SIGTERM) reaches the provider, which exits.
    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    if args.jwks_file is not None:
        url = f"http://{_loopback_for(args.host)}:{args.port}/jwks"
        try:
            write_jwks(url, args.jwks_file, running=provider)
        except (TimeoutError, RuntimeError) as exc:
            print(f"kraftsamla_local.oidc: {exc}", file=sys.stderr, flush=True)
            provider.terminate()
            provider.wait()
            return 1
        print(
            f"kraftsamla_local.oidc: the provider's keys are in {args.jwks_file}", file=sys.stderr, flush=True
        )
    code = provider.wait()
    if stopping and code in (0, *(-signum for signum in stopping)):
        return 0  # stopped as asked (uvicorn ends by the signal it was sent)
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main())
