"""Security events: logins and their failures, logouts, password changes and
resets, role changes, accounts disabled, enabled and made, exports and
downloads (security/models.py). A table of its own, apart from the meetings'
hash-chained audit log: a login belongs to no meeting. No foreign keys: the
log outlives what it names. `kind` is a short string, so a new kind needs no
migration.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "security_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.Column("target_user_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_security_event_at", "security_event", ["at"], unique=False)
    op.create_index("ix_security_event_actor_id", "security_event", ["actor_id"], unique=False)
    op.create_index("ix_security_event_target_user_id", "security_event", ["target_user_id"], unique=False)
    op.create_index("ix_security_event_kind_id", "security_event", ["kind", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_security_event_kind_id", table_name="security_event")
    op.drop_index("ix_security_event_target_user_id", table_name="security_event")
    op.drop_index("ix_security_event_actor_id", table_name="security_event")
    op.drop_index("ix_security_event_at", table_name="security_event")
    op.drop_table("security_event")
