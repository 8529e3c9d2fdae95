"""Ids in the actors API's bodies must be of the path's region, numbers and days within their bounds,
and the annual cycle's follow-up answers any period it is asked about (422 beyond the bounds, never
500): the service in-process on real NATS JetStream and a real database."""

from __future__ import annotations

from typing import Any

import httpx

from helpers import announce_area, eventually, headers

UNKNOWN = "unknown_reference"


class Api:
    def __init__(self, client: httpx.AsyncClient, region: str) -> None:
        self.client, self.base, self.h = client, f"/actors/regions/{region}", headers(region)

    async def call(self, method: str, path: str, expect: int, **kw: Any) -> Any:
        r = await self.client.request(method, self.base + path, headers=self.h, **kw)
        assert r.status_code == expect, (method, path, r.status_code, r.text)
        return r.json() if r.content else None

    async def refused(self, method: str, path: str, body: dict[str, Any]) -> list[tuple[str, str]]:
        """The pointers and types of a 422's errors."""
        problem = await self.call(method, path, 422, json=body)
        return [(e["pointer"], e.get("type", "")) for e in problem["errors"]]


async def world(client: httpx.AsyncClient, api: Api, nats_url: str, region: str) -> dict[str, str]:
    """An actor, a person, a cycle and a strength area of ``region``."""
    actor = await api.call(
        "POST",
        "/actors",
        201,
        json={"name": "Peak Innovation", "country": "SE", "identifier": "556677-8899", "helix": "business"},
    )
    person = await api.call("POST", f"/actors/{actor['id']}/people", 201, json={"name": "Anna", "role": "VD"})
    area = await announce_area(nats_url, region)

    async def known() -> bool:
        r = await client.get(f"{api.base}/strength-areas", headers=api.h)
        return any(sa["id"] == area for sa in r.json())

    await eventually(known)
    cycle = await api.call(
        "POST",
        "/cycles",
        201,
        json={
            "title": "Aktörsmöte",
            "frequency": "monthly",
            "starts_on": "2026-01-01",
            "strength_area_id": area,
        },
    )
    return {"actor": actor["id"], "person": person["id"], "area": area, "cycle": cycle["id"]}


async def test_ids_of_another_region_are_refused_and_nothing_changes(
    client: httpx.AsyncClient, region: str, other_region: str, nats_url: str
) -> None:
    ours, theirs = Api(client, region), Api(client, other_region)
    mine = await world(client, ours, nats_url, region)
    other = await world(client, theirs, nats_url, other_region)
    group = await ours.call("POST", "/groups", 201, json={"kind": "steering_group", "name": "Styrgrupp"})

    member = {"actor_id": other["actor"], "person_id": other["person"], "joined_on": "2026-01-01"}
    assert await ours.refused("POST", f"/groups/{group['id']}/members", member) == [
        ("/actor_id", UNKNOWN),
        ("/person_id", UNKNOWN),
    ]
    engagement = {
        "kind": "actor_meeting",
        "title": "Aktörsmöte",
        "held_on": "2026-02-10",
        "strength_area_ids": [mine["area"], other["area"]],
        "cycle_id": other["cycle"],
        "participants": [
            {"person_id": mine["person"]},
            {"person_id": other["person"]},
            {"actor_id": other["actor"]},
        ],
    }
    assert await ours.refused("POST", "/engagements", engagement) == [
        ("/strength_area_ids/1", UNKNOWN),
        ("/cycle_id", UNKNOWN),
        ("/participants/1/person_id", UNKNOWN),
        ("/participants/2/actor_id", UNKNOWN),
    ]
    assert await ours.refused(
        "POST", f"/actors/{mine['actor']}/merge", {"into_actor_id": other["actor"]}
    ) == [("/into_actor_id", UNKNOWN)]
    assert await ours.refused(
        "POST", "/groups", {"kind": "partnership", "name": "P", "strength_area_id": other["area"]}
    ) == [("/strength_area_id", UNKNOWN)]
    assert await ours.refused("PATCH", f"/groups/{group['id']}", {"strength_area_id": other["area"]}) == [
        ("/strength_area_id", UNKNOWN)
    ]
    cycle = {
        "title": "M",
        "frequency": "yearly",
        "starts_on": "2026-01-01",
        "strength_area_id": other["area"],
    }
    assert await ours.refused("POST", "/cycles", cycle) == [("/strength_area_id", UNKNOWN)]

    # Nothing changed: no member, no engagement, the actor not merged, one group, one cycle.
    assert (await ours.call("GET", f"/groups/{group['id']}/members", 200))["count"] == 0
    assert (await ours.call("GET", "/engagements", 200))["count"] == 0
    assert (await ours.call("GET", f"/actors/{mine['actor']}", 200))["merged_into_id"] is None
    groups = (await ours.call("GET", "/groups", 200))["data"]
    assert [(g["name"], g["strength_area_id"]) for g in groups] == [("Styrgrupp", None)]
    assert (await ours.call("GET", "/cycles", 200))["count"] == 1

    # The region's own ids are taken.
    member = {"actor_id": mine["actor"], "person_id": mine["person"], "joined_on": "2026-01-01"}
    await ours.call("POST", f"/groups/{group['id']}/members", 201, json=member)
    engagement = {**engagement, "strength_area_ids": [mine["area"]], "cycle_id": mine["cycle"]}
    await ours.call(
        "POST", "/engagements", 201, json={**engagement, "participants": [{"person_id": mine["person"]}]}
    )


