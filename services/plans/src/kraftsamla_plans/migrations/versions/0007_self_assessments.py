"""Each programme's RIS3 self-assessment (the RIS3 Assessment Wheel), one per year.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "self_assessments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("programme_id", sa.String(36), sa.ForeignKey("programmes.id"), nullable=False, index=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("scores", sa.JSON, nullable=False),
        sa.Column("recorded_by", sa.String(120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("programme_id", "year"),
    )
    if op.get_bind().dialect.name == "postgresql":
        here = "current_setting('kraftsamla.region', true)"
        op.execute("ALTER TABLE self_assessments ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY region_wall ON self_assessments USING (region = {here} OR {here} = '*')"
            f" WITH CHECK (region = {here} OR {here} = '*')"
        )
