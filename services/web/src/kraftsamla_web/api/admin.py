"""Administration, for the region's administrators and the platform's operator: an overview, the
API keys (issued with the key shown once, revoked after a confirmation), the webhooks (their
delivery logs, a test ping, a delivery sent again, registered with the secret shown once, deleted
after a confirmation), the rubric's versions (and a new one from the one in force), the audit log
of the four services, the region's settings.

Another role's person gets 404 for these pages, as for another region's: the pages are not for
them, and nothing says more. A form posted anyway goes to the service, which refuses it (403: the
page saying the person may not, nothing changed)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query
from starlette.responses import RedirectResponse, Response

from ..adapters import render as html
from ..adapters import session
from ..adapters.services import Refused
from ..domain import admin as rules
from ..domain.admin import (
    ADMINS,
    AUDIT_SERVICES,
    KEY_ROLES,
    KNOWN_ACTIONS,
    WEBHOOK_EVENTS,
    AuditQuery,
    AuditRow,
    action_key,
    errors_at_fields,
    event_key,
    expiring_soon,
    key_counts,
    service_of,
    weight_shares,
)
from ..domain.programme import base_of, changed_fields, merged, read_base
from ..schemas import AdminSettings, RegionSettings
from ..usecases import admin as calls
from ..usecases.desk import region_settings
from .applications import FormState
from .context import FormDep, Page, PageDep, PageNotFound
from .pages import openable
from .programme import EditState

router = APIRouter()

KEY_FIELDS = ("name", "role", "source", "organisation", "expires")
WEBHOOK_FIELDS = ("url", "event_types", "source", "description")
SETTINGS_FIELDS = ("country", "county", "municipalities", "dominance_threshold")
SETTINGS_LABELS = {
    "country": "admin_settings_country",
    "county": "admin_settings_county",
    "municipalities": "admin_settings_municipalities",
    "dominance_threshold": "admin_settings_threshold",
}


def administrable(page: Page, region: str) -> None:
    """The region's administration pages: its administrators and the operator; 404 for anyone else."""
    openable(page, region)
    if page.person.role not in ADMINS:
        raise PageNotFound()


def _label(page: Page, region: str, settings: RegionSettings | AdminSettings | None) -> str:
    return html.region_name(page.t, region, settings.model_dump() if settings else None)


def _who(page: Page) -> Any:
    """A person or key as the page names them: the reader by their name, others as the services
    know them (``user:<subject>``, a key's name)."""

    def who(actor: str | None) -> str:
        if not actor:
            return "–"
        if actor == page.person.principal:
            return page.t("admin_you", name=page.person.name)
        return actor

    return who


def _not_permitted(page: Page) -> Response:
    return page.render("error.html.j2", status_code=403, kind="not_permitted")


def _state(
    page: Page, refused: Refused, form: str, values: Mapping[str, str], fields: Sequence[str]
) -> FormState:
    """A form sent back: its values, the service's 422 errors at their fields, 409's reason."""
    t = page.t
    state = FormState(values=dict(values))
    if refused.status == 422:
        state.errors = errors_at_fields(refused.errors, form, fields, t.has, t)
        if not state.errors:
            state.errors[""] = t("form_error_unknown")
    elif refused.status == 409:
        state.errors[""] = t("form_refused_conflict", reason=refused.detail)
    elif refused.status == 412:
        state.errors[""] = t("admin_rubric_changed")
        state.reload = True
    else:
        state.errors[""] = t("form_error_unknown")
    return state


def _wrong(page: Page, wrong: Mapping[str, str], values: Mapping[str, str]) -> FormState:
    """What the form itself found wrong, before asking the service: catalogue keys at fields."""
    return FormState(values=dict(values), errors={name: page.t(key) for name, key in wrong.items()})


# --------------------------------------------------------------------------- overview


@router.get("/regions/{region}/admin", name="admin")
async def overview(region: str, page: PageDep) -> Response:
    """A line on each page of the section: its keys, webhooks, rubric, recent writes, settings."""
    administrable(page, region)
    found = await calls.load_overview(page.services, region, webhooks=not page.person.is_operator)
    now = datetime.now(UTC)
    recent = [log for log in found.recent.values() if log is not None]
    latest = max(
        (AuditRow.of(s, e.model_dump()) for s, log in found.recent.items() if log for e in log.data[:1]),
        key=lambda row: row.at,
        default=None,
    )
    return page.render(
        "admin.html.j2",
        region=region,
        region_label=_label(page, region, found.settings),
        found=found,
        keys=key_counts([k.model_dump() for k in found.keys.data], now) if found.keys else None,
        failed=sum(h.failed for h in found.webhooks.data) if found.webhooks else 0,
        recent_count=sum(log.count for log in recent),
        recent_missing=[page.t(f"admin_service_{s}") for s, log in found.recent.items() if log is None],
        latest=latest,
        action_label=_action_label(page),
        who=_who(page),
        county_name=_county_name(page),
    )


