"""Alembic's environment: runs the migrations on the connection that
meeting_server.migrations opened, inside its transaction and its lock.
No alembic.ini and no URL here: the server's settings name the database."""

from alembic import context

from meeting_server.migrations import include_name, render_item

config = context.config
if context.is_offline_mode():
    raise SystemExit("migrations run against the database; offline SQL (--sql) is not supported")

context.configure(
    connection=config.attributes["connection"],
    # Only for `revision --autogenerate` (python -m meeting_server.alembic_cli): the models.
    target_metadata=config.attributes.get("target_metadata"),
    # SQLite cannot alter or drop most things in place: a batch copies the table with the change.
    render_as_batch=True,
    compare_type=True,
    include_name=include_name,
    render_item=render_item,
)
with context.begin_transaction():
    context.run_migrations()
