"""Pay the debts that `create_all` forced: it added new tables to a database
but never a column, so new fields became tables and JSON hid in Text.

- The quorum, a table of its own (`meeting_quorum`), becomes two columns of
  `meeting`; its rows are carried over, and a meeting without one keeps 2/3.
- JSON kept in Text becomes JSON columns: annotation.data, vote.options,
  vote.tally, vote.result. PostgreSQL casts every value (and so checks it);
  SQLite keeps the text as it is, checked here to be JSON first. On
  PostgreSQL `json`, not `jsonb`: it keeps the text and the order of keys as
  written, and a tally lists the options in their order (jsonb sorts keys).
- Annotation kind and visibility become enums, like every other domain's.
- The retired `loginfailure` table (nothing has written it since failures are
  counted per account and address, in login_throttle) goes.

Left as Text on purpose, each said at its model: event.payload (replay sends
it as stored and budgets pages by its length), audit_entry.details and
minutes.record_json (the canonical JSON exactly as hashed), document_page.words
(the text layer goes from the ingest worker's file to the table unparsed).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

KIND = sa.Enum("ink", "highlight", "note", name="annotationkind")
VISIBILITY = sa.Enum("private", "shared", name="annotationvisibility")
# (table, column, nullable)
JSON_COLUMNS = (
    ("annotation", "data", False),
    ("vote", "options", False),
    ("vote", "tally", True),
    ("vote", "result", True),
)
DEFAULT_QUORUM = (2, 3)


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(
            sa.Column("quorum_numerator", sa.Integer(), nullable=False, server_default=str(DEFAULT_QUORUM[0]))
        )
        batch.add_column(
            sa.Column("quorum_denominator", sa.Integer(), nullable=False, server_default=str(DEFAULT_QUORUM[1]))
        )
    op.execute(
        "UPDATE meeting SET"
        " quorum_numerator = (SELECT numerator FROM meeting_quorum q WHERE q.meeting_id = meeting.id),"
        " quorum_denominator = (SELECT denominator FROM meeting_quorum q WHERE q.meeting_id = meeting.id)"
        " WHERE id IN (SELECT meeting_id FROM meeting_quorum)"
    )
    op.drop_table("meeting_quorum")

    if bind.dialect.name == "sqlite":
        for table, column, _ in JSON_COLUMNS:
            _ensure_json(bind, table, column)
    KIND.create(bind, checkfirst=True)
    VISIBILITY.create(bind, checkfirst=True)
    with op.batch_alter_table("annotation") as batch:
        for column, enum in (("kind", KIND), ("visibility", VISIBILITY)):
            batch.alter_column(
                column,
                existing_type=sa.String(length=16),
                type_=enum,
                existing_nullable=False,
                postgresql_using=f"{column}::{enum.name}",
            )
        _to_json(batch, "annotation")
    with op.batch_alter_table("vote") as batch:
        _to_json(batch, "vote")

    op.drop_index("ix_loginfailure_at", table_name="loginfailure")
    op.drop_index("ix_loginfailure_username", table_name="loginfailure")
    op.drop_table("loginfailure")


def downgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "loginfailure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_loginfailure_at", "loginfailure", ["at"], unique=False)
    op.create_index("ix_loginfailure_username", "loginfailure", ["username"], unique=False)

    with op.batch_alter_table("vote") as batch:
        _to_text(batch, "vote")
    with op.batch_alter_table("annotation") as batch:
        _to_text(batch, "annotation")
        for column, enum in (("kind", KIND), ("visibility", VISIBILITY)):
            batch.alter_column(
                column,
                existing_type=enum,
                type_=sa.String(length=16),
                existing_nullable=False,
                postgresql_using=f"{column}::text",
            )
    VISIBILITY.drop(bind, checkfirst=True)
    KIND.drop(bind, checkfirst=True)

    op.create_table(
        "meeting_quorum",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("numerator", sa.Integer(), nullable=False),
        sa.Column("denominator", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.PrimaryKeyConstraint("meeting_id"),
    )
    op.execute(
        "INSERT INTO meeting_quorum (meeting_id, numerator, denominator)"
        " SELECT id, quorum_numerator, quorum_denominator FROM meeting"
        f" WHERE NOT (quorum_numerator = {DEFAULT_QUORUM[0]} AND quorum_denominator = {DEFAULT_QUORUM[1]})"
    )
    with op.batch_alter_table("meeting") as batch:
        batch.drop_column("quorum_denominator")
        batch.drop_column("quorum_numerator")


def _ensure_json(bind: sa.Connection, table: str, column: str) -> None:
    """SQLite would take any text into a JSON column: refuse to migrate a value that no read could parse."""
    bad = bind.exec_driver_sql(
        f"SELECT count(*) FROM {table} WHERE {column} IS NOT NULL AND NOT json_valid({column})"
    ).scalar_one()
    if bad:
        raise RuntimeError(f"{bad} rows of {table}.{column} do not hold JSON; nothing was migrated")


def _to_json(batch: BatchOperations, table: str) -> None:
    for name, column, nullable in JSON_COLUMNS:
        if name == table:
            batch.alter_column(
                column,
                existing_type=sa.Text(),
                type_=sa.JSON(),
                existing_nullable=nullable,
                postgresql_using=f"{column}::json",
            )


def _to_text(batch: BatchOperations, table: str) -> None:
    for name, column, nullable in JSON_COLUMNS:
        if name == table:
            batch.alter_column(
                column,
                existing_type=sa.JSON(),
                type_=sa.Text(),
                existing_nullable=nullable,
                postgresql_using=f"{column}::text",
            )
