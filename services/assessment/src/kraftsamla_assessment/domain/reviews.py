"""Reviews: a process leader's overrides of an assessment, what each rests on, when a plan or
rubric change sets one aside, and the assessment as it stands after the overrides in force.

A review is kept as plain JSON with its application (state, confirmed outcome, overrides);
these functions read and rewrite that form."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast
from uuid import UUID

from kraftsamla_common.events import Dimension, Level, PlanVersionRef, Recommendation

from .assessor import Result

OverridePart = Literal["strength_area", "level", "recommendation", "agenda2030", "sustainability"]
ReviewState = Literal["none", "confirmed", "overridden", "needs_review"]


@dataclass(frozen=True)
class Override:
    part: OverridePart
    value: Any
    reason: str
    by: str
    at: datetime
    basis: dict[str, int]
    """Plan version of each strength area the override rests on, when it was made."""
    rubric_version: int


def override_basis(
    part: OverridePart, value: Any, result_area: UUID | None, refs: Iterable[PlanVersionRef]
) -> dict[str, int]:
    """The plan versions an override rests on: the assessed area's, and the area overridden to."""
    areas = {str(result_area)} if result_area else set()
    if part == "strength_area" and value:
        areas.add(str(value))
    versions = {str(r.strength_area_id): r.version for r in refs}
    return {a: versions.get(a, 0) for a in sorted(areas)}


def touched(o: Override, refs: Iterable[PlanVersionRef], rubric_version: int) -> bool:
    """Whether a plan or rubric change touches what an override decided, so the reviewer is asked again.

    Agenda 2030 goals and sustainability are read from the application's own text: no plan change
    touches them. A strength area or level rests on the plans of the areas involved; a
    recommendation also on the rubric.
    """
    if o.part in ("agenda2030", "sustainability"):
        return False
    versions = {str(r.strength_area_id): r.version for r in refs}
    if any(versions.get(a, -1) != v for a, v in o.basis.items()):
        return True
    return o.part == "recommendation" and o.rubric_version != rubric_version


@dataclass(frozen=True)
class Effective:
    strength_area_id: UUID | None
    level: Level | None
    recommendation: Recommendation
    supported_goals: list[int]
    dimensions: list[Dimension]


def base_effective(result: Result) -> Effective:
    return Effective(
        result.strength_area_id,
        result.level,
        result.recommendation,
        sorted(result.agenda2030.supported),
        list(result.sustainability.described),
    )


def effective(base: Effective, overrides: Iterable[Override]) -> Effective:
    """The assessment as it stands after the overrides still in force."""
    values = dict(base.__dict__)
    for o in overrides:
        if o.part == "strength_area":
            values["strength_area_id"] = UUID(str(o.value)) if o.value else None
        elif o.part == "agenda2030":
            values["supported_goals"] = sorted(o.value)
        elif o.part == "sustainability":
            values["dimensions"] = list(o.value)
        else:
            values[o.part] = o.value
    return Effective(**values)


def overrides_of(review: dict[str, Any] | None, *, in_force: bool = True) -> list[Override]:
    """The overrides of a stored review (only those in force unless ``in_force=False``)."""
    if not review:
        return []
    return [
        Override(
            part=o["part"],
            value=o["value"],
            reason=o["reason"],
            by=o["by"],
            at=datetime.fromisoformat(o["at"]),
            basis=o["basis"],
            rubric_version=o["rubric_version"],
        )
        for o in review.get("overrides", [])
        if o["in_force"] or not in_force
    ]


def effective_of(
    strength_area_id: str | None,
    level: str | None,
    recommendation: str,
    details: dict[str, Any] | None,
    review: dict[str, Any] | None,
) -> Effective:
    """A stored assessment (its columns and details) as it stands after the review's overrides."""
    details = details or {}
    base = Effective(
        UUID(strength_area_id) if strength_area_id else None,
        cast("Level | None", level),
        cast("Recommendation", recommendation),
        sorted(int(g) for g in (details.get("agenda2030") or {}).get("supported", {})),
        list((details.get("sustainability") or {}).get("described", [])),
    )
    return effective(base, overrides_of(review))


def carry_review(review: dict[str, Any] | None, revision: int, result: Result) -> dict[str, Any] | None:
    """The review in force carried over to a new assessment of the application's ``revision``,
    asking the reviewer again for what the change touched (state ``needs_review``); None when
    there is no review to carry."""
    if not review or review["state"] in ("none",):
        return None
    review = {**review, "overrides": [dict(o) for o in review.get("overrides", [])]}
    parts: list[str] = list(review.get("parts_to_review", []))
    new_text = review.get("revision") != revision
    if review.get("confirmed") is not None:
        c = review["confirmed"]
        now = {
            "strength_area_id": str(result.strength_area_id) if result.strength_area_id else None,
            "level": result.level,
            "recommendation": result.recommendation,
        }
        if new_text or c != now:
            parts.append("confirmation")
            review["confirmed"] = None
    for o in review["overrides"]:
        if not o["in_force"]:
            continue
        override = overrides_of({"overrides": [o]})[0]
        if new_text or touched(override, result.plan_versions, result.rubric_version):
            o["in_force"] = False
            parts.append(o["part"])
    review["parts_to_review"] = sorted(set(parts))
    if parts:
        review["state"] = "needs_review"
    return review
