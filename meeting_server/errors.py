"""One error hierarchy for the whole server.

Services raise these; the edges translate them: `to_http` for HTTP routes,
`to_ack` for socket acknowledgements. The body shape is PROTOCOL.md's
`{"error": {"code", "message"}}`.

A message is written in English and is its own msgid (meeting_server/i18n):
a plain sentence, or a template whose `{name}` params come apart,
`Invalid("Unknown user ids: {ids}.", params={"ids": missing})`, never an
f-string. The edges pass the person's language to `body`/`to_http`/`to_ack`,
which answer in it; `message` stays the English text, for logs and the CLI.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Mapping
from typing import Any

from fastapi.responses import JSONResponse

from meeting_server import i18n


class MeetingError(Exception):
    code = "invalid"
    status = 400

    def __init__(
        self,
        message: str,
        *,
        params: dict[str, Any] | None = None,
        code: str | None = None,
        status: int | None = None,
        details: dict | None = None,
    ):
        # The msgid and its params; `message` is the English text.
        self.template = message
        self.params = params or {}
        self.message = i18n.fill(message, self.params)
        super().__init__(self.message)
        # Facts a client may show in its own words (e.g. present/required for quorum_not_met).
        self.details = details
        if code:
            self.code = code
        if status:
            self.status = status

    def text(self, lang: str | None = None) -> str:
        """The message in `lang` (Vietnamese when none is given)."""
        return i18n.translate(lang, self.template, self.params)

    def as_text(self) -> i18n.Text:
        """This message as a param of another one, translated with it."""
        return i18n.Text(self.template, self.params)

    def body(self, lang: str | None = None) -> dict:
        body: dict[str, Any] = {"code": self.code, "message": self.text(lang)}
        if self.details:
            body["details"] = self.details
        return body

    def to_http(self, lang: str | None = None) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if self.status == 401 else None
        return JSONResponse({"error": self.body(lang)}, status_code=self.status, headers=headers)

    def to_ack(self, lang: str | None = None) -> dict:
        return {"ok": False, "error": self.body(lang)}


class Invalid(MeetingError):
    code, status = "invalid", 422


class Unauthorized(MeetingError):
    code, status = "unauthorized", 401


class Forbidden(MeetingError):
    code, status = "forbidden", 403


class NotFound(MeetingError):
    code, status = "not_found", 404


class Conflict(MeetingError):
    code, status = "conflict", 409


class MeetingClosed(MeetingError):
    code, status = "meeting_closed", 409


class AlreadyVoted(MeetingError):
    code, status = "already_voted", 409


class TooLarge(MeetingError):
    code, status = "too_large", 413


class UnsupportedMedia(MeetingError):
    code, status = "unsupported_media", 415


class Unavailable(MeetingError):
    """The database is down or restarting (db.py): try again in a moment."""

    code, status = "unavailable", 503


class RateLimited(MeetingError):
    code, status = "rate_limited", 429


class TooComplex(MeetingError):
    """A PDF whose pages take too long to draw (documents/ingest.py)."""

    code, status = "too_complex", 422


class DiskFull(MeetingError):
    """The disk of the data folder or of the database is full (or over quota): nothing was
    stored. Not a bug and not the client's doing: the administrator frees space."""

    code, status = "disk_full", 507


DISK_FULL = "The server's disk is full, so nothing was saved. Ask the administrator to free some space, then try again."
# Where a full disk shows: the OS's errnos, SQLite's result code, PostgreSQL's SQLSTATE.
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_POSTGRES_DISK_FULL = "53100"


