"""Ids in the plans API's bodies must be of the path's region (actors, people and groups as the actors
service announced them to it), numbers and days within their bounds; what was stored before the
bounds is still read: the service in-process on real NATS JetStream and a real database."""

from __future__ import annotations

import copy
from typing import Any
from uuid import UUID

import httpx
import nats
from sqlalchemy import func, select, update
from test_plans_api import DRAFT, PROGRAMME, area_of, create_programme, local_plan, plan_of, publish, save

from helpers import envelope, eventually, headers
from kraftsamla_common.db import ALL_REGIONS
from kraftsamla_common.events import (
    ActorRegistered,
    EventData,
    GroupCreated,
    PersonAdded,
    new_id,
    subject_for,
    utcnow,
)
from kraftsamla_plans.persistence.tables import ActionPlan, IndicatorMeasurement, KnownActor

UNKNOWN = "unknown_reference"


async def announce(nats_url: str, region: str, *events: EventData) -> None:
    nc = await nats.connect(nats_url)
    try:
        for data in events:
            env = envelope(data, region)
            await nc.jetstream().publish(
                subject_for(env.type, region), env.model_dump_json(serialize_as_any=True).encode()
            )
    finally:
        await nc.close()


def actor(actor_id: UUID, name: str) -> ActorRegistered:
    return ActorRegistered(
        actor_id=actor_id, name=name, country="SE", identifier="556677-8899", helix="business"
    )


async def known_to_plans(client: httpx.AsyncClient, ids: set[str]) -> None:
    db = client.app.state.ctx.db  # type: ignore[attr-defined]

    async def all_known() -> bool:
        async with db.session(ALL_REGIONS) as s:
            n = await s.scalar(select(func.count()).select_from(KnownActor).where(KnownActor.id.in_(ids)))
        return n == len(ids)

    await eventually(all_known)


def refused(r: httpx.Response) -> list[tuple[str, str]]:
    assert r.status_code == 422, r.text
    return [(e["pointer"], e.get("type", "")) for e in r.json()["errors"]]


