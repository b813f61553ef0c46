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

from meeting_server.auth.models import AuthSession, User, UserBatchCreate, UserCreate, UserPublic
from meeting_server.auth.passwords import hash_password
from meeting_server.config import Settings
from meeting_server.errors import Conflict, NotFound
from meeting_server.timeutil import utcnow


def public(user: User) -> UserPublic:
    return UserPublic(id=user.id, username=user.username, full_name=user.full_name, role=user.role)


def create_user(session: Session, data: UserCreate, password_hash: str | None = None) -> UserPublic:
    """`password_hash`: data.password hashed beforehand, outside the transaction
    (the server does, on its password pool); without it, hashed here."""
    if session.exec(select(User).where(User.username == data.username)).first():
        raise Conflict(f"username {data.username!r} is taken")
    user = User(
        username=data.username,
        full_name=data.full_name,
        role=data.role,
        password_hash=password_hash or hash_password(data.password),
    )
    session.add(user)
    session.flush()
    return public(user)


def create_users(session: Session, data: UserBatchCreate, password_hash: str | None = None) -> list[UserPublic]:
    """All the accounts or none: a taken or repeated username refuses the batch.
    `password_hash` as for create_user."""
    names = [item.username for item in data.users]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise Conflict(f"usernames listed twice: {', '.join(repeated)}")
    taken = sorted(session.exec(select(User.username).where(User.username.in_(names))))
    if taken:
        raise Conflict(f"usernames taken: {', '.join(taken)}")
    password_hash = password_hash or hash_password(data.password)
    users = [
        User(username=item.username, full_name=item.full_name, role=item.role, password_hash=password_hash)
        for item in data.users
    ]
    session.add_all(users)
    session.flush()
    return [public(user) for user in users]


def set_password(session: Session, username: str, password: str) -> None:
    user = session.exec(select(User).where(User.username == username)).first()
    if not user:
        raise NotFound(f"no user {username!r}")
    user.password_hash = hash_password(password)
    session.add(user)


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


def open_session(session: Session, settings: Settings, user: UserPublic) -> str:
    """A new login session for an authenticated user; returns its token."""
    token = secrets.token_urlsafe(32)
    session.add(
        AuthSession(
            token_hash=_token_hash(token),
            user_id=user.id,
            expires_at=utcnow() + timedelta(days=settings.session_days),
        )
    )
    return token


def logout(session: Session, token: str) -> None:
    session.exec(sa.delete(AuthSession).where(AuthSession.token_hash == _token_hash(token)))


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
