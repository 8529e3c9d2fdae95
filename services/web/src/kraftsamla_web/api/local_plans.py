"""Local plans: the region's local plans with the alignment both ways (local actions that serve no
regional priority, regional priorities no local plan serves) and the form that registers a new
one; one local plan with its actions, financing commitments and links to the regional programme,
and the form that publishes its draft; the draft's form (its actions, their links chosen by name,
the financing commitments), saved with the ETag it was read at."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from starlette.responses import RedirectResponse, Response

from kraftsamla_common.municipalities import municipality_by_code

from ..adapters import render as html
from ..adapters import session
from ..adapters.services import Refused
from ..domain import local_plan_forms as lp
from ..domain import plan_forms as forms
from ..domain.local_plans import action_titles, link_view, names, served_priorities, titles_of
from ..schemas import ActorSettings, Alignment, Programme
from ..usecases import local_plans as calls
from .context import FormDep, Page, PageDep
from .pages import openable

router = APIRouter()

EDITORS = frozenset({"admin", "operator"})
"""The roles the plans service lets register, change and publish local plans."""


def _municipality_name(code: str) -> str | None:
    found = municipality_by_code(code)
    return found.name if found else None


def _municipalities(codes: list[str]) -> str:
    """Municipalities by name (their codes where unknown), in the order given."""
    return ", ".join(_municipality_name(c) or c for c in codes)


def _label(page: Page, settings: object) -> str:
    region = page.request.path_params.get("region", "")
    dumped = settings.model_dump() if settings is not None and hasattr(settings, "model_dump") else None
    return html.region_name(page.t, region, dumped)


def _editor(page: Page) -> bool:
    return page.person.role in EDITORS


def _not_permitted(page: Page) -> Response:
    return page.render("error.html.j2", status_code=403, kind="not_permitted")


def _plan_url(region: str, local_plan_id: UUID | str) -> str:
    return f"/regions/{region}/local-plans/{local_plan_id}"


def _region_municipalities(settings: ActorSettings | None) -> list[tuple[str, str]]:
    return [(m.code, m.name) for m in settings.municipalities] if settings else []


# ----------------------------------------------------------------------------- the list, a new plan


@dataclass
class NewPlanState:
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    reload: bool = False


@router.get("/regions/{region}/local-plans", name="local_plans")
async def local_plans(region: str, page: PageDep) -> Response:
    openable(page, region)
    return await _list_page(page, region)


async def _list_page(
    page: Page, region: str, status_code: int = 200, state: NewPlanState | None = None
) -> Response:
    found = await calls.load_local_plans(page.services, region)
    areas = [a for p in found.programmes for a in p.strength_areas]
    known = names(areas, found.alignment.priorities)
    aligned = {str(plan.local_plan_id): plan for plan in found.alignment.local_plans}
    return page.render(
        "local_plans.html.j2",
        status_code=status_code,
        region=region,
        region_label=_label(page, found.settings),
        plans=found.plans,
        alignment=found.alignment,
        aligned=aligned,
        known=known,
        actions=action_titles(found.alignment.local_plans),
        titles_of=titles_of,
        municipalities=_municipalities,
        editor=_editor(page),
        new=state or NewPlanState(),
        region_municipalities=sorted(_region_municipalities(found.settings), key=lambda m: m[1].casefold()),
    )


@router.post("/regions/{region}/local-plans", name="local_plan_create")
async def create_local_plan(region: str, page: PageDep, form: FormDep) -> Response:
    """A new local plan (its draft: title, owner, a municipality, its period): to its draft's form,
    to add its actions."""
    openable(page, region)
    body = lp.new_plan(form)
    try:
        local_plan_id = await calls.create_local_plan(page.services, region, body)
    except Refused as refused:
        if refused.status == 403:
            return _not_permitted(page)
        state = NewPlanState(values=dict(form))
        state.errors = lp.new_plan_errors(refused.errors, page.t)
        if refused.status == 409 or not state.errors:
            state.errors.setdefault("", page.t("form_refused_conflict", reason=refused.detail))
        return await _list_page(page, region, refused.status or 422, state)
    session.flash(page.request, "local_plans_flash_created", title=body["title"])
    return RedirectResponse(f"{_plan_url(region, local_plan_id)}/edit", status_code=303)


# ----------------------------------------------------------------------------- one plan, publishing


@router.get("/regions/{region}/local-plans/{local_plan_id}", name="local_plan")
async def local_plan(region: str, local_plan_id: UUID, page: PageDep) -> Response:
    openable(page, region)
    return await _plan_page(page, region, local_plan_id)


async def _plan_page(
    page: Page,
    region: str,
    local_plan_id: UUID,
    status_code: int = 200,
    *,
    note: str = "",
    errors: Sequence[str] = (),
) -> Response:
    found = await calls.load_local_plan(page.services, region, local_plan_id)
    areas = [a for p in found.programmes for a in p.strength_areas]
    known = names(areas, found.region_alignment.priorities, found.indicators)
    stale = {a.action_id: a.stale_links for a in found.alignment.actions}
    plan = found.plan.draft
    links = [*plan.serves, *(link for a in plan.actions for link in a.serves)]
    return page.render(
        "local_plan.html.j2",
        status_code=status_code,
        region=region,
        region_label=_label(page, found.settings),
        lp=found.plan,
        plan=plan,
        alignment=found.alignment,
        served=served_priorities(found.alignment.priorities_served, links, known),
        link=lambda link, action_id=None: link_view(
            link, known, stale.get(action_id, []) if action_id else []
        ),
        titles_of=titles_of,
        municipalities=_municipalities,
        editor=_editor(page),
        etag=found.etag or "",
        base_url=_plan_url(region, local_plan_id),
        note=note,
        publish_errors=list(errors),
    )


@router.post("/regions/{region}/local-plans/{local_plan_id}/publish", name="local_plan_publish")
async def publish_local_plan(region: str, local_plan_id: UUID, page: PageDep, form: FormDep) -> Response:
    """Publish the draft the page showed (its ETag in the form) with the note: the plan's page with
    its new version; the alignment both ways then counts it."""
    openable(page, region)
    note = form.get("note", "").strip()
    try:
        number = await calls.publish(page.services, region, local_plan_id, note, form.get("etag") or None)
    except Refused as refused:
        if refused.status == 403:
            return _not_permitted(page)
        t = page.t
        if refused.status == 412:
            errors = [t("local_plans_refused_draft_changed")]
        else:
            errors = []
            for error in refused.errors:
                key = lp.error_key(error)
                errors.append(t(key) if key else str(error.get("message") or ""))
            if not errors:
                errors.append(t("form_refused_conflict", reason=refused.detail))
        return await _plan_page(page, region, local_plan_id, refused.status or 422, note=note, errors=errors)
    session.flash(page.request, "local_plans_flash_published", version=page.t.number(number))
    return RedirectResponse(_plan_url(region, local_plan_id), status_code=303)


# ----------------------------------------------------------------------------- the draft's form


@router.get("/regions/{region}/local-plans/{local_plan_id}/edit", name="local_plan_edit")
async def edit_local_plan(region: str, local_plan_id: UUID, page: PageDep) -> Response:
    openable(page, region)
    return await _edit_page(page, region, local_plan_id)


def _choices(
    page: Page,
    programmes: Iterable[Programme],
    alignment: Alignment,
    indicators: Iterable[Mapping[str, object]],
    settings: ActorSettings | None,
    parts: Sequence[Mapping[str, Any]],
) -> dict[str, list[tuple[str, str]]]:
    """What the form's choices offer, by name: the links' strength areas and priorities, the
    sub-goals, the region's municipalities (and whatever the plan holds already)."""
    areas = [a for p in programmes for a in p.strength_areas]
    known = names(areas, alignment.priorities, indicators)
    found = lp.link_choices(
        page.t,
        [lp.Area(str(a.id), a.name, a.code) for a in areas],
        [
            lp.Priority(str(p.priority.strength_area_id), p.priority.priority_id, p.priority.title)
            for p in alignment.priorities
        ],
        [lp.SubGoal(area, goal, title) for (area, goal), title in known.sub_goals.items()],
        parts,
    )
    held = {"municipalities": [m for part in parts for m in part.get("municipalities") or []]}
    found["municipalities"] = lp.municipality_choices(
        _region_municipalities(settings), held, _municipality_name
    )
    return found


