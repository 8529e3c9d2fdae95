"""The administration pages' calls: the region's API keys and webhooks (assessment), its rubric's
versions (assessment), the four services' audit logs merged, its settings (actors). Each page's
reads are made at once; each form makes one call (publishing a rubric two: the version it was
made from, then the new one)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from ..adapters.services import NotFound, Sent, Services, Unavailable
from ..domain.admin import (
    AUDIT_BATCH,
    AUDIT_PAGE,
    AUDIT_RECENT_DAYS,
    AUDIT_ROUNDS,
    AUDIT_SERVICES,
    DELIVERIES_PAGE,
    AuditPage,
    AuditQuery,
    AuditRow,
    filter_batch,
    merge_page,
)
from ..schemas import (
    AdminSettings,
    ApiKey,
    ApiKeyList,
    AuditLog,
    Delivery,
    DeliveryList,
    IssuedKey,
    RegionSettings,
    RegisteredWebhook,
    RubricVersion,
    RubricVersionList,
    Webhook,
    WebhookList,
)
from .desk import region_settings

KEYS_PAGE = 100


def _assessment(region: str) -> str:
    return f"/assessment/regions/{region}"


async def _answered(call: Any) -> Any:
    """The answer, or None where the service did not answer (the page says so and shows the rest)."""
    try:
        return await call
    except Unavailable:
        return None


# --------------------------------------------------------------------------- overview


@dataclass
class Overview:
    settings: AdminSettings | None
    keys: ApiKeyList | None
    webhooks: WebhookList | None
    """None for the platform's operator, whom the webhooks are not shown (the service refuses)."""
    rubric: RubricVersion | None
    recent: dict[str, AuditLog | None]
    """Each service's writes of the last days (the newest, and how many), None where it did not answer."""


async def load_overview(services: Services, region: str, *, webhooks: bool) -> Overview:
    """A line on each page of the section: seven calls at once (six for the operator)."""
    since = (datetime.now(UTC) - timedelta(days=AUDIT_RECENT_DAYS)).isoformat()
    base = _assessment(region)
    keys, hooks, rubric, settings, *recent = await services.gather(
        _answered(services.json("assessment", f"{base}/api-keys", {"limit": 500})),
        _answered(services.json("assessment", f"{base}/webhooks")) if webhooks else _nothing(),
        _answered(services.json("assessment", f"{base}/rubric")),
        _answered(services.optional("actors", f"/actors/regions/{region}/settings")),
        *(
            _answered(services.json(s, f"/{s}/regions/{region}/audit", {"limit": 1, "since": since}))
            for s in AUDIT_SERVICES
        ),
    )
    return Overview(
        settings=AdminSettings.model_validate(settings) if settings else None,
        keys=ApiKeyList.model_validate(keys) if keys is not None else None,
        webhooks=WebhookList.model_validate(hooks) if hooks is not None else None,
        rubric=RubricVersion.model_validate(rubric) if rubric is not None else None,
        recent={
            s: AuditLog.model_validate(r) if r is not None else None
            for s, r in zip(AUDIT_SERVICES, recent, strict=True)
        },
    )


async def _nothing() -> None:
    return None


# --------------------------------------------------------------------------- API keys


async def list_keys(services: Services, region: str, offset: int) -> tuple[ApiKeyList, RegionSettings | None]:
    found, settings = await services.gather(
        services.json(
            "assessment", f"{_assessment(region)}/api-keys", {"limit": KEYS_PAGE, "offset": offset}
        ),
        region_settings(services, region),
    )
    return ApiKeyList.model_validate(found), settings


async def get_key(services: Services, region: str, name: str) -> tuple[ApiKey, RegionSettings | None]:
    found, settings = await services.gather(
        services.json("assessment", f"{_assessment(region)}/api-keys/{name}"),
        region_settings(services, region),
    )
    return ApiKey.model_validate(found), settings


async def issue_key(services: Services, region: str, body: Mapping[str, Any]) -> IssuedKey:
    """The key issued, with the key itself: the page shows it this once."""
    sent = await services.send("POST", "assessment", f"{_assessment(region)}/api-keys", json=body)
    return IssuedKey.model_validate(sent.body)


