"""Every id a request body can hold is checked against the region by its service (or the service says
why it need not be), and the check names each one by a JSON pointer to where it is."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Iterator
from typing import Any

import pytest

from kraftsamla_common import lifecycle
from kraftsamla_common.events import ActionPlanContent, LocalPlanContent
from kraftsamla_common.references import Kind, Reference, references, unknown, uuid_fields

SERVICES = ("plans", "actors", "assessment", "reporting")


def _flat(routes: Any) -> Iterator[Any]:
    for route in routes:
        included = getattr(route, "effective_route_contexts", None)
        yield from _flat(included()) if callable(included) else [route]


def id_fields(service: str) -> dict[str, str]:
    """Each field name that holds an id in a body of the service, with a route that takes it."""
    importlib.import_module(f"kraftsamla_{service}.app")  # the routes every service has besides its own
    api = importlib.import_module(f"kraftsamla_{service}.api")
    out: dict[str, str] = {}
    for route in _flat(api.router.routes):
        body = getattr(route, "body_field", None)
        if body is None:
            continue
        annotation = body.field_info.annotation
        for model in getattr(annotation, "__args__", None) or (annotation,):
            if isinstance(model, type) and hasattr(model, "model_fields"):
                out.update({name: route.path for name in uuid_fields(model)})
    return out


def accounted_for(service: str) -> set[str]:
    if service == "reporting":
        return set(lifecycle.NOT_REFERENCES)
    checks = importlib.import_module(f"kraftsamla_{service}.usecases.references")
    named: set[str] = set(checks.FIELDS) | lifecycle.NOT_REFERENCES
    for exempt in ("CHECKED_WITH_THE_DOCUMENT", "CHECKED_BY_THE_USE_CASE", "NOT_READ"):
        named |= set(getattr(checks, exempt, ()))
    return named


@pytest.mark.parametrize("service", SERVICES)
def test_every_id_in_a_body_is_checked_against_the_region(service: str) -> None:
    fields = id_fields(service)
    missing = {name: path for name, path in fields.items() if name not in accounted_for(service)}
    assert not missing, f"ids no check covers: {missing}"


def test_the_plans_check_every_reference_to_the_actors_service() -> None:
    assert id_fields("plans").keys() - lifecycle.NOT_REFERENCES == {
        "process_leader_id",
        "steering_group_id",
        "partnership_id",
        "other_group_ids",
        "holder_id",
        "owner_actor_id",
        "responsible_actor_id",
        "party_actor_id",
        "strength_area_id",
    }


ACTOR, GROUP = Kind("an actor", announced_by="actors"), Kind("a group", announced_by="actors")
FIELDS = {
    "owner_actor_id": ACTOR,
    "party_actor_id": ACTOR,
    "responsible_actor_id": ACTOR,
    "steering_group_id": GROUP,
    "other_group_ids": GROUP,
    "holder_id": ACTOR,
}
A, B, C, D = (f"01a2b3c4-0000-7000-8000-00000000000{i}" for i in range(1, 5))


def test_references_are_found_at_any_depth_with_their_pointers() -> None:
    local = LocalPlanContent.model_validate(
        {
            "title": "Destination",
            "owner_actor_id": A,
            "municipalities": ["2510"],
            "actions": [{"id": "a", "title": "A"}, {"id": "b", "title": "B", "responsible_actor_id": B}],
            "financing": [{"party": "Region", "year": 2026, "party_actor_id": C}],
        }
    )
    assert references(local, FIELDS) == [
        Reference("/owner_actor_id", A, ACTOR),
        Reference("/actions/1/responsible_actor_id", B, ACTOR),
        Reference("/financing/0/party_actor_id", C, ACTOR),
    ]
    plan = ActionPlanContent.model_validate(
        {
            "governance": {
                "steering_group_id": A,
                "other_group_ids": [B, C],
                "roles": [{"role": "ordförande", "holder_id": D}],
            }
        }
    )
    assert [r.pointer for r in references(plan, FIELDS)] == [
        "/governance/steering_group_id",
        "/governance/other_group_ids/0",
        "/governance/other_group_ids/1",
        "/governance/roles/0/holder_id",
    ]


def test_ids_the_region_lacks_are_errors_one_lookup_per_kind() -> None:
    asked: list[tuple[str, set[str]]] = []

    async def lookup(kind: Kind, ids: set[str]) -> set[str]:
        asked.append((kind.noun, ids))
        return {A}

    refs = [
        Reference("/owner_actor_id", A, ACTOR),
        Reference("/financing/0/party_actor_id", B, ACTOR),
        Reference("/governance/steering_group_id", C, GROUP),
    ]
    errors = asyncio.run(unknown(refs, lookup))
    assert [e["pointer"] for e in errors] == ["/financing/0/party_actor_id", "/governance/steering_group_id"]
    assert {e["type"] for e in errors} == {"unknown_reference"}
    assert errors[1]["message"].startswith(f"{C} is not a group of this region")
    assert sorted(asked, key=lambda a: a[0]) == [("a group", {C}), ("an actor", {A, B})]
