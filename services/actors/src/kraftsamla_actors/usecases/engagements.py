"""Engagements: actor meetings, workshops, seminars, interviews, surveys… with their participants,
and participation in them over a period."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, NamedTuple
from uuid import UUID

from sqlalchemy import ColumnElement, delete, select

from kraftsamla_common import bounds
from kraftsamla_common.errors import NotFound, Unprocessable
from kraftsamla_common.events import EngagementKind, EngagementRecorded, new_id, utcnow
from kraftsamla_common.exports import EXPORT_PAGE, within_bound
from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_common.service import Page

from ..domain import participation
from ..persistence.tables import Actor, Cycle, Engagement, KnownStrengthArea, Participant, Person
from ..schemas import EngagementCreate
from . import references
from .shared import municipality_errors, today

IDS_PER_QUERY = 10_000
"""Engagements whose participants one query reads (PostgreSQL takes at most 32,767 parameters)."""


class EngagementRow(NamedTuple):
    engagement: Engagement
    participants: list[Participant]
    """Those listed, in the order given."""


class EngagementList(NamedTuple):
    rows: list[EngagementRow]
    strength_areas: dict[str, KnownStrengthArea]
    """The region's strength areas by id, to name them."""


class ParticipationReport(NamedTuple):
    period_from: date
    period_to: date
    total: participation.Participation
    by_strength_area: list[participation.AreaParticipation]


async def _engagement(uow: UnitOfWork, engagement_id: UUID) -> Engagement:
    e = await uow.session.get(Engagement, str(engagement_id))
    if e is None or e.region != uow.region:
        raise NotFound("Engagement", engagement_id)
    return e


async def participants(uow: UnitOfWork, engagements: Sequence[Engagement]) -> dict[str, list[Participant]]:
    """The listed participants of each engagement, in the order given, in a query per
    :data:`IDS_PER_QUERY` engagements (a database takes only so many parameters)."""
    found: dict[str, list[Participant]] = {e.id: [] for e in engagements}
    ids = list(found)
    for start in range(0, len(ids), IDS_PER_QUERY):
        rows = await uow.session.scalars(
            select(Participant)
            .where(Participant.engagement_id.in_(ids[start : start + IDS_PER_QUERY]))
            .order_by(Participant.engagement_id, Participant.position)
        )
        for p in rows.all():
            found[p.engagement_id].append(p)
    return found


def engagement_event(
    e: Engagement, rows: Sequence[Participant], *, deleted: bool = False
) -> EngagementRecorded:
    return EngagementRecorded(
        engagement_id=UUID(e.id),
        kind=e.kind,  # type: ignore[arg-type]
        title=e.title,
        held_on=e.held_on,
        strength_area_ids=[UUID(s) for s in e.strength_area_ids],
        municipality=e.municipality,
        cycle_id=UUID(e.cycle_id) if e.cycle_id else None,
        person_ids=[UUID(r.person_id) for r in rows if r.person_id],
        actor_ids=list(dict.fromkeys(UUID(r.actor_id) for r in rows)),
        head_count=e.head_count,
        participations=len(rows) + e.head_count,
        deleted=deleted,
    )


async def _resolve_participants(
    uow: UnitOfWork, body: EngagementCreate
) -> tuple[list[tuple[str | None, str]], list[dict[str, Any]]]:
    """(person, actor) of each participant listed, and what is wrong with those that cannot be (every
    id is of the region: checked with the body's other ids)."""
    out: list[tuple[str | None, str]] = []
    errors: list[dict[str, Any]] = []
    for i, ref in enumerate(body.participants):
        if ref.person_id is not None:
            p = await uow.session.get(Person, str(ref.person_id))
            assert p is not None
            if p.erased_at is not None:
                errors.append(
                    {"pointer": f"/participants/{i}/person_id", "message": "this person's data was erased"}
                )
            else:
                out.append((p.id, p.actor_id))
        else:
            a = await uow.session.get(Actor, str(ref.actor_id))
            assert a is not None
            if a.merged_into_id is not None:
                errors.append(
                    {"pointer": f"/participants/{i}/actor_id", "message": f"merged into {a.merged_into_id}"}
                )
            else:
                out.append((None, a.id))
    return out, errors


async def _cycle_for(uow: UnitOfWork, body: EngagementCreate) -> str | None:
    """The cycle named (of the region: checked with the body's other ids), or else the one cycle of
    the same kind and strength area running that day."""
    if body.cycle_id is not None:
        return str(body.cycle_id)
    areas = {str(s) for s in body.strength_area_ids}
    candidates = [
        c
        for c in (
            await uow.session.scalars(
                select(Cycle).where(Cycle.region == uow.region, Cycle.kind == body.kind)
            )
        ).all()
        if c.strength_area_id in areas
        and c.starts_on <= body.held_on
        and (c.ends_on is None or body.held_on <= c.ends_on)
    ]
    return candidates[0].id if len(candidates) == 1 else None


