"""Sockets by login session, so that a logout ends them too.

A socket authenticates once, when it connects; without this, a socket opened
with a token that was then logged out would go on hearing its meetings'
events and sending its own, although "the token and cookie stop working".
Each socket enters a room named after its session (the token's SHA-256, never
the token itself), and logout disconnects that room's sockets.

Rooms list only this process's sockets: with several nodes behind a broker,
the sockets a session holds on other nodes stay until they reconnect (then
the ended token is refused).

Each socket also enters a room of its account, so that disabling an account
or resetting its password ends every socket of it at once. Across nodes,
`disconnect_user` also takes the sockets the presence table lists for the
account (those that joined a meeting, on any node): `sio.disconnect` of a sid
this node does not hold goes through the broker to the node that does.
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


def account_room(user_id: int) -> str:
    return f"account:{user_id}"


async def disconnect_user(sio: socketio.AsyncServer, user_id: int, elsewhere: list[str] | None = None) -> None:
    """Disconnect every socket of this account on this node, and the sockets
    `elsewhere` names (its joined sockets on any node, from the presence table)."""
    sids = {sid for sid, _ in sio.manager.get_participants("/", account_room(user_id))}
    sids.update(elsewhere or ())
    for sid in sorted(sids):
        await sio.disconnect(sid)