def is_disk_full(exc: BaseException | None) -> bool:
    """Whether `exc` says the disk is full: an OSError (also one a worker process sent
    back), SQLite's "database or disk is full", PostgreSQL's disk_full; looked for
    through SQLAlchemy's wrapper (`orig`) and the exception's causes."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS:
            return True
        # The primary code: an extended one carries it in its low byte.
        if isinstance(exc, sqlite3.Error) and getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_FULL:
            return True
        if getattr(exc, "sqlstate", None) == _POSTGRES_DISK_FULL:
            return True
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__
    return False


def error_body(code: str, message: str, lang: str | None = None) -> dict:
    """An error body for what is no MeetingError; `message` a msgid like theirs."""
    return {"error": {"code": code, "message": i18n.translate(lang, message)}}


# What a request's or a socket payload's first validation problem says, by
# pydantic's error type; `{...}` are the error's own ctx values. A type not
# listed gets GENERIC_PROBLEM, so no English of pydantic's reaches a person.
VALIDATION_PROBLEMS: dict[str, str] = {
    "missing": "this field is required",
    "extra_forbidden": "this field is not expected here",
    "string_too_short": "at least {min_length} characters",
    "string_too_long": "at most {max_length} characters",
    "too_short": "at least {min_length} items",
    "too_long": "at most {max_length} items",
    "greater_than": "must be more than {gt}",
    "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}",
    "less_than_equal": "must be at most {le}",
    "multiple_of": "must be a multiple of {multiple_of}",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "finite_number": "must be a number",
    "decimal_type": "must be a number",
    "decimal_parsing": "must be a number",
    "string_type": "must be text",
    "string_pattern_mismatch": "is not in the expected form",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "set_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "enum": "must be one of: {expected}",
    "literal_error": "must be one of: {expected}",
    "datetime_type": "must be a date and time, like 2026-11-27T08:00:00+07:00",
    "datetime_parsing": "must be a date and time, like 2026-11-27T08:00:00+07:00",
    "datetime_from_date_parsing": "must be a date and time, like 2026-11-27T08:00:00+07:00",
    "timezone_aware": "give the time with its offset, like 2026-11-27T08:00:00+07:00",
    "date_type": "must be a date, like 2026-11-27",
    "date_parsing": "must be a date, like 2026-11-27",
    "date_from_datetime_parsing": "must be a date, like 2026-11-27",
    "uuid_type": "must be a UUID",
    "uuid_parsing": "must be a UUID",
    "url_parsing": "must be a web address",
    "url_type": "must be a web address",
    "bytes_type": "must be text",
    "union_tag_invalid": "{discriminator} must be one of: {expected_tags}",
    "union_tag_not_found": "{discriminator} is missing",
    "too_many_points": "a stroke has at most {limit} points (the limit per stroke); this one has {count}",
    "rect_order": "rect {index} must have x0 <= x1 and y0 <= y1",
}
EMPTY_PROBLEM = "cannot be empty"
GENERIC_PROBLEM = "this value is not valid"
NOT_JSON = "The request is not valid JSON."
NO_FIELD = "{problem}."
WITH_FIELD = "{field}: {problem}."


def invalid_input(problem: Mapping[str, Any], *, skip: tuple[str, ...] = ("body",)) -> Invalid:
    """The Invalid for pydantic's error dict `problem` (one of `exc.errors()`),
    naming its field as the client sent it (without the `skip` parts of its loc)."""
    kind = str(problem.get("type", ""))
    if kind == "json_invalid":
        return Invalid(NOT_JSON)
    ctx = {name: _expected(value) for name, value in (problem.get("ctx") or {}).items()}
    if kind == "value_error" and i18n.known(str(ctx.get("error", ""))):
        # A validator's own sentence, when the catalogue has it (text.py, votes/models.py...).
        text = i18n.Text(str(ctx["error"]))
    elif kind in ("string_too_short", "too_short") and ctx.get("min_length") == 1:
        text = i18n.Text(EMPTY_PROBLEM)
    elif kind in VALIDATION_PROBLEMS:
        text = i18n.Text(VALIDATION_PROBLEMS[kind], ctx)
    else:
        text = i18n.Text(GENERIC_PROBLEM)
    where = ".".join(str(part) for part in problem.get("loc", ()) if part not in skip)
    if not where:
        return Invalid(NO_FIELD, params={"problem": text})
    return Invalid(WITH_FIELD, params={"field": where, "problem": text})


def _expected(value: Any) -> Any:
    # pydantic lists choices as "'open', 'closed' or 'draft'": the "or" is English.
    return str(value).replace(" or ", ", ") if isinstance(value, str) else value
