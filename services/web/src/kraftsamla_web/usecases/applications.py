"""The application list and one application: each page's calls made at once (three for the list,
four for an application)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ..adapters.services import Services, Unavailable
from ..domain.applications import ListQuery, area_names
from ..schemas import Application, ApplicationsFound, Assessment, AssessmentList, RegionSettings


@dataclass
class ApplicationsPage:
    found: ApplicationsFound
    settings: RegionSettings | None
    area_names: dict[str, Mapping[str, str | None]]


@dataclass
class ApplicationPage:
    application: Application
    history: list[Assessment]
    history_count: int
    settings: RegionSettings | None
    area_names: dict[str, Mapping[str, str | None]]


async def _latest_report(services: Services, region: str) -> Any:
    """The region's latest report, for the strength areas' names only: a page shows codes rather
    than fail where there is none yet or the reporting service does not answer."""
    try:
        return await services.optional("reporting", f"/reporting/regions/{region}/reports/latest")
    except Unavailable:
        return None


def _names(report: Any) -> dict[str, Mapping[str, str | None]]:
    """Strength areas' names from the region's latest report (its plan lines); none before the first."""
    if not isinstance(report, dict):
        return {}
    return area_names((report.get("content") or {}).get("plans") or [])


async def load_applications(services: Services, region: str, query: ListQuery) -> ApplicationsPage:
    """A page of the region's applications with the counts per filter value, the region's
    settings (its name) and the strength areas' names (the latest report's plan lines)."""
    found, settings, report = await services.gather(
        services.json("assessment", f"/assessment/regions/{region}/applications", query.service_params()),
        services.optional("actors", f"/actors/regions/{region}/settings"),
        _latest_report(services, region),
    )
    return ApplicationsPage(
        found=ApplicationsFound.model_validate(found),
        settings=RegionSettings.model_validate(settings) if settings else None,
        area_names=_names(report),
    )


async def load_application(services: Services, region: str, application_id: UUID) -> ApplicationPage:
    """One application (its current assessment, review and decision), its assessments over time,
    the region's settings and the strength areas' names; 404 from the service where it is not the
    region's (:class:`~kraftsamla_web.adapters.services.NotFound`)."""
    base = f"/assessment/regions/{region}/applications/{application_id}"
    found, history, settings, report = await services.gather(
        services.json("assessment", base),
        services.json("assessment", f"{base}/assessments"),
        services.optional("actors", f"/actors/regions/{region}/settings"),
        _latest_report(services, region),
    )
    assessments = AssessmentList.model_validate(history)
    return ApplicationPage(
        application=Application.model_validate(found),
        history=assessments.data,
        history_count=assessments.count,
        settings=RegionSettings.model_validate(settings) if settings else None,
        area_names=_names(report),
    )
