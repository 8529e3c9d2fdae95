"""A plan change costs what it changes: a reassessment carries each assessment the change does not
touch to the new plan versions, and what the service then holds is what assessing every
application anew gives (incremental = full), on the service with real NATS and both databases.

Two strength areas (hydrogen, tourism); applications of each in two municipalities; the hydrogen
plan's priority changes level, two more applications arrive in one municipality (so the portfolio
its applications' geography reads has changed), and the level changes back. Carried: the tourism
applications, as they were where their portfolio is the same, scored anew where it changed. Made
anew: the hydrogen ones. Then every current assessment is compared, column by column, with one made
in the test by the service's own assessor on the reassessment's portfolio.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import nats
from sqlalchemy import select

from helpers import StartService, application, eventually, headers, plan_event, publish, reassessed
from kraftsamla_assessment.persistence.tables import Application, Assessment
from kraftsamla_assessment.usecases import assessing
from kraftsamla_common.db import ALL_REGIONS
from kraftsamla_common.events import new_id
from kraftsamla_common.messaging import UnitOfWork

TOURISM = (new_id(), "turism", "Besöksnäring")
TOURISM_PLAN = new_id()
COMPARED = (
    "plan_key",
    "plan_versions",
    "rubric_version",
    "application_revision",
    "strength_area_id",
    "level",
    "score",
    "recommendation",
    "fits",
    "details",
    "language",
    "rationale",
    "rationale_parts",
    "inputs",
    "scoring_inputs",
)


def tourism(version: int) -> Any:
    return plan_event(
        "",
        version,
        level="bredd",
        vocabulary=["turism", "besöksnäring", "destination"],
        plan_id=TOURISM_PLAN,
        area=TOURISM,
        priority=("destination", "Hållbar destination"),
    )


async def reassessments(client: httpx.AsyncClient, region: str) -> list[dict[str, Any]]:
    r = await client.get(
        f"/assessment/regions/{region}/reassessments?status=completed", headers=headers(region, "viewer")
    )
    return list(r.json()["data"])


async def test_a_reassessment_carries_what_the_change_does_not_touch_and_equals_a_full_one(
    start_service: StartService, nats_url: str, region: str
) -> None:
    async with start_service("assessment", reassessment_batch_size=10) as client:
        nc = await nats.connect(nats_url)
        js = nc.jetstream()
        try:
            await publish(js, plan_event(region, 1).model_copy(update={"region": region}))
            await publish(js, tourism(1).model_copy(update={"region": region}))
            await eventually(lambda: _completed(client, region, 2), timeout=30)

            texts = [
                *(f"Förstudie om vätgas och elektrolys för industrin, del {i}." for i in range(12)),
                *(f"Turism och besöksnäring: en hållbar destination året runt, del {i}." for i in range(12)),
            ]
            body = [
                application(i, text) | {"municipalities": ["2380" if i % 2 else "2321"]}
                for i, text in enumerate(texts)
            ] + [
                application(100 + i, f"Turism i fjällen, del {i}.") | {"municipalities": ["2380"]}
                for i in range(3)
            ]
            await bulk(client, region, body)

            # The hydrogen priority moves from Spearhead to Breadth: the hydrogen applications are
            # made anew; the tourism ones keep their reading of the text, with the portfolio worked
            # out anew (each was assessed at intake by the portfolio as it was then).
            await publish(js, plan_event(region, 2, level="bredd").model_copy(update={"region": region}))
            first = (await eventually(lambda: _completed(client, region, 3), timeout=60))[0]
            assert first["assessed"] == len(body) and first["carried"] <= 15, first

            # Two more in Åre: the Åre applications' portfolio changes (Östersund's, the largest, not).
            await bulk(
                client,
                region,
                [
                    application(200 + i, f"Besöksnäring i Åre, del {i}.") | {"municipalities": ["2321"]}
                    for i in range(2)
                ],
            )
            # And back to Spearhead.
            await publish(js, plan_event(region, 3, level="spets").model_copy(update={"region": region}))
            done = await eventually(lambda: _completed(client, region, 4), timeout=60)
        finally:
            await nc.close()

        latest = done[0]
        assert latest["assessed"] == len(body) + 2
        # Carried: the 17 tourism applications (the hydrogen ones are touched); the 9 in Östersund as
        # they were (its portfolio did not change), the 8 in Åre with their portfolio scored anew
        # (their recommendations stay). The 12 hydrogen ones move back to Spearhead.
        assert latest["carried"] == 17 and len(latest["moved"]) == 12, latest

        # Every application reads as assessed by the new plans.
        r = await client.get(
            f"/assessment/regions/{region}/applications?limit=100", headers=headers(region, "viewer")
        )
        apps = r.json()["data"]
        assert len(apps) == len(body) + 2
        assert {a["assessment"]["plan_key"] for a in apps} == {latest["plan_key"]}
        made_before = [a for a in apps if a["assessment"]["made_for"] != latest["plan_key"]]
        assert len(made_before) == 9 and {a["assessment"]["made_for"] for a in made_before} == {
            first["plan_key"]
        }

        # Incremental = full: each current assessment is the one the plans in force make anew.
        db = client.app.state.ctx.db  # type: ignore[attr-defined]
        async with db.session(ALL_REGIONS) as session:
            uow = UnitOfWork(session, source="test", region=region)
            assessor = await assessing.load_assessor(uow)
            assert assessor is not None and assessor.key == latest["plan_key"]
            rows = (await session.scalars(select(Application).where(Application.region == region))).all()
            spread = Counter(code for app in rows for code in app.municipalities)
            portfolio = await assessing.load_portfolio(uow, spread=spread)
            made_for = Counter()
            for app in rows:
                stored = await session.get(Assessment, app.current_assessment_id)
                assert stored is not None
                facts = portfolio.facts(app)
                anew = assessing.new_assessment(
                    app,
                    assessor.assess(facts, portfolio.region),
                    "reassessment",
                    assessor.inputs(facts),
                    assessor.scoring_inputs(facts, portfolio.region),
                )
                for column in COMPARED:
                    assert getattr(stored, column) == getattr(anew, column), (app.title, column)
                made_for[stored.made_for is not None] += 1
            assert made_for == {True: 9, False: len(rows) - 9}, made_for

            # Announced as every reassessed application is (those carried as they are included,
            # whose rows are read from the database's JSON rather than their whole details).
            async def announced() -> dict[str, Any] | None:
                rows = [
                    a
                    for e in await reassessed(nats_url, region)
                    if e["reassessment_id"] == latest["id"]
                    for a in e["applications"]
                ]
                return {a["application_id"]: a for a in rows} if len(rows) == len(body) + 2 else None

            said = await eventually(announced, timeout=30)
            for app in rows:
                stored = await session.get(Assessment, app.current_assessment_id)
                assert stored is not None
                row = assessing.reassessed_row(app, stored).model_dump(mode="json")
                assert said[app.id] == row, app.title


async def bulk(client: httpx.AsyncClient, region: str, body: list[dict[str, Any]]) -> None:
    url = f"/assessment/regions/{region}/applications/bulk"
    r = await client.post(url, json=body, headers=headers(region, "integrator"))
    assert r.json()["created"] == len(body), r.text


async def _completed(client: httpx.AsyncClient, region: str, n: int) -> list[dict[str, Any]] | None:
    done = await reassessments(client, region)
    return done if len(done) >= n else None