async def revoke_key(services: Services, region: str, name: str) -> ApiKey:
    sent = await services.send("POST", "assessment", f"{_assessment(region)}/api-keys/{name}/revoke")
    return ApiKey.model_validate(sent.body)


# --------------------------------------------------------------------------- webhooks


async def list_webhooks(services: Services, region: str) -> tuple[WebhookList, RegionSettings | None]:
    found, settings = await services.gather(
        services.json("assessment", f"{_assessment(region)}/webhooks"), region_settings(services, region)
    )
    return WebhookList.model_validate(found), settings


@dataclass
class WebhookPage:
    webhook: Webhook
    deliveries: DeliveryList
    settings: RegionSettings | None


async def load_webhook(services: Services, region: str, webhook_id: UUID, offset: int) -> WebhookPage:
    """A webhook and a page of its delivery log, newest first: three calls at once."""
    base = f"{_assessment(region)}/webhooks/{webhook_id}"
    hook, deliveries, settings = await services.gather(
        services.json("assessment", base),
        services.json("assessment", f"{base}/deliveries", {"limit": DELIVERIES_PAGE, "offset": offset}),
        region_settings(services, region),
    )
    return WebhookPage(
        webhook=Webhook.model_validate(hook),
        deliveries=DeliveryList.model_validate(deliveries),
        settings=settings,
    )


async def get_webhook(
    services: Services, region: str, webhook_id: UUID
) -> tuple[Webhook, RegionSettings | None]:
    hook, settings = await services.gather(
        services.json("assessment", f"{_assessment(region)}/webhooks/{webhook_id}"),
        region_settings(services, region),
    )
    return Webhook.model_validate(hook), settings


async def register_webhook(services: Services, region: str, body: Mapping[str, Any]) -> RegisteredWebhook:
    """The webhook registered, with its signing secret: the page shows it this once."""
    sent = await services.send("POST", "assessment", f"{_assessment(region)}/webhooks", json=body)
    return RegisteredWebhook.model_validate(sent.body)


async def delete_webhook(services: Services, region: str, webhook_id: UUID) -> None:
    await services.send("DELETE", "assessment", f"{_assessment(region)}/webhooks/{webhook_id}")


async def ping_webhook(services: Services, region: str, webhook_id: UUID) -> Delivery:
    """A test event sent now; its delivery as the log keeps it (delivered or failed, and why)."""
    sent = await services.send("POST", "assessment", f"{_assessment(region)}/webhooks/{webhook_id}/ping")
    return Delivery.model_validate(sent.body)


async def retry_delivery(services: Services, region: str, webhook_id: UUID, delivery_id: UUID) -> Delivery:
    path = f"{_assessment(region)}/webhooks/{webhook_id}/deliveries/{delivery_id}/retry"
    sent = await services.send("POST", "assessment", path)
    return Delivery.model_validate(sent.body)


# --------------------------------------------------------------------------- rubric


@dataclass
class RubricPage:
    current: RubricVersion
    """The version in force (0: the platform's default, until the region publishes its own)."""
    etag: str | None
    versions: list[RubricVersion]
    """The region's published versions, newest first (without version 0)."""
    shown: RubricVersion
    """The version the page shows: the one in force, or the one asked for."""
    settings: RegionSettings | None


async def load_rubric(services: Services, region: str, version: int | None = None) -> RubricPage:
    """The rubric in force (with its ETag, which the new-version form sends back), every published
    version, and the version asked for: three calls at once (two for the one in force)."""
    base = f"{_assessment(region)}/rubric"
    (current, etag), versions, asked, settings = await services.gather(
        services.with_etag("assessment", base),
        services.json("assessment", f"{base}/versions"),
        services.json("assessment", f"{base}/versions/{version}") if version is not None else _nothing(),
        region_settings(services, region),
    )
    now = RubricVersion.model_validate(current)
    return RubricPage(
        current=now,
        etag=etag,
        versions=RubricVersionList.model_validate(versions).data,
        shown=RubricVersion.model_validate(asked) if asked is not None else now,
        settings=settings,
    )


async def rubric_version(services: Services, region: str, version: int) -> RubricVersion:
    return RubricVersion.model_validate(
        await services.json("assessment", f"{_assessment(region)}/rubric/versions/{version}")
    )


