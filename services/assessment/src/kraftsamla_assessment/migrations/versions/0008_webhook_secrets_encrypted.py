"""Webhook signing secrets kept encrypted: room for the ciphertext (``fernet:…``, about 150
characters) and for URLs of up to 2,048 characters.

The secrets themselves are encrypted when the service starts (``usecases.webhooks.seal_secrets``),
with the key of its settings (``KRAFTSAMLA_SECRETS_KEY``, which a migration does not see): it
encrypts the rows kept in plaintext before this version and re-encrypts those of an older key. SQLite does not hold a
text to its declared length, and its tables are left as they are: rebuilding ``webhooks`` would
delete its deliveries (``ON DELETE CASCADE``) on the way.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.alter_column("webhooks", "secret", type_=sa.String(400), existing_type=sa.String(100))
    op.alter_column("webhooks", "url", type_=sa.String(2048), existing_type=sa.String(2000))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.alter_column("webhooks", "url", type_=sa.String(2000), existing_type=sa.String(2048))
    op.alter_column("webhooks", "secret", type_=sa.String(100), existing_type=sa.String(400))
