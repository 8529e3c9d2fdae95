"""Persistence of the reporting service: read models kept from other services' events, the regions
whose report is due (``dirty_regions``) and the numbered report versions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class ProgrammeRM(Base):
    """A region's S3 programme as announced by ``plans.programme.created``."""

    __tablename__ = "rm_programmes"
    programme_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(300))
    strength_areas: Mapped[list[Any]] = mapped_column(JSON)
    """``[{"id", "code", "name"}]`` as created."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PlanVersionRM(Base):
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


class ActorRM(Base):
    __tablename__ = "rm_actors"
    actor_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    helix: Mapped[str] = mapped_column(String(32))
    municipality: Mapped[str | None] = mapped_column(String(32))
    merged_into: Mapped[str | None] = mapped_column(String(36))
    at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class MembershipRM(Base):
    """A membership of a group, as last announced."""

    __tablename__ = "rm_memberships"
    membership_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    group_id: Mapped[str] = mapped_column(String(36))
    strength_area_id: Mapped[str | None] = mapped_column(String(36))
    actor_id: Mapped[str] = mapped_column(String(36))
    helix: Mapped[str] = mapped_column(String(32))
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EngagementRM(Base):
    """An engagement, as last announced; participants by pseudonymous id."""

    __tablename__ = "rm_engagements"
    engagement_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    strength_area_ids: Mapped[list[Any]] = mapped_column(JSON)
    person_ids: Mapped[list[Any]] = mapped_column(JSON)
    actor_ids: Mapped[list[Any]] = mapped_column(JSON)
    participations: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApplicationRM(Base):
    """An application with its latest details (``details_at``) and latest assessment (``assessed_at``)."""

    __tablename__ = "rm_applications"
    application_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(64))
    requested_amount: Mapped[float] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(8))
    municipalities: Mapped[list[Any]] = mapped_column(JSON)
    details_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    plan_key: Mapped[str | None] = mapped_column(Text)
    strength_area_id: Mapped[str | None] = mapped_column(String(36))
    level: Mapped[str | None] = mapped_column(String(16))
    score: Mapped[float | None] = mapped_column(Float)
    recommendation: Mapped[str | None] = mapped_column(String(16))
    assessed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ReassessmentRM(Base):
    """The last completed reassessment of a region."""

    __tablename__ = "rm_reassessments"
    region: Mapped[str] = mapped_column(String(64), primary_key=True)
    reassessment_id: Mapped[str] = mapped_column(String(36))
    plan_key: Mapped[str] = mapped_column(Text)
    assessed: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    moved: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text)
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
