"""What numbers and days the platform takes in: every amount, value, year, count and date of a request
is bounded by what it means, so that nothing a caller sends can overflow a sum, a date or a report.

- amounts of money: 0 to 10¹² in their currency (:data:`Amount`);
- values of indicators and figures of plans: finite and within ±10¹² (:data:`Value`);
- years 1900 to 2100 (:data:`Year`), days 1900-01-01 to 2100-12-31 (:data:`Day`), and a period asked
  about at most :data:`MAX_PERIOD_YEARS` long (:func:`period_errors`).

The API's own schemas use the plain types (bounds a pydantic ``Field`` checks and OpenAPI shows). The
event catalogue's contents are API bodies too, and also what consumers read from the bus and services
read back from their databases: there the bounds are :func:`within`, which a validation in the
:data:`STORED` context does not apply, so that a value stored before a bound was set is still read as
it is (the report then shows it, see ``Messages.number``) instead of failing every read.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, Field, ValidationInfo
from pydantic_core import PydanticCustomError

MAX_AMOUNT = 1e12
"""The largest amount of money accepted, in any currency."""
MAX_VALUE = 1e12
"""The largest magnitude of an indicator's value, baseline or target."""
FIRST_YEAR, LAST_YEAR = 1900, 2100
FIRST_DAY, LAST_DAY = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)
MAX_PERIOD_YEARS = 30
"""The longest period a follow-up is asked about (a few programme periods)."""
MAX_COUNT = 1_000_000
"""The most of anything counted by hand (participants not listed by name…)."""

Amount = Annotated[float, Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False)]
Value = Annotated[float, Field(ge=-MAX_VALUE, le=MAX_VALUE, allow_inf_nan=False)]
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
Day = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]

STORED: dict[str, Any] = {"stored": True}
"""Validation context for what was accepted once (an event on the bus, a row read back): the bounds
of :func:`within` are not applied again."""


def is_stored(info: ValidationInfo) -> bool:
    return isinstance(info.context, dict) and bool(info.context.get("stored"))


T = TypeVar("T", float, date)


def _text(bound: float | date) -> str:
    return f"{bound:g}" if isinstance(bound, float) else bound.isoformat()


def _checker(lo: T, hi: T) -> Callable[[T, ValidationInfo], T]:
    def check(value: T, info: ValidationInfo) -> T:
        if is_stored(info):
            return value
        if isinstance(value, float) and not math.isfinite(value):
            raise PydanticCustomError("finite_number", "Input should be a finite number")
        if not lo <= value <= hi:
            raise PydanticCustomError(
                "out_of_range",
                "Input should be from {lo} to {hi}",
                {"lo": _text(lo), "hi": _text(hi)},
            )
        return value

    return check


def within(lo: T, hi: T) -> AfterValidator:
    """A validator bounding a float or a date of an event's content from ``lo`` to ``hi`` (finite,
    for a float) where a request gives it; not applied in the :data:`STORED` context."""
    return AfterValidator(_checker(lo, hi))


def _shown(lo: float, hi: float) -> Any:
    """The bounds as OpenAPI shows them."""
    return Field(json_schema_extra={"minimum": lo, "maximum": hi})


ContentAmount = Annotated[float, _shown(0.0, MAX_AMOUNT), within(0.0, MAX_AMOUNT)]
"""An amount of an event's content (a budget, a financing commitment)."""
ContentValue = Annotated[float, _shown(-MAX_VALUE, MAX_VALUE), within(-MAX_VALUE, MAX_VALUE)]
"""A figure of an event's content (a sub-goal's baseline or target)."""
ContentDay = Annotated[date, within(FIRST_DAY, LAST_DAY)]
"""A day of an event's content (a priority's validity, a planned review)."""


def period_errors(start: date, end: date, *, start_name: str, end_name: str) -> list[dict[str, Any]]:
    """Why a period asked about is not one: ending before it starts, or longer than
    :data:`MAX_PERIOD_YEARS` (the days themselves are :data:`Day`); errors name the query parameter."""
    if end < start:
        message = f"{end_name} ({end}) is before {start_name} ({start})"
    elif end.year - start.year > MAX_PERIOD_YEARS:
        message = f"the period may be at most {MAX_PERIOD_YEARS} years long"
    else:
        return []
    return [{"pointer": f"/{end_name}", "location": "query", "message": message}]
