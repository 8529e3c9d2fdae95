"""The audit log of writes; row-level security by region on every table that carries one.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_audit_table()
    wall_regions()


def create_audit_table() -> None:
    """One row for every write a caller makes: who, what, when, from which request."""
    op.create_table(
        "audit_log",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("source", sa.String(64)),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("route", sa.String(300), nullable=False),
        sa.Column("path", sa.String(2000), nullable=False),
        sa.Column("events", sa.JSON, nullable=False),
        sa.Column("trace_id", sa.String(32)),
        sa.Column("correlation_id", sa.String(36), nullable=False),
    )
    op.create_index("ix_audit_log_region_at", "audit_log", ["region", "at"])


def wall_regions() -> None:
    """Row-level security (PostgreSQL) on every table that carries a region and has none yet: a
    transaction sees and writes only the rows of the region it was opened for (the
    ``kraftsamla.region`` setting), or every region's when opened for ``*``."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    tables = bind.execute(
        sa.text(
            "SELECT c.table_name FROM information_schema.columns c"
            " JOIN pg_class t ON t.relname = c.table_name AND t.relkind = 'r'"
            " JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = c.table_schema"
            " WHERE c.table_schema = current_schema() AND c.column_name = 'region'"
            " AND NOT t.relrowsecurity ORDER BY 1"
        )
    ).scalars()
    here = "current_setting('kraftsamla.region', true)"
    for table in tables:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY region_wall ON {table} USING (region = {here} OR {here} = '*')"
            f" WITH CHECK (region = {here} OR {here} = '*')"
        )
