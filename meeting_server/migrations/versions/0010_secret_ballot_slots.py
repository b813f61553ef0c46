"""Secret ballots in slots (issue 14: no trail that pairs a ballot with its voter).

`secret_ballot` rows become slots made when a vote opens (votes/slots.py): `choice`
holds the option's index in two digits, "--" in an unfilled slot, so that a slot
keeps its size; the unique index on (vote_id, receipt_hash) goes, because its
entries were written in the order ballots arrived. The table is made anew (its
unique constraint has no name on SQLite), its ballots copied with their choices
turned into indexes, and each open secret vote gets its unfilled slots.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import json
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

EMPTY = "--"


def _create(choice_length: int, unique_receipts: bool) -> None:
    op.create_table(
        "secret_ballot",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=choice_length), nullable=False),
        sa.Column("receipt_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["vote_id"], ["vote.id"]),
        sa.PrimaryKeyConstraint("id"),
        *([sa.UniqueConstraint("vote_id", "receipt_hash")] if unique_receipts else []),
        sqlite_with_rowid=False,
    )


def _rebuild(choice_length: int, unique_receipts: bool, rows: list[dict]) -> None:
    op.drop_index("ix_secret_ballot_vote_id", table_name="secret_ballot")
    op.drop_table("secret_ballot")
    _create(choice_length, unique_receipts)
    op.create_index("ix_secret_ballot_vote_id", "secret_ballot", ["vote_id"], unique=False)
    if rows:
        op.get_bind().execute(sa.text("INSERT INTO secret_ballot VALUES (:id, :vote_id, :choice, :receipt_hash)"), rows)


def _votes(connection) -> dict[int, tuple[list[str], str, int]]:
    """Each secret vote's options, status and count of entitled voters."""
    found = connection.execute(sa.text("SELECT id, options, status, eligible FROM vote WHERE secret")).all()
    # A JSON column read through plain SQL: text on SQLite, already a list on PostgreSQL.
    return {
        vote_id: (json.loads(options) if isinstance(options, str) else options, status, eligible or 0)
        for vote_id, options, status, eligible in found
    }


def upgrade() -> None:
    connection = op.get_bind()
    votes = _votes(connection)
    ballots = (
        connection.execute(sa.text("SELECT id, vote_id, choice, receipt_hash FROM secret_ballot")).mappings().all()
    )
    rows = [{**ballot, "choice": f"{votes[ballot['vote_id']][0].index(ballot['choice']):02d}"} for ballot in ballots]
    for vote_id, (_, status, eligible) in votes.items():
        if status == "open":
            cast = sum(1 for ballot in ballots if ballot["vote_id"] == vote_id)
            rows += [
                {
                    "id": secrets.token_hex(16),
                    "vote_id": vote_id,
                    "choice": EMPTY,
                    "receipt_hash": secrets.token_hex(32),
                }
                for _ in range(max(eligible - cast, 0))
            ]
    _rebuild(2, False, rows)


def downgrade() -> None:
    connection = op.get_bind()
    votes = _votes(connection)
    ballots = (
        connection.execute(
            sa.text("SELECT id, vote_id, choice, receipt_hash FROM secret_ballot WHERE choice != :empty"),
            {"empty": EMPTY},
        )
        .mappings()
        .all()
    )
    rows = [{**ballot, "choice": votes[ballot["vote_id"]][0][int(ballot["choice"])]} for ballot in ballots]
    _rebuild(200, True, rows)
