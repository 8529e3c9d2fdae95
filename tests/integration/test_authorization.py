"""The authorization matrix, generated from the route table of every service.

For every route × method × role × (own region, another region) the expected outcome follows from
the role rule the route declares (``region_scope(*roles)``, kept on the dependency): another
region's caller gets 404 as if the region held nothing; a role the rule does not name gets 403;
a role it names gets through to the handler (whatever the handler then answers: 2xx, 404 for an
object that does not exist, 409, 422). A region that does not exist answers 404 to every caller,
the operator too, before the role is looked at. A route without a rule — or outside
``/regions/{region}`` and neither one of the few public ones nor the platform's list of regions
(``platform_scope``, the operator's: its list of regions, a region created or restored) — fails
the test, so a new route cannot be added without one.

The request schemas are checked too: no write accepts a field the caller may not set (``region``,
ids, timestamps, an assessment's result): every body model forbids unknown fields and names none
of them.
"""

from __future__ import annotations

import inspect
import re
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute

from helpers import OPERATOR, headers, running, service_settings
from kraftsamla_actors.app import spec as actors_spec
from kraftsamla_assessment.app import spec as assessment_spec
from kraftsamla_common.auth import Role
from kraftsamla_common.service import ServiceSpec
from kraftsamla_plans.app import spec as plans_spec
from kraftsamla_reporting.app import spec as reporting_spec

SPECS = {
    "plans": plans_spec,
    "actors": actors_spec,
    "assessment": assessment_spec,
    "reporting": reporting_spec,
}
PUBLIC = {"/healthz", "/readyz", "/metrics"}
"""Routes outside any region: liveness, readiness and the Prometheus scrape (no data)."""
SERVICE_SET = {"region", "id", "created_at", "updated_at", "created_by", "status"}
"""Fields of a written object that the service sets, never the caller (ids inside a document, such
as a priority's, are the author's own)."""
ASSESSMENT_RESULT = {"assessment", "score", "level", "recommendation", "fits", "rationale"}
"""What the assessment concludes: nothing an integrator's intake may carry."""


def api_routes(routes: list[Any]) -> list[APIRoute]:
    """Every operation of a router, those of the routers it includes too (FastAPI keeps an
    included router as one entry, holding the original router)."""
    out: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            out.append(route)
        elif (included := getattr(route, "original_router", None)) is not None:
            out += api_routes(included.routes)
    return out


def role_rule(route: APIRoute) -> frozenset[Role] | None:
    """The roles a route admits, read from its region-scope dependency."""
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        roles = getattr(dep.call, "roles", None)
        if roles is not None:
            return frozenset(roles)
        stack.extend(dep.dependencies)
    return None


def fill(route: APIRoute, region: str) -> str:
    """The route's path with a valid value in every parameter: the region, a fresh UUID for an id,
    1 for a number or a code."""

    def value(m: re.Match[str]) -> str:
        name = m.group(1)
        return region if name == "region" else str(uuid.uuid4()) if name.endswith("id") else "1"

    return re.sub(r"\{(\w+)\}", value, route.path)


def is_region_404(r: httpx.Response, region: str) -> bool:
    return r.status_code == 404 and f"Region {region} was not found" in r.text


PLATFORM_RULE = frozenset({Role.OPERATOR})
"""The routes outside any region (``/<service>/regions``: the platform's regions) are the operator's."""


@pytest.fixture
async def service(
    request: pytest.FixtureRequest,
    nats_url: str,
    database_factory: Callable[[str], str],
    api_keys_file: Path,
) -> AsyncIterator[tuple[ServiceSpec, httpx.AsyncClient]]:
    name = request.param
    settings = service_settings(
        name, database_url=database_factory(name), nats_url=nats_url, api_keys_file=api_keys_file
    )
    async with running(SPECS[name], settings) as client:
        yield SPECS[name], client


