"""Tables of the actors service. Every row carries its region."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kraftsamla_common.db import UtcDateTime


class Base(DeclarativeBase):
    pass


class RegionSettings(Base):
    """What composition follow-up needs to know of the region itself.

    ``revision`` counts the saves (SQLAlchemy's version counter: an update whose revision changed
    underneath it updates nothing and fails), and makes the settings' ETag."""

    __tablename__ = "region_settings"
    region: Mapped[str] = mapped_column(String(64), primary_key=True)
    country: Mapped[str] = mapped_column(String(2))
    county: Mapped[str | None] = mapped_column(String(2))
    municipalities: Mapped[list[str]] = mapped_column(JSON)
    dominance_threshold: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revision: Mapped[int] = mapped_column(Integer, server_default="1")

    __mapper_args__ = {"version_id_col": revision}


class Actor(Base):
    """An organisation registered as an actor (aktör, toimija) of a region.

    One row per organisation and region: ``identifier`` is stored normalised, and the unique
    constraint keeps concurrent registrations of the same organisation from both inserting. A
    merged actor keeps its row, pointing at the actor it was merged into.
    """

    __tablename__ = "actors"
    __table_args__ = (
        UniqueConstraint("region", "country", "identifier", name="uq_actors_region_country_identifier"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(2))
    identifier: Mapped[str] = mapped_column(String(20))
    helix: Mapped[str] = mapped_column(String(20))
    municipality: Mapped[str | None] = mapped_column(String(4))
    nace: Mapped[str | None] = mapped_column(String(10))
    size_class: Mapped[str | None] = mapped_column(String(10))
    merged_into_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Person(Base):
    """A contact person of an actor: the least personal data that serves. Erasure blanks the
    personal fields and keeps the row, so memberships and participations still count."""

    __tablename__ = "people"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    actor_id: Mapped[str] = mapped_column(ForeignKey("actors.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Group(Base):
    __tablename__ = "groups"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(String(5000))
    strength_area_id: Mapped[str | None] = mapped_column(String(36), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Membership(Base):
    """An actor (through one of its people, or as an organisation) in a group, with a role, from
    the day it joined up to the day it left (exclusive)."""

    __tablename__ = "memberships"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    group_id: Mapped[str] = mapped_column(ForeignKey("groups.id"), index=True)
    actor_id: Mapped[str] = mapped_column(ForeignKey("actors.id"), index=True)
    person_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    role: Mapped[str] = mapped_column(String(20))
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)


class Engagement(Base):
    __tablename__ = "engagements"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    strength_area_ids: Mapped[list[str]] = mapped_column(JSON)
    municipality: Mapped[str | None] = mapped_column(String(4))
    cycle_id: Mapped[str | None] = mapped_column(String(36), index=True)
    head_count: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(String(5000))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Participant(Base):
    """One listed participant of an engagement: a person (and so their actor) or an actor."""

    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("engagement_id", "position"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    engagement_id: Mapped[str] = mapped_column(ForeignKey("engagements.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    actor_id: Mapped[str] = mapped_column(ForeignKey("actors.id"), index=True)


class Cycle(Base):
    """A recurring meeting of the annual cycle (årshjul): what kind, how often, for which area."""

    __tablename__ = "cycles"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    strength_area_id: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    frequency: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class KnownStrengthArea(Base):
    """Read model: the region's strength areas, as the plans service announces them."""

    __tablename__ = "known_strength_areas"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), index=True)
    programme_id: Mapped[str] = mapped_column(String(36))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
