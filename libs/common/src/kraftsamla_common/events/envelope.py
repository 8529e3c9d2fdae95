"""The envelope every event travels in, and the catalogue registry shared by every producer.

Each payload class registers itself with :func:`event` under its explicit type name; :func:`parse`
looks the type up in :data:`CATALOGUE`. Subjects carry the region: ``s3.<region>.<event type>``.
Each producing service owns one JetStream stream holding ``s3.*.<service>.>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, Generic, TypeVar
from uuid import UUID

import uuid_utils.compat as uuid_utils
from pydantic import BaseModel, ConfigDict, Field

from ..bounds import STORED

REGION_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}$"
_REGION_RE = re.compile(REGION_PATTERN)


def new_id() -> UUID:
    """A time-ordered UUIDv7."""
    return uuid_utils.uuid7()


def utcnow() -> datetime:
    return datetime.now(UTC)


def is_region_id(value: str) -> bool:
    return bool(_REGION_RE.match(value))


class EventData(BaseModel):
    """Base of every event payload. Producers may not send fields the catalogue does not know;
    consumers parse with ``extra="ignore"`` (see :func:`parse`), so additive changes never break them."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    event_type: ClassVar[str]
    description: ClassVar[str] = ""


D = TypeVar("D")


class Envelope(BaseModel, Generic[D]):
    """One envelope for every event. ``id`` is also the ``Nats-Msg-Id`` header (de-duplication)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: UUID
    type: str
    source: str
    region: str
    subject: str = Field(description="Id of the aggregate the event is about.")
    time: datetime
    correlation_id: UUID
    causation_id: UUID | None = None
    data: D


CATALOGUE: dict[str, type[EventData]] = {}
E = TypeVar("E", bound=type[EventData])


def event(cls: E) -> E:
    """Register a payload class in the catalogue under its explicit type name."""
    name = cls.event_type
    if not re.fullmatch(r"[a-z]+\.[a-z_]+\.[a-z_]+\.v\d+", name):
        raise ValueError(f"bad event type name {name!r}")
    if name in CATALOGUE:
        raise ValueError(f"event type {name!r} registered twice")
    CATALOGUE[name] = cls
    return cls


def service_of(event_type: str) -> str:
    return event_type.split(".", 1)[0]


def subject_for(event_type: str, region: str) -> str:
    return f"s3.{region}.{event_type}"


@dataclass(frozen=True)
class StreamSpec:
    name: str
    subjects: list[str]


def stream_for(service: str) -> StreamSpec:
    return StreamSpec(name=service.upper(), subjects=[f"s3.*.{service}.>"])


DEADLETTER = StreamSpec(name="DEADLETTER", subjects=["deadletter.>"])


class UnknownEventType(ValueError):
    pass


def parse(raw: bytes | str) -> Envelope[EventData]:
    """Parse an envelope and validate its payload against the catalogue."""
    env = Envelope[dict[str, Any]].model_validate_json(raw)
    model = CATALOGUE.get(env.type)
    if model is None:
        raise UnknownEventType(env.type)
    # Lenient on the way in: fields a newer producer added are ignored, never an error; a value the
    # producer accepted before a bound was set is taken as it is (``bounds.STORED``).
    data = model.model_validate(env.data, extra="ignore", context=STORED)
    return Envelope[model](**{**env.__dict__, "data": data})  # type: ignore[valid-type]
