"""Indicators: each action plan's sub-goals with their indicator and values by year against the
baseline and the target (a chart and a table of the same figures), one value recorded, many
imported from a CSV or XLSX file after a check that writes nothing."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from ..adapters import render as html
from ..adapters import session
from ..adapters.services import Refused
from ..domain import indicators as rules
from ..domain.indicators import (
    IMPORT_LIMIT,
    Carried,
    ValueForm,
    carry_key,
    goal_chart,
    goal_figures,
    import_error,
    may_record,
    seal,
    unseal,
    upload_type,
)
from ..domain.review import errors_at_fields
from ..schemas import (
    ActionPlanLine,
    CommonIndicator,
    ImportReport,
    Measurement,
    RegionSettings,
    SubGoal,
)
from ..usecases import indicators as uc
from .applications import FormState
from .context import CsrfRefused, FormDep, Page, PageDep
from .pages import openable

router = APIRouter()

FORMS = ("value", "import")


@dataclass
class Upload:
    """The import form as it came: its fields, its file (None where none was chosen), or that it
    was too large to read at all."""

    fields: dict[str, str] = field(default_factory=dict)
    file: UploadFile | None = None
    too_large: bool = False


async def _upload(request: Request) -> Upload:
    """The import form's fields and file, once its CSRF token matched (403 otherwise); a body far
    beyond :data:`IMPORT_LIMIT` is not read at all."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > IMPORT_LIMIT + 64 * 1024:
        return Upload(too_large=True)
    form = await request.form()
    if not session.csrf_matches(request, form.get("csrf_token")):
        raise CsrfRefused()
    chosen = form.get("file")
    return Upload(
        fields={k: v for k, v in form.items() if isinstance(v, str)},
        file=chosen if isinstance(chosen, UploadFile) and chosen.filename else None,
    )


async def _carrying_form(request: Request) -> dict[str, str]:
    """The import's confirmation, which carries the checked file (base64, a field larger than a
    form's usual 1 MB), once its CSRF token matched."""
    # base64 grows a file by a third, and a form percent-encodes its "+" and "/": bound generously.
    form = await request.form(max_part_size=IMPORT_LIMIT * 4 + 1024)
    if not session.csrf_matches(request, form.get("csrf_token")):
        raise CsrfRefused()
    return {k: v for k, v in form.items() if isinstance(v, str)}


UploadDep = Annotated[Upload, Depends(_upload)]
CarryingFormDep = Annotated[dict[str, str], Depends(_carrying_form)]


def _settings(found: Any) -> dict[str, Any] | None:
    return found.model_dump() if found else None


@router.get("/regions/{region}/indicators", name="indicators")
async def indicators(region: str, page: PageDep) -> Response:
    """The action plans, each with its sub-goals as the latest report follows them up."""
    openable(page, region)
    found = await uc.load_overview(page.services, region)
    t = page.t
    by_plan: dict[str, list[Any]] = {}
    for line in found.lines:
        by_plan.setdefault(str(line.action_plan_id), []).append(line)
    plans = sorted(found.plans.data, key=lambda p: t.text(p.strength_area_name).lower())
    return page.render(
        "indicators.html.j2",
        region=region,
        region_label=html.region_name(t, region, _settings(found.settings)),
        plans=plans,
        lines=by_plan,
        report_number=found.report_number,
    )


@dataclass
class GoalView:
    """A sub-goal as its page shows it."""

    goal: SubGoal
    anchor: str
    title: str
    official: CommonIndicator | None
    unit: str | None
    rows: list[Measurement]
    chart: str
    """SVG markup (the template inserts it as it is)."""

    @property
    def latest(self) -> Measurement | None:
        return self.rows[-1] if self.rows else None


def _goals(page: Page, found: uc.PlanIndicators) -> list[GoalView]:
    t = page.t
    out = []
    for i, goal in enumerate(found.sub_goals):
        rows = sorted((m for m in found.measurements if m.sub_goal_id == goal.id), key=lambda m: m.year)
        official = found.official.get(goal.indicator.code or "")
        unit = goal.indicator.unit or (official.unit if official else None)
        title = t.text(goal.title) or goal.indicator.name
        figures = goal_figures({m.year: m.value for m in rows}, goal.baseline_year, goal.target_year)
        chart = goal_chart(
            t("indicators_chart_title", goal=title, indicator=goal.indicator.name),
            goal.indicator.name + (f" ({unit})" if unit else ""),
            figures,
            [(t("indicators_baseline"), goal.baseline), (t("indicators_target"), goal.target)],
            t.number,
            f"goal-{i}-chart",
        )
        out.append(GoalView(goal, f"goal-{i}", title, official, unit, rows, chart))
    return out


