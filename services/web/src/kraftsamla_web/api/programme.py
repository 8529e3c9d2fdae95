"""The programme and its strength areas: the programme (period, vision, adoption) with its edit and
adoption forms, and each strength area's form (names and descriptions in the region's languages,
process leader, NACE codes found by search, Agenda 2030 goals). Every edit names the programme's
ETag (``If-Match``); one made meanwhile by someone else is refused (412) and the form says what
changed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from starlette.responses import JSONResponse, RedirectResponse, Response

from kraftsamla_common import nace

from ..adapters import render as html
from ..adapters import session
from ..adapters.services import Refused
from ..domain.programme import (
    ADOPTION_FIELDS,
    AREA_FIELDS,
    LANGUAGES,
    PROGRAMME_FIELDS,
    SDGS,
    adoption_body,
    area_body,
    area_form,
    area_values,
    base_of,
    changed_fields,
    codes,
    field_at,
    field_kind,
    merged,
    programme_body,
    programme_values,
    read_base,
)
from ..domain.review import errors_at_fields
from ..schemas import NaceLine, Programme, StrengthArea
from ..usecases import programme as calls
from .applications import FormState
from .context import FormDep, Page, PageDep, PageNotFound
from .pages import openable

router = APIRouter()

EDITORS = frozenset({"admin", "operator"})
"""Who the plans service lets change the programme and its strength areas (it decides again)."""


@dataclass
class EditState(FormState):
    """An edit form sent back: besides :class:`FormState`, after a 412 what the form was made from
    (``before``) and, once the page has the programme as it is now, what changed (sentences)."""

    before: dict[str, str] | None = None
    changed: list[str] = field(default_factory=list)
    etag: str | None = None
    base: str | None = None
    """The ETag and values the form was made from, kept while it is shown again unsaved (a search):
    only a save sent after a 412 is made on what the service holds now."""


def may_edit(page: Page) -> bool:
    return page.person.role in EDITORS


def nace_name(code: str, language: str) -> str | None:
    """A NACE code's name in the page's language (English where the data has no other)."""
    found = nace.by_code().get(code)
    return found.name(language) if found else None


def _region_label(page: Page, settings: Any) -> str:
    return html.region_name(
        page.t, page.request.path_params.get("region", ""), settings.model_dump() if settings else None
    )


def _shown(page: Page, name: str, value: str, programme: Programme | None, area: StrengthArea | None) -> str:
    """A form field's value as a sentence names it: codes by their names, the process leader by
    name, "(empty)" for nothing."""
    t = page.t
    if not value.strip():
        return t("programme_value_empty")
    if name == "nace_codes":
        return ", ".join(f"{c} {nace_name(c, page.language) or ''}".strip() for c in codes(value))
    if name == "sdgs":
        return ", ".join(f"{g} {t('goal_' + g)}" if t.has("goal_" + g) else g for g in codes(value))
    leader = area.process_leader if area is not None else None
    if name == "process_leader" and leader is not None and str(leader.id) == value:
        return leader.name or value
    return value


def _changes(
    page: Page, state: EditState, now: Mapping[str, str], fields: Sequence[str], **where: Any
) -> None:
    """After a 412: what someone else changed since the form was made, each field with its value now."""
    if state.before is None:
        return
    state.values = merged(state.before, state.values, now, fields)
    t = page.t
    for name in changed_fields(state.before, now, fields):
        state.changed.append(
            t(
                "programme_changed_field",
                field=t(f"programme_field_{name}"),
                value=_shown(page, name, now.get(name, ""), **where),
            )
        )


def _state(
    page: Page, refused: Refused, form: str, values: Mapping[str, str], fields: Sequence[str]
) -> EditState:
    """The form as sent, with what the service said: 422's errors at their fields, 409's reason,
    412's (or 428's) "someone else changed it" with what the form was made from."""
    t = page.t
    state = EditState(values=dict(values))
    if refused.status == 422:
        state.errors = errors_at_fields(
            refused.errors, form, fields, t.has, t, locate=field_at, kind=field_kind
        )
        if not state.errors:
            state.errors[""] = (
                t("form_refused_conflict", reason=refused.detail)
                if refused.detail
                else t("form_error_unknown")
            )
    elif refused.status == 409:
        state.errors[""] = t("form_refused_conflict", reason=refused.detail)
    elif refused.status in (412, 428):
        state.errors[""] = t("programme_changed_meanwhile")
        state.reload = True
        state.before = read_base(values.get("base", ""), fields)
    return state


def _not_permitted(page: Page) -> Response:
    return page.render("error.html.j2", status_code=403, kind="not_permitted")


# ----------------------------------------------------------------------------- NACE as one types


@router.get("/regions/{region}/programme/nace", name="programme_nace")
async def nace_options(region: str, page: PageDep, q: Annotated[str, Query(max_length=100)] = "") -> Response:
    """The NACE codes the plans service finds for what is typed, named in the page's language: the
    strength area form's list fills itself from here as one types (where script runs)."""
    openable(page, region)
    found = await calls.search_nace(page.services, region, q) if q.strip() else None
    lines: list[NaceLine] = found.data if found else []
    return JSONResponse(
        {"data": [{"code": n.code, "name": n.name, "language": n.language} for n in lines]},
        headers={"Cache-Control": "no-store"},
    )


