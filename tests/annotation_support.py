"""Annotation payloads as a tablet sends them, and the two socket calls."""

from __future__ import annotations

import uuid

from tests.support import Socket

RED = "#D32F2F"


def new_id() -> str:
    return str(uuid.uuid4())


def ink(world, *, id=None, page=1, visibility="shared", color=RED, width=0.004, points=None) -> dict:
    return {
        "id": id or new_id(),
        "document_id": world.document["id"],
        "page": page,
        "kind": "ink",
        "visibility": visibility,
        "data": {
            "points": points or [[0.1, 0.1, 0.5], [0.2, 0.15, 0.6], [0.3, 0.2, 0.7]],
            "color": color,
            "width": width,
        },
    }


def note(world, *, id=None, page=1, visibility="private", text="Cần làm rõ số liệu quý III") -> dict:
    return {
        "id": id or new_id(),
        "document_id": world.document["id"],
        "page": page,
        "kind": "note",
        "visibility": visibility,
        "data": {"x": 0.5, "y": 0.25, "text": text},
    }


def highlight(world, *, id=None, page=2, visibility="shared") -> dict:
    return {
        "id": id or new_id(),
        "document_id": world.document["id"],
        "page": page,
        "kind": "highlight",
        "visibility": visibility,
        "data": {"rects": [[0.12, 0.11, 0.55, 0.13], [0.12, 0.14, 0.4, 0.16]], "color": "#FFEB3B"},
    }


def put(sock: Socket, world, annotation: dict, client_time: int | None = None) -> dict:
    payload = {"meeting_id": world.meeting_id, "annotation": annotation}
    if client_time is not None:
        payload["client_time"] = client_time
    return sock.call("annotation:put", payload)


def delete(sock: Socket, world, annotation_id: str, client_time: int | None = None) -> dict:
    payload = {"meeting_id": world.meeting_id, "id": annotation_id}
    if client_time is not None:
        payload["client_time"] = client_time
    return sock.call("annotation:delete", payload)
