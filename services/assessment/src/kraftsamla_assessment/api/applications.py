"""Applications: intake from funding systems (one by one, in bulk, or as 360Giving grants), their
decisions and status, and reading them with their current assessments."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Query, Request, Response, status
from pydantic import AwareDatetime

from kraftsamla_common.auth import Scope
from kraftsamla_common.bounds import FIRST_DAY, LAST_DAY
from kraftsamla_common.errors import (
    Kind,
    MalformedJson,
    PayloadTooLarge,
    Problem,
    Unprocessable,
    json_pointer_at,
    said,
)
from kraftsamla_common.events import ApplicationStatus, FundingSource, Level, Recommendation, utcnow
from kraftsamla_common.exports import TABLE_RESPONSES, FormatPath, ReaderLanguage, table_response
from kraftsamla_common.i18n import Messages
from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_common.preconditions import (
    CONDITIONAL_READ,
    REVALIDATE,
    IfNoneMatch,
    digest_etag,
    not_modified,
    still_current,
)
from kraftsamla_common.service import Page, PageDep, UowDep, region_router

from ..adapters.exports import applications_table
from ..persistence.tables import Application
from ..schemas import (
    MAX_BULK,
    ApplicationCreate,
    ApplicationPublic,
    ApplicationsPublic,
    AssignmentRequest,
    AssignmentResultPublic,
    BulkItemPublic,
    BulkResultPublic,
    ConflictRequest,
    DecisionRequest,
    FacetsPublic,
    FacetValuePublic,
    StatusRequest,
)
from ..usecases import applications, assignments, intake
from .presenting import application_public
from .scopes import (
    AdminScope,
    ApplicationScope,
    IdempotencyKey,
    IntakeScope,
    Reader,
    ReviewScope,
    idempotent,
    own_source,
)

router = region_router("assessment")

MAX_BULK_BYTES = 16 * 1024 * 1024
"""Largest bulk request body accepted (413 above)."""


@router.post(
    "/applications",
    response_model=ApplicationPublic,
    status_code=status.HTTP_200_OK,
    responses={
        200: {"description": "Updated (or unchanged) existing application"},
        201: {"description": "Created"},
    },
)
async def submit_application(
    body: ApplicationCreate,
    scope: IntakeScope,
    uow: UowDep,
    request: Request,
    response: Response,
    words: Reader,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Create or update an application by the funding system's id (``source``, ``external_id``):
    safe to retry. Re-sending identical content changes nothing and announces nothing; with an
    ``Idempotency-Key`` a retry gets the first answer again, byte for byte.

    It is assessed at once against the region's current published plans, if it has any.
    """

    async def answer() -> tuple[int, ApplicationPublic]:
        app, _, outcome = await intake.submit_application(uow, body, only_source=own_source(scope))
        code = status.HTTP_201_CREATED if outcome == "created" else status.HTTP_200_OK
        return code, await _public(uow, app, words)

    return await idempotent(uow, scope, idempotency_key, request, response, answer)


def _bulk_items(raw: bytes, content_type: str) -> list[Any]:
    if len(raw) > MAX_BULK_BYTES:
        raise PayloadTooLarge(f"A bulk request may be at most {MAX_BULK_BYTES} bytes.")
    items: Any
    try:
        if "ndjson" in content_type or "jsonl" in content_type:
            items = _ndjson(raw.decode())
        else:
            doc = json.loads(raw)
            items = doc.get("applications", doc.get("grants")) if isinstance(doc, dict) else doc
    except json.JSONDecodeError as exc:
        raise MalformedJson.of(exc) from None
    except UnicodeDecodeError:
        raise Problem(Kind.MALFORMED_JSON, said("problem_detail_not_utf8")) from None
    if not isinstance(items, list):
        raise Unprocessable(
            'Send a JSON array of applications, {"applications": [...]}, or NDJSON (one per line).',
            [{"pointer": "", "message": "not a list of applications"}],
        )
    if len(items) > MAX_BULK:
        raise PayloadTooLarge(
            f"A bulk request may hold at most {MAX_BULK} applications; this one holds {len(items)}."
        )
    return items


def _ndjson(text: str) -> list[Any]:
    """One JSON value a line; a line that breaks is reported at its item (``/3/title``) and line."""
    items: list[Any] = []
    offset = 0
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if line.strip():
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as exc:
                pointer = f"/{len(items)}{json_pointer_at(line, exc.pos)}"
                raise MalformedJson(pointer, number, exc.colno, offset + exc.pos, exc.msg) from None
        offset += len(line)
    return items


