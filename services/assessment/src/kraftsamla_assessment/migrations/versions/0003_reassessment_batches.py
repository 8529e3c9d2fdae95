"""Reassessments run in batches that the service's replicas share: a status, the batch counts,
what every batch needs (the plans before, the portfolio's spread) and one part per batch.
Webhook deliveries keep the trace context of the event they deliver.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("reassessments") as t:
        t.add_column(sa.Column("status", sa.String(20), nullable=False, server_default="completed"))
        t.add_column(sa.Column("rubric_changed", sa.Boolean, nullable=False, server_default=sa.false()))
        t.add_column(sa.Column("old_plans", sa.JSON, nullable=False, server_default=sa.text("'[]'")))
        t.add_column(sa.Column("spread", sa.JSON, nullable=False, server_default=sa.text("'{}'")))
        t.add_column(sa.Column("batches", sa.Integer, nullable=False, server_default="0"))
        t.add_column(sa.Column("batches_done", sa.Integer, nullable=False, server_default="0"))
        t.add_column(sa.Column("started_at", TS))
        t.alter_column("completed_at", existing_type=TS, nullable=True)
    op.execute("UPDATE reassessments SET started_at = completed_at")
    with op.batch_alter_table("reassessments") as t:
        t.alter_column("started_at", existing_type=TS, nullable=False)
    op.create_table(
        "reassessment_parts",
        sa.Column("reassessment_id", sa.String(36), primary_key=True),
        sa.Column("batch", sa.Integer, primary_key=True),
        sa.Column("assessed", sa.Integer, nullable=False),
        sa.Column("needs_review", sa.Integer, nullable=False),
        sa.Column("moved", sa.JSON, nullable=False),
    )
    with op.batch_alter_table("webhook_deliveries") as t:
        t.add_column(sa.Column("traceparent", sa.String(55)))


def downgrade() -> None:
    with op.batch_alter_table("webhook_deliveries") as t:
        t.drop_column("traceparent")
    op.drop_table("reassessment_parts")
    with op.batch_alter_table("reassessments") as t:
        for name in (
            "started_at",
            "batches_done",
            "batches",
            "spread",
            "old_plans",
            "rubric_changed",
            "status",
        ):
            t.drop_column(name)
