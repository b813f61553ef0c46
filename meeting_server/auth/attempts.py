"""Failed logins per (account, address), in the database so all nodes agree.

Counting per account alone let anyone lock the chair out with ten wrong
passwords; counting per (account, address) lets the owner's tablet in while
another device guesses. The count is taken *before* the password is checked:
`reserve` counts the attempt in a write transaction that holds the pair's
row, so forty parallel attempts cannot all read "nine so far" and all be
checked. A success deletes the row (`forgive`); a failure leaves its count.

Rules, for one account from one address:
- `login_max_failures` attempts may fail; the one that reaches the limit
  starts a wait of `login_window_s`, and every further failure doubles it, up
  to `login_max_backoff_s`. While waiting, every attempt is refused with
  `rate_limited`, the right password included, and nothing is checked.
- A pair quiet for `login_window_s` (after any wait) is forgotten.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from meeting_server.auth.models import LoginThrottle
from meeting_server.auth.throttle import LoginThrottled
from meeting_server.config import Settings
from meeting_server.timeutil import utcnow

# blocked_until of a pair that was never blocked.
NEVER = datetime(2000, 1, 1, tzinfo=UTC)
# Stale pairs deleted per reservation: enough to keep up with a flood, small
# enough that no login waits on a big delete.
SWEEP_BATCH = 50


def backoff(settings: Settings, failures: int) -> timedelta:
    """The wait after the `failures`-th failure of a pair (none below the limit)."""
    beyond = failures - settings.login_max_failures
    if beyond < 0:
        return timedelta(0)
    seconds = settings.login_window_s * 2 ** min(beyond, 32)
    return timedelta(seconds=min(seconds, settings.login_max_backoff_s))


def reserve(session: Session, settings: Settings, username: str, address: str) -> None:
    """Count one attempt of `username` from `address`, or raise LoginThrottled.
    Call in a write transaction, before checking the password."""
    window = timedelta(seconds=settings.login_window_s)
    _sweep(session, utcnow() - window)
    row = _locked_pair(session, username, address)
    # The time is read once the row is ours: read before waiting for the lock,
    # it could be older than what the attempt before us wrote.
    now = utcnow()
    if row.blocked_until > now:
        raise LoginThrottled(
            "Too many failed logins for this account from this device. Please wait before trying again.",
            limit_name="account_failures",
            retry_after_s=(row.blocked_until - now).total_seconds(),
        )
    if _quiet_since(row) <= now - window:
        row.failures = 0  # not swept yet: forgotten all the same
    row.failures += 1
    row.last_at = now
    if wait := backoff(settings, row.failures):
        row.blocked_until = now + wait
    session.add(row)


def forgive(session: Session, username: str, address: str) -> None:
    """The right password from this address: its count starts over."""
    session.exec(
        sa.delete(LoginThrottle).where(col(LoginThrottle.username) == username, col(LoginThrottle.address) == address)
    )


def _quiet_since(row: LoginThrottle) -> datetime:
    return max(row.last_at, row.blocked_until)


def _locked_pair(session: Session, username: str, address: str) -> LoginThrottle:
    """The pair's row, created if missing, locked until the transaction ends
    (PostgreSQL: FOR UPDATE; SQLite: the write transaction already holds the
    database's one write lock)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.exec(
        insert(LoginThrottle)
        .values(username=username, address=address, failures=0, last_at=utcnow(), blocked_until=NEVER)
        .on_conflict_do_nothing(index_elements=["username", "address"])
    )
    return session.exec(
        select(LoginThrottle)
        .where(LoginThrottle.username == username, LoginThrottle.address == address)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _sweep(session: Session, cutoff: datetime) -> None:
    """Delete a batch of pairs quiet since before `cutoff` (random usernames
    leave one row each). Rows another transaction holds are skipped."""
    stale = (
        select(LoginThrottle.id)
        .where(LoginThrottle.last_at < cutoff, LoginThrottle.blocked_until < cutoff)
        .limit(SWEEP_BATCH)
        .with_for_update(skip_locked=True)
    )
    ids = list(session.exec(stale))
    if ids:
        session.exec(sa.delete(LoginThrottle).where(col(LoginThrottle.id).in_(ids)))
