"""Programme adoption and revision, process leaders, review dates, local plans, known actors.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("programmes") as t:
        t.add_column(sa.Column("adopted_on", sa.Date))
        t.add_column(sa.Column("adopted_by", sa.String(500)))
        t.add_column(sa.Column("adoption_paragraph", sa.String(50)))
        t.add_column(sa.Column("revision", sa.Integer, nullable=False, server_default="1"))
        t.add_column(sa.Column("updated_at", sa.DateTime(timezone=True)))
    op.execute("UPDATE programmes SET updated_at = created_at")
    with op.batch_alter_table("strength_areas") as t:
        t.add_column(sa.Column("process_leader_id", sa.String(36)))
    with op.batch_alter_table("action_plans") as t:
        t.add_column(sa.Column("last_published_at", sa.DateTime(timezone=True)))
        t.add_column(sa.Column("next_review", sa.Date))
        t.add_column(sa.Column("created_at", sa.DateTime(timezone=True)))
    op.execute("UPDATE action_plans SET created_at = updated_at")
    op.execute(
        "UPDATE action_plans SET last_published_at = (SELECT max(v.published_at) FROM action_plan_versions v"
        " WHERE v.action_plan_id = action_plans.id)"
    )
    op.create_table(
        "local_plans",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("draft", sa.JSON, nullable=False),
        sa.Column("draft_revision", sa.Integer, nullable=False),
        sa.Column("current_version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "local_plan_versions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column(
            "local_plan_id", sa.String(36), sa.ForeignKey("local_plans.id"), nullable=False, index=True
        ),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("content", sa.JSON, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(120), nullable=False),
        sa.UniqueConstraint("local_plan_id", "number"),
    )
    op.create_table(
        "known_actors",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
