"""Reports: the latest version and its downloads, the versions and why each was made, two versions
compared, the follow-up of any period, the opt-in to the cross-region view and the partners it
suggests; each page two or three calls made at once. The reporting service's own pages (a version,
a comparison, a period's follow-up) and its files are passed on as it serves them, in the reader's
language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..adapters.services import File, Services
from ..domain.reports import DOWNLOAD_LIMIT, DOWNLOAD_SECONDS, VERSIONS_PAGE
from ..schemas import Comparison, Cooperation, RegionSettings, ReportSummaries, ReportSummary, Sharing


def _base(region: str) -> str:
    return f"/reporting/regions/{region}"


async def _settings(services: Services, region: str) -> RegionSettings | None:
    found = await services.optional("actors", f"/actors/regions/{region}/settings")
    return RegionSettings.model_validate(found) if found else None


@dataclass
class ReportsHome:
    latest: ReportSummary | None
    before: ReportSummary | None
    """The version before the latest (to compare with), where there is one."""
    count: int
    settings: RegionSettings | None


async def load_home(services: Services, region: str) -> ReportsHome:
    """The two newest versions (the latest and the one before it) and the region's settings."""
    found, settings = await services.gather(
        services.json("reporting", f"{_base(region)}/reports", {"limit": 2}), _settings(services, region)
    )
    listed = ReportSummaries.model_validate(found)
    return ReportsHome(
        latest=listed.data[0] if listed.data else None,
        before=listed.data[1] if len(listed.data) > 1 else None,
        count=listed.count,
        settings=settings,
    )


@dataclass
class Versions:
    versions: list[dict[str, Any]]
    """A page of versions, newest first, with the one after the page (to say why the last was made)."""
    count: int
    area_names: dict[str, dict[str, str | None]]
    """Strength areas' names by id, as the latest version names them."""
    settings: RegionSettings | None


async def load_versions(services: Services, region: str, offset: int) -> Versions:
    """A page of the versions (one more than shown), the latest version (its strength areas' names)
    and the region's settings."""
    found, latest, settings = await services.gather(
        services.json(
            "reporting", f"{_base(region)}/reports", {"limit": VERSIONS_PAGE + 1, "offset": offset}
        ),
        services.optional("reporting", f"{_base(region)}/reports/latest"),
        _settings(services, region),
    )
    plans = ((latest or {}).get("content") or {}).get("plans") or []
    return Versions(
        versions=[ReportSummary.model_validate(v).model_dump() for v in found.get("data") or []],
        count=int(found.get("count") or 0),
        area_names={str(p["strength_area_id"]): p.get("strength_area_name") or {} for p in plans},
        settings=settings,
    )


@dataclass
class OneVersion:
    number: int
    generated_at: datetime
    plans: list[dict[str, Any]]
    """Its plan lines: each strength area's name and the version it was built from."""
    settings: RegionSettings | None


async def load_version(services: Services, region: str, number: int) -> OneVersion:
    found, settings = await services.gather(
        services.json("reporting", f"{_base(region)}/reports/{number}"), _settings(services, region)
    )
    return OneVersion(
        number=int(found["number"]),
        generated_at=datetime.fromisoformat(str(found["generated_at"])),
        plans=list((found.get("content") or {}).get("plans") or []),
        settings=settings,
    )


async def load_comparison(
    services: Services, region: str, before: int, after: int, language: str
) -> tuple[Comparison, RegionSettings | None]:
    found, settings = await services.gather(
        services.json(
            "reporting",
            f"{_base(region)}/reports/compare",
            {"before": before, "after": after, "lang": language},
        ),
        _settings(services, region),
    )
    return Comparison.model_validate(found), settings


async def load_follow_up(
    services: Services, region: str, start: date, end: date
) -> tuple[dict[str, Any], RegionSettings | None]:
    """The follow-up of the period, built now by the reporting service, and the region's settings."""
    found, settings = await services.gather(
        services.json(
            "reporting", f"{_base(region)}/follow-up", {"start": start.isoformat(), "end": end.isoformat()}
        ),
        _settings(services, region),
    )
    return dict(found), settings


async def load_cooperation(
    services: Services, region: str
) -> tuple[Sharing, Cooperation, RegionSettings | None]:
    sharing, cooperation, settings = await services.gather(
        services.json("reporting", f"{_base(region)}/sharing"),
        services.json("reporting", f"{_base(region)}/cooperation"),
        _settings(services, region),
    )
    return Sharing.model_validate(sharing), Cooperation.model_validate(cooperation), settings


async def set_sharing(services: Services, region: str, opted_in: bool) -> Sharing:
    sent = await services.send("PUT", "reporting", f"{_base(region)}/sharing", json={"opted_in": opted_in})
    return Sharing.model_validate(sent.body)


async def document(services: Services, region: str, path: str, params: dict[str, Any]) -> str:
    """One of the reporting service's pages for people (a version, a comparison, a period's
    follow-up) as it renders it: ``path`` under the region's (``reports/5/html``)."""
    return await services.text("reporting", f"{_base(region)}/{path}", params)


async def download(services: Services, region: str, path: str, params: dict[str, Any]) -> File:
    """A file of the reporting service (a PDF, a workbook, a CSV), at most
    :data:`~kraftsamla_web.domain.reports.DOWNLOAD_LIMIT` bytes."""
    return await services.file(
        "reporting", f"{_base(region)}/{path}", params, limit=DOWNLOAD_LIMIT, timeout=DOWNLOAD_SECONDS
    )
