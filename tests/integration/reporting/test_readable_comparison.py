"""Two report versions compared, and the follow-up over any period, as a regional officer reads them:
in Swedish, English and Finnish, each thing by its name (never its code, slug or id), each figure by
its label and in the language's formats. The JSON carries the same structure with the same texts.

Real NATS JetStream, a real database (SQLite and PostgreSQL) and HTTP; the test plays the producers."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

import httpx
from nats.js import JetStreamContext
from test_reporting_service import eventually, js, latest, reporting, send

__all__ = ["js", "reporting"]  # fixtures shared with the service tests

from helpers import decided, english_texts, headers, measured, visible
from kraftsamla_common.events import (
    ActionPlanContent,
    ActionPlanPublished,
    ApplicationAssessed,
    Indicator,
    LocalizedText,
    PlanVersionRef,
    ProgrammeCreated,
    RegionConfigured,
    StrengthAreaSnapshot,
    SubGoal,
    new_id,
    plan_key,
    utcnow,
)
from kraftsamla_common.i18n import Language
from kraftsamla_reporting.adapters.pdf import find_chromium

ENERGY = StrengthAreaSnapshot(
    id=new_id(),
    code="hallbar-energi",
    name=LocalizedText(sv="Hållbar energi", en="Sustainable energy", fi="Kestävä energia"),
    nace_codes=["D35"],
)
TOURISM = StrengthAreaSnapshot(
    id=new_id(),
    code="besok-och-turism",
    name=LocalizedText(sv="Besöksnäring", en="Visitor economy", fi="Matkailu"),
)
SLUGS = ("hallbar-energi", "besok-och-turism")
KEYS = (
    # the report's JSON field names and vocabulary keys: never on a page for people
    "requested_amount",
    "granted_amount",
    "by_level",
    "by_strength_area",
    "rows",
    "portfolio",
    "erdf",
    "unspecified",
    "spets",
    "bredd",
    "on_track",
    "no_data",
    "last_reassessment",
)
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
PATH_RE = re.compile(r"\b[a-z_]+/[a-z_]+/")
NAMES = {
    "sv": ("Hållbar energi", "Spets", "Regionalfonden (ERUF)", "Härjedalen", "Portfölj"),
    "en": ("Sustainable energy", "Spearhead", "ERDF", "Härjedalen", "Portfolio"),
    "fi": ("Kestävä energia", "Kärki", "EAKR", "Härjedalen", "Hankesalkku"),
}


def english_labels(language: Language) -> set[str]:
    """The report's English texts that read differently in ``language``: none may show on its page."""
    return english_texts("kraftsamla_reporting", language)


def assert_readable(page: str, language: Language, *, codes: bool = False) -> None:
    """No id, slug, key or key path; the things by their names; no English label unless in English
    (``codes``: a municipality's official code may stand beside its name, as in the report's table)."""
    assert f'<html lang="{language}">' in page
    assert not UUID_RE.search(page), UUID_RE.search(page)
    text = visible(page)
    for slug in (*SLUGS, *KEYS):
        assert not re.search(rf"(?<![\w-]){re.escape(slug)}(?![\w-])", text), (slug, language)
    assert not PATH_RE.search(text), PATH_RE.search(text)
    if not codes:
        assert not re.search(r"\b(2380|2361)\b", text)  # municipalities by name, not by code
    for name in NAMES[language]:
        assert name in text, (name, language)
    if language != "en":
        english = [t for t in english_labels(language) if re.search(rf"(?<!\w){re.escape(t)}(?!\w)", text)]
        assert not english, (language, english)


def plan(prog: ProgrammeCreated, plan_id: UUID, version: int) -> ActionPlanPublished:
    return ActionPlanPublished(
        programme_id=prog.programme_id,
        programme_title=prog.title,
        action_plan_id=plan_id,
        strength_area=ENERGY,
        version=version,
        published_at=utcnow(),
        published_by="jh-admin",
        plan=ActionPlanContent(
            sub_goals=[
                SubGoal(
                    id="el",
                    title=LocalizedText(
                        sv="Mer förnybar el", en="More renewable power", fi="Lisää uusiutuvaa"
                    ),
                    indicator=Indicator(name="Förnybar el", unit="GWh"),
                    baseline=100,
                    baseline_year=2020,
                    target=200,
                    target_year=2030,
                )
            ]
        ),
    )


