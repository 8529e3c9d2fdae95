"""The region's applications: the list (filters with their counts, search, order, pages) and one
application (its texts with the matched terms marked, its assessment, history, decision, review)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from starlette.datastructures import QueryParams
from starlette.responses import RedirectResponse, Response

from kraftsamla_common.municipalities import municipality_by_code

from ..adapters import render as html
from ..adapters import session
from ..adapters.services import Refused
from ..domain.applications import (
    FILTERS,
    NO_ONE,
    SORTS,
    ListQuery,
    best_fit_name,
    highlighted,
    matched_terms,
    paging,
)
from ..domain.review import (
    LEVELS,
    OVERRIDE_PARTS,
    RECOMMENDATIONS,
    ReviewForm,
    chosen_assignee,
    confirm_body,
    errors_at_fields,
)
from ..usecases import reviews
from ..usecases.applications import load_application, load_applications
from ..usecases.reviews import known_assessors
from .context import FormDep, Page, PageDep
from .pages import openable

router = APIRouter()

FORMS = ("review", "confirm", "conflict", "assign")
"""The application page's forms, each with its own state when the service refused it."""


@dataclass
class FormState:
    """A form sent back to the person: its values as they were, the messages at its fields ("" for
    the form as a whole), whether to offer a reload (412), the list's boxes that were ticked."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    reload: bool = False
    chosen: set[str] = field(default_factory=set)


def _labels(page: Page, names: Mapping[str, Mapping[str, str | None]]) -> Any:
    """How a filter's value reads: a strength area by its name, a municipality by its name, the
    service's words (level, recommendation, status, review state, funding source) in the page's
    language."""
    t = page.t

    def label(kind: str, value: str | None, code: str | None = None) -> str:
        if value is None:
            return t("value_none")
        if kind == "strength_area":
            name = names.get(value) or (names.get(code) if code else None)
            return t.text(name) if name else (code or value)
        if kind == "municipality":
            found = municipality_by_code(value)
            return found.name if found else value
        if kind == "assigned_to":  # a person as the services name them; "none": no one
            return t("assigned_to_none") if value == NO_ONE else value
        key = {"review": "review_state_"}.get(kind, f"{kind}_") + value
        return t(key) if t.has(key) else value

    return label


@router.get("/regions/{region}/applications", name="applications")
async def applications(region: str, page: PageDep) -> Response:
    openable(page, region)
    return await _list_page(page, region, ListQuery.from_params(page.request.query_params))


async def _list_page(
    page: Page, region: str, query: ListQuery, status_code: int = 200, form: FormState | None = None
) -> Response:
    if page.person.may_assign:
        found, assessors = await page.services.gather(
            load_applications(page.services, region, query), known_assessors(page.services, region)
        )
    else:
        found, assessors = await load_applications(page.services, region, query), []
    path = f"/regions/{region}/applications"
    seen = {name for a in found.found.data for name in a.assignees}
    return page.render(
        "applications.html.j2",
        status_code=status_code,
        region=region,
        region_label=html.region_name(
            page.t, region, found.settings.model_dump() if found.settings else None
        ),
        query=query,
        path=path,
        found=found.found,
        filters=FILTERS,
        no_one=NO_ONE,
        sorts=SORTS,
        label=_labels(page, found.area_names),
        paging=paging(query.offset, len(found.found.data), found.found.count),
        assessors=sorted(seen | set(assessors)),
        form=form or FormState(),
    )


@router.get("/regions/{region}/applications/{application_id}", name="application")
async def application(region: str, application_id: UUID, page: PageDep) -> Response:
    openable(page, region)
    return await _application_page(page, region, application_id)


async def _application_page(
    page: Page,
    region: str,
    application_id: UUID,
    status_code: int = 200,
    forms: Mapping[str, FormState] | None = None,
) -> Response:
    if page.person.may_assign:
        found, assessors = await page.services.gather(
            load_application(page.services, region, application_id), known_assessors(page.services, region)
        )
    else:
        found, assessors = await load_application(page.services, region, application_id), []
    app = found.application
    assessment = app.assessment
    names = dict(found.area_names)
    if assessment and assessment.strength_area_id and str(assessment.strength_area_id) not in names:
        best = best_fit_name([p.model_dump() for p in assessment.rationale_parts])
        if best:
            names[str(assessment.strength_area_id)] = best
    terms = matched_terms([f.model_dump() for f in assessment.fits]) if assessment else []
    me = page.person.principal
    areas = [
        str(v["strength_area_id"])
        for v in (assessment.plan_versions if assessment else [])
        if v.get("strength_area_id")
    ]
    label = _labels(page, names)
    return page.render(
        "application.html.j2",
        status_code=status_code,
        region=region,
        region_label=html.region_name(
            page.t, region, found.settings.model_dump() if found.settings else None
        ),
        app=app,
        assessment=assessment,
        history=found.history,
        history_count=found.history_count,
        terms=terms,
        marked=lambda text: highlighted(text, terms),
        label=label,
        municipality=municipality_by_code,
        my_conflict=next((c for c in app.conflicts if c.declared_by == me), None),
        override_areas=sorted(dict.fromkeys(areas), key=lambda a: label("strength_area", a).lower()),
        levels=LEVELS,
        recommendations=RECOMMENDATIONS,
        assessors=sorted(set(assessors) - set(app.assignees)),
        forms={name: (forms or {}).get(name) or FormState() for name in FORMS},
    )


@router.post("/regions/{region}/applications/{application_id}/review", name="review")
async def review_application(region: str, application_id: UUID, page: PageDep, form: FormDep) -> Response:
    """Confirm the assessment (``action=confirm``) or override the parts chosen, with the reason."""
    openable(page, region)
    confirming = form.get("action") == "confirm"
    override = ReviewForm.from_form(form)
    body = confirm_body(form) if confirming else override.body()
    name = "confirm" if confirming else "review"
    try:
        await reviews.review(page.services, region, application_id, body)
    except Refused as refused:
        fields = ("comment",) if confirming else (*OVERRIDE_PARTS, "reason", "comment")
        return await _refused(page, region, application_id, refused, name, form, fields, override.parts)
    session.flash(page.request, "flash_confirmed" if confirming else "flash_overridden")
    return _back_to(region, application_id)


@router.post("/regions/{region}/applications/{application_id}/conflicts", name="conflict")
async def declare_conflict(region: str, application_id: UUID, page: PageDep, form: FormDep) -> Response:
    openable(page, region)
    try:
        await reviews.declare_conflict(page.services, region, application_id, form.get("reason", "").strip())
    except Refused as refused:
        return await _refused(page, region, application_id, refused, "conflict", form, ("reason",))
    session.flash(page.request, "flash_conflict_declared")
    return _back_to(region, application_id)


@router.post("/regions/{region}/applications/{application_id}/assignments", name="assign_one")
async def assign_one(region: str, application_id: UUID, page: PageDep, form: FormDep) -> Response:
    """Assign the application to an assessor, or (``action=unassign``) take it back from one."""
    openable(page, region)
    take_back = form.get("action") == "unassign"
    assignee = chosen_assignee(form)
    try:
        await reviews.assign(page.services, region, [str(application_id)], assignee, take_back=take_back)
    except Refused as refused:
        return await _refused(page, region, application_id, refused, "assign", form, ("assignee",))
    session.flash(page.request, "flash_unassigned" if take_back else "flash_assigned_one", assignee=assignee)
    return _back_to(region, application_id)


@router.post("/regions/{region}/applications/assignments", name="assign_many")
async def assign_many(region: str, page: PageDep, form: FormDep) -> Response:
    """The list's chosen applications (``application_id``, one per box ticked) to one assessor."""
    openable(page, region)
    ids = [v for v in (await page.request.form()).getlist("application_id") if isinstance(v, str)]
    assignee = chosen_assignee(form)
    path = f"/regions/{region}/applications"
    back = form.get("back", "")
    back = back if back == path or back.startswith(path + "?") else path
    try:
        await reviews.assign(page.services, region, ids, assignee)
    except Refused as refused:
        if refused.status == 403:
            return _not_permitted(page)
        query = ListQuery.from_params(QueryParams(back.partition("?")[2]))
        state = _state(page, refused, "assign", form, ("assignee", "application_ids"))
        state.chosen = set(ids)
        return await _list_page(page, region, query, refused.status or 422, state)
    session.flash(page.request, "flash_assigned_count", n=len(ids), assignee=assignee)
    return RedirectResponse(back, status_code=303)


