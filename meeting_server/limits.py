"""Request body limits, enforced while the body streams in.

An upload over the limit is refused at its Content-Length, or as soon as
the bytes received pass the limit, without spooling the rest to disk.
"""

from __future__ import annotations

import re

from meeting_server import i18n
from meeting_server.errors import TooLarge

UPLOAD_PATH = re.compile(r"^/api/agenda/\d+/documents/?$")
JSON_LIMIT = 2 * 1024 * 1024
# Room for the multipart envelope around the file itself.
MULTIPART_OVERHEAD = 64 * 1024


class BodyLimit:
    def __init__(self, app, max_upload_bytes: int):
        self.app = app
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if UPLOAD_PATH.match(scope["path"]):
            limit = self.max_upload_bytes + MULTIPART_OVERHEAD
            too_large = TooLarge(
                "The file is larger than the limit of {mb} MB.", params={"mb": self.max_upload_bytes // (1024 * 1024)}
            )
        else:
            limit = JSON_LIMIT
            too_large = TooLarge("The request body is too large.")
        declared = dict(scope["headers"]).get(b"content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            return await too_large.to_http(i18n.from_scope(scope))(scope, receive, send)
        received = 0

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise too_large
            return message

        await self.app(scope, limited_receive, send)
