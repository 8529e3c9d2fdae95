"""Review assignment and conflicts of interest: an administrator assigns applications to assessors
(one or many at once) and takes them back, an assessor sees their queue and declares a conflict of
interest, which bars them from reviewing the application; the events reach the bus and the writes
the audit log."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx
import nats
import pytest

from helpers import application, eventually, headers, plan_event, publish, stream_messages
from kraftsamla_common.events import new_id


@pytest.fixture
async def js(nats_url: str) -> AsyncIterator[Any]:
    nc = await nats.connect(nats_url)
    yield nc.jetstream()
    await nc.close()


def base(region: str) -> str:
    return f"/assessment/regions/{region}/applications"


async def seeded(client: httpx.AsyncClient, js: Any, region: str, n: int) -> list[str]:
    """``n`` applications of the region, assessed; their ids."""
    ids = []
    for i in range(n):
        r = await client.post(base(region), json=application(i), headers=headers(region, "integrator"))
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    await publish(js, plan_event(region, 1))

    async def assessed() -> bool:
        r = await client.get(f"{base(region)}?limit=100", headers=headers(region, "viewer"))
        return all(a["assessment"] is not None for a in r.json()["data"])

    await eventually(assessed)
    return ids


async def queue(client: httpx.AsyncClient, region: str, who: str, assignee: str = "me") -> list[str]:
    r = await client.get(f"{base(region)}?assigned_to={assignee}", headers=headers(region, who))
    assert r.status_code == 200, r.text
    return [a["id"] for a in r.json()["data"]]


async def events(nats_url: str, region: str, event_type: str) -> list[dict[str, Any]]:
    subject = f"s3.{region}.assessment.{event_type}"
    return [json.loads(m.data) for m in await stream_messages(nats_url, "ASSESSMENT", subject)]


async def test_assignment_queue_and_conflict_of_interest(
    client: httpx.AsyncClient, js: Any, region: str, other_region: str, nats_url: str
) -> None:
    a, b, c = await seeded(client, js, region, 3)
    assessor = f"key-{region}-assessor"
    admin = headers(region, "admin")

    # Many at once; again changes nothing.
    r = await client.post(
        f"{base(region)}/assignments", json={"application_ids": [a, b], "assignee": assessor}, headers=admin
    )
    assert r.status_code == 200, r.text
    assert r.json() == {"assignee": assessor, "changed": [a, b], "unchanged": []}
    r = await client.post(
        f"{base(region)}/assignments", json={"application_ids": [b, c], "assignee": assessor}, headers=admin
    )
    assert r.json() == {"assignee": assessor, "changed": [c], "unchanged": [b]}
    r = await client.post(
        f"{base(region)}/unassignments", json={"application_ids": [c], "assignee": assessor}, headers=admin
    )
    assert r.json() == {"assignee": assessor, "changed": [c], "unchanged": []}

    # The assessor's queue, and the same seen by an administrator; the application names its assessors.
    assert await queue(client, region, "assessor") == [a, b]
    assert await queue(client, region, "admin", assessor) == [a, b]
    assert await queue(client, region, "admin") == []
    shown = (await client.get(f"{base(region)}/{a}", headers=headers(region, "viewer"))).json()
    assert shown["assignees"] == [assessor] and shown["conflicts"] == []

    # A conflict of interest: declared with a reason, it ends the assignment and bars the review.
    r = await client.post(
        f"{base(region)}/{b}/conflicts",
        json={"reason": "My sister runs the applicant."},
        headers=headers(region, "assessor"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["assignees"] == []
    assert [(x["declared_by"], x["reason"]) for x in r.json()["conflicts"]] == [
        (assessor, "My sister runs the applicant.")
    ]
    assert await queue(client, region, "assessor") == [a]
    r = await client.post(
        f"{base(region)}/{b}/review", json={"action": "confirm"}, headers=headers(region, "assessor")
    )
    assert r.status_code == 409 and r.headers["content-type"].startswith("application/problem+json")
    assert "conflict of interest" in r.json()["detail"]
    r = await client.post(f"{base(region)}/{b}/review", json={"action": "confirm"}, headers=admin)
    assert r.status_code == 200, r.text  # another reviewer may
    r = await client.post(
        f"{base(region)}/{a}/review", json={"action": "confirm"}, headers=headers(region, "assessor")
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        f"{base(region)}/assignments", json={"application_ids": [b], "assignee": assessor}, headers=admin
    )
    assert r.status_code == 409 and "conflict of interest" in r.json()["detail"]

    r = await client.post(
        f"{base(region)}/unassignments", json={"application_ids": [a, b], "assignee": assessor}, headers=admin
    )
    assert r.json() == {"assignee": assessor, "changed": [a], "unchanged": [b]}
    assert await queue(client, region, "assessor") == []

    # The events, on the bus.
    assigned = await eventually(lambda: _at_least(nats_url, region, "application.assigned.v1", 3))
    assert [(e["subject"], e["data"]["assignee"], e["data"]["assigned_by"]) for e in assigned] == [
        (a, assessor, f"key-{region}-admin"),
        (b, assessor, f"key-{region}-admin"),
        (c, assessor, f"key-{region}-admin"),
    ]
    unassigned = await eventually(lambda: _at_least(nats_url, region, "application.unassigned.v1", 3))
    assert [(e["subject"], e["data"]["unassigned_by"]) for e in unassigned] == [
        (c, f"key-{region}-admin"),
        (b, assessor),  # by the conflict declared
        (a, f"key-{region}-admin"),
    ]
    declared = await eventually(lambda: _at_least(nats_url, region, "conflict.declared.v1", 1))
    assert declared[0]["data"] == {
        "application_id": b,
        "declared_by": assessor,
        "reason": "My sister runs the applicant.",
    }

    # The writes, in the audit log, with the events they raised.
    log = (await client.get(f"/assessment/regions/{region}/audit?limit=100", headers=admin)).json()["data"]
    routes = {(e["route"], e["actor"]): e for e in log}
    first = [
        e
        for e in log
        if e["route"] == "/assessment/regions/{region}/applications/assignments" and e["events"]
    ]
    assert {ev["type"] for e in first for ev in e["events"]} == {"assessment.application.assigned.v1"}
    conflict = routes[("/assessment/regions/{region}/applications/{application_id}/conflicts", assessor)]
    assert {ev["type"] for ev in conflict["events"]} == {
        "assessment.conflict.declared.v1",
        "assessment.application.unassigned.v1",
    }
    assert any(e["route"] == "/assessment/regions/{region}/applications/unassignments" for e in log)


async def _at_least(nats_url: str, region: str, event_type: str, n: int) -> list[dict[str, Any]] | None:
    found = await events(nats_url, region, event_type)
    return found if len(found) >= n else None


async def test_only_an_administrator_assigns_and_only_the_regions_applications(
    client: httpx.AsyncClient, js: Any, region: str, other_region: str
) -> None:
    (mine,) = await seeded(client, js, region, 1)
    r = await client.post(
        base(other_region), json=application(9), headers=headers(other_region, "integrator")
    )
    theirs = r.json()["id"]
    body = {"application_ids": [mine], "assignee": f"key-{region}-assessor"}

    for role in ("assessor", "viewer", "integrator"):
        r = await client.post(f"{base(region)}/assignments", json=body, headers=headers(region, role))
        assert r.status_code == 403, (role, r.text)
        r = await client.post(f"{base(region)}/unassignments", json=body, headers=headers(region, role))
        assert r.status_code == 403, (role, r.text)
    r = await client.post(
        f"{base(region)}/{mine}/conflicts", json={"reason": "x"}, headers=headers(region, "viewer")
    )
    assert r.status_code == 403

    # Another region's application, or one never seen: 422 naming each, and nothing assigned.
    r = await client.post(
        f"{base(region)}/assignments",
        json={"application_ids": [mine, theirs, str(new_id())], "assignee": f"key-{region}-assessor"},
        headers=headers(region),
    )
    assert r.status_code == 422, r.text
    assert [e["pointer"] for e in r.json()["errors"]] == ["/application_ids/1", "/application_ids/2"]
    assert await queue(client, region, "assessor") == []
    r = await client.post(
        f"{base(region)}/{theirs}/conflicts", json={"reason": "x"}, headers=headers(region, "assessor")
    )
    assert r.status_code == 404

    # Bounds: each body is bounded and checked.
    for bad in (
        {"application_ids": [], "assignee": "someone"},
        {"application_ids": [mine, mine], "assignee": "someone"},
        {"application_ids": [mine], "assignee": ""},
        {"application_ids": [mine], "assignee": "two words"},
        {"application_ids": [mine], "assignee": "x" * 201},
        {"application_ids": [mine] * 1001, "assignee": "someone"},
        {"application_ids": ["not-an-id"], "assignee": "someone"},
        {"application_ids": [mine], "assignee": "someone", "extra": 1},
    ):
        r = await client.post(f"{base(region)}/assignments", json=bad, headers=headers(region))
        assert r.status_code == 422, (bad, r.text)
    for reason in ("", "x" * 2001):
        r = await client.post(
            f"{base(region)}/{mine}/conflicts", json={"reason": reason}, headers=headers(region, "assessor")
        )
        assert r.status_code == 422, r.text


async def test_a_reviewer_of_the_applicants_or_a_partners_organisation_cannot_review(
    client: httpx.AsyncClient, js: Any, region: str, api_keys_file: Any
) -> None:
    """A person whose own organisation (named by their key or token) is the applicant or a partner
    is refused the review; a colleague of another organisation reviews it."""
    import hashlib

    keys = json.loads(api_keys_file.read_text())
    for name, organisation in (("own-applicant", "202100-5752"), ("own-partner", "556012-5790")):
        key = f"key-{region}-{name}"
        keys["keys"].append(
            {
                "name": key,
                "sha256": hashlib.sha256(key.encode()).hexdigest(),
                "region": region,
                "role": "assessor",
                "organisation": organisation,
            }
        )
    api_keys_file.write_text(json.dumps(keys))
    body = {
        **application(0),
        "applicant_name": "Mittuniversitetet",
        "applicant_identifier": "2021005752",
        "partners": [{"name": "AB Volvo", "identifier": "556012-5790"}],
    }
    r = await client.post(base(region), json=body, headers=headers(region, "integrator"))
    assert r.status_code == 201, r.text
    app_id = r.json()["id"]
    await publish(js, plan_event(region, 1))

    async def assessed() -> bool:
        r = await client.get(f"{base(region)}/{app_id}", headers=headers(region, "viewer"))
        return r.json()["assessment"] is not None

    await eventually(assessed)
    for name in ("own-applicant", "own-partner"):
        r = await client.post(
            f"{base(region)}/{app_id}/review",
            json={"action": "confirm"},
            headers={"X-API-Key": f"key-{region}-{name}"},
        )
        assert r.status_code == 409 and "own organisation" in r.json()["detail"], r.text
    r = await client.post(
        f"{base(region)}/{app_id}/review", json={"action": "confirm"}, headers=headers(region, "assessor")
    )
    assert r.status_code == 200, r.text


async def test_who_has_what_waiting_in_one_call(client: httpx.AsyncClient, js: Any, region: str) -> None:
    """The overview of the assignments an administrator's desk shows, in one call: with
    ``waiting=true`` (open, and not reviewed or to review again) the ``assigned_to`` facet counts
    each assessor's applications, with the oldest assignment's moment, and those of no one (null);
    ``assigned_to=none`` lists those."""
    a, b, c, d, e = await seeded(client, js, region, 5)
    admin = headers(region, "admin")
    lisa, bo = "user:lisa", "user:bo"

    async def assign(ids: list[str], who: str) -> None:
        r = await client.post(
            f"{base(region)}/assignments", json={"application_ids": ids, "assignee": who}, headers=admin
        )
        assert r.status_code == 200, r.text

    await assign([a], lisa)
    # An assignment changes the application: its updated_at is the moment it was assigned.
    first = (await client.get(f"{base(region)}/{a}", headers=admin)).json()["updated_at"]
    await assign([b, c], lisa)
    await assign([c, d], bo)
    # c is reviewed (waiting for no one), d withdrawn (no longer open); e is no one's.
    r = await client.post(
        f"{base(region)}/{c}/review", json={"action": "confirm"}, headers=headers(region, "assessor")
    )
    assert r.status_code == 200, r.text
    r = await client.post(f"{base(region)}/{d}/status", json={"status": "withdrawn"}, headers=admin)
    assert r.status_code == 200, r.text

    async def found(query: str) -> dict[str, Any]:
        r = await client.get(f"{base(region)}?limit=100&{query}", headers=headers(region, "viewer"))
        assert r.status_code == 200, r.text
        return dict(r.json())

    waiting = await found("waiting=true&facets=true")
    assert sorted(x["id"] for x in waiting["data"]) == sorted([a, b, e])
    assert {f["value"]: f["count"] for f in waiting["facets"]["assigned_to"]} == {lisa: 2, None: 1}
    oldest = {f["value"]: f["oldest_assigned_at"] for f in waiting["facets"]["assigned_to"]}
    assert oldest[None] is None
    assert datetime.fromisoformat(oldest[lisa]) == datetime.fromisoformat(first)
    # The facet is counted without its own filter; an application of two assessors counts for each.
    bos = await found(f"waiting=true&facets=true&assigned_to={bo}")
    assert bos["count"] == 0
    assert {f["value"]: f["count"] for f in bos["facets"]["assigned_to"]} == {lisa: 2, None: 1}
    everyone = await found("facets=true")
    assert {f["value"]: f["count"] for f in everyone["facets"]["assigned_to"]} == {lisa: 3, bo: 2, None: 1}
    # That facet alone, as the desk asks for it: the others are not counted.
    alone = await found("waiting=true&facets=assigned_to")
    assert alone["facets"]["assigned_to"] == waiting["facets"]["assigned_to"]
    assert {k for k, v in alone["facets"].items() if v is not None} == {"assigned_to"}

    # Each number is a list: an assessor's waiting applications, and those of no one.
    assert sorted(x["id"] for x in (await found(f"waiting=true&assigned_to={lisa}"))["data"]) == sorted(
        [a, b]
    )
    assert [x["id"] for x in (await found("waiting=true&assigned_to=none"))["data"]] == [e]
    assert [x["id"] for x in (await found("assigned_to=none"))["data"]] == [e]
    for bad in ("waiting=perhaps", "facets=assigned_to,nobody", "facets=true,level"):
        r = await client.get(f"{base(region)}?{bad}", headers=headers(region, "viewer"))
        assert r.status_code == 422, bad
        assert r.headers["content-type"].startswith("application/problem+json")
