"""The report as a person reads it: names instead of codes and ids, counts only where they are
known, each in the reader's language and order (pure: the builder, the labels and the HTML)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from kraftsamla_common.events import new_id
from kraftsamla_reporting.adapters import render
from kraftsamla_reporting.adapters.labels import Labels
from kraftsamla_reporting.domain.charts import goal_grid, wrap
from kraftsamla_reporting.domain.inputs import (
    ApplicationIn,
    EngagementIn,
    PlanIn,
    ProgrammeIn,
    RegionIn,
    ReportInputs,
    SourceIn,
    StrengthAreaIn,
)
from kraftsamla_reporting.domain.report import build_report
from kraftsamla_reporting.persistence.report_json import built_from_json, content_json
from kraftsamla_reporting.schemas import BuiltFromPublic, ReportContentPublic

NOW = datetime(2025, 6, 20, 12, 0, tzinfo=UTC)
AREA, PLAN = str(new_id()), str(new_id())
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def inputs(*engagements: EngagementIn, country: str = "FI", county: str | None = "19") -> ReportInputs:
    name = {"fi": "Arktinen matkailu", "en": "Arctic tourism"}
    return ReportInputs(
        region="lappi",
        programmes=[
            ProgrammeIn(str(new_id()), "Lapin strategia", [StrengthAreaIn(AREA, "arktinen-matkailu", name)])
        ],
        plans=[
            PlanIn(
                action_plan_id=PLAN,
                strength_area_id=AREA,
                strength_area_code="arktinen-matkailu",
                strength_area_name=name,
                version=2,
                published_at=datetime(2025, 5, 2, tzinfo=UTC),
                priorities=2,
            )
        ],
        applications=[
            ApplicationIn(
                application_id=str(new_id()),
                status="granted",
                requested_amount=amount,
                granted_amount=amount,
                currency="EUR",
                municipalities=[code],
                strength_area_id=AREA,
                level="spets",
            )
            for code, amount in (("698", 6_000_000.0), ("047", 400_000.0), ("890", 90_000.0))
        ],
        engagements=list(engagements),
        geography=RegionIn(country=country, municipalities=["047", "698", "890", "148"], county=county),
        sources={"actors": SourceIn(str(new_id()), datetime(2025, 6, 1, 9, 30, tzinfo=UTC))},
    )


def page(data: ReportInputs, language: str) -> str:
    content, built_from = build_report(data, NOW)
    html = render.html(
        ReportContentPublic.model_validate(content_json(content)),
        BuiltFromPublic.model_validate(built_from_json(built_from)),
        number=1,
        language=language,  # type: ignore[arg-type]
        for_print=True,
    )
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.split("<body>")[1]))


def held(day: date, people: int = 0, actors: int = 1, head_count: int = 0) -> EngagementIn:
    listed = [str(new_id()) for _ in range(people)]
    return EngagementIn(
        held_on=day,
        strength_area_ids=[AREA],
        person_ids=listed,
        actor_ids=[str(new_id()) for _ in range(actors)],
        participations=people + actors + head_count,
    )


def test_unique_participants_are_counted_only_where_engagements_list_people() -> None:
    unlisted = inputs(held(date(2025, 3, 3), head_count=12), held(date(2025, 4, 3), head_count=9))
    content, _ = build_report(unlisted, NOW)
    assert content.activities is not None
    assert (content.activities.participations, content.activities.unique_people) == (23, None)
    assert content.activities.by_strength_area[0].unique_people is None
    text = page(unlisted, "sv")
    assert "Unika deltagare: deltagare ej registrerade" in text and "Unika deltagare: 0" not in text

    mixed = inputs(held(date(2025, 3, 3), people=3), held(date(2025, 4, 3), head_count=9))
    content, _ = build_report(mixed, NOW)
    assert content.activities is not None
    assert (content.activities.unique_people, content.activities.with_people) == (3, 1)
    assert "Unika deltagare: 3 (räknade i 1 av 2 aktiviteter, som anger deltagarna med namn)" in page(
        mixed, "sv"
    )

    nothing = inputs()
    assert "Unika deltagare: 0 " in page(nothing, "sv")  # no engagement at all: a real zero


def test_the_page_names_the_region_municipalities_and_sources_never_ids_or_codes() -> None:
    data = inputs(held(date(2025, 3, 3), people=2))
    fi, sv, en = page(data, "fi"), page(data, "sv"), page(data, "en")
    assert "Lapin liitto" in fi and "Lapplands förbund" in sv and "Regional Council of Lapland" in en
    for text in (fi, sv, en):
        assert not UUID.search(text), UUID.findall(text)
        assert "arktinen-matkailu" not in text and "lappi" not in text
        assert not re.search(r"\b(047|698|890|148)\b", text)
    # Built from: the plan version by its area's name, number and date; the service by its name.
    assert "Arktinen matkailu v2, publicerad 2025-05-02" in sv and "Aktörer 2025-06-01 09:30" in sv
    # Municipalities by name in the reader's alphabetical order (Finnish: … Utsjoki after Rovaniemi).
    assert re.search(r"Enontekiö .*Inari .*Rovaniemi .*Utsjoki ", fi)
    # One precision for amounts per inhabitant: two decimals in the whole column when one needs them.
    # (Enontekiö's 221.24 per inhabitant would be whole euros alone, beside Rovaniemi's 94.45.)
    assert "Enontekiö 1 808 1 0 1 400 000 EUR 221,24 EUR" in fi and "94,45 EUR" in fi
    # A region whose county is not known keeps its id: nothing else names it.
    assert "lappi" in page(inputs(county=None), "fi")


def test_labels_order_names_and_count_in_the_readers_language() -> None:
    sv, en, fi = Labels("sv"), Labels("en"), Labels("fi")
    names = ["Östersund", "Åre", "Ragunda", "Älvdalen", "Berg"]
    assert sv.sorted(names) == ["Berg", "Ragunda", "Åre", "Älvdalen", "Östersund"]
    assert en.sorted(names) == ["Älvdalen", "Åre", "Berg", "Östersund", "Ragunda"]
    assert sv.region("jamtland-harjedalen", "SE", "23") == "Region Jämtland Härjedalen"
    assert sv.finding("initiatives_digitalisation", {"n": 1}) == "1 insats för digitalisering"
    assert sv.finding("initiatives_digitalisation", {"n": 3}) == "3 insatser för digitalisering"
    assert en.finding("plans_with_analysis", {"n": 1, "total": 1}) == "1 of 1 action plan has an analysis"
    assert fi.finding("engagements", {"n": 1, "participations": 1200}) == (
        "1 tilaisuus, 1\u00a0200 osallistumista viimeisten kahdentoista kuukauden aikana"
    )
    assert sv.finding("engagements_unrecorded", {"n": 2}) == (
        "2 aktiviteter de senaste tolv månaderna utan registrerade deltagare"
    )
    assert (sv.count("n_moved", 1), sv.count("n_moved", 4)) == ("1 flyttad", "4 flyttade")
    assert (sv.slot("2025-06"), fi.slot("2025-Q2"), en.slot("2025-H1")) == (
        "juni 2025",
        "2. vuosineljännes 2025",
        "H1 2025",
    )
    # The region's own text in the reader's language, else in the region's own, English last.
    assert (
        Labels("sv", origin="fi").text({"en": "Arctic tourism", "fi": "Arktinen matkailu"})
        == "Arktinen matkailu"
    )


def test_chart_labels_wrap_instead_of_being_cut() -> None:
    assert wrap("Hållbar industri, innovationer och infrastruktur", 20, 4) == [
        "Hållbar industri,",
        "innovationer och",
        "infrastruktur",
    ]
    svg = goal_grid("Mål", [(9, "Hållbar industri, innovationer och infrastruktur", "#FD6925", 3, 1)])
    assert "…" not in svg and ">infrastruktur</text>" in svg
