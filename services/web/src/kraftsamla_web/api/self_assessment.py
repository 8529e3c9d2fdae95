"""The RIS3 self-assessment on the Assessment Wheel: this year's form (administrators and process
leaders), the six steps drawn with the earlier years behind this one, and the table of the
figures."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from uuid import UUID

from fastapi import APIRouter
from starlette.responses import RedirectResponse, Response

from kraftsamla_common.events import WHEEL

from ..adapters import render as html
from ..adapters import session
from ..adapters.services import Refused
from ..domain import self_assessment as wheel
from ..domain.charts import spider_chart
from ..domain.review import errors_at_fields
from ..usecases.self_assessment import load_self_assessments, record
from .applications import FormState
from .context import FormDep, Page, PageDep, PageNotFound
from .pages import openable

router = APIRouter()

RECORDERS = frozenset({"admin", "operator", "assessor"})
"""Who the plans service lets record a self-assessment: administrators and process leaders (it
decides again)."""


@router.get("/regions/{region}/self-assessment", name="self_assessment")
async def self_assessment(region: str, page: PageDep) -> Response:
    openable(page, region)
    return await _page(page, region)


async def _page(page: Page, region: str, status_code: int = 200, form: FormState | None = None) -> Response:
    t = page.t
    year = date.today().year
    found = await load_self_assessments(page.services, region, year)
    this = next((a for a in found.assessments if a.year == year), None)
    earlier = next((a for a in found.assessments if a.year < year), None)
    drawn = wheel.drawn(found.assessments, year)
    chart = (
        spider_chart(
            t("self_assessment_chart_title"),
            [t.number(i + 1) for i in range(len(drawn.steps))],
            drawn.series,
            maximum=5,
            chart_id="wheel-chart",
        )
        if drawn.series
        else None
    )
    years = sorted({a.year for a in found.assessments}, reverse=True)
    state = form or FormState()
    return page.render(
        "self_assessment.html.j2",
        status_code=status_code,
        region=region,
        region_label=html.region_name(t, region, found.settings.model_dump() if found.settings else None),
        p=found.programme,
        year=year,
        this=this,
        earlier=earlier,
        earlier_scores=wheel.by_year([earlier]).get(earlier.year, {}) if earlier else {},
        wheel=WHEEL,
        scale=wheel.SCALE,
        chart=chart,
        drawn=drawn,
        years=years,
        scores=wheel.by_year(found.assessments),
        means=wheel.means_by_year(found.assessments),
        comments={f.key: f.comment for s in this.steps for f in s.factors} if this else {},
        values=state.values or wheel.values_of(this),
        form=state,
        may_record=page.person.role in RECORDERS,
    )


def _refused(page: Page, refused: Refused, values: Mapping[str, str]) -> FormState:
    t = page.t
    state = FormState(values=dict(values))
    if refused.status == 422:
        state.errors = errors_at_fields(
            refused.errors,
            "self_assessment",
            wheel.FIELDS,
            t.has,
            t,
            locate=wheel.field_at,
            kind=wheel.field_kind,
        )
        missing = wheel.unscored(values)
        for name in missing:
            state.errors.setdefault(name, t("form_error_self_assessment_score"))
        if missing:
            state.errors[""] = t.plural("self_assessment_unscored", len(missing))
        elif "" in state.errors and not t.has("form_error_self_assessment_form"):
            state.errors[""] = t("form_refused_conflict", reason=state.errors[""])
    elif refused.status == 409:
        state.errors[""] = t("form_refused_conflict", reason=refused.detail)
    else:
        state.errors[""] = t("form_error_unknown")
    return state


@router.post("/regions/{region}/self-assessment", name="self_assessment_save")
async def save_self_assessment(region: str, page: PageDep, form: FormDep) -> Response:
    """This year's self-assessment of the programme the form was made for, recorded or replaced whole."""
    openable(page, region)
    values = {f: form.get(f, "") for f in wheel.FIELDS}
    year = form.get("year", "")
    try:
        programme_id = UUID(form.get("programme_id", ""))
    except ValueError:
        raise PageNotFound() from None
    if not year.isdigit():
        raise PageNotFound()
    try:
        sent = await record(page.services, region, str(programme_id), int(year), wheel.body(values))
    except Refused as refused:
        if refused.status == 403:
            return page.render("error.html.j2", status_code=403, kind="not_permitted")
        return await _page(page, region, refused.status or 422, _refused(page, refused, values))
    key = "self_assessment_recorded" if sent.status == 201 else "self_assessment_replaced"
    session.flash(page.request, key, year=year)
    return RedirectResponse(f"/regions/{region}/self-assessment", status_code=303)
