"""The assessment service's tables (SQLAlchemy). Read models of other services' data are Known<Thing>."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kraftsamla_common.db import UtcDateTime


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class KnownActionPlan(Base):
    """Read model: the current published version of each action plan of a region (from plans' events)."""

    __tablename__ = "plan_versions"
    action_plan_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    strength_area_id: Mapped[str] = mapped_column(String(36))
    strength_area_code: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    priorities: Mapped[list[Any]] = mapped_column(JSON)
    profile: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    """The area's names, description and NACE codes and the plan's other texts (what the assessment
    reads besides the priorities); None for versions stored before they were kept."""
    published_at: Mapped[datetime] = mapped_column(UtcDateTime())


class KnownStrengthArea(Base):
    """Read model: the region's strength areas as the plans service announces them."""

    __tablename__ = "known_strength_areas"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    code: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class KnownActor(Base):
    """Read model: the region's registered actors (from the actors service), to link applicants."""

    __tablename__ = "known_actors"
    __table_args__ = (Index("ix_known_actors_key", "region", "identifier_key"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64))
    identifier_key: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    helix: Mapped[str] = mapped_column(String(20))
    municipality: Mapped[str | None] = mapped_column(String(4))
    merged_into_id: Mapped[str | None] = mapped_column(String(36))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class KnownRegionGeography(Base):
    """Read model: the region's municipalities (from the actors service's region settings)."""

    __tablename__ = "region_geography"
    region: Mapped[str] = mapped_column(String(64), primary_key=True)
    country: Mapped[str] = mapped_column(String(2))
    municipalities: Mapped[list[Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Rubric(Base):
    """One published version of a region's assessment rubric."""

    __tablename__ = "rubrics"
    region: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime())
    published_by: Mapped[str] = mapped_column(String(120))


class Application(Base):
    """A project or business-support application pushed in by a funding system."""

    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("region", "source", "external_id"),
        Index("ix_applications_region_received", "region", "received_at", "id"),
        Index("ix_applications_region_updated", "region", "updated_at", "id"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    source: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(40))
    stage: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    applicant_identifier: Mapped[str | None] = mapped_column(String(20))
    applicant_name: Mapped[str | None] = mapped_column(String(300))
    applicant_actor_id: Mapped[str | None] = mapped_column(String(36), index=True)
    partners: Mapped[list[Any]] = mapped_column(JSON)
    funding_programme: Mapped[str | None] = mapped_column(String(120))
    funding_source: Mapped[str | None] = mapped_column(String(40))
    requested_amount: Mapped[float] = mapped_column(Float)
    total_budget: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(3))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    municipalities: Mapped[list[Any]] = mapped_column(JSON)
    claimed_strength_areas: Mapped[list[Any]] = mapped_column(JSON)
    claimed_goals: Mapped[list[Any]] = mapped_column(JSON)
    sustainability: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), index=True)
    granted_amount: Mapped[float | None] = mapped_column(Float)
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision_note: Mapped[str | None] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)
    current_assessment_id: Mapped[str | None] = mapped_column(String(36))
    features: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    """The text's language, sentences and words (``matching.TextFeatures``), worked out at intake."""
    review: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """The review in force: state, confirmed outcome, overrides (each with its basis)."""
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    """When the application, its current assessment, its review, assignments or declared
    conflicts last changed (``updated_since`` of the list)."""


