"""The demo content's data files: each loads, holds together and is what the API takes.

Pure: no servers. The figures below are those of the demo as it was written in Python before it
became data files; a change to them is a change to the demo, to be made on purpose.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from kraftsamla_local import demo, demo_content, demo_portfolio, demo_schemas
from kraftsamla_local.demo_content import (
    DEMO_NOTE,
    INTEGRATOR_SOURCES,
    MEASUREMENTS,
    PARTNERSHIPS,
    PORTFOLIOS,
    REGIONS,
    DemoContentError,
)

# region: strength-area codes, action plans (priorities), local plans (actions), actors,
# applications, groups (members), meetings (engagements), indicator values
EXPECTED = {
    "jamtland-harjedalen": (
        ["jord-skog-vatten", "hallbar-energi", "upplevelser", "digitala-losningar"],
        (4, 15),
        (0, 0),
        10,
        8,
        (8, 31),
        (3, 15),
        8,
    ),
    "norrbotten": (["upplevelser", "gron-industri"], (2, 4), (1, 6), 5, 1, (3, 11), (3, 10), 4),
    "kronoberg": (["skog-och-tra", "besoksnaring"], (2, 4), (1, 4), 7, 2, (4, 14), (3, 12), 4),
    "lappi": (
        ["arktiset-luonnonvarat", "arktinen-matkailu", "arktinen-testaus"],
        (3, 6),
        (0, 0),
        5,
        3,
        (4, 13),
        (3, 8),
        6,
    ),
}


def test_every_file_is_utf8_yaml() -> None:
    names = sorted(p.name for p in demo_content.DATA.iterdir())
    assert names == [
        "jamtland-harjedalen.yaml",
        "kronoberg.yaml",
        "lappi.yaml",
        "norrbotten.yaml",
        "shared.yaml",
    ]
    for name in names:
        assert isinstance(yaml.safe_load(demo_content.DATA.joinpath(name).read_text("utf-8")), dict)


def test_the_regions_are_those_of_the_demo() -> None:
    assert [r["region"] for r in REGIONS] == list(EXPECTED)
    assert INTEGRATOR_SOURCES == {
        "jamtland-harjedalen": "nyps2020",
        "norrbotten": "nyps2020",
        "kronoberg": "nyps2020",
        "lappi": "eura2021",
    }
    assert set(PARTNERSHIPS) == set(MEASUREMENTS) == set(PORTFOLIOS) == set(EXPECTED)
    assert DEMO_NOTE == "Demodata – illustrativt innehåll."
    assert [r["region"] for r in REGIONS if "adoption" in r] == ["jamtland-harjedalen"]


@pytest.mark.parametrize("region", REGIONS, ids=lambda r: r["region"])
def test_each_region_has_its_content(region: dict[str, Any]) -> None:
    codes, plans, local, actors, applications, groups, meetings, measured = EXPECTED[region["region"]]
    part = PARTNERSHIPS[region["region"]]
    assert [sa["code"] for sa in region["programme"]["strength_areas"]] == codes
    assert list(region["plans"]) == codes
    assert (len(region["plans"]), sum(len(p["priorities"]) for p in region["plans"].values())) == plans
    local_plans = region.get("local_plans", [])
    assert (len(local_plans), sum(len(lp["actions"]) for lp in local_plans)) == local
    assert len(region["actors"]) == actors
    assert len(region["applications"]) == applications
    assert (len(part["groups"]), sum(len(g["members"]) for g in part["groups"])) == groups
    assert (len(part["meetings"]), sum(len(m["held_months_ago"]) for m in part["meetings"])) == meetings
    assert len(MEASUREMENTS[region["region"]]) == measured


@pytest.mark.parametrize("region", REGIONS, ids=lambda r: r["region"])
def test_meetings_list_the_people_who_took_part(region: dict[str, Any]) -> None:
    """Engagements name their participants as the actors service records them: people (invented,
    with a name and a role and no contact details) of the region's actors, so that unique
    participants are counted; every person listed takes part in some meeting."""
    part = PARTNERSHIPS[region["region"]]
    people = {p["name"]: p for p in part["people"]}
    assert len(people) == len(part["people"]) >= 5
    assert all(set(p) == {"name", "organisation", "role"} for p in part["people"])
    assert {p["organisation"] for p in part["people"]} <= {a["identifier"] for a in region["actors"]}
    attending = [name for m in part["meetings"] for name in m["people"]]
    assert set(attending) == set(people)
    assert len(attending) > len(people)  # some take part in more than one meeting
    body = demo.engagement_bodies(
        part["meetings"][0],
        {m["cycle"]["strength_area"]: "a" for m in part["meetings"]},
        {},
        people,
        "c",
        date(2026, 1, 15),
    )[0]
    assert body["participants"] == [{"person_id": people[name]} for name in part["meetings"][0]["people"]]


def test_short_forms_are_expanded() -> None:
    jh = REGIONS[0]
    chain = jh["plans"]["hallbar-energi"]["evaluation"]["effect_chain"]
    assert chain["input"][0] == {"description": "projektmedel", "indicators": []}
    assert chain["output"][0]["indicators"][0]["code"] == "RCO16"
    # The plans share one governance (a YAML alias), but as copies.
    governance = [p["governance"] for p in jh["plans"].values()]
    assert all(g == governance[0] for g in governance)
    assert governance[0] is not governance[1]
    assert jh["adoption"]["adopted_on"] == "2020-11-25"  # dates stay ISO strings
    member = PARTNERSHIPS["jamtland-harjedalen"]["groups"][0]["members"][0]
    assert member == {"identifier": "232100-0008", "role": "chair", "joined_on": "2021-01-01"}
    assert MEASUREMENTS["lappi"][0] == {
        "strength_area": "arktiset-luonnonvarat",
        "sub_goal_id": "jalostus",
        "year": 2023,
        "value": 1260,
        "measured_on": "2024-03-31",
        "source": "Tilastokeskus",
        "note": DEMO_NOTE,
    }


@pytest.mark.parametrize("region", REGIONS, ids=lambda r: r["region"])
def test_every_body_validates_by_the_api_schemas(region: dict[str, Any]) -> None:
    assert demo_schemas.problems(region, date(2026, 1, 15)) == []


@pytest.mark.parametrize(
    ("region", "first", "requested"),
    [
        ("jamtland-harjedalen", "DEMO-2025-0001", 518_100_000),
        ("norrbotten", "DEMO-2027-0001", 550_200_000),
        ("kronoberg", "DEMO-2027-0001", 567_500_000),
        ("lappi", "DEMO-2025-0001", 51_430_000),
    ],
)
def test_the_generated_portfolio_is_the_same_as_ever(region: str, first: str, requested: int) -> None:
    apps = demo_portfolio.portfolio(next(r for r in REGIONS if r["region"] == region))
    assert len(apps) == demo_portfolio.PER_REGION
    assert apps[0]["external_id"] == first
    assert sum(a["requested_amount"] for a in apps) == requested
    assert {a["funding_programme"] for a in apps} == {
        p["name"] for p in PORTFOLIOS[region]["funding_programmes"]
    }
    assert len(demo_portfolio.decisions(apps)) == 90


def test_a_wrong_value_is_named() -> None:
    region = copy.deepcopy(REGIONS[1])
    region["plans"]["upplevelser"]["priorities"][0]["level"] = "topp"
    region["actors"][0]["municipality"] = "2599"  # no such kommun
    found = demo_schemas.problems(region, date(2026, 1, 15))
    assert any("norrbotten: plans.upplevelser: priorities.0.level" in p for p in found)
    assert any("norrbotten: actors[0]/municipality: '2599' is not a municipality" in p for p in found)


def test_an_unknown_reference_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for f in demo_content.DATA.iterdir():
        (tmp_path / f.name).write_text(f.read_text("utf-8"), encoding="utf-8")
    kronoberg = tmp_path / "kronoberg.yaml"
    text = kronoberg.read_text("utf-8")
    kronoberg.write_text(
        text.replace("strength_area: besoksnaring", "strength_area: besoksnaringar", 1), "utf-8"
    )
    monkeypatch.setattr(demo_content, "DATA", tmp_path)
    with pytest.raises(
        DemoContentError, match=r"kronoberg\.yaml names what it does not define: strength_area"
    ):
        demo_content.load()
    kronoberg.write_text(
        text.replace("people: [Maria Skatelöv, Linnea Åsnevik]", "people: [Maria Skatelöv, Nomen Nescio]"),
        "utf-8",
    )
    with pytest.raises(
        DemoContentError, match=r"kronoberg\.yaml names what it does not define: person 'Nomen Nescio'"
    ):
        demo_content.load()
    kronoberg.write_text(text, "utf-8")
    assert demo_content.load().regions == REGIONS
    (tmp_path / "gotland.yaml").write_text("region: gotland\n")
    with pytest.raises(DemoContentError, match=r"shared\.yaml lists"):
        demo_content.load()
