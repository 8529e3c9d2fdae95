"""A region whose stored facts hold extreme values (announced before the API bounded them: an
indicator of 1e308, a sub-goal from -1e308 to 1e308, amounts whose sums overflow a float) still has
its report, as JSON, HTML, PDF and spreadsheets: nothing a region stored answers 500."""

from __future__ import annotations

import io
from datetime import date, timedelta

import httpx
from nats.js import JetStreamContext
from openpyxl import load_workbook
from test_follow_up_report import ENERGY, application, plan, programme
from test_reporting_service import eventually, js, latest, reporting, send

__all__ = ["js", "reporting"]  # fixtures shared with the service tests

from helpers import chromium_or_skip, headers, measured
from kraftsamla_common.events import (
    ActionPlanPublished,
    FinancingCommitment,
    LocalPlanContent,
    LocalPlanPublished,
    PlanVersionRef,
    RegionConfigured,
    SubGoal,
    new_id,
    utcnow,
)

HUGE = 1e308


def extreme_plan(published: ActionPlanPublished) -> ActionPlanPublished:
    """The plan with a sub-goal from -1e308 to 1e308 (as a producer could send it before the bounds)."""
    goal = published.plan.sub_goals[0]
    wide = SubGoal.model_construct(**{**dict(goal), "baseline": -HUGE, "target": HUGE})
    content = published.plan.model_copy(update={"sub_goals": [wide]})
    return published.model_copy(update={"plan": content})


async def seed(js: JetStreamContext, region: str) -> None:
    prog = programme()
    plan_id = new_id()
    await send(js, RegionConfigured(country="SE", county="23", municipalities=["2380", "2361"]), region)
    await send(js, prog, region)
    await send(js, extreme_plan(plan(prog, plan_id, 1)), region)
    refs = [PlanVersionRef(action_plan_id=plan_id, strength_area_id=ENERGY.id, version=1)]
    for _ in range(2):  # their sum is beyond what a float holds
        app = application(new_id(), refs, level="spets", municipality="2380")
        await send(js, app.model_copy(update={"requested_amount": HUGE}), region)
    await send(js, measured(plan_id, ENERGY.id, "el", 2025, HUGE), region)
    money = [FinancingCommitment.model_construct(party="Region", year=2026, amount=HUGE, currency="SEK")] * 2
    local = LocalPlanContent(title="Destinationsplan", municipalities=["2361"]).model_copy(
        update={"financing": money}
    )
    await send(
        js,
        LocalPlanPublished(
            local_plan_id=new_id(), version=1, published_at=utcnow(), published_by="jh-admin", plan=local
        ),
        region,
    )


async def test_a_region_with_extreme_stored_values_still_has_its_report_in_every_format(
    js: JetStreamContext, reporting: httpx.AsyncClient, region: str
) -> None:
    await seed(js, region)

    async def built() -> dict[str, object] | None:
        r = await latest(reporting, region)
        c = r["content"] if r else None
        done = (
            c is not None
            and c["portfolio"]["applications"] == 2
            and c["local_plans"]["plans"] != []
            and any(i["latest"] is not None for i in c["indicators"])
        )
        return r if done else None

    report = await eventually(built, timeout=60, what="the report with every extreme value")
    content = report["content"]
    assert content["indicators"][0]["latest"] == HUGE and content["indicators"][0]["target"] == HUGE
    assert 1e308 < content["portfolio"]["requested_amount"]["SEK"] < float("inf")  # saturated, not infinite

    base = f"/reporting/regions/{region}/reports/{report['number']}"
    viewer = headers(region, "viewer")
    for language in ("sv", "en", "fi"):
        page = await reporting.get(f"{base}/html", params={"lang": language}, headers=viewer)
        assert page.status_code == 200, page.text
        assert "1e+308" in page.text and '="nan"' not in page.text and '="inf"' not in page.text
    workbook = await reporting.get(f"{base}/tables.xlsx", headers=viewer)
    assert workbook.status_code == 200, workbook.text
    sheets = load_workbook(io.BytesIO(workbook.content))
    assert len(sheets.sheetnames) > 10
    for table in ("indicators", "portfolio", "local-plans"):
        for fmt in ("csv", "xlsx"):
            r = await reporting.get(f"{base}/{table}.{fmt}", headers=viewer)
            assert r.status_code == 200, (table, fmt, r.text)
    today = utcnow().date()
    period = {"start": date(today.year, 1, 1).isoformat(), "end": (today + timedelta(days=1)).isoformat()}
    for path in ("follow-up", "follow-up/html", "follow-up/tables.xlsx"):
        r = await reporting.get(f"/reporting/regions/{region}/{path}", params=period, headers=viewer)
        assert r.status_code == 200, (path, r.text)

    chromium_or_skip()
    pdf = await reporting.get(f"{base}/pdf", params={"lang": "en"}, headers=viewer)
    assert pdf.status_code == 200, pdf.text
    assert pdf.content.startswith(b"%PDF")