# --------------------------------------------------------------------------- API keys


@router.get("/regions/{region}/admin/keys", name="admin_keys")
async def keys(region: str, page: PageDep, offset: Annotated[int, Query(ge=0, le=100_000)] = 0) -> Response:
    administrable(page, region)
    return await _keys_page(page, region, offset)


async def _keys_page(
    page: Page, region: str, offset: int = 0, status_code: int = 200, form: FormState | None = None
) -> Response:
    found, settings = await calls.list_keys(page.services, region, offset)
    return page.render(
        "admin_keys.html.j2",
        status_code=status_code,
        region=region,
        region_label=_label(page, region, settings),
        keys=found,
        offset=offset,
        page_size=calls.KEYS_PAGE,
        roles=KEY_ROLES,
        soon=lambda expires: expiring_soon(expires, datetime.now(UTC)),
        who=_who(page),
        form=form or FormState(values={"role": "integrator"}),
    )


@router.post("/regions/{region}/admin/keys", name="admin_key_issue")
async def issue_key(region: str, page: PageDep, form: FormDep) -> Response:
    """Issue a key; the answer is the page showing it, this once (never kept in the session or a
    URL, and not stored by the browser: ``Cache-Control: no-store``)."""
    openable(page, region)
    body, wrong = rules.key_body(form)
    if wrong:
        return await _keys_page(page, region, status_code=422, form=_wrong(page, wrong, form))
    try:
        issued = await calls.issue_key(page.services, region, body)
    except Refused as refused:
        if refused.status == 403:
            return _not_permitted(page)
        state = _state(page, refused, "key", form, KEY_FIELDS)
        if refused.status == 409:
            state.errors = {"name": page.t("form_error_key_name_taken")}
        return await _keys_page(page, region, status_code=refused.status or 422, form=state)
    return page.render(
        "admin_secret.html.j2",
        region=region,
        region_label=_label(page, region, await region_settings(page.services, region)),
        kind="key",
        key=issued,
        secret=issued.key,
        back=f"/regions/{region}/admin/keys",
    )


def _key_name(name: str) -> str:
    if not rules.KEY_NAME.fullmatch(name):
        raise PageNotFound()
    return name


@router.get("/regions/{region}/admin/keys/{name}/revoke", name="admin_key_revoke")
async def confirm_revoke(region: str, name: str, page: PageDep) -> Response:
    """The confirmation step: which key, and what revoking it does."""
    administrable(page, region)
    key, settings = await calls.get_key(page.services, region, _key_name(name))
    return page.render(
        "admin_confirm.html.j2",
        region=region,
        region_label=_label(page, region, settings),
        kind="revoke",
        key=key,
        action=f"/regions/{region}/admin/keys/{name}/revoke",
        back=f"/regions/{region}/admin/keys",
        who=_who(page),
    )


@router.post("/regions/{region}/admin/keys/{name}/revoke", name="admin_key_revoked")
async def revoke_key(region: str, name: str, page: PageDep, form: FormDep) -> Response:
    openable(page, region)
    try:
        await calls.revoke_key(page.services, region, _key_name(name))
    except Refused as refused:
        if refused.status == 403:
            return _not_permitted(page)
        session.flash(page.request, "admin_flash_not_revoked", "error", name=name, reason=refused.detail)
        return RedirectResponse(f"/regions/{region}/admin/keys", status_code=303)
    session.flash(page.request, "admin_flash_revoked", name=name)
    return RedirectResponse(f"/regions/{region}/admin/keys", status_code=303)


# --------------------------------------------------------------------------- webhooks


@router.get("/regions/{region}/admin/webhooks", name="admin_webhooks")
async def webhooks(region: str, page: PageDep) -> Response:
    administrable(page, region)
    return await _webhooks_page(page, region)


async def _webhooks_page(
    page: Page, region: str, status_code: int = 200, form: FormState | None = None
) -> Response:
    if page.person.is_operator:
        # The assessment service keeps webhooks to the region's administrators and integrators.
        settings = await region_settings(page.services, region)
        found = None
    else:
        found, settings = await calls.list_webhooks(page.services, region)
    return page.render(
        "admin_webhooks.html.j2",
        status_code=status_code,
        region=region,
        region_label=_label(page, region, settings),
        webhooks=found,
        events=WEBHOOK_EVENTS,
        event_key=event_key,
        form=form or FormState(),
    )


