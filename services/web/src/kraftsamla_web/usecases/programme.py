"""The programme and its strength areas, and EU enabling condition 1.1: what each page asks of the
plans service (and of the actors service: the region's name, the people to choose a process leader
from), the calls made at once; the forms' one call each, refused as
:class:`~kraftsamla_web.adapters.services.Refused`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ..adapters.services import NotFound, Sent, Services, Unavailable
from ..domain.programme import current_programme
from ..schemas import Checklist, NaceList, PeopleList, Programme, ProgrammeList, RegionSettings

PROGRAMMES = 100
"""A region has a programme a period (seven years): a hundred is every one it will have."""
PEOPLE = 500
"""The people offered as a strength area's process leader (the actors service's largest page)."""
NACE_FOUND = 40
"""NACE codes a search offers to tick."""


def _base(region: str) -> str:
    return f"/plans/regions/{region}"


@dataclass
class ProgrammePage:
    programmes: list[Programme]
    programme: Programme | None
    """The programme shown: the one asked for, else the current one (:func:`current_programme`)."""
    etag: str | None
    """Its ETag, which every edit of it and of its strength areas sends back as ``If-Match``."""
    settings: RegionSettings | None


def _settings(found: Any) -> RegionSettings | None:
    return RegionSettings.model_validate(found) if found else None


async def _programme(
    services: Services, region: str, programme_id: UUID | str
) -> tuple[Programme, str | None]:
    found, etag = await services.with_etag("plans", f"{_base(region)}/programmes/{programme_id}")
    return Programme.model_validate(found), etag


async def load_programme_page(
    services: Services, region: str, programme_id: UUID | None, year: int
) -> ProgrammePage:
    """The region's programmes and one of them with its ETag: ``programme_id``'s (a 404 where it is
    not the region's), else the one of ``year``. Three calls; the chosen one's follows the list where
    none is asked for."""
    listing = services.json("plans", f"{_base(region)}/programmes", {"limit": PROGRAMMES})
    settings = services.optional("actors", f"/actors/regions/{region}/settings")
    if programme_id is not None:
        found, (programme, etag), known = await services.gather(
            listing, _programme(services, region, programme_id), settings
        )
        programmes = ProgrammeList.model_validate(found).data
        return ProgrammePage(programmes, programme, etag, _settings(known))
    found, known = await services.gather(listing, settings)
    programmes = ProgrammeList.model_validate(found).data
    chosen = current_programme(programmes, year)
    if chosen is None:
        return ProgrammePage(programmes, None, None, _settings(known))
    programme, etag = await _programme(services, region, chosen.id)
    return ProgrammePage(programmes, programme, etag, _settings(known))


@dataclass
class AreaPage:
    programme: Programme
    etag: str | None
    people: PeopleList
    found: NaceList | None
    """The NACE codes the search field found (None: no search)."""
    settings: RegionSettings | None


async def _people(services: Services, region: str) -> PeopleList:
    """The region's people, to choose a process leader among; none where the actors service does not
    answer (the form then offers the current one only)."""
    try:
        found = await services.json("actors", f"/actors/regions/{region}/people", {"limit": PEOPLE})
    except Unavailable:
        return PeopleList(data=[], count=0)
    return PeopleList.model_validate(found)


async def load_area_page(services: Services, region: str, programme_id: UUID, query: str = "") -> AreaPage:
    """A strength area's form: the programme (with its ETag), the region's people (a process leader
    is chosen among them), the NACE codes ``query`` finds, the region's name. Three or four calls."""
    calls: list[Any] = [
        _programme(services, region, programme_id),
        _people(services, region),
        services.optional("actors", f"/actors/regions/{region}/settings"),
    ]
    if query.strip():
        calls.append(search_nace(services, region, query))
    found = await services.gather(*calls)
    (programme, etag), people, settings = found[0], found[1], found[2]
    return AreaPage(
        programme=programme,
        etag=etag,
        people=people,
        found=found[3] if len(found) > 3 else None,
        settings=_settings(settings),
    )


async def search_nace(services: Services, region: str, query: str, limit: int = NACE_FOUND) -> NaceList:
    """NACE Rev. 2 codes by code or by words of their names (the plans service's search), named in
    the page's language where the data has it."""
    found = await services.json("plans", f"{_base(region)}/nace", {"q": query.strip()[:100], "limit": limit})
    return NaceList.model_validate(found)


async def save_programme(
    services: Services, region: str, programme_id: UUID, body: Mapping[str, Any], etag: str
) -> Sent:
    return await services.send(
        "PATCH", "plans", f"{_base(region)}/programmes/{programme_id}", json=body, if_match=etag or None
    )


async def adopt_programme(
    services: Services, region: str, programme_id: UUID, body: Mapping[str, Any]
) -> Sent:
    return await services.send("POST", "plans", f"{_base(region)}/programmes/{programme_id}/adopt", json=body)


async def save_area(
    services: Services, region: str, area_id: UUID, body: Mapping[str, Any], etag: str
) -> Sent:
    """A strength area's names, description, process leader and codes; ``etag`` is the programme's."""
    return await services.send(
        "PATCH", "plans", f"{_base(region)}/strength-areas/{area_id}", json=body, if_match=etag or None
    )


async def current_state(services: Services, region: str, programme_id: UUID) -> tuple[Programme, str | None]:
    """The programme as it is now (after a 412: what someone else saved)."""
    return await _programme(services, region, programme_id)


@dataclass
class ChecklistPage:
    programmes: list[Programme]
    programme: Programme | None
    checklist: Checklist | None
    settings: RegionSettings | None


async def load_checklist_page(
    services: Services, region: str, programme_id: UUID | None, year: int
) -> ChecklistPage:
    """The 1.1 checklist of ``programme_id`` (else of the programme of ``year``) with the region's
    programmes (their strength areas: the gaps' links) and name. Three calls, the checklist's once
    the programme is known."""
    found, known = await services.gather(
        services.json("plans", f"{_base(region)}/programmes", {"limit": PROGRAMMES}),
        services.optional("actors", f"/actors/regions/{region}/settings"),
    )
    programmes = ProgrammeList.model_validate(found).data
    if programme_id is not None:
        chosen = next((p for p in programmes if p.id == programme_id), None)
        if chosen is None:
            raise NotFound("plans", f"{_base(region)}/programmes/{programme_id}", 404)
    else:
        chosen = current_programme(programmes, year)
    if chosen is None:
        return ChecklistPage(programmes, None, None, _settings(known))
    checklist = await services.json("plans", f"{_base(region)}/programmes/{chosen.id}/checklist")
    return ChecklistPage(programmes, chosen, Checklist.model_validate(checklist), _settings(known))
