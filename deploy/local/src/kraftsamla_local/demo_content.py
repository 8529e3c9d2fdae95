"""Demo content: four regions' S3 work, drawn from public documents and marked as demo data.

The content is data, one YAML file per region in ``data/demo/`` and what they share in
``data/demo/shared.yaml``; this module reads it, expands the files' few short forms into the
shapes the API takes, and checks that every strength area, sub-goal and organisation a file names
is one it defines. The API's own schemas check the rest (``demo_schemas``).

Sources: Region Jämtland Härjedalen's S3 programme 2021–2027 (RUN/430/2018) and its follow-up
report 2024 (RUN/12/2024); Destination Jokkmokk's plan for smart specialisation in the
destination; Destination Åsnen's long-term operating organisation; the Regional Council of
Lapland's strategy renewal (FOKUS). Where those documents are silent (sub-goal figures,
vocabularies, most application texts, the Norrbotten, Kronoberg and Lapland strength areas),
the content is written for the demo. Organisation identifiers are fictitious numbers with valid
check digits; the people who take part in the meetings are pseudonymous demo people with invented
names and no contact details.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

import yaml

Json = dict[str, Any]

DATA = resources.files(__package__).joinpath("data/demo")
SHARED = "shared"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DemoContentError(ValueError):
    """A demo data file that does not hold together."""


def read(name: str) -> Json:
    """One data file as JSON values: dates become ISO strings, and YAML aliases become copies."""
    data = yaml.load(DATA.joinpath(f"{name}.yaml").read_text("utf-8"), Loader=_Loader)
    out: Json = json.loads(json.dumps(data, default=_iso))
    return out


def _iso(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{value!r} is not a JSON value")


def _effect_links(plan: Json) -> None:
    """An effect-chain link written as plain text is one without indicators."""
    for links in plan.get("evaluation", {}).get("effect_chain", {}).values():
        links[:] = [{"description": x, "indicators": []} if isinstance(x, str) else x for x in links]


def _members(group: Json) -> Json:
    """A group's members, written ``identifier: role``, all joined on the group's ``joined_on``."""
    joined = group.pop("joined_on")
    group["members"] = [
        {"identifier": i, "role": r, "joined_on": joined} for i, r in group["members"].items()
    ]
    return group


def _measured(entry: Json, note: str) -> list[Json]:
    """A sub-goal's values by year, each measured on 31 March of the following year."""
    return [
        {
            "strength_area": entry["strength_area"],
            "sub_goal_id": entry["sub_goal_id"],
            "year": int(year),
            "value": value,
            "measured_on": f"{int(year) + 1}-03-31",
            "source": entry["source"],
            "note": note,
        }
        for year, value in entry["values"].items()
    ]


def _check_references(region: Json, partnerships: Json, measurements: list[Json]) -> None:
    rid = region["region"]
    areas = {sa["code"] for sa in region["programme"]["strength_areas"]}
    actors = {a["identifier"] for a in region["actors"]}
    sub_goals = {(code, g["id"]) for code, plan in region["plans"].items() for g in plan.get("sub_goals", [])}

    def named(value: Any) -> list[tuple[str, str]]:
        if isinstance(value, list):
            return [ref for v in value for ref in named(v)]
        if not isinstance(value, dict):
            return []
        return [(k, v) for k, v in value.items() if isinstance(v, str)] + named(list(value.values()))

    refs = named([region["local_plans"], partnerships["groups"], region["applications"]])
    refs += [("strength_area", code) for code in region["plans"]]
    refs += [("strength_area", m["cycle"]["strength_area"]) for m in partnerships["meetings"]]
    refs += [("identifier", i) for m in partnerships["meetings"] for i in m.get("actors", [])]
    refs += [("identifier", p["organisation"]) for p in partnerships.get("people", [])]
    people = [p["name"] for p in partnerships.get("people", [])]
    refs += [("person", name) for name in people if people.count(name) > 1]
    refs += [("person", n) for m in partnerships["meetings"] for n in m.get("people", []) if n not in people]
    unknown = [
        f"{key} {value!r}"
        for key, value in refs
        if (key == "strength_area" and value not in areas)
        or ((key == "identifier" or key.endswith("_identifier")) and value not in actors)
        or key == "person"
    ]
    unknown += [
        f"sub-goal {m['strength_area']}/{m['sub_goal_id']}"
        for m in measurements
        if (m["strength_area"], m["sub_goal_id"]) not in sub_goals
    ]
    if unknown:
        raise DemoContentError(f"data/demo/{rid}.yaml names what it does not define: {', '.join(unknown)}")


@dataclass(frozen=True)
class DemoContent:
    shared: Json
    regions: list[Json]
    integrator_sources: dict[str, str]
    partnerships: dict[str, Json]
    measurements: dict[str, list[Json]]
    portfolios: dict[str, Json]


def load() -> DemoContent:
    """Every data file, read, expanded and checked; the regions in the order shared.yaml lists them."""
    shared = read(SHARED)
    files = {p.name.removesuffix(".yaml") for p in DATA.iterdir() if p.name.endswith(".yaml")} - {SHARED}
    if files != set(shared["regions"]):
        raise DemoContentError(f"data/demo/ holds {sorted(files)}, shared.yaml lists {shared['regions']}")
    content = DemoContent(shared, [], {}, {}, {}, {})
    for rid in shared["regions"]:
        region = read(rid)
        if region["region"] != rid:
            raise DemoContentError(f"data/demo/{rid}.yaml is about region {region['region']!r}")
        content.integrator_sources[rid] = region.pop("integrator_source")
        for plan in region["plans"].values():
            _effect_links(plan)
        partnerships = region.pop("partnerships")
        partnerships["groups"] = [_members(g) for g in partnerships["groups"]]
        measurements = [m for e in region.pop("measurements") for m in _measured(e, shared["demo_note"])]
        content.portfolios[rid] = region.pop("portfolio")
        _check_references({"local_plans": [], **region}, partnerships, measurements)
        content.partnerships[rid] = partnerships
        content.measurements[rid] = measurements
        content.regions.append(region)
    return content


_content = load()

REGIONS: list[Json] = _content.regions
"""The regions, each with its programme, adoption, action plans by strength-area code, local plans,
actors and applications (strength areas named by code, actors by organisation identifier)."""
INTEGRATOR_SOURCES: dict[str, str] = _content.integrator_sources
"""The funding system each demo region's applications come from (its ``source``)."""
PARTNERSHIPS: dict[str, Json] = _content.partnerships
"""Per region: its settings, groups, people (invented, each of an actor by organisation identifier)
and annual-cycle meetings (the people who took part by name, a head count of others)."""
MEASUREMENTS: dict[str, list[Json]] = _content.measurements
"""Per region: values of sub-goal indicators, the strength area named by code."""
PORTFOLIOS: dict[str, Json] = _content.portfolios
"""Per region: the hub municipality and the funding programmes of its generated portfolio."""
DEMO_NOTE: str = _content.shared["demo_note"]
"""The note on every record the demo makes."""
PORTFOLIO_TEXTS: Json = _content.shared["portfolio"]
"""What the generated portfolios draw on: texts by language, land-use words, Agenda 2030 goals."""