async def test_ids_of_another_region_are_refused_and_nothing_changes(
    client: httpx.AsyncClient, region: str, other_region: str, nats_url: str
) -> None:
    ours, our_group = new_id(), new_id()
    theirs, their_group, their_person = new_id(), new_id(), new_id()
    await announce(
        nats_url,
        region,
        actor(ours, "Peak Innovation"),
        GroupCreated(group_id=our_group, kind="steering_group", name="Styrgrupp"),
    )
    await announce(
        nats_url,
        other_region,
        actor(theirs, "Norrbottens Energikontor"),
        GroupCreated(group_id=their_group, kind="steering_group", name="Styrgrupp NB"),
        PersonAdded(person_id=their_person, actor_id=theirs, role="VD"),
    )
    await known_to_plans(client, {str(i) for i in (ours, our_group, theirs, their_group, their_person)})
    h = headers(region)
    prog = await create_programme(client, region)
    url = f"/plans/regions/{region}/programmes/{prog['id']}"

    # A strength area led by another region's actor or person.
    etag = (await client.get(url, headers=h)).headers["ETag"]
    area = {"code": "upplevelser", "name": {"sv": "Upplevelser"}, "process_leader_id": str(theirs)}
    r = await client.post(f"{url}/strength-areas", json=area, headers={**h, "If-Match": etag})
    assert refused(r) == [("/process_leader_id", UNKNOWN)]
    sa = area_of(prog, "energi")
    r = await client.patch(
        f"/plans/regions/{region}/strength-areas/{sa}",
        json={"process_leader_id": str(their_person)},
        headers={**h, "If-Match": etag},
    )
    assert refused(r) == [("/process_leader_id", UNKNOWN)]
    second = copy.deepcopy(PROGRAMME)
    second["strength_areas"][1]["process_leader_id"] = str(theirs)
    r = await client.post(f"/plans/regions/{region}/programmes", json=second, headers=h)
    assert refused(r) == [("/strength_areas/1/process_leader_id", UNKNOWN)]

    # An action plan's draft governed by another region's groups and people (or by an actor as a group).
    base = f"/plans/regions/{region}/action-plans/{plan_of(prog, 'energi')}"
    draft = copy.deepcopy(DRAFT)
    draft["governance"] = {
        "steering_group_id": str(their_group),
        "partnership_id": str(ours),
        "other_group_ids": [str(our_group), str(their_group)],
        "roles": [
            {"role": "ordförande", "holder_id": str(ours)},
            {"role": "sekreterare", "holder_id": str(their_person)},
        ],
    }
    assert refused(await save(client, region, base, draft)) == [
        ("/governance/steering_group_id", UNKNOWN),
        ("/governance/partnership_id", UNKNOWN),
        ("/governance/other_group_ids/1", UNKNOWN),
        ("/governance/roles/1/holder_id", UNKNOWN),
    ]

    # A local plan owned, carried out and financed by another region's actor.
    body = local_plan(area_of(prog, "energi"), area_of(prog, "digitala-losningar"))
    body["actions"] = [body["actions"][1]]
    body["owner_actor_id"] = str(theirs)
    body["actions"][0]["responsible_actor_id"] = str(theirs)
    body["financing"] = [
        {"party": "Region", "year": 2026, "amount": 100_000, "party_actor_id": str(ours)},
        {"party": "Energikontoret", "year": 2026, "amount": 50_000, "party_actor_id": str(theirs)},
    ]
    r = await client.post(f"/plans/regions/{region}/local-plans", json=body, headers=h)
    assert refused(r) == [
        ("/owner_actor_id", UNKNOWN),
        ("/actions/0/responsible_actor_id", UNKNOWN),
        ("/financing/1/party_actor_id", UNKNOWN),
    ]
    assert "is not an actor of this region" in r.json()["errors"][0]["message"]

    # Nothing changed.
    after = (await client.get(url, headers=h)).json()
    assert sorted(sa["code"] for sa in after["strength_areas"]) == ["digitala-losningar", "energi"]
    assert all(sa["process_leader"] is None for sa in after["strength_areas"])
    assert after["revision"] == prog["revision"]
    assert (await client.get(f"/plans/regions/{region}/programmes", headers=h)).json()["count"] == 1
    plan = (await client.get(base, headers=h)).json()
    assert plan["draft_revision"] == 1 and plan["draft"]["governance"]["steering_group_id"] is None
    assert (await client.get(f"/plans/regions/{region}/local-plans", headers=h)).json()["count"] == 0

    # The region's own are taken, and its steering group is governance evidence.
    draft["governance"] = {
        "steering_group_id": str(our_group),
        "roles": [{"role": "ordförande", "holder_id": str(ours)}],
    }
    await publish(client, region, base, draft)
    body["owner_actor_id"] = body["actions"][0]["responsible_actor_id"] = str(ours)
    body["financing"] = body["financing"][:1]
    r = await client.post(f"/plans/regions/{region}/local-plans", json=body, headers=h)
    assert r.status_code == 201, r.text
    checklist = (await client.get(f"{url}/checklist", headers=h)).json()
    partnered = next(
        e for c in checklist["criteria"] for e in c["evidence"] if e["key"] == "areas_with_partnership"
    )
    assert partnered["params"]["n"] == 1


EXTREMES: list[Any] = [1e308, -1e308, "NaN", "Infinity", "1e308", 1e13]


