"""A local plan's draft as one form: the plan's content to the form's fields and back (every part a
person writes, the actors' ids it does not show kept), its links to the regional programme as two
choices by name, amounts as a person writes them, blank and removed rows, a new action's id, the
plans service's JSON pointers (and its own findings, and the bounds of an amount) at the fields,
someone else's save with the person's changes on top, and the form that registers a new plan."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from pydantic import ValidationError

from kraftsamla_common.events import ActionPlanContent, LocalPlanContent
from kraftsamla_common.i18n import Messages
from kraftsamla_plans.domain.local_plans import RegionalPlan, local_plan_errors
from kraftsamla_web.domain import local_plan_forms as lp
from kraftsamla_web.domain import plan_forms as forms

ENERGY = "0b9e6a3c-0000-4000-8000-0000000000e1"
DIGITAL = "0b9e6a3c-0000-4000-8000-0000000000d1"
KOMMUNEN = "0b9e6a3c-0000-4000-8000-0000000000a1"
KROKOM = "0b9e6a3c-0000-4000-8000-0000000000a2"
OWNER = "0b9e6a3c-0000-4000-8000-0000000000a3"

PLAN: dict[str, Any] = {
    "title": "Lokal energiplan för Östersund",
    "owner": "Östersunds kommun",
    "owner_actor_id": OWNER,
    "municipalities": ["2380", "2309"],
    "levels": ["strategic", "tactical"],
    "period_start": 2026,
    "period_end": 2029,
    "vision": "Fossilfritt till 2030.",
    "goals": ["Fler laddplatser", "Vätgas i kollektivtrafiken"],
    "target_groups": ["decision_makers"],
    "serves": [{"strength_area_id": DIGITAL}],
    "actions": [
        {
            "id": "vatgas-lokalt",
            "title": "Vätgastankstation",
            "description": "En station vid E14.",
            "level": "tactical",
            "target_groups": ["performers"],
            "responsible": "Kommunen",
            "responsible_actor_id": KOMMUNEN,
            "mandate": "Kommunfullmäktiges beslut",
            "start": "2026-01-01",
            "end": "2027-12-31",
            "serves": [
                {"strength_area_id": ENERGY, "priority_id": "vatgas", "sub_goal_id": "forny"},
                {"strength_area_id": DIGITAL},
            ],
        },
        {"id": "fest", "title": "Stadsfest", "level": "strategic"},
    ],
    "financing": [
        {
            "party": "Östersunds kommun",
            "party_actor_id": KOMMUNEN,
            "year": 2026,
            "amount": 500000,
            "currency": "SEK",
            "kind": "decision",
            "note": "KF § 12",
        },
        {"party": "Krokoms kommun", "party_actor_id": KROKOM, "year": 2027, "kind": "letter_of_intent"},
    ],
}


def _normal(content: dict[str, Any]) -> dict[str, Any]:
    """The content as the plans service keeps it (its defaults filled in)."""
    return LocalPlanContent.model_validate(content).model_dump(mode="json", exclude_none=True)


def _posted(values: dict[str, str], language: str = "sv") -> dict[str, Any]:
    """What saving the form sends: the form parsed, on the draft as it is."""
    made, wrong = lp.content(PLAN, lp.parse(values, language))
    assert wrong == []
    return made


def test_the_form_holds_every_part_a_person_writes_and_gives_the_plan_back() -> None:
    held = set(lp.SHEET.keys)
    assert set(LocalPlanContent.model_fields) - held == {"owner_actor_id"}  # kept as it is
    values = lp.values(lp.part_of(PLAN))
    assert all(isinstance(v, str) for v in values.values())
    assert _normal(_posted(values)) == _normal(PLAN)


def test_the_form_s_names_are_the_content_s_paths_and_links_are_chosen_by_what_they_serve() -> None:
    values = lp.values(lp.part_of(PLAN))
    assert values["title"] == "Lokal energiplan för Östersund"
    assert values["municipalities.2380"] == "on" and values["levels.strategic"] == "on"
    assert values["goals"] == "Fler laddplatser\nVätgas i kollektivtrafiken"
    assert values["actions.0.id"] == "vatgas-lokalt"
    assert values["actions.0.responsible_actor_id"] == KOMMUNEN  # kept in a hidden field
    assert values["actions.0.serves.0.target"] == f"{ENERGY}/vatgas"
    assert values["actions.0.serves.0.sub_goal"] == f"{ENERGY}/forny"
    assert values["actions.0.serves.1.target"] == DIGITAL
    assert values["actions.0.serves.1.sub_goal"] == ""
    assert values["serves.0.target"] == DIGITAL
    assert values["financing.0.amount"] == "500000" and values["financing.1.amount"] == ""
    assert values["financing.1.kind"] == "letter_of_intent"
    # The actors' ids are no field a person reads or is told about.
    names = forms.field_names(lp.SHEET, lp.part_of(PLAN))
    assert "actions.0.responsible_actor_id" not in names and "actions.0.serves.0.target" in names


def test_a_link_is_the_strength_area_as_a_whole_a_priority_and_a_sub_goal_of_the_same_area() -> None:
    values = lp.values(lp.part_of(PLAN))
    values |= {
        "actions.1.serves.0.target": f"{ENERGY}/vatgas",
        "actions.1.serves.1.target": "",
        "actions.1.serves.1.sub_goal": f"{ENERGY}/forny",
        "serves.0.target": ENERGY,
    }
    made = _posted(values)
    assert made["actions"][1]["serves"] == [
        {"strength_area_id": ENERGY, "priority_id": "vatgas"},
        {"strength_area_id": ENERGY, "sub_goal_id": "forny"},
    ]
    assert made["serves"] == [{"strength_area_id": ENERGY}]
    # A sub-goal of another strength area than the priority's is said at its field; nothing is sent.
    values["actions.0.serves.0.sub_goal"] = f"{DIGITAL}/uppkoppling"
    _, wrong = lp.content(PLAN, lp.parse(values, "sv"))
    assert wrong == ["actions.0.serves.0.sub_goal"]


def test_blank_rows_are_no_items_removed_rows_go_and_a_new_action_gets_an_id_from_its_title() -> None:
    values = lp.values(lp.part_of(PLAN))
    values["actions.1._remove"] = "on"
    values["financing.1._remove"] = "on"
    values |= {
        "actions.2.id": "",
        "actions.2.title": "Laddplatser i Östersund",
        "actions.2.level": "",
        "actions.2.serves.0.target": f"{ENERGY}/vatgas",
        "actions.3.title": "",
        "actions.3.serves.0.target": "",
        "financing.2.party": "",
        "financing.2.year": "",
        "financing.2.currency": "",
        "serves.1.target": "",
        "serves.1.sub_goal": "",
    }
    made = _posted(values)
    assert [a["id"] for a in made["actions"]] == ["vatgas-lokalt", "laddplatser-i-ostersund"]
    assert made["actions"][1] == {
        "id": "laddplatser-i-ostersund",
        "title": "Laddplatser i Östersund",
        "target_groups": [],
        "serves": [{"strength_area_id": ENERGY, "priority_id": "vatgas"}],
    }
    assert [f["party"] for f in made["financing"]] == ["Östersunds kommun"]
    assert len(made["serves"]) == 1
    assert made["owner_actor_id"] == OWNER  # what the form does not hold is kept
    LocalPlanContent.model_validate(made)


@pytest.mark.parametrize(
    ("typed", "language", "sent"),
    [
        ("250 000", "sv", 250000),
        ("1\u00a0250\u00a0000,50", "fi", 1250000.5),
        ("1,250,000.50", "en", 1250000.5),
        ("12,5", "en", 12.5),
        ("tio tusen", "sv", "tio tusen"),  # as typed: the service says at the field what is wrong
    ],
)
def test_an_amount_is_read_as_a_person_writes_it_in_the_page_s_language(
    typed: str, language: str, sent: float | str
) -> None:
    values = lp.values(lp.part_of(PLAN))
    values["financing.0.amount"] = typed
    assert lp.parse(values, language)["financing"][0]["amount"] == sent


@pytest.mark.parametrize(
    ("pointer", "field"),
    [
        ("/title", "title"),
        ("/municipalities", "municipalities"),
        ("/municipalities/1", "municipalities"),
        ("/period_end", "period_end"),
        ("/actions/1/id", "actions.1.title"),
        ("/actions/0/end", "actions.0.end"),
        ("/actions/0/serves/0/strength_area_id", "actions.0.serves.0.target"),
        ("/actions/0/serves/0/priority_id", "actions.0.serves.0.target"),
        ("/actions/0/serves/0/sub_goal_id", "actions.0.serves.0.sub_goal"),
        ("/serves/0/priority_id", "serves.0.target"),
        ("/financing/0/amount", "financing.0.amount"),
        ("/financing/1/year", "financing.1.year"),
        ("/elsewhere", ""),
    ],
)
def test_a_pointer_of_the_plans_service_names_its_field(pointer: str, field: str) -> None:
    say = Messages("sv", ("kraftsamla_web",))
    found = lp.errors_at_fields([{"pointer": pointer, "message": "m"}], lp.part_of(PLAN), say)
    assert list(found) == [field]


def _regional() -> dict[UUID, RegionalPlan]:
    energy = ActionPlanContent.model_validate(
        {
            "priorities": [
                {
                    "id": "vatgas",
                    "title": {"sv": "Vätgas"},
                    "level": "bredd",
                    "vocabulary": ["vätgas"],
                    "valid_from": "2026-01-01",
                    "valid_until": "2030-12-31",
                }
            ]
        }
    )
    return {UUID(ENERGY): RegionalPlan(UUID(ENERGY), "energi", energy, energy)}


def test_the_plans_service_s_own_findings_are_worded_here_at_their_fields() -> None:
    """Every finding of the plans service's rules on a local plan has a message here, at its field."""
    wrong = {
        **PLAN,
        "period_end": 2020,
        "actions": [
            {**PLAN["actions"][0], "end": "2025-01-01"},
            {
                "id": "vatgas-lokalt",
                "title": "Samma id",
                "serves": [{"strength_area_id": ENERGY, "priority_id": "x"}],
            },
        ],
    }
    errors = local_plan_errors(LocalPlanContent.model_validate(wrong), _regional())
    t = Messages("sv", ("kraftsamla_web",))
    for error in errors:
        key = lp.error_key(error)
        assert key is not None and t.has(key), error
    said = lp.errors_at_fields(errors, lp.part_of(wrong), t)
    assert said["period_end"] == "Perioden slutar innan den börjar."
    assert said["actions.0.end"] == "Åtgärden slutar innan den börjar."
    assert said["actions.1.title"] == "En annan post i listan har samma namn: ge den ett annat."
    unknown = "Regionens program har inte detta: välj ett av alternativen."
    assert said["actions.0.serves.0.sub_goal"] == unknown  # no sub-goal "forny" in the energy plan
    assert said["actions.0.serves.1.target"] == unknown  # the digital area is not the region's here
    assert said["actions.1.serves.0.target"] == unknown
    assert said["serves.0.target"] == unknown