@pytest.mark.parametrize("db_backend", ["sqlite"])
@pytest.mark.parametrize("service", list(SPECS), indirect=True)
async def test_every_route_answers_every_role_as_its_rule_says(
    service: tuple[ServiceSpec, httpx.AsyncClient], region: str, other_region: str
) -> None:
    spec, client = service
    app = client.app  # type: ignore[attr-defined]
    # The platform's own routes (health, readiness, metrics) and the service's router.
    outside = [r.path for r in app.routes if isinstance(r, APIRoute)]
    assert all(p in PUBLIC or p.endswith(("/healthz", "/readyz")) for p in outside), outside
    routes = api_routes(spec.router.routes)
    assert len(routes) > 2
    unruled = [f"{sorted(r.methods)} {r.path}" for r in routes if role_rule(r) is None]
    assert not unruled, f"routes without a role rule: {unruled}"

    checked = 0
    wrong: list[str] = []
    unknown = f"u{uuid.uuid4().hex[:10]}"
    for route in routes:
        rule = role_rule(route)
        if rule is None:
            continue
        if "/regions/{region}" not in route.path:
            # The platform's routes: its list of regions, a region created or restored (operator).
            assert route.path.startswith(f"/{spec.name}/regions") and rule == PLATFORM_RULE, route.path
            for method in sorted(route.methods - {"HEAD"}):
                for role in Role:
                    auth = OPERATOR if role is Role.OPERATOR else headers(region, role.value)
                    body = {} if method == "POST" else None
                    r = await client.request(method, route.path, headers=auth, json=body)
                    checked += 1
                    want = (200 if method == "GET" else 422) if role is Role.OPERATOR else 403
                    if r.status_code != want:
                        wrong.append(
                            f"{method} {route.path} as {role.value}: {r.status_code}: {r.text[:160]}"
                        )
            continue
        for method in sorted(route.methods - {"HEAD"}):
            body = {} if method in {"POST", "PUT", "PATCH"} else None
            # A region that does not exist: 404, to the operator as to everyone.
            for role in Role:
                auth = OPERATOR if role is Role.OPERATOR else headers(region, role.value)
                r = await client.request(method, fill(route, unknown), headers=auth, json=body)
                checked += 1
                if not is_region_404(r, unknown):
                    wrong.append(
                        f"{method} {route.path} as {role.value} of an unknown region: {r.status_code}, "
                        f"expected 404 (region): {r.text[:160]}"
                    )
            for role in Role:
                for where in (region, other_region):
                    auth = OPERATOR if role is Role.OPERATOR else headers(region, role.value)
                    r = await client.request(method, fill(route, where), headers=auth, json=body)
                    sees = role is Role.OPERATOR or where == region
                    if not sees:
                        ok = is_region_404(r, where)
                        want = "404 (region)"
                    elif role not in rule:
                        ok = r.status_code == 403
                        want = "403"
                    else:
                        ok = (
                            r.status_code not in (401, 403)
                            and not is_region_404(r, where)
                            and r.status_code < 500
                        )
                        want = "through to the handler"
                    checked += 1
                    if not ok:
                        wrong.append(
                            f"{method} {route.path} as {role.value} of {'own' if where == region else 'other'} "
                            f"region: {r.status_code}, expected {want}: {r.text[:160]}"
                        )
    assert not wrong, "\n".join(wrong[:40])
    print(f"{spec.name}: {checked} route × role × region cases")


def body_models(route: APIRoute) -> list[Any]:
    field = route.body_field
    if field is None:
        return []
    annotation = field.field_info.annotation
    args = getattr(annotation, "__args__", None) or (annotation,)
    return [a for a in args if inspect.isclass(a) and hasattr(a, "model_json_schema")]


ARCHIVE_ROUTES = ("/assessment/regions/restore", "/lifecycle/import", "/lifecycle/events")
"""The operator's import of a region's archive: it carries the region's rows, records and events
whole, as another platform kept them (ids, timestamps, regions and all)."""
CHOSEN = {"/assessment/regions": {"id"}}
"""Fields a write sets by its purpose: the operator chooses a new region's id."""


@pytest.mark.parametrize("name", list(SPECS))
def test_no_write_accepts_a_field_the_caller_may_not_set(name: str) -> None:
    spec = SPECS[name]
    problems: list[str] = []
    for route in api_routes(spec.router.routes):
        if route.path.endswith(ARCHIVE_ROUTES):
            continue
        intake = Role.INTEGRATOR in (role_rule(route) or ())
        for model in body_models(route):
            schema = model.model_json_schema()
            for title, part in [(model.__name__, schema), *schema.get("$defs", {}).items()]:
                if part.get("type") != "object" or "properties" not in part:
                    continue
                if part.get("additionalProperties") is not False:
                    problems.append(f"{route.path}: {title} accepts unknown fields")
                top = title == model.__name__
                forbidden = (SERVICE_SET if top else set()) | (ASSESSMENT_RESULT if intake else set())
                forbidden -= {route.path.rsplit("/", 1)[-1]}  # …/status sets the status: its purpose
                forbidden -= CHOSEN.get(route.path, set())
                if bad := forbidden & set(part["properties"]):
                    problems.append(f"{route.path}: {title} lets the caller set {sorted(bad)}")
    assert not problems, "\n".join(sorted(set(problems)))
