"""The assessment reads more of a plan than its priorities, and an application's text once:
plan versions keep the area's and the plan's texts (``profile``), applications their analysed text
(``features``), and a reviewer's strength-area decision becomes an example (``precedents``, walled by region like every regional table).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from kraftsamla_common.db import wall_regions

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plan_versions") as t:
        t.add_column(sa.Column("profile", sa.JSON, nullable=True))
    with op.batch_alter_table("applications") as t:
        t.add_column(sa.Column("features", sa.JSON, nullable=True))
    op.create_table(
        "precedents",
        sa.Column("application_id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("strength_area_id", sa.String(36), nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("stems", sa.JSON, nullable=False),
        sa.Column("decided_by", sa.String(120), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    )
    wall_regions()  # a region's precedents are its own
