"""The assessment service as integrators and process leaders use it, against real NATS JetStream,
real databases and a real HTTP endpoint for webhooks: idempotent and bulk intake, 360Giving,
decisions, webhooks (signed, retried, logged), reviews that survive reassessment, rubrics and the
preview of a draft plan."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from standardwebhooks.webhooks import Webhook as Verifier
from test_assessment_service import apps, js

from helpers import (
    AREA_ID,
    PLAN_ID,
    StartService,
    WebhookEndpoint,
    application,
    envelope,
    eventually,
    headers,
    plan_event,
    publish,
    stream_messages,
)
from kraftsamla_common.events import (
    Envelope,
    LocalizedText,
    ProgrammeCreated,
    StrengthAreaSnapshot,
    new_id,
)

__all__ = ["js"]

FOREST_PLAN, FOREST_AREA = new_id(), new_id()


@pytest.fixture
async def svc(js: Any, start_service: StartService) -> AsyncIterator[httpx.AsyncClient]:
    async with start_service(
        "assessment",
        webhook_backoff_seconds=[0.2, 0.2, 0.2],
        webhook_poll_seconds=0.05,
        webhook_allowed_hosts=["127.0.0.1"],  # the tests' webhook endpoints
    ) as c:
        yield c


def base(region: str) -> str:
    return f"/assessment/regions/{region}"


def programme_event(region: str, areas: list[tuple[Any, str]]) -> Envelope[Any]:
    data = ProgrammeCreated(
        programme_id=new_id(),
        title="S3",
        period_start=2026,
        period_end=2030,
        strength_areas=[StrengthAreaSnapshot(id=i, code=c, name=LocalizedText(sv=c)) for i, c in areas],
    )
    return envelope(data, region, subject=data.programme_id)


def forest_event(region: str, version: int, vocabulary: list[str]) -> Envelope[Any]:
    return plan_event(
        region,
        version,
        level="bredd",
        vocabulary=vocabulary,
        plan_id=FOREST_PLAN,
        area=(FOREST_AREA, "skog", "Skog"),
        priority=("skogsbruk", "Hållbart skogsbruk"),
    )


async def reassessed(svc: httpx.AsyncClient, region: str, n: int) -> list[dict[str, Any]]:
    async def check() -> list[dict[str, Any]] | None:
        r = await svc.get(f"{base(region)}/reassessments?status=completed", headers=headers(region, "viewer"))
        data = r.json()["data"]
        return data if len(data) >= n else None

    return list(await eventually(check))


# --------------------------------------------------------------------------- intake


async def test_idempotency_key_replays_the_first_answer(
    svc: httpx.AsyncClient, region: str, nats_url: str
) -> None:
    h = {**headers(region, "integrator"), "Idempotency-Key": f"k-{region}"}
    first = await svc.post(f"{base(region)}/applications", json=application(1), headers=h)
    assert first.status_code == 201
    again = await svc.post(f"{base(region)}/applications", json=application(1), headers=h)
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    other = await svc.post(f"{base(region)}/applications", json=application(2), headers=h)
    assert other.status_code == 422 and "Idempotency-Key" in other.json()["detail"]
    assert len(await apps(svc, region)) == 1

    async def received() -> list[Any]:
        return await stream_messages(
            nats_url, "ASSESSMENT", f"s3.{region}.assessment.application.received.v1"
        )

    assert len(await eventually(received)) == 1


async def test_bulk_answers_per_item_and_stores_nothing_rejected(svc: httpx.AsyncClient, region: str) -> None:
    good = [application(n) for n in range(3)]
    bad_amount = {**application(3), "requested_amount": -1}
    bad_period = {**application(4), "period_start": "2026-05-01", "period_end": "2026-01-01"}
    unknown_municipality = {**application(5), "municipalities": ["2380", "9999"]}
    body = [*good, bad_amount, bad_period, unknown_municipality, application(0)]
    r = await svc.post(f"{base(region)}/applications/bulk", json=body, headers=headers(region, "integrator"))
    assert r.status_code == 200, r.text
    res = r.json()
    assert (res["created"], res["rejected"]) == (3, 4)
    by_index = {x["index"]: x for x in res["results"]}
    assert by_index[3]["errors"][0]["pointer"] == "/3/requested_amount"
    assert by_index[4]["errors"][0]["pointer"] == "/4/period_end"
    assert "before it starts" in by_index[4]["errors"][0]["message"]
    assert by_index[5]["errors"][0]["pointer"] == "/5/municipalities/1"
    assert "the same application as item 0" in by_index[6]["errors"][0]["message"]
    assert len(await apps(svc, region)) == 3

    # NDJSON, with the source given once; a retry of the same items changes nothing.
    lines = "\n".join(json.dumps({k: v for k, v in a.items() if k != "source"}) for a in good)
    r = await svc.post(
        f"{base(region)}/applications/bulk?source=nyps",
        content=lines.encode(),
        headers={**headers(region, "integrator"), "content-type": "application/x-ndjson"},
    )
    assert r.status_code == 200 and r.json()["unchanged"] == 3, r.text

    too_many = [application(n) for n in range(1001)]
    r = await svc.post(
        f"{base(region)}/applications/bulk", json=too_many, headers=headers(region, "integrator")
    )
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"
    assert len(await apps(svc, region)) == 3


async def test_claimed_strength_areas_must_be_the_regions_own(
    svc: httpx.AsyncClient, js: Any, region: str, other_region: str
) -> None:
    theirs = new_id()
    await publish(js, programme_event(region, [(AREA_ID, "energi")]))
    await publish(js, programme_event(other_region, [(theirs, "turism")]))

    async def known() -> bool:
        r = await svc.post(
            f"{base(region)}/applications",
            json={**application(1), "strength_areas": ["energi"]},
            headers=headers(region, "integrator"),
        )
        return r.status_code == 201

    await eventually(known)
    r = await svc.post(
        f"{base(region)}/applications",
        json={**application(2), "strength_areas": [str(theirs)]},
        headers=headers(region, "integrator"),
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["pointer"] == "/strength_areas/0"
    assert [a["strength_areas"] for a in await apps(svc, region)] == [[str(AREA_ID)]]


async def test_360giving_grants_map_onto_applications(svc: httpx.AsyncClient, region: str) -> None:
    package = {
        "grants": [
            {
                "id": "360G-ERUF-2026-0042",
                "title": "Vätgasdalen",
                "description": "Vätgas från elektrolys för tunga transporter.",
                "currency": "SEK",
                "amountAppliedFor": 2500000,
                "amountAwarded": 2000000,
                "awardDate": "2026-09-15",
                "plannedDates": [{"startDate": "2026-10-01", "endDate": "2028-09-30"}],
                "recipientOrganization": [{"id": "SE-BLV-5560360793", "name": "Vätgasbolaget AB"}],
                "fundingOrganization": [{"id": "SE-BLV-2321000016", "name": "Region Jämtland Härjedalen"}],
                "grantProgramme": [{"code": "ERUF-MN", "title": "ERUF Mellersta Norrland"}],
                "beneficiaryLocation": [{"name": "Östersund", "geoCode": "2380", "geoCodeType": "kommunkod"}],
                "classifications": [
                    {"vocabulary": "SDG", "code": "7", "title": "Affordable and clean energy"}
                ],
            },
            {"id": "360G-ERUF-2026-0043", "title": "Utan belopp"},
        ]
    }
    r = await svc.post(
        f"{base(region)}/applications/360giving?source=eruf",
        json=package,
        headers=headers(region, "integrator"),
    )
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert results[0]["status"] == "created"
    assert results[1]["status"] == "rejected"
    assert results[1]["errors"][0]["pointer"] == "/grants/1/amountAwarded"
    [a] = await apps(svc, region)
    assert a["external_id"] == "360G-ERUF-2026-0042" and a["source"] == "eruf"
    assert a["requested_amount"] == 2500000 and a["applicant_identifier"] == "556036-0793"
    assert (a["period_start"], a["period_end"]) == ("2026-10-01", "2028-09-30")
    assert a["municipalities"] == ["2380"] and a["goals"] == [7]
    assert (a["funding_programme"], a["funding_source"]) == ("ERUF Mellersta Norrland", "erdf")
    assert (a["status"], a["granted_amount"], a["decided_on"]) == ("granted", 2000000, "2026-09-15")


async def test_decisions_and_status_follow_the_life_of_an_application(
    svc: httpx.AsyncClient, region: str, nats_url: str
) -> None:
    h = headers(region, "integrator")
    app_id = (await svc.post(f"{base(region)}/applications", json=application(1), headers=h)).json()["id"]
    url = f"{base(region)}/applications/{app_id}"
    assert (await svc.post(f"{url}/status", json={"status": "under_assessment"}, headers=h)).json()[
        "status"
    ] == ("under_assessment")
    r = await svc.post(f"{url}/decision", json={"outcome": "granted"}, headers=h)
    assert r.status_code == 422  # a grant needs its amount
    r = await svc.post(f"{url}/decision", json={"outcome": "granted", "granted_amount": 90000}, headers=h)
    assert r.json()["status"] == "granted" and r.json()["granted_amount"] == 90000
    assert (
        await svc.post(f"{url}/decision", json={"outcome": "granted", "granted_amount": 90000}, headers=h)
    ).status_code == 200
    r = await svc.post(f"{url}/decision", json={"outcome": "rejected"}, headers=h)
    assert r.status_code == 409
    assert (await svc.post(f"{url}/status", json={"status": "completed"}, headers=h)).json()[
        "status"
    ] == "completed"
    assert (
        await svc.post(f"{url}/status", json={"status": "under_assessment"}, headers=h)
    ).status_code == 409

    async def decided() -> list[Any]:
        return await stream_messages(nats_url, "ASSESSMENT", f"s3.{region}.assessment.application.decided.v1")

    msgs = await eventually(decided)
    assert len(msgs) == 1 and json.loads(msgs[0].data)["data"]["granted_amount"] == 90000


# --------------------------------------------------------------------------- webhooks


async def test_webhooks_are_signed_retried_and_logged(
    svc: httpx.AsyncClient, js: Any, region: str, other_region: str
) -> None:
    flaky, dead, theirs = WebhookEndpoint(failures=2), WebhookEndpoint(failures=10**6), WebhookEndpoint()
    h = headers(region, "integrator")
    created = await svc.post(
        f"{base(region)}/webhooks",
        json={"url": flaky.url, "event_types": ["application.assessed", "application.decided"]},
        headers=h,
    )
    assert created.status_code == 201
    hook, secret = created.json(), created.json()["secret"]
    dead_hook = (
        await svc.post(
            f"{base(region)}/webhooks",
            json={"url": dead.url, "event_types": ["application.assessed"]},
            headers=h,
        )
    ).json()
    await svc.post(
        f"{base(other_region)}/webhooks",
        json={"url": theirs.url, "event_types": ["application.assessed"]},
        headers=headers(other_region, "integrator"),
    )
    assert "secret" not in (await svc.get(f"{base(region)}/webhooks/{hook['id']}", headers=h)).json()

    await publish(js, plan_event(region, 1))
    await reassessed(svc, region, 1)
    app = (await svc.post(f"{base(region)}/applications", json=application(1), headers=h)).json()
    await svc.post(
        f"{base(region)}/applications/{app['id']}/decision", json={"outcome": "rejected"}, headers=h
    )

    delivered = await eventually(lambda: _async(flaky.delivered() if len(flaky.delivered()) >= 2 else None))
    assert {d["type"] for d in delivered} == {"application.assessed", "application.decided"}
    assert all(d["region"] == region for d in delivered)
    for hdrs, body, _code in flaky.requests:
        assert Verifier(secret).verify(body, hdrs)["id"] == hdrs["webhook-id"]
    with pytest.raises(Exception, match="signature"):
        Verifier("whsec_" + "A" * 32).verify(flaky.requests[-1][1], flaky.requests[-1][0])
    assert theirs.requests == []

    async def all_delivered() -> list[dict[str, Any]] | None:
        r = await svc.get(f"{base(region)}/webhooks/{hook['id']}/deliveries", headers=h)
        data = r.json()["data"]
        return data if len(data) == 2 and {d["state"] for d in data} == {"delivered"} else None

    # The endpoint has the request a moment before the log has the answer.
    log = await eventually(all_delivered)
    assert {d["state"] for d in log} == {"delivered"} and sum(d["attempts"] for d in log) == 4
    codes = [e["status_code"] for d in sorted(log, key=lambda d: d["log"][0]["at"]) for e in d["log"]]
    assert sorted(codes) == [204, 204, 503, 503]

    # The dead endpoint gives up after its retries, and is shown so; the bus went on meanwhile.
    async def failed() -> list[dict[str, Any]] | None:
        r = await svc.get(f"{base(region)}/webhooks/{dead_hook['id']}/deliveries?state=failed", headers=h)
        return r.json()["data"] or None

    gave_up = await eventually(failed)
    assert gave_up[0]["attempts"] == 4 and gave_up[0]["last_status_code"] == 503
    second = await svc.post(f"{base(region)}/applications", json=application(2), headers=h)
    assert second.json()["assessment"] is not None
    # A person can send it again once the endpoint is back.
    dead.failures = 0
    r = await svc.post(
        f"{base(region)}/webhooks/{dead_hook['id']}/deliveries/{gave_up[0]['id']}/retry", headers=h
    )
    assert r.json()["state"] == "pending"
    await eventually(lambda: _async(any(code == 204 for _, _, code in dead.requests)))
    assert (
        await svc.get(
            f"{base(other_region)}/webhooks/{hook['id']}", headers=headers(other_region, "integrator")
        )
    ).status_code == 404


async def _async(value: Any) -> Any:
    return value


# --------------------------------------------------------------------------- review, rubric, preview


async def test_an_override_survives_reassessment_unless_the_change_touches_it(
    svc: httpx.AsyncClient, js: Any, region: str
) -> None:
    await publish(js, plan_event(region, 1))
    await publish(js, forest_event(region, 1, ["skogsbruk"]))
    await reassessed(svc, region, 2)
    h = headers(region, "integrator")
    app = (await svc.post(f"{base(region)}/applications", json=application(1), headers=h)).json()
    assert app["assessment"]["level"] == "spets"
    url = f"{base(region)}/applications/{app['id']}"
    unreviewed = await svc.get(f"{base(region)}/applications?review=none", headers=headers(region, "viewer"))
    assert [x["id"] for x in unreviewed.json()["data"]] == [app["id"]]
    r = await svc.post(
        f"{url}/review",
        json={
            "action": "override",
            "overrides": [{"part": "level", "value": "bredd", "reason": "En förstudie."}],
        },
        headers=headers(region, "integrator"),
    )
    assert r.status_code == 403  # integrators do not review
    r = await svc.post(
        f"{url}/review",
        json={
            "action": "override",
            "overrides": [{"part": "level", "value": "bredd", "reason": "En förstudie."}],
        },
        headers=headers(region, "assessor"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["review"]["state"] == "overridden" and r.json()["effective"]["level"] == "bredd"
    assert r.json()["assessment"]["level"] == "spets"  # the assessment's own finding is kept

    # Another strength area's plan changes: the override holds.
    await publish(js, forest_event(region, 2, ["skogsbruk", "metsätalous"]))
    await reassessed(svc, region, 3)
    a = (await svc.get(url, headers=headers(region, "viewer"))).json()
    assert a["review"]["state"] == "overridden" and a["effective"]["level"] == "bredd"
    assert a["assessment"]["plan_versions"] != app["assessment"]["plan_versions"]

    # The plan the override rests on changes: the reviewer is asked again.
    await publish(js, plan_event(region, 2))
    done = await reassessed(svc, region, 4)
    assert "1 reviewed assessment to confirm again" in done[0]["summary"]
    a = (await svc.get(url, headers=headers(region, "viewer"))).json()
    assert a["review"]["state"] == "needs_review" and a["review"]["parts_to_review"] == ["level"]
    assert a["effective"]["level"] == "spets"
    listed = await svc.get(
        f"{base(region)}/applications?review=needs_review", headers=headers(region, "viewer")
    )
    assert [x["id"] for x in listed.json()["data"]] == [app["id"]]
    unreviewed = await svc.get(f"{base(region)}/applications?review=none", headers=headers(region, "viewer"))
    assert unreviewed.json()["count"] == 0
    history = (await svc.get(f"{url}/reviews", headers=headers(region, "viewer"))).json()
    assert history["count"] == 1 and history["overrides_set_aside"][0]["reason"] == "En förstudie."

    r = await svc.post(f"{url}/review", json={"action": "confirm"}, headers=headers(region, "assessor"))
    assert r.json()["review"]["state"] == "confirmed"


async def test_a_reviewers_strength_area_decision_teaches_later_applications(
    svc: httpx.AsyncClient, js: Any, region: str
) -> None:
    await publish(js, plan_event(region, 1))
    await publish(js, forest_event(region, 1, ["skogsbruk"]))
    await reassessed(svc, region, 2)
    h = headers(region, "integrator")
    text = (
        "Fäbodbruk med getter och kor på sommarbete i fjällen. Ostystning och smörkärning i fäboden "
        "visas för besökare under sommaren."
    )
    first = (await svc.post(f"{base(region)}/applications", json=application(1, text), headers=h)).json()
    assert first["assessment"]["strength_area_id"] is None  # no word of either plan in the text
    r = await svc.post(
        f"{base(region)}/applications/{first['id']}/review",
        json={
            "action": "override",
            "overrides": [
                {"part": "strength_area", "value": str(FOREST_AREA), "reason": "Fäbodbruk är skogsbete."}
            ],
        },
        headers=headers(region, "assessor"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["effective"]["strength_area_id"] == str(FOREST_AREA)

    # A later application that reads like it is assessed accordingly, and says why.
    later = "Fäbodbruk i fjällen: getter på sommarbete, ostystning och smörkärning i fäboden för besökare."
    second = (await svc.post(f"{base(region)}/applications", json=application(2, later), headers=h)).json()
    assessment = second["assessment"]
    assert assessment["strength_area_id"] == str(FOREST_AREA)
    precedent = assessment["choice"]["precedent"]
    assert precedent["application_id"] == first["id"] and precedent["reason"] == "Fäbodbruk är skogsbete."
    assert "Like application 'Ansökan 1', which a reviewer placed under Skog" in assessment["rationale"]
    # One that does not read like it is not touched by the example.
    other = (
        await svc.post(f"{base(region)}/applications", json=application(3, "Ett bibliotek i byn."), headers=h)
    ).json()
    assert other["assessment"]["strength_area_id"] is None
    assert other["assessment"]["choice"]["precedent"] is None


async def test_a_new_rubric_reassesses_and_is_versioned(svc: httpx.AsyncClient, js: Any, region: str) -> None:
    await publish(js, plan_event(region, 1))
    await reassessed(svc, region, 1)
    h = headers(region, "integrator")
    await svc.post(f"{base(region)}/applications", json=application(1), headers=h)
    current = await svc.get(f"{base(region)}/rubric", headers=headers(region, "viewer"))
    assert current.json()["version"] == 0 and current.headers["etag"] == '"0"'
    rubric = {
        "criteria": [{"id": "fit", "label": {"sv": "Träffbild"}, "measure": "strategic_fit", "weight": 1}],
        "scale_max": 4,
    }
    admin = headers(region, "admin")
    assert (
        await svc.post(f"{base(region)}/rubric/versions", json={"rubric": rubric}, headers=h)
    ).status_code == 403
    r = await svc.post(
        f"{base(region)}/rubric/versions", json={"rubric": rubric}, headers={**admin, "If-Match": '"0"'}
    )
    assert r.status_code == 201 and r.json()["version"] == 1
    stale = await svc.post(
        f"{base(region)}/rubric/versions", json={"rubric": rubric}, headers={**admin, "If-Match": '"0"'}
    )
    assert stale.status_code == 412
    done = await reassessed(svc, region, 2)
    assert done[0]["rubric_version"] == 1 and "rubric v1 was published" in done[0]["summary"]
    [a] = await apps(svc, region)
    assert a["assessment"]["rubric_version"] == 1 and a["assessment"]["scale_max"] == 4
    assert [c["id"] for c in a["assessment"]["criteria"]] == ["fit"]


async def test_preview_shows_what_a_draft_would_move_and_stores_nothing(
    svc: httpx.AsyncClient, js: Any, region: str, other_region: str
) -> None:
    await publish(js, plan_event(region, 1))
    await reassessed(svc, region, 1)
    h = headers(region, "integrator")
    body = [application(n) for n in range(4)]
    await svc.post(f"{base(region)}/applications/bulk", json=body, headers=h)
    await svc.post(
        f"{base(other_region)}/applications/bulk", json=body, headers=headers(other_region, "integrator")
    )
    before = await apps(svc, region)
    draft = plan_event(region, 2, level="bredd", vocabulary=["elektrolys"]).data.plan.model_dump(mode="json")
    draft["priorities"][0]["id"] = "elektrolys"
    draft["priorities"][0]["title"] = {"sv": "Elektrolys"}
    r = await svc.post(
        f"{base(region)}/previews",
        json={"action_plans": [{"action_plan_id": str(PLAN_ID), "plan": draft}]},
        headers=headers(region, "assessor"),
    )
    assert r.status_code == 200, r.text
    p = r.json()
    assert p["assessed"] == 4 and p["moved"] == 4
    # "Förstudie" speaks for bas as much as the priority "Elektrolys" for bredd: the tie is said.
    assert p["groups"][0]["sentence"] == (
        "4 applications would fall from Spearhead to Breadth because priority 'Vätgas' was removed "
        "(a tie between Base and Breadth on the pyramid)."
    )
    assert p["levels_before"] == {"spets": 4} and p["levels_after"] == {"bredd": 4}
    # Each moved application is named by its title (a page links them under the groups).
    assert {x["application_id"]: x["title"] for x in p["examples"]} == {a["id"]: a["title"] for a in before}
    assert await apps(svc, region) == before
    r = await svc.get(f"{base(region)}/reassessments", headers=headers(region, "viewer"))
    assert r.json()["count"] == 1
    assert (
        await svc.post(f"{base(region)}/previews", json={}, headers=headers(region, "assessor"))
    ).status_code == 422


async def test_a_draft_as_published_would_move_nothing(svc: httpx.AsyncClient, js: Any, region: str) -> None:
    """The preview reads a draft with all the texts publishing it would carry (its area's name,
    the plan's vision and initiatives), not its priorities alone: an application that fits only
    through those stays where it is. A draft that adds a word moves only the applications that
    hold it."""
    event = plan_event(region, 1)
    vision = LocalizedText(sv="Regionen leder omställningen med solceller och energilagring.")
    plan = event.data.plan.model_copy(update={"vision": vision})
    event = event.model_copy(update={"data": event.data.model_copy(update={"plan": plan})})
    await publish(js, event)
    await reassessed(svc, region, 1)
    texts = [
        "Solceller på lantbrukets tak och energilagring i batterier för gårdarna.",
        "Vätgas från elektrolys vid kraftverket.",
        "Ett kulturprojekt om samisk slöjd.",
    ]
    body = [application(n, text) for n, text in enumerate(texts)]
    await svc.post(f"{base(region)}/applications/bulk", json=body, headers=headers(region, "integrator"))
    before = {a["title"]: a["assessment"] for a in await eventually(lambda: _assessed(svc, region, 3))}
    assert before["Ansökan 0"]["strength_area_id"] == str(AREA_ID), before["Ansökan 0"]
    draft = event.data.plan.model_dump(mode="json")
    r = await svc.post(
        f"{base(region)}/previews",
        json={"action_plans": [{"action_plan_id": str(PLAN_ID), "plan": draft}]},
        headers=headers(region, "assessor"),
    )
    assert r.status_code == 200, r.text
    assert (r.json()["assessed"], r.json()["moved"]) == (3, 0), r.json()["summary"]
    draft["priorities"][0]["vocabulary"].append("slöjd")
    r = await svc.post(
        f"{base(region)}/previews",
        json={"action_plans": [{"action_plan_id": str(PLAN_ID), "plan": draft}]},
        headers=headers(region, "assessor"),
    )
    assert r.status_code == 200, r.text
    assert [x["title"] for x in r.json()["examples"]] == ["Ansökan 2"], r.json()["summary"]


async def _assessed(svc: httpx.AsyncClient, region: str, n: int) -> list[dict[str, Any]] | None:
    found = await apps(svc, region)
    return found if len(found) == n and all(a.get("assessment") for a in found) else None
