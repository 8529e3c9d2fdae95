"""The RIS3 self-assessment of a programme, once a year: recorded (or replaced) whole, listed, read;
each write announced as ``plans.self_assessment.recorded.v1``."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select

from kraftsamla_common.errors import NotFound
from kraftsamla_common.events import SelfAssessmentRecorded, SelfAssessmentScores, new_id, utcnow
from kraftsamla_common.messaging import UnitOfWork

from ..persistence.tables import SelfAssessment
from .programmes import find_programme


def _announce(uow: UnitOfWork, a: SelfAssessment) -> None:
    uow.emit(
        SelfAssessmentRecorded(
            programme_id=UUID(a.programme_id),
            year=a.year,
            scores=a.scores,
            recorded_at=a.recorded_at,
            recorded_by=a.recorded_by,
        ),
        subject=f"{a.programme_id}-{a.year}",
    )


async def record_self_assessment(
    uow: UnitOfWork, programme_id: UUID, year: int, body: SelfAssessmentScores, *, by: str
) -> tuple[SelfAssessment, bool]:
    """Record the programme's self-assessment of ``year``, or replace it whole; answers it and
    whether it is new."""
    programme = await find_programme(uow, programme_id)
    found = await uow.session.scalar(
        select(SelfAssessment).where(SelfAssessment.programme_id == programme.id, SelfAssessment.year == year)
    )
    now = utcnow()
    created = found is None
    if found is None:
        found = SelfAssessment(
            id=str(new_id()), region=uow.region, programme_id=programme.id, year=year, created_at=now
        )
        uow.session.add(found)
    found.scores = {k: v.model_dump(mode="json") for k, v in body.scores.items()}
    found.recorded_by, found.recorded_at = by, now
    await uow.session.flush()
    _announce(uow, found)
    await uow.commit()
    return found, created


async def list_self_assessments(uow: UnitOfWork, programme_id: UUID) -> Sequence[SelfAssessment]:
    """Every year's self-assessment of the programme, the latest year first (one a year: a
    programme's whole period fits in one answer)."""
    programme = await find_programme(uow, programme_id)
    rows = await uow.session.scalars(
        select(SelfAssessment)
        .where(SelfAssessment.programme_id == programme.id)
        .order_by(SelfAssessment.year.desc())
    )
    return rows.all()


async def get_self_assessment(uow: UnitOfWork, programme_id: UUID, year: int) -> SelfAssessment:
    programme = await find_programme(uow, programme_id)
    found = await uow.session.scalar(
        select(SelfAssessment).where(SelfAssessment.programme_id == programme.id, SelfAssessment.year == year)
    )
    if found is None:
        raise NotFound("Self-assessment", year)
    return found
