"""One error hierarchy for the whole server.

Services raise these; the edges translate them: `to_http` for HTTP routes,
`to_ack` for socket acknowledgements. The body shape is PROTOCOL.md's
`{"error": {"code", "message"}}`.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse


class MeetingError(Exception):
    code = "invalid"
    status = 400

    def __init__(
        self, message: str, *, code: str | None = None, status: int | None = None, details: dict | None = None
    ):
        super().__init__(message)
        self.message = message
        # Facts a client may show in its own words (e.g. present/required for quorum_not_met).
        self.details = details
        if code:
            self.code = code
        if status:
            self.status = status

    def body(self) -> dict:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body

    def to_http(self) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if self.status == 401 else None
        return JSONResponse({"error": self.body()}, status_code=self.status, headers=headers)

    def to_ack(self) -> dict:
        return {"ok": False, "error": self.body()}


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


def error_body(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}
