"""The desk's overview of the assignments, for an administrator (and the operator): each assessor
with how many open applications assigned to them wait for their review and how long the oldest
of those assignments has been waiting, and how many applications waiting for review have no
assessor at all; each number leads to the application list showing those applications. Pure: the
assessment service's count and its ``assigned_to`` facet of the applications waiting for review
(``waiting=true``) in, the overview out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from .applications import NO_ONE, ListQuery


class FacetValue(Protocol):
    """A value of the service's ``assigned_to`` facet (``kraftsamla_web.schemas.FacetValue``)."""

    @property
    def value(self) -> str | None: ...
    @property
    def count(self) -> int: ...
    @property
    def oldest_assigned_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class AssessorLoad:
    assessor: str
    """As the services name the person (``user:lisa``), as the list shows assignees."""
    waiting: int
    oldest_assigned_at: datetime | None
    days: int | None
    """Whole days since the oldest of these assignments (0: within the last day)."""
    href: str
    """The list of the applications assigned to the assessor and waiting for review."""


@dataclass(frozen=True)
class AssignmentOverview:
    waiting: int
    """Every application waiting for review, assigned or not."""
    assessors: list[AssessorLoad]
    no_one: int
    """Those waiting for review with no assessor."""
    no_one_href: str


def assignment_overview(
    waiting: int, facet: Iterable[FacetValue], path: str, now: datetime
) -> AssignmentOverview:
    """The overview from the count of the applications waiting for review and their
    ``assigned_to`` facet (the service's order: most first); ``path`` is the application list's."""
    assessors: list[AssessorLoad] = []
    no_one = 0
    for f in facet:
        if f.value is None:
            no_one = f.count
            continue
        oldest = f.oldest_assigned_at
        assessors.append(
            AssessorLoad(
                assessor=f.value,
                waiting=f.count,
                oldest_assigned_at=oldest,
                days=max(0, (now - oldest).days) if oldest else None,
                href=ListQuery(filters={"assigned_to": f.value}, waiting=True).url(path),
            )
        )
    return AssignmentOverview(
        waiting=waiting,
        assessors=assessors,
        no_one=no_one,
        no_one_href=ListQuery(filters={"assigned_to": NO_ONE}, waiting=True).url(path),
    )
