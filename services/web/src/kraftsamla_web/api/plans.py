"""The region's action plans: the list (and a new strength area with its plan), one plan (its
versions, its draft's changes), the six steps' forms that save the draft, the difference between
two versions, the preview of publishing the draft and the publishing, and what followed a version
(the reassessment, the report)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from starlette.responses import RedirectResponse, Response

from ..adapters import render as html
from ..adapters import session
from ..adapters.services import Refused
from ..domain import plan_forms as forms
from ..domain.moves import group_moves, tie_of
from ..domain.plan_diff import diff_sentences, priority_names
from ..domain.plans import (
    EDITORS,
    PREVIEWERS,
    NewArea,
    draft_state,
    following_reassessment,
    following_report,
    new_area_field,
    overdue_reason,
    step_summary,
)
from ..schemas import Plan, RegionSettings
from ..usecases import plans as calls
from .context import FormDep, Page, PageDep, PageNotFound
from .pages import openable

router = APIRouter()


def _label(page: Page, region: str, settings: RegionSettings | None) -> str:
    return html.region_name(page.t, region, settings.model_dump() if settings else None)


def _base(region: str, plan_id: UUID | str) -> str:
    return f"/regions/{region}/plans/{plan_id}"


def _not_permitted(page: Page) -> Response:
    return page.render("error.html.j2", status_code=403, kind="not_permitted")


def _editor(page: Page) -> bool:
    return page.person.role in EDITORS


def _area(page: Page, plan: Plan) -> str:
    return page.t.text(plan.strength_area_name) or plan.strength_area_code


# ----------------------------------------------------------------------------- the list


@dataclass
class NewAreaState:
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    reload: bool = False


@router.get("/regions/{region}/plans", name="action_plans")
async def action_plans(region: str, page: PageDep) -> Response:
    openable(page, region)
    return await _list_page(page, region)


async def _list_page(
    page: Page, region: str, status_code: int = 200, state: NewAreaState | None = None
) -> Response:
    editor = _editor(page)
    found = await calls.load_plans(page.services, region, editor=editor)
    t, today = page.t, datetime.now(UTC).date()
    rows = sorted(
        found.plans.data, key=lambda p: (t.text(p.strength_area_name) or p.strength_area_code).casefold()
    )
    return page.render(
        "plans.html.j2",
        status_code=status_code,
        region=region,
        region_label=_label(page, region, found.settings),
        plans=rows,
        state_of=draft_state,
        overdue=lambda p: overdue_reason(t, p.review, today),
        programmes=found.programmes.data if found.programmes else [],
        editor=editor,
        form=state or NewAreaState(),
        text_languages=forms.LANGUAGES,
    )


@router.post("/regions/{region}/plans", name="plan_create")
async def create_plan(region: str, page: PageDep, form: FormDep) -> Response:
    """A new strength area in a programme, with its empty action plan: to the new plan's page."""
    openable(page, region)
    new = NewArea.from_form(form)
    state = NewAreaState(values=dict(form))
    if not new.programme_id:
        state.errors["programme_id"] = page.t("plans_error_programme")
        return await _list_page(page, region, 422, state)
    try:
        plan_id = await calls.add_strength_area(page.services, region, new.programme_id, new.body())
    except Refused as refused:
        if refused.status == 403:
            return _not_permitted(page)
        if refused.status == 409:
            state.errors["code"] = page.t("plans_error_code_taken", code=new.code)
        elif refused.status == 412:
            state.errors[""] = page.t("plans_refused_programme_changed")
        else:
            for error in refused.errors:
                where = new_area_field(str(error.get("pointer") or ""))
                key = forms.error_key(error)
                state.errors.setdefault(where, page.t(key) if key else str(error.get("message") or ""))
            if not state.errors:
                state.errors[""] = page.t("form_error_unknown")
        return await _list_page(page, region, refused.status or 422, state)
    session.flash(page.request, "plans_flash_created", area=page.t.text(new.name))
    return RedirectResponse(_base(region, plan_id), status_code=303)


# ----------------------------------------------------------------------------- one plan


