"""Region settings, people, groups and memberships, engagements and participants, the annual
cycle, known strength areas; actors can be updated and merged.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("actors") as t:
        t.add_column(sa.Column("merged_into_id", sa.String(36)))
        t.add_column(sa.Column("updated_at", TS))
    op.execute("UPDATE actors SET updated_at = created_at")
    op.create_table(
        "region_settings",
        sa.Column("region", sa.String(64), primary_key=True),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("county", sa.String(2)),
        sa.Column("municipalities", sa.JSON, nullable=False),
        sa.Column("dominance_threshold", sa.Float, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("actor_id", sa.String(36), sa.ForeignKey("actors.id"), nullable=False, index=True),
        sa.Column("name", sa.String(200)),
        sa.Column("role", sa.String(200)),
        sa.Column("email", sa.String(320)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("erased_at", TS),
    )
    op.create_table(
        "groups",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("description", sa.String(5000), nullable=False),
        sa.Column("strength_area_id", sa.String(36), index=True),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "memberships",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("group_id", sa.String(36), sa.ForeignKey("groups.id"), nullable=False, index=True),
        sa.Column("actor_id", sa.String(36), sa.ForeignKey("actors.id"), nullable=False, index=True),
        sa.Column("person_id", sa.String(36), sa.ForeignKey("people.id")),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("joined_on", sa.Date, nullable=False),
        sa.Column("left_on", sa.Date),
    )
    op.create_table(
        "engagements",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("held_on", sa.Date, nullable=False, index=True),
        sa.Column("strength_area_ids", sa.JSON, nullable=False),
        sa.Column("municipality", sa.String(4)),
        sa.Column("cycle_id", sa.String(36), index=True),
        sa.Column("head_count", sa.Integer, nullable=False),
        sa.Column("notes", sa.String(5000), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "participants",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column(
            "engagement_id", sa.String(36), sa.ForeignKey("engagements.id"), nullable=False, index=True
        ),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("person_id", sa.String(36), sa.ForeignKey("people.id")),
        sa.Column("actor_id", sa.String(36), sa.ForeignKey("actors.id"), nullable=False, index=True),
        sa.UniqueConstraint("engagement_id", "position"),
    )
    op.create_table(
        "cycles",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("strength_area_id", sa.String(36)),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("frequency", sa.String(20), nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "known_strength_areas",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("programme_id", sa.String(36), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.JSON, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
