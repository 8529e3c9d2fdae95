"""Assessments carried to newer plans: each assessment keeps a digest of what it read besides the
plans (``inputs``) and, once carried to a later set of plan versions the change did not touch it
for, the plan key it was made for (``made_for``; ``plan_key`` is then the latest it holds for).
A reassessment keeps the plan key whose assessments it may carry and the terms the change touched.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("assessments", sa.Column("inputs", sa.String(32), nullable=True))
    op.add_column("assessments", sa.Column("made_for", sa.String(2000), nullable=True))
    op.add_column("reassessments", sa.Column("carry_from", sa.String(2000), nullable=True))
    op.add_column("reassessments", sa.Column("changed_terms", sa.JSON, nullable=True))
    op.add_column("reassessments", sa.Column("carried", sa.Integer, nullable=False, server_default="0"))
    op.add_column("reassessment_parts", sa.Column("carried", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("reassessment_parts") as batch:
        batch.drop_column("carried")
    with op.batch_alter_table("reassessments") as batch:
        batch.drop_column("carried")
        batch.drop_column("changed_terms")
        batch.drop_column("carry_from")
    with op.batch_alter_table("assessments") as batch:
        batch.drop_column("made_for")
        batch.drop_column("inputs")
