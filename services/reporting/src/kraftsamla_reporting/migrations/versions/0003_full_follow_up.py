"""Read models for the full follow-up report: plan contents and revisions, indicator values, local
plans, regions' geography, the annual cycle, decisions and sustainability of applications, the
reassessment log; regions' consent to the cross-region view.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rm_programmes") as t:
        t.add_column(sa.Column("details", sa.JSON))
    with op.batch_alter_table("rm_plan_versions") as t:
        t.add_column(sa.Column("content", sa.JSON))
    with op.batch_alter_table("rm_memberships") as t:
        t.add_column(sa.Column("group_kind", sa.String(32)))
        t.add_column(sa.Column("municipality", sa.String(32)))
        t.add_column(sa.Column("nace", sa.String(16)))
    with op.batch_alter_table("rm_engagements") as t:
        t.add_column(sa.Column("cycle_id", sa.String(36)))
    with op.batch_alter_table("rm_applications") as t:
        t.add_column(sa.Column("title", sa.Text))
        t.add_column(sa.Column("kind", sa.String(32)))
        t.add_column(sa.Column("stage", sa.String(32)))
        t.add_column(sa.Column("funding_source", sa.String(32)))
        t.add_column(sa.Column("granted_amount", sa.Float))
        t.add_column(sa.Column("claimed_goals", sa.JSON))
        t.add_column(sa.Column("supported_goals", sa.JSON))
        t.add_column(sa.Column("dimensions", sa.JSON))
        t.add_column(sa.Column("conflicts", sa.Integer))
    op.drop_table("rm_reassessments")
    op.create_table(
        "rm_reassessment_log",
        sa.Column("reassessment_id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("plan_key", sa.Text, nullable=False),
        sa.Column("plan_versions", sa.JSON, nullable=False),
        sa.Column("rubric_version", sa.Integer, nullable=False),
        sa.Column("needs_review", sa.Integer, nullable=False),
        sa.Column("groups", sa.JSON, nullable=False),
        sa.Column("assessed", sa.Integer, nullable=False),
        sa.Column("unchanged", sa.Integer, nullable=False),
        sa.Column("moved", sa.Integer, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "rm_plan_publications",
        sa.Column("action_plan_id", sa.String(36), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "rm_measurements",
        sa.Column("measurement_id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("action_plan_id", sa.String(36), nullable=False),
        sa.Column("sub_goal_id", sa.String(64), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "rm_local_plans",
        sa.Column("local_plan_id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content", sa.JSON, nullable=False),
    )
    op.create_table(
        "rm_regions",
        sa.Column("region", sa.String(64), primary_key=True),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("county", sa.String(8)),
        sa.Column("municipalities", sa.JSON, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "rm_cycles",
        sa.Column("cycle_id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("strength_area_id", sa.String(36)),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("frequency", sa.String(32), nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "sharing",
        sa.Column("region", sa.String(64), primary_key=True),
        sa.Column("opted_in", sa.Boolean, nullable=False),
        sa.Column("changed_by", sa.String(200), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
