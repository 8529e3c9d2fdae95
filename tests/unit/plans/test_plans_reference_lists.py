"""Pure parts of the plans service's reference lists, indicator-value imports and the RIS3
self-assessment: the ERDF common indicators as data, NACE searched as one types, a table of values
read row by row, the wheel's steps."""

from __future__ import annotations

import copy
import re

import pytest
from pydantic import ValidationError

from kraftsamla_common import nace
from kraftsamla_common.events import WHEEL, WHEEL_FACTORS, ActionPlanContent, SelfAssessmentScores
from kraftsamla_plans.domain import indicators
from kraftsamla_plans.domain.measurements import TableFormatError, measurement_rows, plain_number
from kraftsamla_plans.domain.self_assessment import wheel_steps


def test_the_indicator_list_is_well_formed() -> None:
    found = indicators.indicators()
    codes = [i.code for i in found]
    assert len(codes) == len(set(codes)) == 159
    for i in found:
        assert re.fullmatch(r"(RCO|RCR)\d{2,3}", i.code), i.code
        assert i.kind == ("output" if i.code.startswith("RCO") else "result")
        assert i.names["en"].strip() and i.units["en"].strip()
        assert set(i.names) <= {"en", "sv", "fi"} and set(i.units) <= {"en", "sv", "fi"}
    # The indicator the domain text names, and those the demo data cites.
    assert "entrepreneurial discovery" in indicators.by_code()["RCO16"].names["en"]
    assert {"RCO01", "RCO13", "RCO16", "RCR29", "RCR77"} <= set(codes)


def test_the_indicator_list_holds_what_its_notes_say() -> None:
    """erdf_indicators.md: RCO 30 and 31 left out (their source misnames them), the highest codes
    RCO 124 and RCR 105, English only until an official Swedish or Finnish wording is found."""
    codes = set(indicators.by_code())
    assert not {"RCO30", "RCO31"} & codes
    assert max(int(c[3:]) for c in codes if c.startswith("RCO")) == 124
    assert max(int(c[3:]) for c in codes if c.startswith("RCR")) == 105
    assert all(set(i.names) == set(i.units) == {"en"} for i in indicators.indicators())


@pytest.mark.parametrize(
    ("q", "first"),
    [("RCO16", "RCO16"), ("rco 16", "RCO16"), ("rco1", "RCO01"), ("RCR", "RCR01"), ("greenhouse", "RCR29")],
)
def test_indicators_are_found_by_code_or_by_words_of_the_name(q: str, first: str) -> None:
    assert indicators.search(q, limit=5)[0].code == first


def test_indicator_search_by_kind_and_a_name_in_another_language() -> None:
    assert all(i.kind == "result" for i in indicators.search("", kind="result", limit=100))
    assert indicators.search("enterprises", kind="output", limit=1)[0].code == "RCO01"
    fake = indicators.CommonIndicator(
        "RCO99", "output", {"en": "Things", "sv": "Företag som får stöd"}, {"en": "x"}
    )
    assert fake.name("sv") == "Företag som får stöd" and fake.name("fi") == "Things"
    assert indicators.normalise_code(" rco 1 ") == "RCO01" and indicators.normalise_code("RCR102") == "RCR102"


def test_an_unknown_indicator_code_is_refused_where_it_stands() -> None:
    plan = ActionPlanContent.model_validate(
        {
            "sub_goals": [
                {"id": "a", "title": {"sv": "A"}, "indicator": {"name": "Jobb", "code": "RCR01"}},
                {"id": "b", "title": {"sv": "B"}, "indicator": {"name": "Egen"}},
                {"id": "c", "title": {"sv": "C"}, "indicator": {"name": "Påhittad", "code": "RCO999"}},
            ],
            "evaluation": {
                "effect_chain": {
                    "impact": [{"description": "x", "indicators": [{"name": "y", "code": "RCR999"}]}]
                }
            },
        }
    )
    assert [e["pointer"] for e in indicators.indicator_code_errors(plan)] == [
        "/sub_goals/2/indicator/code",
        "/evaluation/effect_chain/impact/0/indicators/0/code",
    ]


def test_nace_search_by_code_and_words_in_every_language() -> None:
    assert [e.code for e in nace.search("62", limit=3)] == ["J62", "J62.0", "J62.01"]
    assert [e.code for e in nace.search("J62.01", limit=3)] == ["J62.01"]
    assert nace.search("skogsbruk", limit=1)[0].code == "A02"
    assert nace.search("metsatalous", limit=1)[0].code == "A02"  # without the accents too
    assert nace.search("hotell", limit=5)[0].code == "I55"
    assert nace.search("hotels", limit=5)[0].code == "I55.1"
    assert nace.search("", limit=3)[0].level == "section"
    assert nace.search("zzzz", limit=3) == []
    assert nace.by_code()["D35"].name("fi").startswith("Sähkö")
    assert nace.by_code()["D35.11"].name("sv") == "Production of electricity"
    assert len([e for e in nace.entries() if e.level == "section"]) == 21
    assert nace.normalise_code("6201") == "J62.01" and nace.normalise_code("X99") is None


def test_a_table_of_values_is_read_with_its_swedish_and_finnish_column_names() -> None:
    rows = measurement_rows(
        ["Delmål", "År", "Värde", "Källa"],
        [(2, ["forny", "2024", "1 250,5", "SCB"], set()), (3, ["forny", "2025", "=A1", "", "extra"], {2})],
    )
    assert rows[0] == (2, {"sub_goal_id": "forny", "year": "2024", "value": "1250.5", "source": "SCB"}, [])
    assert [p["pointer"] for p in rows[1][2]] == ["", "/value"]
    with pytest.raises(TableFormatError, match="colour"):
        measurement_rows(["sub_goal_id", "year", "value", "colour"], [])
    with pytest.raises(TableFormatError, match="value"):
        measurement_rows(["vuosi", "välitavoite"], [])
    assert (
        plain_number("1\u00a0070") == "1070"
        and plain_number("3.5") == "3.5"
        and plain_number("1,2,3") == "1,2,3"
    )


def test_the_wheel_has_six_steps_of_three_factors_and_every_one_is_scored() -> None:
    assert len(WHEEL) == 6 and all(len(f) == 3 for _, f in WHEEL) and len(set(WHEEL_FACTORS)) == 18
    scores = {f: {"score": 3, "comment": ""} for f in WHEEL_FACTORS}
    SelfAssessmentScores.model_validate({"scores": scores})
    for broken in (
        {k: v for k, v in scores.items() if k != "roadmap"},
        {**scores, "roadmap": {"score": -1}},
        {**scores, "roadmap": {"score": 3, "comment": "x" * 2001}},
        {**scores, "vibes": {"score": 3}},
    ):
        with pytest.raises(ValidationError):
            SelfAssessmentScores.model_validate({"scores": broken})
    stored = copy.deepcopy(scores)
    stored["critical_mass"]["score"] = 0
    steps = wheel_steps(stored)
    assert [s.key for s in steps] == [step for step, _ in WHEEL]
    assert steps[3].mean == 2.0 and steps[0].mean == 3.0
