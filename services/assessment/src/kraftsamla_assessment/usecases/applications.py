"""Applications: reading them (a caller bound to a funding system sees only its own), and the
funding body's decisions and status changes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import and_, func, literal, or_, select, true, union
from sqlalchemy.orm import defer
from sqlalchemy.sql.util import find_tables

from kraftsamla_common.errors import Conflict, Forbidden, NotFound
from kraftsamla_common.events import ApplicationDecided, ApplicationStatusChanged, utcnow
from kraftsamla_common.exports import EXPORT_PAGE, within_bound
from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_common.service import Page

from ..domain.reassessment import OPEN_STATUSES
from ..persistence.tables import Application, Assessment, Assignment, KnownActionPlan, KnownStrengthArea
from ..schemas import DecisionRequest
from .assessing import application_facts
from .refusals import said
from .refusals import status as status_part

Current = tuple[Application, Assessment | None]
"""An application with its current assessment (None before its first)."""


def check_source(source: str, only_source: str | None) -> None:
    """403 unless a caller bound to a funding system (``only_source``) acts on its own."""
    if only_source is not None and source != only_source:
        raise Forbidden(
            f"This key pushes applications of the funding system '{only_source}' only, not '{source}'.",
        )


async def current_assessment(uow: UnitOfWork, app: Application) -> Assessment | None:
    return await uow.session.get(Assessment, app.current_assessment_id) if app.current_assessment_id else None


async def find_application(uow: UnitOfWork, application_id: UUID, *, only_source: str | None) -> Application:
    """The region's application (of the caller's funding system, when bound to one); else NotFound."""
    app = await uow.session.get(Application, str(application_id))
    if app is None or app.region != uow.region or only_source not in (None, app.source):
        raise NotFound("Application", application_id)
    return app


async def get_application(uow: UnitOfWork, application_id: UUID, *, only_source: str | None) -> Current:
    """The application with its current assessment."""
    app = await find_application(uow, application_id, only_source=only_source)
    return app, await current_assessment(uow, app)


SORTS: dict[str, str] = {
    "received_at": "oldest received first (the default)",
    "-received_at": "newest received first",
    "updated_at": "least recently changed first (for incremental sync)",
    "-updated_at": "most recently changed first",
    "title": "by title, A to Z",
    "-title": "by title, Z to A",
    "score": "lowest score first (not assessed last)",
    "-score": "highest score first (not assessed last)",
}
"""The orders the application list can be sorted in (``sort``), each tied by the application's id."""

FACETS = (
    "strength_area",
    "level",
    "recommendation",
    "status",
    "review",
    "municipality",
    "funding_source",
    "assigned_to",
)
"""The filters the list counts applications per value of (``facets=true``)."""

NO_ONE = "none"
"""``assigned_to=none``: the applications assigned to no assessor."""

WAITING_REVIEWS = ("none", "needs_review")
"""The review states of an application waiting for a review: not reviewed, or to review again."""

_OWN_FILTERS: dict[str, frozenset[str]] = {
    facet: frozenset({facet, "strength_area_code"} if facet == "strength_area" else {facet})
    for facet in FACETS
}
"""The filters a facet is counted without: its own (the other values it offers)."""

LIKE_ESCAPE = "/"


def like_pattern(q: str) -> str:
    """``q`` anywhere in a text, its wildcards (``%``, ``_``) taken as themselves."""
    e = LIKE_ESCAPE
    escaped = q.replace(e, e + e).replace("%", e + "%").replace("_", e + "_")
    return f"%{escaped}%"


def _elements(uow: UnitOfWork, column: Any) -> Any:
    """The elements of a JSON list column, as a table with one column ``value`` (joined beside
    the row it belongs to)."""
    if uow.session.get_bind().dialect.name == "postgresql":
        return func.json_array_elements_text(column).table_valued("value").render_derived()
    return func.json_each(column).table_valued("value")


def _review_state() -> Any:
    return func.coalesce(Application.review["state"].as_string(), "none")


