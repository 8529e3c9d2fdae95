"""Indicator measurements: the values of an action plan's sub-goals, one per sub-goal and year,
each announced as ``plans.indicator.measured.v1``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple
from uuid import UUID

from sqlalchemy import func, select

from kraftsamla_common.errors import NotFound, Unprocessable
from kraftsamla_common.events import Code, IndicatorMeasured, SubGoal, new_id, utcnow
from kraftsamla_common.exports import EXPORT_PAGE, within_bound
from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_common.service import Page

from ..domain.measurements import measurement_errors
from ..persistence.queries import published_contents
from ..persistence.tables import ActionPlan, IndicatorMeasurement
from ..schemas import MeasurementCreate, MeasurementUpdate
from .action_plans import ACTION_PLANS
from .checklist import refresh_checklists
from .documents import find_document
from .refusals import said


def measurement_fields(m: IndicatorMeasurement, plan: ActionPlan) -> dict[str, Any]:
    """What the API answers and the event announces of a measurement alike."""
    return {
        "action_plan_id": UUID(m.action_plan_id),
        "strength_area_id": UUID(plan.strength_area_id),
        "sub_goal_id": m.sub_goal_id,
        "year": m.year,
        "value": m.value,
        "measured_on": m.measured_on,
        "source": m.source,
        "note": m.note,
        "recorded_by": m.recorded_by,
    }


def _announce(uow: UnitOfWork, m: IndicatorMeasurement, plan: ActionPlan, *, deleted: bool = False) -> None:
    uow.emit(
        IndicatorMeasured(measurement_id=UUID(m.id), deleted=deleted, **measurement_fields(m, plan)),
        subject=m.id,
    )


def _measured(m: IndicatorMeasurement, body: MeasurementCreate | MeasurementUpdate, by: str) -> None:
    m.value, m.measured_on, m.source, m.note = body.value, body.measured_on, body.source, body.note
    m.recorded_by, m.updated_at = by, utcnow()


async def _find(
    uow: UnitOfWork, plan_id: UUID, measurement_id: UUID
) -> tuple[IndicatorMeasurement, ActionPlan]:
    plan = await find_document(uow, ACTION_PLANS, plan_id)
    m = await uow.session.get(IndicatorMeasurement, str(measurement_id))
    if m is None or m.action_plan_id != plan.id:
        raise NotFound("Measurement", measurement_id)
    return m, plan


async def record_measurement(
    uow: UnitOfWork, plan_id: UUID, body: MeasurementCreate, *, by: str
) -> tuple[IndicatorMeasurement, ActionPlan, bool]:
    """Record a value of a sub-goal's indicator for a year; the sub-goal must be one of the plan's
    latest published version. A value already recorded for that sub-goal and year is corrected
    instead. Answers the measurement, its plan and whether it is new."""
    plan = await find_document(uow, ACTION_PLANS, plan_id)
    published = (await published_contents(uow.session, [plan])).get(plan.id)
    errors = measurement_errors(published[0] if published else None, body.sub_goal_id)
    if errors:
        raise Unprocessable(said("refused_measurement"), errors)
    m = await uow.session.scalar(
        select(IndicatorMeasurement).where(
            IndicatorMeasurement.action_plan_id == plan.id,
            IndicatorMeasurement.sub_goal_id == body.sub_goal_id,
            IndicatorMeasurement.year == body.year,
        )
    )
    created = m is None
    if m is None:
        m = IndicatorMeasurement(
            id=str(new_id()),
            region=uow.region,
            action_plan_id=plan.id,
            sub_goal_id=body.sub_goal_id,
            year=body.year,
            created_at=utcnow(),
        )
        uow.session.add(m)
    _measured(m, body, by)
    _announce(uow, m, plan)
    await refresh_checklists(uow)
    await uow.commit()
    return m, plan, created


async def list_measurements(
    uow: UnitOfWork, plan_id: UUID, *, sub_goal_id: Code | None, page: Page
) -> tuple[Sequence[IndicatorMeasurement], int, ActionPlan]:
    """A page of the values measured for the plan's sub-goals (by sub-goal and year), how many there are, and the plan."""
    plan = await find_document(uow, ACTION_PLANS, plan_id)
    where = [IndicatorMeasurement.action_plan_id == plan.id]
    if sub_goal_id is not None:
        where.append(IndicatorMeasurement.sub_goal_id == sub_goal_id)
    total = await uow.session.scalar(select(func.count()).select_from(IndicatorMeasurement).where(*where))
    rows = await uow.session.scalars(
        select(IndicatorMeasurement)
        .where(*where)
        .order_by(IndicatorMeasurement.sub_goal_id, IndicatorMeasurement.year)
        .limit(page.limit)
        .offset(page.offset)
    )
    return rows.all(), total or 0, plan


class MeasurementList(NamedTuple):
    rows: Sequence[IndicatorMeasurement]
    plan: ActionPlan
    sub_goals: dict[str, SubGoal]
    """The sub-goals of the plan's latest published version, by id: their indicators and targets."""


async def export_measurements(uow: UnitOfWork, plan_id: UUID, *, sub_goal_id: Code | None) -> MeasurementList:
    """The values :func:`list_measurements` finds, all of them (at most
    :data:`~kraftsamla_common.exports.MAX_ROWS`: 422 above), with the sub-goals they measure."""
    rows, total, plan = await list_measurements(uow, plan_id, sub_goal_id=sub_goal_id, page=EXPORT_PAGE)
    within_bound(total)
    published = (await published_contents(uow.session, [plan])).get(plan.id)
    return MeasurementList(rows, plan, {g.id: g for g in published[0].sub_goals} if published else {})


async def get_measurement(
    uow: UnitOfWork, plan_id: UUID, measurement_id: UUID
) -> tuple[IndicatorMeasurement, ActionPlan]:
    return await _find(uow, plan_id, measurement_id)


async def correct_measurement(
    uow: UnitOfWork, plan_id: UUID, measurement_id: UUID, body: MeasurementUpdate, *, by: str
) -> tuple[IndicatorMeasurement, ActionPlan]:
    """Correct a measurement's value, date, source and note (replaced whole); its sub-goal and year stay."""
    m, plan = await _find(uow, plan_id, measurement_id)
    _measured(m, body, by)
    _announce(uow, m, plan)
    await refresh_checklists(uow)
    await uow.commit()
    return m, plan


async def withdraw_measurement(uow: UnitOfWork, plan_id: UUID, measurement_id: UUID) -> None:
    """Withdraw a measurement recorded in error; announced with ``deleted``."""
    m, plan = await _find(uow, plan_id, measurement_id)
    _announce(uow, m, plan, deleted=True)
    await uow.session.delete(m)
    await refresh_checklists(uow)
    await uow.commit()
