"""Cookie-authenticated writes must come from the server's own pages (CSRF).

The session cookie is SameSite=Lax, so a browser leaves it off a POST from
another *site*. But a site is a scheme and a registrable domain: ports do not
count, nor subdomains, and on a LAN addressed by IP every service on the
meeting server's machine (http://192.168.1.10:8080, a printer's admin page,
anything with an XSS) is the same site as http://192.168.1.10:8000. Its forms
and scripts would carry a member's cookie. So an unsafe request (POST, PUT,
PATCH, DELETE) that a browser marks as coming from another origin is refused
with 403 unless it carries a bearer token, which no other page can know.

Browsers send `Origin` with every unsafe request; where it is missing,
`Sec-Fetch-Site` tells. A request with neither comes from a program, not a
browser page, and passes: the cookie alone proves nothing about such a
client, but nor can a web page make one. The login itself is covered too,
so no page can log a tablet into another account.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from meeting_server import i18n
from meeting_server.errors import Forbidden

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def same_origin(origin: str, host: str | None) -> bool:
    """`origin` names the host the request was sent to. Hosts only: behind
    TLS the ASGI scope still says "http"."""
    scheme, _, netloc = origin.partition("://")
    return scheme in ("http", "https") and bool(host) and netloc == host


def from_elsewhere(headers: Headers, allowed_origins: list[str]) -> bool:
    """Whether a browser sent this request from a page of another origin."""
    origin = headers.get("origin")
    if origin is not None:
        return origin not in allowed_origins and not same_origin(origin, headers.get("host"))
    return headers.get("sec-fetch-site") in ("cross-site", "same-site")


def has_bearer(headers: Headers) -> bool:
    """The same rule as deps.request_token: a bearer token, when given, is used instead of the cookie."""
    scheme, _, value = headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and bool(value.strip())


class SameOriginWrites:
    """ASGI middleware refusing unsafe cookie-authenticated requests from other origins."""

    def __init__(self, app: ASGIApp, allowed_origins: list[str]):
        self.app = app
        self.allowed_origins = list(allowed_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in UNSAFE_METHODS:
            headers = Headers(scope=scope)
            if not has_bearer(headers) and from_elsewhere(headers, self.allowed_origins):
                refused = Forbidden("Cross-site request refused: use this server's own pages, or a bearer token.")
                await refused.to_http(i18n.from_scope(scope))(scope, receive, send)
                return
        await self.app(scope, receive, send)
