"""EU enabling condition 1.1 as a page, pure: each of the seven criteria with its evidence and what
is missing in the reader's language (worded as the desk words its gaps, :func:`.gaps.finding`), and
each gap linked to the screen where it is fixed: the programme page, a strength area's form, an
action plan's page or one of its six steps, the partnerships, the engagements, the indicators.

The plans service names the strength areas a finding is about by their names as written (joined
with ", "); they are found again among the programme's strength areas by those names, so each gets
its own link and its name in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol
from uuid import UUID

from kraftsamla_common.i18n import Messages

from .gaps import Criterion, Finding, finding

STEP_OF: dict[str, int] = {
    "areas_without_analysis": 1,
    "areas_without_sub_goals": 3,
    "no_initiatives_innovation_system": 5,
    "no_initiatives_industrial_transition": 5,
    "no_initiatives_international_cooperation": 5,
}
"""Gaps fixed in a step of the action plans (1 analysis, 3 vision and sub-goals, 5 policy mix)."""

PAGE_OF: dict[str, tuple[str, str]] = {
    "programme_not_adopted": ("checklist_fix_adoption", "/programme#adoption"),
    "indicators_without_values": ("checklist_fix_indicators", "/indicators"),
    "no_engagements": ("checklist_fix_engagements", "/engagements"),
    "areas_without_engagements": ("checklist_fix_engagements", "/engagements"),
    "areas_without_partnership": ("checklist_fix_partnerships", "/partnerships"),
}
"""Gaps fixed on a page of the region (the message naming the link, the path under the region)."""

AREA_PAGES: dict[str, str] = {
    "areas_overdue": "checklist_fix_plan",
    "areas_without_process_leader": "checklist_fix_process_leader",
}
"""Gaps fixed on a strength area's own page: its action plan (revised and published again), its
form on the programme page (a process leader chosen)."""


class Judged(Criterion, Protocol):
    """A criterion with the evidence the platform holds for it (``schemas.Criterion``)."""

    @property
    def evidence(self) -> Sequence[Finding]: ...


class Checklist(Protocol):
    @property
    def criteria(self) -> Sequence[Judged]: ...


class Area(Protocol):
    @property
    def id(self) -> UUID: ...
    @property
    def name(self) -> Mapping[str, str | None]: ...
    @property
    def action_plan_id(self) -> UUID: ...


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True)
class Fix:
    """A gap in words, and where it is fixed."""

    text: str
    links: tuple[Link, ...]


@dataclass(frozen=True)
class CriterionView:
    number: int
    key: str
    title: str
    status: str
    evidence: tuple[str, ...]
    missing: tuple[Fix, ...]


def as_written(name: Mapping[str, str | None]) -> str:
    """A strength area's name as the plans service writes it in findings (Swedish, else Finnish,
    else English: ``LocalizedText.any``)."""
    return name.get("sv") or name.get("fi") or name.get("en") or ""


def named_areas(names: str, areas: Sequence[Area]) -> list[Area]:
    """The strength areas a finding's ``areas`` names, in the programme's order."""
    joined = f", {names}, "
    return [a for a in areas if as_written(a.name) and f", {as_written(a.name)}, " in joined]


def _params(t: Messages, f: Finding, found: Sequence[Area]) -> Mapping[str, Any]:
    """The finding's figures, its strength areas named in the reader's language where every one of
    them was found among the programme's."""
    adopted = f.params.get("date")
    if f.key == "programme_adopted" and isinstance(adopted, str):
        try:
            return {**f.params, "date": t.day(date.fromisoformat(adopted))}
        except ValueError:
            return f.params
    names = f.params.get("areas")
    if not isinstance(names, str) or not found:
        return f.params
    if ", ".join(sorted(as_written(a.name) for a in found)) != names:
        return f.params
    return {**f.params, "areas": ", ".join(sorted(t.text(a.name) for a in found))}


def fix(t: Messages, f: Finding, areas: Sequence[Area], region: str, programme_id: UUID | str) -> Fix:
    """A gap in the reader's language with the links to where it is fixed."""
    base = f"/regions/{region}"
    found = named_areas(str(f.params.get("areas", "")), areas) if "areas" in f.params else []
    text = finding(t, f, _params(t, f, found))
    links: list[Link] = []
    if f.key in STEP_OF:
        step = STEP_OF[f.key]
        for a in found if "areas" in f.params else areas:
            links.append(
                Link(
                    t(f"checklist_fix_step_{step}", area=t.text(a.name)),
                    f"{base}/plans/{a.action_plan_id}/steps/{step}",
                )
            )
    elif f.key in AREA_PAGES:
        for a in found:
            href = (
                f"{base}/plans/{a.action_plan_id}"
                if f.key == "areas_overdue"
                else f"{base}/programme/{programme_id}/strength-areas/{a.id}"
            )
            links.append(Link(t(AREA_PAGES[f.key], area=t.text(a.name)), href))
    if f.key in PAGE_OF:
        key, path = PAGE_OF[f.key]
        links.append(Link(t(key), base + path))
    return Fix(text, tuple(links))


def criteria(
    t: Messages, checklist: Checklist, areas: Sequence[Area], region: str, programme_id: UUID | str
) -> list[CriterionView]:
    """The seven criteria as the page shows them."""
    out = []
    for c in checklist.criteria:
        key = f"checklist_criterion_{c.key}"
        out.append(
            CriterionView(
                number=c.number,
                key=c.key,
                title=t(key) if t.has(key) else c.key,
                status=c.status,
                evidence=tuple(finding(t, e, _params(t, e, ())) for e in c.evidence),
                missing=tuple(fix(t, m, areas, region, programme_id) for m in c.missing),
            )
        )
    return out
