"""The region's actors: the list (search, filters, pages), one actor (its data, people, groups),
registering one, importing a CSV or XLSX file (its bad rows shown before anything is written),
merging a duplicate into the actor to keep, and erasing a person's personal data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from starlette.datastructures import FormData, UploadFile
from starlette.responses import JSONResponse, RedirectResponse, Response

from ..adapters import render as html
from ..adapters import session
from ..adapters.services import Refused
from ..domain import actors as rules
from ..domain.actors import ActorForm, ActorQuery, ImportCheck
from ..domain.applications import paging
from ..schemas import ActorSettings
from ..usecases import actors
from .context import CsrfRefused, FormDep, Page, PageDep, PageNotFound
from .pages import openable

router = APIRouter()

MAX_FILE_NAME = 200
FORM_OVERHEAD = 64 * 1024
"""What a form may carry besides its file (or its sealed file): boundaries, headers, small fields."""


def _region_label(page: Page, region: str, settings: ActorSettings | None) -> str:
    return html.region_name(page.t, region, settings.model_dump() if settings else None)


def _industry(page: Page) -> Callable[[str | None], rules.Named | None]:
    """An industry's name in the page's language (where the classification has one)."""
    return lambda code: rules.industry_name(code, page.language)


def _not_permitted(page: Page) -> Response:
    return page.render("error.html.j2", status_code=403, kind="not_permitted")


def _path(region: str, *parts: object) -> str:
    return "/".join([f"/regions/{region}/actors", *(str(p) for p in parts)])


# --------------------------------------------------------------------------- the list


@router.get("/regions/{region}/actors", name="actors")
async def actor_list(region: str, page: PageDep) -> Response:
    openable(page, region)
    query = ActorQuery.from_params(page.request.query_params)
    found = await actors.load_actors(page.services, region, query)
    path = _path(region)
    return page.render(
        "actors.html.j2",
        region=region,
        region_label=_region_label(page, region, found.settings),
        query=query,
        path=path,
        found=found.found,
        settings=found.settings,
        helixes=rules.HELIXES,
        sections=rules.sections(page.language),
        industry_name=_industry(page),
        paging=paging(query.offset, len(found.found.data), found.found.count),
        may_register=rules.may_register(page.person.role),
    )


# --------------------------------------------------------------------------- registering one


def _register_page(
    page: Page,
    region: str,
    settings: ActorSettings | None,
    form: ActorForm,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return page.render(
        "actor_new.html.j2",
        status_code=status_code,
        region=region,
        region_label=_region_label(page, region, settings),
        settings=settings,
        form=form,
        errors=errors or {},
        helixes=rules.HELIXES,
        size_classes=rules.SIZE_CLASSES,
        countries=rules.COUNTRIES,
    )


@router.get("/regions/{region}/actors/new", name="actor_new")
async def new_actor(region: str, page: PageDep) -> Response:
    openable(page, region)
    if not rules.may_register(page.person.role):
        return _not_permitted(page)
    known = await actors.settings(page.services, region)
    country = known.country if known else "SE"
    return _register_page(page, region, known, ActorForm.from_form({"country": country}, country))


@router.post("/regions/{region}/actors", name="actor_register")
async def register_actor(region: str, page: PageDep, form: FormDep) -> Response:
    """Register the organisation; the actors service checks its identifier (the check digit of an
    organisationsnummer or a Y-tunnus), municipality and NACE code, and its refusals come back at
    their fields."""
    openable(page, region)
    filled = ActorForm.from_form(form)
    try:
        actor, new = await actors.register(page.services, region, filled.body())
    except Refused as refused:
        if refused.status == 403:
            return _not_permitted(page)
        t = page.t
        errors = (
            rules.actor_errors(refused.errors, filled.country, t.has, t)
            if refused.status == 422
            else {"": t("form_refused_conflict", reason=refused.detail)}
        )
        if not errors:
            errors = {"": t("form_error_unknown")}
        known = await actors.settings(page.services, region)
        return _register_page(page, region, known, filled, errors, refused.status or 422)
    session.flash(page.request, "actors_flash_registered" if new else "actors_flash_already", name=actor.name)
    return RedirectResponse(_path(region, actor.id), status_code=303)


@router.post("/regions/{region}/actors/check", name="actor_check")
async def check_actor(region: str, page: PageDep, form: FormDep) -> Response:
    """The registration form as far as it is typed, checked by the actors service without
    registering anything (``dry_run=true``): JSON for the form's script (static/actor_check.js),
    worded in the page's language. ``fields``: each field checked as one types that holds
    something, with the message a post would get there, or null where it is right; ``fixed``: what
    the page says when such a message goes; ``registered``: the actor the organisation is
    registered as already (its name, its page and a sentence), or null. A POST with the form's
    CSRF token, so that what is typed (a personnummer by mistake) is in no URL or access log."""
    openable(page, region)
    if not rules.may_register(page.person.role):
        return JSONResponse({"fields": {}, "fixed": {}, "registered": None}, status_code=403)
    filled = ActorForm.from_form(form)
    body = filled.check_body()
    t = page.t
    fields: dict[str, str | None] = {}
    registered: dict[str, str] | None = None
    if body is not None:
        try:
            found = await actors.check_registration(page.services, region, body)
        except Refused as refused:
            if refused.status != 422:
                return JSONResponse(
                    {"fields": {}, "fixed": {}, "registered": None}, status_code=refused.status or 422
                )
            fields = rules.typed_errors(refused.errors, filled, t.has, t)
        else:
            fields = dict.fromkeys(filled.typed)
            if found is not None:
                registered = {
                    "name": found.name,
                    "href": _path(region, found.id),
                    "text": t("actors_check_registered", name=found.name),
                }
    fixed = {name: t("actors_check_fixed", field=t(f"actors_col_{name}")) for name in fields}
    return JSONResponse(
        {"fields": fields, "fixed": fixed, "registered": registered}, headers={"Cache-Control": "no-store"}
    )


# --------------------------------------------------------------------------- importing a file


class _TooLarge(Exception):
    pass


async def _bounded_form(page: Page, limit: int, max_part_size: int = 1024 * 1024) -> FormData:
    """A multipart form of at most ``limit`` bytes (by its ``Content-Length``, before it is read),
    once its CSRF token matched the session's."""
    request = page.request
    try:
        length = int(request.headers.get("content-length") or "")
    except ValueError:
        raise _TooLarge() from None
    if length > limit:
        raise _TooLarge()
    form = await request.form(max_part_size=max_part_size)
    if not session.csrf_matches(request, form.get("csrf_token")):
        raise CsrfRefused()
    return form


