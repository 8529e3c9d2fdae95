"""Applications carry the whole intake (stage, partners, period, claims, sustainability, decision);
assessments record the rubric version and their findings; rubrics, reviews, idempotency keys,
webhooks and deliveries; read models of strength areas, actors and the region's geography.

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
EMPTY_LIST = sa.text("'[]'")
EMPTY_OBJECT = sa.text("'{}'")


def upgrade() -> None:
    with op.batch_alter_table("applications") as t:
        t.add_column(sa.Column("stage", sa.String(40)))
        t.add_column(sa.Column("applicant_name", sa.String(300)))
        t.add_column(sa.Column("applicant_actor_id", sa.String(36)))
        t.add_column(sa.Column("partners", sa.JSON, nullable=False, server_default=EMPTY_LIST))
        t.add_column(sa.Column("funding_source", sa.String(40)))
        t.add_column(sa.Column("total_budget", sa.Float))
        t.add_column(sa.Column("period_start", sa.Date))
        t.add_column(sa.Column("period_end", sa.Date))
        t.add_column(sa.Column("claimed_strength_areas", sa.JSON, nullable=False, server_default=EMPTY_LIST))
        t.add_column(sa.Column("claimed_goals", sa.JSON, nullable=False, server_default=EMPTY_LIST))
        t.add_column(sa.Column("sustainability", sa.JSON, nullable=False, server_default=EMPTY_OBJECT))
        t.add_column(sa.Column("granted_amount", sa.Float))
        t.add_column(sa.Column("decided_on", sa.Date))
        t.add_column(sa.Column("decision_note", sa.Text))
        t.add_column(sa.Column("review", sa.JSON))
        t.create_index("ix_applications_applicant_actor_id", ["applicant_actor_id"])
    # Kind was one field for support type and stage; it is two now.
    op.execute("UPDATE applications SET stage = kind, kind = 'project' WHERE kind = 'feasibility_study'")
    op.execute(
        "UPDATE applications SET stage = 'implementation', kind = 'project' WHERE kind = 'implementation_project'"
    )

    # Assessments are unique per application revision, plan versions *and* rubric version.
    op.drop_index("ix_assessments_region", "assessments")
    op.drop_index("ix_assessments_application_id", "assessments")
    op.rename_table("assessments", "assessments_0001")
    op.create_table(
        "assessments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column(
            "application_id", sa.String(36), sa.ForeignKey("applications.id"), nullable=False, index=True
        ),
        sa.Column("application_revision", sa.Integer, nullable=False),
        sa.Column("plan_key", sa.String(2000), nullable=False),
        sa.Column("plan_versions", sa.JSON, nullable=False),
        sa.Column("rubric_version", sa.Integer, nullable=False),
        sa.Column("trigger", sa.String(20), nullable=False),
        sa.Column("strength_area_id", sa.String(36)),
        sa.Column("level", sa.String(10)),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("recommendation", sa.String(10), nullable=False),
        sa.Column("fits", sa.JSON, nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("rationale", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("application_id", "application_revision", "plan_key", "rubric_version"),
    )
    op.execute(
        "INSERT INTO assessments (id, region, application_id, application_revision, plan_key, "
        "plan_versions, rubric_version, trigger, strength_area_id, level, score, recommendation, fits, "
        "details, language, rationale, created_at) "
        "SELECT id, region, application_id, application_revision, plan_key, plan_versions, 0, trigger, "
        "strength_area_id, level, score, recommendation, fits, '{}', language, rationale, created_at "
        "FROM assessments_0001"
    )
    op.drop_table("assessments_0001")

    with op.batch_alter_table("reassessments") as t:
        t.add_column(sa.Column("rubric_version", sa.Integer, nullable=False, server_default="0"))
        t.add_column(sa.Column("trigger", sa.String(300), nullable=False, server_default=""))
        t.add_column(sa.Column("needs_review", sa.Integer, nullable=False, server_default="0"))
        t.add_column(sa.Column("groups", sa.JSON, nullable=False, server_default=EMPTY_LIST))

    op.create_table(
        "known_strength_areas",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "known_actors",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False),
        sa.Column("identifier_key", sa.String(20), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("helix", sa.String(20), nullable=False),
        sa.Column("municipality", sa.String(4)),
        sa.Column("merged_into_id", sa.String(36)),
        sa.Column("updated_at", TS, nullable=False),
        sa.Index("ix_known_actors_key", "region", "identifier_key"),
    )
    op.create_table(
        "region_geography",
        sa.Column("region", sa.String(64), primary_key=True),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("municipalities", sa.JSON, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "rubrics",
        sa.Column("region", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("content", sa.JSON, nullable=False),
        sa.Column("published_at", TS, nullable=False),
        sa.Column("published_by", sa.String(120), nullable=False),
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column(
            "application_id", sa.String(36), sa.ForeignKey("applications.id"), nullable=False, index=True
        ),
        sa.Column("assessment_id", sa.String(36), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("overrides", sa.JSON, nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("reviewed_by", sa.String(120), nullable=False),
        sa.Column("reviewed_at", TS, nullable=False),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("region", sa.String(64), primary_key=True),
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("principal", sa.String(120), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer, nullable=False),
        sa.Column("response", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "webhooks",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("event_types", sa.JSON, nullable=False),
        sa.Column("source", sa.String(64)),
        sa.Column("description", sa.String(500)),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "webhook_id",
            sa.String(36),
            sa.ForeignKey("webhooks.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("region", sa.String(64), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("event_type", sa.String(60), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("last_status_code", sa.Integer),
        sa.Column("last_error", sa.String(500)),
        sa.Column("log", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("delivered_at", TS),
        sa.UniqueConstraint("webhook_id", "event_id"),
        sa.Index("ix_webhook_deliveries_due", "state", "next_attempt_at"),
    )
