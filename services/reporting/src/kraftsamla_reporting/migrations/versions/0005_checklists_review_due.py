"""The plans service's EU enabling condition 1.1 checklist of each programme, and when each action
plan version falls overdue for revision, as its events carry them.

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
    with op.batch_alter_table("rm_plan_versions") as t:
        t.add_column(sa.Column("review_due", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "rm_checklists",
        sa.Column("programme_id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("criteria", sa.JSON, nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        here = "current_setting('kraftsamla.region', true)"
        op.execute("ALTER TABLE rm_checklists ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY region_wall ON rm_checklists USING (region = {here} OR {here} = '*')"
            f" WITH CHECK (region = {here} OR {here} = '*')"
        )
