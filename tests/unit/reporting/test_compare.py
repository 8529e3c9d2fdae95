"""Comparing two report versions (pure): changes by section, subject, figure and values; entries and
list items added or removed as such; figures equal in both counted. And their words in sv, en, fi."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from kraftsamla_common.events import LocalizedText, PlanVersionRef, new_id
from kraftsamla_common.i18n import LANGUAGES, Language
from kraftsamla_reporting.adapters.comparison import ComparisonWords
from kraftsamla_reporting.adapters.labels import Labels
from kraftsamla_reporting.domain import compare as diff
from kraftsamla_reporting.domain.compare import Change, Figure, Part, compare, compare_plans
from kraftsamla_reporting.domain.content import (
    ActorCounts,
    AssessmentCoverage,
    BuiltFrom,
    Cell,
    Geography,
    MunicipalityLine,
    Period,
    PlanLine,
    Portfolio,
    PortfolioRow,
    ReportContent,
)

AT = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
ENERGY_ID = new_id()
ENERGY = LocalizedText(sv="Hållbar energi", en="Sustainable energy", fi="Kestävä energia")


def row(level: str = "bredd", source: str = "unspecified", **figures: float) -> PortfolioRow:
    values = {"count": 1, "decided": 0, "granted": 0, "rejected": 0, "requested_amount": 100.0}
    values.update(figures)
    return PortfolioRow(
        strength_area_code="hallbar-energi",
        level=level,  # type: ignore[arg-type]
        funding_source=source,
        currency="SEK",
        count=int(values["count"]),
        decided=int(values["decided"]),
        granted=int(values["granted"]),
        rejected=int(values["rejected"]),
        requested_amount=values["requested_amount"],
        granted_amount=values.get("granted_amount", 0.0),
    )


def town(code: str, name: str, applications: int) -> MunicipalityLine:
    return MunicipalityLine(
        code=code,
        name=name,
        population=1000,
        in_region=True,
        applications=applications,
        open=applications,
        granted=0,
        requested_amount={"SEK": 100.0 * applications} if applications else {},
        granted_amount={},
        granted_per_inhabitant={},
    )


def content(
    *,
    rows: list[PortfolioRow] | None = None,
    total: Cell | None = None,
    towns: list[MunicipalityLine] | None = None,
    unreached: list[str] | None = None,
    version: int = 1,
) -> ReportContent:
    rows = [row()] if rows is None else rows
    return ReportContent(
        region="jamtland-harjedalen",
        generated_at=AT,
        period=Period(start=date(2025, 1, 1), end=date(2025, 12, 31)),
        programmes=[],
        plans=[
            PlanLine(
                strength_area_id=ENERGY_ID,
                strength_area_code="hallbar-energi",
                strength_area_name=ENERGY,
                action_plan_id=new_id(),
                version=version,
                published_at=AT,
                priorities=2,
            )
        ],
        portfolio=Portfolio(
            applications=len(rows),
            requested_amount={"SEK": 100.0},
            total=total or Cell(count=len(rows), requested_amount={"SEK": 100.0 * len(rows)}),
            by_strength_area=[],
            rows=rows,
        ),
        assessments=AssessmentCoverage(
            plan_key="k", current=1, outdated=0, not_assessed=0, by_recommendation={}
        ),
        geography=Geography(
            municipalities=towns if towns is not None else [town("2380", "Östersund", 1)],
            reached=1,
            unreached=["2361"] if unreached is None else unreached,
            region_wide=0,
        ),
        actors=ActorCounts(total=0, by_helix={}),
    )


def by_figure(changes: list[Change]) -> dict[tuple[str, tuple[str | None, ...], str | None], Change]:
    return {(c.section, tuple(p.key for p in c.subject), c.figure): c for c in changes}


def test_equal_versions_differ_in_nothing_and_every_figure_is_counted() -> None:
    a = content()
    d = compare(a, replace(a, generated_at=datetime(2026, 1, 1, tzinfo=UTC)))
    assert d.changes == []
    assert d.unchanged > 20


def test_a_changed_figure_has_its_section_subject_kind_and_unit() -> None:
    a = content()
    b = content(
        total=Cell(
            count=1, decided=1, granted=1, requested_amount={"SEK": 100.0}, granted_amount={"SEK": 80.0}
        )
    )
    changes = by_figure(compare(a, b).changes)
    assert changes[("s4", (), "granted")] == Change("s4", (), "granted", "changed", "count", 0, 1)
    assert changes[("s4", (), "granted_amount")] == Change(
        "s4", (), "granted_amount", "changed", "money", 0.0, 80.0, "SEK"
    )
    # a version's own metadata is never a difference
    assert not any(c.figure == "generated_at" for c in compare(a, b).changes)


def test_nested_rows_are_compared_figure_by_figure_under_their_whole_subject() -> None:
    a = content(rows=[row("spets", "erdf")])
    b = content(rows=[row("spets", "erdf", requested_amount=250.0, granted=1, granted_amount=200.0)])
    changes = by_figure(compare(a, b).changes)
    key = ("s4", ("hallbar-energi", "spets", "erdf", "SEK"))
    requested = changes[(*key, "requested_amount")]
    assert (requested.before, requested.after, requested.unit, requested.kind) == (
        100.0,
        250.0,
        "SEK",
        "money",
    )
    assert [p.kind for p in requested.subject] == ["strength_area", "level", "funding_source", "currency"]
    assert requested.subject[0].name == ENERGY  # named as the content names it
    assert (changes[(*key, "granted")].before, changes[(*key, "granted")].after) == (0, 1)
    assert (*key, "count") not in changes  # equal figures are counted, not listed


def test_an_entry_in_one_version_only_is_one_change_added_or_removed_with_its_figures() -> None:
    a = content(rows=[row("bredd")])
    b = content(rows=[row("bredd"), row("spets", "erdf", requested_amount=1_500_000.0)])
    [added] = [c for c in compare(a, b).changes if c.change == "added"]
    assert (added.section, added.figure, added.kind) == ("s4", None, "entry")
    assert [p.key for p in added.subject] == ["hallbar-energi", "spets", "erdf", "SEK"]
    assert Figure("requested_amount", "money", 1_500_000.0, "SEK") in added.figures
    assert Figure("count", "count", 1) in added.figures
    assert not any(f.figure == "granted" for f in added.figures)  # zero says nothing
    [removed] = [c for c in compare(b, a).changes if c.change == "removed"]
    assert removed.subject == added.subject and removed.figures == added.figures


def test_items_of_a_list_and_municipalities_are_added_or_removed_by_name() -> None:
    a = content(towns=[town("2380", "Östersund", 1), town("2361", "Härjedalen", 0)], unreached=["2361"])
    b = content(towns=[town("2380", "Östersund", 1), town("2361", "Härjedalen", 2)], unreached=[])
    changes = compare(a, b).changes
    [gone] = [c for c in changes if c.figure == "unreached"]
    assert (gone.change, gone.kind, gone.before, gone.after) == ("removed", "item", "2361", None)
    assert gone.item == Part("municipality", "2361", "Härjedalen")
    figures = by_figure(changes)
    assert (
        figures[("s5", ("2361",), "applications")].before,
        figures[("s5", ("2361",), "applications")].after,
    ) == (0, 2)
    c = content(towns=[town("2380", "Östersund", 1)])
    [dropped] = [x for x in compare(a, c).changes if x.section == "s5" and x.kind == "entry"]
    assert (dropped.change, dropped.subject) == ("removed", (Part("municipality", "2361", "Härjedalen"),))


def test_changes_follow_the_reports_sections_in_order() -> None:
    a = content(version=1, rows=[row()])
    b = replace(content(version=2, rows=[row(count=2)], unreached=[]), currency="EUR")
    sections = [c.section for c in compare(a, b).changes]
    assert sections == sorted(sections, key=diff.SECTIONS.index)
    assert {"report", "s1", "s4", "s5"} <= set(sections)


def test_plan_versions_by_strength_area() -> None:
    plan_id, other = new_id(), new_id()

    def built(*refs: tuple[UUID, int]) -> BuiltFrom:
        return BuiltFrom(
            plan_versions=[
                PlanVersionRef(action_plan_id=p, strength_area_id=ENERGY_ID, version=v) for p, v in refs
            ],
            plan_key="k",
            sources={},
            generated_at=AT,
        )

    plans = content().plans
    [change] = compare_plans(built((plan_id, 1), (other, 4)), built((plan_id, 2), (other, 4)), plans)
    assert (change.section, change.figure, change.before, change.after) == ("built_from", "version", 1, 2)
    assert change.subject == (Part("strength_area", "hallbar-energi", ENERGY),)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_figure_and_section_has_words_in_every_language(language: Language) -> None:
    words = ComparisonWords(Labels(language))
    specs = [
        v
        for k, v in vars(diff).items()
        if k.isupper() and isinstance(v, tuple) and v and isinstance(v[0], tuple)
    ]
    figures = {name for spec in specs for name, _ in spec} | {
        "status",
        "missed",
        "gaps",
        "registered_actors",
        "assessments",
        "current",
        "outdated",
        "not_assessed",
        "last_reassessment",
        "reached",
        "region_wide",
        "unreached",
        "strength_areas",
        "assessed",
        "applications",
        "all_three",
        "none",
        "with_conflicts",
        "evidence",
        "missing",
        "municipalities",
        "serves",
        "unaligned",
        "period",
        "currency",
        "version",
    }
    t = Labels(language)
    for figure in figures:
        label = words.figure(figure)
        assert label and not label.startswith(("compare_", figure)), (language, figure, label)
        assert t.has(label) is False  # a text, not a key
    for section in (*diff.SECTIONS, "built_from"):
        assert words.heading(section) not in diff.SECTIONS


def test_the_words_name_things_and_format_values_for_the_language() -> None:
    sv = ComparisonWords(Labels("sv"))
    subject = (
        Part("strength_area", "hallbar-energi", ENERGY),
        Part("level", "spets"),
        Part("funding_source", "erdf"),
        Part("currency", "SEK"),
    )
    changed = Change("s4", subject, "requested_amount", "changed", "money", 88_280_000.0, 90_000_000.0, "SEK")
    said = sv.change(changed)
    assert (said.section, said.subject, said.figure) == (
        "Portfölj",
        "Hållbar energi · Spets · Regionalfonden (ERUF) · SEK",
        "Sökt belopp",
    )
    assert (said.before, said.after) == ("88\xa0280\xa0000\xa0SEK", "90\xa0000\xa0000\xa0SEK")
    assert said.sentence == f"{said.subject} · Sökt belopp: {said.before} → {said.after}"
    fi = ComparisonWords(Labels("fi")).change(changed)
    assert (fi.section, fi.subject) == ("Hankesalkku", "Kestävä energia · Kärki · EAKR · SEK")
    removed = Change(
        "s5",
        (),
        "unreached",
        "removed",
        "item",
        "2361",
        None,
        item=Part("municipality", "2361", "Härjedalen"),
    )
    said = sv.change(removed)
    assert (said.change, said.before, said.after) == ("utgått", "Härjedalen", "–")
    assert sv.part(Part("goal", "7")) == "7. Hållbar energi för alla"
    assert (
        sv.part(Part("municipality", "2380")) == "Östersund"
    )  # by the register where the content names none
    assert sv.part(Part("strength_area", None)) == "Utan styrkeområde"
    assert sv.value("date", date(2025, 3, 1)) == "1 mars 2025"
    assert sv.value("indicator_status", "on_track") == "I fas"
    en = ComparisonWords(Labels("en"))
    assert en.value("count", 1234) == "1,234" and en.summary(1, 2) == "1 difference, 2 figures unchanged."


@pytest.mark.parametrize(
    ("language", "slot", "said"),
    [("sv", "2026-06", "juni 2026"), ("sv", "2026-Q2", "kvartal 2 2026"), ("fi", "2026-06", "kesäkuu 2026")],
)
def test_a_missed_meeting_of_the_annual_cycle_is_named_as_the_report_names_it(
    language: Language, slot: str, said: str
) -> None:
    """The report writes a missed slot as a month or quarter in words; so does the comparison
    (not ``2026-Q2``)."""
    words = ComparisonWords(Labels(language))
    missed = Change(
        "s2",
        (Part("cycle", "c1", "Styrgruppsmöte"),),
        "missed",
        "added",
        "item",
        None,
        slot,
        item=Part("slot", slot),
    )
    assert words.change(missed).after == Labels(language).slot(slot) == said


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_finding_reads_in_the_comparison_as_in_the_report(language: Language) -> None:
    """A finding of the 1.1 checklist says its figures in the language's format and in the form its
    count asks for, the same words as the report's section 8."""
    t = Labels(language)
    params = (("n", 1), ("total", 1200))
    said = ComparisonWords(t).part(Part("finding", "plans_with_analysis", params=params))
    assert said == t.finding("plans_with_analysis", dict(params))
    assert t.number(1200) in said and "{" not in said


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_strength_area_the_versions_no_longer_name_is_not_shown_by_its_id(language: Language) -> None:
    area = str(new_id())
    [change] = compare_plans(
        BuiltFrom(plan_versions=[], plan_key="", sources={}, generated_at=AT),
        BuiltFrom(
            plan_versions=[PlanVersionRef(action_plan_id=new_id(), strength_area_id=UUID(area), version=1)],
            plan_key="k",
            sources={},
            generated_at=AT,
        ),
        [],
    )
    said = ComparisonWords(Labels(language)).change(change)
    assert area not in said.sentence and said.subject
    assert said.subject == Labels(language)("compare_strength_area_unknown")