@router.get("/regions/{region}/plans/{plan_id}", name="action_plan")
async def action_plan(region: str, plan_id: UUID, page: PageDep) -> Response:
    openable(page, region)
    found = await calls.load_plan(page.services, region, plan_id)
    plan, t = found.plan, page.t
    latest = found.versions[0] if found.versions else None
    changes = (
        diff_sentences(
            t,
            found.changes,
            latest.content if latest else None,
            plan.draft,
            labels={"priorities": priority_names(t, latest.content if latest else None, plan.draft)},
            step_href=f"{_base(region, plan_id)}/steps",
        )
        if found.changes is not None
        else None
    )
    return page.render(
        "plan.html.j2",
        region=region,
        region_label=_label(page, region, found.settings),
        plan=plan,
        area=_area(page, plan),
        base=_base(region, plan_id),
        versions=found.versions,
        state=draft_state(plan),
        overdue=overdue_reason(t, plan.review, datetime.now(UTC).date()),
        changes=changes,
        steps=forms.STEPS,
        summary=lambda s: step_summary(t, s, plan.draft),
        editor=_editor(page),
        previewer=page.person.role in PREVIEWERS,
    )


# ----------------------------------------------------------------------------- the six steps


def _step(number: int) -> forms.Step:
    found = forms.step(number)
    if found is None:
        raise PageNotFound()
    return found


@router.get("/regions/{region}/plans/{plan_id}/steps/{number}", name="plan_step")
async def plan_step(region: str, plan_id: UUID, number: int, page: PageDep) -> Response:
    openable(page, region)
    return await _step_page(page, region, plan_id, _step(number))


async def _step_page(
    page: Page,
    region: str,
    plan_id: UUID,
    step: forms.Step,
    status_code: int = 200,
    *,
    mine: dict[str, Any] | None = None,
    base: dict[str, Any] | None = None,
    etag: str | None = None,
    errors: Sequence[Mapping[str, Any]] | None = None,
    conflict_with: bool = False,
    problem: str | None = None,
) -> Response:
    """The step's page: its form made from the draft; or, after a refusal, from what the person
    sent (``mine``), at the fields the service's ``errors``; or, when someone else saved first
    (``conflict_with``), from their draft with the person's changes on top, and what they changed."""
    t = page.t
    found = await calls.load_step(page.services, region, plan_id, step.number)
    plan = found.plan
    labels = _labels(plan, found.choices)
    theirs = forms.step_part(step, plan.draft)
    if mine is None:
        state = forms.DraftForm(forms.form_values(step, plan.draft), theirs, found.etag or "")
    elif conflict_with:
        started = base if base is not None else theirs
        merged = forms.conflict(started, mine, theirs)
        state = forms.DraftForm(
            forms.form_values(step, merged.merged), theirs, found.etag or "", conflict=merged
        )
        for change in merged.changes:
            name = forms.path_name(change.path, merged.merged)
            if name and change.mine_changed:
                theirs_shown = forms.shown(t, change.theirs, _field_at(step, change), labels)
                state.notes[name] = t("plans_conflict_note", theirs=theirs_shown)
    else:
        state = forms.DraftForm(
            forms.form_values(step, mine), base if base is not None else theirs, etag or ""
        )
        names = forms.field_names(step, mine)
        state.errors = forms.errors_at_fields(errors or [], names, t)
        if problem:
            state.errors.setdefault("", problem)
        elif not state.errors and status_code >= 400:
            state.errors[""] = t("form_error_unknown")
    shown_part = forms.parse_form(step, state.values)
    return page.render(
        "plan_step.html.j2",
        status_code=status_code,
        region=region,
        region_label=_label(page, region, found.settings),
        plan=plan,
        area=_area(page, plan),
        base_url=_base(region, plan_id),
        step=step,
        steps=forms.STEPS,
        state=state,
        encoded_base=forms.encode_part(state.base),
        part=shown_part,
        rows_of=lambda name: forms.rows_shown(state.values, name),
        choices=_choices(plan, found.choices),
        labels=labels,
        indicators=found.indicators,
        shown=lambda value, part, language=None: forms.shown(t, value, part, labels, language),
        where=lambda change: forms.where(step, change.path, state.base, shown_part),
        field_at=lambda change: _field_at(step, change),
        editor=_editor(page),
        text_languages=forms.LANGUAGES,
        kind_of=forms.kind_of,
    )


