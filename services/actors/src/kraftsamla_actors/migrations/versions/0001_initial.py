"""Actors (organisations); outbox and inbox.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from kraftsamla_common.messaging import create_messaging_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_messaging_tables()
    op.create_table(
        "actors",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("identifier", sa.String(20), nullable=False),
        sa.Column("helix", sa.String(20), nullable=False),
        sa.Column("municipality", sa.String(4)),
        sa.Column("nace", sa.String(10)),
        sa.Column("size_class", sa.String(10)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("region", "country", "identifier", name="uq_actors_region_country_identifier"),
    )
