"""A login, so that nothing else in the server waits behind one.

Order of a login, cheapest refusal first:
1. the gate (throttle.py): logins in flight, and per address; 429 at once;
2. one short write transaction: count the attempt for (account, address)
   before checking anything (attempts.py), and read the stored hash;
3. the argon2 check on the password pool (passwords.py), holding no database
   connection and no thread of the shared pool;
4. on success, one short write transaction: the session, and the pair forgiven.

The database steps run on worker threads under a limiter of their own, so
logins never take the places in anyio's default thread pool that socket
events, page images and every sync route use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated

import anyio
from fastapi import Depends, Request

from meeting_server.auth import service
from meeting_server.auth.models import UserPublic
from meeting_server.auth.passwords import PasswordPool
from meeting_server.auth.throttle import AddressGate, LoginThrottled
from meeting_server.config import Settings
from meeting_server.errors import Forbidden, Unauthorized
from meeting_server.security.models import SecurityKind
from meeting_server.security.service import SecurityLog, ThrottleNotes

if TYPE_CHECKING:  # the context holds the guard, so only its type comes from there
    from meeting_server.context import AppContext


@dataclass
class LoginGuard:
    """One per server process: the password pool and the gate."""

    passwords: PasswordPool
    gate: AddressGate
    db_limiter: anyio.CapacityLimiter
    # Which throttled logins the security log notes (one per address a minute).
    throttle_notes: ThrottleNotes = field(default_factory=ThrottleNotes)

    @classmethod
    def for_settings(cls, settings: Settings) -> LoginGuard:
        return cls(
            passwords=PasswordPool(settings.password_workers),
            gate=AddressGate(
                max_in_flight=settings.login_max_in_flight,
                address_in_flight=settings.login_address_in_flight,
                address_failures=settings.login_address_failures,
                window_s=settings.login_window_s,
                tracked=settings.login_tracked_addresses,
            ),
            # Never more than the logins admitted; its own, so none of the shared places.
            db_limiter=anyio.CapacityLimiter(settings.login_max_in_flight),
        )


def login_guard(request: Request) -> LoginGuard:
    return request.app.state.ctx.logins


Guard = Annotated[LoginGuard, Depends(login_guard)]


def client_address(request: Request) -> str:
    """The address the throttles count by: the peer, or the client a trusted
    reverse proxy names in X-Forwarded-For (uvicorn's forwarded_allow_ips)."""
    return request.client.host[:64] if request.client else "unknown"


async def log_in(
    ctx: AppContext, guard: LoginGuard, username: str, password: str, address: str
) -> tuple[str, UserPublic]:
    """Check a login; answer (token, user) or raise Unauthorized / LoginThrottled,
    or Forbidden `account_disabled` for a disabled account's right password."""
    # The login's two short transactions run on threads of their own (see LoginGuard).
    intents = ctx.intents.limited(guard.db_limiter)
    # The outcome goes to the security log (security/service.py), the username as typed, never the password.
    security = SecurityLog(address=address, per_kind=ctx.settings.security_events_per_kind, intents=intents)
    try:
        with guard.gate.admit(address) as attempt:
            stored = await intents.run(
                None, service.reserve_login, settings=ctx.settings, username=username, address=address
            )
            user = stored.user
            if not await guard.passwords.verify(stored.password_hash, password) or user is None:
                attempt.failed()
                raise Unauthorized("Wrong username or password.")
            if stored.disabled:
                # Only after the right password: a wrong one is refused like any other.
                raise Forbidden("This account has been disabled; ask the administrator.", code="account_disabled")
            token = await intents.run(
                None, service.start_session, settings=ctx.settings, user=user, address=address, security=security
            )
            return token, user
    except LoginThrottled as refusal:
        if guard.throttle_notes.due(address):
            limit = (refusal.details or {}).get("limit_name")
            await security.note(SecurityKind.login_throttled, username=username, details={"limit": limit})
        raise
    except (Unauthorized, Forbidden) as refusal:
        await security.note(SecurityKind.login_failed, username=username, details={"reason": refusal.code})
        raise
