"""The base of every model that parses what a client or a file sends.

Strict about shape: a field the model does not know is an error
(`extra="forbid"`), never silently dropped, so a client bug or a typo in
agenda.toml is reported rather than half-obeyed. `TrimmedInput` also trims
the spaces around every string, for the forms people type names and titles
into; text whose every character is content (notes, the minutes' prose,
passwords aside) uses `StrictInput` as is.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictInput(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TrimmedInput(StrictInput):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