class Assessment(Base):
    """One assessment of one application revision against one set of plan versions and one rubric
    version. Kept as history; the application points at its current one."""

    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("application_id", "application_revision", "plan_key", "rubric_version"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    application_revision: Mapped[int] = mapped_column(Integer)
    plan_key: Mapped[str] = mapped_column(String(2000))
    plan_versions: Mapped[list[Any]] = mapped_column(JSON)
    rubric_version: Mapped[int] = mapped_column(Integer)
    trigger: Mapped[str] = mapped_column(String(20))
    strength_area_id: Mapped[str | None] = mapped_column(String(36))
    level: Mapped[str | None] = mapped_column(String(10))
    score: Mapped[float] = mapped_column(Float)
    recommendation: Mapped[str] = mapped_column(String(10))
    fits: Mapped[list[Any]] = mapped_column(JSON)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    """Placement, sustainability, Agenda 2030, geography, claims and the rubric's criteria (each
    criterion's ``reason`` a part, ``{"key", "params"}``, worded when read; an English sentence in
    assessments stored before)."""
    language: Mapped[str] = mapped_column(String(2))
    rationale: Mapped[str] = mapped_column(Text)
    """In English."""
    rationale_parts: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    """The rationale's sentences as parts each language words (``domain.wording``); None for
    assessments stored before they were kept (their English ``rationale`` stands)."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    inputs: Mapped[str | None] = mapped_column(String(32), nullable=True)
    """A digest of what it read besides the plans (``Assessor.inputs``); None for assessments
    stored before it was kept (never carried)."""
    scoring_inputs: Mapped[str | None] = mapped_column(String(32), nullable=True)
    """A digest of what its score read of the portfolio and the actors (``Assessor.scoring_inputs``):
    carried where they are the same, it moves to the new plans as it is. None for assessments
    stored before it was kept (scored anew when carried)."""
    made_for: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    """The plan key it was made for, once carried to later plan versions a change did not touch it
    for (``plan_key``, ``plan_versions``: the latest it holds for); None while it holds for those
    it was made for."""


class Review(Base):
    """A process leader's review of an application's assessment: confirmed or overridden, and why."""

    __tablename__ = "reviews"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    assessment_id: Mapped[str] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(20))
    overrides: Mapped[list[Any]] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str] = mapped_column(String(120))
    reviewed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Assignment(Base):
    """An application assigned to an assessor for review (an application may have several)."""

    __tablename__ = "assignments"
    __table_args__ = (Index("ix_assignments_region_assignee", "region", "assignee"),)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    assignee: Mapped[str] = mapped_column(String(200), primary_key=True)
    """The assessor's principal name (``user:<subject>`` or an API key's name)."""
    region: Mapped[str] = mapped_column(String(64))
    assigned_by: Mapped[str] = mapped_column(String(200))
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ConflictOfInterest(Base):
    """An assessor's declared conflict of interest with an application: they may not review it."""

    __tablename__ = "conflicts_of_interest"
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    declared_by: Mapped[str] = mapped_column(String(200), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(Text)
    declared_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Precedent(Base):
    """A reviewer's decision of an application's strength area, with the reason: an example that
    later applications of the region which read like it are assessed by."""

    __tablename__ = "precedents"
    application_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(500))
    strength_area_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    reason: Mapped[str] = mapped_column(Text)
    stems: Mapped[list[Any]] = mapped_column(JSON)
    decided_by: Mapped[str] = mapped_column(String(120))
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Reassessment(Base):
    """A reassessment of a region's open portfolio after its plans or rubric changed, with what moved.

    It runs in ``batches`` (shared by the service's replicas); the batch that brings
    ``batches_done`` to ``batches`` adds up the parts and completes it."""

    __tablename__ = "reassessments"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(20), default="completed")
    """running, completed, or superseded (a newer plan or rubric arrived while it ran)."""
    plan_key: Mapped[str] = mapped_column(String(2000))
    rubric_version: Mapped[int] = mapped_column(Integer)
    rubric_changed: Mapped[bool] = mapped_column(Boolean, default=False)
    old_plans: Mapped[list[Any]] = mapped_column(JSON, default=list)
    """The plans applications were assessed on before, to explain what moved."""
    spread: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    """Open applications per municipality when it started (the portfolio every batch assesses in)."""
    trigger: Mapped[str] = mapped_column(String(300))
    """What started it, in English (``trigger_parts``: as parts)."""
    trigger_parts: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    trigger_event_id: Mapped[str] = mapped_column(String(36))
    batches: Mapped[int] = mapped_column(Integer, default=0)
    batches_done: Mapped[int] = mapped_column(Integer, default=0)
    assessed: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    needs_review: Mapped[int] = mapped_column(Integer, default=0)
    moved: Mapped[list[Any]] = mapped_column(JSON, default=list)
    groups: Mapped[list[Any]] = mapped_column(JSON, default=list)
    summary: Mapped[str] = mapped_column(Text, default="")
    """What moved and why, in English (``summary_parts``: its sentences as parts)."""
    summary_parts: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    carry_from: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    """The plan key whose assessments it may carry to its own where the change does not touch
    them (None: every application is assessed anew: a rubric or reviewers' decisions changed, or
    the change reaches every application)."""
    changed_terms: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    """The plan terms the change touched (``Difference.changed``)."""
    carried: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Of ``assessed``, how many were carried instead of made anew."""


class ReassessmentPart(Base):
    """What one batch of a reassessment did."""

    __tablename__ = "reassessment_parts"
    reassessment_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    batch: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessed: Mapped[int] = mapped_column(Integer)
    needs_review: Mapped[int] = mapped_column(Integer)
    moved: Mapped[list[Any]] = mapped_column(JSON)
    carried: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class IdempotencyRecord(Base):
    """The answer to a POST sent with an ``Idempotency-Key``, replayed when the same key comes again."""

    __tablename__ = "idempotency_keys"
    region: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    principal: Mapped[str] = mapped_column(String(120))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Webhook(Base):
    """An integrator's subscription: events of some types are POSTed, signed, to its URL."""

    __tablename__ = "webhooks"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    event_types: Mapped[list[Any]] = mapped_column(JSON)
    source: Mapped[str | None] = mapped_column(String(64))
    """Only applications from this funding system, when set."""
    description: Mapped[str | None] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(400))
    """The signing secret encrypted (``fernet:…``, ``adapters.secret_box``)."""
    active: Mapped[bool] = mapped_column(Boolean)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Delivery(Base):
    """One event to deliver to one webhook, with its attempts; the delivery log."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("webhook_id", "event_id"),
        Index("ix_webhook_deliveries_due", "state", "next_attempt_at"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    webhook_id: Mapped[str] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"), index=True)
    region: Mapped[str] = mapped_column(String(64))
    event_id: Mapped[str] = mapped_column(String(36))
    event_type: Mapped[str] = mapped_column(String(60))
    payload: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10))
    """``pending`` (to be tried at ``next_attempt_at``), ``delivered`` or ``failed`` (gave up)."""
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
    log: Mapped[list[Any]] = mapped_column(JSON)
    """Every attempt: when, status code or error, duration."""
    traceparent: Mapped[str | None] = mapped_column(String(55), nullable=True)
    """W3C trace context of the event delivered: each attempt continues its trace."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
