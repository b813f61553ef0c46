"""The socket.io side: authenticate on connect, then one handler per client event.

Every client event is parsed into a typed model and answered through its
ack: `{ok: true, ...}` or `{ok: false, error}`. Nothing is dropped silently,
and no input, however malformed, raises out of a handler.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie
from typing import Any

import socketio
from pydantic import BaseModel, Field, ValidationError
from socketio import packet

# socket.io's own refusal carries its data to the client (`connect_error`); Python's built-in
# ConnectionRefusedError would reach it as a generic message.
from socketio.exceptions import ConnectionRefusedError as Refused
from sqlmodel import Session, select

from meeting_server import i18n, observability
from meeting_server.annotations import sockets as annotation_sockets
from meeting_server.auth import origin as origin_rule
from meeting_server.auth import policy
from meeting_server.auth.models import UserPublic
from meeting_server.auth.service import user_for_token
from meeting_server.config import Settings
from meeting_server.context import AppContext
from meeting_server.deps import SESSION_COOKIE
from meeting_server.errors import Invalid, MeetingError, error_body, invalid_input
from meeting_server.eventlog.events import inbox_room, meeting_room, screen_room, user_room
from meeting_server.eventlog.outbox import Intents
from meeting_server.ids import DB_INT_MAX, Id
from meeting_server.inputs import StrictInput
from meeting_server.meetings import presence
from meeting_server.meetings import sockets as meeting_sockets
from meeting_server.meetings.access import standing, visible_meeting
from meeting_server.meetings.models import Presence
from meeting_server.realtime.broker import ResilientRedisManager
from meeting_server.realtime.replay import join, replay_page
from meeting_server.realtime.sessions import account_room, session_room
from meeting_server.votes import sockets as vote_sockets

log = logging.getLogger(__name__)

# `register(sio, ctx, handler)` of each domain that has client events.
DOMAIN_SOCKETS: tuple = (meeting_sockets.register, annotation_sockets.register, vote_sockets.register)


class JoinIn(StrictInput):
    meeting_id: Id
    since_seq: int | None = Field(default=None, ge=0)
    # A hall screen or a monitor follows the meeting without counting as present.
    watch: bool = False


class LeaveIn(StrictInput):
    meeting_id: Id


class ReplayIn(StrictInput):
    meeting_id: Id
    since_seq: int = Field(ge=0)


def _refusal(code: str, message: str, lang: str) -> Refused:
    """A refused connection as the client's `connect_error` gets it: `err.message` the
    message, `err.data` the error body every other refusal has, `{code, message}`,
    in the handshake's language."""
    text = i18n.translate(lang, message)
    return Refused(text, {"code": code, "message": text})


def handshake_language(environ: dict, auth: Any) -> str:
    """The socket's language: the client's `auth.lang` (the page's own), else the
    handshake's `lang` cookie, else its Accept-Language, else Vietnamese."""
    asked = auth.get("lang") if isinstance(auth, dict) else None
    if isinstance(asked, str) and asked in i18n.catalogues():
        return asked
    return i18n.from_headers(environ.get("HTTP_COOKIE"), environ.get("HTTP_ACCEPT_LANGUAGE"))


async def session_language(sio: socketio.AsyncServer, sid: str) -> str | None:
    """The language saved at connect (None, Vietnamese, if the socket has no session)."""
    try:
        return (await sio.get_session(sid)).get("lang")
    except KeyError:
        return None


class MeetingSocketServer(socketio.AsyncServer):
    """python-socketio's server, except that a client may not send the
    events the server itself raises: an EVENT packet named `connect` would
    run our connect handler (and switch the socket's user to another
    token's), a `disconnect` would remove the socket's presence."""

    async def _handle_event_internal(self, server, sid, eio_sid, data, namespace, id):
        if data and data[0] in self.reserved_events:
            if id is not None:
                refused = Invalid("'{event}' is not an event a client may send.", params={"event": data[0]})
                refusal = refused.to_ack(await session_language(self, sid))
                await server._send_packet(
                    eio_sid, self.packet_class(packet.ACK, namespace=namespace, id=id, data=[refusal])
                )
            return
        await super()._handle_event_internal(server, sid, eio_sid, data, namespace, id)


