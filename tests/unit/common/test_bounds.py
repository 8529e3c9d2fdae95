"""Every number and day the API takes is bounded by what it means: each field of every request body
and each query and path parameter of the four services, found by walking their routes; extreme values
are refused where a request gives them and read as they are where they were stored."""

from __future__ import annotations

import importlib
import math
import types
from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
import pytest
from pydantic import AfterValidator, BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from kraftsamla_common import annual_cycle, bounds
from kraftsamla_common.events import ActionPlanContent, LocalPlanContent, parse
from kraftsamla_common.i18n import Messages

SERVICES = ("plans", "actors", "assessment", "reporting")
NUMBERS = (int, float, date, datetime)
LOWER = (annotated_types.Ge, annotated_types.Gt)
UPPER = (annotated_types.Le, annotated_types.Lt)


def _flat(routes: Any) -> Iterator[Any]:
    for route in routes:
        included = getattr(route, "effective_route_contexts", None)
        if callable(included):
            yield from _flat(included())
        else:
            yield route


def routes(service: str) -> list[Any]:
    api = importlib.import_module(f"kraftsamla_{service}.api")
    return [r for r in _flat(api.router.routes) if hasattr(r, "dependant")]


def _meta(items: Any) -> tuple[Any, ...]:
    out: list[Any] = []
    for m in items:
        out += [*m.metadata, m] if isinstance(m, FieldInfo) else [m]
    return tuple(out)


def _bounded(meta: tuple[Any, ...]) -> bool:
    within = any(
        isinstance(m, AfterValidator) and getattr(m.func, "__qualname__", "").startswith("_checker")
        for m in meta
    )
    return within or (any(isinstance(m, LOWER) for m in meta) and any(isinstance(m, UPPER) for m in meta))


def unbounded(annotation: Any, meta: tuple[Any, ...], where: str, seen: set[type]) -> Iterator[str]:
    """Where a number or a day is taken without both bounds."""
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *more = get_args(annotation)
        yield from unbounded(base, meta + _meta(more), where, seen)
    elif origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            yield from unbounded(arg, meta, where, seen)
    elif origin is Literal or annotation in (bool, type(None)):
        return
    elif origin is not None:  # list, dict, tuple: their own constraints are about their length
        for arg in get_args(annotation):
            yield from unbounded(arg, (), f"{where}[]", seen)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for name, info in annotation.model_fields.items():
            yield from unbounded(info.annotation, _meta([info]), f"{annotation.__name__}.{name}", seen)
    elif annotation in NUMBERS and not _bounded(meta):
        yield where


@pytest.mark.parametrize("service", SERVICES)
def test_every_number_and_day_a_route_takes_is_bounded(service: str) -> None:
    found: list[str] = []
    for route in routes(service):
        body = getattr(route, "body_field", None)
        if body is not None:
            found += unbounded(body.field_info.annotation, _meta([body.field_info]), route.path, set())
        for param in (*route.dependant.query_params, *route.dependant.path_params):
            info = param.field_info
            found += unbounded(info.annotation, _meta([info]), f"{route.path} ?{param.alias}", set())
    assert not found, "unbounded:\n" + "\n".join(sorted(set(found)))


def test_the_walk_sees_an_unbounded_number() -> None:
    class Loose(BaseModel):
        value: float
        items: list[Annotated[int, annotated_types.Ge(0)]] = []

    assert list(unbounded(Loose, (), "Loose", set())) == ["Loose.value", "Loose.items[]"]


EXTREMES: list[Any] = [1e308, -1e308, "NaN", "Infinity", "-Infinity", "1e308", float("nan")]


def _plans_measurement(v: Any) -> dict[str, Any]:
    return {"sub_goal_id": "el", "year": 2025, "value": v}


def _application(v: Any) -> dict[str, Any]:
    return {"source": "nyps", "external_id": "1", "title": "A", "requested_amount": v}


CASES: list[tuple[str, str, Any, str]] = [
    ("kraftsamla_plans.schemas", "MeasurementCreate", _plans_measurement, "value"),
    ("kraftsamla_plans.schemas", "MeasurementUpdate", lambda v: {"value": v}, "value"),
    (
        "kraftsamla_common.events",
        "SubGoal",
        lambda v: {"id": "el", "title": {"sv": "El"}, "indicator": {"name": "El"}, "baseline": v},
        "baseline",
    ),
    (
        "kraftsamla_common.events",
        "PortfolioEntry",
        lambda v: {"title": "P", "year": 2025, "budget": v},
        "budget",
    ),
    (
        "kraftsamla_common.events",
        "FinancingCommitment",
        lambda v: {"party": "Region", "year": 2025, "amount": v},
        "amount",
    ),
    ("kraftsamla_assessment.schemas", "ApplicationCreate", _application, "requested_amount"),
    (
        "kraftsamla_assessment.schemas",
        "DecisionRequest",
        lambda v: {"outcome": "granted", "granted_amount": v},
        "granted_amount",
    ),
]


