"""The audit log of writes; row-level security by region on every table that carries one.

Revision ID: 0004
Revises: 0003
"""

from kraftsamla_common.audit import create_audit_table
from kraftsamla_common.db import wall_regions

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_audit_table()
    wall_regions()
