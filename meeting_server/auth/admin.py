"""An admin's work on accounts, and each person's own password.

Rules:
- an admin changes an account's name, role and position, and disables or
  enables it; disabling deletes the account's login sessions at once (the
  route then disconnects its sockets: realtime/sessions.py). Its history
  (votes, annotations, attendance, minutes) stays: nothing else is deleted;
- an admin never disables or demotes themself, so there is always an admin;
- a reset gives a readable one-time password and sets must-change; the
  account's sessions end as for disabling;
- a person changes their own password with the current one (checked on the
  password pool by the route); the new one is 8..256 characters and not the
  current one. That clears must-change.
- each of these changes is a security event, written in its own transaction
  (security/service.py): role changes, disabling, enabling, resets, one's own
  password changes.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlmodel import Session, col, select

from meeting_server.auth.models import AuthSession, Role, User, UserAccountPublic, UserPublic, UserUpdate
from meeting_server.auth.service import public
from meeting_server.errors import Conflict, Forbidden, NotFound
from meeting_server.eventlog.outbox import Tx
from meeting_server.meetings.models import Presence
from meeting_server.security.models import SecurityKind

if TYPE_CHECKING:  # the log comes from the route; only its type is needed here
    from meeting_server.security.service import SecurityLog

# No look-alikes (0/O/o, 1/l/I, 5/S, 2/Z, 8/B): read aloud or copied from a screen without a slip.
ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz34679"
ONE_TIME_LENGTH = 10


def one_time_password() -> str:
    return "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(ONE_TIME_LENGTH))


def account(user: User) -> UserAccountPublic:
    return UserAccountPublic(**public(user).model_dump(), disabled=not user.active)


def list_accounts(session: Session) -> list[UserAccountPublic]:
    return [account(u) for u in session.exec(select(User).order_by(col(User.id)))]


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("There is no account {id}.", params={"id": user_id})
    return user


def _end_sessions(session: Session, user_id: int) -> None:
    session.exec(sa.delete(AuthSession).where(col(AuthSession.user_id) == user_id))


def update_user(
    tx: Tx, admin: UserPublic, user_id: int, data: UserUpdate, security: SecurityLog | None = None
) -> UserAccountPublic:
    user = _user(tx.session, user_id)
    was_role, was_active = user.role, user.active
    if user.id == admin.id:
        if data.disabled:
            raise Forbidden("An admin cannot disable their own account.", code="own_account")
        if data.role is not None and data.role != Role.admin:
            raise Forbidden("An admin cannot take away their own admin role.", code="own_account")
    if data.full_name is not None:
        user.full_name = data.full_name
    if data.role is not None:
        user.role = data.role
    if data.position is not None:
        user.position = data.position
    if data.disabled is not None:
        user.active = not data.disabled
        if data.disabled:
            _end_sessions(tx.session, user.id)
    if security is not None:
        if user.role != was_role:
            changed = {"from": Role(was_role).value, "to": Role(user.role).value}
            security.record(tx, SecurityKind.role_changed, admin, target_user_id=user.id, details=changed)
        if user.active != was_active:
            kind = SecurityKind.user_enabled if user.active else SecurityKind.user_disabled
            security.record(tx, kind, admin, target_user_id=user.id)
    tx.session.add(user)
    tx.session.flush()
    return account(user)


def reset_password(
    tx: Tx, admin: UserPublic, user_id: int, password_hash: str, security: SecurityLog | None = None
) -> UserAccountPublic:
    """`password_hash`: the one-time password, hashed before the transaction."""
    user = _user(tx.session, user_id)
    if user.id == admin.id:
        raise Forbidden("Change your own password on the account page.", code="own_account")
    user.password_hash = password_hash
    user.must_change_password = True
    tx.session.add(user)
    _end_sessions(tx.session, user.id)
    if security is not None:
        security.record(tx, SecurityKind.password_reset, admin, target_user_id=user.id)
    tx.session.flush()
    return account(user)


def password_hash_of(session: Session, user_id: int) -> str:
    return _user(session, user_id).password_hash


def change_own_password(
    tx: Tx, user_id: int, checked_hash: str, password_hash: str, security: SecurityLog | None = None
) -> UserPublic:
    """`checked_hash`: the hash the current password was checked against; if
    it changed meanwhile (an admin reset it), the change is refused."""
    user = _user(tx.session, user_id)
    if not user.active:
        raise Forbidden("This account has been disabled.", code="account_disabled")
    if user.password_hash != checked_hash:
        raise Conflict("The password was changed meanwhile; try again.")
    user.password_hash = password_hash
    user.must_change_password = False
    tx.session.add(user)
    tx.session.flush()
    if security is not None:
        security.record(tx, SecurityKind.password_changed, public(user), target_user_id=user.id)
    return public(user)


def socket_ids(session: Session, user_id: int) -> list[str]:
    """The sockets of this account that joined a meeting, on any node."""
    return sorted(set(session.exec(select(Presence.sid).where(col(Presence.user_id) == user_id))))