@pytest.mark.parametrize("value", [*EXTREMES, 1e13], ids=repr)
@pytest.mark.parametrize(
    ("module", "model", "body", "field"), CASES, ids=lambda c: c if isinstance(c, str) else ""
)
def test_extreme_numbers_are_refused_where_they_are_given(
    module: str, model: str, body: Any, field: str, value: Any
) -> None:
    cls = getattr(importlib.import_module(module), model)
    with pytest.raises(ValidationError) as refused:
        cls.model_validate(body(value))
    assert [e["loc"] for e in refused.value.errors()] == [(field,)]


@pytest.mark.parametrize(
    ("module", "model", "body", "field"),
    [
        ("kraftsamla_actors.schemas", "CycleCreate", {"title": "M", "frequency": "monthly"}, "starts_on"),
        (
            "kraftsamla_actors.schemas",
            "MemberCreate",
            {"actor_id": "01a2b3c4-0000-7000-8000-000000000000"},
            "joined_on",
        ),
        ("kraftsamla_assessment.schemas", "DecisionRequest", {"outcome": "rejected"}, "decided_on"),
        ("kraftsamla_common.events", "Adoption", {"body": "Regionfullmäktige"}, "adopted_on"),
    ],
)
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"])
def test_days_beyond_1900_to_2100_are_refused(
    module: str, model: str, body: dict[str, Any], field: str, day: str
) -> None:
    cls = getattr(importlib.import_module(module), model)
    with pytest.raises(ValidationError) as refused:
        cls.model_validate({**body, field: day})
    assert [e["loc"] for e in refused.value.errors()] == [(field,)]
    cls.model_validate({**body, field: "2100-12-31"})


def test_what_was_stored_or_announced_before_the_bounds_is_read_as_it_is() -> None:
    draft = {
        "sub_goals": [
            {
                "id": "el",
                "title": {"sv": "El"},
                "indicator": {"name": "El"},
                "baseline": -1e308,
                "target": 1e308,
            }
        ],
        "next_review": "9999-12-31",
        "policy_mix": {"portfolio": [{"title": "P", "year": 2025, "budget": 1e300}]},
    }
    with pytest.raises(ValidationError):
        ActionPlanContent.model_validate(draft)
    stored = ActionPlanContent.model_validate(draft, context=bounds.STORED)
    assert stored.sub_goals[0].target == 1e308 and stored.next_review == date(9999, 12, 31)
    local = {
        "title": "L",
        "municipalities": ["2380"],
        "financing": [{"party": "R", "year": 2025, "amount": 1e308}],
    }
    assert LocalPlanContent.model_validate(local, context=bounds.STORED).financing[0].amount == 1e308
    # …and an event carrying it is parsed by its consumers as it is.
    envelope = {
        "id": "01a2b3c4-0000-7000-8000-000000000001",
        "type": "plans.local_plan.published.v1",
        "source": "plans",
        "region": "lappi",
        "subject": "x",
        "time": "2026-01-01T00:00:00Z",
        "correlation_id": "01a2b3c4-0000-7000-8000-000000000002",
        "data": {
            "local_plan_id": "01a2b3c4-0000-7000-8000-000000000003",
            "version": 1,
            "published_at": "2026-01-01T00:00:00Z",
            "published_by": "x",
            "plan": local,
        },
    }
    assert parse(TypeAdapter(dict[str, Any]).dump_json(envelope)).data.plan.financing[0].amount == 1e308  # type: ignore[attr-defined]


@pytest.mark.parametrize("language", ["sv", "en", "fi"])
@pytest.mark.parametrize("value", [1e308, -1e308, math.inf, -math.inf, math.nan, 1.7976931348623157e308])
def test_a_number_no_locale_pattern_can_carry_is_shown_as_it_is(language: Any, value: float) -> None:
    m = Messages(language, ("kraftsamla_common",))
    assert m.number(value) and m.number(value, digits=2) and m.money(value, "SEK")
    assert m.number(1e308) == "1e+308"


def test_a_period_is_at_most_thirty_years_and_ends_after_it_starts() -> None:
    assert bounds.period_errors(date(2000, 1, 1), date(2030, 12, 31), start_name="from", end_name="to") == []
    long = bounds.period_errors(date(1900, 1, 1), date(2100, 12, 31), start_name="from", end_name="to")
    assert long[0]["pointer"] == "/to" and "30 years" in long[0]["message"]
    backwards = bounds.period_errors(date(2026, 1, 1), date(2025, 1, 1), start_name="start", end_name="end")
    assert backwards[0]["pointer"] == "/end" and "before start" in backwards[0]["message"]


@pytest.mark.parametrize("frequency", list(annual_cycle.MONTHS))
def test_the_annual_cycle_reaches_the_end_of_the_calendar_without_failing(frequency: Any) -> None:
    slots = annual_cycle.slots(frequency, date(9998, 1, 1), None, (date(9999, 1, 1), date.max))
    assert slots and slots[-1].ends_on == date.max
    assert annual_cycle.follow_up(slots, [date(9999, 12, 31)], today=date(2026, 1, 1)).meetings == 1
