"""The partnership pages' calls to the actors service: the region's groups with its composition,
and one group with its members over time and its composition; each page's calls made at once."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from ..adapters.services import Services
from ..schemas import ActorSettings, Group, GroupComposition, GroupList, MemberList, StrengthAreaName

GROUPS = 500
MEMBERS = 500


def _base(region: str) -> str:
    return f"/actors/regions/{region}"


def _areas(found: list[object] | None) -> dict[str, StrengthAreaName]:
    return {str(a.id): a for a in (StrengthAreaName.model_validate(x) for x in found or [])}


@dataclass
class PartnershipsPage:
    groups: GroupList
    composition: GroupComposition
    areas: dict[str, StrengthAreaName]
    settings: ActorSettings | None


async def load_partnerships(services: Services, region: str) -> PartnershipsPage:
    """The region's groups, the composition of all their members today, the strength areas (their
    names) and the region's settings: four calls at once."""
    base = _base(region)
    groups, composition, areas, known = await services.gather(
        services.json("actors", f"{base}/groups", {"limit": GROUPS}),
        services.json("actors", f"{base}/composition"),
        services.json("actors", f"{base}/strength-areas"),
        services.optional("actors", f"{base}/settings"),
    )
    return PartnershipsPage(
        groups=GroupList.model_validate(groups),
        composition=GroupComposition.model_validate(composition),
        areas=_areas(areas),
        settings=ActorSettings.model_validate(known) if known else None,
    )


@dataclass
class GroupPage:
    group: Group
    members: MemberList
    composition: GroupComposition
    areas: dict[str, StrengthAreaName]
    settings: ActorSettings | None


async def load_group(services: Services, region: str, group_id: UUID) -> GroupPage:
    """One group, every membership it had (joined and left), its composition today, the strength
    areas' names and the region's settings: five calls at once. Another region's group is
    :class:`~kraftsamla_web.adapters.services.NotFound`."""
    base = f"{_base(region)}/groups/{group_id}"
    group, members, composition, areas, known = await services.gather(
        services.json("actors", base),
        services.json("actors", f"{base}/members", {"limit": MEMBERS}),
        services.json("actors", f"{base}/composition"),
        services.json("actors", f"{_base(region)}/strength-areas"),
        services.optional("actors", f"{_base(region)}/settings"),
    )
    return GroupPage(
        group=Group.model_validate(group),
        members=MemberList.model_validate(members),
        composition=GroupComposition.model_validate(composition),
        areas=_areas(areas),
        settings=ActorSettings.model_validate(known) if known else None,
    )
