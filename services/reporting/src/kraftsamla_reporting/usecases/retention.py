"""The retention of the reporting service's report versions (beside the outbox, inbox and audit
log's); the read models are kept whole (each is the latest state of something, and a rebuild makes
them anew).

A region's version is pruned only when all of these hold: it is older than
``report_retention_seconds``; at least ``report_keep_latest`` versions of the region are newer (the
report page compares the two newest, and lists the 20 newest); and a newer version was generated in
the same calendar year, so the last version of every year stays as what the region's follow-up
said at the year's end (docs/decisions/0024-retention.md)."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import ColumnElement, FromClause, Table, exists, extract, func, select

from kraftsamla_common.retention import Rule, _age
from kraftsamla_common.settings import Settings

from ..persistence.tables import Report


def _past_retention(t: FromClause, s: Settings, now: datetime) -> ColumnElement[bool]:
    newer = cast(Table, Report.__table__).alias("newer")
    newest = select(func.max(newer.c.number)).where(newer.c.region == t.c.region).scalar_subquery()
    later_that_year = exists().where(
        newer.c.region == t.c.region,
        newer.c.number > t.c.number,
        extract("year", newer.c.generated_at) == extract("year", t.c.generated_at),
    )
    return (
        _age(t.c.generated_at, s.report_retention_seconds, now)
        & (t.c.number <= newest - s.report_keep_latest)
        & later_that_year
    )


REPORT_VERSIONS = Rule("reports", cast(Table, Report.__table__), ("id",), _past_retention)

RULES = [REPORT_VERSIONS]