def application(
    refs: list[PlanVersionRef], *, level: str, source: str | None, amount: float, municipality: str
) -> ApplicationAssessed:
    app_id = new_id()
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
        funding_source=source,
        requested_amount=amount,
        currency="SEK",
        municipalities=[municipality],
        claimed_goals=[9],
        supported_goals=[9],
        dimensions=["economic"],
    )


async def report_where(client: httpx.AsyncClient, region: str, check: Any) -> dict[str, Any]:
    async def ready() -> dict[str, Any] | None:
        r = await latest(client, region)
        return r if r and check(r) else None

    return await eventually(ready, timeout=60, what="the report")


async def two_versions(js: JetStreamContext, client: httpx.AsyncClient, region: str) -> tuple[int, int]:
    """A first version with one application under plan v1; a second after plan v2, a granted ERDF
    application in Härjedalen and an indicator's first value."""
    prog = ProgrammeCreated(
        programme_id=new_id(),
        title="Smart specialisering 2021–2027",
        period_start=2021,
        period_end=2027,
        strength_areas=[ENERGY, TOURISM],
    )
    plan_id = new_id()
    await send(js, RegionConfigured(country="SE", county="23", municipalities=["2380", "2361"]), region)
    await send(js, prog, region)
    await send(js, plan(prog, plan_id, 1), region)
    v1 = [PlanVersionRef(action_plan_id=plan_id, strength_area_id=ENERGY.id, version=1)]
    await send(
        js, application(v1, level="bredd", source=None, amount=88_280_000, municipality="2380"), region
    )
    first = await report_where(
        client,
        region,
        lambda r: (
            r["content"]["portfolio"]["total"]["count"] == 1
            and r["built_from"]["plan_versions"]
            and r["content"]["geography"]
        ),
    )
    await send(js, plan(prog, plan_id, 2), region)
    v2 = [PlanVersionRef(action_plan_id=plan_id, strength_area_id=ENERGY.id, version=2)]
    granted = application(v2, level="spets", source="erdf", amount=1_500_000, municipality="2361")
    await send(js, granted, region)
    await send(js, decided(granted, 1_200_000), region)
    await send(js, measured(plan_id, ENERGY.id, "el", 2025, 160), region)
    second = await report_where(
        client,
        region,
        lambda r: (
            r["content"]["portfolio"]["total"]["granted"] == 1
            and r["built_from"]["plan_versions"][0]["version"] == 2
            and any(i["latest"] is not None for i in r["content"]["indicators"])
        ),
    )
    return first["number"], second["number"]


async def test_a_comparison_reads_in_the_readers_language_by_section_with_names_and_formats(
    js: JetStreamContext, reporting: httpx.AsyncClient, region: str
) -> None:
    before, after = await two_versions(js, reporting, region)
    base = f"/reporting/regions/{region}/reports/compare"
    viewer = headers(region, "viewer")
    versions = {"before": before, "after": after}

    # The JSON: sections with their keys and headings; each change its subject, figure, values, texts.
    r = await reporting.get(base, params=versions, headers=viewer)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["language"] == "sv" and body["unchanged"] > 0
    [plan_change] = body["plan_versions"]
    assert plan_change["subject"] == [
        {"kind": "strength_area", "key": "hallbar-energi", "name": "Hållbar energi"}
    ]
    assert (plan_change["figure"], plan_change["before"], plan_change["after"]) == ("version", 1, 2)
    sections = {s["key"]: s for s in body["sections"]}
    assert sections["s4"]["heading"] == "Portfölj"
    s4 = sections["s4"]["changes"]
    total = next(ch for ch in s4 if ch["subject"] == [] and ch["figure"] == "requested_amount")
    assert (total["change"], total["before"], total["after"], total["unit"]) == (
        "changed",
        88_280_000,
        89_780_000,
        "SEK",
    )
    assert total["text"]["figure"] == "Sökt belopp"
    assert (total["text"]["before"], total["text"]["after"]) == (
        "88\xa0280\xa0000\xa0SEK",
        "89\xa0780\xa0000\xa0SEK",
    )
    row = next(
        ch for ch in s4 if [p["key"] for p in ch["subject"]] == ["hallbar-energi", "spets", "erdf", "SEK"]
    )
    assert (row["change"], row["figure"]) == ("added", None)
    assert [p["name"] for p in row["subject"]] == ["Hållbar energi", "Spets", "Regionalfonden (ERUF)", "SEK"]
    assert {f["figure"]: f["value"] for f in row["figures"]}["granted_amount"] == 1_200_000
    assert row["text"]["change"] == "tillkommit"
    towns = sections["s5"]["changes"]
    reached = next(ch for ch in towns if ch["figure"] == "unreached")
    assert (reached["change"], reached["before"], reached["item"]["name"]) == (
        "removed",
        "2361",
        "Härjedalen",
    )
    indicator = next(ch for ch in sections["s7"]["changes"] if ch["figure"] == "latest")
    assert [p["name"] for p in indicator["subject"]] == ["Hållbar energi", "Mer förnybar el", "Förnybar el"]
    assert (indicator["before"], indicator["after"], indicator["text"]["after"]) == (None, 160, "160\xa0GWh")
    # The same in English, on request.
    en = (await reporting.get(base, params={**versions, "lang": "en"}, headers=viewer)).json()
    assert {s["key"]: s["heading"] for s in en["sections"]}["s4"] == "Portfolio"

    # The page, in the region's language and in Finnish: no key path, no slug, no English.
    sv = await reporting.get(f"{base}/html", params=versions, headers=viewer)
    assert sv.status_code == 200 and sv.headers["content-type"].startswith("text/html")
    assert_readable(sv.text, "sv")
    text = visible(sv.text)
    assert "Jämförelse av rapportversioner" in text and "Sökt belopp" in text
    assert "88 280 000 SEK → 89 780 000 SEK" in text or (
        "88 280 000 SEK" in text and "89 780 000 SEK" in text
    )
    assert "Kommuner utan ansökningar" in text and "oförändrade" in text
    fi = await reporting.get(f"{base}/html", params={**versions, "lang": "fi"}, headers=viewer)
    assert fi.status_code == 200
    assert_readable(fi.text, "fi")
    assert "Raporttiversioiden vertailu" in visible(fi.text)