@pytest.mark.parametrize("amount", [-5, 2e12, "tio"])
def test_an_amount_beyond_what_the_platform_takes_is_said_at_its_field(amount: Any) -> None:
    body = {**PLAN, "financing": [{**PLAN["financing"][0], "amount": amount}]}
    with pytest.raises(ValidationError) as refused:
        LocalPlanContent.model_validate(body)
    [error] = refused.value.errors()
    problem = {"pointer": "/financing/0/amount", "type": error["type"], "message": error["msg"]}
    said = lp.errors_at_fields([problem], lp.part_of(PLAN), Messages("sv", ("kraftsamla_web",)))
    assert said == {"financing.0.amount": "Skriv ett belopp från 0 till 1 000 000 000 000, t.ex. 250 000."}


def test_what_a_link_may_serve_is_offered_by_name() -> None:
    t = Messages("sv", ("kraftsamla_web",))
    part = lp.part_of({**PLAN, "serves": [{"strength_area_id": ENERGY, "priority_id": "gammal"}]})
    choices = lp.link_choices(
        t,
        [
            lp.Area(ENERGY, {"sv": "Hållbar energi"}, "energi"),
            lp.Area(DIGITAL, {"sv": "Digitala lösningar"}, "digi"),
        ],
        [
            lp.Priority(ENERGY, "vatgas", {"sv": "Vätgas"}),
            lp.Priority(ENERGY, "batterier", {"sv": "Batterier"}),
        ],
        [lp.SubGoal(ENERGY, "forny", {"sv": "Mer förnybar energi"})],
        [part],
    )
    assert choices["links"] == [
        (DIGITAL, "Digitala lösningar (styrkeområdet som helhet)"),
        (ENERGY, "Hållbar energi (styrkeområdet som helhet)"),
        (f"{ENERGY}/batterier", "Hållbar energi › Batterier"),
        (f"{ENERGY}/vatgas", "Hållbar energi › Vätgas"),
        (f"{ENERGY}/gammal", "Hållbar energi › gammal (inte en gällande prioritering)"),
    ]
    assert choices["sub_goals"] == [(f"{ENERGY}/forny", "Hållbar energi › Mer förnybar energi")]
    labels = lp.labels(choices)
    assert lp.shown(t, part["actions"][0]["serves"][0], None, labels) == (
        "Hållbar energi › Vätgas; Hållbar energi › Mer förnybar energi"
    )
    assert lp.shown(t, PLAN["financing"][0], None, labels) == "Östersunds kommun, 2026, 500\u00a0000\u00a0SEK"


