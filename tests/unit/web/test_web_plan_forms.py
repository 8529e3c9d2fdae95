"""The action plan's six steps as forms: the plan's content to the form's fields and back (every
part of the content in one step and one only), blank and removed rows, new items' ids, the plans
service's JSON pointers at the fields (checked against the plans service's own findings), and
someone else's save: what they changed and the person's changes on top of theirs."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kraftsamla_common.events import ActionPlanContent
from kraftsamla_common.i18n import Messages
from kraftsamla_plans.domain.action_plans import content_errors, publish_errors
from kraftsamla_web.domain import plan_forms as forms

PLAN: dict[str, Any] = {
    "analysis": {
        "current_state": "Länet producerar mer förnybar el än det använder.",
        "challenges": ["Elnätens kapacitet", "Vätgas genom elektrolys"],
        "evidence": [{"title": "Uppföljningsrapport S3 2024", "reference": "RUN/12/2024"}],
    },
    "governance": {
        "steering_group_id": "0b9e6a3c-0000-4000-8000-000000000001",
        "other_group_ids": ["0b9e6a3c-0000-4000-8000-000000000002"],
        "description": "Styrgrupp och brett partnerskap.",
        "roles": [{"role": "processledare", "mandate": "Driver sexstegsprocessen."}],
    },
    "vision": {"sv": "Ett föregångslän för förnybar energi.", "en": "A leading county in renewable energy."},
    "sub_goals": [
        {
            "id": "effektivisering",
            "title": {"sv": "Energieffektivare företag"},
            "indicator": {"name": "Företag som får stöd", "code": "RCO01", "unit": "företag"},
            "baseline": 12.5,
            "baseline_year": 2022,
            "target": 40,
            "target_year": 2027,
        }
    ],
    "priorities": [
        {
            "id": "vatgas",
            "title": {"sv": "Vätgas", "en": "Hydrogen"},
            "level": "bredd",
            "vocabulary": ["vätgas", "elektrolys"],
            "valid_from": "2026-01-01",
            "valid_until": "2030-12-31",
        },
        {
            "id": "energieffektivisering",
            "title": {"sv": "Energieffektivisering"},
            "description": "I små och medelstora företag.",
            "level": "bas",
            "vocabulary": ["energieffektivisering"],
            "valid_from": "2026-01-01",
            "valid_until": "2030-12-31",
        },
    ],
    "policy_mix": {
        "initiatives": [
            {
                "id": "forstudier",
                "title": "Förstudier om vätgas",
                "priority_ids": ["vatgas"],
                "target_groups": ["performers"],
                "funding_sources": ["erdf", "energy_agency"],
                "addresses": ["innovation_system"],
                "start_year": 2026,
                "end_year": 2028,
            }
        ],
        "portfolio": [
            {"title": "Förstudie vätgas", "year": 2026, "funding_source": "erdf", "budget": 620000}
        ],
    },
    "evaluation": {
        "effect_chain": {
            "input": [{"description": "projektmedel"}],
            "output": [
                {
                    "description": "nya projekt",
                    "indicators": [{"name": "Företag som får stöd", "code": "RCO01"}],
                }
            ],
        },
        "description": "Årlig uppföljning.",
    },
    "next_review": "2026-06-30",
}


def _normal(content: dict[str, Any]) -> dict[str, Any]:
    """The content as the plans service keeps it (its defaults filled in)."""
    return ActionPlanContent.model_validate(content).model_dump(mode="json", exclude_none=True)


def test_every_part_of_the_plan_is_in_one_step_and_its_form_gives_it_back() -> None:
    keys = [k for s in forms.STEPS for k in s.keys]
    assert sorted(keys) == sorted(ActionPlanContent.model_fields)
    assert len(keys) == len(set(keys))
    assert [s.number for s in forms.STEPS] == [1, 2, 3, 4, 5, 6]
    rebuilt: dict[str, Any] = {}
    for step in forms.STEPS:
        values = forms.form_values(step, PLAN)
        assert all(isinstance(v, str) for v in values.values())
        rebuilt = forms.with_part(rebuilt, step, forms.parse_form(step, values))
    assert _normal(rebuilt) == _normal(PLAN)


def test_the_form_s_names_are_the_content_s_paths() -> None:
    values = forms.form_values(forms.STEPS[3], PLAN)
    assert values["priorities.0.level"] == "bredd"
    assert values["priorities.0.title.en"] == "Hydrogen" and values["priorities.1.title.en"] == ""
    assert values["priorities.0.vocabulary"] == "vätgas\nelektrolys"
    assert values["priorities.1.id"] == "energieffektivisering"
    mix = forms.form_values(forms.STEPS[4], PLAN)
    assert mix["policy_mix.initiatives.0.funding_sources.energy_agency"] == "on"
    assert mix["policy_mix.portfolio.0.budget"] == "620000"
    vision = forms.form_values(forms.STEPS[2], PLAN)
    assert vision["sub_goals.0.baseline"] == "12.5" and vision["sub_goals.0.indicator.code"] == "RCO01"


def test_blank_rows_are_no_items_removed_rows_go_and_a_new_item_gets_an_id_from_its_title() -> None:
    step = forms.STEPS[3]
    values = forms.form_values(step, PLAN)
    values["priorities.0._remove"] = "on"
    values |= {
        "priorities.2.id": "",
        "priorities.2.title.sv": "Vätgas i Östersund",
        "priorities.2.level": "spets",
        "priorities.2.vocabulary": "vätgas\r\n\r\n  tankstation ",
        "priorities.2.valid_from": "2026-01-01",
        "priorities.2.valid_until": "2027-12-31",
        "priorities.3.title.sv": "",
        "priorities.3.level": "",
        "priorities.3.vocabulary": "",
    }
    part = forms.parse_form(step, values)
    assert [p["id"] for p in part["priorities"]] == ["energieffektivisering", "vatgas-i-ostersund"]
    assert part["priorities"][1]["vocabulary"] == ["vätgas", "tankstation"]
    # A title that makes an id already taken gets another.
    values["priorities.2.title.sv"] = "Energieffektivisering"
    assert [p["id"] for p in forms.parse_form(step, values)["priorities"]][1] == "energieffektivisering-2"


def test_numbers_are_read_as_typed_and_kept_as_typed_when_they_are_not_numbers() -> None:
    step = forms.STEPS[2]
    values = forms.form_values(step, PLAN)
    values |= {
        "sub_goals.0.target": "1 250,5",
        "sub_goals.0.target_year": "tjugo",
        "sub_goals.0.indicator.code": "rco 2",
    }
    goal = forms.parse_form(step, values)["sub_goals"][0]
    assert goal["target"] == 1250.5 and goal["target_year"] == "tjugo" and goal["indicator"]["code"] == "RCO2"
    # What the person typed comes back to the form as typed.
    assert forms.form_values(step, {"sub_goals": [goal]})["sub_goals.0.target_year"] == "tjugo"


@pytest.mark.parametrize(
    ("pointer", "field"),
    [
        ("/priorities/1/level", "priorities.1.level"),
        ("/priorities/0/vocabulary/3", "priorities.0.vocabulary"),
        ("/priorities/1/id", "priorities.1.title"),
        ("/priorities/0/title/sv", "priorities.0.title"),
        ("/priorities", "priorities"),
        ("/sub_goals/0/indicator", "sub_goals.0.indicator.name"),
        ("/sub_goals/0/indicator/code", "sub_goals.0.indicator.code"),
        ("/policy_mix/initiatives/0/priority_ids/0", "policy_mix.initiatives.0.priority_ids"),
        ("/next_review", "next_review"),
        (
            "/evaluation/effect_chain/output/0/indicators/0/code",
            "evaluation.effect_chain.output.0.indicators.0.code",
        ),
        ("", ""),
        ("/nothing/here", ""),
    ],
)
def test_a_pointer_names_its_field(pointer: str, field: str) -> None:
    names = [n for s in forms.STEPS for n in forms.field_names(s, forms.step_part(s, PLAN))]
    assert forms.field_of(pointer, names) == field


def test_the_plans_service_s_own_findings_are_worded_here_at_their_fields() -> None:
    """Every finding of the plans service's rules has a message of its own here, at its field."""
    wrong = {
        **PLAN,
        "priorities": [{**PLAN["priorities"][0], "valid_until": "2025-01-01"}],
        "sub_goals": [
            {
                **PLAN["sub_goals"][0],
                "baseline_year": None,
                "target_year": None,
                "indicator": {"name": "Något", "code": "RCO999"},
            }
        ],
        "policy_mix": {
            "initiatives": [
                {**PLAN["policy_mix"]["initiatives"][0], "end_year": 2020, "priority_ids": ["x"]}
            ],
            "portfolio": [{"title": "P", "year": 2026, "initiative_id": "y"}],
        },
        "next_review": None,
    }
    content = ActionPlanContent.model_validate(wrong)
    errors = content_errors(content) + publish_errors(
        content.model_copy(update={"priorities": []}), date(2026, 1, 1)
    )
    t = Messages("sv", ("kraftsamla_web",))
    for error in errors:
        key = forms.error_key(error)
        assert key is not None and t.has(key), error
    step = forms.STEPS[2]
    names = forms.field_names(step, forms.step_part(step, wrong))
    said = forms.errors_at_fields(content_errors(content), names, t)
    assert said["sub_goals.0.baseline_year"] == "Ett utgångsvärde behöver året då det mättes."
    assert said["sub_goals.0.target_year"] == "Ett målvärde behöver året då det ska nås."
    assert said["sub_goals.0.indicator.code"].startswith("Koden är inte en av Erufs gemensamma indikatorer")
    # Pydantic's kinds of error, and one of no field of the form.
    said = forms.errors_at_fields(
        [
            {
                "pointer": "/sub_goals/0/target_year",
                "type": "int_parsing",
                "message": "Input should be a valid integer",
            },
            {"pointer": "/sub_goals/0/indicator/code", "type": "string_pattern_mismatch", "message": "…"},
            {"pointer": "/elsewhere", "message": "something else"},
        ],
        names,
        t,
    )
    assert said["sub_goals.0.target_year"] == "Skriv ett heltal, t.ex. 2027."
    assert said["sub_goals.0.indicator.code"].startswith("Skriv koden för en av Erufs")
    assert said[""] == "something else"


