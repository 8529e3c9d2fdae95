"""Indicators: the action plans with their sub-goals as the latest report follows them up (three
calls), one plan's sub-goals with their values by year (four calls, five or six where the sub-goals
cite ERDF common indicators), a value recorded, a file of values checked or imported (one call)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ..adapters.services import Sent, Services, Unavailable
from ..schemas import (
    ActionPlanLine,
    ActionPlanList,
    CommonIndicator,
    ImportReport,
    IndicatorLine,
    Measurement,
    RegionSettings,
    SubGoal,
)

PLANS = 100
"""Action plans the overview lists (a region has one per strength area)."""
MEASUREMENTS = 500
"""Values a plan's page reads: every sub-goal's every year (the plans service's largest page)."""


@dataclass
class IndicatorsOverview:
    plans: ActionPlanList
    lines: list[IndicatorLine]
    """The sub-goals as the latest report follows them up (none before the first report)."""
    report_number: int | None
    settings: RegionSettings | None


@dataclass
class PlanIndicators:
    plan: ActionPlanLine
    published: int
    """The published version the sub-goals are of (0: none yet)."""
    sub_goals: list[SubGoal]
    measurements: list[Measurement]
    official: dict[str, CommonIndicator]
    """The ERDF common indicators the sub-goals cite, by code."""
    settings: RegionSettings | None


def _plan(region: str, plan_id: UUID) -> str:
    return f"/plans/regions/{region}/action-plans/{plan_id}"


async def _latest_report(services: Services, region: str) -> Any:
    try:
        return await services.optional("reporting", f"/reporting/regions/{region}/reports/latest")
    except Unavailable:
        return None


async def load_overview(services: Services, region: str) -> IndicatorsOverview:
    """The region's action plans, the latest report's sub-goal lines (latest value, on track or
    not) and the region's settings (its name), at once."""
    plans, report, settings = await services.gather(
        services.json("plans", f"/plans/regions/{region}/action-plans", {"limit": PLANS}),
        _latest_report(services, region),
        services.optional("actors", f"/actors/regions/{region}/settings"),
    )
    content = (report or {}).get("content") or {}
    return IndicatorsOverview(
        plans=ActionPlanList.model_validate(plans),
        lines=[IndicatorLine.model_validate(i) for i in content.get("indicators") or []],
        report_number=(report or {}).get("number"),
        settings=RegionSettings.model_validate(settings) if settings else None,
    )


async def _official(services: Services, region: str, codes: set[str]) -> dict[str, CommonIndicator]:
    """The common indicators of ``codes`` (one call for the outputs, one for the results, each a
    list of at most 100: there are 94 and 65)."""
    kinds = sorted({"output" if c.startswith("RCO") else "result" for c in codes})
    lists = await services.gather(
        *(
            services.json("plans", f"/plans/regions/{region}/indicators", {"kind": k, "limit": 100})
            for k in kinds
        )
    )
    found = [CommonIndicator.model_validate(i) for answer in lists for i in answer.get("data") or []]
    return {i.code: i for i in found if i.code in codes}


async def load_plan(services: Services, region: str, plan_id: UUID) -> PlanIndicators:
    """One action plan's sub-goals (its latest published version's), their values and the common
    indicators they cite: the plan, its values and the region's settings at once, then its
    published version, then the indicators' list where a sub-goal cites one."""
    base = _plan(region, plan_id)
    plan, measured, settings = await services.gather(
        services.json("plans", base),
        services.json("plans", f"{base}/measurements", {"limit": MEASUREMENTS}),
        services.optional("actors", f"/actors/regions/{region}/settings"),
    )
    line = ActionPlanLine.model_validate(plan)
    goals: list[SubGoal] = []
    if line.current_version:
        version = await services.json("plans", f"{base}/versions/{line.current_version}")
        goals = [SubGoal.model_validate(g) for g in (version.get("content") or {}).get("sub_goals") or []]
    codes = {g.indicator.code for g in goals if g.indicator.code}
    return PlanIndicators(
        plan=line,
        published=line.current_version,
        sub_goals=goals,
        measurements=[Measurement.model_validate(m) for m in measured.get("data") or []],
        official=await _official(services, region, codes) if codes else {},
        settings=RegionSettings.model_validate(settings) if settings else None,
    )


async def record_value(services: Services, region: str, plan_id: UUID, body: Mapping[str, Any]) -> Sent:
    """A value of a sub-goal for a year: 201 recorded, 200 a correction of the year's value."""
    return await services.send("POST", "plans", f"{_plan(region, plan_id)}/measurements", json=body)


async def import_values(
    services: Services,
    region: str,
    plan_id: UUID,
    content: bytes,
    media_type: str,
    *,
    dry_run: bool,
    valid_rows: bool = False,
) -> ImportReport:
    """A file of values checked (``dry_run``: nothing is written) or imported: all its rows or none,
    or (``valid_rows``) the good ones."""
    sent = await services.send(
        "POST",
        "plans",
        f"{_plan(region, plan_id)}/measurements/import",
        content=content,
        content_type=media_type,
        params={
            "dry_run": "true" if dry_run else "false",
            "mode": "valid_rows" if valid_rows else "all_or_nothing",
        },
    )
    return ImportReport.model_validate(sent.body)


async def load_plan_line(
    services: Services, region: str, plan_id: UUID
) -> tuple[ActionPlanLine, RegionSettings | None]:
    """The plan (its strength area's name) and the region's settings, for the page of a check."""
    plan, settings = await services.gather(
        services.json("plans", _plan(region, plan_id)),
        services.optional("actors", f"/actors/regions/{region}/settings"),
    )
    return ActionPlanLine.model_validate(plan), RegionSettings.model_validate(settings) if settings else None
