"""Programmes and their strength areas: created, changed and adopted, each change announced with
the whole programme. Every strength area has an action plan, created with it as an empty draft."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from sqlalchemy import func, select

from kraftsamla_common.errors import Conflict, NotFound, Unprocessable
from kraftsamla_common.events import (
    ActionPlanContent,
    Adoption,
    ChecklistCriterion,
    ChecklistEvaluated,
    LocalizedText,
    ProgrammeAdopted,
    ProgrammeCreated,
    ProgrammeState,
    ProgrammeUpdated,
    StrengthAreaSnapshot,
    new_id,
    utcnow,
)
from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_common.preconditions import require_match
from kraftsamla_common.service import Page

from ..domain.documents import etag
from ..persistence.queries import areas_with_plans, known_names
from ..persistence.tables import ActionPlan, Programme, ProgrammeChecklist, StrengthArea
from ..schemas import ProgrammeCreate, ProgrammeUpdate, StrengthAreaCreate, StrengthAreaUpdate
from . import references
from .checklist import evaluate_checklist, refresh_checklists
from .refusals import said


@dataclass(frozen=True)
class ProgrammeView:
    """A programme with its strength areas (by code, each with its action plan) and the names the
    actors service gave the process leaders."""

    programme: Programme
    areas: list[tuple[StrengthArea, ActionPlan]]
    names: dict[str, str]


def text(value: dict[str, Any] | None) -> LocalizedText | None:
    return LocalizedText.model_validate(value) if value else None


def adoption(p: Programme) -> Adoption | None:
    if p.adopted_on is None or p.adopted_by is None:
        return None
    return Adoption(adopted_on=p.adopted_on, body=p.adopted_by, paragraph=p.adoption_paragraph)


def snapshot(sa: StrengthArea) -> StrengthAreaSnapshot:
    return StrengthAreaSnapshot(
        id=UUID(sa.id),
        code=sa.code,
        name=LocalizedText.model_validate(sa.name),
        description=text(sa.description),
        process_leader_id=UUID(sa.process_leader_id) if sa.process_leader_id else None,
        nace_codes=sa.nace_codes,
        sdgs=sa.sdgs,
    )


def _programme_event(
    kind: type[ProgrammeState], p: Programme, areas: Sequence[StrengthArea]
) -> ProgrammeState:
    return kind(
        programme_id=UUID(p.id),
        title=p.title,
        reference=p.reference,
        period_start=p.period_start,
        period_end=p.period_end,
        vision=text(p.vision),
        adoption=adoption(p),
        strength_areas=[snapshot(a) for a in areas],
    )


async def find_programme(uow: UnitOfWork, programme_id: UUID) -> Programme:
    p = await uow.session.get(Programme, str(programme_id))
    if p is None or p.region != uow.region:
        raise NotFound("Programme", programme_id)
    return p


async def _views(uow: UnitOfWork, programmes: Sequence[Programme]) -> list[ProgrammeView]:
    rows = await areas_with_plans(uow.session, [p.id for p in programmes])
    names = (
        await known_names(uow.session, programmes[0].region, [sa.process_leader_id for sa, _ in rows])
        if programmes
        else {}
    )
    return [
        ProgrammeView(p, [(sa, plan) for sa, plan in rows if sa.programme_id == p.id], names)
        for p in programmes
    ]


async def _view(uow: UnitOfWork, p: Programme) -> ProgrammeView:
    return (await _views(uow, [p]))[0]


def _new_area(
    programme_id: str, body: StrengthAreaCreate, region: str, now: datetime
) -> tuple[StrengthArea, ActionPlan]:
    area = StrengthArea(
        id=str(new_id()),
        region=region,
        programme_id=programme_id,
        code=body.code,
        name=body.name.model_dump(exclude_none=True),
        description=body.description.model_dump(exclude_none=True) if body.description else None,
        process_leader_id=str(body.process_leader_id) if body.process_leader_id else None,
        nace_codes=body.nace_codes,
        sdgs=body.sdgs,
    )
    plan = ActionPlan(
        id=str(new_id()),
        region=region,
        strength_area_id=area.id,
        strength_area=area,
        draft=ActionPlanContent().model_dump(mode="json"),
        draft_revision=1,
        current_version=0,
        created_at=now,
        updated_at=now,
    )
    return area, plan


async def create_programme(uow: UnitOfWork, body: ProgrammeCreate) -> ProgrammeView:
    """Create a programme with its strength areas; each strength area gets an empty action-plan draft."""
    await references.check(uow, body, said("refused_programme_create"))
    now = utcnow()
    programme = Programme(
        id=str(new_id()),
        region=uow.region,
        title=body.title,
        reference=body.reference,
        period_start=body.period_start,
        period_end=body.period_end,
        vision=body.vision.model_dump(exclude_none=True) if body.vision else None,
        revision=1,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(programme)
    await uow.session.flush()
    pairs = [_new_area(programme.id, sa, uow.region, now) for sa in body.strength_areas]
    uow.session.add_all([a for a, _ in pairs])
    await uow.session.flush()
    uow.session.add_all([p for _, p in pairs])
    await uow.session.flush()
    uow.emit(_programme_event(ProgrammeCreated, programme, [a for a, _ in pairs]), subject=programme.id)
    result = await _view(uow, programme)
    await refresh_checklists(uow)
    await uow.commit()
    return result


async def list_programmes(
    uow: UnitOfWork, *, year: int | None, status: Literal["draft", "adopted"] | None, page: Page
) -> tuple[list[ProgrammeView], int]:
    """A page of the region's programmes (those whose period covers ``year``, in ``status``) and how many there are."""
    where = [Programme.region == uow.region]
    if year is not None:
        where += [Programme.period_start <= year, Programme.period_end >= year]
    if status == "adopted":
        where.append(Programme.adopted_on.is_not(None))
    elif status == "draft":
        where.append(Programme.adopted_on.is_(None))
    total = await uow.session.scalar(select(func.count()).select_from(Programme).where(*where))
    programmes = (
        await uow.session.scalars(
            select(Programme)
            .where(*where)
            .order_by(Programme.created_at, Programme.id)
            .limit(page.limit)
            .offset(page.offset)
        )
    ).all()
    return await _views(uow, programmes), total or 0


