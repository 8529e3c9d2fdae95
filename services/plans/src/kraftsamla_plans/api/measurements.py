"""Indicator measurements: the values of an action plan's sub-goals, by sub-goal and year."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Query, Request, Response, status

from kraftsamla_common.auth import LeadScope, ReadScope
from kraftsamla_common.events import Code, utcnow
from kraftsamla_common.exports import TABLE_RESPONSES, FormatPath, ReaderLanguage, table_response
from kraftsamla_common.imports import XLSX
from kraftsamla_common.service import PageDep, UowDep, region_router

from ..adapters.exports import measurements_table, strength_area_name
from ..domain.measurements import ImportMode
from ..persistence.tables import ActionPlan, IndicatorMeasurement
from ..schemas import (
    MeasurementCreate,
    MeasurementImportedPublic,
    MeasurementImportErrorPublic,
    MeasurementImportPublic,
    MeasurementPublic,
    MeasurementsPublic,
    MeasurementUpdate,
)
from ..usecases import measurements
from ..usecases.measurements import measurement_fields

router = region_router("plans")

SubGoalQuery = Annotated[Code | None, Query(description="Only this sub-goal's values")]


def _public(m: IndicatorMeasurement, plan: ActionPlan) -> MeasurementPublic:
    return MeasurementPublic(
        id=UUID(m.id), created_at=m.created_at, updated_at=m.updated_at, **measurement_fields(m, plan)
    )


@router.post(
    "/action-plans/{plan_id}/measurements",
    status_code=status.HTTP_201_CREATED,
    response_model=MeasurementPublic,
    responses={
        200: {"model": MeasurementPublic, "description": "A value for that sub-goal and year was corrected"}
    },
)
async def record_measurement(
    plan_id: UUID, body: MeasurementCreate, scope: LeadScope, uow: UowDep, response: Response
) -> MeasurementPublic:
    """Record a value of a sub-goal's indicator for a year (201). The sub-goal must be one of the
    plan's latest published version. A value already recorded for that sub-goal and year is
    corrected instead (200): one value per sub-goal and year. Announced as
    ``plans.indicator.measured.v1``."""
    m, plan, created = await measurements.record_measurement(uow, plan_id, body, by=scope.principal.name)
    if not created:
        response.status_code = status.HTTP_200_OK
    return _public(m, plan)


@router.post(
    "/action-plans/{plan_id}/measurements/import",
    response_model=MeasurementImportPublic,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                XLSX: {"schema": {"type": "string", "format": "binary"}},
            },
            "description": "A CSV file (UTF-8; comma, semicolon or tab separated) or an Excel workbook "
            "(XLSX, its first sheet) with a header line: sub_goal_id, year, value, and optionally "
            "measured_on, source, note (or delmål/välitavoite, år/vuosi, värde/arvo, källa/lähde…). "
            "A value may use a decimal comma; dates are read as dates; formulas are not evaluated (a "
            "cell holding one is a bad row).",
        }
    },
    responses={
        413: {"description": "More than 5 MB (an XLSX unpacking to more than 50 MB) or 10,000 rows"},
        422: {
            "description": "In all_or_nothing mode: some rows are bad (``errors`` lists line, field and "
            "reason); nothing was recorded. Also a file that is neither CSV nor XLSX"
        },
    },
)
async def import_measurements(
    plan_id: UUID,
    request: Request,
    scope: LeadScope,
    uow: UowDep,
    mode: Annotated[
        ImportMode,
        Query(description="all_or_nothing: record every row or none; valid_rows: record the good rows"),
    ] = "all_or_nothing",
    dry_run: Annotated[
        bool, Query(description="Check every row and report what an import would do; write nothing")
    ] = False,
) -> MeasurementImportPublic:
    """Record many values of the plan's sub-goals at once, from CSV or XLSX, in one transaction:
    one row per sub-goal and year. The sub-goals must be those of the plan's latest published
    version; a value already recorded for a sub-goal and year is corrected. Every bad row is
    reported with its line, the field and the reason: in ``all_or_nothing`` mode (the default) one
    bad row means nothing is recorded (422, with the report), in ``valid_rows`` mode the good rows
    are recorded (200). ``dry_run=true`` checks every row and reports what an import would do, and
    writes nothing. Each value written is announced as ``plans.indicator.measured.v1``."""
    r = await measurements.import_measurements(
        uow,
        plan_id,
        await request.body(),
        content_type=request.headers.get("content-type"),
        mode=mode,
        dry_run=dry_run,
        by=scope.principal.name,
    )
    return MeasurementImportPublic(
        mode=r.mode,
        dry_run=r.dry_run,
        rows=r.rows,
        created=r.created,
        corrected=r.corrected,
        rejected=r.rejected,
        imported=[
            MeasurementImportedPublic(
                line=i.line,
                sub_goal_id=i.sub_goal_id,
                year=i.year,
                value=i.value,
                status=i.status,
                measurement_id=UUID(i.measurement_id) if i.measurement_id else None,
            )
            for i in r.imported
        ],
        errors=[
            MeasurementImportErrorPublic(line=e.line, field=e.field, message=e.message) for e in r.errors
        ],
    )


@router.get("/action-plans/{plan_id}/measurements", response_model=MeasurementsPublic)
async def list_measurements(
    plan_id: UUID,
    scope: ReadScope,
    uow: UowDep,
    page: PageDep,
    sub_goal_id: SubGoalQuery = None,
) -> MeasurementsPublic:
    """The values measured for the plan's sub-goals, by sub-goal and year."""
    rows, total, plan = await measurements.list_measurements(uow, plan_id, sub_goal_id=sub_goal_id, page=page)
    return MeasurementsPublic(data=[_public(m, plan) for m in rows], count=total)


