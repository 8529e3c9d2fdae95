"""Each programme's RIS3 self-assessment of each year, as the plans service announces it
(``plans.self_assessment.recorded.v1``): the report shows the latest year's wheel.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rm_self_assessments",
        sa.Column("programme_id", sa.String(36), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("scores", sa.JSON, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        here = "current_setting('kraftsamla.region', true)"
        op.execute("ALTER TABLE rm_self_assessments ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY region_wall ON rm_self_assessments USING (region = {here} OR {here} = '*')"
            f" WITH CHECK (region = {here} OR {here} = '*')"
        )