# ----------------------------------------------------------------------------- the programme


@router.get("/regions/{region}/programme", name="programme")
async def programme(region: str, page: PageDep) -> Response:
    """The region's programme of this year (else its newest) with its strength areas."""
    openable(page, region)
    return await _programme_page(page, region, None)


@router.get("/regions/{region}/programme/{programme_id}", name="programme_one")
async def programme_one(region: str, programme_id: UUID, page: PageDep) -> Response:
    openable(page, region)
    return await _programme_page(page, region, programme_id)


async def _programme_page(
    page: Page,
    region: str,
    programme_id: UUID | None,
    status_code: int = 200,
    forms: Mapping[str, EditState] | None = None,
) -> Response:
    found = await calls.load_programme_page(page.services, region, programme_id, date.today().year)
    p = found.programme
    states = {name: (forms or {}).get(name) or EditState() for name in ("programme", "adopt")}
    current = programme_values(p.model_dump(mode="json")) if p else {}
    _changes(page, states["programme"], current, PROGRAMME_FIELDS, programme=p, area=None)
    return page.render(
        "programme.html.j2",
        status_code=status_code,
        region=region,
        region_label=_region_label(page, found.settings),
        programmes=found.programmes,
        p=p,
        etag=found.etag or "",
        base=base_of(current, PROGRAMME_FIELDS),
        values=states["programme"].values or current,
        forms=states,
        may_edit=may_edit(page),
        text_languages=LANGUAGES,
        nace_name=lambda code: nace_name(code, page.language),
        today=date.today().isoformat(),
    )


@router.post("/regions/{region}/programme/{programme_id}", name="programme_save")
async def save_programme(region: str, programme_id: UUID, page: PageDep, form: FormDep) -> Response:
    """The programme's title, reference, period and vision, at the ETag the form was made from."""
    openable(page, region)
    values = {f: form.get(f, "") for f in PROGRAMME_FIELDS} | {"base": form.get("base", "")}
    try:
        await calls.save_programme(
            page.services, region, programme_id, programme_body(values), form.get("etag", "")
        )
    except Refused as refused:
        if refused.status == 403:
            return _not_permitted(page)
        state = _state(page, refused, "programme", values, PROGRAMME_FIELDS)
        return await _programme_page(page, region, programme_id, refused.status or 422, {"programme": state})
    session.flash(page.request, "programme_saved")
    return RedirectResponse(f"/regions/{region}/programme/{programme_id}", status_code=303)


@router.post("/regions/{region}/programme/{programme_id}/adopt", name="programme_adopt")
async def adopt_programme(region: str, programme_id: UUID, page: PageDep, form: FormDep) -> Response:
    """The programme's adoption: the day, the body that adopted it, the paragraph."""
    openable(page, region)
    values = {f: form.get(f, "") for f in ADOPTION_FIELDS}
    try:
        await calls.adopt_programme(page.services, region, programme_id, adoption_body(values))
    except Refused as refused:
        if refused.status == 403:
            return _not_permitted(page)
        state = _state(page, refused, "adopt", values, ADOPTION_FIELDS)
        return await _programme_page(page, region, programme_id, refused.status or 422, {"adopt": state})
    session.flash(page.request, "programme_adopted")
    return RedirectResponse(f"/regions/{region}/programme/{programme_id}", status_code=303)