async def _edit_page(
    page: Page,
    region: str,
    local_plan_id: UUID,
    status_code: int = 200,
    *,
    mine: dict[str, Any] | None = None,
    base: dict[str, Any] | None = None,
    etag: str | None = None,
    errors: Sequence[Mapping[str, Any]] | None = None,
    wrong: Sequence[str] = (),
    conflict_with: bool = False,
    problem: str | None = None,
) -> Response:
    """The draft's form: made from the draft; or, after a refusal, from what the person sent
    (``mine``), with the service's ``errors`` at the fields; or, when someone else saved first
    (``conflict_with``), from their draft with the person's changes on top, and what they changed."""
    t = page.t
    found = await calls.load_edit(page.services, region, local_plan_id)
    theirs = lp.part_of(found.draft)
    if mine is None:
        state = forms.DraftForm(lp.values(theirs), theirs, found.etag or "")
    elif conflict_with:
        started = base if base is not None else theirs
        merged = forms.conflict(started, mine, theirs)
        state = forms.DraftForm(lp.values(merged.merged), theirs, found.etag or "", conflict=merged)
    else:
        state = forms.DraftForm(lp.values(mine), base if base is not None else theirs, etag or "")
        state.errors = lp.errors_at_fields(errors or [], mine, t)
        for name in wrong:
            state.errors[name] = t("local_plans_error_sub_goal_area")
        if problem:
            state.errors.setdefault("", problem)
        elif not state.errors and status_code >= 400:
            state.errors[""] = t("form_error_unknown")
    shown_part = lp.parse(state.values, page.language)
    choices = _choices(
        page,
        found.programmes,
        found.region_alignment,
        found.indicators,
        found.settings,
        [shown_part, theirs, state.base],
    )
    labels = lp.labels(choices)
    if state.conflict is not None:
        for change in state.conflict.changes:
            at_name = forms.path_name(change.path, state.conflict.merged)
            if at_name and change.mine_changed:
                at = forms.where(lp.SHEET, change.path).field
                state.notes[at_name] = t("plans_conflict_note", theirs=lp.shown(t, change.theirs, at, labels))
    return page.render(
        "local_plan_edit.html.j2",
        status_code=status_code,
        region=region,
        region_label=_label(page, found.settings),
        lp=found.plan,
        plan_title=found.plan.draft.title,
        base_url=_plan_url(region, local_plan_id),
        sheet=lp.SHEET,
        state=state,
        encoded_base=forms.encode_part(state.base),
        part=shown_part,
        rows_of=lambda name: forms.rows_shown(state.values, name),
        choices=choices,
        indicators=[],
        shown=lambda value, part, language=None: lp.shown(t, value, part, labels, language),
        where=lambda change: forms.where(lp.SHEET, change.path, state.base, shown_part),
        editor=_editor(page),
        text_languages=forms.LANGUAGES,
        kind_of=forms.kind_of,
    )