def test_municipalities_are_offered_by_name_the_region_s_and_those_the_plan_names() -> None:
    found = lp.municipality_choices(
        [("2380", "Östersund"), ("2361", "Härjedalen")],
        {"municipalities": ["2380", "2309"]},
        {"2309": "Krokom"}.get,
    )
    assert found == [("2361", "Härjedalen"), ("2380", "Östersund"), ("2309", "Krokom")]


def test_someone_else_s_save_their_changes_and_mine_on_top() -> None:
    t = Messages("sv", ("kraftsamla_web",))
    base = lp.part_of(PLAN)
    # They made Vätgastankstation the region's responsibility and added an action.
    theirs_plan = {
        **PLAN,
        "actions": [
            {**PLAN["actions"][0], "responsible": "Regionen"},
            PLAN["actions"][1],
            {"id": "laddning", "title": "Laddplatser"},
        ],
    }
    theirs = lp.part_of(theirs_plan)
    # I raised the municipality's commitment and described the festival.
    values = lp.values(base)
    values["financing.0.amount"] = "750 000"
    values["actions.1.description"] = "Med vätgasbussar."
    mine = lp.parse(values, "sv")
    found = forms.conflict(base, mine, theirs)
    merged = found.merged
    assert [a["id"] for a in merged["actions"]] == ["vatgas-lokalt", "fest", "laddning"]
    assert merged["actions"][0]["responsible"] == "Regionen"
    assert merged["actions"][1]["description"] == "Med vätgasbussar."
    assert merged["financing"][0]["amount"] == 750000
    where = [forms.where(lp.SHEET, c.path, base, theirs) for c in found.changes]
    said = [
        " › ".join(
            [*(f"{t(k)} «{x}»" if x else t(k) for k, x in w.steps), t(w.field.label_key) if w.field else "–"]
        )
        for w in where
    ]
    assert said == ["Åtgärd «Vätgastankstation» › Ansvarig", "Åtgärd «Laddplatser» › –"]
    assert not any(c.mine_changed for c in found.changes)
    made, wrong = lp.content(theirs_plan, merged)
    assert wrong == [] and _normal(made)["actions"][0]["responsible_actor_id"] == KOMMUNEN