def _back_to(region: str, application_id: UUID) -> Response:
    """POST/redirect/GET: back to the application's page, where the flash message waits."""
    return RedirectResponse(f"/regions/{region}/applications/{application_id}", status_code=303)


def _not_permitted(page: Page) -> Response:
    """403 from the service: the person may not do this (the page offered no such form)."""
    return page.render("error.html.j2", status_code=403, kind="not_permitted")


def _state(
    page: Page,
    refused: Refused,
    name: str,
    form: Mapping[str, str],
    fields: Sequence[str],
    parts: Sequence[str] = (),
) -> FormState:
    """The form as it was sent, with what the service said: 422's errors at their fields, 409's
    reason, 412's "someone else changed it"."""
    t = page.t
    state = FormState(values=dict(form))
    if refused.status == 422:
        state.errors = errors_at_fields(refused.errors, name, fields, t.has, t, parts)
        if not state.errors:
            state.errors[""] = t("form_error_unknown")
    elif refused.status == 409:
        state.errors[""] = t("form_refused_conflict", reason=refused.detail)
    elif refused.status == 412:
        state.errors[""] = t("form_refused_changed")
        state.reload = True
    return state


async def _refused(
    page: Page,
    region: str,
    application_id: UUID,
    refused: Refused,
    name: str,
    form: Mapping[str, str],
    fields: Sequence[str],
    parts: Sequence[str] = (),
) -> Response:
    if refused.status == 403:
        return _not_permitted(page)
    state = _state(page, refused, name, form, fields, parts)
    return await _application_page(page, region, application_id, refused.status or 422, {name: state})