def make_socket_server(settings: Settings) -> socketio.AsyncServer:
    broker_url, allowed_origins = settings.broker_url, settings.allowed_origins
    manager = ResilientRedisManager(broker_url, channel=settings.broker_channel) if broker_url else None

    def origin_allowed(origin: str | None, environ: dict) -> bool:
        # Non-browser clients send no Origin; browsers must come from this server.
        return origin is None or origin in allowed_origins or same_origin(origin, environ)

    return MeetingSocketServer(
        async_mode="asgi",
        client_manager=manager,
        cors_allowed_origins=origin_allowed,
        ping_interval=settings.ping_interval_s,
        ping_timeout=settings.ping_timeout_s,
        max_http_buffer_size=settings.max_socket_message_kb * 1024,
    )


def same_origin(origin: str, environ: dict) -> bool:
    # The rule HTTP writes follow too (auth/origin.py).
    return origin_rule.same_origin(origin, environ.get("HTTP_HOST"))


def register_handlers(sio: socketio.AsyncServer, ctx: AppContext) -> None:
    intents = ctx.intents
    handler = event_handler(sio, intents)
    departures = ctx.background

    @sio.event
    async def connect(sid: str, environ: dict, auth: Any = None):
        lang = handshake_language(environ, auth)
        token = auth.get("token") if isinstance(auth, dict) else None
        if not token:
            cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
            token = cookie[SESSION_COOKIE].value if SESSION_COOKIE in cookie else None
            origin = environ.get("HTTP_ORIGIN")
            # A cookie rides along on any cross-site request: insist the page is ours.
            if token and origin and origin not in ctx.settings.allowed_origins and not same_origin(origin, environ):
                raise _refusal("forbidden", "Cross-site socket refused.", lang)
        if not isinstance(token, str) or not token:
            raise _refusal("unauthorized", "Log in first.", lang)
        user = await intents.read(user_for_token, token=token)
        if user is None:
            raise _refusal("unauthorized", "The session has ended; log in again.", lang)
        # The language every ack of this socket answers in.
        await sio.save_session(sid, {"user": user.model_dump(mode="json"), "lang": lang})
        # A logout of this session disconnects the socket; disabling the account, all of its sockets
        # (realtime/sessions.py).
        await sio.enter_room(sid, session_room(token))
        await sio.enter_room(sid, account_room(user.id))
        # The meeting list hears of meetings published to this user (Tx.notify_inboxes).
        await sio.enter_room(sid, inbox_room(user.id))
        observability.socket_connected()  # a refused connect never reaches here, nor its disconnect

    @sio.event
    async def disconnect(sid: str, reason: Any = None):
        # Return at once: python-socketio may run this from inside an emit to
        # the meeting (it notices a dead tablet when a send finds its ping
        # overdue), and a departure must never wait for another intent.
        observability.socket_disconnected()
        departures.start(depart(sid))

    async def depart(sid: str) -> None:
        for meeting_id in await intents.read(_joined_meetings, sid=sid):
            await intents.run(meeting_id, presence.depart, sid=sid, meeting_id=meeting_id)

    @handler("meeting:join", JoinIn)
    async def on_join(sid: str, user: UserPublic, body: JoinIn) -> dict:
        # May this user see the meeting? Asked before entering its room: a socket
        # in the room hears every event sent there, also while its join waits
        # for the meeting's lock behind another intent that is sending.
        await intents.read(visible_meeting, user=user, meeting_id=body.meeting_id)
        # Enter the rooms first: an event committed meanwhile then reaches the
        # client live or in `missed` (or both; seq tells the duplicates apart).
        # A hall screen (watch) hears the meeting in a room of its own: never anyone's private
        # events, nor members' shared ink the presenter holds back (meetings/screen.py).
        rooms = _rooms(body.meeting_id, user.id, watch=body.watch)
        for room in rooms:
            await sio.enter_room(sid, room)
        try:
            result = await intents.run(
                body.meeting_id,
                join,
                user=user,
                meeting_id=body.meeting_id,
                since_seq=body.since_seq,
                sid=sid,
                node_id=ctx.node_id,
                watch=body.watch,
            )
        except MeetingError:
            for room in rooms:
                await sio.leave_room(sid, room)
            raise
        if not sio.manager.is_connected(sid, "/"):
            # The socket went while its join was committing: its departure may
            # have looked for presence before the join wrote it.
            departures.start(depart(sid))
        return result.model_dump(mode="json", exclude_none=False)

    @handler("meeting:replay", ReplayIn)
    async def on_replay(sid: str, user: UserPublic, body: ReplayIn) -> dict:
        watch = screen_room(body.meeting_id) in sio.rooms(sid)
        page = await intents.read(
            replay_page, user=user, meeting_id=body.meeting_id, since_seq=body.since_seq, watch=watch
        )
        return page.model_dump(mode="json")

    @handler("meeting:leave", LeaveIn)
    async def on_leave(sid: str, user: UserPublic, body: LeaveIn) -> dict:
        for room in (*_rooms(body.meeting_id, user.id, watch=False), screen_room(body.meeting_id)):
            await sio.leave_room(sid, room)
        await intents.run(body.meeting_id, presence.depart, sid=sid, meeting_id=body.meeting_id)
        return {"ok": True}

    # Each domain registers its own client events with the same decorator.
    for register in DOMAIN_SOCKETS:
        register(sio, ctx, handler)

    @sio.on("*")
    async def unknown_event(event: Any, sid: str, *args: Any) -> dict:
        # A misspelt or newer event is answered too, not left waiting for an ack.
        unknown = Invalid("There is no event '{event}'.", params={"event": str(event)[:100]})
        return unknown.to_ack(await session_language(sio, sid))