def test_someone_else_s_save_their_changes_and_mine_on_top() -> None:
    step = forms.STEPS[3]
    base = forms.step_part(step, PLAN)
    # The other person moved Vätgas to Spets, added a word to it, and added a priority.
    theirs = forms.step_part(step, PLAN)
    theirs["priorities"][0]["level"] = "spets"
    theirs["priorities"][0]["vocabulary"] = ["vätgas", "elektrolys", "bränsleceller"]
    theirs["priorities"].append({**PLAN["priorities"][1], "id": "batterier", "title": {"sv": "Batterier"}})
    # I changed Vätgas's English title and Energieffektivisering's level.
    values = forms.form_values(step, PLAN)
    values["priorities.0.title.en"] = "Green hydrogen"
    values["priorities.1.level"] = "bredd"
    mine = forms.parse_form(step, values)

    found = forms.conflict(base, mine, theirs)
    merged = found.merged["priorities"]
    assert [p["id"] for p in merged] == ["vatgas", "energieffektivisering", "batterier"]
    assert merged[0]["level"] == "spets" and merged[0]["title"]["en"] == "Green hydrogen"
    assert merged[0]["vocabulary"] == ["vätgas", "elektrolys", "bränsleceller"]
    assert merged[1]["level"] == "bredd"
    changes = {c.path: c for c in found.changes}
    assert set(changes) == {
        ("priorities", ("id", "vatgas"), "level"),
        ("priorities", ("id", "vatgas"), "vocabulary"),
        ("priorities", ("id", "batterier")),
    }
    level = changes[("priorities", ("id", "vatgas"), "level")]
    assert (level.before, level.theirs, level.mine, level.mine_changed) == ("bredd", "spets", "bredd", False)
    t = Messages("en", ("kraftsamla_web",))
    where = forms.where(step, level.path, base, theirs)
    assert [(t(k), title) for k, title in where.steps] == [("Priority", "Vätgas")]
    assert where.field is not None and t(where.field.label_key) == "Level on the pyramid"
    assert forms.shown(t, level.theirs, where.field, {}) == "Spearhead"
    added = forms.where(step, ("priorities", ("id", "batterier")), theirs)
    assert added.field is None and added.steps == (("plans_item_priority", "Batterier"),)
    assert forms.path_name(level.path, found.merged) == "priorities.0.level"


