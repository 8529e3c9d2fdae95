"""Unit tests of the pure report builder (no I/O)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from uuid import UUID

import pytest

from kraftsamla_common.events import ChecklistCriterion, Finding, PlanVersionRef, new_id, plan_key
from kraftsamla_common.i18n import check_catalogues, read_catalogue
from kraftsamla_plans.domain import checklist
from kraftsamla_reporting.adapters.labels import Labels
from kraftsamla_reporting.domain.compare import compare
from kraftsamla_reporting.domain.cooperation import RegionProfile, shared_domains, similar_regions
from kraftsamla_reporting.domain.indicators import indicator_status
from kraftsamla_reporting.domain.inputs import (
    ActorIn,
    ApplicationIn,
    ChecklistIn,
    PlanIn,
    ProgrammeIn,
    ReassessmentIn,
    ReportInputs,
    SourceIn,
    StrengthAreaIn,
)
from kraftsamla_reporting.domain.partnerships import SECTIONS, nace_section
from kraftsamla_reporting.domain.report import build_report
from kraftsamla_reporting.persistence.report_json import (
    built_from_json,
    content_json,
    load_built_from,
    load_content,
)

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
SA_ENERGY, SA_DIGITAL, SA_FOREST = (str(new_id()) for _ in range(3))
PLAN_ENERGY, PLAN_DIGITAL = str(new_id()), str(new_id())


def _plans() -> list[PlanIn]:
    return [
        PlanIn(
            action_plan_id=PLAN_ENERGY,
            strength_area_id=SA_ENERGY,
            strength_area_code="energi",
            strength_area_name={"sv": "Hållbar energi"},
            version=3,
            published_at=datetime(2025, 2, 1, tzinfo=UTC),
            priorities=4,
        ),
        PlanIn(
            action_plan_id=PLAN_DIGITAL,
            strength_area_id=SA_DIGITAL,
            strength_area_code="digitalt",
            strength_area_name={"sv": "Digitala lösningar"},
            version=1,
            published_at=datetime(2025, 1, 1, tzinfo=UTC),
            priorities=2,
        ),
    ]


def _current_key() -> str:
    return plan_key(
        [
            PlanVersionRef(action_plan_id=UUID(PLAN_ENERGY), strength_area_id=UUID(SA_ENERGY), version=3),
            PlanVersionRef(action_plan_id=UUID(PLAN_DIGITAL), strength_area_id=UUID(SA_DIGITAL), version=1),
        ]
    )


def _app(
    amount: float,
    *,
    sa: str | None = None,
    level: str | None = None,
    key: str | None = None,
    currency: str = "SEK",
    recommendation: str | None = None,
) -> ApplicationIn:
    return ApplicationIn(
        application_id=str(new_id()),
        status="open",
        requested_amount=amount,
        currency=currency,
        plan_key=key,
        strength_area_id=sa,
        level=level,
        recommendation=recommendation,
    )


def _inputs(**overrides: object) -> ReportInputs:
    key = _current_key()
    values: dict[str, object] = {
        "region": "jamtland-harjedalen",
        "programmes": [
            ProgrammeIn(
                programme_id=str(new_id()),
                title="S3 Jämtland Härjedalen 2021–2027",
                strength_areas=[
                    StrengthAreaIn(SA_FOREST, "jord-skog-vatten", {"sv": "Jord, skog och vatten"}),
                    StrengthAreaIn(SA_ENERGY, "energi", {"sv": "Hållbar energi"}),
                    StrengthAreaIn(SA_DIGITAL, "digitalt", {"sv": "Digitala lösningar"}),
                ],
            )
        ],
        "plans": _plans(),
        "applications": [
            _app(100_000, sa=SA_ENERGY, level="spets", key=key, recommendation="strong"),
            _app(50_000.5, sa=SA_ENERGY, level="spets", key=key, recommendation="moderate"),
            _app(20_000, sa=SA_ENERGY, level="bas", key="old-key", currency="EUR", recommendation="weak"),
            _app(10_000, sa=SA_DIGITAL, level="bredd", key=key, recommendation="strong"),
            _app(5_000, key=key, recommendation="none"),
            _app(1_000),
        ],
        "actors": [
            ActorIn("business", "2380"),
            ActorIn("business"),
            ActorIn("academia"),
        ],
        "reassessments": [
            ReassessmentIn(
                reassessment_id=str(new_id()),
                plan_key=key,
                summary="6 reassessed, 1 moved",
                assessed=6,
                unchanged=5,
                moved=1,
                completed_at=datetime(2025, 2, 2, tzinfo=UTC),
            )
        ],
        "sources": {"plans": SourceIn(str(new_id()), datetime(2025, 2, 1, tzinfo=UTC))},
    }
    values.update(overrides)
    return ReportInputs(**values)  # type: ignore[arg-type]


def test_built_from_names_the_current_plan_versions() -> None:
    content, built = build_report(_inputs(), NOW)
    assert built.plan_key == _current_key() == content.assessments.plan_key
    assert {(str(r.action_plan_id), r.version) for r in built.plan_versions} == {
        (PLAN_ENERGY, 3),
        (PLAN_DIGITAL, 1),
    }
    assert set(built.sources) == {"plans"}
    assert built.generated_at == content.generated_at == NOW


def test_plans_list_every_strength_area_with_its_current_version() -> None:
    content, _ = build_report(_inputs(), NOW)
    lines = {line.strength_area_code: line for line in content.plans}
    assert lines["energi"].version == 3 and lines["energi"].priorities == 4
    assert lines["energi"].published_at == datetime(2025, 2, 1, tzinfo=UTC)
    assert lines["digitalt"].version == 1
    assert lines["jord-skog-vatten"].version is None and lines["jord-skog-vatten"].action_plan_id is None
    assert lines["energi"].strength_area_name is not None
    assert lines["energi"].strength_area_name.sv == "Hållbar energi"
    assert content.programmes[0].strength_areas == 3


def test_portfolio_counts_and_sums_by_strength_area_and_level_per_currency() -> None:
    content, _ = build_report(_inputs(), NOW)
    p = content.portfolio
    assert p.applications == 6
    assert p.requested_amount == {"SEK": 166_000.5, "EUR": 20_000}
    by_area = {str(a.strength_area_id) if a.strength_area_id else None: a for a in p.by_strength_area}
    energy = by_area[SA_ENERGY]
    assert energy.strength_area_code == "energi"
    assert energy.levels["spets"].count == 2 and energy.levels["spets"].requested_amount == {"SEK": 150_000.5}
    assert energy.levels["bas"].requested_amount == {"EUR": 20_000}
    assert energy.levels["bredd"].count == 0 and energy.levels["none"].count == 0
    assert energy.total.count == 3
    assert by_area[SA_DIGITAL].levels["bredd"].count == 1
    assert by_area[None].levels["none"].count == 2
    assert p.by_strength_area[-1].strength_area_id is None  # the unplaced come last


def test_assessments_against_current_and_older_plan_sets() -> None:
    a = build_report(_inputs(), NOW)[0].assessments
    assert (a.current, a.outdated, a.not_assessed) == (4, 1, 1)
    assert a.by_recommendation == {"moderate": 1, "none": 1, "strong": 2, "weak": 1}


def test_a_new_plan_version_makes_earlier_assessments_outdated() -> None:
    newer = [
        *_plans()[:1],
        PlanIn(
            action_plan_id=PLAN_DIGITAL,
            strength_area_id=SA_DIGITAL,
            strength_area_code="digitalt",
            strength_area_name={},
            version=2,
            published_at=NOW,
            priorities=2,
        ),
    ]
    content, built = build_report(_inputs(plans=newer), NOW)
    assert built.plan_key != _current_key()
    assert (content.assessments.current, content.assessments.outdated) == (0, 5)


def test_actors_and_last_reassessment() -> None:
    content, _ = build_report(_inputs(), NOW)
    assert content.actors.total == 3
    assert content.actors.by_helix == {
        "public": 0,
        "business": 2,
        "academia": 1,
        "civil_society": 0,
        "state_agency": 0,
    }
    assert content.last_reassessments
    assert content.last_reassessments[0].summary == "6 reassessed, 1 moved"
    assert (content.last_reassessments[0].assessed, content.last_reassessments[0].moved) == (6, 1)


def test_an_empty_region_still_gives_a_report() -> None:
    content, built = build_report(ReportInputs(region="lappi"), NOW)
    assert content.plans == [] and content.portfolio.applications == 0
    assert not content.last_reassessments and content.actors.total == 0
    assert built.plan_key == "" and built.plan_versions == [] and built.sources == {}


def test_the_report_is_json_serialisable_and_round_trips() -> None:
    content, built = build_report(_inputs(), NOW)
    again = load_content(json.loads(json.dumps(content_json(content))))
    assert again == content
    assert load_built_from(json.loads(json.dumps(built_from_json(built)))) == built


# --------------------------------------------------------------------------- indicators, labels, regions


@pytest.mark.parametrize(
    ("latest", "year", "status", "expected"),
    [
        (None, None, "no_data", None),
        (160.0, 2025, "on_track", 150.0),
        (140.0, 2025, "behind", 150.0),
        (210.0, 2026, "achieved", 200.0),
    ],
)
def test_an_indicator_is_measured_against_the_line_from_baseline_to_target(
    latest: float | None, year: int | None, status: str, expected: float | None
) -> None:
    assert indicator_status(100.0, 2020, 200.0, 2030, latest, year) == (status, expected)


def test_a_falling_target_is_on_track_below_the_line() -> None:
    assert indicator_status(50.0, 2020, 30.0, 2030, 38.0, 2025) == ("on_track", 40.0)
    assert indicator_status(50.0, 2020, 30.0, 2030, 45.0, 2025) == ("behind", 40.0)
    assert indicator_status(50.0, 2020, None, None, 45.0, 2025) == ("no_target", None)


def test_every_label_is_in_three_languages_and_every_finding_has_words() -> None:
    """Every finding the plans service's 1.1 checklist can state is worded in sv, en and fi, with
    every figure it names filled in."""
    assert check_catalogues("kraftsamla_reporting") == []
    keys = {m.id for m in read_catalogue("kraftsamla_reporting", "en") if m.id}
    assert {f"ev_{key}" for key in checklist.TEXT} <= keys
    assert {f"criterion_{key}" for key, _ in checklist.CRITERIA} <= keys
    params = {"n": 2, "total": 3, "participations": 40, "areas": "Energi", "title": "P", "body": "RF"}
    params |= {"date": "2021-03-01", "paragraph": "§ 12"}
    for language in ("sv", "en", "fi"):
        t = Labels(language)  # type: ignore[arg-type]
        for key, english in checklist.TEXT.items():
            named = {name for name in params if "{" + name + "}" in english}
            assert "{" not in t.fill(f"ev_{key}", {k: params[k] for k in named}), key


def test_the_report_shows_the_checklist_as_the_plans_service_evaluated_it() -> None:
    criteria = [
        ChecklistCriterion(
            number=1,
            key="analysis",
            title="Analysis",
            status="partial",
            evidence=[Finding(key="plans_with_analysis", params={"n": 1, "total": 2}, text="…")],
            missing=[Finding(key="areas_without_analysis", params={"areas": "Digital"}, text="…")],
        )
    ]
    at = datetime(2025, 3, 1, tzinfo=UTC)
    inputs = _inputs()
    content, _ = build_report(inputs, at)
    assert content.eu_criteria == []  # nothing evaluated yet: the report draws no conclusion
    programme = inputs.programmes[0].programme_id
    checked = replace(inputs, checklists=[ChecklistIn(programme, at, criteria)])
    content, _ = build_report(checked, at)
    [line] = content.eu_criteria
    assert (line.number, line.key, line.status) == (1, "analysis", "partial")
    assert [(e.key, e.params) for e in line.missing] == [("areas_without_analysis", {"areas": "Digital"})]


def test_regions_with_shared_economic_domains_are_most_similar() -> None:
    def profile(region: str, *nace: str, sdgs: tuple[int, ...] = ()) -> RegionProfile:
        area = StrengthAreaIn(id=str(new_id()), code=region, name={}, nace_codes=nace, sdgs=sdgs)
        return RegionProfile(region=region, strength_areas=[area])

    energy = profile("a", "D35", "C27.1", sdgs=(7,))
    twin = profile("b", "D35.11", "C27")
    cousin = profile("c", "D36")
    stranger = profile("d", "I55")
    ranked = similar_regions(energy, [energy, twin, cousin, stranger])
    assert [(p.region, nace) for p, _, nace, _ in ranked] == [("b", ["C27", "D35"]), ("c", [])]
    assert ranked[0][1] > ranked[1][1] > 0
    assert set(shared_domains([energy, twin, cousin])) == {"C27", "D35"}


def test_comparing_two_versions_names_what_changed() -> None:
    at = datetime(2025, 3, 1, tzinfo=UTC)
    before, _ = build_report(_inputs(), at)
    after, _ = build_report(_inputs(applications=[]), at)
    changes = {
        (ch.section, ch.subject, ch.figure): (ch.before, ch.after) for ch in compare(before, after).changes
    }
    assert changes[("s4", (), "count")] == (6, 0)
    assert compare(before, before).changes == []


def test_members_industries_are_nace_sections_named_in_the_readers_language() -> None:
    assert [nace_section(c) for c in ("70.22", "62.010", "J62", "C", "35.11", "99", "x", "00")] == [
        "M",
        "J",
        "J",
        "C",
        "D",
        "U",
        None,
        None,
    ]
    for language in ("sv", "en", "fi"):
        t = Labels(language)  # type: ignore[arg-type]
        assert all(t.industry(s) != s for s, _, _ in SECTIONS)
    assert Labels("sv").industry("M") == "Verksamhet inom juridik, ekonomi, vetenskap och teknik"
    assert Labels("fi").industry("I") == "Majoitus- ja ravitsemistoiminta"
    assert Labels("sv").municipality("2380") == "Östersund"


def test_the_latest_self_assessment_is_shown_beside_the_year_before() -> None:
    from kraftsamla_common.events import WHEEL_FACTORS
    from kraftsamla_reporting.domain.charts import radar
    from kraftsamla_reporting.domain.inputs import SelfAssessmentIn

    inputs = _inputs()
    programme = inputs.programmes[0].programme_id
    two = {f: {"score": 2, "comment": ""} for f in WHEEL_FACTORS}
    four = {
        **{f: {"score": 4, "comment": ""} for f in WHEEL_FACTORS},
        "roadmap": {"score": 5, "comment": "Klar"},
    }
    assert build_report(inputs, datetime(2025, 3, 1, tzinfo=UTC))[0].self_assessment is None
    older = SelfAssessmentIn(
        programme_id=programme, year=2022, scores={f: {"score": 0} for f in WHEEL_FACTORS}
    )
    inputs = replace(
        inputs,
        self_assessments=[
            older,
            SelfAssessmentIn(programme_id=programme, year=2024, scores=four),
            SelfAssessmentIn(programme_id=programme, year=2023, scores=two),
            SelfAssessmentIn(programme_id=str(new_id()), year=2025, scores=two),  # another programme's
        ],
    )
    wheel = build_report(inputs, datetime(2025, 3, 1, tzinfo=UTC))[0].self_assessment
    assert wheel is not None and (wheel.year, wheel.previous_year) == (2024, 2023)
    policy_mix = wheel.steps[4]
    assert policy_mix.key == "policy_mix" and policy_mix.factors[0].key == "roadmap"
    assert (policy_mix.factors[0].score, policy_mix.factors[0].previous, policy_mix.factors[0].comment) == (
        5,
        2,
        "Klar",
    )
    assert (policy_mix.mean, policy_mix.previous_mean) == (round(13 / 3, 2), 2.0)
    svg = radar("Wheel", [f"f{i}" for i in range(18)], [])
    assert svg.count("<line") == 18 and svg.startswith("<svg")


def test_every_wheel_label_is_worded_in_each_language() -> None:
    from kraftsamla_common.events import WHEEL

    for lang in ("sv", "en", "fi"):
        t = Labels(lang)  # type: ignore[arg-type]
        for step, factors in WHEEL:
            assert t(f"wheel_step_{step}") != f"wheel_step_{step}"
            for f in factors:
                assert t(f"wheel_factor_{f}") != f"wheel_factor_{f}"
