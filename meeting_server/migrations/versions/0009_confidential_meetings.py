"""Confidential meetings (issue 14, "Mật"): `meeting.confidential`. Its content is kept by
no cache (`Cache-Control: no-store`, meetings/confidential.py) and its downloads and exports
are security events marked confidential. Every meeting made before is not confidential.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(sa.Column("confidential", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("meeting") as batch:
        batch.drop_column("confidential")
