"""Sockets by login session, so that a logout ends them too.

A socket authenticates once, when it connects; without this, a socket opened
with a token that was then logged out would go on hearing its meetings'
events and sending its own, although "the token and cookie stop working".
Each socket enters a room named after its session (the token's SHA-256, never
the token itself), and logout disconnects that room's sockets.

Rooms list only this process's sockets: with several nodes behind a broker,
the sockets a session holds on other nodes stay until they reconnect (then
the ended token is refused).
"""

from __future__ import annotations

import hashlib

import socketio


def session_room(token: str) -> str:
    return "session:" + hashlib.sha256(token.encode()).hexdigest()


async def disconnect_session(sio: socketio.AsyncServer, token: str) -> None:
    """Disconnect every socket of this node opened with `token`."""
    sids = [sid for sid, _ in sio.manager.get_participants("/", session_room(token))]
    for sid in sids:
        await sio.disconnect(sid)
