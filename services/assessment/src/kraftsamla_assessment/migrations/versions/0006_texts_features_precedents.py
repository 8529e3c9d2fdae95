"""The assessment reads more of a plan than its priorities, and an application's text once:
plan versions keep the area's and the plan's texts (``profile``), applications their analysed text
(``features``), and a reviewer's strength-area decision becomes an example (``precedents``, walled by region like every regional table).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plan_versions") as t:
        t.add_column(sa.Column("profile", sa.JSON, nullable=True))
    with op.batch_alter_table("applications") as t:
        t.add_column(sa.Column("features", sa.JSON, nullable=True))
    op.create_table(
        "precedents",
        sa.Column("application_id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("strength_area_id", sa.String(36), nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("stems", sa.JSON, nullable=False),
        sa.Column("decided_by", sa.String(120), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    )
    wall_regions()  # a region's precedents are its own


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
