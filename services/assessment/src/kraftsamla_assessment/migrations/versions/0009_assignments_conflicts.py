"""Review assignment and conflicts of interest: an administrator assigns applications to assessors
(``assignments``), an assessor declares a conflict of interest with an application
(``conflicts_of_interest``), both walled by region like every regional table; and the application
list walks a region's applications by when they last changed (``updated_since``).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assignments",
        sa.Column("application_id", sa.String(36), sa.ForeignKey("applications.id"), primary_key=True),
        sa.Column("assignee", sa.String(200), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False),
        sa.Column("assigned_by", sa.String(200), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_assignments_region_assignee", "assignments", ["region", "assignee"])
    op.create_table(
        "conflicts_of_interest",
        sa.Column("application_id", sa.String(36), sa.ForeignKey("applications.id"), primary_key=True),
        sa.Column("declared_by", sa.String(200), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_applications_region_updated", "applications", ["region", "updated_at", "id"])
    wall_regions()


def downgrade() -> None:
    op.drop_index("ix_applications_region_updated", "applications")
    op.drop_table("conflicts_of_interest")
    op.drop_table("assignments")


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