def _bulk_result(items: list[intake.BulkItem]) -> tuple[int, BulkResultPublic]:
    results = [BulkItemPublic.model_validate(item, from_attributes=True) for item in items]
    counts = {s: sum(r.status == s for r in results) for s in ("created", "updated", "unchanged", "rejected")}
    return status.HTTP_200_OK, BulkResultPublic(results=results, **counts)


BULK_BODY = {
    "requestBody": {
        "required": True,
        "description": f"Up to {MAX_BULK} applications ({MAX_BULK_BYTES} bytes): a JSON array, "
        '{"applications": [...]}, or NDJSON (application/x-ndjson), each item an ApplicationCreate.',
        "content": {
            "application/json": {
                "schema": {
                    "type": "array",
                    "maxItems": MAX_BULK,
                    "items": {"$ref": "#/components/schemas/ApplicationCreate"},
                }
            },
            "application/x-ndjson": {"schema": {"type": "string"}},
        },
    }
}


@router.post("/applications/bulk", response_model=BulkResultPublic, openapi_extra=BULK_BODY)
async def submit_bulk(
    scope: IntakeScope,
    uow: UowDep,
    request: Request,
    response: Response,
    source: Annotated[
        str | None, Query(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", description="Default source of every item")
    ] = None,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Many applications at once, each upserted as by ``POST /applications``. Answers per item
    (``created``, ``updated``, ``unchanged`` or ``rejected`` with its errors); a rejected item stores
    nothing and does not stop the others."""

    async def answer() -> tuple[int, BulkResultPublic]:
        items = _bulk_items(await request.body(), request.headers.get("content-type", ""))
        if source:
            items = [{"source": source, **x} if isinstance(x, dict) else x for x in items]
        done = await intake.submit_bulk(uow, [(x, None) for x in items], only_source=own_source(scope))
        return _bulk_result(done)

    return await idempotent(uow, scope, idempotency_key, request, response, answer)


def _grants(raw: bytes) -> tuple[list[Any], str | None]:
    """The grants of a 360Giving body and the JSON pointer of their list in it: a package
    ``{"grants": [...]}`` (``/grants``), a list of grants (``""``) or one grant (None)."""
    if len(raw) > MAX_BULK_BYTES:
        raise PayloadTooLarge(f"A request may be at most {MAX_BULK_BYTES} bytes.")
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise MalformedJson.of(exc) from None
    except UnicodeDecodeError:
        raise Problem(Kind.MALFORMED_JSON, said("problem_detail_not_utf8")) from None
    grants: Any
    if isinstance(doc, list):
        grants, at = doc, ""
    elif isinstance(doc, dict) and "grants" in doc:
        grants, at = doc["grants"], "/grants"
    elif isinstance(doc, dict):
        return [doc], None
    else:
        raise Unprocessable(
            'Send a grant, a list of grants or a package {"grants": [...]}.',
            [{"pointer": "", "message": "not a grant"}],
        )
    if not isinstance(grants, list):
        raise Unprocessable(
            'The grants of a package are a list: {"grants": [...]}.',
            [{"pointer": at, "message": "not a list of grants"}],
        )
    if len(grants) > MAX_BULK:
        raise Problem(
            Kind.PAYLOAD_TOO_LARGE,
            f"A request may hold at most {MAX_BULK} grants; this one holds {len(grants)}.",
            errors=[{"pointer": at, "message": f"at most {MAX_BULK} grants"}],
        )
    return grants, at


GRANTS_BODY = {
    "requestBody": {
        "required": True,
        "description": f"One 360Giving grant, a list of grants or a 360Giving package "
        f'{{"grants": [...]}}: at most {MAX_BULK} grants ({MAX_BULK_BYTES} bytes)',
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        {"type": "object", "description": "A grant, or a package with its grants"},
                        {"type": "array", "maxItems": MAX_BULK, "items": {"type": "object"}},
                    ]
                }
            }
        },
    }
}


@router.post("/applications/360giving", response_model=BulkResultPublic, openapi_extra=GRANTS_BODY)
async def submit_360giving(
    scope: IntakeScope,
    uow: UowDep,
    request: Request,
    response: Response,
    source: Annotated[str, Query(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", description="The funding system")],
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Grants in the 360Giving Data Standard, mapped onto applications (the API guide lists the
    mapping); an awarded grant (``amountAwarded`` with ``awardDate``) is recorded as granted.

    Answers per grant as the bulk intake does. Errors and ``warnings`` name the grant's own
    fields (``/grants/3/amountAwarded``): a warning is data that was sent but could not be mapped
    (an identifier of another scheme, a location that is not a municipality, a funder that is not
    a known funding source …); the grant is still taken in without it."""

    async def answer() -> tuple[int, BulkResultPublic]:
        grants, at = _grants(await request.body())
        done = await intake.submit_360giving(uow, grants, source=source, only_source=own_source(scope), at=at)
        return _bulk_result(done)

    return await idempotent(uow, scope, idempotency_key, request, response, answer)


@router.post("/applications/{application_id}/decision", response_model=ApplicationPublic)
async def record_decision(
    application_id: UUID, body: DecisionRequest, scope: IntakeScope, uow: UowDep, words: Reader
) -> ApplicationPublic:
    """The funding body's decision: granted (with the amount) or rejected. Sending the same decision
    again changes nothing; a different one for a decided application is a conflict (409)."""
    app, _ = await applications.record_decision(uow, application_id, body, only_source=own_source(scope))
    return await _public(uow, app, words)


@router.post("/applications/{application_id}/status", response_model=ApplicationPublic)
async def set_status(
    application_id: UUID, body: StatusRequest, scope: IntakeScope, uow: UowDep, words: Reader
) -> ApplicationPublic:
    """Take an application under assessment, withdraw it, or complete a granted one."""
    app, _ = await applications.set_status(uow, application_id, body.status, only_source=own_source(scope))
    return await _public(uow, app, words)


MAX_QUERY = 200
"""Longest free-text search (``q``) of the application list."""

SORT_PATTERN = "^(" + "|".join(applications.SORTS) + ")$"


def application_filters(
    status_: Annotated[ApplicationStatus | None, Query(alias="status")] = None,
    source: Annotated[str | None, Query(max_length=64)] = None,
    external_id: Annotated[str | None, Query(max_length=128)] = None,
    strength_area: Annotated[
        str | None,
        Query(
            pattern=r"^[a-z0-9][a-z0-9-]{0,63}$",
            description="The current assessment's strength area: its id, or its code (e.g. energi)",
        ),
    ] = None,
    level: Level | None = None,
    recommendation: Recommendation | None = None,
    review: Annotated[str | None, Query(pattern=r"^(none|confirmed|overridden|needs_review)$")] = None,
    municipality: Annotated[
        str | None,
        Query(pattern=r"^\d{3,4}$", description="Applications reaching this municipality (its code)"),
    ] = None,
    funding_source: FundingSource | None = None,
    assigned_to: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            pattern=r"^\S+$",
            description="Applications assigned to this assessor for review (``me``: the caller's queue; "
            "``none``: those assigned to no one)",
        ),
    ] = None,
    waiting: Annotated[
        bool | None,
        Query(
            description="Only open applications (received, under assessment, assessed) waiting for a review: "
            "not reviewed yet, or to review again after a reassessment (``false``: every other)"
        ),
    ] = None,
    updated_since: Annotated[
        AwareDatetime | None,
        Query(
            description="Only applications that changed (their data, assessment, review, assignments or "
            "conflicts) at or after this moment, with its time zone, e.g. 2026-12-01T00:00:00Z"
        ),
    ] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=MAX_QUERY,
            description="Text anywhere in the title, summary, description or applicant's name, "
            "whatever its case (% and _ are matched as themselves; empty: no search)",
        ),
    ] = None,
    sort: Annotated[
        str,
        Query(
            pattern=SORT_PATTERN,
            description="Order: " + "; ".join(f"``{k}`` {v}" for k, v in applications.SORTS.items()),
        ),
    ] = "received_at",
) -> dict[str, Any]:
    """The filters of the application list, the same for its downloads and its facets."""
    if updated_since is not None and not FIRST_DAY <= updated_since.date() <= LAST_DAY:
        raise Unprocessable(
            "The request's parameters are not valid.",
            [
                {
                    "pointer": "/updated_since",
                    "location": "query",
                    "message": f"must be between {FIRST_DAY} and {LAST_DAY}",
                }
            ],
        )
    area_id, area_code = _strength_area(strength_area)
    return {
        "status": status_,
        "source": source,
        "external_id": external_id,
        "strength_area": area_id,
        "strength_area_code": area_code,
        "level": level,
        "recommendation": recommendation,
        "review": review,
        "municipality": municipality,
        "funding_source": funding_source,
        "assigned_to": assigned_to,
        "waiting": waiting,
        "updated_since": updated_since,
        "q": q,
        "sort": sort,
    }


