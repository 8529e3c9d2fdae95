"""What differs between two report versions."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, NamedTuple

from pydantic_core import to_jsonable_python

from .content import BuiltFrom, ReportContent

_KEYS = ("strength_area_code", "code", "goal", "number", "sub_goal_id", "title", "level", "funding_source")
_SKIP = {"generated_at", "strength_area_id", "action_plan_id", "local_plan_id", "cycle_id", "programme_id"}
Scalar = str | int | float | bool | None


class Change(NamedTuple):
    """One figure or entry that differs between two report versions."""

    path: str
    before: Scalar
    after: Scalar


def _flatten(value: Any, path: str, out: dict[str, Scalar]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in _SKIP:
                _flatten(v, f"{path}/{k}" if path else str(k), out)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            key = next(
                (f"{item[k]}" for k in _KEYS if isinstance(item, dict) and item.get(k) is not None), str(i)
            )
            if isinstance(item, dict) and "currency" in item and "level" in item:
                key = f"{item.get('strength_area_code') or '-'}/{item['level']}/{item['funding_source']}/{item['currency']}"
            _flatten(item, f"{path}/{key}", out)
    else:
        out[path] = value


def _as_json(content: ReportContent) -> Any:
    """The content as its JSON holds it, without the reassessment history (compared by its latest)."""
    return to_jsonable_python(replace(content, last_reassessments=[]))


def compare(before: ReportContent, after: ReportContent) -> list[Change]:
    """Every figure or entry that differs between two versions: ``(path, before, after)``, e.g.
    ``("portfolio/by_level/spets/count", 12, 7)``. Reassessment history is compared by its latest."""
    a: dict[str, Scalar] = {}
    b: dict[str, Scalar] = {}
    _flatten(_as_json(before), "", a)
    _flatten(_as_json(after), "", b)
    changes = [
        Change(path, a.get(path), b.get(path))
        for path in sorted(a.keys() | b.keys())
        if a.get(path) != b.get(path)
    ]
    last_a = before.last_reassessments[0].summary if before.last_reassessments else None
    last_b = after.last_reassessments[0].summary if after.last_reassessments else None
    if last_a != last_b:
        changes.append(Change("last_reassessment", last_a, last_b))
    return changes


def compare_plans(before: BuiltFrom, after: BuiltFrom, codes: dict[str, str]) -> list[Change]:
    """Action-plan versions that differ, by strength area code (or plan id): ``(area, "v3", "v4")``."""
    a = {str(r.action_plan_id): r for r in before.plan_versions}
    b = {str(r.action_plan_id): r for r in after.plan_versions}
    out: list[Change] = []
    for plan_id in sorted(a.keys() | b.keys()):
        va, vb = a.get(plan_id), b.get(plan_id)
        if (va and va.version) != (vb and vb.version):
            area = str((va or vb).strength_area_id)  # type: ignore[union-attr]
            out.append(
                Change(
                    codes.get(area, plan_id),
                    f"v{va.version}" if va else None,
                    f"v{vb.version}" if vb else None,
                )
            )
    return out