def _filters(
    uow: UnitOfWork,
    *,
    only_source: str | None,
    status: str | None = None,
    source: str | None = None,
    external_id: str | None = None,
    strength_area: UUID | None = None,
    strength_area_code: str | None = None,
    level: str | None = None,
    recommendation: str | None = None,
    review: str | None = None,
    municipality: str | None = None,
    funding_source: str | None = None,
    assigned_to: str | None = None,
    waiting: bool | None = None,
    updated_since: datetime | None = None,
    q: str | None = None,
) -> dict[str, Any]:
    """The list's conditions by the filter each comes from (the caller's own scope under ``""``)."""
    where: dict[str, Any] = {"": Application.region == uow.region}
    if only_source is not None:
        where["only_source"] = Application.source == only_source
    if status:
        where["status"] = Application.status == status
    if source:
        where["source"] = Application.source == source
    if external_id:
        where["external_id"] = Application.external_id == external_id
    if strength_area:
        where["strength_area"] = Assessment.strength_area_id == str(strength_area)
    if strength_area_code:
        ids = union(
            select(KnownStrengthArea.id).where(
                KnownStrengthArea.region == uow.region, KnownStrengthArea.code == strength_area_code
            ),
            select(KnownActionPlan.strength_area_id).where(
                KnownActionPlan.region == uow.region, KnownActionPlan.strength_area_code == strength_area_code
            ),
        )
        where["strength_area_code"] = Assessment.strength_area_id.in_(select(ids.subquery().c[0]))
    if level:
        where["level"] = Assessment.level == level
    if recommendation:
        where["recommendation"] = Assessment.recommendation == recommendation
    if review:
        where["review"] = _review_state() == review
    if municipality:
        places = _elements(uow, Application.municipalities)
        where["municipality"] = select(places.c.value).where(places.c.value == municipality).exists()
    if funding_source:
        where["funding_source"] = Application.funding_source == funding_source
    if assigned_to == NO_ONE:
        where["assigned_to"] = (
            ~select(Assignment.application_id).where(Assignment.application_id == Application.id).exists()
        )
    elif assigned_to:
        where["assigned_to"] = (
            select(Assignment.application_id)
            .where(Assignment.application_id == Application.id, Assignment.assignee == assigned_to)
            .exists()
        )
    if waiting is not None:
        is_waiting = Application.status.in_(OPEN_STATUSES) & _review_state().in_(WAITING_REVIEWS)
        where["waiting"] = is_waiting if waiting else ~is_waiting
    if updated_since is not None:
        where["updated_since"] = Application.updated_at >= updated_since
    if q:
        pattern = func.lower(literal(like_pattern(q)))
        texts = (Application.title, Application.summary, Application.description, Application.applicant_name)
        where["q"] = or_(*(func.lower(t).like(pattern, escape=LIKE_ESCAPE) for t in texts))
    return where


def _key(sort: str) -> Any:
    """The column a sort orders by (before the application's id, which ties it)."""
    key = sort.lstrip("-")
    if key == "score":
        return Assessment.score
    if key == "title":
        return func.lower(Application.title)
    if key == "updated_at":
        return Application.updated_at
    return Application.received_at


def _order(sort: str) -> list[Any]:
    column = _key(sort)
    first = [Assessment.score.is_(None)] if sort.lstrip("-") == "score" else []  # not assessed last
    if sort.startswith("-"):
        return [*first, column.desc(), Application.id.desc()]
    return [*first, column, Application.id]


def _reads_assessments(*clauses: Any) -> bool:
    """Whether any of ``clauses`` reads the assessments table."""
    return any(Assessment.__table__ in find_tables(c, check_columns=True) for c in clauses)


def _joined(query: Any, assessments: bool) -> Any:
    """``query`` over the applications, with their current assessments where ``assessments``."""
    query = query.select_from(Application)
    return (
        query.outerjoin(Assessment, Assessment.id == Application.current_assessment_id)
        if assessments
        else query
    )


