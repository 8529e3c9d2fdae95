"""Read models, dirty regions and reports; outbox and inbox.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    create_messaging_tables()
    op.create_table(
        "rm_programmes",
        sa.Column("programme_id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("strength_areas", sa.JSON, nullable=False),
        _when("created_at"),
    )
    op.create_table(
        "rm_plan_versions",
        sa.Column("action_plan_id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("programme_id", sa.String(36), nullable=False),
        sa.Column("strength_area_id", sa.String(36), nullable=False),
        sa.Column("strength_area_code", sa.String(64), nullable=False),
        sa.Column("strength_area_name", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        _when("published_at"),
        sa.Column("priorities", sa.Integer, nullable=False),
    )
    op.create_table(
        "rm_actors",
        sa.Column("actor_id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("helix", sa.String(32), nullable=False),
        sa.Column("municipality", sa.String(32)),
    )
    op.create_table(
        "rm_applications",
        sa.Column("application_id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("status", sa.String(64), nullable=False),
        sa.Column("requested_amount", sa.Float, nullable=False),
        sa.Column("currency", sa.String(8), nullable=False),
        sa.Column("municipalities", sa.JSON, nullable=False),
        _when("details_at"),
        sa.Column("plan_key", sa.Text),
        sa.Column("strength_area_id", sa.String(36)),
        sa.Column("level", sa.String(16)),
        sa.Column("score", sa.Float),
        sa.Column("recommendation", sa.String(16)),
        _when("assessed_at", nullable=True),
    )
    op.create_table(
        "rm_reassessments",
        sa.Column("region", sa.String(64), primary_key=True),
        sa.Column("reassessment_id", sa.String(36), nullable=False),
        sa.Column("plan_key", sa.Text, nullable=False),
        sa.Column("assessed", sa.Integer, nullable=False),
        sa.Column("unchanged", sa.Integer, nullable=False),
        sa.Column("moved", sa.Integer, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        _when("completed_at"),
    )
    op.create_table(
        "rm_sources",
        sa.Column("region", sa.String(64), primary_key=True),
        sa.Column("service", sa.String(32), primary_key=True),
        sa.Column("last_event_id", sa.String(36), nullable=False),
        _when("last_event_time"),
    )
    op.create_table(
        "dirty_regions",
        sa.Column("region", sa.String(64), primary_key=True),
        sa.Column("changes", sa.Integer, nullable=False),
        sa.Column("traceparent", sa.String(128)),
        _when("marked_at"),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("number", sa.Integer, nullable=False),
        _when("generated_at"),
        sa.Column("built_from", sa.JSON, nullable=False),
        sa.Column("content", sa.JSON, nullable=False),
        sa.UniqueConstraint("region", "number"),
    )


def create_messaging_tables() -> None:
    """The transactional outbox (events waiting for the relay) and the consumers' inbox."""
    op.create_table(
        "outbox",
        sa.Column(
            "seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True
        ),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("type", sa.String(120), nullable=False),
        sa.Column("region", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("payload", sa.LargeBinary, nullable=False),
        sa.Column("headers", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index(
        "ix_outbox_unsent",
        "outbox",
        ["seq"],
        postgresql_where=sa.text("sent_at IS NULL"),
        sqlite_where=sa.text("sent_at IS NULL"),
    )
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(120), primary_key=True),
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
    )
