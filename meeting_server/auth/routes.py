"""Login, logout, the current user, one's own password, and user management."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from meeting_server.auth import admin as accounts
from meeting_server.auth import service
from meeting_server.auth.login import Guard, client_address, log_in
from meeting_server.auth.models import (
    LoginIn,
    LoginResult,
    PasswordChangeIn,
    PasswordResetResult,
    Role,
    UserAccountPublic,
    UserBatchCreate,
    UserCreate,
    UserPublic,
    UserUpdate,
)
from meeting_server.deps import SESSION_COOKIE, AdminUser, Ctx, CurrentUser, request_token
from meeting_server.errors import Forbidden, Invalid
from meeting_server.ids import Id
from meeting_server.realtime.sessions import disconnect_session, disconnect_user
from meeting_server.security.http import Security
from meeting_server.security.models import SecurityKind

router = APIRouter(tags=["auth"])


@router.post("/api/auth/login", response_model=LoginResult)
async def login(body: LoginIn, request: Request, response: Response, ctx: Ctx, guard: Guard) -> LoginResult:
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
    return LoginResult(token=token, user=user)


@router.post("/api/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(request: Request, ctx: Ctx, user: CurrentUser, security: Security) -> Response:
    """End this session: its token and cookie stop working, and its sockets are disconnected."""
    token = request_token(request)
    assert token is not None, "CurrentUser found one"
    await ctx.intents.run(None, service.logout, token=token, user=user, security=security)
    await disconnect_session(ctx.sio, token)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/api/me", response_model=UserPublic)
def me(user: CurrentUser) -> UserPublic:
    """The logged-in user."""
    return user


@router.post("/api/users", response_model=UserPublic, status_code=status.HTTP_201_CREATED)
async def create_user(body: UserCreate, ctx: Ctx, admin: AdminUser, guard: Guard, security: Security) -> UserPublic:
    """Create an account (admin). Its first login must choose a new password."""
    # Hashed on the password pool first, so no transaction waits on argon2.
    password_hash = await guard.passwords.hash(body.password)
    return await ctx.intents.run(
        None,
        service.create_user,
        data=body,
        password_hash=password_hash,
        must_change_password=True,
        admin=admin,
        security=security,
    )


@router.post("/api/users/batch", response_model=list[UserPublic], status_code=status.HTTP_201_CREATED)
async def create_users(
    body: UserBatchCreate, ctx: Ctx, admin: AdminUser, guard: Guard, security: Security
) -> list[UserPublic]:
    """Create many accounts with one initial password (admin); all or none.
    Each first login must choose a new password."""
    password_hash = await guard.passwords.hash(body.password)
    return await ctx.intents.run(
        None,
        service.create_users,
        data=body,
        password_hash=password_hash,
        must_change_password=True,
        admin=admin,
        security=security,
    )


@router.get("/api/users", response_model=list[UserAccountPublic])
def list_users(ctx: Ctx, user: CurrentUser) -> list[UserAccountPublic]:
    """All accounts: for admins, and for secretaries and chairs choosing whom to invite."""
    if user.role not in (Role.admin, Role.secretary, Role.chair):
        raise Forbidden("Only an admin, a secretary or a chair may list users.")
    with ctx.db.read() as session:
        return accounts.list_accounts(session)


@router.patch("/api/users/{user_id}", response_model=UserAccountPublic)
async def update_user(
    user_id: Id, body: UserUpdate, ctx: Ctx, admin: AdminUser, security: Security
) -> UserAccountPublic:
    """Change an account's name, role or position, or disable or enable it (admin).
    Disabling ends its sessions and sockets at once; its history stays."""
    elsewhere: list[str] = []
    if body.disabled:
        # Its joined sockets on any node, read before the change.
        elsewhere = await ctx.intents.read(accounts.socket_ids, user_id=user_id)
    result = await ctx.intents.run(
        None, accounts.update_user, admin=admin, user_id=user_id, data=body, security=security
    )
    if body.disabled:
        await disconnect_user(ctx.sio, user_id, elsewhere)
    return result


@router.post("/api/users/{user_id}/password-reset", response_model=PasswordResetResult)
async def reset_password(
    user_id: Id, ctx: Ctx, admin: AdminUser, guard: Guard, security: Security
) -> PasswordResetResult:
    """A one-time password for the account (admin), to hand over; its next login
    must change it. Its sessions and sockets end at once."""
    password = accounts.one_time_password()
    password_hash = await guard.passwords.hash(password)
    elsewhere = await ctx.intents.read(accounts.socket_ids, user_id=user_id)
    await ctx.intents.run(
        None, accounts.reset_password, admin=admin, user_id=user_id, password_hash=password_hash, security=security
    )
    await disconnect_user(ctx.sio, user_id, elsewhere)
    return PasswordResetResult(password=password)


@router.post("/api/auth/password", response_model=UserPublic)
async def change_password(
    body: PasswordChangeIn, request: Request, ctx: Ctx, user: CurrentUser, guard: Guard, security: Security
) -> UserPublic:
    """Change one's own password: the current one, then the new one (8 to 256
    characters, not the current one). Clears must-change. Throttled per address
    like a login; a wrong current password is 422 `wrong_password`."""
    if body.new == body.current:
        raise Invalid("The new password must differ from the current one.", code="password_unchanged")
    with guard.gate.admit(client_address(request)) as attempt:
        checked_hash = await ctx.intents.read(accounts.password_hash_of, user_id=user.id)
        if not await guard.passwords.verify(checked_hash, body.current):
            attempt.failed()
            await security.note(SecurityKind.password_change_failed, user)
            raise Invalid("The current password is wrong.", code="wrong_password")
    password_hash = await guard.passwords.hash(body.new)
    return await ctx.intents.run(
        None,
        accounts.change_own_password,
        user_id=user.id,
        checked_hash=checked_hash,
        password_hash=password_hash,
        security=security,
    )
