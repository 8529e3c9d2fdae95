"""The engagements page's calls to the actors service: a year's meetings held, the annual cycle's
follow-up (planned against held), participation per strength area, the strength areas' names and
the region's settings, all at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..adapters.services import Services
from ..schemas import ActorSettings, EngagementList, FollowUp, Participation, StrengthAreaName

ENGAGEMENTS = 500
"""Meetings a year's calendar shows at most (the page says when there are more)."""


@dataclass
class EngagementsPage:
    engagements: EngagementList
    follow_up: FollowUp
    participation: Participation
    areas: dict[str, StrengthAreaName]
    settings: ActorSettings | None


async def load_engagements(services: Services, region: str, year: int) -> EngagementsPage:
    base = f"/actors/regions/{region}"
    period = {"from": date(year, 1, 1).isoformat(), "to": date(year, 12, 31).isoformat()}
    held, follow_up, participation, areas, known = await services.gather(
        services.json("actors", f"{base}/engagements", {**period, "limit": ENGAGEMENTS}),
        services.json("actors", f"{base}/cycles/follow-up", period),
        services.json("actors", f"{base}/participation", period),
        services.json("actors", f"{base}/strength-areas"),
        services.optional("actors", f"{base}/settings"),
    )
    return EngagementsPage(
        engagements=EngagementList.model_validate(held),
        follow_up=FollowUp.model_validate(follow_up),
        participation=Participation.model_validate(participation),
        areas={str(a.id): a for a in (StrengthAreaName.model_validate(x) for x in areas or [])},
        settings=ActorSettings.model_validate(known) if known else None,
    )
