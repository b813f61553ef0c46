"""Login, logout, the current user, and user management."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from meeting_server.auth import service
from meeting_server.auth.login import Guard, client_address, log_in
from meeting_server.auth.models import LoginIn, LoginOut, Role, UserBatchCreate, UserCreate, UserPublic
from meeting_server.deps import SESSION_COOKIE, AdminUser, Ctx, CurrentUser, request_token
from meeting_server.errors import Forbidden
from meeting_server.realtime.sessions import disconnect_session

router = APIRouter(tags=["auth"])


@router.post("/api/auth/login", response_model=LoginOut)
async def login(body: LoginIn, request: Request, response: Response, ctx: Ctx, guard: Guard) -> LoginOut:
    """Check a username and password; answer a token and set the session cookie.
    Throttled before any check (429 `rate_limited`): see auth/login.py."""
    token, user = await log_in(ctx, guard, body.username, body.password, client_address(request))
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=ctx.settings.session_days * 86400,
        httponly=True,
        samesite="lax",
        secure=ctx.settings.tls_enabled,
        path="/",
    )
    return LoginOut(token=token, user=user)


@router.post("/api/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(request: Request, ctx: Ctx, user: CurrentUser) -> Response:
    """End this session: its token and cookie stop working, and its sockets are disconnected."""
    token = request_token(request)
    await ctx.intents.run(None, service.logout, token=token)
    await disconnect_session(ctx.sio, token)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/api/me", response_model=UserPublic)
def me(user: CurrentUser) -> UserPublic:
    """The logged-in user."""
    return user


@router.post("/api/users", response_model=UserPublic, status_code=status.HTTP_201_CREATED)
async def create_user(body: UserCreate, ctx: Ctx, admin: AdminUser, guard: Guard) -> UserPublic:
    """Create an account (admin)."""
    # Hashed on the password pool first, so no transaction waits on argon2.
    password_hash = await guard.passwords.hash(body.password)
    return await ctx.intents.run(None, service.create_user, data=body, password_hash=password_hash)


@router.post("/api/users/batch", response_model=list[UserPublic], status_code=status.HTTP_201_CREATED)
async def create_users(body: UserBatchCreate, ctx: Ctx, admin: AdminUser, guard: Guard) -> list[UserPublic]:
    """Create many accounts with one initial password (admin); all or none."""
    password_hash = await guard.passwords.hash(body.password)
    return await ctx.intents.run(None, service.create_users, data=body, password_hash=password_hash)


@router.get("/api/users", response_model=list[UserPublic])
def list_users(ctx: Ctx, user: CurrentUser) -> list[UserPublic]:
    """All accounts: for admins, and for secretaries and chairs choosing whom to invite."""
    if user.role not in (Role.admin, Role.secretary, Role.chair):
        raise Forbidden("Only an admin, a secretary or a chair may list users.")
    with ctx.db.read() as session:
        return service.list_users(session)
