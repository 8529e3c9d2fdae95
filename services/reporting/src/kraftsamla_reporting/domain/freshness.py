"""How current a region's report is: the plan versions a new report is the first to show with
every application assessed against them (the publish → report objective), and since when the latest
report has lagged behind what it should show (its staleness)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

PlanVersion = tuple[str, int]
"""An action plan's id and a version number."""


@dataclass(frozen=True)
class ReportState:
    """What one report version shows of the plans: the versions it names and how many
    applications were still assessed against older ones when it was built (``None`` for versions
    built before this was kept)."""

    plan_versions: frozenset[PlanVersion]
    outdated: int | None

    @property
    def current(self) -> bool:
        """Every application assessed against the versions it names."""
        return not self.outdated


def newly_current(previous: ReportState | None, report: ReportState) -> set[PlanVersion]:
    """The plan versions ``report`` is the first to show current: none while applications are
    still assessed against older versions; those the previous version did not already show current."""
    if not report.current:
        return set()
    already = previous.plan_versions if previous is not None and previous.current else frozenset()
    return set(report.plan_versions - already)


@dataclass(frozen=True)
class Publication:
    """The latest published version of one action plan of the region."""

    action_plan_id: str
    version: int
    published_at: datetime


def stale_since(
    latest: ReportState | None, publications: Iterable[Publication], dirty_since: datetime | None
) -> datetime | None:
    """Since when the region's latest report has lagged behind what it should show, or ``None``
    when it is current: the oldest change it does not include yet (``dirty_since``), a published
    version it does not name, or, while applications are still assessed against older versions,
    the newest publication it names."""
    since = [dirty_since] if dirty_since is not None else []
    named = latest.plan_versions if latest is not None else frozenset()
    shown = []
    for p in publications:
        if (p.action_plan_id, p.version) in named:
            shown.append(p.published_at)
        else:
            since.append(p.published_at)
    if latest is not None and not latest.current and shown:
        since.append(max(shown))
    return min(since, default=None)
