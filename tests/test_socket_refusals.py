"""A refused socket says why: `connect_error` carries `{code, message}` (as `data`) as
docs/api.md promises, so the tablet can send its person to the login page
(`unauthorized`) or explain a cross-site refusal (`forbidden`), rather than
retrying forever on a generic "Connection rejected by server"."""

from __future__ import annotations

import socketio

from tests.support import ADMIN, login


def refusal(base_url: str, **connect) -> dict | None:
    client = socketio.Client(reconnection=False)
    said: list = []
    client.on("connect_error", lambda data: said.append(data))
    try:
        # In English, as the messages below are written (tests/test_error_language.py has the rest).
        connect["headers"] = {"Accept-Language": "en", **connect.get("headers", {})}
        client.connect(base_url, transports=["websocket"], wait_timeout=5, **connect)
    except socketio.exceptions.ConnectionError:
        pass
    else:
        client.disconnect()
        return None
    assert len(said) == 1
    return said[0]


def test_no_token_is_refused_as_unauthorized(server):
    assert refusal(server.base_url) == {
        "message": "Log in first.",
        "data": {"code": "unauthorized", "message": "Log in first."},
    }


def test_an_ended_session_is_refused_as_unauthorized(server):
    api = login(server.base_url, *ADMIN)
    assert refusal(server.base_url, auth={"token": api.token}) is None  # accepted while logged in
    assert api.http.post("/api/auth/logout").status_code == 204
    message = "The session has ended; log in again."
    ended = {"message": message, "data": {"code": "unauthorized", "message": message}}
    assert refusal(server.base_url, auth={"token": api.token}) == ended
    assert refusal(server.base_url, auth={"token": "x" * 43}) == ended


def test_a_cross_site_cookie_is_refused_at_the_handshake(server, admin):
    # Engine.IO's origin check refuses before any socket.io exchange (HTTP 400), so a page
    # on another site learns nothing; the connect handler's own `forbidden` stays behind it.
    data = refusal(
        server.base_url,
        headers={"Cookie": f"meeting_session={admin.token}", "Origin": "http://evil.example"},
    )
    assert data == "Connection error"
    assert refusal(server.base_url, headers={"Cookie": f"meeting_session={admin.token}"}) is None
