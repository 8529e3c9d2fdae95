"""The demo people of ``./kraftsamla up`` (``kraftsamla_local.people``): an assessor works for their
regional authority where the demo's actors include it, and the organisation number their token
carries is then true to the demo data: an actor of the region that is the applicant or a partner
of some of the region's demo applications (the services refuse them the review of those) and not
of all (they have others to review). Pure: the demo data, no servers."""

from __future__ import annotations

from typing import Any

import pytest

from kraftsamla_local import demo_portfolio
from kraftsamla_local.demo_content import REGIONS
from kraftsamla_local.people import DEMO_PEOPLE, Person, organisation_name, people_table

BY_REGION = {str(r["region"]): r for r in REGIONS}


def loaded_applications(region: dict[str, Any]) -> list[dict[str, Any]]:
    """The region's demo applications as the launcher loads them: the written ones and the portfolio."""
    return [*region["applications"], *demo_portfolio.portfolio(region)]


def named(application: dict[str, Any]) -> set[str]:
    return {
        application.get("applicant_identifier") or "",
        *(p["identifier"] for p in application.get("partners", [])),
    }


def test_the_assessors_of_the_regions_whose_authority_is_a_demo_actor_name_it() -> None:
    organisations = {p.sub: p.organisation for p in DEMO_PEOPLE if p.organisation is not None}
    assert organisations == {
        "jamtland-harjedalen-assessor": "232100-0008",  # Region Jämtland Härjedalen
        "lappi-assessor": "9900001-8",  # Lapin liitto
    }
    # Norrbotten's and Kronoberg's demo actors do not include their regional authority.
    for rid in ("norrbotten", "kronoberg"):
        assert not [a for a in BY_REGION[rid]["actors"] if a["name"].startswith("Region ")]


@pytest.mark.parametrize("person", [p for p in DEMO_PEOPLE if p.organisation], ids=lambda p: p.sub)
def test_an_assessors_organisation_is_true_to_the_demo_data(person: Person) -> None:
    region = BY_REGION[person.region]
    (actor,) = [a for a in region["actors"] if a["identifier"] == person.organisation]
    assert actor["helix"] == "public" and organisation_name(actor["identifier"]) == actor["name"]
    assert actor["name"] in (region["name"], region["name"].split(" – ")[0])
    applications = loaded_applications(region)
    own = [a for a in applications if person.organisation in named(a)]
    others = [a for a in applications if a not in own]
    assert own, "an application the services refuse them"
    assert others, "applications they may review"


def test_claims_carry_the_organisation_only_where_there_is_one() -> None:
    for person in DEMO_PEOPLE:
        claims = person.claims()
        assert {"sub", "region", "role", "name", "email", "locale"} <= set(claims)
        if person.organisation is None:
            assert "organisation" not in claims
        else:
            assert claims["organisation"] == person.organisation
            assert person.role == "assessor"


def test_the_banner_lists_each_persons_organisation_by_number_and_name() -> None:
    lines = people_table()
    assert lines[0].split() == ["sign", "in", "as", "region", "role", "name", "organisation"]
    by_sub = {line.split()[0]: line for line in lines[1:]}
    assert len(by_sub) == len(DEMO_PEOPLE)
    assert by_sub["jamtland-harjedalen-assessor"].endswith("232100-0008 (Region Jämtland Härjedalen)")
    assert by_sub["lappi-assessor"].endswith("9900001-8 (Lapin liitto)")
    assert by_sub["jamtland-harjedalen-viewer"].endswith("Vilma Viewer (Jämtland Härjedalen)")
    # One column each: the organisation starts where its heading does.
    column = lines[0].index("organisation")
    assert by_sub["lappi-assessor"].index("9900001-8") == column