async def _plan_page(
    page: Page,
    region: str,
    plan_id: UUID,
    status_code: int = 200,
    forms: Mapping[str, FormState] | None = None,
) -> Response:
    found = await uc.load_plan(page.services, region, plan_id)
    t = page.t
    return page.render(
        "indicator_plan.html.j2",
        status_code=status_code,
        region=region,
        region_label=html.region_name(t, region, _settings(found.settings)),
        plan=found.plan,
        area=t.text(found.plan.strength_area_name) or found.plan.strength_area_code,
        published=found.published,
        goals=_goals(page, found),
        may_record=may_record(page.person.role),
        this_year=time.gmtime().tm_year,
        forms={name: (forms or {}).get(name) or FormState() for name in FORMS},
        import_limit=t.number(IMPORT_LIMIT // (1024 * 1024)),
    )


@router.get("/regions/{region}/indicators/{plan_id}", name="indicator_plan")
async def indicator_plan(region: str, plan_id: UUID, page: PageDep) -> Response:
    """One action plan's sub-goals: each indicator, its values by year against the baseline and the
    target, as a chart and a table; for a process leader or an administrator, the forms to record
    a value and to import many."""
    openable(page, region)
    return await _plan_page(page, region, plan_id)


def _not_permitted(page: Page) -> Response:
    return page.render("error.html.j2", status_code=403, kind="not_permitted")


def _back(region: str, plan_id: UUID, anchor: str = "") -> Response:
    return RedirectResponse(
        f"/regions/{region}/indicators/{plan_id}" + (f"#{anchor}" if anchor else ""), status_code=303
    )


@router.post("/regions/{region}/indicators/{plan_id}/values", name="record_value")
async def record_value(region: str, plan_id: UUID, page: PageDep, form: FormDep) -> Response:
    """One value of a sub-goal for a year; a value already recorded for that year is corrected
    (the service answers 200), and the person is told so."""
    openable(page, region)
    t = page.t
    value = ValueForm.from_form(form)
    body, wrong = value.body(page.language)
    state = FormState(values=dict(form))
    if body is None:
        state.errors = {name: t(key) for name, key in wrong.items()}
        return await _plan_page(page, region, plan_id, 422, {"value": state})
    try:
        sent = await uc.record_value(page.services, region, plan_id, body)
    except Refused as refused:
        if refused.status == 403:
            return _not_permitted(page)
        state.errors = errors_at_fields(refused.errors, "value", rules.VALUE_FIELDS, t.has, t)
        if not state.errors:
            state.errors[""] = t("form_error_unknown")
        return await _plan_page(page, region, plan_id, refused.status or 422, {"value": state})
    shown = t.number(float(body["value"]))  # type: ignore[arg-type]
    year = str(body["year"])
    if sent.status == 200:
        session.flash(page.request, "indicators_flash_corrected", year=year, value=shown)
    else:
        session.flash(page.request, "indicators_flash_recorded", year=year, value=shown)
    return _back(region, plan_id)


def _bound_to(page: Page, region: str, plan_id: UUID) -> str:
    """What a sealed file is for: this plan of this region, in this sign-in (its CSRF token)."""
    return f"{region}/{plan_id}/{session.csrf_token(page.request)}"


def _row_errors(page: Page, report: ImportReport) -> list[dict[str, str]]:
    """Each refused row's line, column and reason in the person's words."""
    t = page.t
    rows = []
    for e in report.errors:
        key, params = import_error(e.field, e.message)
        column = f"indicators_column_{e.field}"
        rows.append(
            {
                "line": t.number(e.line),
                "column": t(column) if e.field and t.has(column) else t("indicators_column_line"),
                "reason": t(key, **params) if params else t(key),
            }
        )
    return rows


def _check_page(
    page: Page,
    region: str,
    plan_id: UUID,
    found: tuple[ActionPlanLine, RegionSettings | None],
    report: ImportReport,
    carried: Carried,
    *,
    refused: bool = False,
) -> Response:
    t = page.t
    plan, settings = found
    key = carry_key(page.request.app.state.settings.session_secret.get_secret_value())
    valid = report.created + report.corrected
    return page.render(
        "indicator_import.html.j2",
        status_code=422 if refused else 200,
        region=region,
        region_label=html.region_name(t, region, _settings(settings)),
        plan_id=plan_id,
        area=t.text(plan.strength_area_name) or plan.strength_area_code,
        report=report,
        valid=valid,
        errors=_row_errors(page, report),
        filename=carried.filename,
        carried=seal(key, _bound_to(page, region, plan_id), carried, int(time.time())),
        refused=refused,
    )


def _import_refused(page: Page, refused: Refused) -> FormState:
    """The import form with what the plans service said of the file as a whole, as a sentence."""
    t = page.t
    key = {413: "indicators_import_too_large", 415: "indicators_import_wrong_type"}.get(
        refused.status or 0, "indicators_import_unreadable"
    )
    return FormState(errors={"file": t(key, limit=t.number(IMPORT_LIMIT // (1024 * 1024)))})


@router.post("/regions/{region}/indicators/{plan_id}/import", name="check_import")
async def check_import(region: str, plan_id: UUID, page: PageDep, upload: UploadDep) -> Response:
    """A CSV or XLSX file of values, checked by the plans service without writing anything: every
    row it cannot take, by line and column, and what it would record; then the person imports."""
    openable(page, region)
    t = page.t
    limit = t.number(IMPORT_LIMIT // (1024 * 1024))
    if upload.too_large:
        state = FormState(errors={"file": t("indicators_import_too_large", limit=limit)})
        return await _plan_page(page, region, plan_id, 413, {"import": state})
    if upload.file is None:
        state = FormState(errors={"file": t("indicators_import_no_file")})
        return await _plan_page(page, region, plan_id, 422, {"import": state})
    name = (upload.file.filename or "").replace("\\", "/").rsplit("/", 1)[-1][:200]
    media_type = upload_type(name, upload.file.content_type)
    content = await upload.file.read(IMPORT_LIMIT + 1)
    if len(content) > IMPORT_LIMIT:
        state = FormState(errors={"file": t("indicators_import_too_large", limit=limit)})
        return await _plan_page(page, region, plan_id, 413, {"import": state})
    if media_type is None:
        state = FormState(errors={"file": t("indicators_import_wrong_type", limit=limit)})
        return await _plan_page(page, region, plan_id, 415, {"import": state})
    carried = Carried(content, media_type, name)
    return await _checked(page, region, plan_id, carried)


async def _checked(
    page: Page, region: str, plan_id: UUID, carried: Carried, *, refused: bool = False
) -> Response:
    try:
        report, found = await page.services.gather(
            uc.import_values(
                page.services, region, plan_id, carried.content, carried.media_type, dry_run=True
            ),
            uc.load_plan_line(page.services, region, plan_id),
        )
    except Refused as no:
        if no.status == 403:
            return _not_permitted(page)
        return await _plan_page(
            page, region, plan_id, no.status or 422, {"import": _import_refused(page, no)}
        )
    return _check_page(page, region, plan_id, found, report, carried, refused=refused)


@router.post("/regions/{region}/indicators/{plan_id}/import/confirm", name="confirm_import")
async def confirm_import(region: str, plan_id: UUID, page: PageDep, form: CarryingFormDep) -> Response:
    """The checked file imported: all its rows (``mode=all``), or only the valid ones
    (``mode=valid_rows``). The file comes back sealed from the check's page; a seal that does not
    hold (another plan, another sign-in, changed, more than an hour old) asks for the file again."""
    openable(page, region)
    t = page.t
    key = carry_key(page.request.app.state.settings.session_secret.get_secret_value())
    carried = unseal(key, _bound_to(page, region, plan_id), form, int(time.time()))
    if carried is None:
        state = FormState(errors={"file": t("indicators_import_expired")})
        return await _plan_page(page, region, plan_id, 422, {"import": state})
    valid_rows = form.get("mode") == "valid_rows"
    try:
        report = await uc.import_values(
            page.services,
            region,
            plan_id,
            carried.content,
            carried.media_type,
            dry_run=False,
            valid_rows=valid_rows,
        )
    except Refused as no:
        if no.status == 403:
            return _not_permitted(page)
        if no.status == 422 and no.errors and all("line" in e for e in no.errors):
            # Some rows are wrong now (the plan changed since the check): nothing was written.
            return await _checked(page, region, plan_id, carried, refused=True)
        return await _plan_page(
            page, region, plan_id, no.status or 422, {"import": _import_refused(page, no)}
        )
    session.flash(
        page.request,
        "indicators_flash_imported",
        created=t.number(report.created),
        corrected=t.number(report.corrected),
        skipped=t.number(report.rejected),
    )
    return _back(region, plan_id)
