"""The staff web application's pages: server time and calls to the services, per page.

The platform as real processes (NATS, the four services, an OpenID provider, the web
application), one region loaded through the API with the demo's action plans and N applications,
one plan published anew (a reassessment that moves applications), the applications assigned
for review (a third to the demo assessor, a third shared by two other assessors, a third to no
one), and the region's demo actors, groups, people, annual cycle and engagements. The demo
assessor signs in by the real authorization-code flow (the provider's form posted with httpx),
then each page is requested ``--repeat`` times, one after another; then the demo administrator,
for their desk (with the overview of the assignments). Server time is the web application's own
(``Server-Timing: app;dur=…``), calls the services it made for the page (``services;desc="calls=…"``).
Prints one JSON line: per page p50/p95 server time in ms, the calls, and the goals (p95 ≤ 150 ms a
page, ≤ 250 ms a desk); a page this branch does not have (404) is skipped.

    ./kraftsamla run python bench/web.py [--n 500] [--repeat 50] [--database sqlite|postgresql]
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from datetime import date
from typing import Any
from urllib.parse import urljoin

import harness
import httpx

from kraftsamla_common.events import WHEEL_FACTORS
from kraftsamla_local import demo, servers
from kraftsamla_local.people import DEMO_PEOPLE, service_env, web_env

GOAL_MS = {"page_p95": 150, "desk_p95": 250}
_TIMING = re.compile(r"app;dur=([0-9.]+)")
_CALLS = re.compile(r"calls=(\d+)")
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _person(role: str = "assessor") -> Any:
    return next(p for p in DEMO_PEOPLE if p.region == harness.RID and p.role == role)


ASSESSORS = ("bench-assessor-2", "bench-assessor-3")
"""Two assessors besides the demo one, who share a third of the applications."""


async def assign(p: Any, assessor: str) -> None:
    """The applications in thirds: the first to ``user:<assessor>``, the second shared by
    :data:`ASSESSORS`, the last to no one."""
    async with p.client("assessment") as http:
        ids: list[str] = []
        while True:
            r = await http.get(
                f"/assessment/regions/{harness.RID}/applications", params={"limit": 500, "offset": len(ids)}
            )
            r.raise_for_status()
            found = [a["id"] for a in r.json()["data"]]
            ids += found
            if not found or len(ids) >= r.json()["count"]:
                break
        third = len(ids) // 3
        shares = [(f"user:{assessor}", ids[:third])]
        shares += [
            (f"user:{who}", ids[third + i : 2 * third : len(ASSESSORS)]) for i, who in enumerate(ASSESSORS)
        ]
        for who, chosen in shares:
            for i in range(0, len(chosen), 1000):
                r = await http.post(
                    f"/assessment/regions/{harness.RID}/applications/assignments",
                    json={"application_ids": chosen[i : i + 1000], "assignee": who},
                )
                r.raise_for_status()


ADMIN_PAGES = {
    "admin": "/admin",
    "admin_keys": "/admin/keys",
    "admin_webhooks": "/admin/webhooks",
    "admin_rubric": "/admin/rubric",
    "admin_audit": "/admin/audit",
    "admin_settings": "/admin/settings",
}
"""The administration pages, measured signed in as the region's administrator."""


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


async def load_actors(p: Any) -> None:
    """The region's actors, groups and their members, people, annual cycle and a year of
    engagements, as the demo loads them (through the actors API)."""
    async with p.client("plans") as plans, p.client("actors") as actors:
        programme = (await plans.get(f"/plans/regions/{harness.RID}/programmes")).json()["data"][0]
        area_ids = {a["code"]: a["id"] for a in programme["strength_areas"]}
        actor_ids = {}
        for actor in harness.REGION["actors"]:
            r = await actors.post(f"/actors/regions/{harness.RID}/actors", json=actor)
            if r.status_code not in (200, 201):
                raise RuntimeError(f"actor: {r.status_code} {r.text[:300]}")
            actor_ids[actor["identifier"]] = r.json()["id"]
        await demo.load_partnerships(actors, harness.RID, p.headers("admin"), area_ids, actor_ids)


def _ok(r: httpx.Response, *codes: int) -> Any:
    if r.status_code not in codes:
        raise RuntimeError(f"{r.request.method} {r.request.url}: {r.status_code} {r.text[:300]}")
    return r.json()