@router.post("/regions/{region}/local-plans/{local_plan_id}/edit", name="local_plan_save")
async def save_local_plan(region: str, local_plan_id: UUID, page: PageDep, form: FormDep) -> Response:
    """The draft as the form has it, on the draft as it was read (``etag``): saved, and to the
    plan's page (the draft's alignment); refused, the form again with the service's reasons at the
    fields; someone else saved first, their changes shown and the person's kept on top of theirs."""
    openable(page, region)
    mine = lp.parse(form, page.language)
    base = lp.decode(form.get("base", ""))
    etag = form.get("etag", "")
    draft = await calls.current_draft(page.services, region, local_plan_id)
    content, wrong = lp.content(draft, mine)
    if wrong:
        return await _edit_page(
            page, region, local_plan_id, 422, mine=mine, base=base, etag=etag, wrong=wrong
        )
    try:
        await calls.save_draft(page.services, region, local_plan_id, content, etag)
    except Refused as refused:
        if refused.status == 403:
            return _not_permitted(page)
        if refused.status in (412, 428):
            return await _edit_page(
                page, region, local_plan_id, 409, mine=mine, base=base, conflict_with=True
            )
        return await _edit_page(
            page,
            region,
            local_plan_id,
            refused.status or 422,
            mine=mine,
            base=base,
            etag=etag,
            errors=refused.errors,
            problem=page.t("form_refused_conflict", reason=refused.detail) if refused.status == 409 else None,
        )
    session.flash(page.request, "local_plans_flash_saved")
    return RedirectResponse(_plan_url(region, local_plan_id), status_code=303)
