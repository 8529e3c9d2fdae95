"""The RIS3 Assessment Wheel's English wording held against its public sources.

The steps are the six steps of the RIS3 Guide, titled as the JRC's Interactive RIS3 Guide titles
them (https://s3platform.jrc.ec.europa.eu/interactive-ris3-guide/-/wiki/Main/PART+III+Step+1 …
Step+6); the scale is the one of the wheel's page (https://s3platform.jrc.ec.europa.eu/assessment-wheel).
The factors' keys are stored in events and databases and never change; their English names could
not be compared with the wheel's explanatory table (see the docstring of ``WHEEL``). That the web
application and the reporting service word the wheel alike is tested in test_web_programme_rules."""

from __future__ import annotations

import pytest

from kraftsamla_common import events
from kraftsamla_common.events import WHEEL, WHEEL_FACTORS
from kraftsamla_common.i18n import Language, read_catalogue

OFFICIAL_STEPS = {
    "analysis": "Analysis of the regional context and potential for innovation",
    "governance": "Governance: Ensuring participation and ownership",
    "shared_vision": "Elaboration of an overall vision for the future of the region",
    "priorities": "Identification of priorities",
    "policy_mix": "Definition of coherent policy mix, roadmaps and action plan",
    "monitoring": "Integration of monitoring and evaluation mechanisms",
}

OFFICIAL_SCALE = (
    "no information available on the specific element",
    "poor",
    "to be improved",
    "fair",
    "strong",
    "excellent",
)

# The package of each catalogue and the prefix of its wheel's messages.
CATALOGUES = {
    "kraftsamla_web": ("self_assessment_step_", "self_assessment_factor_", "self_assessment_scale"),
    "kraftsamla_reporting": ("wheel_step_", "wheel_factor_", "wheel_scale"),
}


def _text(package: str, language: Language, key: str) -> str:
    message = read_catalogue(package, language).get(key)
    assert message is not None and isinstance(message.string, str), (package, language, key)
    return message.string


def test_the_keys_stay_as_stored() -> None:
    assert [step for step, _ in WHEEL] == list(OFFICIAL_STEPS)
    assert WHEEL_FACTORS == (
        "regional_assets",
        "outward_dimension",
        "entrepreneurial_dynamics",
        "governance_structure",
        "broad_participation",
        "management_communication",
        "broad_future_scenarios",
        "stakeholder_ownership",
        "broad_view_of_innovation",
        "critical_mass",
        "horizontal_priorities",
        "revision_mechanism",
        "roadmap",
        "balanced_policy_mix",
        "pilot_projects",
        "output_result_indicators",
        "monitoring_methodology",
        "strategy_update",
    )


@pytest.mark.parametrize("package", list(CATALOGUES))
def test_the_steps_are_titled_as_the_ris3_guide_titles_them(package: str) -> None:
    step, _, _ = CATALOGUES[package]
    assert {key: _text(package, "en", step + key) for key in OFFICIAL_STEPS} == OFFICIAL_STEPS


@pytest.mark.parametrize("package", list(CATALOGUES))
def test_the_scale_is_worded_as_the_wheel_words_it(package: str) -> None:
    _, _, scale = CATALOGUES[package]
    expected = ", ".join(f"{score} {meaning}" for score, meaning in enumerate(OFFICIAL_SCALE))
    assert expected in _text(package, "en", scale)


def test_the_web_form_offers_the_scale_in_its_words() -> None:
    for score, meaning in enumerate(OFFICIAL_SCALE):
        label = _text("kraftsamla_web", "en", f"self_assessment_score_{score}")
        assert label == f"{score} – {meaning}"


def test_the_sources_are_named_beside_the_wheel() -> None:
    sources = " ".join(events.WHEEL_SOURCES)
    assert "https://s3platform.jrc.ec.europa.eu/assessment-wheel" in sources
    for n in range(1, 7):
        assert (
            f"https://s3platform.jrc.ec.europa.eu/interactive-ris3-guide/-/wiki/Main/PART+III+Step+{n}"
            in sources
        )
