"""Each programme's EU enabling condition 1.1 checklist as last evaluated and announced, and until
when it holds.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "programme_checklists",
        sa.Column("programme_id", sa.String(36), sa.ForeignKey("programmes.id"), primary_key=True),
        sa.Column("region", sa.String(64), nullable=False, index=True),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True, index=True),
        sa.Column("criteria", sa.JSON, nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        here = "current_setting('kraftsamla.region', true)"
        op.execute("ALTER TABLE programme_checklists ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY region_wall ON programme_checklists USING (region = {here} OR {here} = '*')"
            f" WITH CHECK (region = {here} OR {here} = '*')"
        )
