"""Security headers on every HTTP response: pages, the API, static files, socket.io's polling.

- A Content Security Policy without 'unsafe-inline' anywhere: every script is
  a file of ours (web_client/static, vendor/), so an injected `<script>` or
  `onerror=` never runs. Styles likewise; the client sets styles through the
  CSSOM (`el.style.x = …`), which CSP allows. Page images are blobs, and
  socket.io connects to the same origin.
- `nosniff`, so a PDF or JSON is never run as a script; no Referer beyond the
  origin; no framing by another site (also `frame-ancestors 'none'`).
- HSTS when the server itself speaks TLS (`MEETING_TLS`): once an iPad has
  seen the HTTPS site, it never tries plain HTTP for it again.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000"

BASE_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, tls: bool):
        self.app = app
        self.headers = {**BASE_HEADERS, **({"Strict-Transport-Security": HSTS} if tls else {})}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    # A response that set its own (say, a stricter CSP) keeps it.
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)
