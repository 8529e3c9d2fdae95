"""Indicator measurements: the values of an action plan's sub-goals, one per sub-goal and year,
each announced as ``plans.indicator.measured.v1``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple
from uuid import UUID

from pydantic import ValidationError
from sqlalchemy import func, select

from kraftsamla_common.errors import NotFound, Unprocessable
from kraftsamla_common.events import Code, IndicatorMeasured, SubGoal, new_id, utcnow
from kraftsamla_common.exports import EXPORT_PAGE, within_bound
from kraftsamla_common.imports import read_table
from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_common.service import Page

from ..domain.measurements import ImportMode, RowError, TableFormatError, measurement_errors, measurement_rows
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
    m, created = await _value_of(uow, plan, body.sub_goal_id, body.year)
    _measured(m, body, by)
    _announce(uow, m, plan)
    await refresh_checklists(uow)
    await uow.commit()
    return m, plan, created


async def _value_of(
    uow: UnitOfWork, plan: ActionPlan, sub_goal_id: str, year: int
) -> tuple[IndicatorMeasurement, bool]:
    """The value recorded for the sub-goal and year, or a new one added to the session; and whether it is new."""
    m = await uow.session.scalar(
        select(IndicatorMeasurement).where(
            IndicatorMeasurement.action_plan_id == plan.id,
            IndicatorMeasurement.sub_goal_id == sub_goal_id,
            IndicatorMeasurement.year == year,
        )
    )
    if m is not None:
        return m, False
    m = IndicatorMeasurement(
        id=str(new_id()),
        region=uow.region,
        action_plan_id=plan.id,
        sub_goal_id=sub_goal_id,
        year=year,
        created_at=utcnow(),
    )
    uow.session.add(m)
    return m, True


@dataclass
class ImportedValue:
    line: int
    sub_goal_id: str
    year: int
    value: float
    status: Literal["created", "corrected"]
    measurement_id: str | None
    """None in a dry run for a value that would be created."""


@dataclass
class MeasurementImport:
    """What an import of values did with each line: the values it recorded or corrected, the bad lines."""

    mode: ImportMode
    dry_run: bool
    rows: int
    rejected: int
    errors: list[RowError]
    created: int = 0
    corrected: int = 0
    imported: list[ImportedValue] = field(default_factory=list)


def _row_errors(line: int, exc: ValidationError) -> list[RowError]:
    return [
        RowError(line=line, field=str(e["loc"][0]) if e.get("loc") else None, message=e.get("msg", ""))
        for e in exc.errors()
    ]


async def import_measurements(
    uow: UnitOfWork,
    plan_id: UUID,
    raw: bytes,
    *,
    content_type: str | None,
    mode: ImportMode,
    dry_run: bool,
    by: str,
) -> MeasurementImport:
    """Record many values of the plan's sub-goals at once from a CSV or XLSX table (sub-goal, year,
    value; optionally measured_on, source, note), in one transaction. Every bad row is reported by
    line and field; ``all_or_nothing`` refuses the whole file for one bad row (422), ``valid_rows``
    records the good ones; a dry run checks every row and writes nothing. A value for a sub-goal and
    year already recorded is corrected; each value written is announced as ``plans.indicator.measured.v1``."""
    plan = await find_document(uow, ACTION_PLANS, plan_id)
    table = read_table(raw, content_type)
    try:
        rows = measurement_rows(table.header, [(r.line, r.cells, r.formulas) for r in table.rows])
    except TableFormatError as exc:
        raise Unprocessable(
            f"The file cannot be read: {exc}.", [{"pointer": "", "message": str(exc)}]
        ) from None
    published = (await published_contents(uow.session, [plan])).get(plan.id)
    content = published[0] if published else None
    errors: list[RowError] = []
    good: list[tuple[int, MeasurementCreate]] = []
    seen: dict[tuple[str, int], int] = {}
    for line, row, problems in rows:
        if problems:
            errors += [RowError(line, p["pointer"].lstrip("/") or None, p["message"]) for p in problems]
            continue
        try:
            body = MeasurementCreate.model_validate(row)
        except ValidationError as exc:
            errors += _row_errors(line, exc)
            continue
        wrong = measurement_errors(content, body.sub_goal_id)
        if wrong:
            errors += [RowError(line, p["pointer"].lstrip("/"), p["message"]) for p in wrong]
            continue
        key = (body.sub_goal_id, body.year)
        if key in seen:
            errors.append(RowError(line, None, f"the sub-goal and year are already on line {seen[key]}"))
            continue
        seen[key] = line
        good.append((line, body))
    rejected = len({e.line for e in errors})
    if errors and mode == "all_or_nothing" and not dry_run:
        raise Unprocessable(
            f"{rejected} of {len(rows)} rows are bad; nothing was recorded. Correct them, or import with "
            "mode=valid_rows to record the good rows.",
            [e._asdict() for e in errors],
        )
    report = MeasurementImport(mode=mode, dry_run=dry_run, rows=len(rows), rejected=rejected, errors=errors)
    for line, body in good:
        if dry_run:
            existing = await uow.session.scalar(
                select(IndicatorMeasurement.id).where(
                    IndicatorMeasurement.action_plan_id == plan.id,
                    IndicatorMeasurement.sub_goal_id == body.sub_goal_id,
                    IndicatorMeasurement.year == body.year,
                )
            )
            created, ident = existing is None, existing
        else:
            m, created = await _value_of(uow, plan, body.sub_goal_id, body.year)
            _measured(m, body, by)
            _announce(uow, m, plan)
            ident = m.id
        report.created += created
        report.corrected += not created
        report.imported.append(
            ImportedValue(
                line, body.sub_goal_id, body.year, body.value, "created" if created else "corrected", ident
            )
        )
    if not dry_run and good:
        await refresh_checklists(uow)
        await uow.commit()
    return report


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
