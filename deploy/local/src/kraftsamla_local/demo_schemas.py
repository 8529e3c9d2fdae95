"""The demo content checked against the API's own request schemas, without a platform.

Every body the demo loader sends (``demo``) is built here as it would be sent, with made-up ids for
the strength areas and actors the platform would give, and validated by the schema of the route
that takes it; actors are also checked against the official registers as the actors service checks
them (check digits, municipality codes, NACE codes). The services' schema classes used are imported
here and nowhere else in this package: when one is renamed, this import block is the one to adapt.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from pydantic import BaseModel, ValidationError

# The request bodies of the routes the demo loader calls, by service.
from kraftsamla_actors.domain.codes import registration_errors
from kraftsamla_actors.schemas import (
    ActorCreate,  # POST /actors/regions/{region}/actors
    CycleCreate,  # POST /actors/regions/{region}/cycles
    EngagementCreate,  # POST /actors/regions/{region}/engagements
    GroupCreate,  # POST /actors/regions/{region}/groups
    MemberCreate,  # POST /actors/regions/{region}/groups/{id}/members
    PersonCreate,  # POST /actors/regions/{region}/actors/{id}/people
    SettingsUpdate,  # PUT /actors/regions/{region}/settings
)
from kraftsamla_assessment.schemas import ApplicationCreate  # POST /assessment/regions/{region}/applications
from kraftsamla_common.events import (
    ActionPlanContent,  # PUT /plans/regions/{region}/action-plans/{id}/draft
    Adoption,  # POST /plans/regions/{region}/programmes/{id}/adopt
    LocalPlanContent,  # POST /plans/regions/{region}/local-plans
)
from kraftsamla_plans.schemas import (
    MeasurementCreate,  # POST /plans/regions/{region}/action-plans/{id}/measurements
    ProgrammeCreate,  # POST /plans/regions/{region}/programmes
)

from . import demo, demo_portfolio
from .demo_content import INTEGRATOR_SOURCES, MEASUREMENTS, PARTNERSHIPS, REGIONS, DemoContentError

Json = dict[str, Any]


def _ids(rid: str, keys: list[str]) -> dict[str, str]:
    """Made-up platform ids, the same every time."""
    return {key: str(uuid5(NAMESPACE_URL, f"{rid}/{key}")) for key in keys}


def bodies(region: Json, today: date) -> list[tuple[str, type[BaseModel], Any]]:
    """Every body the demo loader sends for one region: where it comes from, its schema, the body."""
    rid = region["region"]
    areas = _ids(rid, [sa["code"] for sa in region["programme"]["strength_areas"]])
    actors = _ids(rid, [a["identifier"] for a in region["actors"]])
    source = INTEGRATOR_SOURCES[rid]
    out: list[tuple[str, type[BaseModel], Any]] = [("programme", ProgrammeCreate, region["programme"])]
    if "adoption" in region:
        out.append(("adoption", Adoption, region["adoption"]))
    out += [(f"plans.{code}", ActionPlanContent, demo.draft(c, today)) for code, c in region["plans"].items()]
    for n, local in enumerate(region.get("local_plans", [])):
        out.append((f"local_plans[{n}]", LocalPlanContent, demo.resolve(local, areas, actors)))
    out += [(f"actors[{n}]", ActorCreate, a) for n, a in enumerate(region["actors"])]
    out += [
        (f"applications[{n}]", ApplicationCreate, {"source": source, **a})
        for n, a in enumerate(region["applications"])
    ]
    for a in demo_portfolio.portfolio(region):
        out.append((f"portfolio {a['external_id']}", ApplicationCreate, {"source": source, **a}))
    partnerships = PARTNERSHIPS.get(rid)
    if partnerships is not None:
        out.append(("partnerships.settings", SettingsUpdate, partnerships["settings"]))
        for n, g in enumerate(partnerships["groups"]):
            out.append((f"partnerships.groups[{n}]", GroupCreate, demo.group_body(g, areas)))
            out += [
                (f"partnerships.groups[{n}]", MemberCreate, demo.member_body(m, actors)) for m in g["members"]
            ]
        people = partnerships.get("people", [])
        out += [
            (f"partnerships.people[{n}]", PersonCreate, demo.person_body(p)) for n, p in enumerate(people)
        ]
        person_ids = _ids(rid, [f"person/{p['name']}" for p in people])
        person_ids = {p["name"]: person_ids[f"person/{p['name']}"] for p in people}
        for n, m in enumerate(partnerships["meetings"]):
            where = f"partnerships.meetings[{n}]"
            out.append((where, CycleCreate, demo.cycle_body(m, areas, today)))
            cycle_id = str(uuid5(NAMESPACE_URL, where))
            out += [
                (where, EngagementCreate, e)
                for e in demo.engagement_bodies(m, areas, actors, person_ids, cycle_id, today)
            ]
    for n, m in enumerate(MEASUREMENTS.get(rid, [])):
        out.append((f"measurements[{n}]", MeasurementCreate, demo.measurement_body(m)))
    return out


def problems(region: Json, today: date | None = None) -> list[str]:
    """What the API would refuse of one demo region's bodies, each as ``region: where: what``."""
    rid = region["region"]
    found: list[str] = []
    for where, schema, body in bodies(region, today or date.today()):
        try:
            schema.model_validate(body)
        except ValidationError as exc:
            found += [f"{rid}: {where}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
    for n, actor in enumerate(region["actors"]):
        identifier, _, errors = registration_errors(
            actor["country"], actor["identifier"], actor.get("municipality"), actor.get("nace")
        )
        if errors == [] and identifier != actor["identifier"]:
            errors.append({"pointer": "/identifier", "message": f"write it as {identifier}"})
        found += [f"{rid}: actors[{n}]{e['pointer']}: {e['message']}" for e in errors]
    return found


def check(today: date | None = None) -> None:
    """Raise DemoContentError naming everything the API would refuse of the demo content."""
    found = [p for region in REGIONS for p in problems(region, today)]
    if found:
        raise DemoContentError("the demo content does not match the API:\n" + "\n".join(found))
