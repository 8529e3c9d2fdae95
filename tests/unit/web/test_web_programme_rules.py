"""The pure parts of the plans section's programme pages: the current programme, the forms' JSON
and the service's pointers back at their fields, what someone else changed (412) and how the form
takes it in, the 1.1 checklist's findings worded and linked to where they are fixed, local plans'
links by name, the self-assessment's form, chart and wording (the report's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import pytest

from kraftsamla_common.events import WHEEL, WHEEL_FACTORS
from kraftsamla_common.i18n import LANGUAGES, Messages, read_catalogue
from kraftsamla_web.domain import self_assessment as wheel
from kraftsamla_web.domain.checklist import criteria, fix, named_areas
from kraftsamla_web.domain.gaps import finding
from kraftsamla_web.domain.local_plans import link_view, names, served_priorities
from kraftsamla_web.domain.programme import (
    AREA_FIELDS,
    PROGRAMME_FIELDS,
    area_body,
    area_form,
    area_values,
    base_of,
    changed_fields,
    chosen_nace,
    current_programme,
    field_at,
    field_kind,
    merged,
    programme_body,
    read_base,
)
from kraftsamla_web.domain.review import errors_at_fields
from kraftsamla_web.schemas import Alignment, Checklist, Finding, RegionalLink, SelfAssessment, StrengthArea

pytestmark = pytest.mark.unit

sv, en, fi = (Messages(x, ("kraftsamla_web",)) for x in ("sv", "en", "fi"))


@dataclass
class P:
    period_start: int
    period_end: int
    name: str


def test_the_current_programme_is_this_year_s_else_the_last_made() -> None:
    old, now, next_ = P(2014, 2020, "old"), P(2021, 2027, "now"), P(2028, 2034, "next")
    assert current_programme([old, now, next_], 2026) is now
    assert current_programme([old, now, P(2024, 2030, "revised")], 2026).name == "revised"  # type: ignore[union-attr]
    assert current_programme([old], 2026) is old
    assert current_programme([], 2026) is None


def test_the_programme_form_makes_the_patch_and_an_empty_text_clears() -> None:
    values = {
        "title": " Program 2021–2027 ",
        "reference": "",
        "period_start": "2021",
        "period_end": "tjugo",
        "vision_sv": "Ett län där idéer blir företag.",
        "vision_en": " ",
        "vision_fi": "",
    }
    assert programme_body(values) == {
        "title": "Program 2021–2027",
        "reference": None,
        "period_start": 2021,
        "period_end": "tjugo",  # sent as written: the service says what is wrong, at the field
        "vision": {"sv": "Ett län där idéer blir företag."},
    }
    assert programme_body({**values, "vision_sv": ""})["vision"] is None


def test_a_strength_area_s_codes_come_from_the_boxes_and_the_field() -> None:
    assert chosen_nace(["D35", "A02"], "02, j62.01;skogsbruk D35") == ["D35", "A02", "J62.01", "skogsbruk"]
    form = {"name_sv": "Skog", "name_en": "", "name_fi": "Metsä", "process_leader": "", "description_sv": ""}
    values = area_form(form, ["D35"], "A02", ["13", "7", "7", "x"])
    assert values["nace_codes"] == "D35,A02" and values["sdgs"] == "7,13,x"
    assert area_body(values) == {
        "name": {"sv": "Skog", "fi": "Metsä"},
        "description": None,
        "process_leader_id": None,
        "nace_codes": ["D35", "A02"],
        "sdgs": [7, 13, "x"],
    }


def test_pointers_land_at_the_forms_fields() -> None:
    assert field_at("/vision/fi") == "vision_fi"
    assert field_at("/name") == "name_sv"
    assert field_at("/nace_codes/2") == "nace_codes"
    assert field_at("/process_leader_id") == "process_leader"
    assert field_at("") == ""
    assert field_kind("name_fi") == "name" and field_kind("period_end") == "period_end"
    errors = [
        {"pointer": "/nace_codes/0", "message": "String should match pattern"},
        {"pointer": "/name/en", "message": "too long"},
        {"pointer": "", "message": "The strength area cannot be changed."},
    ]
    found = errors_at_fields(
        errors, "strength_area", AREA_FIELDS, sv.has, sv, locate=field_at, kind=field_kind
    )
    assert found["nace_codes"].startswith("Inte en NACE-kod")
    assert found["name_en"].startswith("Ange namnet på minst ett språk")
    assert found[""] == "The strength area cannot be changed."


def test_after_a_412_the_form_takes_in_the_other_change_and_keeps_the_person_s() -> None:
    before = {"title": "A", "vision_sv": "", "nace_codes": "D35,A02"}
    now = {"title": "A", "vision_sv": "Deras vision", "nace_codes": "A02,D35"}
    mine = {"title": "B", "vision_sv": "", "nace_codes": "D35,A02"}
    fields = ("title", "vision_sv", "nace_codes")
    assert changed_fields(before, now, fields) == ["vision_sv"]  # the codes' order is no change
    assert merged(before, mine, now, fields) == {
        "title": "B",
        "vision_sv": "Deras vision",
        "nace_codes": "A02,D35",
    }
    kept = base_of({"title": "A", "reference": "R"}, PROGRAMME_FIELDS)
    assert read_base(kept, PROGRAMME_FIELDS)["reference"] == "R"
    assert read_base("not json", PROGRAMME_FIELDS)["title"] == ""


def test_a_strength_area_s_form_is_made_from_the_service_s_answer() -> None:
    leader = uuid4()
    values = area_values(
        {
            "name": {"sv": "Skog", "en": None},
            "description": None,
            "process_leader": {"id": str(leader), "name": "Per"},
            "nace_codes": ["A02"],
            "sdgs": [15, 13],
        }
    )
    assert values["name_sv"] == "Skog" and values["name_en"] == "" and values["process_leader"] == str(leader)
    assert values["nace_codes"] == "A02" and values["sdgs"] == "15,13"


# ----------------------------------------------------------------------------- the 1.1 checklist


def _area(sv_name: str, en_name: str | None = None) -> StrengthArea:
    return StrengthArea.model_validate(
        {
            "id": str(uuid4()),
            "code": sv_name[:4].lower(),
            "name": {"sv": sv_name, "en": en_name},
            "action_plan_id": str(uuid4()),
        }
    )


ENERGY, FOREST = _area("Hållbar energi", "Sustainable energy"), _area("Jord, skog och vatten")


def test_the_findings_name_their_strength_areas_even_with_a_comma_in_a_name() -> None:
    assert named_areas("Hållbar energi, Jord, skog och vatten", [ENERGY, FOREST]) == [ENERGY, FOREST]
    assert named_areas("Jord, skog och vatten", [ENERGY, FOREST]) == [FOREST]
    assert named_areas("Skog", [ENERGY, FOREST]) == []


def test_each_gap_links_to_where_it_is_fixed() -> None:
    programme = UUID(int=7)
    gap = fix(
        en,
        Finding(key="areas_without_analysis", params={"areas": "Hållbar energi"}, text="…"),
        [ENERGY, FOREST],
        "x1",
        programme,
    )
    assert gap.text == "no analysis for Sustainable energy"  # the area named in the reader's language
    assert [(link.text, link.href) for link in gap.links] == [
        ("Sustainable energy: analysis (step 1)", f"/regions/x1/plans/{ENERGY.action_plan_id}/steps/1")
    ]
    gap = fix(sv, Finding(key="programme_not_adopted", text="…"), [ENERGY], "x1", programme)
    assert [(link.text, link.href) for link in gap.links] == [
        ("Registrera antagandet på programsidan", "/regions/x1/programme#adoption")
    ]
    gap = fix(
        sv,
        Finding(key="areas_without_process_leader", params={"areas": "Jord, skog och vatten"}, text="…"),
        [ENERGY, FOREST],
        "x1",
        programme,
    )
    assert [link.href for link in gap.links] == [
        f"/regions/x1/programme/{programme}/strength-areas/{FOREST.id}"
    ]
    gap = fix(
        sv, Finding(key="no_initiatives_industrial_transition", text="…"), [ENERGY, FOREST], "x1", programme
    )
    assert [link.href for link in gap.links] == [
        f"/regions/x1/plans/{a.action_plan_id}/steps/5" for a in (ENERGY, FOREST)
    ]
    assert [
        link.href for link in fix(sv, Finding(key="no_engagements", text="…"), [], "x1", programme).links
    ] == ["/regions/x1/engagements"]
    assert [
        link.href
        for link in fix(
            sv,
            Finding(key="areas_without_partnership", params={"areas": "Hållbar energi"}, text="…"),
            [ENERGY],
            "x1",
            programme,
        ).links
    ] == ["/regions/x1/partnerships"]
    unknown = fix(sv, Finding(key="a_new_finding", text="Something new"), [ENERGY], "x1", programme)
    assert unknown == type(unknown)("Something new", ())


def test_evidence_reads_in_the_form_its_count_asks_for() -> None:
    def said(t: Messages, key: str, **params: Any) -> str:
        return finding(t, Finding(key=key, params=params, text="…"))

    assert said(sv, "plans_with_analysis", n=1, total=2) == "1 av 2 handlingsplaner har en analys"
    assert said(sv, "plans_with_analysis", n=1, total=1) == "1 av 1 handlingsplan har en analys"
    assert said(en, "engagements", n=0, participations=0) == (
        "0 engagements with 0 participations in the past twelve months"
    )
    assert said(fi, "nace_classified", n=1, total=1).startswith("1/1 vahvuusalue luokiteltu")
    assert said(sv, "evidence_documents", n=1200) == "1\u00a0200 underlagsdokument hänvisas till"
    assert (
        said(en, "indicators_without_values", n=2) == "2 indicators without a measured value"
    )  # no plural forms


def test_the_checklist_page_words_every_criterion() -> None:
    checklist = Checklist.model_validate(
        {
            "programme_id": str(uuid4()),
            "met": 0,
            "criteria": [
                {
                    "number": 2,
                    "key": "institution",
                    "status": "missing",
                    "evidence": [
                        {
                            "key": "programme_adopted",
                            "params": {
                                "title": "S3",
                                "body": "Regionfullmäktige",
                                "date": "2020-11-25",
                                "paragraph": "§ 128",
                            },
                            "text": "…",
                        }
                    ],
                    "missing": [
                        {
                            "key": "areas_without_process_leader",
                            "params": {"areas": "Hållbar energi"},
                            "text": "…",
                        }
                    ],
                }
            ],
        }
    )
    [c] = criteria(sv, checklist, [ENERGY], "x1", uuid4())
    assert c.title.startswith("behörig regional institution")
    assert c.evidence == ("S3 antaget av Regionfullmäktige 25 nov. 2020 § 128",)
    assert c.missing[0].links[0].text == "Hållbar energi: välj processledare"


# ----------------------------------------------------------------------------- local plans


def test_a_local_plan_s_links_are_named_and_stale_ones_marked() -> None:
    energy = ENERGY.id
    alignment = Alignment.model_validate(
        {
            "priorities": [
                {
                    "priority": {
                        "strength_area_id": str(energy),
                        "strength_area_code": "energi",
                        "priority_id": "vatgas",
                        "title": {"sv": "Vätgas", "en": "Hydrogen"},
                        "level": "spets",
                        "valid_now": True,
                    },
                    "served_by": [],
                }
            ]
        }
    )
    known = names(
        [ENERGY],
        alignment.priorities,
        [{"strength_area_code": ENERGY.code, "sub_goal_id": "forny", "title": {"sv": "Mer förnybart"}}],
    )
    link = RegionalLink(strength_area_id=energy, priority_id="vatgas", sub_goal_id="forny")
    view = link_view(link, known)
    assert (view.area, view.priority, view.sub_goal, view.stale) == (
        ENERGY.name,
        {"sv": "Vätgas", "en": "Hydrogen"},
        {"sv": "Mer förnybart"},
        False,
    )
    gone = link_view(RegionalLink(strength_area_id=energy, priority_id="el"), known, ["priority el"])
    assert gone.priority is None and gone.priority_id == "el" and gone.stale
    [served] = served_priorities(["vatgas"], [link], known)
    assert (en.text(served.priority), en.text(served.area)) == ("Hydrogen", "Sustainable energy")


# ----------------------------------------------------------------------------- the self-assessment


def _assessment(year: int, score: int) -> SelfAssessment:
    return SelfAssessment.model_validate(
        {
            "year": year,
            "recorded_at": "2026-01-01T00:00:00Z",
            "recorded_by": "user:anna",
            "steps": [
                {
                    "step": i + 1,
                    "key": key,
                    "mean": float(score),
                    "factors": [{"key": f, "score": score, "comment": f"{f} {year}"} for f in factors],
                }
                for i, (key, factors) in enumerate(WHEEL)
            ],
        }
    )


def test_the_self_assessment_form_makes_the_put_and_marks_what_is_unscored() -> None:
    values = wheel.values_of(_assessment(2025, 3))
    assert values["score_roadmap"] == "3" and values["comment_roadmap"] == "roadmap 2025"
    values["score_roadmap"] = ""
    body = wheel.body(values)
    assert "roadmap" not in body["scores"] and body["scores"]["regional_assets"] == {
        "score": 3,
        "comment": "regional_assets 2025",
    }
    assert len(body["scores"]) == len(WHEEL_FACTORS) - 1
    assert wheel.unscored(values) == ["score_roadmap"]
    assert wheel.field_at("/scores/roadmap/score") == "score_roadmap"
    assert wheel.field_at("/scores/roadmap/comment") == "comment_roadmap"
    assert wheel.field_at("/scores/nothing/score") == "" and wheel.field_at("/scores") == ""
    assert wheel.field_kind("score_balanced_policy_mix") == "score"


def test_the_chart_draws_this_year_over_at_most_three_earlier() -> None:
    found = [_assessment(y, y - 2020) for y in (2026, 2025, 2024, 2023, 2022, 2027)]
    drawn = wheel.drawn(found, 2026)
    assert drawn.steps == tuple(key for key, _ in WHEEL)
    assert [s.name for s in drawn.series] == ["2026", "2025", "2024", "2023"]
    assert drawn.series[0].values == [6.0] * 6
    assert [s.name for s in wheel.drawn(found[1:2], 2026).series] == ["2025"]  # none this year yet


def test_steps_and_factors_are_named_as_the_report_names_them() -> None:
    """The page and the follow-up report say the same: the wheel's wording is the reporting
    service's (its catalogue's ``wheel_step_*``, ``wheel_factor_*``), in every language."""
    for language in LANGUAGES:
        report = read_catalogue("kraftsamla_reporting", language)
        page = read_catalogue("kraftsamla_web", language)
        for key, factors in WHEEL:
            for theirs, ours in [(f"wheel_step_{key}", f"self_assessment_step_{key}")] + [
                (f"wheel_factor_{f}", f"self_assessment_factor_{f}") for f in factors
            ]:
                assert page.get(ours).string == report.get(theirs).string, (language, ours)
