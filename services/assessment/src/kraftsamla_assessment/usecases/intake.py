"""Intake from funding systems: upsert by the funding system's id (``source``, ``external_id``),
one by one or in bulk (also as 360Giving grants); a new or changed application is assessed at once
when the region has published plans."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal
from uuid import UUID

from pydantic import ValidationError
from sqlalchemy import select

from kraftsamla_common.db import lock_region
from kraftsamla_common.errors import Unprocessable
from kraftsamla_common.events import ApplicationReceived, new_id, utcnow
from kraftsamla_common.messaging import UnitOfWork

from ..domain.assessor import Assessor
from ..domain.grants import from_360giving, pointer
from ..domain.reassessment import OPEN_STATUSES
from ..persistence.tables import Application, Assessment, KnownStrengthArea
from ..schemas import ApplicationCreate, DecisionRequest
from .applications import check_source, current_assessment, decide
from .assessing import Portfolio, analyse_text, application_facts, assess, load_assessor, load_portfolio
from .read_models import ACTOR_LINKS

Outcome = Literal["created", "updated", "unchanged"]

CONTENT_FIELDS = (
    "kind",
    "stage",
    "title",
    "summary",
    "description",
    "applicant_identifier",
    "applicant_name",
    "partners",
    "funding_programme",
    "funding_source",
    "requested_amount",
    "total_budget",
    "currency",
    "period_start",
    "period_end",
    "municipalities",
    "claimed_strength_areas",
    "claimed_goals",
    "sustainability",
)


@dataclass
class Intake:
    """What intake of one or many applications of a region needs, loaded once per request."""

    uow: UnitOfWork
    assessor: Assessor | None
    portfolio: Portfolio
    areas: dict[str, str]
    """Strength areas of the region: code → id and id → id."""

    @classmethod
    async def load(cls, uow: UnitOfWork) -> Intake:
        # Before the actors are read: an actor's event that links the region's applications waits
        # for this request's to be committed, or this request reads the actor it kept.
        await lock_region(uow.session, ACTOR_LINKS, uow.region, shared=True)
        rows = (
            await uow.session.scalars(select(KnownStrengthArea).where(KnownStrengthArea.region == uow.region))
        ).all()
        areas = {r.code: r.id for r in rows} | {r.id: r.id for r in rows}
        return cls(uow, await load_assessor(uow), await load_portfolio(uow), areas)

    def claimed_areas(self, body: ApplicationCreate) -> list[str]:
        """The claimed strength areas as ids; Unprocessable naming each one the region does not have."""
        errors = []
        ids = []
        for i, ref in enumerate(body.strength_areas):
            found = self.areas.get(ref) or self.areas.get(ref.lower())
            if found is None:
                errors.append(
                    {
                        "pointer": f"/strength_areas/{i}",
                        "message": f"{ref!r} is not a strength area of region {self.uow.region}",
                    }
                )
            else:
                ids.append(found)
        if errors:
            raise Unprocessable("The application claims strength areas the region does not have.", errors)
        return list(dict.fromkeys(ids))

    async def upsert(self, body: ApplicationCreate) -> tuple[Application, Outcome]:
        """Create or update by (source, external id); identical content changes nothing and
        announces nothing. A new or changed application is assessed at once when the region has
        published plans."""
        content = body.model_dump(
            include={f for f in CONTENT_FIELDS if f in ApplicationCreate.model_fields}, mode="python"
        )
        content["partners"] = [p.model_dump(exclude_none=True) for p in body.partners]
        content["sustainability"] = body.sustainability.model_dump(exclude_none=True)
        content["claimed_strength_areas"] = self.claimed_areas(body)
        content["claimed_goals"] = sorted(set(body.goals))
        app = await self.uow.session.scalar(
            select(Application).where(
                Application.region == self.uow.region,
                Application.source == body.source,
                Application.external_id == body.external_id,
            )
        )
        now = utcnow()
        actor = self.portfolio.actors.get(body.applicant_identifier or "")
        outcome: Outcome
        if app is None:
            app = Application(
                id=str(new_id()),
                region=self.uow.region,
                source=body.source,
                external_id=body.external_id,
                status="received",
                revision=1,
                received_at=now,
                updated_at=now,
                applicant_actor_id=actor.id if actor else None,
                **content,
            )
            self.uow.session.add(app)
            outcome = "created"
        elif any(getattr(app, k) != v for k, v in content.items()):
            for k, v in content.items():
                setattr(app, k, v)
            app.applicant_actor_id = actor.id if actor else None
            app.revision += 1
            app.updated_at = now
            outcome = "updated"
        else:
            return app, "unchanged"
        analyse_text(app)
        if app.status == "assessed":
            app.status = "received"
        self.uow.emit(ApplicationReceived(**application_facts(app)), subject=app.id)
        if self.assessor is not None and app.status in OPEN_STATUSES:
            await self.uow.session.flush()
            assess(self.uow, app, self.assessor, self.portfolio, "intake")
        return app, outcome


async def submit_application(
    uow: UnitOfWork, body: ApplicationCreate, *, only_source: str | None
) -> tuple[Application, Assessment | None, Outcome]:
    """Create or update one application (see :meth:`Intake.upsert`); not committed (the caller
    commits with the answer it keeps for the Idempotency-Key)."""
    check_source(body.source, only_source)
    intake = await Intake.load(uow)
    app, outcome = await intake.upsert(body)
    return app, await current_assessment(uow, app), outcome


@dataclass
class BulkItem:
    """What became of one item of a bulk request."""

    index: int
    external_id: str | None
    status: Literal["created", "updated", "unchanged", "rejected"]
    id: UUID | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    """What was sent but not kept (360Giving intake): field, pointer, code, message."""


async def submit_bulk(
    uow: UnitOfWork, items: list[tuple[Any, dict[str, Any] | None]], *, only_source: str | None
) -> list[BulkItem]:
    """Many applications (each with a decision, or None): each item validated on its own; valid
    items upserted together, rejected ones store nothing. Not committed (as :func:`submit_application`)."""
    return await _take_in(await Intake.load(uow), items, only_source=only_source)


async def _take_in(
    intake: Intake, items: list[tuple[Any, dict[str, Any] | None]], *, only_source: str | None
) -> list[BulkItem]:
    uow = intake.uow
    results: list[BulkItem] = []
    seen: dict[tuple[str, str], int] = {}
    for i, (item, decision_raw) in enumerate(items):
        external_id = item.get("external_id") if isinstance(item, dict) else None
        try:
            body = ApplicationCreate.model_validate(item)
            decision = DecisionRequest.model_validate(decision_raw) if decision_raw else None
            intake.claimed_areas(body)
        except ValidationError as exc:
            results.append(BulkItem(i, _str(external_id), "rejected", errors=item_errors(exc, i)))
            continue
        except Unprocessable as exc:
            errors = [{**e, "pointer": f"/{i}{e['pointer']}"} for e in exc.errors or []]
            results.append(BulkItem(i, _str(external_id), "rejected", errors=errors))
            continue
        if only_source is not None and body.source != only_source:
            message = f"this key pushes applications of the funding system '{only_source}' only"
            results.append(_rejected(i, body.external_id, "source", message, "forbidden_source"))
            continue
        key = (body.source, body.external_id)
        if key in seen:
            message = f"the same application as item {seen[key]}"
            results.append(_rejected(i, body.external_id, "external_id", message))
            continue
        seen[key] = i
        app, outcome = await intake.upsert(body)
        decided = (
            decision is not None and app.status not in ("granted", "rejected") and decide(uow, app, decision)
        )
        if decided and outcome == "unchanged":
            outcome = "updated"
        results.append(BulkItem(i, body.external_id, outcome, id=UUID(app.id)))
    return results


async def submit_360giving(
    uow: UnitOfWork, grants: list[Any], *, source: str, only_source: str | None, at: str | None
) -> list[BulkItem]:
    """Grants in the 360Giving Data Standard, mapped onto applications of the funding system
    ``source`` and taken in as a bulk request; an awarded grant is recorded as granted.

    Each item's errors and warnings point to the grant's own fields, as JSON pointers into the
    request body: ``at`` is the pointer of the list of grants in it (``/grants`` for a package,
    ``""`` for a bare list), None when the body is one grant."""
    intake = await Intake.load(uow)
    municipalities = intake.portfolio.region.municipalities
    mapped = [from_360giving(g, source, region_municipalities=municipalities) for g in grants]
    results = await _take_in(intake, [(m.body, m.decision) for m in mapped], only_source=only_source)
    for item, grant in zip(results, mapped, strict=True):
        here = "" if at is None else f"{at}/{item.index}"
        item.errors = [
            {**e, "pointer": here + pointer(grant.locate(e["pointer"].removeprefix(f"/{item.index}")))}
            for e in item.errors
        ]
        item.warnings = [
            {"field": w.field, "pointer": here + pointer(w.path), "code": w.code, "message": w.message}
            for w in grant.warnings
        ]
    return results


def _rejected(index: int, external_id: str, field: str, message: str, type_: str | None = None) -> BulkItem:
    """A bulk item refused for one field."""
    error: dict[str, Any] = {"pointer": f"/{index}/{field}", "message": message}
    if type_ is not None:
        error["type"] = type_
    return BulkItem(index, external_id, "rejected", errors=[error])


def _str(value: Any) -> str | None:
    return str(value) if value is not None else None


def item_errors(exc: ValidationError, index: int | None = None) -> list[dict[str, Any]]:
    """Pydantic's errors as problem-details entries, pointing into the item."""
    prefix = f"/{index}" if index is not None else ""
    return [
        {
            "pointer": prefix + "/" + "/".join(str(p) for p in err["loc"]),
            "message": err["msg"].removeprefix("Value error, "),
            "type": err["type"],
        }
        for err in exc.errors()
    ]
