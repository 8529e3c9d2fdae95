"""Demo data loaded through the public API on the first ``up`` of a fresh data dir.

Everything goes through the gateway with the demo regions' own keys, as a region or a funding
system would send it. Loading is safe to repeat: actors are de-duplicated by identifier,
applications are upserts by the funding system's id, and a region whose programme exists is
not given a second one. Applications are sent before the plans are published, so the first
publication already shows a reassessment.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, TextIO

import httpx

from . import demo_portfolio
from .demo_content import DEMO_NOTE, INTEGRATOR_SOURCES, MEASUREMENTS, PARTNERSHIPS, REGIONS

Json = dict[str, Any]


class DemoLoadError(RuntimeError):
    pass


Progress = Callable[[str, str, int, int], None]
"""Told of each step of the load: ``(region name, step, done, of)``."""


def _quiet(region: str, step: str, done: int, of: int) -> None:
    return None


STEPS = {
    "actors": "actors",
    "applications": "applications",
    "plans": "action plans published",
    "measurements": "indicator values",
    "local_plans": "local plans published",
    "groups": "steering groups and partnerships",
    "engagements": "meetings and engagements",
    "reassessments": "reassessments against the published plans",
    "decisions": "decisions",
}
"""What each step loads, as a progress line names it."""


class ProgressLines:
    """The load's progress as plain lines, no more than one every ``interval`` seconds (the latest
    step's count), a line for each region loaded and a last line for the whole load."""

    def __init__(self, out: TextIO = sys.stdout, interval: float = 2.0) -> None:
        self.out = out
        self.interval = interval
        self.started = time.monotonic()
        self._last = self.started

    def write(self, line: str) -> None:
        print(line, file=self.out, flush=True)
        self._last = time.monotonic()

    def __call__(self, region: str, step: str, done: int, of: int) -> None:
        if time.monotonic() - self._last >= self.interval:
            self.write(f"Loading demo: {region} — {STEPS.get(step, step)} {done}/{of} …")

    def region_loaded(self, region: str, counts: dict[str, int], seconds: float) -> None:
        self.write(
            f"Loaded demo: {region} in {seconds:.0f} s — {counts['actors']} actors, "
            f"{counts['applications']} applications ({counts['decisions']} decided), "
            f"{counts['published']} action plans and {counts['local_plans']} local plans published, "
            f"{counts['measurements']} indicator values, {counts['engagements']} engagements"
        )

    def finished(self) -> None:
        self.write(f"Demo data loaded in {time.monotonic() - self.started:.0f} s")


def _check(r: httpx.Response, *ok: int) -> Any:
    if r.status_code not in ok:
        raise DemoLoadError(
            f"{r.request.method} {r.request.url.path} answered {r.status_code}: {r.text[:500]}"
        )
    return r.json()