def _field_at(step: forms.Step, change: forms.TheirChange) -> forms.Field | None:
    return forms.where(step, change.path).field


def _labels(plan: Plan, choices: Mapping[str, list[tuple[str, str]]]) -> dict[str, dict[str, str]]:
    draft = plan.draft
    priorities = {
        str(p["id"]): forms.title_text(p.get("title")) for p in draft.get("priorities") or [] if "id" in p
    }
    initiatives = {
        str(x["id"]): str(x.get("title") or x["id"])
        for x in (draft.get("policy_mix") or {}).get("initiatives") or []
        if "id" in x
    }
    return {
        "priorities": priorities,
        "initiatives": initiatives,
        **{name: dict(values) for name, values in choices.items()},
    }


def _choices(plan: Plan, choices: Mapping[str, list[tuple[str, str]]]) -> dict[str, list[tuple[str, str]]]:
    labels = _labels(plan, choices)
    return {
        "priorities": list(labels["priorities"].items()),
        "initiatives": list(labels["initiatives"].items()),
        **choices,
    }


@router.post("/regions/{region}/plans/{plan_id}/steps/{number}", name="plan_step_save")
async def save_step(region: str, plan_id: UUID, number: int, page: PageDep, form: FormDep) -> Response:
    """The step's part of the draft as the form has it, on the draft as it was read (``etag``):
    saved, and back to the step; refused, the form again with the service's reasons at the fields;
    someone else saved first, their changes shown and the person's kept on top of them."""
    openable(page, region)
    step = _step(number)
    mine = forms.parse_form(step, form)
    base = forms.decode_part(step, form.get("base", ""))
    etag = form.get("etag", "")
    plan, _ = await calls.current_draft(page.services, region, plan_id)
    try:
        await calls.save_draft(page.services, region, plan_id, forms.with_part(plan.draft, step, mine), etag)
    except Refused as refused:
        if refused.status == 403:
            return _not_permitted(page)
        if refused.status in (412, 428):
            return await _step_page(
                page, region, plan_id, step, 409, mine=mine, base=base, conflict_with=True
            )
        return await _step_page(
            page,
            region,
            plan_id,
            step,
            refused.status or 422,
            mine=mine,
            base=base,
            etag=etag,
            errors=refused.errors,
            problem=page.t("form_refused_conflict", reason=refused.detail) if refused.status == 409 else None,
        )
    session.flash(page.request, "plans_flash_saved", step=page.t(step.title))
    return RedirectResponse(f"{_base(region, plan_id)}/steps/{step.number}", status_code=303)


# ----------------------------------------------------------------------------- the difference


def _version(value: str | None, default: int | str) -> int | str:
    if value is None or value == "":
        return default
    if value == "draft":
        return "draft"
    if value.isdigit() and len(value) <= 9:
        return int(value)
    raise PageNotFound()


@router.get("/regions/{region}/plans/{plan_id}/diff", name="plan_diff")
async def plan_diff(
    region: str,
    plan_id: UUID,
    page: PageDep,
    from_: Annotated[str | None, Query(alias="from", max_length=12)] = None,
    to: Annotated[str | None, Query(max_length=12)] = None,
) -> Response:
    """What changed between two versions, or a version and the draft (by default: the latest
    version and the draft), each change a sentence."""
    openable(page, region)
    before, after = _version(from_, "latest"), _version(to, "draft")
    known = None
    if before == "latest":
        known, _ = await calls.current_draft(page.services, region, plan_id)
        before = known.current_version if known.current_version else "draft"
    found = await calls.load_diff(page.services, region, plan_id, before, after, plan=known)
    t, plan = page.t, found.plan
    sentences = diff_sentences(
        t,
        found.diff,
        found.before,
        found.after,
        labels={"priorities": priority_names(t, found.before, found.after)},
        step_href=f"{_base(region, plan_id)}/steps",
    )
    return page.render(
        "plan_diff.html.j2",
        region=region,
        region_label=_label(page, region, found.settings),
        plan=plan,
        area=_area(page, plan),
        base=_base(region, plan_id),
        before=before,
        after=after,
        sentences=sentences,
        numbers=list(range(plan.current_version, 0, -1)),
    )


