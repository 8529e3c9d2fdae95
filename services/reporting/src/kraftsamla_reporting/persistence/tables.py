"""The reporting service's tables: read models kept from other services' events (``Known<Thing>``),
the regions whose report is due (``dirty_regions``), the sharing consents and the numbered report
versions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class KnownProgramme(Base):
    """A region's S3 programme as announced by ``plans.programme.created``."""

    __tablename__ = "rm_programmes"
    programme_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(300))
    strength_areas: Mapped[list[Any]] = mapped_column(JSON)
    """``[{"id", "code", "name", "nace_codes", "sdgs", "process_leader_id"}]`` as announced."""
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """Reference, period, vision and adoption, as announced."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KnownPlanVersion(Base):
    """The latest published version of one action plan (kept only when the version number grows)."""

    __tablename__ = "rm_plan_versions"
    action_plan_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    programme_id: Mapped[str] = mapped_column(String(36))
    strength_area_id: Mapped[str] = mapped_column(String(36))
    strength_area_code: Mapped[str] = mapped_column(String(64))
    strength_area_name: Mapped[dict[str, Any]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    priorities: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """The version's whole content (analysis, governance, sub-goals, policy mix, evaluation)."""
    review_due: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    """When the version falls overdue for revision, as the plans service reckons it."""


class KnownChecklist(Base):
    """A programme's EU enabling condition 1.1 checklist as the plans service last evaluated it."""

    __tablename__ = "rm_checklists"
    programme_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    evaluated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    criteria: Mapped[list[Any]] = mapped_column(JSON)
    """``[{"number", "key", "title", "status", "evidence": [finding], "missing": [finding]}]``."""


class KnownSelfAssessment(Base):
    """A programme's RIS3 self-assessment of a year (the RIS3 Assessment Wheel), as last announced."""

    __tablename__ = "rm_self_assessments"
    programme_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    scores: Mapped[dict[str, Any]] = mapped_column(JSON)
    """``{factor key: {"score": 0–5, "comment": …}}``."""
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KnownPlanPublication(Base):
    """Every published version of every action plan: when plans were revised."""

    __tablename__ = "rm_plan_publications"
    action_plan_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KnownMeasurement(Base):
    """A recorded value of a sub-goal's indicator, as last announced."""

    __tablename__ = "rm_measurements"
    measurement_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    action_plan_id: Mapped[str] = mapped_column(String(36))
    sub_goal_id: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KnownLocalPlan(Base):
    """The latest published version of a local plan."""

    __tablename__ = "rm_local_plans"
    local_plan_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)


