"""`Id`: the type of every id a client names, in a path, a query or a payload.

Ids are bound into SQL, and SQLite holds signed 64-bit integers: its driver
raises OverflowError on a larger one, so `GET /api/meetings/9223372036854775808`
was a 500. Bounded here, such a request is a 422 naming the field (an id
below 1 never exists either), and the OpenAPI schema states the range.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

DB_INT_MAX = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=DB_INT_MAX)]
