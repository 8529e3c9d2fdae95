"""Measured values of the sub-goals' indicators, one per action plan, sub-goal and year.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "indicator_measurements",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column(
            "action_plan_id", sa.String(36), sa.ForeignKey("action_plans.id"), nullable=False, index=True
        ),
        sa.Column("sub_goal_id", sa.String(64), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("measured_on", sa.Date),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("recorded_by", sa.String(120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("action_plan_id", "sub_goal_id", "year"),
    )
