"""The site's settings, changed by an admin in the browser (issue 12): the
meeting's time zone (every time a person reads is in it; default
Asia/Ho_Chi_Minh) and the minutes' header defaults (the issuing body when a
meeting has no body, the body above it, the place-name of the date line).
One row, id 1; none until an admin saves.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "site_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("issuer_name", sa.String(length=200), nullable=False),
        sa.Column("issuer_parent", sa.String(length=200), nullable=False),
        sa.Column("locality", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("site_settings")
