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

import sqlalchemy as sa
from sqlmodel import Session, select

from meeting_server.auth import attempts
from meeting_server.auth.models import AuthSession, User, UserBatchCreate, UserCreate, UserPublic
from meeting_server.config import Settings
from meeting_server.errors import Conflict, NotFound
from meeting_server.eventlog.outbox import Tx
from meeting_server.timeutil import utcnow


def public(user: User) -> UserPublic:
    return UserPublic(id=user.id, username=user.username, full_name=user.full_name, role=user.role)


def create_user(tx: Tx, data: UserCreate, password_hash: str) -> UserPublic:
    """`password_hash`: data.password hashed beforehand, outside the
    transaction (argon2 takes a while; the server uses its password pool)."""
    session = tx.session
    if session.exec(select(User).where(User.username == data.username)).first():
        raise Conflict(f"username {data.username!r} is taken")
    user = User(
        username=data.username,
        full_name=data.full_name,
        role=data.role,
        password_hash=password_hash,
    )
    session.add(user)
    session.flush()
    return public(user)


def create_users(tx: Tx, data: UserBatchCreate, password_hash: str) -> list[UserPublic]:
    """All the accounts or none: a taken or repeated username refuses the batch.
    `password_hash` as for create_user."""
    session = tx.session
    names = [item.username for item in data.users]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise Conflict(f"usernames listed twice: {', '.join(repeated)}")
    taken = sorted(session.exec(select(User.username).where(User.username.in_(names))))
    if taken:
        raise Conflict(f"usernames taken: {', '.join(taken)}")
    users = [
        User(username=item.username, full_name=item.full_name, role=item.role, password_hash=password_hash)
        for item in data.users
    ]
    session.add_all(users)
    session.flush()
    return [public(user) for user in users]


def set_password(tx: Tx, username: str, password_hash: str) -> None:
    user = tx.session.exec(select(User).where(User.username == username)).first()
    if not user:
        raise NotFound(f"no user {username!r}")
    user.password_hash = password_hash
    tx.session.add(user)


def list_users(session: Session) -> list[UserPublic]:
    return [public(u) for u in session.exec(select(User).order_by(User.id))]


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def stored_password(session: Session, username: str) -> tuple[UserPublic | None, str | None]:
    """The account that may log in as `username` (None if unknown or
    deactivated) and the hash to check the password against (None if unknown:
    the check then runs on a dummy hash, so it takes as long)."""
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        return None, None
    return (public(user) if user.active else None), user.password_hash


def reserve_login(tx: Tx, settings: Settings, username: str, address: str) -> tuple[UserPublic | None, str | None]:
    """Count this attempt for (account, address) before any password is
    checked (refused past the limit: attempts.py), then give what
    `stored_password` gives."""
    attempts.reserve(tx.session, settings, username, address)
    return stored_password(tx.session, username)


def start_session(tx: Tx, settings: Settings, user: UserPublic, address: str) -> str:
    """The password was right: forgive this address its failures for the
    account, and open a login session; returns its token."""
    attempts.forgive(tx.session, user.username, address)
    token = secrets.token_urlsafe(32)
    tx.session.add(
        AuthSession(
            token_hash=_token_hash(token),
            user_id=user.id,
            expires_at=utcnow() + timedelta(days=settings.session_days),
        )
    )
    return token


def logout(tx: Tx, token: str) -> None:
    tx.session.exec(sa.delete(AuthSession).where(AuthSession.token_hash == _token_hash(token)))


def user_for_token(session: Session, token: str) -> UserPublic | None:
    row = session.exec(
        select(User, AuthSession)
        .join(AuthSession, AuthSession.user_id == User.id)
        .where(AuthSession.token_hash == _token_hash(token))
    ).first()
    if not row:
        return None
    user, auth = row
    if auth.expires_at <= utcnow() or not user.active:
        return None
    return public(user)