@router.post("/regions/{region}/admin/webhooks", name="admin_webhook_register")
async def register_webhook(region: str, page: PageDep, form: FormDep) -> Response:
    """Register a webhook; the answer is the page showing its signing secret, this once."""
    openable(page, region)
    events = [v for v in (await page.request.form()).getlist("event_types") if isinstance(v, str)]
    body = rules.webhook_body(form, events)
    try:
        hook = await calls.register_webhook(page.services, region, body)
    except Refused as refused:
        if refused.status == 403:
            return _not_permitted(page)
        state = _state(page, refused, "webhook", form, WEBHOOK_FIELDS)
        state.chosen = set(events)
        for error in refused.errors:
            if error.get("pointer") == "/url" and error.get("type") == "webhook_destination":
                state.errors["url"] = page.t(
                    "form_error_webhook_destination", reason=error.get("message", "")
                )
        return await _webhooks_page(page, region, refused.status or 422, state)
    return page.render(
        "admin_secret.html.j2",
        region=region,
        region_label=_label(page, region, await region_settings(page.services, region)),
        kind="webhook",
        hook=hook,
        secret=hook.secret,
        event_key=event_key,
        back=f"/regions/{region}/admin/webhooks/{hook.id}",
    )


@router.get("/regions/{region}/admin/webhooks/{webhook_id}", name="admin_webhook")
async def webhook(
    region: str, webhook_id: UUID, page: PageDep, offset: Annotated[int, Query(ge=0, le=100_000)] = 0
) -> Response:
    """A webhook: its events and destination, its delivery log (newest first), the test ping."""
    administrable(page, region)
    found = await calls.load_webhook(page.services, region, webhook_id, offset)
    return page.render(
        "admin_webhook.html.j2",
        region=region,
        region_label=_label(page, region, found.settings),
        hook=found.webhook,
        deliveries=found.deliveries,
        offset=offset,
        page_size=rules.DELIVERIES_PAGE,
        event_key=event_key,
    )


def _to_webhook(region: str, webhook_id: UUID) -> Response:
    return RedirectResponse(f"/regions/{region}/admin/webhooks/{webhook_id}", status_code=303)


@router.post("/regions/{region}/admin/webhooks/{webhook_id}/ping", name="admin_webhook_ping")
async def ping(region: str, webhook_id: UUID, page: PageDep, form: FormDep) -> Response:
    """Send the test event now; the outcome at the top of the webhook's page, and in its log."""
    openable(page, region)
    try:
        d = await calls.ping_webhook(page.services, region, webhook_id)
    except Refused as refused:
        if refused.status == 403:
            return _not_permitted(page)
        session.flash(page.request, "admin_flash_ping_refused", "error", reason=refused.detail)
        return _to_webhook(region, webhook_id)
    entry = d.log[-1] if d.log else {}
    ms = page.t.number(float(entry.get("ms") or 0), digits=0)
    if d.state == "delivered":
        session.flash(page.request, "admin_flash_ping_delivered", status=str(d.last_status_code), ms=ms)
    elif d.last_status_code is not None:
        session.flash(page.request, "admin_flash_ping_failed_status", "error", status=str(d.last_status_code))
    else:
        session.flash(page.request, "admin_flash_ping_failed", "error", reason=d.last_error or "")
    return _to_webhook(region, webhook_id)


@router.post(
    "/regions/{region}/admin/webhooks/{webhook_id}/deliveries/{delivery_id}/retry",
    name="admin_delivery_retry",
)
async def retry(region: str, webhook_id: UUID, delivery_id: UUID, page: PageDep, form: FormDep) -> Response:
    """Send a failed delivery again: the sender takes it at once, and retries it as it does any."""
    openable(page, region)
    try:
        await calls.retry_delivery(page.services, region, webhook_id, delivery_id)
    except Refused as refused:
        if refused.status == 403:
            return _not_permitted(page)
        session.flash(page.request, "admin_flash_retry_refused", "error", reason=refused.detail)
        return _to_webhook(region, webhook_id)
    session.flash(page.request, "admin_flash_retried")
    return _to_webhook(region, webhook_id)


@router.get("/regions/{region}/admin/webhooks/{webhook_id}/delete", name="admin_webhook_delete")
async def confirm_delete(region: str, webhook_id: UUID, page: PageDep) -> Response:
    administrable(page, region)
    hook, settings = await calls.get_webhook(page.services, region, webhook_id)
    return page.render(
        "admin_confirm.html.j2",
        region=region,
        region_label=_label(page, region, settings),
        kind="delete",
        hook=hook,
        event_key=event_key,
        action=f"/regions/{region}/admin/webhooks/{webhook_id}/delete",
        back=f"/regions/{region}/admin/webhooks/{webhook_id}",
    )


