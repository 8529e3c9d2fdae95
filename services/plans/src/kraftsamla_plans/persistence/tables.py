"""The plans service's tables (their DDL lives in the migrations)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from kraftsamla_common.db import UtcDateTime


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Programme(Base):
    """A region's S3 programme (program för smart specialisering)."""

    __tablename__ = "programmes"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(300))
    reference: Mapped[str | None] = mapped_column(String(100))
    period_start: Mapped[int] = mapped_column(Integer)
    period_end: Mapped[int] = mapped_column(Integer)
    vision: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    adopted_on: Mapped[date | None] = mapped_column(Date)
    adopted_by: Mapped[str | None] = mapped_column(String(500))
    adoption_paragraph: Mapped[str | None] = mapped_column(String(50))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class StrengthArea(Base):
    """A prioritised strength area (styrkeområde) of a programme."""

    __tablename__ = "strength_areas"
    __table_args__ = (UniqueConstraint("programme_id", "code"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    programme_id: Mapped[str] = mapped_column(ForeignKey("programmes.id"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[dict[str, Any]] = mapped_column(JSON)
    description: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    process_leader_id: Mapped[str | None] = mapped_column(String(36))
    nace_codes: Mapped[list[Any]] = mapped_column(JSON)
    sdgs: Mapped[list[Any]] = mapped_column(JSON)


class ActionPlan(Base):
    """The action plan (handlingsplan) of one strength area: an editable draft and its versions."""

    __tablename__ = "action_plans"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    strength_area_id: Mapped[str] = mapped_column(ForeignKey("strength_areas.id"), unique=True)
    draft: Mapped[dict[str, Any]] = mapped_column(JSON)
    draft_revision: Mapped[int] = mapped_column(Integer, default=1)
    current_version: Mapped[int] = mapped_column(Integer, default=0)
    last_published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    next_review: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    strength_area: Mapped[StrengthArea] = relationship(lazy="joined", innerjoin=True)
    """Loaded with the plan: every answer about a plan names its strength area."""


class ActionPlanVersion(Base):
    """An immutable, numbered, published version of an action plan."""

    __tablename__ = "action_plan_versions"
    __table_args__ = (UniqueConstraint("action_plan_id", "number"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    action_plan_id: Mapped[str] = mapped_column(ForeignKey("action_plans.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime())
    published_by: Mapped[str] = mapped_column(String(120))
    next_review: Mapped[date | None] = mapped_column(Date)


class IndicatorMeasurement(Base):
    """A value of a sub-goal's indicator in a year: one per action plan, sub-goal and year (a
    second value for the same year corrects the first)."""

    __tablename__ = "indicator_measurements"
    __table_args__ = (UniqueConstraint("action_plan_id", "sub_goal_id", "year"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    action_plan_id: Mapped[str] = mapped_column(ForeignKey("action_plans.id"), index=True)
    sub_goal_id: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    measured_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(500))
    note: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LocalPlan(Base):
    """A destination's or municipality's plan (lokal plan), linked to the regional strength areas."""

    __tablename__ = "local_plans"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    draft: Mapped[dict[str, Any]] = mapped_column(JSON)
    draft_revision: Mapped[int] = mapped_column(Integer, default=1)
    current_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LocalPlanVersion(Base):
    """An immutable, numbered, published version of a local plan."""

    __tablename__ = "local_plan_versions"
    __table_args__ = (UniqueConstraint("local_plan_id", "number"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    local_plan_id: Mapped[str] = mapped_column(ForeignKey("local_plans.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime())
    published_by: Mapped[str] = mapped_column(String(120))


class KnownActor(Base):
    """Read model: actors, groups and people (by role, never by name) the actors service
    announced, by region, so references can be named without calling it."""

    __tablename__ = "known_actors"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    group_kind: Mapped[str | None] = mapped_column(String(30))
    """For a group: partnership, steering_group, …"""
    strength_area_id: Mapped[str | None] = mapped_column(String(36))
    """For a group: the strength area it serves."""


class KnownEngagement(Base):
    """Read model: engagements the actors service recorded, as evidence of stakeholder
    involvement (EU enabling condition 1.1, criterion 4)."""

    __tablename__ = "known_engagements"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    strength_area_ids: Mapped[list[str]] = mapped_column(JSON)
    participations: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ProgrammeChecklist(Base):
    """A programme's EU enabling condition 1.1 checklist as last evaluated and announced."""

    __tablename__ = "programme_checklists"
    programme_id: Mapped[str] = mapped_column(ForeignKey("programmes.id"), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    evaluated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    valid_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    criteria: Mapped[list[Any]] = mapped_column(JSON)


class SelfAssessment(Base):
    """A programme's RIS3 self-assessment of a year (the JRC's RIS3 Assessment Wheel): one per
    programme and year, replaced whole when written again."""

    __tablename__ = "self_assessments"
    __table_args__ = (UniqueConstraint("programme_id", "year"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    programme_id: Mapped[str] = mapped_column(ForeignKey("programmes.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    scores: Mapped[dict[str, Any]] = mapped_column(JSON)
    """``{factor key: {"score": 0–5, "comment": …}}`` for the eighteen factors."""
    recorded_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