def test_where_both_changed_a_value_mine_is_kept_and_theirs_is_shown_beside_it() -> None:
    step = forms.STEPS[0]
    base = forms.step_part(step, PLAN)
    theirs = forms.step_part(step, {**PLAN, "analysis": {**PLAN["analysis"], "current_state": "Deras text."}})
    mine = forms.step_part(step, {**PLAN, "analysis": {**PLAN["analysis"], "current_state": "Min text."}})
    found = forms.conflict(base, mine, theirs)
    assert found.merged["analysis"]["current_state"] == "Min text."
    [change] = found.changes
    assert change.mine_changed and change.theirs == "Deras text." and change.mine == "Min text."


def test_an_item_one_removed_and_the_other_changed_stays() -> None:
    step = forms.STEPS[3]
    base = forms.step_part(step, PLAN)
    theirs = {"priorities": [base["priorities"][0]]}  # they removed Energieffektivisering
    mine = forms.step_part(step, PLAN)
    mine["priorities"][1]["level"] = "spets"  # I changed it
    assert [p["id"] for p in forms.merge(base, mine, theirs)["priorities"]] == [
        "vatgas",
        "energieffektivisering",
    ]
    untouched = forms.step_part(step, PLAN)
    assert [p["id"] for p in forms.merge(base, untouched, theirs)["priorities"]] == ["vatgas"]