@router.post("/regions/{region}/admin/webhooks/{webhook_id}/delete", name="admin_webhook_deleted")
async def delete(region: str, webhook_id: UUID, page: PageDep, form: FormDep) -> Response:
    openable(page, region)
    try:
        await calls.delete_webhook(page.services, region, webhook_id)
    except Refused as refused:
        if refused.status == 403:
            return _not_permitted(page)
        session.flash(page.request, "form_refused_conflict", "error", reason=refused.detail)
        return _to_webhook(region, webhook_id)
    session.flash(page.request, "admin_flash_webhook_deleted")
    return RedirectResponse(f"/regions/{region}/admin/webhooks", status_code=303)


# --------------------------------------------------------------------------- rubric


@router.get("/regions/{region}/admin/rubric", name="admin_rubric")
async def rubric(region: str, page: PageDep) -> Response:
    administrable(page, region)
    return await _rubric_page(page, region)


@router.get("/regions/{region}/admin/rubric/versions/{version}", name="admin_rubric_version")
async def rubric_version(
    region: str, version: Annotated[int, Path(ge=0, le=2**31 - 1)], page: PageDep
) -> Response:
    administrable(page, region)
    return await _rubric_page(page, region, version)


async def _rubric_page(
    page: Page, region: str, version: int | None = None, status_code: int = 200, form: FormState | None = None
) -> Response:
    found = await calls.load_rubric(page.services, region, version)
    current = found.current.rubric.model_dump()
    return page.render(
        "admin_rubric.html.j2",
        status_code=status_code,
        region=region,
        region_label=_label(page, region, found.settings),
        found=found,
        shown=found.shown,
        shares=weight_shares([c.model_dump() for c in found.shown.rubric.criteria]),
        publishing=page.person.role == "admin" and version is None,
        form=form or FormState(values=rules.rubric_form(current)),
        who=_who(page),
    )


@router.post("/regions/{region}/admin/rubric", name="admin_rubric_publish")
async def publish_rubric(region: str, page: PageDep, form: FormDep) -> Response:
    """A new version from the one the form was made from (``version``, its ETag ``etag``): its
    criteria with the weights typed in, the scale and the thresholds. Every open application is
    then reassessed with it."""
    openable(page, region)
    try:
        based_on = int(form.get("version", ""))
    except ValueError:
        raise PageNotFound() from None
    base = await calls.rubric_version(page.services, region, based_on)
    body, wrong = rules.rubric_body(base.rubric.model_dump(), form)
    if wrong:
        return await _rubric_page(page, region, status_code=422, form=_wrong(page, wrong, form))
    try:
        sent = await calls.publish_rubric(page.services, region, body, form.get("etag") or f'"{based_on}"')
    except Refused as refused:
        if refused.status == 403:
            return _not_permitted(page)
        fields = rules.rubric_fields(base.rubric.model_dump())
        return await _rubric_page(
            page,
            region,
            status_code=refused.status or 422,
            form=_state(page, refused, "rubric", form, fields),
        )
    session.flash(page.request, "admin_flash_rubric_published", version=page.t.number(sent.body["version"]))
    return RedirectResponse(f"/regions/{region}/admin/rubric", status_code=303)


# --------------------------------------------------------------------------- audit log


def _action_label(page: Page) -> Any:
    """What an action reads as: its catalogue entry, else None (the page shows the raw type)."""

    def label(action: str) -> str | None:
        key = action_key(action)
        return page.t(key) if page.t.has(key) else None

    return label


@router.get("/regions/{region}/admin/audit", name="admin_audit")
async def audit(region: str, page: PageDep) -> Response:
    """The four services' audit rows of the region, newest first, filtered by service, who, what
    and days; a page starts where the one before ended (``before``/``seen``)."""
    administrable(page, region)
    query = AuditQuery.from_params(page.request.query_params)
    found = await calls.load_audit(page.services, region, query)
    path = f"/regions/{region}/admin/audit"
    label = _action_label(page)
    return page.render(
        "admin_audit.html.j2",
        region=region,
        region_label=_label(page, region, found.settings),
        query=query,
        found=found,
        missing_names=[page.t(f"admin_service_{s}") for s in found.missing],
        path=path,
        first=query.without_start().url(path),
        older=query.url(path, start=found.page.next_start) if found.page.next_start else None,
        services=AUDIT_SERVICES,
        actions=sorted(
            KNOWN_ACTIONS, key=lambda a: (AUDIT_SERVICES.index(service_of(a) or "assessment"), label(a) or a)
        ),
        service_of=service_of,
        action_label=label,
        who=_who(page),
    )