async def load_region(
    http: httpx.AsyncClient, region: dict[str, Any], keys: dict[str, str], progress: Progress = _quiet
) -> dict[str, int]:
    rid = region["region"]

    def step(name: str, done: int, of: int) -> None:
        progress(region["name"], name, done, of)

    admin = {"X-API-Key": keys[f"{rid}-admin"]}
    integrator = {"X-API-Key": keys[f"{rid}-integrator"]}
    leader = {"X-API-Key": keys[f"{rid}-assessor"]}
    counts = {"actors": 0, "applications": 0, "published": 0, "local_plans": 0}

    actor_ids: dict[str, str] = {}
    for actor in region["actors"]:
        step("actors", counts["actors"], len(region["actors"]))
        registered = _check(
            await http.post(f"/actors/regions/{rid}/actors", json=actor, headers=admin), 200, 201
        )
        actor_ids[actor["identifier"]] = registered["id"]
        counts["actors"] += 1

    source = INTEGRATOR_SOURCES[rid]
    generated = demo_portfolio.portfolio(region)
    applications = len(region["applications"]) + len(generated)
    for application in region["applications"]:
        step("applications", counts["applications"], applications)
        body = {"source": source, **application}
        _check(
            await http.post(f"/assessment/regions/{rid}/applications", json=body, headers=integrator),
            200,
            201,
        )
        counts["applications"] += 1
    step("applications", counts["applications"], applications)
    result = _check(
        await http.post(
            f"/assessment/regions/{rid}/applications/bulk?source={source}", json=generated, headers=integrator
        ),
        200,
    )
    if result["rejected"]:
        raise DemoLoadError(f"{rid}: demo applications rejected: {result['results'][:3]}")
    app_ids = {r["external_id"]: r["id"] for r in result["results"]}
    counts["applications"] += len(generated)

    programmes = _check(await http.get(f"/plans/regions/{rid}/programmes", headers=admin), 200)["data"]
    programme = next((p for p in programmes if p["title"] == region["programme"]["title"]), None)
    if programme is None:
        programme = _check(
            await http.post(f"/plans/regions/{rid}/programmes", json=region["programme"], headers=admin), 201
        )
    if region.get("adoption") and programme["adoption"] is None:
        url = f"/plans/regions/{rid}/programmes/{programme['id']}/adopt"
        programme = _check(await http.post(url, json=region["adoption"], headers=admin), 200)
    area_ids = {sa["code"]: sa["id"] for sa in programme["strength_areas"]}
    for area in programme["strength_areas"]:
        content = region["plans"].get(area["code"])
        if content is None:
            continue
        step("plans", counts["published"], len(region["plans"]))
        url = f"/plans/regions/{rid}/action-plans/{area['action_plan_id']}"
        r = await http.get(url, headers=admin)
        plan = _check(r, 200)
        if plan["current_version"] > 0:
            continue
        body = draft(content, date.today())
        r = await http.put(f"{url}/draft", json=body, headers={**admin, "If-Match": r.headers["ETag"]})
        _check(r, 200)
        _check(
            await http.post(f"{url}/publish", json={"note": "Demodata: första versionen"}, headers=admin), 201
        )
        counts["published"] += 1
    plan_ids = {sa["code"]: sa["action_plan_id"] for sa in programme["strength_areas"]}
    counts["measurements"] = await load_measurements(http, rid, leader, plan_ids, step)

    existing = _check(await http.get(f"/plans/regions/{rid}/local-plans", headers=admin), 200)["data"]
    titles = {lp["title"] for lp in existing}
    for local in region.get("local_plans", []):
        if local["title"] in titles:
            continue
        step("local_plans", counts["local_plans"], len(region["local_plans"]))
        body = resolve(local, area_ids, actor_ids)
        created = _check(await http.post(f"/plans/regions/{rid}/local-plans", json=body, headers=admin), 201)
        url = f"/plans/regions/{rid}/local-plans/{created['id']}/publish"
        _check(await http.post(url, json={"note": "Demodata"}, headers=admin), 201)
        counts["local_plans"] += 1

    counts["engagements"] = await load_partnerships(http, rid, admin, area_ids, actor_ids, step)
    counts["decisions"] = await decide(
        http, rid, admin, integrator, generated, app_ids, len(region["plans"]), step
    )
    return counts


async def decide(
    http: httpx.AsyncClient,
    rid: str,
    admin: dict[str, str],
    integrator: dict[str, str],
    generated: list[dict[str, Any]],
    app_ids: dict[str, str],
    plans: int,
    step: Callable[[str, int, int], None] = lambda *_: None,
) -> int:
    """Decisions on part of the portfolio, once it is assessed against every published plan
    (a decided application is no longer reassessed)."""
    url = f"/assessment/regions/{rid}/applications"
    for _ in range(1200):
        # One reassessment per published plan; those that newer plans overtook end as superseded.
        url_r = f"/assessment/regions/{rid}/reassessments"
        started = _check(await http.get(f"{url_r}?limit=1", headers=admin), 200)["count"]
        running = _check(await http.get(f"{url_r}?status=running&limit=1", headers=admin), 200)["count"]
        if started >= plans and not running:
            break
        step("reassessments", min(started - running, plans), plans)
        await asyncio.sleep(0.1)
    decisions = demo_portfolio.decisions(generated)
    for n, (external_id, decision) in enumerate(decisions.items()):
        step("decisions", n, len(decisions))
        _check(
            await http.post(f"{url}/{app_ids[external_id]}/decision", json=decision, headers=integrator), 200
        )
    return len(decisions)


