"""The full follow-up report through the running reporting service: real NATS JetStream, a real
database (SQLite and PostgreSQL), real HTTP for the browser. The test plays the producers."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import httpx
from nats.js import JetStreamContext
from openpyxl import load_workbook
from playwright.async_api import Browser
from pypdf import PdfReader
from test_reporting_service import eventually, js, latest, reporting, send, settled

__all__ = ["js", "reporting"]  # fixtures shared with the service tests

from helpers import (
    OPERATOR,
    chromium_or_skip,
    decided,
    headers,
    key_for,
    measured,
    running,
    service_settings,
    serving,
)
from kraftsamla_common.events import (
    ActionPlanContent,
    ActionPlanPublished,
    Adoption,
    Analysis,
    ApplicationAssessed,
    ChecklistEvaluated,
    CyclePlanned,
    EngagementRecorded,
    EvidenceLink,
    Governance,
    Indicator,
    Initiative,
    LocalAction,
    LocalizedText,
    LocalPlanContent,
    LocalPlanPublished,
    MembershipChanged,
    MoveGroup,
    PlanVersionRef,
    PolicyMix,
    Priority,
    ProgrammeCreated,
    ReassessmentCompleted,
    RegionalLink,
    RegionConfigured,
    StrengthAreaSnapshot,
    SubGoal,
    new_id,
    plan_key,
    utcnow,
)
from kraftsamla_common.exports import XLSX_MEDIA_TYPE
from kraftsamla_common.municipalities import municipality_by_code
from kraftsamla_plans.domain import checklist
from kraftsamla_reporting.app import spec
from kraftsamla_reporting.rebuild import rebuild

ENERGY = StrengthAreaSnapshot(
    id=new_id(),
    code="energi",
    name=LocalizedText(sv="Hållbar energi", en="Sustainable energy"),
    nace_codes=["D35", "C27"],
    sdgs=[7, 13],
    process_leader_id=new_id(),
)
TOURISM = StrengthAreaSnapshot(
    id=new_id(), code="besok", name=LocalizedText(sv="Besöksnäring"), nace_codes=["I55"], sdgs=[8]
)


def programme() -> ProgrammeCreated:
    return ProgrammeCreated(
        programme_id=new_id(),
        title="Smart specialisering 2021–2027",
        reference="RUN/12/2024",
        period_start=2021,
        period_end=2027,
        adoption=Adoption(adopted_on=date(2021, 6, 15), body="Regionfullmäktige", paragraph="§ 128"),
        strength_areas=[ENERGY, TOURISM],
    )


def plan(prog: ProgrammeCreated, plan_id: UUID, version: int, level: str = "spets") -> ActionPlanPublished:
    today = utcnow().date()
    return ActionPlanPublished(
        programme_id=prog.programme_id,
        programme_title=prog.title,
        action_plan_id=plan_id,
        strength_area=ENERGY,
        version=version,
        published_at=utcnow(),
        published_by="jh-admin",
        plan=ActionPlanContent(
            analysis=Analysis(
                current_state="Vindkraft växer.", evidence=[EvidenceLink(title="Regional analys")]
            ),
            governance=Governance(steering_group_id=new_id()),
            sub_goals=[
                SubGoal(
                    id="el",
                    title=LocalizedText(sv="Mer förnybar el"),
                    indicator=Indicator(name="Förnybar el", unit="GWh"),
                    baseline=100,
                    baseline_year=2020,
                    target=200,
                    target_year=2030,
                )
            ],
            priorities=[
                Priority(
                    id="vatgas",
                    title=LocalizedText(sv="Vätgas"),
                    level=level,  # type: ignore[arg-type]
                    vocabulary=["vätgas"],
                    valid_from=today,
                    valid_until=today + timedelta(days=365),
                )
            ],
            policy_mix=PolicyMix(
                initiatives=[
                    Initiative(id="i1", title="Testbädd", addresses=["innovation_system", "digitalisation"])
                ]
            ),
        ),
    )


def application(
    app_id: UUID, refs: list[PlanVersionRef], *, level: str, municipality: str
) -> ApplicationAssessed:
    return ApplicationAssessed(
        application_id=app_id,
        source="ansokan",
        external_id=str(app_id)[:8],
        title="Vätgasdalen",
        assessment_id=new_id(),
        trigger="intake",
        plan_key=plan_key(refs),
        plan_versions=refs,
        strength_area_id=ENERGY.id,
        level=level,  # type: ignore[arg-type]
        score=0.7,
        recommendation="strong",
        fits=[],
        status="assessed",
        funding_source="erdf",
        requested_amount=800_000.0,
        currency="SEK",
        municipalities=[municipality],
        claimed_goals=[7, 9],
        supported_goals=[7],
        dimensions=["economic", "environmental"],
    )


def checklist_of(prog: ProgrammeCreated, published: ActionPlanPublished) -> ChecklistEvaluated:
    """The 1.1 checklist the plans service would announce for the programme: one area with its
    plan, on time, the other without one."""
    now = utcnow()
    areas = (
        checklist.AreaEvidence(
            name="Hållbar energi",
            process_leader=True,
            nace_codes=("D35",),
            published=published.plan,
            review_due=now + timedelta(days=90),
        ),
        checklist.AreaEvidence(
            name="Besöksnäring", process_leader=False, nace_codes=(), published=None, review_due=None
        ),
    )
    evidence = checklist.ProgrammeEvidence(
        prog.programme_id, prog.title, "Regionfullmäktige", date(2020, 11, 25), "§ 128", areas
    )
    return checklist.announced(checklist.evaluate(evidence, now))


async def seed(js: JetStreamContext, region: str) -> dict[str, Any]:
    """A region with every kind of fact the follow-up reports on."""
    prog = programme()
    plan_id = new_id()
    await send(js, RegionConfigured(country="SE", county="23", municipalities=["2380", "2361"]), region)
    await send(js, prog, region)
    published = plan(prog, plan_id, 1)
    await send(js, published, region)
    await send(js, checklist_of(prog, published), region)
    refs = [PlanVersionRef(action_plan_id=plan_id, strength_area_id=ENERGY.id, version=1)]
    granted, open_ = new_id(), new_id()
    first = application(granted, refs, level="spets", municipality="2380")
    await send(js, first, region)
    await send(js, application(open_, refs, level="bredd", municipality="2380"), region)
    await send(js, decided(first, 500_000.0), region)
    await send(js, measured(plan_id, ENERGY.id, "el", 2025, 160), region)
    cycle = new_id()
    await send(
        js,
        CyclePlanned(
            cycle_id=cycle,
            strength_area_id=ENERGY.id,
            kind="actor_meeting",
            title="Aktörsmöte energi",
            frequency="yearly",
            starts_on=date(utcnow().year, 1, 1),
        ),
        region,
    )
    await send(
        js,
        EngagementRecorded(
            engagement_id=new_id(),
            kind="actor_meeting",
            title="Aktörsmöte",
            held_on=utcnow().date(),
            strength_area_ids=[ENERGY.id],
            cycle_id=cycle,
            person_ids=[new_id(), new_id()],
            actor_ids=[new_id()],
            participations=2,
        ),
        region,
    )
    for helix in ("public", "business", "academia", "civil_society"):
        await send(
            js,
            MembershipChanged(
                membership_id=new_id(),
                group_id=new_id(),
                group_kind="steering_group",
                strength_area_id=ENERGY.id,
                actor_id=new_id(),
                helix=helix,  # type: ignore[arg-type]
                municipality="2380",
                nace="D35.1" if helix == "business" else None,
                role="member",
                joined_on=date(2020, 1, 1),
            ),
            region,
        )
    await send(
        js,
        LocalPlanPublished(
            local_plan_id=new_id(),
            version=1,
            published_at=utcnow(),
            published_by="jh-admin",
            plan=LocalPlanContent(
                title="Destinationsplan Funäsfjällen",
                municipalities=["2361"],
                actions=[
                    LocalAction(
                        id="a1", title="Laddinfrastruktur", serves=[RegionalLink(strength_area_id=ENERGY.id)]
                    )
                ],
            ),
        ),
        region,
    )
    return {"programme": prog, "plan_id": plan_id, "refs": refs, "granted": granted, "open": open_}


async def report_with(client: httpx.AsyncClient, region: str, check: Any) -> dict[str, Any]:
    async def ready() -> dict[str, Any] | None:
        r = await latest(client, region)
        return r if r and check(r) else None

    return await eventually(ready, timeout=60, what="the report")


def complete(r: dict[str, Any]) -> bool:
    c = r["content"]
    return (
        c["local_plans"]["plans"] != []
        and c["eu_criteria"] != []
        and c["portfolio"]["total"]["granted"] == 1
        and len(c["partnerships"]) > 0
        and c["partnerships"][0]["actors"] == 4
        and any(i["latest"] is not None for i in c["indicators"])
        and c["activities"]["engagements"] == 1
        and c["geography"]["municipalities"] != []
    )


async def test_the_report_has_every_section_from_the_events(
    js: JetStreamContext, reporting: httpx.AsyncClient, region: str
) -> None:
    seeded = await seed(js, region)
    report = await report_with(reporting, region, complete)
    c = report["content"]
    assert (c["language"], c["country"], c["currency"]) == ("sv", "SE", "SEK")
    # 1 programme and plans: the plan is fresh, the other area has none (overdue).
    assert c["programmes"][0]["adopted_by"] == "Regionfullmäktige"
    plans = {p["strength_area_code"]: p for p in c["plans"]}
    assert (plans["energi"]["version"], plans["energi"]["overdue"]) == (1, False)
    assert (plans["besok"]["version"], plans["besok"]["overdue"]) == (None, True)
    # 2 activities and the annual cycle
    assert (c["activities"]["participations"], c["activities"]["unique_people"]) == (2, 2)
    cycle = c["activities"]["cycles"][0]
    assert (cycle["planned"], cycle["held"], cycle["missed"]) == (1, 1, [])
    # 3 partnerships: all four helices, with municipality and industry
    energy = next(p for p in c["partnerships"] if p["strength_area_code"] == "energi")
    assert energy["missing_helix"] == [] and energy["steering_groups"] == 4
    assert energy["by_municipality"] == {"2380": 4} and energy["by_industry"] == {"D": 1}
    # 4 portfolio: area × level × funding source with decisions
    area = c["portfolio"]["by_strength_area"][0]
    assert area["levels"]["spets"]["granted"] == 1 and area["levels"]["bredd"]["count"] == 1
    assert area["funding_sources"]["erdf"]["granted_amount"] == {"SEK": 500_000.0}
    assert c["portfolio"]["by_level"]["spets"]["granted_amount"] == {"SEK": 500_000.0}
    # 5 geography: per municipality and per inhabitant; Härjedalen is not reached
    population = municipality_by_code("2380").population  # type: ignore[union-attr]
    assert population
    ostersund = next(m for m in c["geography"]["municipalities"] if m["code"] == "2380")
    assert (ostersund["applications"], ostersund["open"], ostersund["granted"]) == (2, 1, 1)
    assert ostersund["granted_per_inhabitant"] == {"SEK": round(500_000 / population, 2)}
    assert c["geography"]["unreached"] == ["2361"] and c["geography"]["reached"] == 1
    # 6 Agenda 2030
    goals = {g["goal"]: g for g in c["agenda2030"]["goals"]}
    assert len(goals) == 17
    assert (goals[7]["claimed"], goals[7]["supported"], goals[7]["granted"]) == (2, 2, 1)
    assert (goals[9]["claimed"], goals[9]["supported"]) == (2, 0)
    assert goals[7]["strength_areas"] == ["energi"]
    sustainability = c["agenda2030"]["sustainability"]
    assert sustainability["dimensions"] == {"economic": 2, "social": 0, "environmental": 2}
    # 7 indicators: 160 in 2025 against a line from 100 (2020) to 200 (2030) → expected 150, on track
    indicator = c["indicators"][0]
    assert (indicator["latest"], indicator["expected"], indicator["status"]) == (160, 150, "on_track")
    # 8 EU 1.1: seven criteria, with evidence and what is missing
    # (the plans service's checklist, as announced: the report words it, and judges nothing again)
    criteria = {cr["number"]: cr for cr in c["eu_criteria"]}
    assert sorted(criteria) == [1, 2, 3, 4, 5, 6, 7]
    announced = checklist_of(seeded["programme"], plan(seeded["programme"], seeded["plan_id"], 1))
    assert [cr["status"] for cr in c["eu_criteria"]] == [cr.status for cr in announced.criteria]
    # The energy plan states its current state but no challenges; tourism has no plan.
    without = {"key": "areas_without_analysis", "params": {"areas": "Besöksnäring, Hållbar energi"}}
    assert criteria[1]["missing"][0] == without
    # 9 local plans: aligned with the energy area, none with tourism
    alignment = {a["strength_area_code"]: a for a in c["local_plans"]["by_strength_area"]}
    assert (alignment["energi"]["local_plans"], alignment["besok"]["local_plans"]) == (1, 0)
    # provenance: the plan version and the last event of each source
    built = report["built_from"]
    assert built["plan_versions"] == [
        {"action_plan_id": str(seeded["plan_id"]), "strength_area_id": str(ENERGY.id), "version": 1}
    ]
    assert set(built["sources"]) == {"actors", "plans", "assessment"}


async def test_a_plan_change_gives_a_new_version_naming_it_with_what_moved_and_a_comparison(
    js: JetStreamContext, reporting: httpx.AsyncClient, region: str
) -> None:
    seeded = await seed(js, region)
    first = await report_with(reporting, region, complete)
    await send(js, plan(seeded["programme"], seeded["plan_id"], 2, level="bredd"), region)
    refs = [PlanVersionRef(action_plan_id=seeded["plan_id"], strength_area_id=ENERGY.id, version=2)]
    moved = application(seeded["open"], refs, level="bas", municipality="2380")
    await send(js, moved.model_copy(update={"trigger": "reassessment"}), region)
    sentence = "1 application fell from bredd to bas because priority 'Vätgas' moved from spets to bredd"
    await send(
        js,
        ReassessmentCompleted(
            reassessment_id=new_id(),
            plan_key=plan_key(refs),
            plan_versions=refs,
            assessed=1,
            unchanged=0,
            moved=[],
            groups=[
                MoveGroup(count=1, change="from bredd to bas", reason="priority moved", sentence=sentence)
            ],
            summary="1 reassessed, 1 moved",
        ),
        region,
    )
    second = await report_with(
        reporting,
        region,
        lambda r: r["built_from"]["plan_versions"][0]["version"] == 2 and r["content"]["last_reassessments"],
    )
    assert second["number"] > first["number"]
    assert second["content"]["last_reassessments"][0]["groups"][0]["sentence"] == sentence
    # the older version stays readable, unchanged
    old = await reporting.get(
        f"/reporting/regions/{region}/reports/{first['number']}", headers=headers(region, "viewer")
    )
    assert old.status_code == 200 and old.json()["built_from"]["plan_versions"][0]["version"] == 1
    # comparing the two: the plan version, the level counts
    r = await reporting.get(
        f"/reporting/regions/{region}/reports/compare",
        params={"before": first["number"], "after": second["number"]},
        headers=headers(region, "viewer"),
    )
    assert r.status_code == 200, r.text
    comparison = r.json()
    [plan_change] = comparison["plan_versions"]
    assert ([p["key"] for p in plan_change["subject"]], plan_change["before"], plan_change["after"]) == (
        ["energi"],
        1,
        2,
    )
    changes = {
        (s["key"], tuple(p["key"] for p in ch["subject"]), ch["figure"]): (ch["before"], ch["after"])
        for s in comparison["sections"]
        for ch in s["changes"]
    }
    assert changes[("s4", ("bredd",), "count")] == (1, 0)
    assert changes[("s4", ("bas",), "count")] == (0, 1)
    before_last, after_last = changes[("s4", (), "last_reassessment")]
    assert before_last is None and after_last == second["content"]["last_reassessments"][0]["completed_at"]
    page = await reporting.get(
        f"/reporting/regions/{region}/reports/compare/html",
        params={"before": first["number"], "after": second["number"], "lang": "en"},
        headers=headers(region, "viewer"),
    )
    assert page.status_code == 200 and "Comparison of report versions" in page.text and "v2" in page.text
    missing = await reporting.get(
        f"/reporting/regions/{region}/reports/compare",
        params={"before": 1, "after": 999},
        headers=headers(region, "viewer"),
    )
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"


async def test_formats_html_csv_and_languages(
    js: JetStreamContext, reporting: httpx.AsyncClient, region: str
) -> None:
    await seed(js, region)
    report = await report_with(reporting, region, complete)
    base = f"/reporting/regions/{region}/reports/{report['number']}"
    viewer = headers(region, "viewer")
    sv = await reporting.get(f"{base}/html", headers=viewer)
    assert sv.status_code == 200 and sv.headers["content-type"].startswith("text/html")
    for i in range(1, 10):
        assert f'<section id="s{i}">' in sv.text
    assert "Geografiskt utfall" in sv.text and "Hållbar energi" in sv.text  # label, and the region's own text
    assert sv.text.count("<svg") >= 4 and "<script" not in sv.text
    # Things by their names: the strength area (never its code), members' municipality and industry.
    assert "<th>energi</th>" not in sv.text and "<th>Hållbar energi</th>" in sv.text
    assert "Östersund (4)" in sv.text and "Försörjning av el, gas, värme och kyla (1)" in sv.text
    en_industry = "Electricity, gas, steam and air conditioning supply (1)"
    en = await reporting.get(f"{base}/html", params={"lang": "en"}, headers=viewer)
    assert "Geographic outcome" in en.text and "Sustainable energy" in en.text
    assert en_industry in en.text
    fi = await reporting.get(f"{base}/html", params={"lang": "fi"}, headers=viewer)
    assert "Alueellinen jakautuminen" in fi.text and "Hållbar energi" in fi.text  # no Finnish: as written
    bad = await reporting.get(f"{base}/html", params={"lang": "de"}, headers=viewer)
    assert bad.status_code == 422
    assert 'href="tables.xlsx?lang=sv"' in sv.text and 'href="portfolio.csv?lang=sv"' in sv.text
    # Tables for spreadsheets: CSV in the reader's locale, areas and municipalities by name.
    portfolio = await reporting.get(f"{base}/portfolio.csv", params={"lang": "en"}, headers=viewer)
    assert portfolio.headers["content-type"].startswith("text/csv")
    assert portfolio.content.startswith(b"\xef\xbb\xbf")
    assert 'filename="Portfolio ' in portfolio.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(portfolio.text.lstrip("\ufeff"))))
    spets = next(r for r in rows if r["Level"] == "Spearhead")
    assert (spets["Strength area"], spets["Funding source"], spets["Granted"], spets["Granted amount"]) == (
        "Sustainable energy",
        "ERDF",
        "1",
        "500000.00",
    )
    towns = await reporting.get(f"{base}/municipalities.csv", headers=viewer)  # the region's language
    table = list(csv.reader(io.StringIO(towns.text.lstrip("\ufeff")), delimiter=";"))
    assert table[0][:4] == ["Kommunkod", "Kommun", "I regionen", "Invånare"]
    assert [row[0] for row in table[1:]] == ["2380", "2361"]
    assert table[1][1] == "Östersund" and table[1][7] == "1600000,00"  # requested, with a decimal comma
    assert all(len(row) == len(table[0]) for row in table)
    finnish = await reporting.get(f"{base}/indicators.csv", headers={**viewer, "Accept-Language": "fi-FI"})
    assert finnish.text.lstrip("\ufeff").startswith("Vahvuusala;Välitavoite;Indikaattori;")
    # One workbook with every table as a sheet, typed cells.
    book = await reporting.get(f"{base}/tables.xlsx", params={"lang": "sv"}, headers=viewer)
    assert book.status_code == 200 and book.headers["content-type"] == XLSX_MEDIA_TYPE
    assert "filename*=UTF-8''Uppf%C3%B6ljningsrapport" in book.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(book.content))
    assert wb.sheetnames == [
        "Handlingsplaner",
        "Aktiviteter",
        "Årshjul",
        "Partnerskap",
        "Medlemmar per kommun",
        "Medlemmar per bransch",
        "Portfölj",
        "Kommuner",
        "Agenda 2030",
        "Hållbarhet",
        "Indikatorer",
        "EU-villkor 1.1",
        "Lokala planer",
        "Koppling",
    ]
    sheet = wb["Portfölj"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["Styrkeområde", "Nivå", "Finansieringskälla", "Valuta"]
    spets_row = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == "Spets")
    assert spets_row[0].value == "Hållbar energi" and spets_row[6].value == 1
    assert spets_row[9].value == 500_000 and spets_row[9].number_format == '#,##0 "SEK"'
    industry = [[c.value for c in r] for r in wb["Medlemmar per bransch"].iter_rows(min_row=2)]
    assert industry == [["Hållbar energi", "Försörjning av el, gas, värme och kyla", "D", 1]]
    plans = {r[0].value: r for r in wb["Handlingsplaner"].iter_rows(min_row=2)}
    assert plans["Hållbar energi"][1].value == 1 and plans["Hållbar energi"][2].is_date
    assert plans["Besöksnäring"][6].value == "Ingen plan publicerad"
    local = [[c.value for c in r] for r in wb["Lokala planer"].iter_rows(min_row=2)]
    assert local[0][0] == "Destinationsplan Funäsfjällen" and local[0][3] == "Härjedalen"
    assert local[0][4] == "Hållbar energi"
    unknown = await reporting.get(f"{base}/nothing.csv", headers=viewer)
    assert unknown.status_code == 422
    latest_html = await reporting.get(f"/reporting/regions/{region}/reports/latest/html", headers=viewer)
    assert f'id="report-number">{report["number"]}<' in latest_html.text
    # any period, built live
    live = await reporting.get(
        f"/reporting/regions/{region}/follow-up",
        params={"start": "2000-01-01", "end": "2000-12-31"},
        headers=viewer,
    )
    assert live.status_code == 200 and live.json()["activities"]["engagements"] == 0
    wrong = await reporting.get(
        f"/reporting/regions/{region}/follow-up",
        params={"start": "2001-01-01", "end": "2000-12-31"},
        headers=viewer,
    )
    assert wrong.status_code == 422


async def test_reports_of_one_region_are_not_anothers(
    js: JetStreamContext, reporting: httpx.AsyncClient, region: str, other_region: str
) -> None:
    await seed(js, region)
    report = await report_with(reporting, region, complete)
    base = f"/reporting/regions/{region}/reports"
    for path in (
        "",
        "/latest",
        f"/{report['number']}",
        f"/{report['number']}/html",
        "/latest/portfolio.csv",
        f"/{report['number']}/municipalities.csv",
        "/latest/tables.xlsx",
        f"/{report['number']}/pdf",
    ):
        r = await reporting.get(base + path, headers=headers(other_region, "admin"))
        assert r.status_code == 404, (path, r.status_code)
    r = await reporting.get(
        f"/reporting/regions/{other_region}/reports/{report['number']}", headers=headers(other_region)
    )
    assert r.status_code == 404
    assert (await reporting.get(f"{base}/latest", headers=OPERATOR)).status_code == 200
    # a browser sends the key as the Basic password
    browser = await reporting.get(f"{base}/latest/html", auth=("anyone", key_for(region, "viewer")))
    assert browser.status_code == 200
    asked = await reporting.get(f"{base}/latest/html")
    assert asked.status_code == 401 and asked.headers["www-authenticate"].startswith("Basic ")


async def test_regions_that_opt_in_see_each_other_and_no_one_else(
    js: JetStreamContext, reporting: httpx.AsyncClient, region: str, other_region: str
) -> None:
    third = f"{region}-x"
    for r, areas in (
        (region, [ENERGY]),
        (other_region, [ENERGY.model_copy(update={"id": new_id()})]),
        (third, [TOURISM]),
    ):
        await send(
            js,
            ProgrammeCreated(
                programme_id=new_id(), title="S3", period_start=2021, period_end=2027, strength_areas=areas
            ),
            r,
        )
    # Where the regions lie (their settings in the actors service): they are named by their counties.
    await send(js, RegionConfigured(country="SE", county="23", municipalities=["2380"]), region)
    await send(js, RegionConfigured(country="FI", county="19", municipalities=["698"]), other_region)
    await eventually(lambda: latest(reporting, other_region), what="the other region's report")
    path = "/reporting/regions/{}/cooperation"
    before = await reporting.get(path.format(region), headers=headers(region, "viewer"))
    assert before.json() == {
        "region": region,
        "region_name": "Region Jämtland Härjedalen",
        "opted_in": False,
        "regions": [],
        "domains": [],
        "similar": [],
    }
    viewer_may_not = await reporting.put(
        f"/reporting/regions/{region}/sharing", json={"opted_in": True}, headers=headers(region, "viewer")
    )
    assert viewer_may_not.status_code == 403
    bad = await reporting.put(
        f"/reporting/regions/{region}/sharing", json={"opted_in": "maybe", "x": 1}, headers=headers(region)
    )
    assert bad.status_code == 422
    r = await reporting.put(
        f"/reporting/regions/{region}/sharing", json={"opted_in": True}, headers=headers(region)
    )
    assert r.status_code == 200 and r.json()["opted_in"] is True
    alone = (await reporting.get(path.format(region), headers=headers(region, "viewer"))).json()
    assert alone["regions"] == [region] and alone["similar"] == []
    r = await reporting.put(
        f"/reporting/regions/{other_region}/sharing", json={"opted_in": True}, headers=headers(other_region)
    )
    assert r.status_code == 200
    mine = (await reporting.get(path.format(region), headers=headers(region, "viewer"))).json()
    theirs = (await reporting.get(path.format(other_region), headers=headers(other_region, "viewer"))).json()
    assert [s["region"] for s in mine["similar"]] == [other_region]
    assert [s["region"] for s in theirs["similar"]] == [region]
    assert mine["similar"][0]["shared_nace"] == ["C27", "D35"] and mine["similar"][0]["similarity"] == 1.0
    d35 = next(d for d in mine["domains"] if d["nace"] == "D35")
    assert {a["region"] for a in d35["strength_areas"]} == {region, other_region}
    # each region by its name in the reader's language (?lang=, or Accept-Language), never its id
    assert mine["similar"][0]["region_name"] == "Regional Council of Lapland"
    assert {a["region_name"] for a in d35["strength_areas"]} == {
        "Region Jämtland Härjedalen",
        "Regional Council of Lapland",
    }
    swedish = await reporting.get(
        path.format(region), headers={**headers(region, "viewer"), "Accept-Language": "sv-SE,sv;q=0.9"}
    )
    assert swedish.json()["similar"][0]["region_name"] == "Lapplands förbund"
    finnish = await reporting.get(
        path.format(other_region), headers=headers(other_region, "viewer"), params={"lang": "fi"}
    )
    said = finnish.json()
    assert (said["region_name"], said["similar"][0]["region_name"]) == (
        "Lapin liitto",
        "Region Jämtland Härjedalen",
    )
    # the region that did not opt in appears nowhere, and sees nothing
    assert third not in mine["regions"] and third not in str(mine)
    # another region's sharing cannot be changed or read
    r = await reporting.put(
        f"/reporting/regions/{other_region}/sharing", json={"opted_in": False}, headers=headers(region)
    )
    assert r.status_code == 404


# --------------------------------------------------------------------------- a real browser, and the PDF


async def test_the_report_renders_in_chromium_and_prints_to_pdf(
    js: JetStreamContext, reporting: httpx.AsyncClient, region: str, browser: Browser
) -> None:
    await seed(js, region)
    report = await report_with(reporting, region, complete)
    async with serving(reporting.app) as url:  # type: ignore[attr-defined]
        context = await browser.new_context(
            http_credentials={"username": "committee", "password": key_for(region, "viewer")},
            java_script_enabled=False,
        )
        page = await context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        response = await page.goto(f"{url}/reporting/regions/{region}/reports/latest/html?lang=en")
        assert response is not None and response.status == 200
        for i in range(1, 10):
            assert await page.locator(f"section#s{i} h2").is_visible()
        for chart in ("chart-pyramid", "chart-portfolio", "chart-municipalities", "chart-goals"):
            box = await page.locator(f"#{chart} svg").bounding_box()
            assert box is not None and box["width"] > 100 and box["height"] > 50, chart
        assert await page.locator("#chart-goals svg > g").count() == 17
        assert await page.locator("#report-number").inner_text() == str(report["number"])
        # the links a reader follows: Finnish, then the PDF
        await page.click("text=fi")
        assert await page.locator("section#s5 h2").inner_text() == "5. Alueellinen jakautuminen"
        assert errors == []
        await context.close()
    chromium_or_skip()
    pdf = await reporting.get(
        f"/reporting/regions/{region}/reports/{report['number']}/pdf",
        params={"lang": "en"},
        headers=headers(region, "viewer"),
    )
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    for heading in (
        "Programme and strength areas",
        "Portfolio",
        "Geographic outcome",
        "EU enabling condition 1.1",
        "Local plans",
        "Sub-goals and indicators",
    ):
        assert heading in text, heading


# --------------------------------------------------------------------------- rebuild from the streams


async def test_rebuilt_from_the_streams_the_report_is_the_same(
    js: JetStreamContext, database_factory: Any, nats_url: str, api_keys_file: Any, region: str
) -> None:
    settings = service_settings(
        "reporting",
        database_url=database_factory("reporting"),
        nats_url=nats_url,
        api_keys_file=api_keys_file,
    )
    async with running(spec, settings) as client:
        seeded = await seed(js, region)
        await send(js, plan(seeded["programme"], seeded["plan_id"], 2), region)
        report = await report_with(
            client, region, lambda r: complete(r) and r["built_from"]["plan_versions"][0]["version"] == 2
        )
        await settled(client, region)
        number = report["number"]
    # a message nobody can read waits in a stream (the live consumers dead-letter it at once)
    garbage = await js.publish(f"s3.{region}.plans.action_plan.published.v1", b"{not an event")
    # the service is stopped; its read models are emptied and replayed from the streams alone,
    # passing over what cannot be read rather than stopping with the tables empty
    outcome = await rebuild(settings)
    mine = next(r for r in outcome.regions if r.region == region)
    assert mine.equal, mine.differences
    assert outcome.events >= 15
    assert f"{garbage.stream}#{garbage.seq}" in outcome.unreadable
    one = await rebuild(settings, region)
    assert [(r.region, r.equal) for r in one.regions] == [(region, True)]
    async with running(spec, settings) as client:
        await asyncio.sleep(1.5)  # consumers catch up: everything is already in the inbox
        await settled(client, region)
        after = await latest(client, region)
        assert after is not None and after["number"] == number  # equal: no new version
        # a change after the rebuild is handled once, as usual
        await send(js, plan(seeded["programme"], seeded["plan_id"], 3), region)
        newer = await report_with(
            client, region, lambda r: r["built_from"]["plan_versions"][0]["version"] == 3
        )
        assert newer["number"] == number + 1
        assert newer["content"]["portfolio"]["applications"] == 2
