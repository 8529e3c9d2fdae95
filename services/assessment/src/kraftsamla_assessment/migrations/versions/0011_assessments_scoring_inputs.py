"""Each assessment keeps a digest of what its score read of the portfolio and the actors
(``scoring_inputs``): a reassessment moves an assessment whose scoring inputs are the same to the
new plans as it is, in one statement per batch, without scoring it again.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("assessments", sa.Column("scoring_inputs", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assessments") as batch:
        batch.drop_column("scoring_inputs")