ROWS_AT_ONCE = 1000
"""Applications read whole in one query (a download's are read in several)."""


@dataclass(frozen=True)
class Position:
    """Where a page of the list ended (its cursor): the sort, the last application's value of the
    sort's column as the database orders it (None: not assessed, sorting by score), and its id."""

    sort: str
    value: Any
    id: str


def _after(position: Position) -> Any:
    """The applications that come after ``position`` in its order (keyset paging: the next page
    starts where the last ended, whatever was added or removed before it)."""
    column = _key(position.sort)
    descending = position.sort.startswith("-")

    def beyond(a: Any, b: Any) -> Any:
        return a < b if descending else a > b

    tie = beyond(Application.id, position.id)
    if position.sort.lstrip("-") == "score":
        if position.value is None:  # among those not assessed, which come last either way
            return and_(Assessment.score.is_(None), tie)
        return or_(
            Assessment.score.is_(None), beyond(column, position.value), and_(column == position.value, tie)
        )
    return or_(beyond(column, position.value), and_(column == position.value, tie))


async def list_applications(
    uow: UnitOfWork,
    page: Page,
    *,
    only_source: str | None,
    sort: str = "received_at",
    after: Position | None = None,
    **filters: Any,
) -> tuple[list[Current], int, Position | None]:
    """The region's applications with their current assessments, in the order ``sort`` names
    (:data:`SORTS`; a page of them from ``page``'s offset or ``after`` a position, how many match,
    and where the page ended when more come after it)."""
    where = list(_filters(uow, only_source=only_source, **filters).values())
    current = Assessment.id == Application.current_assessment_id
    # The assessments are joined only where a filter or the order reads them (a count over the
    # region's applications alone walks one index; joined, it reads every assessment too).
    joined = _reads_assessments(*where)
    count = await uow.session.scalar(_joined(select(func.count(Application.id)), joined).where(*where))
    order = _order(sort)
    joined = joined or _reads_assessments(*order)
    # The page's ids first (walking the region's index in order), then only those rows whole.
    keys = (
        await uow.session.execute(
            _joined(select(Application.id, _key(sort)), joined)
            .where(*where, *([_after(after)] if after is not None else []))
            .order_by(*order)
            .limit(page.limit + 1)
            .offset(page.offset if after is None else 0)
        )
    ).all()
    more = len(keys) > page.limit
    keys = keys[: page.limit]
    found: dict[str, Current] = {}
    for start in range(0, len(keys), ROWS_AT_ONCE):
        rows = await uow.session.execute(
            select(Application, Assessment)
            .outerjoin(Assessment, current)
            .where(Application.id.in_([k[0] for k in keys[start : start + ROWS_AT_ONCE]]))
            .options(defer(Application.features, raiseload=True))  # the text's words: not shown
        )
        found.update((a.id, (a, s)) for a, s in rows)
    end = Position(sort, keys[-1][1], keys[-1][0]) if more and keys else None
    return [found[k[0]] for k in keys], int(count or 0), end


async def list_state(uow: UnitOfWork) -> tuple[Any, ...]:
    """What the region's application list is made of, in brief: how many applications there are
    and when the last of them changed (an application's ``updated_at`` moves with its assessment,
    review, assignments and declared conflicts, as ``updated_since`` relies on), and when the
    strength areas its filters name by code last changed (or a plan version came, which can
    change a code). Another state, another list; the same
    state, the same list for the same query (its ETag)."""
    region = uow.region
    row = (
        await uow.session.execute(
            select(
                select(func.count(Application.id)).where(Application.region == region).scalar_subquery(),
                select(func.max(Application.updated_at))
                .where(Application.region == region)
                .scalar_subquery(),
                select(func.max(KnownStrengthArea.updated_at))
                .where(KnownStrengthArea.region == region)
                .scalar_subquery(),
                select(func.sum(KnownActionPlan.version))
                .where(KnownActionPlan.region == region)
                .scalar_subquery(),
            )
        )
    ).one()
    return tuple(row)


