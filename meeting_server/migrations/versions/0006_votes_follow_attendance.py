"""Who may vote follows attendance (issue 12).

- `attendance.left_at`: an early departure, recorded by the secretary with its
  time (the arrival is `checked_in_at`, as before). Someone who left no longer
  counts as attending, so a vote opened after they left does not count them.
- `named_ballot.recorded_by`: a ballot the secretary or the chair recorded at
  the console for a participant present without a tablet ("recorded by the
  secretary"); NULL for a ballot the voter cast.
- `vote.paper_tally` and `vote.paper_recorded_by`: in a secret vote, the paper
  ballots counted per choice at the console. Counts only: nothing ties a paper
  ballot to a person.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attendance") as batch:
        batch.add_column(sa.Column("left_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("named_ballot") as batch:
        batch.add_column(sa.Column("recorded_by", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_named_ballot_recorded_by_user", "user", ["recorded_by"], ["id"])
    with op.batch_alter_table("vote") as batch:
        batch.add_column(sa.Column("paper_tally", sa.JSON(none_as_null=True), nullable=True))
        batch.add_column(sa.Column("paper_recorded_by", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_vote_paper_recorded_by_user", "user", ["paper_recorded_by"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("vote") as batch:
        batch.drop_constraint("fk_vote_paper_recorded_by_user", type_="foreignkey")
        batch.drop_column("paper_recorded_by")
        batch.drop_column("paper_tally")
    with op.batch_alter_table("named_ballot") as batch:
        batch.drop_constraint("fk_named_ballot_recorded_by_user", type_="foreignkey")
        batch.drop_column("recorded_by")
    with op.batch_alter_table("attendance") as batch:
        batch.drop_column("left_at")