# ----------------------------------------------------------------------------- preview and publish


@router.get("/regions/{region}/plans/{plan_id}/preview", name="plan_preview")
async def plan_preview(region: str, plan_id: UUID, page: PageDep) -> Response:
    openable(page, region)
    return await _preview_page(page, region, plan_id)


async def _preview_page(
    page: Page,
    region: str,
    plan_id: UUID,
    status_code: int = 200,
    *,
    note: str = "",
    errors: list[tuple[str, str | None]] | None = None,
) -> Response:
    """The draft's effect on the region's open portfolio, grouped as the reassessment page groups
    moves, each application by its title; the publish form (with the draft's ETag: what is
    published is what was previewed)."""
    found = await calls.load_preview(page.services, region, plan_id)
    plan = found.plan
    preview = found.preview
    return page.render(
        "plan_preview.html.j2",
        status_code=status_code,
        region=region,
        region_label=_label(page, region, found.settings),
        plan=plan,
        area=_area(page, plan),
        base=_base(region, plan_id),
        etag=found.etag or "",
        preview=preview,
        refused=found.refused,
        grouped=group_moves(preview.groups, preview.examples) if preview else [],
        tie_of=tie_of,
        editor=_editor(page),
        note=note,
        errors=errors or [],
        levels=forms.LEVELS,
    )


@router.post("/regions/{region}/plans/{plan_id}/publish", name="plan_publish")
async def publish_plan(region: str, plan_id: UUID, page: PageDep, form: FormDep) -> Response:
    """Publish the draft that was previewed (its ETag in the form) with the note; to the plan's page,
    which links to the reassessment and the report that follow."""
    openable(page, region)
    note = form.get("note", "").strip()
    try:
        number = await calls.publish(page.services, region, plan_id, note, form.get("etag") or None)
    except Refused as refused:
        if refused.status == 403:
            return _not_permitted(page)
        t = page.t
        if refused.status == 412:
            errors: list[tuple[str, str | None]] = [(t("plans_refused_draft_changed"), None)]
        else:
            errors = []
            for error in refused.errors:
                key = forms.error_key(error)
                pointer = str(error.get("pointer") or "")
                found = forms.step_of_key(pointer.strip("/").split("/", 1)[0])
                href = f"{_base(region, plan_id)}/steps/{found.number}" if found else None
                errors.append((t(key) if key else str(error.get("message") or ""), href))
            if not errors:
                errors.append((t("form_refused_conflict", reason=refused.detail), None))
        return await _preview_page(page, region, plan_id, refused.status or 422, note=note, errors=errors)
    session.flash(page.request, "plans_flash_published", version=page.t.number(number))
    return RedirectResponse(_base(region, plan_id), status_code=303)


# ----------------------------------------------------------------------------- what followed a version


@router.get("/regions/{region}/plans/{plan_id}/versions/{number}/reassessment", name="plan_reassessment")
async def version_reassessment(region: str, plan_id: UUID, number: int, page: PageDep) -> Response:
    """To the reassessment the version started; until it has started, a page that says so."""
    openable(page, region)
    found = following_reassessment(
        (await calls.following_reassessments(page.services, region)).data, plan_id, number
    )
    if found is not None:
        return RedirectResponse(f"/regions/{region}/reassessments/{found}", status_code=303)
    return _pending(page, region, plan_id, number, "reassessment")


@router.get("/regions/{region}/plans/{plan_id}/versions/{number}/report", name="plan_report")
async def version_report(region: str, plan_id: UUID, number: int, page: PageDep) -> Response:
    """To the first report version built from the version; until there is one, a page that says so."""
    openable(page, region)
    found = following_report((await calls.following_reports(page.services, region)).data, plan_id, number)
    if found is not None:
        return RedirectResponse(f"/regions/{region}/reports/{found}", status_code=303)
    return _pending(page, region, plan_id, number, "report")


def _pending(page: Page, region: str, plan_id: UUID, number: int, what: str) -> Response:
    return page.render(
        "plan_pending.html.j2",
        region=region,
        base=_base(region, plan_id),
        number=number,
        what=what,
        again=f"{_base(region, plan_id)}/versions/{number}/{what}",
    )
