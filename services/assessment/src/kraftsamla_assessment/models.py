"""Persistence of the assessment service."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kraftsamla_common.db import UtcDateTime


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class PlanVersion(Base):
    """Read model: the current published version of each action plan of a region (from plans' events)."""

    __tablename__ = "plan_versions"
    action_plan_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    strength_area_id: Mapped[str] = mapped_column(String(36))
    strength_area_code: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    priorities: Mapped[list[Any]] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Application(Base):
    """A project or business-support application pushed in by a funding system."""

    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("region", "source", "external_id"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    source: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    applicant_identifier: Mapped[str | None] = mapped_column(String(20))
    funding_programme: Mapped[str | None] = mapped_column(String(120))
    requested_amount: Mapped[float] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(3))
    municipalities: Mapped[list[Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    current_assessment_id: Mapped[str | None] = mapped_column(String(36))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Assessment(Base):
    """One assessment of one application revision against one set of plan versions. Kept as history."""

    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("application_id", "application_revision", "plan_key"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    application_revision: Mapped[int] = mapped_column(Integer)
    plan_key: Mapped[str] = mapped_column(String(2000))
    plan_versions: Mapped[list[Any]] = mapped_column(JSON)
    trigger: Mapped[str] = mapped_column(String(20))
    strength_area_id: Mapped[str | None] = mapped_column(String(36))
    level: Mapped[str | None] = mapped_column(String(10))
    score: Mapped[float] = mapped_column(Float)
    recommendation: Mapped[str] = mapped_column(String(10))
    fits: Mapped[list[Any]] = mapped_column(JSON)
    language: Mapped[str] = mapped_column(String(2))
    rationale: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Reassessment(Base):
    """A reassessment of a region's open portfolio after its plans changed, with what moved."""

    __tablename__ = "reassessments"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    plan_key: Mapped[str] = mapped_column(String(2000))
    trigger_event_id: Mapped[str] = mapped_column(String(36))
    assessed: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    moved: Mapped[list[Any]] = mapped_column(JSON)
    summary: Mapped[str] = mapped_column(Text)
    completed_at: Mapped[datetime] = mapped_column(UtcDateTime())


# --------------------------------------------------------------------------- queries


async def current_plans(session: Any, region: str) -> list[PlanVersion]:
    from sqlalchemy import select

    return list(
        (
            await session.scalars(
                select(PlanVersion)
                .where(PlanVersion.region == region)
                .order_by(PlanVersion.strength_area_code)
            )
        ).all()
    )
