"""Intake from funding systems: upsert by the funding system's id, one by one or in bulk, and the
360Giving grant fields mapped onto an application."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy import select

from kraftsamla_common.errors import Conflict, Unprocessable
from kraftsamla_common.events import (
    ApplicationDecided,
    ApplicationReceived,
    ApplicationStatusChanged,
    new_id,
    utcnow,
)
from kraftsamla_common.messaging import UnitOfWork

from . import domain
from .assessing import Portfolio, analyse_text, application_facts, assess, load_assessor, load_portfolio
from .models import Application, KnownStrengthArea
from .schemas import ApplicationIn, DecisionIn

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
    region: str
    assessor: domain.Assessor | None
    portfolio: Portfolio
    areas: dict[str, str]
    """Strength areas of the region: code → id and id → id."""

    @classmethod
    async def load(cls, uow: UnitOfWork, region: str) -> Intake:
        rows = (
            await uow.session.scalars(select(KnownStrengthArea).where(KnownStrengthArea.region == region))
        ).all()
        areas = {r.code: r.id for r in rows} | {r.id: r.id for r in rows}
        return cls(
            uow,
            region,
            await load_assessor(uow.session, region),
            await load_portfolio(uow.session, region),
            areas,
        )

    def claimed_areas(self, body: ApplicationIn) -> list[str]:
        """The claimed strength areas as ids; Unprocessable naming each one the region does not have."""
        errors = []
        ids = []
        for i, ref in enumerate(body.strength_areas):
            found = self.areas.get(ref) or self.areas.get(ref.lower())
            if found is None:
                errors.append(
                    {
                        "pointer": f"/strength_areas/{i}",
                        "message": f"{ref!r} is not a strength area of region {self.region}",
                    }
                )
            else:
                ids.append(found)
        if errors:
            raise Unprocessable("The application claims strength areas the region does not have.", errors)
        return list(dict.fromkeys(ids))

    async def upsert(self, body: ApplicationIn) -> tuple[Application, Outcome]:
        """Create or update by (source, external id); identical content changes nothing and
        announces nothing. A new or changed application is assessed at once when the region has
        published plans."""
        content = body.model_dump(
            include={f for f in CONTENT_FIELDS if f in ApplicationIn.model_fields}, mode="python"
        )
        content["partners"] = [p.model_dump(exclude_none=True) for p in body.partners]
        content["sustainability"] = body.sustainability.model_dump(exclude_none=True)
        content["claimed_strength_areas"] = self.claimed_areas(body)
        content["claimed_goals"] = sorted(set(body.goals))
        app = await self.uow.session.scalar(
            select(Application).where(
                Application.region == self.region,
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
                region=self.region,
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
        self.uow.emit(ApplicationReceived(**application_facts(app)), region=self.region, subject=app.id)
        if self.assessor is not None and app.status in domain.OPEN_STATUSES:
            await self.uow.session.flush()
            assess(self.uow, app, self.assessor, self.portfolio, "intake")
        return app, outcome


def decide(uow: UnitOfWork, app: Application, d: DecisionIn) -> bool:
    """Record the funding body's decision; False when it is the decision already recorded."""
    if app.status in ("granted", "rejected"):
        if app.status == d.outcome and (app.granted_amount or 0) == (d.granted_amount or 0):
            return False
        raise Conflict(f"The application was already decided ({app.status}); a decision is final.")
    if app.status not in domain.OPEN_STATUSES:
        raise Conflict(f"A {app.status} application cannot be decided.")
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
        allowed = ", ".join(TRANSITIONS[status])
        raise Conflict(f"A {app.status} application cannot become {status} (only from {allowed}).")
    previous = app.status
    app.status = status
    app.updated_at = utcnow()
    uow.emit(
        ApplicationStatusChanged(**application_facts(app), previous_status=previous),  # type: ignore[arg-type]
        region=app.region,
        subject=app.id,
    )
    return True


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


# --------------------------------------------------------------------------- 360Giving

_SE_ORG = re.compile(r"^SE-(?:BLV|BOL|ORG)-(\d{6}-?\d{4})$", re.IGNORECASE)
_FI_ORG = re.compile(r"^FI-(?:PRO|YTJ)-(\d{7}-\d)$", re.IGNORECASE)


def _org_identifier(org: dict[str, Any]) -> str | None:
    """An organisation identifier from a 360Giving organisation: its companyNumber, or an org-id
    (``SE-BLV-5560000000`` for Bolagsverket, ``FI-PRO-1234567-8`` for PRH)."""
    if org.get("companyNumber"):
        return str(org["companyNumber"])
    ident = str(org.get("id", ""))
    for pattern in (_SE_ORG, _FI_ORG):
        m = pattern.match(ident)
        if m:
            return m.group(1)
    return None


def from_360giving(grant: dict[str, Any], source: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A 360Giving grant as an application body (and its award as a decision, when it has one).

    Mapped: ``id`` → external id, ``title``, ``description``, ``currency``, ``amountAppliedFor``
    (else ``amountAwarded``) → requested amount, ``plannedDates[0]`` → period,
    ``recipientOrganization[0]`` → applicant, ``grantProgramme[0].title`` (else the funding
    organisation's name) → funding programme, ``beneficiaryLocation[].geoCode`` that are
    municipality codes → municipalities, ``classifications`` of an SDG vocabulary → goals;
    ``amountAwarded`` with ``awardDate`` → a grant decision. Other fields are ignored.
    """
    if not isinstance(grant, dict):
        return {"source": source, "external_id": None}, None
    body: dict[str, Any] = {"source": source, "external_id": grant.get("id"), "title": grant.get("title")}
    for src, dst in (("description", "description"), ("currency", "currency")):
        if grant.get(src) is not None:
            body[dst] = grant[src]
    requested = grant.get("amountAppliedFor", grant.get("amountAwarded"))
    if requested is not None:
        body["requested_amount"] = requested
    planned = grant.get("plannedDates") or []
    if planned and isinstance(planned[0], dict):
        body["period_start"] = planned[0].get("startDate")
        body["period_end"] = planned[0].get("endDate")
    recipients = grant.get("recipientOrganization") or []
    if recipients and isinstance(recipients[0], dict):
        body["applicant_identifier"] = _org_identifier(recipients[0])
        body["applicant_name"] = recipients[0].get("name")
    programmes = grant.get("grantProgramme") or []
    funders = grant.get("fundingOrganization") or []
    if programmes and isinstance(programmes[0], dict) and programmes[0].get("title"):
        body["funding_programme"] = programmes[0]["title"]
    elif funders and isinstance(funders[0], dict) and funders[0].get("name"):
        body["funding_programme"] = funders[0]["name"]
    codes = [
        str(loc.get("geoCode"))
        for loc in grant.get("beneficiaryLocation") or []
        if isinstance(loc, dict) and re.fullmatch(r"\d{3,4}", str(loc.get("geoCode", "")))
    ]
    if codes:
        body["municipalities"] = codes
    goals = [
        int(c["code"])
        for c in grant.get("classifications") or []
        if isinstance(c, dict)
        and "sdg" in str(c.get("vocabulary", "")).lower()
        and str(c.get("code", "")).isdigit()
    ]
    if goals:
        body["goals"] = goals
    decision = None
    if grant.get("amountAwarded") is not None and grant.get("awardDate"):
        decision = {
            "outcome": "granted",
            "granted_amount": grant["amountAwarded"],
            "decided_on": grant["awardDate"][:10],
        }
    return {k: v for k, v in body.items() if v is not None}, decision
