"""The retention of the assessment service's own tables (beside the outbox, inbox and audit log's):
idempotency keys past their time to live, and webhook deliveries delivered or given up long ago.
Applications and their assessments are the region's record and are kept."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table

from kraftsamla_common.retention import Rule, _age

from ..persistence.tables import Delivery, IdempotencyRecord

IDEMPOTENCY_KEYS = Rule(
    "idempotency_keys",
    cast(Table, IdempotencyRecord.__table__),
    ("region", "key"),
    lambda t, s, now: _age(t.c.created_at, s.idempotency_ttl_seconds, now),
)
"""A key older than its time to live answers nothing any more (a retry with it is a new request)."""

WEBHOOK_DELIVERIES = Rule(
    "webhook_deliveries",
    cast(Table, Delivery.__table__),
    ("id",),
    lambda t, s, now: (
        t.c.state.in_(("delivered", "failed"))
        & _age(t.c.created_at, s.webhook_delivery_retention_seconds, now)
    ),
)
"""Delivered or given-up deliveries (the delivery log), ``webhook_delivery_retention_seconds`` after
they were queued; a pending one is never pruned."""

RULES = [IDEMPOTENCY_KEYS, WEBHOOK_DELIVERIES]