async def seed_plans_pages(p: Any, plans: dict[str, str]) -> dict[str, str]:
    """What the plans section's pages show beyond the programme: a local plan whose actions serve
    the first action plan's priorities (and one that serves none), and the RIS3 self-assessment of
    this year and the year before. The ids the pages are opened with."""
    year = date.today().year
    async with p.client("plans") as http:
        programme = (await http.get(f"/plans/regions/{harness.RID}/programmes")).json()["data"][0]
        area = next(a for a in programme["strength_areas"] if a["action_plan_id"] in plans.values())
        plan = (await http.get(f"/plans/regions/{harness.RID}/action-plans/{area['action_plan_id']}")).json()
        priorities = [pr["id"] for pr in plan["draft"]["priorities"]]
        actions = [
            {
                "id": f"a{i}",
                "title": f"Åtgärd {i}",
                "serves": [{"strength_area_id": area["id"], "priority_id": pr}],
            }
            for i, pr in enumerate(priorities)
        ] + [{"id": "fest", "title": "Stadsfest"}]
        body = {
            "title": "Lokal plan för Östersund",
            "owner": "Östersunds kommun",
            "municipalities": ["2380"],
            "actions": actions,
            "financing": [{"party": "Östersunds kommun", "year": year, "amount": 500000}],
        }
        local = _ok(await http.post(f"/plans/regions/{harness.RID}/local-plans", json=body), 201)["id"]
        _ok(await http.post(f"/plans/regions/{harness.RID}/local-plans/{local}/publish", json={}), 201)
        for y, score in ((year - 1, 2), (year, 3)):
            scores = {f: {"score": score, "comment": "Bedömt i styrgruppen."} for f in WHEEL_FACTORS}
            url = f"/plans/regions/{harness.RID}/programmes/{programme['id']}/self-assessments/{y}"
            _ok(await http.put(url, json={"scores": scores}), 201, 200)
    return {"programme": programme["id"], "area": area["id"], "local_plan": local}


async def bench(database: str, n: int, repeat: int) -> dict[str, Any]:
    person, admin = _person(), _person("admin")
    oidc = servers.OidcProvider([person.claims(), admin.claims()]).start()
    try:
        env = {**service_env(oidc.url, oidc.jwks_url), "KRAFTSAMLA_RATE_LIMIT_PER_SECOND": "0"}
        with harness.platform(database, env=env) as p:
            plans = await harness.load_plans(p)
            seeded = await seed_plans_pages(p, plans)
            await harness.push_bulk(p, harness.applications(n))
            await harness.wait_report(p, lambda r: r["content"]["assessments"]["current"] == n)
            code, plan_id = next(iter(plans.items()))
            await harness.publish_change(p, plan_id, "bredd")
            newest = await harness.wait_reassessments_settled(p, len(plans) + 1)
            await load_actors(p)
            await assign(p, person.sub)
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
                    pages["actors"] = await measure(http, f"{region}/actors", repeat)
                    if pages["actors"] is not None:
                        async with p.client("actors", "viewer") as actors:
                            listed = (await actors.get(f"/actors/regions/{harness.RID}/actors")).json()
                            groups = (await actors.get(f"/actors/regions/{harness.RID}/groups")).json()
                        pages["actor"] = await measure(
                            http, f"{region}/actors/{listed['data'][0]['id']}", repeat
                        )
                        pages["partnerships"] = await measure(http, f"{region}/partnerships", repeat)
                        pages["partnership"] = await measure(
                            http, f"{region}/partnerships/{groups['data'][0]['id']}", repeat
                        )
                        pages["engagements"] = await measure(http, f"{region}/engagements", repeat)
                    programme = f"{region}/programme/{seeded['programme']}"
                    pages["programme"] = await measure(http, f"{region}/programme", repeat)
                    pages["strength_area"] = await measure(
                        http, f"{programme}/strength-areas/{seeded['area']}", repeat
                    )
                    pages["local_plans"] = await measure(http, f"{region}/local-plans", repeat)
                    pages["local_plan"] = await measure(
                        http, f"{region}/local-plans/{seeded['local_plan']}", repeat
                    )
                    pages["checklist"] = await measure(http, f"{region}/checklist", repeat)
                    pages["self_assessment"] = await measure(http, f"{region}/self-assessment", repeat)
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
                async with httpx.AsyncClient(timeout=60) as http:
                    await sign_in(http, base, admin.sub)
                    pages["desk_admin"] = await measure(http, region, repeat)
                    plan = f"{region}/plans/{plan_id}"
                    pages["action_plans"] = await measure(http, f"{region}/plans", repeat)
                    if pages["action_plans"] is not None:
                        pages["action_plan"] = await measure(http, plan, repeat)
                        for step in (2, 3, 4):
                            pages[f"plan_step_{step}"] = await measure(http, f"{plan}/steps/{step}", repeat)
                        pages["plan_diff"] = await measure(http, f"{plan}/diff?from=1&to=2", repeat)
                        pages["plan_preview"] = await measure(http, f"{plan}/preview", repeat)
                    pages["local_plan_edit"] = await measure(
                        http, f"{region}/local-plans/{seeded['local_plan']}/edit", repeat
                    )
                    for name, path in ADMIN_PAGES.items():
                        pages[name] = await measure(http, f"{region}{path}", repeat)
                measured = {k: v for k, v in pages.items() if v is not None}
            finally:
                web.stop()
    finally:
        oidc.stop()
    met = all(
        v["p95_ms"] <= (GOAL_MS["desk_p95"] if k.startswith("desk") else GOAL_MS["page_p95"])
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