async def test_the_follow_up_of_any_period_is_a_page_in_three_languages_with_its_downloads(
    js: JetStreamContext, reporting: httpx.AsyncClient, region: str
) -> None:
    await two_versions(js, reporting, region)
    report = await latest(reporting, region)
    assert report is not None
    period = report["content"]["period"]
    base = f"/reporting/regions/{region}/follow-up"
    viewer = headers(region, "viewer")

    # The report's page offers the follow-up of any period, starting from its own.
    page = await reporting.get(f"/reporting/regions/{region}/reports/latest/html", headers=viewer)
    assert 'action="../../follow-up/html"' in page.text and f'value="{period["start"]}"' in page.text

    headings: dict[Language, str] = {
        "sv": "Geografiskt utfall",
        "en": "Geographic outcome",
        "fi": "Alueellinen jakautuminen",
    }
    for language, heading in headings.items():
        r = await reporting.get(f"{base}/html", params={**period, "lang": language}, headers=viewer)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), r.text
        assert heading in r.text and "<script" not in r.text
        for i in range(1, 10):
            assert f'<section id="s{i}">' in r.text
        assert_readable(r.text, language, codes=True)
        for download in ("pdf", "portfolio.csv", "municipalities.csv"):
            assert (
                f'href="{download}?start={period["start"]}&amp;end={period["end"]}&amp;lang={language}"'
                in r.text
            )
    default = await reporting.get(f"{base}/html", params=period, headers=viewer)
    assert '<html lang="sv">' in default.text  # the region's language

    # The JSON is as it was: the report's content, built now.
    live = await reporting.get(base, params=period, headers=viewer)
    assert live.status_code == 200 and live.headers["content-type"] == "application/json"
    built, stored = live.json(), report["content"]
    assert {k: v for k, v in built.items() if k != "generated_at"} == {
        k: v for k, v in stored.items() if k != "generated_at"
    }

    # Its downloads, for the same period.
    csv = await reporting.get(f"{base}/portfolio.csv", params={**period, "lang": "en"}, headers=viewer)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert (
        "Spearhead" in csv.text
        and f"{period['start']} {period['end']}.csv" in csv.headers["content-disposition"]
    )
    towns = await reporting.get(f"{base}/municipalities.csv", params=period, headers=viewer)
    assert towns.status_code == 200 and "Härjedalen" in towns.text
    pdf = await reporting.get(f"{base}/pdf", params=period, headers=viewer, timeout=90)
    if find_chromium() is None:
        assert pdf.status_code == 503
    else:
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    wrong = await reporting.get(
        f"{base}/html", params={"start": period["end"], "end": period["start"]}, headers=viewer
    )
    assert wrong.status_code == 422
