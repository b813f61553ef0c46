"""Alembic's own command line on meeting_server/migrations, for developers (docs/architecture.md, "Migrations"):

    python -m meeting_server.alembic_cli revision --autogenerate --rev-id 0003 -m "what changes"
    python -m meeting_server.alembic_cli check | history | current | downgrade 0001

on the database the server would use (MEETING_DATA_DIR, MEETING_DATABASE_URL), compared with every model.
Operators run `meeting-server migrate`.
"""

from __future__ import annotations

import sys

from alembic.config import CommandLine
from sqlmodel import SQLModel

from meeting_server import models  # noqa: F401  (every table: what --autogenerate and check compare with)
from meeting_server.config import load_settings
from meeting_server.db import schema_engine
from meeting_server.migrations import config


def main(argv: list[str] | None = None) -> int:
    cli = CommandLine(prog="python -m meeting_server.alembic_cli")
    options = cli.parser.parse_args(argv)
    if not hasattr(options, "cmd"):
        cli.parser.error("too few arguments")
    engine = schema_engine(load_settings())
    try:
        with engine.begin() as connection:
            cfg = config(connection, SQLModel.metadata)
            cfg.cmd_opts = options
            cli.run_cmd(cfg, options)
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