# --------------------------------------------------------------------------- settings


def _county_name(page: Page) -> Callable[[str, str | None], str]:
    def name(country: str, county: str | None) -> str:
        key = f"region_{country}_{county}"
        return page.t(key) if county and page.t.has(key) else (county or "–")

    return name


@router.get("/regions/{region}/admin/settings", name="admin_settings")
async def settings(region: str, page: PageDep) -> Response:
    administrable(page, region)
    return await _settings_page(page, region)


def _setting_shown(page: Page, name: str, values: Mapping[str, str]) -> str:
    """A value of the settings form as a sentence names it: the country and county by their names,
    municipalities by theirs, the threshold with its per cent sign, "(empty)" for nothing."""
    t = page.t
    value = values.get(name, "").strip()
    country = values.get("country", "")
    if not value:
        return t(
            "admin_settings_municipalities_of_county" if name == "municipalities" else "programme_value_empty"
        )
    if name == "country":
        return t(f"admin_country_{value}") if t.has(f"admin_country_{value}") else value
    if name == "county":
        of, _, code = value.partition("-")
        return _county_name(page)(of, code)
    if name == "municipalities":
        return ", ".join(rules.municipality_names(country, value))
    return f"{value} %"


def _settings_changes(page: Page, state: EditState, now: Mapping[str, str]) -> None:
    """After a 412: the form with this person's changes on top of what is saved now, and each
    setting someone else changed meanwhile with its value now."""
    if state.before is None:
        return
    state.values = merged(state.before, state.values, now, SETTINGS_FIELDS)
    t = page.t
    for name in changed_fields(state.before, now, SETTINGS_FIELDS):
        state.changed.append(
            t(
                "programme_changed_field",
                field=t(SETTINGS_LABELS[name]),
                value=_setting_shown(page, name, now),
            )
        )


async def _settings_page(
    page: Page, region: str, status_code: int = 200, form: EditState | None = None
) -> Response:
    found = await calls.load_settings(page.services, region)
    now = rules.settings_form(found.settings.model_dump() if found.settings else None)
    state = form or EditState(values=now)
    _settings_changes(page, state, now)
    # A form shown again unsaved (refused at a field) keeps the ETag and values it was made from:
    # only after a 412 is it made on what is saved now.
    keep = state.etag is not None and state.before is None
    return page.render(
        "admin_settings.html.j2",
        status_code=status_code,
        region=region,
        region_label=_label(page, region, found.settings),
        found=found.settings,
        countries=rules.COUNTRIES,
        counties={c: rules.counties(c) for c in rules.COUNTRIES},
        county_name=_county_name(page),
        form=state,
        etag=state.etag if keep else (found.etag or ""),
        base=state.base if keep and state.base is not None else base_of(now, SETTINGS_FIELDS),
    )


@router.post("/regions/{region}/admin/settings", name="admin_settings_save")
async def save_settings(region: str, page: PageDep, form: FormDep) -> Response:
    """The settings, saved at the ETag the form was made from; someone else's save in between is
    refused (412) and the form comes back with their values, nothing overwritten."""
    openable(page, region)
    values = {f: form.get(f, "") for f in SETTINGS_FIELDS}
    etag, base = form.get("etag", ""), form.get("base", "")
    body, wrong = rules.settings_body(form)
    if wrong:
        state = EditState(
            values=values, errors={n: page.t(k) for n, k in wrong.items()}, etag=etag, base=base
        )
        return await _settings_page(page, region, 422, state)
    try:
        await calls.save_settings(page.services, region, body, etag)
    except Refused as refused:
        if refused.status == 403:
            return _not_permitted(page)
        state = EditState(values=values, etag=etag, base=base)
        if refused.status in (412, 428):
            state.errors[""] = page.t("admin_settings_changed_meanwhile")
            state.reload = True
            state.before = read_base(base, SETTINGS_FIELDS)
        else:
            refusal = _state(page, refused, "settings", form, SETTINGS_FIELDS)
            state.errors = refusal.errors
            codes = rules.refused_codes(refused.errors, body.get("municipalities") or [])
            if codes:
                state.errors["municipalities"] = page.t.plural(
                    "form_error_settings_municipality_codes", len(codes), codes=", ".join(codes)
                )
        return await _settings_page(page, region, refused.status or 422, state)
    session.flash(page.request, "admin_flash_settings_saved")
    return RedirectResponse(f"/regions/{region}/admin/settings", status_code=303)