async def get_programme(uow: UnitOfWork, programme_id: UUID) -> ProgrammeView:
    return await _view(uow, await find_programme(uow, programme_id))


async def _announce(
    uow: UnitOfWork, p: Programme, kind: type[ProgrammeState] = ProgrammeUpdated
) -> ProgrammeView:
    """Count the change in the programme's revision, announce the programme, commit."""
    p.revision += 1
    p.updated_at = utcnow()
    await uow.session.flush()
    view = await _view(uow, p)
    uow.emit(_programme_event(kind, p, [sa for sa, _ in view.areas]), subject=p.id)
    await refresh_checklists(uow)
    await uow.commit()
    return view


async def update_programme(
    uow: UnitOfWork, programme_id: UUID, body: ProgrammeUpdate, *, if_match: str | None
) -> ProgrammeView:
    """Change the title, reference, period or vision of the programme at the revision ``if_match`` names."""
    p = await find_programme(uow, programme_id)
    require_match(if_match, etag(p.id, p.revision))
    changes = body.model_dump(exclude_unset=True)
    if "title" in changes and body.title is None:
        raise Unprocessable(
            said("refused_programme_title"), [{"pointer": "/title", "message": "cannot be null"}]
        )
    start = changes.get("period_start") or p.period_start
    end = changes.get("period_end") or p.period_end
    if end < start:
        raise Unprocessable(
            said("refused_period_order"),
            [{"pointer": "/period_end", "message": "before period_start"}],
        )
    for key, value in changes.items():
        setattr(
            p, key, body.vision.model_dump(exclude_none=True) if key == "vision" and body.vision else value
        )
    return await _announce(uow, p)


async def adopt_programme(uow: UnitOfWork, programme_id: UUID, body: Adoption) -> ProgrammeView:
    """Record the programme's adoption: the date, the body that adopted it and the paragraph."""
    p = await find_programme(uow, programme_id)
    if p.adopted_on is not None:
        raise Conflict(said("refused_programme_adopted", day=p.adopted_on.isoformat()))
    p.adopted_on, p.adopted_by, p.adoption_paragraph = body.adopted_on, body.body, body.paragraph
    return await _announce(uow, p, ProgrammeAdopted)


async def add_strength_area(
    uow: UnitOfWork, programme_id: UUID, body: StrengthAreaCreate, *, if_match: str | None
) -> ProgrammeView:
    """Add a strength area (with an empty action-plan draft) to the programme at the revision ``if_match`` names."""
    p = await find_programme(uow, programme_id)
    require_match(if_match, etag(p.id, p.revision))
    if any(sa.code == body.code for sa, _ in await areas_with_plans(uow.session, [p.id])):
        raise Conflict(said("refused_strength_area_code", code=body.code))
    await references.check(uow, body, said("refused_strength_area_add"))
    area, plan = _new_area(p.id, body, uow.region, utcnow())
    uow.session.add(area)
    await uow.session.flush()
    uow.session.add(plan)
    return await _announce(uow, p)


async def update_strength_area(
    uow: UnitOfWork, strength_area_id: UUID, body: StrengthAreaUpdate, *, if_match: str | None
) -> ProgrammeView:
    """Change a strength area's names, description, process leader or codes; ``if_match`` names the
    programme's revision."""
    area = await uow.session.get(StrengthArea, str(strength_area_id))
    if area is None or area.region != uow.region:
        raise NotFound("Strength area", strength_area_id)
    p = await find_programme(uow, UUID(area.programme_id))
    require_match(if_match, etag(p.id, p.revision))
    changes = body.model_dump(exclude_unset=True)
    if "name" in changes and body.name is None:
        raise Unprocessable(
            said("refused_strength_area_name"), [{"pointer": "/name", "message": "cannot be null"}]
        )
    await references.check(uow, body, said("refused_strength_area_change"))
    for key in changes:
        value = getattr(body, key)
        if isinstance(value, LocalizedText):
            value = value.model_dump(exclude_none=True)
        elif isinstance(value, UUID):
            value = str(value)
        setattr(area, key, value)
    return await _announce(uow, p)


async def read_checklist(uow: UnitOfWork, programme_id: UUID) -> ChecklistEvaluated:
    """The programme's checklist as last evaluated and announced (the report shows the same); a
    programme never evaluated yet is evaluated now, without keeping it."""
    programme = await find_programme(uow, programme_id)
    kept = await uow.session.get(ProgrammeChecklist, programme.id)
    if kept is None:
        return await evaluate_checklist(uow, programme, utcnow())
    return ChecklistEvaluated(
        programme_id=UUID(programme.id),
        evaluated_at=kept.evaluated_at,
        valid_until=kept.valid_until,
        criteria=[ChecklistCriterion.model_validate(c) for c in kept.criteria],
    )
