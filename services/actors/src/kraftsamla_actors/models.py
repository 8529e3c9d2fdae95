"""Persistence of the actors service."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Actor(Base):
    """An organisation registered as an actor (aktör, toimija) of a region.

    One row per organisation and region: ``identifier`` is stored normalised, and the unique
    constraint keeps concurrent registrations of the same organisation from both inserting.
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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
