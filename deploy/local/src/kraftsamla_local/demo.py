"""Demo data loaded through the public API on the first ``up`` of a fresh data dir.

Everything goes through the gateway with the demo regions' own keys, as a region or a funding
system would send it. Loading is safe to repeat: actors are de-duplicated by identifier,
applications are upserts by the funding system's id, and a region whose programme exists is
not given a second one. Applications are sent before the plans are published, so the first
publication already shows a reassessment.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

import httpx

from .demo_content import INTEGRATOR_SOURCES, REGIONS

log = logging.getLogger(__name__)


class DemoLoadError(RuntimeError):
    pass


def _check(r: httpx.Response, *ok: int) -> dict[str, Any]:
    if r.status_code not in ok:
        raise DemoLoadError(
            f"{r.request.method} {r.request.url.path} answered {r.status_code}: {r.text[:500]}"
        )
    body: dict[str, Any] = r.json()
    return body


async def load_region(
    http: httpx.AsyncClient, region: dict[str, Any], keys: dict[str, str]
) -> dict[str, int]:
    rid = region["region"]
    admin = {"X-API-Key": keys[f"{rid}-admin"]}
    integrator = {"X-API-Key": keys[f"{rid}-integrator"]}
    counts = {"actors": 0, "applications": 0, "published": 0, "local_plans": 0}

    actor_ids: dict[str, str] = {}
    for actor in region["actors"]:
        registered = _check(
            await http.post(f"/actors/regions/{rid}/actors", json=actor, headers=admin), 200, 201
        )
        actor_ids[actor["identifier"]] = registered["id"]
        counts["actors"] += 1

    source = INTEGRATOR_SOURCES[rid]
    for application in region["applications"]:
        body = {"source": source, **application}
        _check(
            await http.post(f"/assessment/regions/{rid}/applications", json=body, headers=integrator),
            200,
            201,
        )
        counts["applications"] += 1

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
        url = f"/plans/regions/{rid}/action-plans/{area['action_plan_id']}"
        r = await http.get(url, headers=admin)
        plan = _check(r, 200)
        if plan["current_version"] > 0:
            continue
        # Reviewed within six months of whenever the demo is loaded.
        content = {**content, "next_review": (date.today() + timedelta(days=120)).isoformat()}
        r = await http.put(f"{url}/draft", json=content, headers={**admin, "If-Match": r.headers["ETag"]})
        _check(r, 200)
        _check(
            await http.post(f"{url}/publish", json={"note": "Demodata: första versionen"}, headers=admin), 201
        )
        counts["published"] += 1

    existing = _check(await http.get(f"/plans/regions/{rid}/local-plans", headers=admin), 200)["data"]
    titles = {lp["title"] for lp in existing}
    for local in region.get("local_plans", []):
        if local["title"] in titles:
            continue
        body = _resolve(local, area_ids, actor_ids)
        created = _check(await http.post(f"/plans/regions/{rid}/local-plans", json=body, headers=admin), 201)
        url = f"/plans/regions/{rid}/local-plans/{created['id']}/publish"
        _check(await http.post(url, json={"note": "Demodata"}, headers=admin), 201)
        counts["local_plans"] += 1
    return counts


def _resolve(value: Any, area_ids: dict[str, str], actor_ids: dict[str, str]) -> Any:
    """Demo content names strength areas by code and actors by identifier; the API wants their ids."""
    if isinstance(value, list):
        return [_resolve(v, area_ids, actor_ids) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, v in value.items():
        if key == "strength_area":
            out["strength_area_id"] = area_ids[v]
        elif key.endswith("_identifier"):
            out[key.removesuffix("_identifier") + "_actor_id"] = actor_ids[v]
        else:
            out[key] = _resolve(v, area_ids, actor_ids)
    return out


async def load(base_url: str, keys: list[dict[str, str]]) -> None:
    """Fill a fresh platform with the demo regions, through the gateway at ``base_url``."""
    by_name = {k["name"]: k["key"] for k in keys}
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        for region in REGIONS:
            counts = await load_region(http, region, by_name)
            log.info(
                "demo data: %s — %d actors, %d applications, %d action plans and %d local plans published",
                region["name"],
                counts["actors"],
                counts["applications"],
                counts["published"],
                counts["local_plans"],
            )