@dataclass(frozen=True)
class FacetValue:
    value: str | None
    count: int
    code: str | None = None
    oldest_assigned_at: datetime | None = None
    """``assigned_to``: when the oldest of the assessor's assignments counted was made."""


async def facets(
    uow: UnitOfWork, *, only_source: str | None, only: Sequence[str] = FACETS, **filters: Any
) -> dict[str, list[FacetValue]]:
    """How many applications the list's filters find per value of each of :data:`FACETS`, each
    counted with every other filter (and without its own): one grouped query a facet. An
    application reaching several municipalities, or assigned to several assessors, counts for
    each; ``assigned_to`` also gives each assessor's oldest assignment among those counted, and
    counts those of no one under null. ``only``: these facets alone."""
    where = _filters(uow, only_source=only_source, **filters)
    out: dict[str, list[FacetValue]] = {}
    for facet in (f for f in FACETS if f in only):
        conditions = [c for k, c in where.items() if k not in _OWN_FILTERS[facet]]
        reads = _reads_assessments(*conditions) or facet in ("strength_area", "level", "recommendation")
        query = _joined(select(), reads)
        column: Any
        if facet == "assigned_to":
            query = query.outerjoin(Assignment, Assignment.application_id == Application.id)
            rows = await uow.session.execute(
                query.add_columns(
                    Assignment.assignee, func.count(Application.id), func.min(Assignment.assigned_at)
                )
                .where(*conditions)
                .group_by(Assignment.assignee)
            )
            out[facet] = sorted(
                (FacetValue(who, int(n), oldest_assigned_at=oldest) for who, n, oldest in rows),
                key=lambda f: (-f.count, f.value is None, f.value or ""),
            )
            continue
        if facet == "municipality":
            places = _elements(uow, Application.municipalities)
            query = query.join(places, true())
            column = places.c.value
        else:
            column = {
                "strength_area": Assessment.strength_area_id,
                "level": Assessment.level,
                "recommendation": Assessment.recommendation,
                "status": Application.status,
                "review": _review_state(),
                "funding_source": Application.funding_source,
            }[facet]
        rows = await uow.session.execute(
            query.add_columns(column, func.count(Application.id)).where(*conditions).group_by(column)
        )
        values = [FacetValue(None if v is None else str(v), int(n)) for v, n in rows]
        out[facet] = sorted(values, key=lambda f: (-f.count, f.value is None, f.value or ""))
    if "strength_area" in out:
        codes = await strength_area_codes(uow)
        out["strength_area"] = [
            FacetValue(f.value, f.count, codes.get(f.value) if f.value else None)
            for f in out["strength_area"]
        ]
    return out


async def strength_area_codes(uow: UnitOfWork) -> dict[str, str]:
    """The region's strength areas' codes by id."""
    codes = dict(
        (
            await uow.session.execute(
                select(KnownStrengthArea.id, KnownStrengthArea.code).where(
                    KnownStrengthArea.region == uow.region
                )
            )
        ).all()
    )
    for sa, code in (
        await uow.session.execute(
            select(KnownActionPlan.strength_area_id, KnownActionPlan.strength_area_code).where(
                KnownActionPlan.region == uow.region
            )
        )
    ).all():
        codes[sa] = code
    return codes


@dataclass(frozen=True)
class StrengthAreaName:
    code: str
    name: Mapping[str, str]
    """Per language, as the programme gave it (empty before its first published plan)."""


@dataclass(frozen=True)
class ApplicationList:
    """Every application that matches a list's filters, with its current assessment, and the
    region's strength areas by id (to name them)."""

    rows: list[Current]
    strength_areas: dict[str, StrengthAreaName]