def test_a_kept_part_is_read_back_only_when_it_is_the_form_s() -> None:
    part = lp.part_of(PLAN)
    assert lp.decode(forms.encode_part(part)) == part
    assert lp.decode('{"priorities": []}') is None
    assert lp.decode("not json") is None


def test_a_new_plan_is_its_title_owner_municipality_and_period() -> None:
    body = lp.new_plan(
        {
            "title": " Lokal plan för Krokom ",
            "owner": "",
            "municipalities": "2309",
            "period_start": "2026",
            "period_end": "tjugo",
        }
    )
    assert body == {
        "title": "Lokal plan för Krokom",
        "municipalities": ["2309"],
        "period_start": 2026,
        "period_end": "tjugo",
    }
    assert lp.new_plan({"title": "X"})["municipalities"] == []
    t = Messages("sv", ("kraftsamla_web",))
    said = lp.new_plan_errors(
        [
            {"pointer": "/municipalities", "type": "too_short", "message": "…"},
            {"pointer": "/period_end", "type": "int_parsing", "message": "…"},
            {"pointer": "/title", "type": "string_too_short", "message": "…"},
        ],
        t,
    )
    assert said == {
        "municipalities": "Välj minst en kommun.",
        "period_end": "Skriv ett heltal, t.ex. 2027.",
        "title": "Fyll i detta.",
    }
