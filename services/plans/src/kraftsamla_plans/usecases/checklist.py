"""EU enabling condition 1.1: the evidence a programme's checklist is evaluated from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import select

from kraftsamla_common.events import LocalizedText, utcnow
from kraftsamla_common.messaging import UnitOfWork

from ..domain.checklist import AreaState, Criterion, ProgrammeState, checklist
from ..persistence.queries import areas_with_plans, known_names, published_contents
from ..persistence.tables import KnownActor, KnownEngagement
from .programmes import find_programme


@dataclass(frozen=True)
class Evaluation:
    programme_id: UUID
    evaluated_at: datetime
    criteria: list[Criterion]

    @property
    def met(self) -> int:
        return sum(c.status == "met" for c in self.criteria)


async def _engagements(uow: UnitOfWork, since: datetime) -> dict[str, list[int]]:
    """Engagements and participations since ``since``, by strength area id."""
    tallies: dict[str, list[int]] = {}
    for e in (
        await uow.session.scalars(
            select(KnownEngagement).where(
                KnownEngagement.region == uow.region, KnownEngagement.held_on >= since.date()
            )
        )
    ).all():
        for sa_id in e.strength_area_ids:
            tally = tallies.setdefault(sa_id, [0, 0])
            tally[0] += 1
            tally[1] += e.participations
    return tallies


async def _groups(uow: UnitOfWork) -> dict[str, list[tuple[str, str, str]]]:
    """The groups the actors service ties to a strength area, as (kind, id, name), by strength area id."""
    groups: dict[str, list[tuple[str, str, str]]] = {}
    for g in (
        await uow.session.scalars(
            select(KnownActor)
            .where(KnownActor.region == uow.region, KnownActor.kind == "group")
            .order_by(KnownActor.name)
        )
    ).all():
        if g.strength_area_id and g.group_kind:
            groups.setdefault(g.strength_area_id, []).append((g.group_kind, g.id, g.name))
    return groups


async def evaluate_checklist(uow: UnitOfWork, programme_id: UUID) -> Evaluation:
    """Each criterion with the evidence the platform holds, and what is missing."""
    p = await find_programme(uow, programme_id)
    rows = await areas_with_plans(uow.session, [p.id])
    published = await published_contents(uow.session, [plan for _, plan in rows])
    refs: list[str | None] = [sa.process_leader_id for sa, _ in rows]
    for content, _ in published.values():
        refs += [
            str(g) for g in (content.governance.steering_group_id, content.governance.partnership_id) if g
        ]
    names = await known_names(uow.session, uow.region, refs)
    now = utcnow()
    tallies = await _engagements(uow, now - timedelta(days=365))
    groups = await _groups(uow)
    state = ProgrammeState(
        programme_id=UUID(p.id),
        title=p.title,
        adopted_by=p.adopted_by,
        adopted_on=p.adopted_on,
        paragraph=p.adoption_paragraph,
        areas=[
            AreaState(
                strength_area_id=UUID(sa.id),
                code=sa.code,
                name=LocalizedText.model_validate(sa.name),
                process_leader_id=UUID(sa.process_leader_id) if sa.process_leader_id else None,
                nace_codes=sa.nace_codes,
                published=published[plan.id][0] if plan.id in published else None,
                published_at=published[plan.id][1] if plan.id in published else None,
                action_plan_id=UUID(plan.id),
                engagements=tallies.get(sa.id, [0, 0])[0],
                participations=tallies.get(sa.id, [0, 0])[1],
                groups=tuple(groups.get(sa.id, [])),
            )
            for sa, plan in rows
        ],
    )
    criteria = checklist(state, lambda ident: names.get(str(ident)), now)
    return Evaluation(programme_id=UUID(p.id), evaluated_at=now, criteria=criteria)