async def test_numbers_and_days_beyond_their_bounds_are_refused(
    client: httpx.AsyncClient, region: str
) -> None:
    api = Api(client, region)
    base = {"kind": "survey", "title": "Enkät", "held_on": "2026-03-01", "head_count": 10}
    for change, pointer in (
        ({"head_count": 10**7}, "/head_count"),
        ({"head_count": -1}, "/head_count"),
        ({"held_on": "9999-12-31"}, "/held_on"),
        ({"held_on": "0001-01-01"}, "/held_on"),
    ):
        problem = await api.call("POST", "/engagements", 422, json={**base, **change})
        assert [e["pointer"] for e in problem["errors"]] == [pointer]
    cycle = {"title": "M", "frequency": "monthly", "starts_on": "0001-01-01", "ends_on": "9999-12-31"}
    problem = await api.call("POST", "/cycles", 422, json=cycle)
    assert [e["pointer"] for e in problem["errors"]] == ["/starts_on", "/ends_on"]
    assert (await api.call("GET", "/engagements", 200))["count"] == 0


async def test_the_annual_cycle_follow_up_takes_any_period_within_the_bounds(
    client: httpx.AsyncClient, region: str
) -> None:
    api = Api(client, region)
    # A cycle running to the end of the calendar, so that the old computation had slots to overflow.
    await api.call(
        "POST", "/cycles", 201, json={"title": "M", "frequency": "monthly", "starts_on": "2100-01-01"}
    )
    for path in ("/cycles/follow-up", "/participation"):
        for params, where in (
            ({"from": "0001-01-01", "to": "9999-12-31"}, {"/from", "/to"}),
            ({"from": "2026-01-01", "to": "2025-12-31"}, {"/to"}),
            ({"from": "1950-01-01", "to": "2099-12-31"}, {"/to"}),
            ({"from": "2101-01-01"}, {"/from"}),
        ):
            problem = await api.call("GET", path, 422, params=params)
            assert {e["pointer"] for e in problem["errors"]} == where, (path, params, problem)
    edge = await api.call("GET", "/cycles/follow-up", 200, params={"from": "2100-06-01", "to": "2100-12-31"})
    assert edge["cycles"][0]["upcoming"][-1] == "2100-12" and len(edge["cycles"][0]["upcoming"]) == 7
    wide = await api.call("GET", "/cycles/follow-up", 200, params={"from": "2071-01-01", "to": "2100-12-31"})
    assert len(wide["cycles"][0]["upcoming"]) == 12