@router.get("/action-plans/{plan_id}/measurements.{fmt}", response_class=Response, responses=TABLE_RESPONSES)
async def download_measurements(
    plan_id: UUID,
    fmt: FormatPath,
    scope: ReadScope,
    uow: UowDep,
    language: ReaderLanguage,
    sub_goal_id: SubGoalQuery = None,
) -> Response:
    """The plan's indicator values for a spreadsheet (``.xlsx``, or ``.csv`` in the reader's
    locale), with the list's filter and without its pages (at most 50,000 rows; 422 above): each
    value with its sub-goal, indicator, unit, baseline and target."""
    found = await measurements.export_measurements(uow, plan_id, sub_goal_id=sub_goal_id)
    table = measurements_table(found, language)
    area = strength_area_name(found.plan, language)
    return await table_response(table, fmt, language, table.title, area, utcnow().date())


@router.get("/action-plans/{plan_id}/measurements/{measurement_id}", response_model=MeasurementPublic)
async def get_measurement(
    plan_id: UUID, measurement_id: UUID, scope: ReadScope, uow: UowDep
) -> MeasurementPublic:
    return _public(*await measurements.get_measurement(uow, plan_id, measurement_id))


@router.put("/action-plans/{plan_id}/measurements/{measurement_id}", response_model=MeasurementPublic)
async def correct_measurement(
    plan_id: UUID, measurement_id: UUID, body: MeasurementUpdate, scope: LeadScope, uow: UowDep
) -> MeasurementPublic:
    """Correct a measurement's value, date, source and note (replaced whole); its sub-goal and year
    stay. Announced as ``plans.indicator.measured.v1``."""
    return _public(
        *await measurements.correct_measurement(uow, plan_id, measurement_id, body, by=scope.principal.name)
    )


@router.delete(
    "/action-plans/{plan_id}/measurements/{measurement_id}", status_code=status.HTTP_204_NO_CONTENT
)
async def withdraw_measurement(
    plan_id: UUID, measurement_id: UUID, scope: LeadScope, uow: UowDep
) -> Response:
    """Withdraw a measurement recorded in error; announced with ``deleted``."""
    await measurements.withdraw_measurement(uow, plan_id, measurement_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