def test_a_kept_part_is_read_back_only_when_it_is_the_step_s() -> None:
    step = forms.STEPS[3]
    part = forms.step_part(step, PLAN)
    assert forms.decode_part(step, forms.encode_part(part)) == part
    assert forms.decode_part(step, '{"analysis": {}}') is None
    assert forms.decode_part(step, "not json") is None


def test_values_as_a_person_reads_them() -> None:
    t = Messages("sv", ("kraftsamla_web",))
    mix = forms.STEPS[4].parts[0]
    assert isinstance(mix, forms.Group)
    initiatives = mix.parts[0]
    assert isinstance(initiatives, forms.Rows)
    funding = next(p for p in initiatives.parts if p.key == "funding_sources")
    priorities = next(p for p in initiatives.parts if p.key == "priority_ids")
    assert isinstance(funding, forms.Field) and isinstance(priorities, forms.Field)
    labels = {"priorities": {"vatgas": "Vätgas"}}
    assert (
        forms.shown(t, ["erdf", "vinnova"], funding, labels)
        == "Europeiska regionala utvecklingsfonden, Vinnova"
    )
    assert forms.shown(t, ["vatgas", "borta"], priorities, labels) == "Vätgas, (finns inte längre)"
    assert forms.shown(t, "2026-06-30", forms.Field("next_review", "date"), {}) == "30 juni 2026"
    assert forms.shown(t, None, None, {}) == "–"
    assert forms.shown(t, {"sv": "Vätgas", "en": "Hydrogen"}, None, {}, "en") == "Hydrogen"
