"""A reassessment's summary as the parts each language words, as the assessment service sends
them (``summary_parts``); rows kept before have none and keep their English text.

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
    with op.batch_alter_table("rm_reassessment_log") as t:
        t.add_column(sa.Column("summary_parts", sa.JSON, nullable=True))