def _strength_area(value: str | None) -> tuple[UUID | None, str | None]:
    """A strength area named by its id or by its code."""
    if value is None:
        return None, None
    try:
        return UUID(value), None
    except ValueError:
        return None, value


ApplicationFilters = Annotated[dict[str, Any], Depends(application_filters)]


FACETS_PATTERN = "^(true|false|1|0|({0})(,({0}))*)$".format("|".join(applications.FACETS))


def _facets_asked(facets: str | None) -> tuple[str, ...]:
    """The facets ``facets=`` asks for: ``true`` every one, else those it names (once each)."""
    if facets is None or facets in ("false", "0"):
        return ()
    if facets in ("true", "1"):
        return applications.FACETS
    return tuple(dict.fromkeys(facets.split(",")))


def _for(scope: Scope, filters: dict[str, Any]) -> dict[str, Any]:
    """The filters as the caller means them: ``assigned_to=me`` is the caller's own queue."""
    if filters.get("assigned_to") == "me":
        return {**filters, "assigned_to": scope.principal.name}
    return filters


@router.get("/applications", response_model=ApplicationsPublic, responses=CONDITIONAL_READ)
async def list_applications(
    request: Request,
    response: Response,
    scope: ApplicationScope,
    uow: UowDep,
    page: PageDep,
    filters: ApplicationFilters,
    words: Reader,
    if_none_match: IfNoneMatch = None,
    cursor: Annotated[
        str | None,
        Query(
            max_length=1000,
            pattern=r"^[A-Za-z0-9_-]+$",
            description="Where the last page ended (its ``next_cursor``): the page after it, in the same "
            "sort, with the same filters; unlike ``offset``, no application is skipped or shown twice "
            "when others are added or change meanwhile",
        ),
    ] = None,
    facets: Annotated[
        str | None,
        Query(
            pattern=FACETS_PATTERN,
            description="Also count the applications per value of each filter (``facets``): ``true`` "
            "for every filter, or the filters named (``assigned_to``, ``level,status``; the others null)",
        ),
    ] = None,
) -> ApplicationsPublic:
    """The region's applications, oldest first unless ``sort`` says otherwise; find one by its
    funding system's id with ``source`` and ``external_id``, search their texts with ``q``, sync
    the changed ones with ``updated_since``, an assessor's queue with ``assigned_to=me``, those
    waiting for a review with ``waiting=true``. With ``facets=true`` the answer also counts them per
    value of each filter (``facets=assigned_to``: of that one alone), each counted with every other
    filter of the request: with ``waiting=true``, the ``assigned_to`` facet is who has how many
    waiting since when, and how many have no one.

    The answer's ETag names the list as it is: send it in If-None-Match to be answered 304 without
    a body while no application of the region has changed (a client polling the list costs
    little)."""
    p = scope.principal
    etag = digest_etag(
        await applications.list_state(uow),
        sorted(request.query_params.multi_items()),
        (p.name, p.role, p.source),
        words.language,
    )
    if still_current(if_none_match, etag):
        return not_modified(etag)  # type: ignore[return-value]
    response.headers["ETag"], response.headers["Cache-Control"] = etag, REVALIDATE
    filters = _for(scope, filters)
    only = own_source(scope)
    after = _position(cursor, filters["sort"], page) if cursor is not None else None
    rows, count, end = await applications.list_applications(
        uow, page, only_source=only, after=after, **filters
    )
    staff = await assignments.staff_of(uow, [a.id for a, _ in rows])
    counted = None
    counting = _facets_asked(facets)
    if counting:
        found = await applications.facets(
            uow, only_source=only, only=counting, **{k: v for k, v in filters.items() if k != "sort"}
        )
        counted = FacetsPublic.model_validate(
            {k: [FacetValuePublic.model_validate(v.__dict__) for v in values] for k, values in found.items()}
        )
    return ApplicationsPublic(
        data=[application_public(a, s, words, staff[a.id]) for a, s in rows],
        count=count,
        facets=counted,
        next_cursor=_cursor(end) if end is not None else None,
    )


