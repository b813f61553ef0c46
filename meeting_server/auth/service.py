"""Accounts and logins.

Rules: usernames are unique; a login fails the same way for an unknown
user and a wrong password. Logins are throttled before any password is
checked: per node and per address in memory (throttle.py), and per
(account, address) in the database, so across nodes (attempts.py). The
password checks themselves run on their own pool (passwords.py, login.py).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, col, select

from meeting_server.auth import attempts
from meeting_server.auth.models import AuthSession, User, UserBatchCreate, UserCreate, UserPublic
from meeting_server.config import Settings
from meeting_server.errors import Conflict, NotFound
from meeting_server.eventlog.outbox import Tx
from meeting_server.security.models import SecurityKind
from meeting_server.timeutil import utcnow

if TYPE_CHECKING:  # the log comes from the caller; only its type is needed here
    from meeting_server.security.service import SecurityLog


def public(user: User) -> UserPublic:
    return UserPublic(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        position=user.position,
        must_change_password=user.must_change_password,
    )


def create_user(
    tx: Tx,
    data: UserCreate,
    password_hash: str,
    must_change_password: bool = False,
    admin: UserPublic | None = None,
    security: SecurityLog | None = None,
) -> UserPublic:
    """`password_hash`: data.password hashed beforehand, outside the
    transaction (argon2 takes a while; the server uses its password pool).
    `must_change_password`: set for accounts an admin makes through the API,
    whose initial password someone else chose."""
    session = tx.session
    if session.exec(select(User).where(User.username == data.username)).first():
        raise Conflict("The username “{username}” is taken.", params={"username": data.username})
    user = User(
        username=data.username,
        full_name=data.full_name,
        role=data.role,
        position=data.position,
        password_hash=password_hash,
        must_change_password=must_change_password,
    )
    session.add(user)
    session.flush()
    if security is not None:
        security.record(tx, SecurityKind.user_created, admin, target_user_id=user.id, details={"role": user.role.value})
    return public(user)


def create_users(
    tx: Tx,
    data: UserBatchCreate,
    password_hash: str,
    must_change_password: bool = False,
    admin: UserPublic | None = None,
    security: SecurityLog | None = None,
) -> list[UserPublic]:
    """All the accounts or none: a taken or repeated username refuses the batch.
    `password_hash` as for create_user."""
    session = tx.session
    names = [item.username for item in data.users]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise Conflict("Usernames listed twice: {usernames}", params={"usernames": repeated})
    taken = sorted(session.exec(select(col(User.username)).where(col(User.username).in_(names))))
    if taken:
        raise Conflict("Usernames taken: {usernames}", params={"usernames": taken})
    users = [
        User(
            username=item.username,
            full_name=item.full_name,
            role=item.role,
            position=item.position,
            password_hash=password_hash,
            must_change_password=must_change_password,
        )
        for item in data.users
    ]
    session.add_all(users)
    session.flush()
    if security is not None:
        for user in users:
            security.record(
                tx, SecurityKind.user_created, admin, target_user_id=user.id, details={"role": user.role.value}
            )
    return [public(user) for user in users]


def set_password(tx: Tx, username: str, password_hash: str) -> None:
    """The operator sets a password (the demo's accounts): no change is asked of the person."""
    user = tx.session.exec(select(User).where(User.username == username)).first()
    if not user:
        raise NotFound("There is no user “{username}”.", params={"username": username})
    user.password_hash = password_hash
    user.must_change_password = False
    tx.session.add(user)


def list_users(session: Session) -> list[UserPublic]:
    return [public(u) for u in session.exec(select(User).order_by(col(User.id)))]


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class StoredLogin(NamedTuple):
    """What a login checks against: the account (None if unknown), the hash
    (None if unknown: the check then runs on a dummy hash, so it takes as
    long), and whether an admin disabled the account. A disabled account is
    refused only after its right password, so a wrong one reveals nothing."""

    user: UserPublic | None
    password_hash: str | None
    disabled: bool


def stored_password(session: Session, username: str) -> StoredLogin:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        return StoredLogin(None, None, False)
    return StoredLogin(public(user), user.password_hash, not user.active)


def reserve_login(tx: Tx, settings: Settings, username: str, address: str) -> StoredLogin:
    """Count this attempt for (account, address) before any password is
    checked (refused past the limit: attempts.py), then give what
    `stored_password` gives."""
    attempts.reserve(tx.session, settings, username, address)
    return stored_password(tx.session, username)


def start_session(
    tx: Tx, settings: Settings, user: UserPublic, address: str, security: SecurityLog | None = None
) -> str:
    """The password was right: forgive this address its failures for the
    account, and open a login session; returns its token."""
    attempts.forgive(tx.session, user.username, address)
    if security is not None:
        security.record(tx, SecurityKind.login, user)
    token = secrets.token_urlsafe(32)
    tx.session.add(
        AuthSession(
            token_hash=_token_hash(token),
            user_id=user.id,
            expires_at=utcnow() + timedelta(days=settings.session_days),
        )
    )
    return token


def logout(tx: Tx, token: str, user: UserPublic | None = None, security: SecurityLog | None = None) -> None:
    tx.session.exec(sa.delete(AuthSession).where(col(AuthSession.token_hash) == _token_hash(token)))
    if security is not None:
        security.record(tx, SecurityKind.logout, user)


def user_for_token(session: Session, token: str) -> UserPublic | None:
    row = session.exec(
        select(User, AuthSession)
        .join(AuthSession, col(AuthSession.user_id) == col(User.id))
        .where(AuthSession.token_hash == _token_hash(token))
    ).first()
    if not row:
        return None
    user, auth = row
    if auth.expires_at <= utcnow() or not user.active:
        return None
    return public(user)
