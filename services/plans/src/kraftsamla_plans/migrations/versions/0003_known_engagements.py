"""Engagements and groups' kinds and strength areas known from the actors service, as evidence
for the 1.1 checklist.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("known_actors") as t:
        t.add_column(sa.Column("group_kind", sa.String(30)))
        t.add_column(sa.Column("strength_area_id", sa.String(36)))
    op.create_table(
        "known_engagements",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("strength_area_ids", sa.JSON, nullable=False),
        sa.Column("participations", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