async def test_numbers_and_days_beyond_their_bounds_are_refused(
    client: httpx.AsyncClient, region: str
) -> None:
    h = headers(region)
    prog = await create_programme(client, region)
    base = f"/plans/regions/{region}/action-plans/{plan_of(prog, 'energi')}"
    await publish(client, region, base, DRAFT)
    for value in EXTREMES:
        measurement = {"sub_goal_id": "forny", "year": 2025, "value": value}
        r = await client.post(f"{base}/measurements", json=measurement, headers=h)
        assert [p for p, _ in refused(r)] == ["/value"], value
    assert (await client.get(f"{base}/measurements", headers=h)).json()["count"] == 0

    for path, value in (
        (("sub_goals", 0, "baseline"), 1e308),
        (("sub_goals", 0, "target"), "-Infinity"),
        (("priorities", 0, "valid_until"), "9999-12-31"),
        (("next_review",), "0001-01-01"),
    ):
        draft: Any = copy.deepcopy(DRAFT)
        target = draft
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
        assert [p for p, _ in refused(await save(client, region, base, draft))] == [
            "/" + "/".join(str(s) for s in path)
        ]
    body = local_plan(area_of(prog, "energi"), area_of(prog, "digitala-losningar"))
    body["financing"] = [{"party": "Region", "year": 2026, "amount": 1e13}]
    r = await client.post(f"/plans/regions/{region}/local-plans", json=body, headers=h)
    assert [p for p, _ in refused(r)] == ["/financing/0/amount"]
    adoption = {"adopted_on": "9999-12-31", "body": "Regionfullmäktige"}
    r = await client.post(f"/plans/regions/{region}/programmes/{prog['id']}/adopt", json=adoption, headers=h)
    assert [p for p, _ in refused(r)] == ["/adopted_on"]
    r = await client.get(f"/plans/regions/{region}/programmes", params={"year": 99999}, headers=h)
    assert [p for p, _ in refused(r)] == ["/year"]
    r = await client.get(f"{base}/versions/99999999999999999999", headers=h)
    assert [p for p, _ in refused(r)] == ["/number"]
    r = await client.get(f"{base}/diff", params={"from": "99999999999999999999"}, headers=h)
    assert [p for p, _ in refused(r)] == ["/from"]


async def test_values_stored_before_the_bounds_are_still_read(client: httpx.AsyncClient, region: str) -> None:
    h = headers(region)
    prog = await create_programme(client, region)
    plan_id = plan_of(prog, "energi")
    base = f"/plans/regions/{region}/action-plans/{plan_id}"
    await publish(client, region, base, DRAFT)
    stored = copy.deepcopy(DRAFT)
    stored["sub_goals"][0]["baseline"], stored["sub_goals"][0]["target"] = -1e308, 1e308
    db = client.app.state.ctx.db  # type: ignore[attr-defined]
    async with db.session(region) as s, s.begin():
        await s.execute(update(ActionPlan).where(ActionPlan.id == plan_id).values(draft=stored))
        now = utcnow()
        s.add(
            IndicatorMeasurement(
                id=str(new_id()),
                region=region,
                action_plan_id=plan_id,
                sub_goal_id="forny",
                year=2025,
                value=1e308,
                measured_on=None,
                source="",
                note="",
                recorded_by="test",
                created_at=now,
                updated_at=now,
            )
        )
    r = await client.get(base, headers=h)
    assert r.status_code == 200 and r.json()["draft"]["sub_goals"][0]["target"] == 1e308
    r = await client.get(f"{base}/measurements", headers=h)
    assert r.status_code == 200 and r.json()["data"][0]["value"] == 1e308
    for fmt in ("xlsx", "csv"):
        assert (await client.get(f"{base}/measurements.{fmt}", headers=h)).status_code == 200
    r = await client.get(f"{base}/diff", params={"from": "1"}, headers=h)
    assert r.status_code == 200, r.text
    # Published as it is; a correction of the value must be within the bounds.
    r = await client.post(f"{base}/publish", json={"note": "as stored"}, headers=h)
    assert r.status_code == 201, r.text
    measurement = await client.get(f"{base}/measurements", headers=h)
    mid = measurement.json()["data"][0]["id"]
    r = await client.put(f"{base}/measurements/{mid}", json={"value": 1e308}, headers=h)
    assert [p for p, _ in refused(r)] == ["/value"]
