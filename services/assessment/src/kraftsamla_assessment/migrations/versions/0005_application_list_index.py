"""The application list walks a region's applications in the order they were received.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_applications_region_received", "applications", ["region", "received_at", "id"])
