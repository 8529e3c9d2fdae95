"""Local plans and their alignment with the regional programme, pure: what a local plan's links to
the region's strength areas, priorities and sub-goals are called, and the alignment both ways (local
actions that serve no regional priority, regional priorities no local plan serves) by name.

Which links no longer hold is the plans service's verdict (an action's ``stale_links``); the page
only names them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from uuid import UUID

Name = Mapping[str, str | None]
"""A text in the region's languages (``{"sv": …, "en": …}``)."""


class Link(Protocol):
    @property
    def strength_area_id(self) -> UUID: ...
    @property
    def priority_id(self) -> str | None: ...
    @property
    def sub_goal_id(self) -> str | None: ...


class Area(Protocol):
    @property
    def id(self) -> UUID: ...
    @property
    def code(self) -> str: ...
    @property
    def name(self) -> Name: ...


class PriorityRef(Protocol):
    @property
    def strength_area_id(self) -> UUID: ...
    @property
    def priority_id(self) -> str: ...
    @property
    def title(self) -> Name: ...


class PriorityLine(Protocol):
    @property
    def priority(self) -> PriorityRef: ...


class ActionLine(Protocol):
    @property
    def action_id(self) -> str: ...
    @property
    def title(self) -> str: ...


class PlanLine(Protocol):
    @property
    def local_plan_id(self) -> UUID: ...
    @property
    def actions(self) -> Sequence[ActionLine]: ...


@dataclass(frozen=True)
class Names:
    """The region's strength areas, current priorities and sub-goals by their ids."""

    areas: dict[str, Name] = field(default_factory=dict)
    priorities: dict[tuple[str, str], Name] = field(default_factory=dict)
    sub_goals: dict[tuple[str, str], Name] = field(default_factory=dict)


def names(
    areas: Iterable[Area], priorities: Iterable[PriorityLine], indicators: Iterable[Mapping[str, object]] = ()
) -> Names:
    """Names from the programme's strength areas, the alignment's current priorities, and the
    sub-goals the latest report follows up (its indicator lines: ``strength_area_code``,
    ``sub_goal_id``, ``title``)."""
    areas = list(areas)
    by_code = {a.code: str(a.id) for a in areas}
    sub_goals: dict[tuple[str, str], Name] = {}
    for line in indicators:
        area = by_code.get(str(line.get("strength_area_code") or ""))
        title = line.get("title")
        if area and isinstance(title, Mapping) and line.get("sub_goal_id"):
            sub_goals[(area, str(line["sub_goal_id"]))] = title
    return Names(
        areas={str(a.id): a.name for a in areas},
        priorities={
            (str(p.priority.strength_area_id), p.priority.priority_id): p.priority.title for p in priorities
        },
        sub_goals=sub_goals,
    )


@dataclass(frozen=True)
class LinkView:
    """A link to the regional programme as the page names it: each part by its name where it is
    known (None otherwise: the id is shown), and whether the service found it stale."""

    area: Name | None
    priority: Name | None
    priority_id: str | None
    sub_goal: Name | None
    sub_goal_id: str | None
    stale: bool = False


def link_view(link: Link, known: Names, stale_links: Sequence[str] = ()) -> LinkView:
    area = str(link.strength_area_id)
    stale = bool(
        (link.priority_id and f"priority {link.priority_id}" in stale_links)
        or (link.sub_goal_id and f"sub-goal {link.sub_goal_id}" in stale_links)
    )
    return LinkView(
        area=known.areas.get(area),
        priority=known.priorities.get((area, link.priority_id)) if link.priority_id else None,
        priority_id=link.priority_id,
        sub_goal=known.sub_goals.get((area, link.sub_goal_id)) if link.sub_goal_id else None,
        sub_goal_id=link.sub_goal_id,
        stale=stale,
    )


@dataclass(frozen=True)
class PriorityName:
    """A current regional priority a local plan serves, by its name and its strength area's (None
    where unknown: the id is shown)."""

    priority_id: str
    priority: Name | None
    area: Name | None


def served_priorities(ids: Iterable[str], links: Iterable[Link], known: Names) -> list[PriorityName]:
    """The priorities a plan's alignment says it serves (``priorities_served``: ids), named through
    the plan's own links (which strength area each id is of)."""
    links = list(links)
    out = []
    for pid in ids:
        areas = sorted({str(link.strength_area_id) for link in links if link.priority_id == pid})
        for area in areas or [""]:
            out.append(PriorityName(pid, known.priorities.get((area, pid)), known.areas.get(area)))
    return out


def action_titles(plans: Iterable[PlanLine]) -> dict[tuple[str, str], str]:
    """Every aligned local plan's actions' titles by (plan, action)."""
    return {(str(p.local_plan_id), a.action_id): a.title for p in plans for a in p.actions}


def titles_of(ids: Iterable[str], actions: Iterable[ActionLine]) -> list[str]:
    """The titles of the actions ``ids`` names (their ids where not found), in that order."""
    found = {a.action_id: a.title for a in actions}
    return [found.get(i, i) for i in ids]
