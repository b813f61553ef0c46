"""HEAD answers wherever GET does (RFC 9110, 9.3.2): the same status and headers, no body.

FastAPI routes a path only for the methods it declares, so a HEAD to a page
or an API route met 405 where GET succeeds; monitors and link checkers send
HEAD. A HEAD that the app answers 405 is asked again as a GET, and the
body is dropped. Static files answer HEAD themselves, so they never reach
the second try. socket.io's own endpoint is left alone: a GET there opens a
session, which a HEAD must not.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SOCKETIO_PREFIX = "/socket.io"
# The scope key of a HEAD asked again as a GET.
HEAD_AS_GET = "meeting_server.head_as_get"


class HeadAsGet:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD" or scope["path"].startswith(SOCKETIO_PREFIX):
            await self.app(scope, receive, send)
            return
        refused: list[Message] = []

        async def unless_refused(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                refused.append(message)
            if not refused:
                await _headers_only(send, message)

        await self.app(scope, receive, unless_refused)
        if refused:
            # Marked, so that what a GET notes (a download in the security log) is not noted for a HEAD.
            again = {**scope, "method": "GET", HEAD_AS_GET: True}
            await self.app(again, receive, lambda message: _headers_only(send, message))


async def _headers_only(send: Send, message: Message) -> None:
    if message["type"] == "http.response.body":
        if message.get("more_body", False):
            return
        message = {"type": "http.response.body", "body": b"", "more_body": False}
    await send(message)