async def export_applications(uow: UnitOfWork, *, only_source: str | None, **filters: Any) -> ApplicationList:
    """The applications :func:`list_applications` finds with ``filters``, all of them (at most
    :data:`~kraftsamla_common.exports.MAX_ROWS`: 422 above), for a download."""
    rows, count, _ = await list_applications(uow, EXPORT_PAGE, only_source=only_source, **filters)
    within_bound(count)
    areas = {
        sa: StrengthAreaName(code, {})
        for sa, code in (
            await uow.session.execute(
                select(KnownStrengthArea.id, KnownStrengthArea.code).where(
                    KnownStrengthArea.region == uow.region
                )
            )
        ).all()
    }
    for sa, code, profile in (
        await uow.session.execute(
            select(
                KnownActionPlan.strength_area_id, KnownActionPlan.strength_area_code, KnownActionPlan.profile
            ).where(KnownActionPlan.region == uow.region)
        )
    ).all():
        areas[sa] = StrengthAreaName(code, (profile or {}).get("name") or {})
    return ApplicationList(rows, areas)


async def assessment_history(
    uow: UnitOfWork, application_id: UUID, *, only_source: str | None
) -> Sequence[Assessment]:
    """Every assessment the application has had, newest first."""
    app = await find_application(uow, application_id, only_source=only_source)
    return (
        await uow.session.scalars(
            select(Assessment)
            .where(Assessment.application_id == app.id)
            .order_by(Assessment.created_at.desc())
        )
    ).all()


async def record_decision(
    uow: UnitOfWork, application_id: UUID, body: DecisionRequest, *, only_source: str | None
) -> Current:
    """Record the funding body's decision (see :func:`decide`)."""
    app = await find_application(uow, application_id, only_source=only_source)
    decide(uow, app, body)
    await uow.commit()
    return app, await current_assessment(uow, app)


async def set_status(
    uow: UnitOfWork, application_id: UUID, status: str, *, only_source: str | None
) -> Current:
    """Move the application to ``status`` (see :func:`change_status`)."""
    app = await find_application(uow, application_id, only_source=only_source)
    change_status(uow, app, status)
    await uow.commit()
    return app, await current_assessment(uow, app)


def decide(uow: UnitOfWork, app: Application, d: DecisionRequest) -> bool:
    """Record the funding body's decision; False when it is the decision already recorded."""
    if app.status in ("granted", "rejected"):
        if app.status == d.outcome and (app.granted_amount or 0) == (d.granted_amount or 0):
            return False
        raise Conflict(said("refused_decided", status=status_part(app.status)))
    if app.status not in OPEN_STATUSES:
        raise Conflict(said("refused_decide", status=status_part(app.status)))
    app.status = d.outcome
    app.granted_amount = d.granted_amount if d.outcome == "granted" else None
    app.decided_on = d.decided_on or utcnow().date()
    app.decision_note = d.note
    app.updated_at = utcnow()
    uow.emit(
        ApplicationDecided(**application_facts(app), decided_on=app.decided_on),
        region=app.region,
        subject=app.id,
    )
    return True


TRANSITIONS: dict[str, tuple[str, ...]] = {
    "under_assessment": ("received", "assessed"),
    "withdrawn": ("received", "under_assessment", "assessed", "granted"),
    "completed": ("granted",),
}
"""Which statuses each status can be reached from (decisions have their own route)."""


def change_status(uow: UnitOfWork, app: Application, status: str) -> bool:
    """Move the application to ``status``; False when it is there already."""
    if app.status == status:
        return False
    if app.status not in TRANSITIONS[status]:
        allowed = [status_part(s) for s in TRANSITIONS[status]]
        refused = said(
            "refused_status",
            n=len(allowed),
            status=status_part(app.status),
            to=status_part(status),
            allowed=allowed,
        )
        raise Conflict(refused)
    previous = app.status
    app.status = status
    app.updated_at = utcnow()
    uow.emit(
        ApplicationStatusChanged(**application_facts(app), previous_status=previous),  # type: ignore[arg-type]
        region=app.region,
        subject=app.id,
    )
    return True
