"""Ids in the assessment API's bodies must be of the path's region (strength areas as the plans
service announced them to it), amounts and days within their bounds: the service in-process on real
NATS JetStream and a real database."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from helpers import announce_area, application, eventually, headers
from kraftsamla_assessment.persistence.tables import KnownStrengthArea
from kraftsamla_common.db import ALL_REGIONS
from kraftsamla_common.events import new_id

UNKNOWN = "unknown_reference"
DRAFT = {
    "priorities": [
        {
            "id": "vatgas",
            "title": {"sv": "Vätgas"},
            "level": "spets",
            "vocabulary": ["vätgas"],
            "valid_from": "2026-01-01",
            "valid_until": "2027-12-31",
        }
    ]
}


async def known(client: httpx.AsyncClient, ids: set[str]) -> None:
    db = client.app.state.ctx.db  # type: ignore[attr-defined]

    async def all_known() -> bool:
        async with db.session(ALL_REGIONS) as s:
            n = await s.scalar(
                select(func.count()).select_from(KnownStrengthArea).where(KnownStrengthArea.id.in_(ids))
            )
        return n == len(ids)

    await eventually(all_known)


async def test_a_preview_of_another_regions_strength_area_is_refused(
    client: httpx.AsyncClient, region: str, other_region: str, nats_url: str
) -> None:
    ours, theirs = await announce_area(nats_url, region), await announce_area(nats_url, other_region)
    await known(client, {ours, theirs})
    url = f"/assessment/regions/{region}/previews"
    h = headers(region, "assessor")
    draft = {"action_plan_id": str(new_id()), "strength_area_id": theirs, "plan": DRAFT}
    r = await client.post(url, json={"action_plans": [draft]}, headers=h)
    assert r.status_code == 422, r.text
    assert [(e["pointer"], e["type"]) for e in r.json()["errors"]] == [
        ("/action_plans/0/strength_area_id", UNKNOWN)
    ]
    r = await client.post(url, json={"action_plans": [{**draft, "strength_area_id": ours}]}, headers=h)
    assert r.status_code == 200, r.text


EXTREMES: list[Any] = [1e308, -1e308, "NaN", "Infinity", "1e308", 1e13]


async def test_amounts_and_days_beyond_their_bounds_are_refused(
    client: httpx.AsyncClient, region: str
) -> None:
    url = f"/assessment/regions/{region}/applications"
    h = headers(region, "integrator")
    for value in EXTREMES:
        r = await client.post(url, json={**application(1), "requested_amount": value}, headers=h)
        assert r.status_code == 422, (value, r.text)
        assert [e["pointer"] for e in r.json()["errors"]] == ["/requested_amount"]
    r = await client.post(url, json={**application(1), "period_start": "0001-01-01"}, headers=h)
    assert r.status_code == 422 and [e["pointer"] for e in r.json()["errors"]] == ["/period_start"]
    bulk = await client.post(
        f"{url}/bulk", json=[{**application(2), "total_budget": 1e308}, application(3)], headers=h
    )
    assert bulk.status_code == 200, bulk.text
    assert [i["status"] for i in bulk.json()["results"]] == ["rejected", "created"]
    assert bulk.json()["results"][0]["errors"][0]["pointer"] == "/0/total_budget"
    listed = (await client.get(url, headers=headers(region, "viewer"))).json()
    assert [a["external_id"] for a in listed["data"]] == [application(3)["external_id"]]

    app_id = listed["data"][0]["id"]
    for decision in (
        {"outcome": "granted", "granted_amount": 1e13},
        {"outcome": "granted", "granted_amount": "Infinity"},
        {"outcome": "rejected", "decided_on": "9999-12-31"},
    ):
        r = await client.post(f"{url}/{app_id}/decision", json=decision, headers=h)
        assert r.status_code == 422, (decision, r.text)
    assert (await client.get(f"{url}/{app_id}", headers=h)).json()["status"] != "granted"
