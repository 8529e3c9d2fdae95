"""Which rows of a database are a region's (kraftsamla_common.lifecycle.region_tables): every table
with a region column, the tables that name the table their rows belong to, parents before children;
a table that says neither is refused, so a new table cannot be left out of a deletion or an export."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table

from kraftsamla_common.lifecycle import NoRegion, region_tables


def schema() -> MetaData:
    md = MetaData()
    Table("alembic_version", md, Column("version_num", String, primary_key=True))
    Table(
        "inbox",
        md,
        Column("consumer", String, primary_key=True),
        Column("event_id", String, primary_key=True),
    )
    Table("runs", md, Column("id", String, primary_key=True), Column("region", String))
    Table("parts", md, Column("run_id", String, primary_key=True), Column("batch", Integer, primary_key=True))
    Table(
        "steps",
        md,
        Column("id", String, primary_key=True),
        Column("region", String),
        Column("run_id", String, ForeignKey("runs.id")),
    )
    return md


def test_the_tables_of_a_region_parents_first_and_linked_tables_last() -> None:
    found = region_tables(schema(), "lappi", {"parts": ("run_id", "runs", "id")})
    names = [t.name for t, _ in found]
    assert names == ["runs", "steps", "parts"]
    where = {t.name: str(w) for t, w in found}
    assert where["runs"] == "runs.region = :region_1"
    assert "runs.region" in where["parts"] and "parts.run_id IN" in where["parts"]


def test_a_table_without_a_region_that_names_no_table_is_refused() -> None:
    with pytest.raises(NoRegion, match="parts"):
        region_tables(schema(), "lappi", {})
