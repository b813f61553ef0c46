"""Accounts and logins.

Rules: usernames are unique; a login fails the same way for an unknown
user and a wrong password; after `login_max_failures` failures for one
username within `login_window_s` every attempt is refused with
`rate_limited` until the window passes (counted in the database, so it
holds across server nodes).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from meeting_server.auth.models import AuthSession, LoginFailure, User, UserBatchCreate, UserCreate, UserPublic
from meeting_server.auth.passwords import hash_password, verify_password
from meeting_server.config import Settings
from meeting_server.errors import Conflict, NotFound, RateLimited, Unauthorized
from meeting_server.timeutil import utcnow


def public(user: User) -> UserPublic:
    return UserPublic(id=user.id, username=user.username, full_name=user.full_name, role=user.role)


def create_user(session: Session, data: UserCreate) -> UserPublic:
    if session.exec(select(User).where(User.username == data.username)).first():
        raise Conflict(f"username {data.username!r} is taken")
    user = User(
        username=data.username,
        full_name=data.full_name,
        role=data.role,
        password_hash=hash_password(data.password),
    )
    session.add(user)
    session.flush()
    return public(user)


def create_users(session: Session, data: UserBatchCreate) -> list[UserPublic]:
    """All the accounts or none: a taken or repeated username refuses the batch."""
    names = [item.username for item in data.users]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise Conflict(f"usernames listed twice: {', '.join(repeated)}")
    taken = sorted(session.exec(select(User.username).where(User.username.in_(names))))
    if taken:
        raise Conflict(f"usernames taken: {', '.join(taken)}")
    password_hash = hash_password(data.password)
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


def authenticate(session: Session, settings: Settings, username: str, password: str) -> UserPublic:
    """Check the password. Only reads: argon2 takes ~0.1 s on purpose, and
    holding SQLite's write lock meanwhile would queue every login behind the
    others (200 tablets logging in at 8:00 would time out)."""
    since = utcnow() - timedelta(seconds=settings.login_window_s)
    failures = session.exec(
        select(sa.func.count()).select_from(LoginFailure).where(
            LoginFailure.username == username, LoginFailure.at > since
        )
    ).one()
    if failures >= settings.login_max_failures:
        raise RateLimited("Too many failed logins for this user. Wait a few minutes and try again.")
    user = session.exec(select(User).where(User.username == username)).first()
    if not verify_password(user.password_hash if user else None, password) or not user.active:
        # The caller records the failure with record_login_failure in a write transaction.
        raise Unauthorized("Wrong username or password.")
    return public(user)


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


def record_login_failure(session: Session, username: str) -> None:
    session.add(LoginFailure(username=username))


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
