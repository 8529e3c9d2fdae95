"""The cross-region cooperation view."""

from __future__ import annotations

from kraftsamla_common.auth import ReadScope
from kraftsamla_common.exports import ReaderLanguage
from kraftsamla_common.service import UowDep, region_router

from ..adapters.labels import Labels
from ..schemas import CooperationPublic, SharedDomainAreaPublic, SharedDomainPublic, SimilarRegionPublic
from ..usecases import sharing

router = region_router("reporting")


@router.get("/cooperation", response_model=CooperationPublic)
async def cooperation(scope: ReadScope, uow: UowDep, language: ReaderLanguage) -> CooperationPublic:
    """Candidates for interregional cooperation (EU criterion 7): the strength areas of every region
    that opted in, side by side by shared economic domain, and the regions whose priorities are most
    like this region's. Empty until this region opts in itself. Each region is also named
    (``region_name``) in the language of ``?lang=`` or ``Accept-Language``, by the county its settings
    name (its id where none is known)."""
    view = await sharing.read_cooperation_view(uow)
    c, t = view.cooperation, Labels(language)

    def name(region: str) -> str:
        country, county = view.places.get(region, (None, None))
        return t.region(region, country, county)

    return CooperationPublic(
        region=c.region,
        region_name=name(c.region),
        opted_in=c.opted_in,
        regions=c.regions,
        domains=[
            SharedDomainPublic(
                nace=d.nace,
                strength_areas=[
                    SharedDomainAreaPublic(
                        region=a.region,
                        region_name=name(a.region),
                        strength_area_code=a.strength_area_code,
                        strength_area_name=a.strength_area_name,
                    )
                    for a in d.strength_areas
                ],
            )
            for d in c.domains
        ],
        similar=[
            SimilarRegionPublic(
                region=s.region,
                region_name=name(s.region),
                similarity=s.similarity,
                shared_nace=s.shared_nace,
                shared_goals=s.shared_goals,
            )
            for s in c.similar
        ],
    )
