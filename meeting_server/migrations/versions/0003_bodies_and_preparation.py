"""The office prepares and administers meetings in the browser (issue 11).

- Accounts get a position and a must-change-password flag.
- Bodies (the committees that meet) and their members, with positions and an order.
- A meeting may belong to a body, whose membership is counted when it opens;
  it names its chair and its secretary; it may start as a `draft`, which only
  those who control it see, until it is published (`scheduled`, PROTOCOL.md's
  name). Every meeting made before this revision was published when made.
- Invitees answer the invitation (rsvp); the first time they open a published
  meeting is kept, for the "new" badge.
- Agenda items name their presenter.
- Documents have versions and can be withdrawn; both stay on record.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

RSVP = sa.Enum("attending", "absent", name="rsvp")


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("position", sa.String(length=200), nullable=False, server_default=""))
        batch.add_column(sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()))

    op.create_table(
        "body",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "body_member",
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.String(length=200), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("body_id", "user_id"),
    )
    op.create_index("ix_body_member_user_id", "body_member", ["user_id"], unique=False)

    if bind.dialect.name == "postgresql":
        # A new value cannot be used in its own transaction; nothing here uses it.
        op.execute("ALTER TYPE meetingstatus ADD VALUE IF NOT EXISTS 'draft' BEFORE 'scheduled'")
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(sa.Column("body_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("member_count", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("chair_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("secretary_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("published_at", sa.DateTime(), nullable=True))
        batch.create_index("ix_meeting_body_id", ["body_id"], unique=False)
        batch.create_foreign_key("fk_meeting_body_id_body", "body", ["body_id"], ["id"])
        batch.create_foreign_key("fk_meeting_chair_id_user", "user", ["chair_id"], ["id"])
        batch.create_foreign_key("fk_meeting_secretary_id_user", "user", ["secretary_id"], ["id"])
    # A meeting published before this revision was published when it was made.
    op.execute("UPDATE meeting SET published_at = created_at")

    RSVP.create(bind, checkfirst=True)
    with op.batch_alter_table("participant") as batch:
        batch.add_column(sa.Column("rsvp", RSVP, nullable=True))
        batch.add_column(sa.Column("rsvp_reason", sa.String(length=500), nullable=False, server_default=""))
        batch.add_column(sa.Column("rsvp_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("seen_at", sa.DateTime(), nullable=True))

    with op.batch_alter_table("agenda_item") as batch:
        batch.add_column(sa.Column("presenter", sa.String(length=200), nullable=False, server_default=""))

    with op.batch_alter_table("document") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("replaced_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("withdrawn_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("withdrawn_by", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_document_replaced_by_id_document", "document", ["replaced_by_id"], ["id"])
        batch.create_foreign_key("fk_document_withdrawn_by_user", "user", ["withdrawn_by"], ["id"])


def downgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("document") as batch:
        batch.drop_constraint("fk_document_withdrawn_by_user", type_="foreignkey")
        batch.drop_constraint("fk_document_replaced_by_id_document", type_="foreignkey")
        batch.drop_column("withdrawn_by")
        batch.drop_column("withdrawn_at")
        batch.drop_column("replaced_by_id")
        batch.drop_column("version")
    with op.batch_alter_table("agenda_item") as batch:
        batch.drop_column("presenter")
    with op.batch_alter_table("participant") as batch:
        batch.drop_column("seen_at")
        batch.drop_column("rsvp_at")
        batch.drop_column("rsvp_reason")
        batch.drop_column("rsvp")
    RSVP.drop(bind, checkfirst=True)
    with op.batch_alter_table("meeting") as batch:
        batch.drop_constraint("fk_meeting_secretary_id_user", type_="foreignkey")
        batch.drop_constraint("fk_meeting_chair_id_user", type_="foreignkey")
        batch.drop_constraint("fk_meeting_body_id_body", type_="foreignkey")
        batch.drop_index("ix_meeting_body_id")
        batch.drop_column("published_at")
        batch.drop_column("secretary_id")
        batch.drop_column("chair_id")
        batch.drop_column("member_count")
        batch.drop_column("body_id")
    # Before this revision a meeting was visible to its invitees from the start: a draft becomes
    # scheduled. PostgreSQL cannot drop an enum value; an unused `draft` left in the type is harmless.
    op.execute("UPDATE meeting SET status = 'scheduled' WHERE status = 'draft'")
    op.drop_index("ix_body_member_user_id", table_name="body_member")
    op.drop_table("body_member")
    op.drop_table("body")
    with op.batch_alter_table("user") as batch:
        batch.drop_column("must_change_password")
        batch.drop_column("position")
