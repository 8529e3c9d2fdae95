"""The staff web application's pages: server time and calls to the services, per page.

The platform as real processes (NATS, the four services, an OpenID provider, the web
application), one region loaded through the API with the demo's action plans and N applications,
one plan published anew (a reassessment that moves applications). A demo assessor signs in by the
real authorization-code flow (the provider's form posted with httpx), then each page is requested
``--repeat`` times, one after another. Server time is the web application's own
(``Server-Timing: app;dur=…``), calls the services it made for the page (``services;desc="calls=…"``).
Prints one JSON line: per page p50/p95 server time in ms, the calls, and the goals (p95 ≤ 150 ms a
page, ≤ 250 ms the desk); a page this branch does not have (404) is skipped.

    ./kraftsamla run python bench/web.py [--n 500] [--repeat 50] [--database sqlite|postgresql]
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from typing import Any
from urllib.parse import urljoin

import harness
import httpx

from kraftsamla_local import servers
from kraftsamla_local.people import DEMO_PEOPLE, service_env, web_env

GOAL_MS = {"page_p95": 150, "desk_p95": 250}
_TIMING = re.compile(r"app;dur=([0-9.]+)")
_CALLS = re.compile(r"calls=(\d+)")
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _person() -> Any:
    return next(p for p in DEMO_PEOPLE if p.region == harness.RID and p.role == "assessor")


async def sign_in(http: httpx.AsyncClient, web: str, sub: str) -> None:
    """The authorization-code flow as a browser walks it: the sign-in form (with its CSRF token) to
    the provider, the provider's form posted with the person's ``sub``, its redirect to the web
    application's callback, and on to the desk."""
    page = await http.get(f"{web}/signin")
    token = _CSRF.search(page.text)
    if token is None:
        raise RuntimeError("no CSRF token on the sign-in page")
    r = await http.post(f"{web}/signin", data={"csrf_token": token.group(1), "next": "/"})
    if r.status_code not in (302, 303):
        raise RuntimeError(f"sign-in: {r.status_code} {r.text[:300]}")
    authorize = r.headers["location"]
    r = await http.post(authorize, data={"sub": sub})
    while r.status_code in (302, 303):
        r = await http.get(urljoin(str(r.url), r.headers["location"]))
    if r.status_code != 200 or "/regions/" not in str(r.url):
        raise RuntimeError(f"sign-in did not reach the desk: {r.status_code} {r.url}")


async def measure(http: httpx.AsyncClient, url: str, repeat: int) -> dict[str, Any] | None:
    """``repeat`` requests of a page (after two to warm up); None where it answers 404."""
    first = await http.get(url)
    if first.status_code == 404:
        return None
    if first.status_code != 200:
        raise RuntimeError(f"{url}: {first.status_code} {first.text[:300]}")
    await http.get(url)
    server: list[float] = []
    wall: list[float] = []
    calls: set[int] = set()
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = await http.get(url)
        wall.append((time.perf_counter() - t0) * 1000)
        if r.status_code != 200:
            raise RuntimeError(f"{url}: {r.status_code}")
        timing = r.headers.get("server-timing", "")
        found = _TIMING.search(timing)
        counted = _CALLS.search(timing)
        if found is None or counted is None:
            raise RuntimeError(f"{url}: no Server-Timing ({timing!r})")
        server.append(float(found.group(1)))
        calls.add(int(counted.group(1)))
    return {
        "p50_ms": round(harness.percentile(server, 0.5), 1),
        "p95_ms": round(harness.percentile(server, 0.95), 1),
        "wall_p50_ms": round(harness.percentile(wall, 0.5), 1),
        "calls": max(calls),
    }


async def bench(database: str, n: int, repeat: int) -> dict[str, Any]:
    person = _person()
    oidc = servers.OidcProvider([person.claims()]).start()
    try:
        env = {**service_env(oidc.url, oidc.jwks_url), "KRAFTSAMLA_RATE_LIMIT_PER_SECOND": "0"}
        with harness.platform(database, env=env) as p:
            plans = await harness.load_plans(p)
            await harness.push_bulk(p, harness.applications(n))
            await harness.wait_report(p, lambda r: r["content"]["assessments"]["current"] == n)
            code, plan_id = next(iter(plans.items()))
            await harness.publish_change(p, plan_id, "bredd")
            newest = await harness.wait_reassessments_settled(p, len(plans) + 1)
            port = servers.free_port()
            web = servers.ServiceProcess(
                "web",
                port=port,
                nats_url=p.nats_url,
                data_dir=p.workdir,
                extra_env={
                    **web_env(oidc.url),
                    "KRAFTSAMLA_LOG_LEVEL": "WARNING",
                    "KRAFTSAMLA_WEB_PORT": str(port),
                    "KRAFTSAMLA_WEB_SESSION_SECRET": secrets.token_urlsafe(48),
                    **{f"KRAFTSAMLA_WEB_{s.upper()}_URL": p.url(s) for s in harness.SERVICES},
                },
            )
            web.start()
            try:
                web.wait_ready(60)
                base = web.base_url
                region = f"{base}/regions/{harness.RID}"
                pages: dict[str, Any] = {}
                async with httpx.AsyncClient(timeout=60) as anonymous:
                    pages["signin"] = await measure(anonymous, f"{base}/signin", repeat)
                async with httpx.AsyncClient(timeout=60) as http:
                    await sign_in(http, base, person.sub)
                    pages["desk"] = await measure(http, region, repeat)
                    pages["reassessments"] = await measure(http, f"{region}/reassessments", repeat)
                    pages["reassessment"] = await measure(
                        http, f"{region}/reassessments/{newest['id']}", repeat
                    )
                    pages["applications"] = await measure(http, f"{region}/applications", repeat)
                    if pages["applications"] is not None:
                        one = newest["moved"][0]["application_id"] if newest["moved"] else None
                        pages["application"] = (
                            await measure(http, f"{region}/applications/{one}", repeat) if one else None
                        )
                    pages["indicators"] = await measure(http, f"{region}/indicators", repeat)
                    if pages["indicators"] is not None:
                        pages["indicator_plan"] = await measure(
                            http, f"{region}/indicators/{plan_id}", repeat
                        )
                    pages["reports"] = await measure(http, f"{region}/reports", repeat)
                    if pages["reports"] is not None:
                        for name, path in (
                            ("report_versions", "/reports/versions"),
                            ("report_compare", "/reports/compare"),
                            ("report_follow_up", "/reports/follow-up"),
                            ("report_cooperation", "/reports/cooperation"),
                        ):
                            pages[name] = await measure(http, f"{region}{path}", repeat)
                measured = {k: v for k, v in pages.items() if v is not None}
            finally:
                web.stop()
    finally:
        oidc.stop()
    met = all(
        v["p95_ms"] <= (GOAL_MS["desk_p95"] if k == "desk" else GOAL_MS["page_p95"])
        for k, v in measured.items()
    )
    return {
        "pages": measured,
        "skipped": sorted(k for k, v in pages.items() if v is None),
        "repeat": repeat,
        "moved_in_reassessment": len(newest["moved"]),
        "plan_changed": code,
        "goals_ms": GOAL_MS,
        "goals_met": met,
    }


def main() -> None:
    parser = harness.arguments(__doc__, 500)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    for n in args.n:
        print(
            harness.line("web", args.database, n, asyncio.run(bench(args.database, n, args.repeat))),
            flush=True,
        )


if __name__ == "__main__":
    main()
