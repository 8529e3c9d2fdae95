"""Read models of memberships and engagements; actors can be merged.

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
    with op.batch_alter_table("rm_actors") as t:
        t.add_column(sa.Column("merged_into", sa.String(36)))
        t.add_column(sa.Column("at", sa.DateTime(timezone=True)))
    op.create_table(
        "rm_memberships",
        sa.Column("membership_id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("group_id", sa.String(36), nullable=False),
        sa.Column("strength_area_id", sa.String(36)),
        sa.Column("actor_id", sa.String(36), nullable=False),
        sa.Column("helix", sa.String(32), nullable=False),
        sa.Column("joined_on", sa.Date, nullable=False),
        sa.Column("left_on", sa.Date),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "rm_engagements",
        sa.Column("engagement_id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("strength_area_ids", sa.JSON, nullable=False),
        sa.Column("person_ids", sa.JSON, nullable=False),
        sa.Column("actor_ids", sa.JSON, nullable=False),
        sa.Column("participations", sa.Integer, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