async def publish_rubric(services: Services, region: str, body: Mapping[str, Any], etag: str) -> Sent:
    """A new version of the rubric, from the one whose ETag the form was made from (412 where
    someone published in between)."""
    return await services.send(
        "POST", "assessment", f"{_assessment(region)}/rubric/versions", json=body, if_match=etag
    )


# --------------------------------------------------------------------------- audit log


@dataclass
class AuditResult:
    page: AuditPage
    count: int | None
    """Rows matching the filters in all (the services' counts); None past the first page, or where
    the page filters by what was done (counted by no service)."""
    missing: list[str] = field(default_factory=list)
    """Services that did not answer: their rows are not on the page."""
    settings: RegionSettings | None = None


async def _audit(services: Services, service: str, region: str, params: Mapping[str, Any]) -> AuditLog | None:
    found = await _answered(services.json(service, f"/{service}/regions/{region}/audit", params))
    return AuditLog.model_validate(found) if found is not None else None


def _rows(service: str, log: AuditLog | None) -> list[AuditRow]:
    return [AuditRow.of(service, e.model_dump()) for e in log.data] if log else []


async def load_audit(services: Services, region: str, query: AuditQuery) -> AuditResult:
    """A page of the region's audit log across the services, newest first: each service asked at
    once for its newest rows matching who and when (one call each, and the region's settings).
    Filtered by what was done, the one service of that action is read ``AUDIT_BATCH`` rows at a
    time, at most ``AUDIT_ROUNDS`` times, until the page is full."""
    chosen = query.services
    if not query.what:
        params = query.service_params(AUDIT_PAGE, seen=len(query.seen))
        settings, *logs = await services.gather(
            region_settings(services, region), *(_audit(services, s, region, params) for s in chosen)
        )
        answered = dict(zip(chosen, logs, strict=True))
        page = merge_page(
            {s: _rows(s, log) for s, log in answered.items()},
            query,
            {s: log is not None and len(log.data) >= params["limit"] for s, log in answered.items()},
        )
        return AuditResult(
            page=page,
            count=sum(log.count for log in logs if log) if query.before is None else None,
            missing=[s for s, log in answered.items() if log is None],
            settings=settings,
        )
    page = AuditPage()
    if not chosen:
        return AuditResult(page=page, count=None, settings=await region_settings(services, region))
    service = chosen[0]
    before, seen = query.before, query.seen
    params = query.service_params(AUDIT_BATCH, before, len(seen))
    settings, log = await services.gather(
        region_settings(services, region), _audit(services, service, region, params)
    )
    for round_ in range(AUDIT_ROUNDS):
        if round_:
            params = query.service_params(AUDIT_BATCH, before, len(seen))
            log = await _audit(services, service, region, params)
        if log is None:
            return AuditResult(page=page, count=None, missing=[service], settings=settings)
        start = filter_batch(page, _rows(service, log), query, before, seen)
        if start is None or len(log.data) < params["limit"]:
            break
        before, seen = start
    else:
        page.next_start = (before, seen) if before is not None else None
        page.looked_back_to = before
    return AuditResult(page=page, count=None, settings=settings)


# --------------------------------------------------------------------------- settings


@dataclass
class SettingsRead:
    """The region's settings as the form is made from them (None where none are set yet: the
    region's name in the header comes from them too) and their ETag, which the form sends back."""

    settings: AdminSettings | None
    etag: str | None


async def load_settings(services: Services, region: str) -> SettingsRead:
    try:
        found, etag = await services.with_etag("actors", f"/actors/regions/{region}/settings")
    except NotFound:
        return SettingsRead(None, None)
    return SettingsRead(AdminSettings.model_validate(found), etag)


async def save_settings(
    services: Services, region: str, body: Mapping[str, Any], etag: str | None
) -> AdminSettings:
    """Save the settings as read at ``etag`` (none for the region's first): a save someone else made
    in between is refused (412), never overwritten."""
    sent = await services.send(
        "PUT", "actors", f"/actors/regions/{region}/settings", json=body, if_match=etag or None
    )
    return AdminSettings.model_validate(sent.body)