class KnownRegion(Base):
    """A region's country and municipalities, as configured in the actors service."""

    __tablename__ = "rm_regions"
    region: Mapped[str] = mapped_column(String(64), primary_key=True)
    country: Mapped[str] = mapped_column(String(2))
    county: Mapped[str | None] = mapped_column(String(8))
    municipalities: Mapped[list[Any]] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KnownCycle(Base):
    """A recurring meeting of a region's annual cycle."""

    __tablename__ = "rm_cycles"
    cycle_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    strength_area_id: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    frequency: Mapped[str] = mapped_column(String(32))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KnownActor(Base):
    """An actor of the region as last announced; a merged duplicate names the actor it went into."""

    __tablename__ = "rm_actors"
    actor_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    helix: Mapped[str] = mapped_column(String(32))
    municipality: Mapped[str | None] = mapped_column(String(32))
    merged_into: Mapped[str | None] = mapped_column(String(36))
    at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class KnownMembership(Base):
    """A membership of a group, as last announced."""

    __tablename__ = "rm_memberships"
    membership_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    group_id: Mapped[str] = mapped_column(String(36))
    strength_area_id: Mapped[str | None] = mapped_column(String(36))
    actor_id: Mapped[str] = mapped_column(String(36))
    helix: Mapped[str] = mapped_column(String(32))
    group_kind: Mapped[str | None] = mapped_column(String(32))
    municipality: Mapped[str | None] = mapped_column(String(32))
    nace: Mapped[str | None] = mapped_column(String(16))
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KnownEngagement(Base):
    """An engagement, as last announced; participants by pseudonymous id."""

    __tablename__ = "rm_engagements"
    engagement_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    cycle_id: Mapped[str | None] = mapped_column(String(36))
    strength_area_ids: Mapped[list[Any]] = mapped_column(JSON)
    person_ids: Mapped[list[Any]] = mapped_column(JSON)
    actor_ids: Mapped[list[Any]] = mapped_column(JSON)
    participations: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KnownApplication(Base):
    """An application with its latest details (``details_at``) and latest assessment (``assessed_at``)."""

    __tablename__ = "rm_applications"
    application_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(32))
    stage: Mapped[str | None] = mapped_column(String(32))
    funding_source: Mapped[str | None] = mapped_column(String(32))
    requested_amount: Mapped[float] = mapped_column(Float)
    granted_amount: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(8))
    municipalities: Mapped[list[Any]] = mapped_column(JSON)
    claimed_goals: Mapped[list[Any] | None] = mapped_column(JSON)
    details_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    plan_key: Mapped[str | None] = mapped_column(Text)
    strength_area_id: Mapped[str | None] = mapped_column(String(36))
    level: Mapped[str | None] = mapped_column(String(16))
    score: Mapped[float | None] = mapped_column(Float)
    recommendation: Mapped[str | None] = mapped_column(String(16))
    supported_goals: Mapped[list[Any] | None] = mapped_column(JSON)
    dimensions: Mapped[list[Any] | None] = mapped_column(JSON)
    conflicts: Mapped[int | None] = mapped_column(Integer)
    assessed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class KnownReassessment(Base):
    """A completed reassessment of a region: what moved and why."""

    __tablename__ = "rm_reassessment_log"
    reassessment_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    plan_key: Mapped[str] = mapped_column(Text)
    plan_versions: Mapped[list[Any]] = mapped_column(JSON)
    rubric_version: Mapped[int] = mapped_column(Integer)
    needs_review: Mapped[int] = mapped_column(Integer)
    groups: Mapped[list[Any]] = mapped_column(JSON)
    assessed: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    moved: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text)
    """In English."""
    summary_parts: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    """The summary as the parts each language words (``TextPart``); None where the event had none."""
    completed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SourceMark(Base):
    """Provenance: the last event seen per region and producing service."""

    __tablename__ = "rm_sources"
    region: Mapped[str] = mapped_column(String(64), primary_key=True)
    service: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_event_id: Mapped[str] = mapped_column(String(36))
    last_event_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DirtyRegion(Base):
    """A region whose report must be regenerated; written in the same transaction as the change."""

    __tablename__ = "dirty_regions"
    region: Mapped[str] = mapped_column(String(64), primary_key=True)
    changes: Mapped[int] = mapped_column(Integer)
    traceparent: Mapped[str | None] = mapped_column(String(128))
    marked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Sharing(Base):
    """A region's consent to appear in the cross-region cooperation view (kept by this service)."""

    __tablename__ = "sharing"
    region: Mapped[str] = mapped_column(String(64), primary_key=True)
    opted_in: Mapped[bool] = mapped_column(Boolean)
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


READ_MODELS: tuple[type[Base], ...] = ()
"""Filled below: every table built from events alone, which a rebuild empties and replays."""


class Report(Base):
    """One numbered version of a region's follow-up report."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("region", "number"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    number: Mapped[int] = mapped_column(Integer)
    generated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    built_from: Mapped[dict[str, Any]] = mapped_column(JSON)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    outdated: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """Applications still assessed against older plan versions as it was built (none before 0007)."""


READ_MODELS = (
    KnownProgramme,
    KnownPlanVersion,
    KnownPlanPublication,
    KnownSelfAssessment,
    KnownMeasurement,
    KnownLocalPlan,
    KnownRegion,
    KnownCycle,
    KnownActor,
    KnownMembership,
    KnownEngagement,
    KnownApplication,
    KnownReassessment,
    SourceMark,
)
