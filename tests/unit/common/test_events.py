"""The envelope and the catalogue: every type round-trips; names are explicit and versioned."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from kraftsamla_common import asyncapi, events
from kraftsamla_common.events import (
    CATALOGUE,
    ActionPlanContent,
    ActionPlanPublished,
    Envelope,
    LocalizedText,
    Priority,
    StrengthAreaSnapshot,
    new_id,
)


def published() -> ActionPlanPublished:
    return ActionPlanPublished(
        programme_id=new_id(),
        programme_title="Program för smart specialisering",
        action_plan_id=new_id(),
        strength_area=StrengthAreaSnapshot(
            id=new_id(), code="energi", name=LocalizedText(sv="Hållbar energi")
        ),
        version=3,
        published_at=datetime(2026, 3, 1, tzinfo=UTC),
        published_by="jh-admin",
        plan=ActionPlanContent(
            priorities=[
                Priority(
                    id="vatgas",
                    title=LocalizedText(sv="Vätgas"),
                    level="spets",
                    vocabulary=["vätgas"],
                    valid_from=date(2026, 1, 1),
                    valid_until=date(2027, 12, 31),
                )
            ]
        ),
    )


def test_envelope_round_trip_keeps_payload_type_and_fields() -> None:
    data = published()
    env = Envelope[ActionPlanPublished](
        id=new_id(),
        type=data.event_type,
        source="plans",
        region="jamtland-harjedalen",
        subject=str(data.action_plan_id),
        time=datetime.now(UTC),
        correlation_id=new_id(),
        data=data,
    )
    raw = env.model_dump_json()
    back = events.parse(raw)
    assert isinstance(back.data, ActionPlanPublished)
    assert back == env
    assert json.loads(raw)["data"]["plan"]["priorities"][0]["level"] == "spets"


def test_unknown_type_is_refused() -> None:
    raw = json.dumps(
        {
            "id": str(new_id()),
            "type": "plans.nothing.happened.v1",
            "source": "plans",
            "region": "x1",
            "subject": "s",
            "time": "2026-01-01T00:00:00Z",
            "correlation_id": str(new_id()),
            "data": {},
        }
    )
    with pytest.raises(events.UnknownEventType):
        events.parse(raw)


def test_every_type_name_is_explicit_and_versioned() -> None:
    assert CATALOGUE, "the catalogue is empty"
    for name, model in CATALOGUE.items():
        service, _aggregate, _verb, version = name.split(".")
        assert version.startswith("v") and version[1:].isdigit()
        assert service in {"plans", "actors", "assessment", "reporting"}
        assert model.event_type == name
        assert name != model.__name__.lower()


def test_new_ids_are_time_ordered_uuid7() -> None:
    ids = [new_id() for _ in range(50)]
    assert all(isinstance(i, UUID) and i.version == 7 for i in ids)
    assert ids == sorted(ids)


def test_subject_carries_region() -> None:
    assert (
        events.subject_for("plans.action_plan.published.v1", "lappi")
        == "s3.lappi.plans.action_plan.published.v1"
    )
    assert events.stream_for("plans").subjects == ["s3.*.plans.>"]


def test_asyncapi_document_is_current() -> None:
    """docs/asyncapi.json must equal what the catalogue generates: `python -m kraftsamla_common.asyncapi --write`."""
    assert asyncapi.DOC.exists(), "docs/asyncapi.json is missing"
    assert asyncapi.DOC.read_text() == asyncapi.render(), "docs/asyncapi.json is stale"


def test_asyncapi_document_lists_every_event_with_its_schema() -> None:
    doc = asyncapi.document()
    assert doc["asyncapi"].startswith("3.")
    for name, model in CATALOGUE.items():
        assert name in doc["channels"]
        assert f"Envelope[{model.__name__}]" in doc["components"]["schemas"]
