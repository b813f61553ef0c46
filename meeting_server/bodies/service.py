"""Bodies: list, read, create and change the committees that meet, and the counts other domains take.

Rules:
- admins create and change bodies; admins, secretaries and chairs read them
  (to choose one for a meeting); anyone may list their names, and a member
  may read their own body;
- a name is unique, whatever its case (`conflict`, code `body_name_taken`);
- `members` is the whole list, in the body's order: sending it replaces the
  list, each member's rank being their place in it. Unknown or repeated user
  ids are `invalid`;
- the counts (`member_ids`, `member_count`, `positions`) are the body's whole
  membership, whoever a meeting invited: the base of the Party Charter's
  "of the members" rules and of the quorum (meetings/attendance.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from meeting_server.auth.models import Role, User, UserPublic
from meeting_server.bodies.models import (
    Body,
    BodyCreate,
    BodyListItem,
    BodyMember,
    BodyMemberIn,
    BodyMemberPublic,
    BodyPublic,
    BodyUpdate,
)
from meeting_server.errors import Conflict, Forbidden, Invalid, NotFound
from meeting_server.eventlog.outbox import Tx

READERS = frozenset({Role.admin, Role.secretary, Role.chair})


# ---- what other domains use --------------------------------------------------------


def member_ids(session: Session, body_id: int) -> list[int]:
    """The body's members, in the body's own order."""
    return list(
        session.exec(
            select(BodyMember.user_id)
            .join(User, col(User.id) == col(BodyMember.user_id))
            .where(BodyMember.body_id == body_id)
            .order_by(col(BodyMember.rank), col(User.full_name), col(User.id))
        )
    )


def member_count(session: Session, body_id: int) -> int:
    """The body's whole membership."""
    return int(session.exec(select(sa.func.count()).where(col(BodyMember.body_id) == body_id)).one())


def positions(session: Session, body_id: int) -> dict[int, str]:
    """Each member's position in the body ("Bí thư", "Ủy viên"), by user id; "" where none is set."""
    return dict(
        session.exec(select(BodyMember.user_id, BodyMember.position).where(BodyMember.body_id == body_id)).all()
    )


def ranks(session: Session, body_id: int) -> dict[int, int]:
    """Each member's place in the body's order (0 first), by user id."""
    return {user_id: place for place, user_id in enumerate(member_ids(session, body_id))}


# ---- reading -----------------------------------------------------------------------


def list_bodies(session: Session, user: UserPublic) -> list[BodyListItem]:
    """Every body, by rank then name, with its number of members."""
    counts = dict(session.exec(select(BodyMember.body_id, sa.func.count()).group_by(col(BodyMember.body_id))).all())
    bodies = session.exec(select(Body).order_by(col(Body.rank), col(Body.name), col(Body.id))).all()
    return [BodyListItem(id=b.id, name=b.name, rank=b.rank, member_count=counts.get(b.id, 0)) for b in bodies]


def get_body(session: Session, user: UserPublic, body_id: int) -> BodyPublic:
    body = _body(session, body_id)
    if user.role not in READERS and session.get(BodyMember, (body.id, user.id)) is None:
        raise Forbidden("Only an admin, a secretary, a chair or one of its members may read a body.")
    return describe(session, body)


def describe(session: Session, body: Body) -> BodyPublic:
    rows = session.exec(
        select(BodyMember, User)
        .join(User, col(User.id) == col(BodyMember.user_id))
        .where(BodyMember.body_id == body.id)
        .order_by(col(BodyMember.rank), col(User.full_name), col(User.id))
    ).all()
    members = [
        BodyMemberPublic(
            user_id=user.id, full_name=user.full_name, username=user.username, position=m.position, rank=m.rank
        )
        for m, user in rows
    ]
    return BodyPublic(id=body.id, name=body.name, rank=body.rank, member_count=len(members), members=members)


def _body(session: Session, body_id: int) -> Body:
    body = session.get(Body, body_id)
    if body is None:
        raise NotFound("No such body.")
    return body


# ---- writing -----------------------------------------------------------------------


def create_body(tx: Tx, user: UserPublic, data: BodyCreate) -> BodyPublic:
    _ensure_admin(user)
    _ensure_name_free(tx.session, data.name)
    _check_members(tx.session, data.members)
    body = Body(name=data.name, rank=data.rank)
    tx.session.add(body)
    tx.session.flush()
    _replace_members(tx.session, body.id, data.members)
    return describe(tx.session, body)


def update_body(tx: Tx, user: UserPublic, body_id: int, data: BodyUpdate) -> BodyPublic:
    _ensure_admin(user)
    body = _body(tx.session, body_id)
    given = data.model_fields_set
    if "name" in given:
        if data.name is None:
            raise Invalid("A body's name cannot be null.", details={"field": "name"})
        _ensure_name_free(tx.session, data.name, body.id)
        body.name = data.name
    if "rank" in given:
        if data.rank is None:
            raise Invalid("A body's rank cannot be null.", details={"field": "rank"})
        body.rank = data.rank
    tx.session.add(body)
    if "members" in given:
        if data.members is None:
            raise Invalid("members cannot be null: send [] for none.", details={"field": "members"})
        _check_members(tx.session, data.members)
        _replace_members(tx.session, body.id, data.members)
    tx.session.flush()
    return describe(tx.session, body)


def _ensure_admin(user: UserPublic) -> None:
    if user.role != Role.admin:
        raise Forbidden("Only an admin may create or change bodies.")


def _ensure_name_free(session: Session, name: str, body_id: int | None = None) -> None:
    wanted = name.casefold()
    for other_id, other_name in session.exec(select(Body.id, Body.name)).all():
        if other_id != body_id and other_name.casefold() == wanted:
            raise Conflict(
                "There is already a body named “{name}”.",
                params={"name": other_name},
                code="body_name_taken",
                details={"field": "name", "body_id": other_id},
            )


def _check_members(session: Session, members: list[BodyMemberIn]) -> None:
    ids = [m.user_id for m in members]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise Invalid(
            "A member is listed twice: user ids {ids}.", params={"ids": repeated}, details={"field": "members"}
        )
    known = set(session.exec(select(User.id).where(col(User.id).in_(ids)))) if ids else set()
    missing = sorted(set(ids) - known)
    if missing:
        raise Invalid(
            "Unknown user ids: {ids}.", params={"ids": missing}, details={"field": "members", "user_ids": missing}
        )


def _replace_members(session: Session, body_id: int, members: list[BodyMemberIn]) -> None:
    session.execute(sa.delete(BodyMember).where(col(BodyMember.body_id) == body_id))
    for place, member in enumerate(members):
        session.add(BodyMember(body_id=body_id, user_id=member.user_id, position=member.position, rank=place))
    session.flush()