def _months_back(today: date, months: int) -> date:
    total = today.year * 12 + today.month - 1 - months
    return date(total // 12, total % 12 + 1, 15)


async def load_partnerships(
    http: httpx.AsyncClient,
    rid: str,
    admin: dict[str, str],
    area_ids: dict[str, str],
    actor_ids: dict[str, str],
    step: Callable[[str, int, int], None] = lambda *_: None,
) -> int:
    """The region's settings, groups, the actors' contact people, annual cycle and a year of
    engagements, each meeting linked to its cycle and listing who took part, through the actors API."""
    content = PARTNERSHIPS.get(rid)
    if content is None:
        return 0
    base = f"/actors/regions/{rid}"
    # The actors service learns the strength areas from the plans service's events; wait for them.
    for _ in range(200):
        known = {sa["id"] for sa in _check(await http.get(f"{base}/strength-areas", headers=admin), 200)}
        if set(area_ids.values()) <= known:
            break
        await asyncio.sleep(0.1)
    else:
        raise DemoLoadError(f"{rid}: the actors service did not learn the strength areas in time")
    await put_settings(http, base, content["settings"], admin)
    existing = {
        g["name"] for g in _check(await http.get(f"{base}/groups?limit=500", headers=admin), 200)["data"]
    }
    for n, g in enumerate(content["groups"]):
        if g["name"] in existing:
            continue
        step("groups", n, len(content["groups"]))
        created = _check(await http.post(f"{base}/groups", json=group_body(g, area_ids), headers=admin), 201)
        for m in g["members"]:
            member = member_body(m, actor_ids)
            _check(await http.post(f"{base}/groups/{created['id']}/members", json=member, headers=admin), 201)
    person_ids = await load_people(http, rid, admin, content.get("people", []), actor_ids)
    if _check(await http.get(f"{base}/cycles", headers=admin), 200)["count"]:
        return 0
    today = date.today()
    recorded = 0
    engagements = sum(len(m["held_months_ago"]) for m in content["meetings"])
    for meeting in content["meetings"]:
        body = cycle_body(meeting, area_ids, today)
        planned = _check(await http.post(f"{base}/cycles", json=body, headers=admin), 201)
        for engagement in engagement_bodies(meeting, area_ids, actor_ids, person_ids, planned["id"], today):
            step("engagements", recorded, engagements)
            _check(await http.post(f"{base}/engagements", json=engagement, headers=admin), 201)
            recorded += 1
    return recorded


async def put_settings(http: httpx.AsyncClient, base: str, settings: Json, admin: dict[str, str]) -> None:
    """The region's settings; settings there already (a load repeated) are changed at the ETag
    just read, as the actors service asks of every change of them."""
    found = await http.get(f"{base}/settings", headers=admin)
    _check(found, 200, 404)
    etag = found.headers.get("etag") if found.status_code == 200 else None
    sent = {**admin, "If-Match": etag} if etag else admin
    _check(await http.put(f"{base}/settings", json=settings, headers=sent), 200)


async def load_people(
    http: httpx.AsyncClient,
    rid: str,
    admin: dict[str, str],
    people: list[Json],
    actor_ids: dict[str, str],
) -> dict[str, str]:
    """The actors' contact people, registered as the actors service records people (name and role,
    pseudonymous ids); safe to repeat: a person already registered by name is not added again.
    Returns the platform's id of each person by name."""
    base = f"/actors/regions/{rid}"
    listed = _check(await http.get(f"{base}/people?limit=500", headers=admin), 200)["data"]
    ids = {p["name"]: p["id"] for p in listed}
    for person in people:
        if person["name"] not in ids:
            url = f"{base}/actors/{actor_ids[person['organisation']]}/people"
            ids[person["name"]] = _check(await http.post(url, json=person_body(person), headers=admin), 201)[
                "id"
            ]
    return ids


async def load_measurements(
    http: httpx.AsyncClient,
    rid: str,
    leader: dict[str, str],
    plan_ids: dict[str, str],
    step: Callable[[str, int, int], None] = lambda *_: None,
) -> int:
    """Values of the published plans' sub-goal indicators, recorded by a process leader. Safe to
    repeat: a value for a sub-goal and year already recorded is corrected, never doubled."""
    recorded = 0
    measurements = MEASUREMENTS.get(rid, [])
    for m in measurements:
        step("measurements", recorded, len(measurements))
        url = f"/plans/regions/{rid}/action-plans/{plan_ids[m['strength_area']]}/measurements"
        _check(await http.post(url, json=measurement_body(m), headers=leader), 200, 201)
        recorded += 1
    return recorded


# --------------------------------------------------------------------------- request bodies
#
# The bodies sent for the demo content, built without talking to the platform (``demo_schemas``
# checks them against the API's schemas). ``area_ids`` and ``actor_ids`` are the platform's ids
# of strength areas by code and of actors by organisation identifier.


def draft(content: Json, today: date) -> Json:
    """An action plan's draft, to be reviewed within six months of whenever the demo is loaded."""
    return {**content, "next_review": (today + timedelta(days=120)).isoformat()}


def group_body(group: Json, area_ids: dict[str, str]) -> Json:
    return {
        "kind": group["kind"],
        "name": group["name"],
        "strength_area_id": area_ids.get(group["strength_area"]),
    }


def member_body(member: Json, actor_ids: dict[str, str]) -> Json:
    return {
        "actor_id": actor_ids[member["identifier"]],
        "role": member["role"],
        "joined_on": member["joined_on"],
    }


def person_body(person: Json) -> Json:
    """A contact person: the name and role only (no e-mail, no telephone)."""
    return {"name": person["name"], "role": person.get("role")}


def cycle_body(meeting: Json, area_ids: dict[str, str], today: date) -> Json:
    """A meeting's annual cycle, planned from the start of the month a year ago."""
    cycle = meeting["cycle"]
    return {
        "strength_area_id": area_ids[cycle["strength_area"]],
        "kind": cycle["kind"],
        "title": cycle["title"],
        "frequency": cycle["frequency"],
        "starts_on": _months_back(today, 12).replace(day=1).isoformat(),
    }


def engagement_bodies(
    meeting: Json,
    area_ids: dict[str, str],
    actor_ids: dict[str, str],
    person_ids: dict[str, str],
    cycle_id: str,
    today: date,
) -> list[Json]:
    """The meetings held of a cycle, mid-month in each of the months counted back from ``today``:
    the people who took part by their ids (``person_ids`` by name), organisations that took part as
    a whole, and a head count of the others."""
    cycle = meeting["cycle"]
    participants = [{"person_id": person_ids[name]} for name in meeting.get("people", [])]
    participants += [{"actor_id": actor_ids[i]} for i in meeting.get("actors", [])]
    return [
        {
            "kind": cycle["kind"],
            "title": cycle["title"],
            "held_on": _months_back(today, months).isoformat(),
            "strength_area_ids": [area_ids[cycle["strength_area"]]],
            "cycle_id": cycle_id,
            "participants": participants,
            "head_count": meeting["head_count"],
            "notes": DEMO_NOTE,
        }
        for months in meeting["held_months_ago"]
    ]


def measurement_body(measurement: Json) -> Json:
    """An indicator value, sent to the action plan of its strength area."""
    return {k: v for k, v in measurement.items() if k != "strength_area"}


def resolve(value: Any, area_ids: dict[str, str], actor_ids: dict[str, str]) -> Any:
    """Demo content names strength areas by code and actors by identifier; the API wants their ids."""
    if isinstance(value, list):
        return [resolve(v, area_ids, actor_ids) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, v in value.items():
        if key == "strength_area":
            out["strength_area_id"] = area_ids[v]
        elif key.endswith("_identifier"):
            out[key.removesuffix("_identifier") + "_actor_id"] = actor_ids[v]
        else:
            out[key] = resolve(v, area_ids, actor_ids)
    return out


class PoliteTransport(httpx.AsyncBaseTransport):
    """Sends again a request the platform answered 429 (rate limit), after its ``Retry-After``, and
    one refused only because it names something another service made a moment ago and this one has
    not heard of yet (422, every error ``unknown_reference``), a little later: the demo loader is
    one client sending thousands of requests, as an integrator's would."""

    def __init__(self, inner: httpx.AsyncBaseTransport, attempts: int = 30, not_yet: float = 0.2) -> None:
        self.inner = inner
        self.attempts = attempts
        self.not_yet = not_yet

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        for _ in range(self.attempts):
            response = await self.inner.handle_async_request(request)
            if response.status_code == 429:
                await response.aclose()
                await asyncio.sleep(float(response.headers.get("retry-after", "1")))
            elif response.status_code == 422 and await _not_known_yet(response):
                await asyncio.sleep(self.not_yet)
            else:
                return response
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


async def _not_known_yet(response: httpx.Response) -> bool:
    """Whether a 422 names only ids this service does not know (yet); the body stays readable."""
    await response.aread()
    try:
        errors = response.json().get("errors") or []
    except ValueError:
        return False
    return bool(errors) and all(e.get("type") == "unknown_reference" for e in errors)


async def load(base_url: str, keys: list[dict[str, str]], progress: ProgressLines | None = None) -> None:
    """Fill a fresh platform with the demo regions, through the gateway at ``base_url``; with
    ``progress``, its lines tell how far the load is."""
    by_name = {k["name"]: k["key"] for k in keys}
    transport = PoliteTransport(httpx.AsyncHTTPTransport())
    async with httpx.AsyncClient(base_url=base_url, timeout=60, transport=transport) as http:
        for region in REGIONS:
            started = time.monotonic()
            counts = await load_region(http, region, by_name, progress or _quiet)
            if progress is not None:
                progress.region_loaded(region["name"], counts, time.monotonic() - started)
    if progress is not None:
        progress.finished()