def _import_page(
    page: Page,
    region: str,
    settings: ActorSettings | None,
    *,
    status_code: int = 200,
    error: str = "",
    error_detail: str = "",
    check: ImportCheck | None = None,
    sealed: dict[str, str] | None = None,
) -> Response:
    return page.render(
        "actors_import.html.j2",
        status_code=status_code,
        region=region,
        region_label=_region_label(page, region, settings),
        error=error,
        error_detail=error_detail,
        check=check,
        sealed=sealed or {},
        max_mb=rules.IMPORT_MAX_BYTES // (1024 * 1024),
        accept=",".join((".csv", ".xlsx", rules.CSV, rules.XLSX)),
    )


@router.get("/regions/{region}/actors/import", name="actors_import")
async def import_form(region: str, page: PageDep) -> Response:
    openable(page, region)
    if not rules.may_register(page.person.role):
        return _not_permitted(page)
    return _import_page(page, region, await actors.settings(page.services, region))


def _refused_file(page: Page, refused: Refused) -> tuple[str, str]:
    """What the import's page says of a file the service would not read: a sentence, and the
    service's own words where they tell more (English)."""
    t = page.t
    if refused.status == 413:
        return t("actors_import_too_large", mb=t.number(rules.IMPORT_MAX_BYTES // (1024 * 1024))), ""
    if refused.status == 415:
        return t("actors_import_not_a_table"), ""
    if refused.status == 422:
        return t("actors_import_unreadable"), refused.detail
    return t("form_refused_conflict", reason=refused.detail), ""


def _secret(page: Page) -> str:
    return str(page.request.app.state.settings.session_secret.get_secret_value())


@router.post("/regions/{region}/actors/import", name="actors_import_check")
async def import_check(region: str, page: PageDep) -> Response:
    """Upload → every bad row by line and field, nothing written; the file kept sealed in the
    page for the import the person then chooses."""
    openable(page, region)
    t = page.t
    try:
        form = await _bounded_form(page, rules.IMPORT_MAX_BYTES + FORM_OVERHEAD)
    except _TooLarge:
        known = await actors.settings(page.services, region)
        mb = t.number(rules.IMPORT_MAX_BYTES // (1024 * 1024))
        return _import_page(page, region, known, status_code=413, error=t("actors_import_too_large", mb=mb))
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        known = await actors.settings(page.services, region)
        return _import_page(page, region, known, status_code=422, error=t("actors_import_choose"))
    data = await upload.read(rules.IMPORT_MAX_BYTES + 1)
    name = upload.filename[:MAX_FILE_NAME]
    media = rules.media_type(name, upload.content_type)
    status, error = 422, ""
    if len(data) > rules.IMPORT_MAX_BYTES:
        status, error = (
            413,
            t("actors_import_too_large", mb=t.number(rules.IMPORT_MAX_BYTES // (1024 * 1024))),
        )
    elif media is None:
        status, error = 415, t("actors_import_not_a_table")
    elif not data:
        error = t("actors_import_empty")
    if error or media is None:
        known = await actors.settings(page.services, region)
        return _import_page(page, region, known, status_code=status, error=error)
    try:
        check = await actors.check_import(page.services, region, data, media)
    except Refused as refused:
        if refused.status == 403:
            return _not_permitted(page)
        error, detail = _refused_file(page, refused)
        known = await actors.settings(page.services, region)
        return _import_page(
            page, region, known, status_code=refused.status or 422, error=error, error_detail=detail
        )
    if check.written:
        _flash_imported(page, check)
        return RedirectResponse(_path(region), status_code=303)
    payload, mac = rules.seal(_secret(page), _seal_context(page, region, media, name), data)
    known = await actors.settings(page.services, region)
    return _import_page(
        page,
        region,
        known,
        check=check,
        sealed={"file_data": payload, "file_mac": mac, "file_name": name, "file_type": media},
    )


def _seal_context(page: Page, region: str, media: str, name: str) -> list[str]:
    return [session.csrf_token(page.request), region, media, name]


def _flash_imported(page: Page, check: ImportCheck) -> None:
    t = page.t
    session.flash(
        page.request,
        "actors_flash_imported",
        created=t.number(check.created or 0),
        existing=t.number(check.existing or 0),
        rejected=t.number(len(check.bad)),
    )


@router.post("/regions/{region}/actors/import/run", name="actors_import_run")
async def import_run(region: str, page: PageDep) -> Response:
    """The file checked before, imported: every row (``mode=all_or_nothing``, offered only when no
    row is bad) or the good rows only (``mode=valid_rows``)."""
    openable(page, region)
    t = page.t
    try:
        form = await _bounded_form(
            page, rules.SEALED_MAX_CHARS + FORM_OVERHEAD, max_part_size=rules.SEALED_MAX_CHARS + 1024
        )
    except _TooLarge:
        known = await actors.settings(page.services, region)
        return _import_page(page, region, known, status_code=413, error=t("actors_import_again"))
    fields: dict[str, str] = {k: v for k, v in form.items() if isinstance(v, str)}
    mode = fields.get("mode", "")
    media = fields.get("file_type", "")
    name = fields.get("file_name", "")[:MAX_FILE_NAME]
    data = rules.unseal(
        _secret(page),
        _seal_context(page, region, media, name),
        fields.get("file_data", ""),
        fields.get("file_mac", ""),
    )
    if data is None or mode not in ("all_or_nothing", "valid_rows") or media not in (rules.CSV, rules.XLSX):
        known = await actors.settings(page.services, region)
        return _import_page(page, region, known, status_code=400, error=t("actors_import_again"))
    try:
        report = await actors.run_import(page.services, region, data, media, mode)
    except Refused as refused:
        if refused.status == 403:
            return _not_permitted(page)
        known = await actors.settings(page.services, region)
        again = rules.import_refused(refused.problem) if refused.status == 422 else None
        if again is not None:
            return _import_page(
                page,
                region,
                known,
                status_code=422,
                check=again,
                sealed={
                    "file_data": fields["file_data"],
                    "file_mac": fields["file_mac"],
                    "file_name": name,
                    "file_type": media,
                },
            )
        error, detail = _refused_file(page, refused)
        return _import_page(
            page, region, known, status_code=refused.status or 422, error=error, error_detail=detail
        )
    _flash_imported(page, report)
    return RedirectResponse(_path(region), status_code=303)


# --------------------------------------------------------------------------- one actor


@router.get("/regions/{region}/actors/{actor_id}", name="actor")
async def actor_page(region: str, actor_id: UUID, page: PageDep) -> Response:
    openable(page, region)
    found = await actors.load_actor(page.services, region, actor_id)
    role = page.person.role
    return page.render(
        "actor.html.j2",
        region=region,
        region_label=_region_label(page, region, found.settings),
        actor=found.actor,
        merged_into=found.merged_into,
        people=found.people,
        memberships=found.memberships,
        industry_name=_industry(page),
        may_merge=rules.may_merge(role) and found.actor.merged_into_id is None,
        may_erase=rules.may_erase(role),
        path=_path(region, actor_id),
    )


# --------------------------------------------------------------------------- merging duplicates


def _uuid(value: str | None) -> UUID | None:
    try:
        return UUID(value) if value else None
    except ValueError:
        return None


async def _merge_page(
    page: Page,
    region: str,
    actor_id: UUID,
    q: str,
    other_id: UUID | None,
    keep: str,
    status_code: int = 200,
    error: str = "",
) -> Response:
    found = await actors.load_merge(page.services, region, actor_id, q, other_id)
    candidates: list[Any] = [a for a in found.candidates.data if a.id != actor_id] if found.candidates else []
    keep = keep if keep in ("this", "other") else "this"
    survivor, duplicate = (found.actor, found.other) if keep == "this" else (found.other, found.actor)
    return page.render(
        "actor_merge.html.j2",
        status_code=status_code,
        region=region,
        region_label=_region_label(page, region, found.settings),
        actor=found.actor,
        other=found.other,
        q=q,
        candidates=candidates,
        more=(found.candidates.count - len(found.candidates.data)) if found.candidates else 0,
        keep=keep,
        survivor=survivor,
        duplicate=duplicate,
        error=error,
        path=_path(region, actor_id),
        industry_name=_industry(page),
    )


@router.get("/regions/{region}/actors/{actor_id}/merge", name="actor_merge")
async def merge_form(region: str, actor_id: UUID, page: PageDep) -> Response:
    """Choose the duplicate among the actors whose names hold ``q`` and which of the two to keep;
    then (``other`` and ``keep`` chosen) confirm."""
    openable(page, region)
    if not rules.may_merge(page.person.role):
        return _not_permitted(page)
    params = page.request.query_params
    other_id = _uuid(params.get("other"))
    if other_id == actor_id:
        other_id = None
    q = " ".join((params.get("q") or "").split())[: rules.MAX_QUERY]
    return await _merge_page(page, region, actor_id, q, other_id, params.get("keep") or "this")


@router.post("/regions/{region}/actors/{actor_id}/merge", name="actor_merge_run")
async def merge_run(region: str, actor_id: UUID, page: PageDep, form: FormDep) -> Response:
    openable(page, region)
    other_id = _uuid(form.get("other"))
    keep = form.get("keep", "")
    if other_id is None or other_id == actor_id or keep not in ("this", "other"):
        raise PageNotFound()
    duplicate, survivor = (other_id, actor_id) if keep == "this" else (actor_id, other_id)
    try:
        kept = await actors.merge(page.services, region, duplicate, survivor)
    except Refused as refused:
        if refused.status == 403:
            return _not_permitted(page)
        return await _merge_page(
            page,
            region,
            actor_id,
            "",
            other_id,
            keep,
            refused.status or 422,
            page.t("actors_merge_refused", reason=refused.detail),
        )
    session.flash(page.request, "actors_flash_merged", name=kept.name)
    return RedirectResponse(_path(region, kept.id), status_code=303)


# --------------------------------------------------------------------------- erasing a person


async def _person(page: Page, region: str, actor_id: UUID, person_id: UUID) -> actors.PersonPage:
    found = await actors.load_person(page.services, region, actor_id, person_id)
    if found.person.actor_id != found.actor.id:
        raise PageNotFound()
    return found


@router.get("/regions/{region}/actors/{actor_id}/people/{person_id}/erase", name="person_erase")
async def erase_form(region: str, actor_id: UUID, person_id: UUID, page: PageDep) -> Response:
    """What erasing a person's data does, and the button that does it."""
    openable(page, region)
    if not rules.may_erase(page.person.role):
        return _not_permitted(page)
    found = await _person(page, region, actor_id, person_id)
    return page.render(
        "person_erase.html.j2",
        region=region,
        region_label=_region_label(page, region, found.settings),
        actor=found.actor,
        contact=found.person,
        path=_path(region, actor_id),
    )


@router.post("/regions/{region}/actors/{actor_id}/people/{person_id}/erase", name="person_erase_run")
async def erase_run(region: str, actor_id: UUID, person_id: UUID, page: PageDep, form: FormDep) -> Response:
    openable(page, region)
    found = await _person(page, region, actor_id, person_id)
    try:
        await actors.erase_person(page.services, region, person_id)
    except Refused as refused:
        if refused.status == 403:
            return _not_permitted(page)
        session.flash(page.request, "actors_flash_not_erased", "error", reason=refused.detail)
        return RedirectResponse(_path(region, actor_id), status_code=303)
    session.flash(page.request, "actors_flash_erased", name=found.person.name or "")
    return RedirectResponse(_path(region, actor_id), status_code=303)
