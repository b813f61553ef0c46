"""Who is in the room right now: one Presence row per joined socket.

A user is present while any of their sockets is joined on a live node. A
node that stops beating (killed, unplugged) takes its sockets' presence
with it once its heartbeat is older than NODE_STALE_AFTER.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from meeting_server.eventlog.outbox import Tx
from meeting_server.meetings import attendance
from meeting_server.meetings.models import Meeting, MeetingStatus, Node, Participant, Presence
from meeting_server.timeutil import utcnow

NODE_STALE_AFTER = timedelta(seconds=45)
HEARTBEAT_EVERY_S = 15


def present_user_ids(session: Session, meeting_id: int) -> list[int]:
    fresh = utcnow() - NODE_STALE_AFTER
    rows = session.exec(
        select(Presence.user_id)
        .join(Node, col(Node.id) == col(Presence.node_id))
        .join(
            Participant,
            (col(Participant.meeting_id) == col(Presence.meeting_id))
            & (col(Participant.user_id) == col(Presence.user_id)),
        )
        .where(Presence.meeting_id == meeting_id, Node.heartbeat_at > fresh)
        .distinct()
    )
    return sorted(rows)


def arrive(tx: Tx, meeting_id: int, user_id: int, sid: str, node_id: str) -> None:
    """A participant's device joined. In an open meeting that also checks them in
    (attendance.py); before it opens, reading the papers at home is not attending."""
    before = present_user_ids(tx.session, meeting_id)
    if tx.session.get(Presence, (sid, meeting_id)) is None:
        tx.session.add(Presence(sid=sid, meeting_id=meeting_id, user_id=user_id, node_id=node_id))
        tx.session.flush()
    meeting = tx.session.get_one(Meeting, meeting_id)
    checked_in = meeting.status == MeetingStatus.open and attendance.check_in(tx.session, meeting_id, user_id)
    _announce_if_changed(tx, meeting_id, before, checked_in)


def depart(tx: Tx, sid: str, meeting_id: int | None = None) -> None:
    """The socket left one meeting, or (meeting_id None) disconnected from all."""
    query = select(Presence).where(Presence.sid == sid)
    if meeting_id is not None:
        query = query.where(Presence.meeting_id == meeting_id)
    for row in tx.session.exec(query).all():
        before = present_user_ids(tx.session, row.meeting_id)
        tx.session.delete(row)
        tx.session.flush()
        _announce_if_changed(tx, row.meeting_id, before)


def _announce_if_changed(tx: Tx, meeting_id: int, before: list[int], attendance_changed: bool = False) -> None:
    after = present_user_ids(tx.session, meeting_id)
    if after != before or attendance_changed:
        tx.notify_after_commit(attendance.changed_event(tx.session, meeting_id, after))


def beat(tx: Tx, node_id: str) -> None:
    node = tx.session.get(Node, node_id)
    if node is None:
        node = Node(id=node_id, heartbeat_at=utcnow())
    node.heartbeat_at = utcnow()
    tx.session.add(node)


def sweep(tx: Tx, everything: bool) -> None:
    """Forget presence of dead nodes (`everything`: of all nodes, for a single process
    starting up), telling each meeting whose attendance changed."""
    fresh = utcnow() - NODE_STALE_AFTER
    stale_nodes = select(Node.id).where(Node.heartbeat_at <= fresh)
    query = select(Presence) if everything else select(Presence).where(col(Presence.node_id).in_(stale_nodes))
    stale = tx.session.exec(query).all()
    meetings = {row.meeting_id for row in stale}
    befores = {m: present_user_ids(tx.session, m) for m in meetings}
    for row in stale:
        tx.session.delete(row)
    tx.session.flush()
    tx.session.exec(sa.delete(Node).where(col(Node.heartbeat_at) <= fresh - NODE_STALE_AFTER))
    for meeting_id, before in befores.items():
        _announce_if_changed(tx, meeting_id, before)