async def _save_engagement(uow: UnitOfWork, body: EngagementCreate, e: Engagement | None) -> EngagementRow:
    errors = await references.unknown(uow, body)
    errors += await municipality_errors(uow, body.municipality, "/municipality")
    if not errors:
        people, errors = await _resolve_participants(uow, body)
    if errors:
        raise Unprocessable("The engagement cannot be recorded.", errors)
    cycle_id = await _cycle_for(uow, body)
    if e is None:
        e = Engagement(id=str(new_id()), region=uow.region, created_at=utcnow())
        uow.session.add(e)
    else:
        await uow.session.execute(delete(Participant).where(Participant.engagement_id == e.id))
    e.kind, e.title, e.held_on = body.kind, body.title, body.held_on
    e.strength_area_ids = [str(s) for s in dict.fromkeys(body.strength_area_ids)]
    e.municipality, e.cycle_id, e.head_count, e.notes = (
        body.municipality,
        cycle_id,
        body.head_count,
        body.notes,
    )
    rows = [
        Participant(region=uow.region, engagement_id=e.id, position=i, person_id=pid, actor_id=aid)
        for i, (pid, aid) in enumerate(people)
    ]
    uow.session.add_all(rows)
    uow.emit(engagement_event(e, rows), subject=e.id)
    await uow.commit()
    return EngagementRow(e, rows)


async def record_engagement(uow: UnitOfWork, body: EngagementCreate) -> EngagementRow:
    """Record an engagement with its participants, announced as ``EngagementRecorded``."""
    return await _save_engagement(uow, body, None)


async def correct_engagement(uow: UnitOfWork, engagement_id: UUID, body: EngagementCreate) -> EngagementRow:
    """Correct a recorded engagement (replaces it whole)."""
    return await _save_engagement(uow, body, await _engagement(uow, engagement_id))


async def delete_engagement(uow: UnitOfWork, engagement_id: UUID) -> None:
    """Delete an engagement recorded in error (announced with ``deleted``)."""
    e = await _engagement(uow, engagement_id)
    rows = (await participants(uow, [e]))[e.id]
    uow.emit(engagement_event(e, rows, deleted=True), subject=e.id)
    await uow.session.execute(delete(Participant).where(Participant.engagement_id == e.id))
    await uow.session.delete(e)
    await uow.commit()


def period(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    """The period asked for: by default this calendar year, or the year ``date_from`` falls in."""
    lo = date_from or date(today().year, 1, 1)
    hi = date_to or date(lo.year, 12, 31)
    errors = bounds.period_errors(lo, hi, start_name="from", end_name="to")
    if errors:
        raise Unprocessable("The period asked about is not one.", errors)
    return lo, hi


async def engagements_in(
    uow: UnitOfWork, lo: date, hi: date, kind: EngagementKind | None = None
) -> list[Engagement]:
    """The region's engagements held from ``lo`` to ``hi`` (both included), in order."""
    where: list[ColumnElement[bool]] = [
        Engagement.region == uow.region,
        Engagement.held_on >= lo,
        Engagement.held_on <= hi,
    ]
    if kind is not None:
        where.append(Engagement.kind == kind)
    return list(
        (
            await uow.session.scalars(
                select(Engagement).where(*where).order_by(Engagement.held_on, Engagement.id)
            )
        ).all()
    )


async def list_engagements(
    uow: UnitOfWork,
    page: Page,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    strength_area_id: UUID | None = None,
    kind: EngagementKind | None = None,
) -> tuple[list[EngagementRow], int]:
    found = await engagements_in(uow, date_from or date.min, date_to or date.max, kind)
    if strength_area_id is not None:
        found = [e for e in found if str(strength_area_id) in e.strength_area_ids]
    shown = page.slice(found)
    listed = await participants(uow, shown)
    return [EngagementRow(e, listed[e.id]) for e in shown], len(found)


async def export_engagements(uow: UnitOfWork, **filters: Any) -> EngagementList:
    """The engagements :func:`list_engagements` finds with ``filters``, all of them (at most
    :data:`~kraftsamla_common.exports.MAX_ROWS`: 422 above), with the region's strength areas."""
    rows, total = await list_engagements(uow, EXPORT_PAGE, **filters)
    within_bound(total)
    areas = await uow.session.scalars(select(KnownStrengthArea).where(KnownStrengthArea.region == uow.region))
    return EngagementList(rows, {a.id: a for a in areas.all()})


async def get_engagement(uow: UnitOfWork, engagement_id: UUID) -> EngagementRow:
    e = await _engagement(uow, engagement_id)
    return EngagementRow(e, (await participants(uow, [e]))[e.id])


async def participation_over(
    uow: UnitOfWork, *, date_from: date | None = None, date_to: date | None = None
) -> ParticipationReport:
    """Engagements over a period: participations and unique participants, in all and per
    strength area."""
    lo, hi = period(date_from, date_to)
    engagements = await engagements_in(uow, lo, hi)
    by_engagement = await participants(uow, engagements)
    attendances = [
        participation.Attendance(
            kind=e.kind,
            strength_area_ids=tuple(e.strength_area_ids),
            people=tuple(p.person_id for p in by_engagement[e.id] if p.person_id),
            actors=tuple(p.actor_id for p in by_engagement[e.id]),
            listed=len(by_engagement[e.id]),
            head_count=e.head_count,
        )
        for e in engagements
    ]
    areas = {
        r.id: r.code
        for r in (
            await uow.session.scalars(select(KnownStrengthArea).where(KnownStrengthArea.region == uow.region))
        ).all()
    }
    return ParticipationReport(
        lo,
        hi,
        participation.participation(attendances),
        participation.participation_by_area(attendances, areas),
    )
