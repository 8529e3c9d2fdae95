"""Texts people read kept as parts each language words: an assessment's rationale
(``rationale_parts``), a reassessment's trigger and summary (``trigger_parts``, ``summary_parts``).
Rows stored before keep their English text and no parts.

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
    with op.batch_alter_table("assessments") as t:
        t.add_column(sa.Column("rationale_parts", sa.JSON, nullable=True))
    with op.batch_alter_table("reassessments") as t:
        t.add_column(sa.Column("trigger_parts", sa.JSON, nullable=True))
        t.add_column(sa.Column("summary_parts", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reassessments") as t:
        t.drop_column("summary_parts")
        t.drop_column("trigger_parts")
    with op.batch_alter_table("assessments") as t:
        t.drop_column("rationale_parts")