# ----------------------------------------------------------------------------- a strength area


@router.get("/regions/{region}/programme/{programme_id}/strength-areas/{area_id}", name="strength_area")
async def strength_area(region: str, programme_id: UUID, area_id: UUID, page: PageDep) -> Response:
    """A strength area: for those who may change it, its form."""
    openable(page, region)
    return await _area_page(page, region, programme_id, area_id)


async def _area_page(
    page: Page,
    region: str,
    programme_id: UUID,
    area_id: UUID,
    status_code: int = 200,
    state: EditState | None = None,
    query: str = "",
) -> Response:
    found = await calls.load_area_page(page.services, region, programme_id, query)
    area = next((a for a in found.programme.strength_areas if a.id == area_id), None)
    if area is None:
        raise PageNotFound()
    state = state or EditState()
    current = area_values(area.model_dump(mode="json"))
    _changes(page, state, current, AREA_FIELDS, programme=found.programme, area=area)
    values = state.values or current
    chosen = codes(values.get("nace_codes", ""))
    results = [n for n in (found.found.data if found.found else []) if n.code not in chosen]
    people = sorted(
        (p for p in found.people.data if p.name and not p.erased), key=lambda p: (p.name or "").casefold()
    )
    return page.render(
        "strength_area.html.j2",
        status_code=status_code,
        region=region,
        region_label=_region_label(page, found.settings),
        p=found.programme,
        area=area,
        etag=state.etag if state.etag is not None else found.etag or "",
        base=state.base if state.base is not None else base_of(current, AREA_FIELDS),
        values=values,
        form=state,
        may_edit=may_edit(page),
        text_languages=LANGUAGES,
        chosen_nace=chosen,
        chosen_goals=codes(values.get("sdgs", "")),
        goals=SDGS,
        query=query,
        results=results,
        searched=found.found is not None,
        found_count=found.found.count if found.found else 0,
        people=people,
        divisions=[e for e in nace.entries() if e.level in ("section", "division")],
        nace_name=lambda code: nace_name(code, page.language),
    )


@router.post("/regions/{region}/programme/{programme_id}/strength-areas/{area_id}", name="strength_area_save")
async def save_strength_area(
    region: str, programme_id: UUID, area_id: UUID, page: PageDep, form: FormDep
) -> Response:
    """Save the strength area (``action=save``), or (``action=search``) show the form again with the
    NACE codes the search field finds, to tick; nothing is saved then."""
    openable(page, region)
    sent = await page.request.form()
    ticked = [v for v in sent.getlist("nace") if isinstance(v, str)]
    goals = [v for v in sent.getlist("sdg") if isinstance(v, str)]
    typed = form.get("nace_q", "")
    if form.get("action") == "search":
        values = area_form(form, ticked, "", goals)
        state = EditState(values=values, etag=form.get("etag", ""), base=form.get("base", ""))
        return await _area_page(page, region, programme_id, area_id, state=state, query=typed)
    values = area_form(form, ticked, typed, goals) | {"base": form.get("base", "")}
    try:
        await calls.save_area(page.services, region, area_id, area_body(values), form.get("etag", ""))
    except Refused as refused:
        if refused.status == 403:
            return _not_permitted(page)
        # The form again as sent, the codes typed left in the search field (and searched), not ticked.
        sent_values = area_form(form, ticked, "", goals) | {"base": form.get("base", "")}
        state = _state(page, refused, "strength_area", sent_values, AREA_FIELDS)
        return await _area_page(page, region, programme_id, area_id, refused.status or 422, state, typed)
    name = next(
        (values[f"name_{x}"] for x in (page.language, *LANGUAGES) if values.get(f"name_{x}", "").strip()), ""
    )
    session.flash(page.request, "programme_area_saved", area=name)
    return RedirectResponse(f"/regions/{region}/programme/{programme_id}#area-{area_id}", status_code=303)