# A socket handler: `async def fn(sid, user, payload) -> ack dict`.
Handler = Callable[[str, UserPublic, Any], Awaitable[dict]]


def event_handler(
    sio: socketio.AsyncServer, intents: Intents
) -> Callable[[str, type[BaseModel]], Callable[[Handler], Handler]]:
    """The decorator every client event is registered with, here and in the
    domain modules: it validates the payload into `model`, finds the user, and
    turns any error into the ack `{ok: false, error}`."""

    async def _authorize(rule: policy.Rule, user: UserPublic, meeting_id: Any) -> None:
        found = None
        if rule.meeting is not None and type(meeting_id) is int and 1 <= meeting_id <= DB_INT_MAX:
            found = await intents.read(standing, user=user, meeting_id=meeting_id)
        refusal = rule.decide(user.role, found)
        if refusal is not None:
            raise refusal

    def handler(event: str, model: type[BaseModel]):
        # An event without an entry in the table is not served at all.
        rule = policy.SOCKET[event]

        def wrap(fn: Handler) -> Handler:
            # Any number of arguments: python-socketio passes each one, and a
            # handler that cannot take them raises before it can answer.
            async def on_event(sid: str, *args: Any):
                lang = None
                try:
                    session = await sio.get_session(sid)
                    lang = session.get("lang")
                    data = args[0] if len(args) == 1 else None
                    if not isinstance(data, dict):
                        raise Invalid("{event} takes one object.", params={"event": event})
                    # The authorization table (auth/policy.py) decides before the payload is read further.
                    await _authorize(rule, UserPublic.model_validate(session["user"]), data.get("meeting_id"))
                    try:
                        # Strict, as JSON: "1" is no id and 2.0 no page. The
                        # payload came as JSON, so it goes back to it whole.
                        payload = model.model_validate_json(json.dumps(data), strict=True)
                    except ValidationError as exc:
                        problem = invalid_input(exc.errors()[0], skip=())
                        raise Invalid(
                            "{event}: {problem}", params={"event": event, "problem": problem.as_text()}
                        ) from None
                    except (ValueError, RecursionError):
                        raise Invalid("{event}: the payload is not plain JSON.", params={"event": event}) from None
                    user = UserPublic.model_validate(session["user"])
                    return await fn(sid, user, payload)
                except MeetingError as exc:
                    return exc.to_ack(lang)
                except Exception:
                    log.exception("socket event %s failed", event)
                    return {
                        "ok": False,
                        "error": error_body("internal", "The server could not do this.", lang)["error"],
                    }

            sio.on(event, observability.logged_socket_event(event, on_event))
            return fn

        return wrap

    return handler


def _rooms(meeting_id: int, user_id: int, *, watch: bool) -> tuple[str, ...]:
    if watch:
        return (screen_room(meeting_id),)
    return (meeting_room(meeting_id), user_room(meeting_id, user_id))


def _joined_meetings(session: Session, sid: str) -> list[int]:
    return sorted(set(session.exec(select(Presence.meeting_id).where(Presence.sid == sid))))
