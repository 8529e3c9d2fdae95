"""The reporting service in-process against real NATS JetStream and a real database (SQLite, PostgreSQL).

The test plays the producers: it declares their streams and publishes real envelopes, as the plans,
actors and assessment services would through their outboxes.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar
from uuid import UUID

import httpx
import nats
import pytest
from nats.js import JetStreamContext
from nats.js.api import PubAck
from sqlalchemy import func, select

from helpers import OPERATOR, envelope, headers, running, service_settings
from kraftsamla_common.events import (
    ActionPlanContent,
    ActionPlanPublished,
    ActorRegistered,
    ApplicationAssessed,
    ApplicationReceived,
    ApplicationsReassessed,
    Envelope,
    EventData,
    Level,
    LocalizedText,
    PlanVersionRef,
    Priority,
    ProgrammeCreated,
    ReassessedApplication,
    ReassessmentCompleted,
    StrengthAreaSnapshot,
    new_id,
    plan_key,
    subject_for,
    utcnow,
)
from kraftsamla_common.messaging import inbox, outbox
from kraftsamla_reporting.app import spec
from kraftsamla_reporting.persistence.tables import DirtyRegion

T = TypeVar("T")
ENERGY = StrengthAreaSnapshot(id=new_id(), code="energi", name=LocalizedText(sv="Hållbar energi"))
DIGITAL = StrengthAreaSnapshot(id=new_id(), code="digitalt", name=LocalizedText(sv="Digitala lösningar"))


# --------------------------------------------------------------------------- fixtures and helpers


@pytest.fixture
async def js(nats_url: str) -> AsyncIterator[JetStreamContext]:
    nc = await nats.connect(nats_url)
    yield nc.jetstream()
    await nc.close()


@pytest.fixture
async def reporting(
    js: JetStreamContext, database_factory: Callable[[str], str], nats_url: str, api_keys_file: Any
) -> AsyncIterator[httpx.AsyncClient]:
    settings = service_settings(
        "reporting",
        database_url=database_factory("reporting"),
        nats_url=nats_url,
        api_keys_file=api_keys_file,
    )
    async with running(spec, settings) as client:
        yield client


async def publish(
    js: JetStreamContext,
    env: Envelope[EventData],
    *,
    msg_id: str | None = None,
    extra_headers: dict[str, str] | None = None,
) -> PubAck:
    # serialize_as_any: the envelope is typed with the EventData base; dump the payload's own fields.
    body = env.model_dump_json(serialize_as_any=True).encode()
    return await js.publish(
        subject_for(env.type, env.region),
        body,
        headers={"Nats-Msg-Id": msg_id or str(env.id), **(extra_headers or {})},
    )


async def send(js: JetStreamContext, data: EventData, region: str) -> Envelope[EventData]:
    env = envelope(data, region)
    await publish(js, env)
    return env


async def eventually(
    check: Callable[[], Awaitable[T | None]], *, timeout: float = 30.0, what: str = "condition"
) -> T:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result is not None:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def latest(client: httpx.AsyncClient, region: str) -> dict[str, Any] | None:
    r = await client.get(f"/reporting/regions/{region}/reports/latest", headers=headers(region, "viewer"))
    if r.status_code == 404:
        return None
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def report_count(client: httpx.AsyncClient, region: str) -> int:
    r = await client.get(f"/reporting/regions/{region}/reports", headers=headers(region, "viewer"))
    assert r.status_code == 200, r.text
    return int(r.json()["count"])


async def settled(client: httpx.AsyncClient, region: str) -> None:
    """Wait until no regeneration is due for the region."""
    db = client.app.state.ctx.db  # type: ignore[attr-defined]

    async def clean() -> bool | None:
        async with db.sessions() as session:
            return True if await session.get(DirtyRegion, region) is None else None

    await eventually(clean, what="no dirty region")


def programme(*areas: StrengthAreaSnapshot) -> ProgrammeCreated:
    return ProgrammeCreated(
        programme_id=new_id(),
        title="S3 Jämtland Härjedalen 2021–2027",
        period_start=2021,
        period_end=2027,
        strength_areas=list(areas),
    )


def published(
    prog: ProgrammeCreated, area: StrengthAreaSnapshot, plan_id: UUID, version: int
) -> ActionPlanPublished:
    today = utcnow().date()
    priority = Priority(
        id=f"p{version}",
        title=LocalizedText(sv="Vätgas"),
        level="spets",
        vocabulary=["vätgas"],
        valid_from=today,
        valid_until=today + timedelta(days=365),
    )
    return ActionPlanPublished(
        programme_id=prog.programme_id,
        programme_title=prog.title,
        action_plan_id=plan_id,
        strength_area=area,
        version=version,
        published_at=utcnow(),
        published_by="jh-admin",
        plan=ActionPlanContent(priorities=[priority]),
    )


def received(app_id: UUID, amount: float = 100_000.0) -> ApplicationReceived:
    return ApplicationReceived(
        application_id=app_id,
        source="ansokan",
        external_id=str(app_id)[:8],
        title="Vätgasdalen",
        status="assessed",
        requested_amount=amount,
        currency="SEK",
        municipalities=["2380"],
    )


def assessed(app_id: UUID, refs: list[PlanVersionRef], area: StrengthAreaSnapshot) -> ApplicationAssessed:
    return ApplicationAssessed(
        application_id=app_id,
        assessment_id=new_id(),
        trigger="intake",
        plan_key=plan_key(refs),
        plan_versions=refs,
        strength_area_id=area.id,
        level="bredd",
        score=0.7,
        recommendation="strong",
        fits=[],
        status="assessed",
        requested_amount=1000.0,
        currency="SEK",
        municipalities=["2361"],
    )


def actor(helix: str) -> ActorRegistered:
    return ActorRegistered.model_validate(
        {
            "actor_id": new_id(),
            "name": "Mittuniversitetet",
            "country": "SE",
            "identifier": "2021002874",
            "helix": helix,
            "municipality": "2380",
        }
    )


# --------------------------------------------------------------------------- tests


async def test_report_follows_the_events_and_names_the_plan_version(
    reporting: httpx.AsyncClient, js: JetStreamContext, region: str, other_region: str
) -> None:
    client = reporting
    assert await latest(client, region) is None
    prog = programme(ENERGY, DIGITAL)
    plan_id = new_id()
    await send(js, prog, region)
    v1 = await send(js, published(prog, ENERGY, plan_id, 1), region)
    await send(js, actor("academia"), region)
    await send(js, actor("business"), region)
    app_env = await send(js, received(new_id(), 250_000.0), region)
    reassessed = await send(
        js,
        ReassessmentCompleted(
            reassessment_id=new_id(),
            plan_key="k",
            plan_versions=[],
            assessed=0,
            unchanged=0,
            moved=[],
            summary="Nothing open to reassess.",
        ),
        region,
    )

    async def complete() -> dict[str, Any] | None:
        report = await latest(client, region)
        done = (
            report
            and report["content"]["actors"]["total"] == 2
            and report["content"]["portfolio"]["applications"] == 1
            and report["content"]["last_reassessments"]
            and any(p["version"] == 1 for p in report["content"]["plans"])
        )
        return report if done else None

    report = await eventually(complete, what="a report of every event")
    content, built = report["content"], report["built_from"]
    assert content["region"] == region
    plans = {p["strength_area_code"]: p for p in content["plans"]}
    assert plans["energi"]["version"] == 1 and plans["energi"]["action_plan_id"] == str(plan_id)
    assert plans["digitalt"]["version"] is None
    assert built["plan_versions"] == [
        {"action_plan_id": str(plan_id), "strength_area_id": str(ENERGY.id), "version": 1}
    ]
    assert built["plan_key"] == f"{plan_id}:1"
    assert content["actors"]["by_helix"]["academia"] == 1
    assert content["portfolio"]["requested_amount"] == {"SEK": 250_000.0}
    assert content["assessments"]["not_assessed"] == 1
    assert content["last_reassessments"][0]["summary"] == "Nothing open to reassess."
    assert set(built["sources"]) == {"plans", "actors", "assessment"}
    assert built["sources"]["plans"]["last_event_id"] == str(v1.id)
    assert built["sources"]["assessment"]["last_event_time"] is not None
    assert built["sources"]["assessment"]["last_event_id"] in {str(app_env.id), str(reassessed.id)}

    # A new version arriving in a trace: the report follows, in the same trace.
    await settled(client, region)
    held = await client.get(f"/reporting/regions/{region}/reports/latest", headers=headers(region, "viewer"))
    held_etag = held.headers["etag"]
    assert held.headers["cache-control"] == "private, no-cache"
    again = await client.get(
        f"/reporting/regions/{region}/reports/latest",
        headers=headers(region, "viewer") | {"If-None-Match": f"W/{held_etag}"},
    )
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == held_etag
    trace_id = new_id().hex
    traceparent = f"00-{trace_id}-{new_id().hex[:16]}-01"
    await publish(
        js, envelope(published(prog, ENERGY, plan_id, 2), region), extra_headers={"traceparent": traceparent}
    )

    async def version_2() -> dict[str, Any] | None:
        r = await latest(client, region)
        return r if r and r["built_from"]["plan_versions"][0]["version"] == 2 else None

    report = await eventually(version_2, what="the report of version 2")
    # The report held before is no longer the newest: the newest is answered in full, with its ETag.
    newest = await client.get(
        f"/reporting/regions/{region}/reports/latest",
        headers=headers(region, "viewer") | {"If-None-Match": held_etag},
    )
    assert newest.status_code == 200 and newest.headers["etag"] != held_etag
    assert newest.json()["number"] > held.json()["number"]
    db = client.app.state.ctx.db  # type: ignore[attr-defined]
    async with db.sessions() as session:
        row = (
            await session.execute(
                select(outbox.c.headers, outbox.c.subject)
                .where(outbox.c.type == "reporting.report.generated.v1")
                .order_by(outbox.c.seq.desc())
                .limit(1)
            )
        ).one()
    assert row.subject == f"s3.{region}.reporting.report.generated.v1"
    assert row.headers["traceparent"].split("-")[1] == trace_id

    # An older version delivered late changes nothing.
    await send(js, published(prog, ENERGY, plan_id, 1), region)
    await settled(client, region)
    report = await eventually(lambda: latest(client, region))
    assert report["built_from"]["plan_versions"][0]["version"] == 2

    # Listing, by number, and the region boundary.
    listing = (
        await client.get(f"/reporting/regions/{region}/reports?limit=2", headers=headers(region, "assessor"))
    ).json()
    count = listing["count"]
    assert [r["number"] for r in listing["data"]] == [count, count - 1]
    assert listing["data"][0]["built_from"] == report["built_from"]
    one = await client.get(f"/reporting/regions/{region}/reports/{count}", headers=headers(region, "admin"))
    assert one.status_code == 200 and one.json() == report
    # A version never changes: held, it is answered 304; another version is answered in full.
    tag = {"If-None-Match": f'"x", {one.headers["etag"]}'}
    by_number = [
        await client.get(f"/reporting/regions/{region}/reports/{n}", headers=headers(region) | tag)
        for n in (count, count - 1)
    ]
    assert [r.status_code for r in by_number] == [304, 200]
    assert by_number[1].json()["number"] == count - 1
    missing = await client.get(f"/reporting/regions/{region}/reports/{count + 1}", headers=headers(region))
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    for path in ("reports", "reports/latest", "reports/1"):
        r = await client.get(
            f"/reporting/regions/{region}/{path}",
            headers=headers(other_region, "admin") | {"If-None-Match": "*"},
        )
        assert r.status_code == 404, path
    own = await client.get(f"/reporting/regions/{other_region}/reports/latest", headers=headers(other_region))
    assert own.status_code == 404
    assert (
        await client.get(f"/reporting/regions/{region}/reports/latest", headers=OPERATOR)
    ).status_code == 200
    assert (await client.get(f"/reporting/regions/{region}/reports")).status_code == 401

    # Every report version was announced on the bus by the outbox relay.
    async def announced() -> int | None:
        info = await js.stream_info("REPORTING")
        return info.state.messages if info.state.messages == count else None

    await eventually(announced, what="ReportGenerated on the REPORTING stream")


async def test_a_burst_of_events_yields_few_report_versions(
    reporting: httpx.AsyncClient, js: JetStreamContext, region: str
) -> None:
    client = reporting
    prog = programme(ENERGY)
    plan_id = new_id()
    await send(js, prog, region)
    await send(js, published(prog, ENERGY, plan_id, 1), region)
    await eventually(lambda: latest(client, region), what="the first report")
    await settled(client, region)
    before = await report_count(client, region)
    refs = [PlanVersionRef(action_plan_id=plan_id, strength_area_id=ENERGY.id, version=1)]

    burst = 500
    for start in range(0, burst, 100):
        await asyncio.gather(
            *(
                send(js, assessed(new_id(), refs, ENERGY), region)
                for _ in range(start, min(start + 100, burst))
            )
        )

    async def all_counted() -> dict[str, Any] | None:
        r = await latest(client, region)
        return r if r and r["content"]["portfolio"]["applications"] == burst else None

    report = await eventually(all_counted, timeout=90, what="a report counting the whole burst")
    await settled(client, region)
    generated = await report_count(client, region) - before
    assert 1 <= generated < 20, generated
    report = await eventually(lambda: latest(client, region))
    assessments = report["content"]["assessments"]
    assert (assessments["current"], assessments["outdated"]) == (burst, 0)
    area = report["content"]["portfolio"]["by_strength_area"][0]
    assert area["strength_area_code"] == "energi"
    bredd = area["levels"]["bredd"]
    assert (bredd["count"], bredd["requested_amount"], bredd["decided"]) == (
        burst,
        {"SEK": burst * 1000.0},
        0,
    )


async def test_a_reassessed_batch_lands_in_one_event_and_never_over_a_newer_assessment(
    reporting: httpx.AsyncClient, js: JetStreamContext, region: str
) -> None:
    client = reporting
    prog = programme(ENERGY)
    plan_id = new_id()
    await send(js, prog, region)
    await send(js, published(prog, ENERGY, plan_id, 1), region)
    await send(js, published(prog, ENERGY, plan_id, 2), region)
    v1 = [PlanVersionRef(action_plan_id=plan_id, strength_area_id=ENERGY.id, version=1)]
    v2 = [PlanVersionRef(action_plan_id=plan_id, strength_area_id=ENERGY.id, version=2)]
    ids = [new_id() for _ in range(3)]
    first = [await send(js, assessed(app_id, v1, ENERGY), region) for app_id in ids]

    def row(app_id: UUID, level: Level) -> ReassessedApplication:
        fields = set(ReassessedApplication.model_fields) - {"level"}
        return ReassessedApplication(**assessed(app_id, v2, ENERGY).model_dump(include=fields), level=level)

    batch = await send(
        js,
        ApplicationsReassessed(
            reassessment_id=new_id(),
            batch=0,
            plan_key=plan_key(v2),
            plan_versions=v2,
            applications=[row(ids[0], "spets"), row(ids[1], "spets"), row(ids[2], "bas")],
        ),
        region,
    )

    async def reassessed() -> dict[str, Any] | None:
        r = await latest(client, region)
        done = (
            r and r["content"]["assessments"]["current"] == 3 and r["built_from"]["plan_key"] == plan_key(v2)
        )
        return r if done else None

    await eventually(reassessed, what="a report of the reassessed batch")
    # An assessment made after the first one but before the batch's, delivered last, changes nothing.
    made = first[0].time + (batch.time - first[0].time) / 2
    await publish(js, envelope(assessed(ids[0], v1, ENERGY), region).model_copy(update={"time": made}))

    async def late_consumed() -> bool | None:
        info = await js.consumer_info("ASSESSMENT", "reporting-on-application-assessed")
        return True if info.num_pending == 0 and info.num_ack_pending == 0 else None

    await eventually(late_consumed, what="the late assessment to be consumed")
    await settled(client, region)
    report = await eventually(reassessed, what="the report after the late assessment")
    levels = report["content"]["portfolio"]["by_strength_area"][0]["levels"]
    assert {k: v["count"] for k, v in levels.items() if v["count"]} == {"spets": 2, "bas": 1}
    assert (report["content"]["assessments"]["current"], report["content"]["assessments"]["outdated"]) == (
        3,
        0,
    )


async def test_the_same_event_twice_has_its_effect_once(
    reporting: httpx.AsyncClient, js: JetStreamContext, region: str
) -> None:
    client = reporting
    env = envelope(received(new_id(), 42_000.0), region)
    first = await publish(js, env, msg_id=f"first-delivery-{env.id}")
    report = await eventually(lambda: latest(client, region), what="the first report")
    await settled(client, region)
    count = await report_count(client, region)

    # Same envelope id, another Nats-Msg-Id: JetStream stores it again, the inbox must skip it.
    second = await publish(js, env, msg_id=f"second-delivery-{env.id}")
    assert not first.duplicate and not second.duplicate and second.seq > first.seq

    async def consumed() -> bool | None:
        info = await js.consumer_info("ASSESSMENT", "reporting-on-application-received")
        return True if info.ack_floor.stream_seq >= second.seq else None

    await eventually(consumed, what="the second delivery to be acknowledged")
    await asyncio.sleep(client.app.state.ctx.settings.report_debounce_seconds + 1.5)  # type: ignore[attr-defined]
    assert await report_count(client, region) == count  # no regeneration: nothing changed
    again = await latest(client, region)
    assert again is not None and again["number"] == report["number"]
    assert again["content"]["portfolio"]["applications"] == 1
    assert again["content"]["portfolio"]["requested_amount"] == {"SEK": 42_000.0}
    db = client.app.state.ctx.db  # type: ignore[attr-defined]
    async with db.sessions() as session:
        rows = await session.scalar(
            select(func.count()).select_from(inbox).where(inbox.c.event_id == str(env.id))
        )
    assert rows == 1


async def test_report_generated_event_carries_the_report(
    reporting: httpx.AsyncClient, js: JetStreamContext, region: str
) -> None:
    client = reporting
    await send(js, actor("public"), region)
    report = await eventually(lambda: latest(client, region), what="the first report")
    db = client.app.state.ctx.db  # type: ignore[attr-defined]
    async with db.sessions() as session:
        payload = await session.scalar(select(outbox.c.payload).where(outbox.c.region == region).limit(1))
    env = json.loads(payload)
    assert env["type"] == "reporting.report.generated.v1" and env["source"] == "reporting"
    data = env["data"]
    assert data["number"] == report["number"]
    assert data["plan_versions"] == []
