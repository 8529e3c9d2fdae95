"""How many applications were still assessed against older plan versions when a report version
was built (``outdated``): whether it shows its plan versions current, for the publish → report
objective and the report's staleness. Versions kept before have none.

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
    with op.batch_alter_table("reports") as t:
        t.add_column(sa.Column("outdated", sa.Integer, nullable=True))
