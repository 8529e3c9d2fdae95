"""The region's settings carry a revision: their ETag, which a change names in If-Match.

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
    with op.batch_alter_table("region_settings") as t:
        t.add_column(sa.Column("revision", sa.Integer, nullable=False, server_default="1"))
