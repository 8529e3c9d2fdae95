"""Rules shared by every versioned document (action plans, local plans): the ETag of a revision,
and how two versions of a document compare, item by item."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel


def etag(object_id: str, revision: int) -> str:
    """The ETag of an object at a revision (a programme, a document's draft)."""
    return f'"{object_id}-r{revision}"'


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class ItemChange:
    id: str
    changes: list[FieldChange]


@dataclass(frozen=True)
class ItemsDiff:
    """Items of a list keyed by id (priorities, sub-goals, initiatives): what came, went and changed."""

    added: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    changed: list[ItemChange]


def _changes(before: BaseModel, after: BaseModel) -> list[FieldChange]:
    a, b = before.model_dump(mode="json"), after.model_dump(mode="json")
    return [
        FieldChange(field=k, before=a.get(k), after=b.get(k))
        for k in sorted(a.keys() | b.keys())
        if a.get(k) != b.get(k)
    ]


def items_diff(before: Sequence[Any], after: Sequence[Any]) -> ItemsDiff:
    old = {x.id: x for x in before}
    new = {x.id: x for x in after}
    return ItemsDiff(
        added=[new[k].model_dump(mode="json") for k in new if k not in old],
        removed=[old[k].model_dump(mode="json") for k in old if k not in new],
        changed=[ItemChange(id=k, changes=c) for k in new if k in old and (c := _changes(old[k], new[k]))],
    )