def _cursor(end: applications.Position) -> str:
    """A position in the list as the client holds it (opaque to it)."""
    value = end.value.isoformat() if isinstance(end.value, datetime) else end.value
    held = json.dumps([end.sort, value, end.id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(held).decode().rstrip("=")


def _position(cursor: str, sort: str, page: Page) -> applications.Position:
    """The position a cursor names (422 where it is not one of this list's, in this sort)."""

    def refused(message: str) -> Unprocessable:
        return Unprocessable(
            "The request's parameters are not valid.",
            [{"pointer": "/cursor", "location": "query", "message": message}],
        )

    if page.offset:
        raise refused("a cursor continues where a page ended: send it without offset")
    try:
        held = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        was, value, app_id = held
        UUID(app_id)
        if was not in applications.SORTS:
            raise ValueError("not a sort")
        if sort.lstrip("-") in ("received_at", "updated_at"):
            value = datetime.fromisoformat(value)
            if value.tzinfo is None:
                raise ValueError("no time zone")
        elif sort.lstrip("-") == "score":
            value = None if value is None else float(value)
        elif not isinstance(value, str):
            raise ValueError("not a title")
    except (ValueError, TypeError):
        raise refused("not a cursor this list gave (use the next_cursor of its last page)") from None
    if was != sort:
        raise refused(f"the cursor continues a list sorted by {was}: send sort={was}, or no cursor")
    return applications.Position(sort, value, str(app_id))


@router.post("/applications/assignments", response_model=AssignmentResultPublic)
async def assign_applications(
    body: AssignmentRequest, scope: AdminScope, uow: UowDep
) -> AssignmentResultPublic:
    """Assign applications (up to 1,000 at once) to an assessor for review: they appear in the
    assessor's queue (``GET …/applications?assigned_to=me``). An application may be assigned to
    several assessors; assigning one again changes nothing. Every application must be one of the
    region's (422 naming each that is not); an assessor who declared a conflict of interest with
    one of them cannot be assigned to it (409)."""
    changed, unchanged = await assignments.assign(uow, body, by=scope.principal.name)
    return AssignmentResultPublic(assignee=body.assignee, changed=changed, unchanged=unchanged)


@router.post("/applications/unassignments", response_model=AssignmentResultPublic)
async def unassign_applications(
    body: AssignmentRequest, scope: AdminScope, uow: UowDep
) -> AssignmentResultPublic:
    """Take applications (up to 1,000 at once) back from an assessor; those not assigned to them
    are answered as ``unchanged``."""
    changed, unchanged = await assignments.unassign(uow, body, by=scope.principal.name)
    return AssignmentResultPublic(assignee=body.assignee, changed=changed, unchanged=unchanged)


@router.post("/applications/{application_id}/conflicts", response_model=ApplicationPublic)
async def declare_conflict(
    application_id: UUID, body: ConflictRequest, scope: ReviewScope, uow: UowDep, words: Reader
) -> ApplicationPublic:
    """The caller declares a conflict of interest with the application, with the reason: from then
    on they cannot review it (409), and their assignment to it, if any, ends. Declaring it again
    replaces the reason."""
    app = await assignments.declare_conflict(uow, application_id, body.reason, by=scope.principal.name)
    return await _public(uow, app, words)


async def _public(uow: UnitOfWork, app: Application, words: Messages) -> ApplicationPublic:
    current = await applications.current_assessment(uow, app)
    staff = await assignments.staff_of(uow, [app.id])
    return application_public(app, current, words, staff[app.id])


@router.get("/applications.{fmt}", response_class=Response, responses=TABLE_RESPONSES)
async def download_applications(
    fmt: FormatPath,
    scope: ApplicationScope,
    uow: UowDep,
    filters: ApplicationFilters,
    language: ReaderLanguage,
) -> Response:
    """The application list for a spreadsheet (``.xlsx``, or ``.csv`` in the reader's locale), with
    the list's filters and without its pages (at most 50,000 rows; 422 above): each application
    with its assessment as it stands after a reviewer's overrides — strength area, level, score,
    recommendation, the action-plan version it was assessed against — its amounts and status."""
    found = await applications.export_applications(uow, only_source=own_source(scope), **_for(scope, filters))
    table = applications_table(found, language)
    return await table_response(table, fmt, language, table.title, scope.region, utcnow().date())


@router.get("/applications/{application_id}", response_model=ApplicationPublic)
async def get_application(
    application_id: UUID, scope: ApplicationScope, uow: UowDep, words: Reader
) -> ApplicationPublic:
    """The application with its current assessment, its review and the effective outcome."""
    app, _ = await applications.get_application(uow, application_id, only_source=own_source(scope))
    return await _public(uow, app, words)
