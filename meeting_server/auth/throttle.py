"""The gate in front of every password check: caps answered 429 at once.

A login costs an argon2id check (64 MiB, a fraction of a second of every
core), so a flood of bogus logins must be turned away before it costs
anything, and never queue where other work waits. Three caps, checked in
memory on the event loop (so no lock is needed), before any database work:

- logins in flight on this node (being checked or waiting for the password
  pool): `login_max_in_flight`;
- logins in flight from one address: `login_address_in_flight`, so one
  device cannot take every place;
- failed checks from one address within a fixed window of `login_window_s`
  (from its first failure): `login_address_failures`. Random usernames are
  never the same account twice, so the per-account count (attempts.py) would
  never stop them; this does.

Addresses are remembered in an LRU table of `tracked` entries at most, so a
churn of addresses costs bounded memory; an evicted address starts afresh.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice

from meeting_server.errors import RateLimited


class LoginThrottled(RateLimited):
    """429 `rate_limited`, saying which limit (`limit_name`) and when to try
    again (`retry_after_ms`, and the `Retry-After` header in seconds)."""

    def __init__(self, message: str, *, limit_name: str, retry_after_s: float, params: dict | None = None):
        self.retry_after_s = max(1, math.ceil(retry_after_s))
        details = {"limit_name": limit_name, "retry_after_ms": self.retry_after_s * 1000}
        super().__init__(message, params=params, details=details)

    def to_http(self, lang: str | None = None):
        response = super().to_http(lang)
        response.headers["Retry-After"] = str(self.retry_after_s)
        return response


@dataclass
class _Address:
    in_flight: int = 0
    failures: int = 0
    window_start: float = 0.0


class Attempt:
    """One admitted login; call `failed()` when its password check failed."""

    def __init__(self) -> None:
        self.did_fail = False

    def failed(self) -> None:
        self.did_fail = True


class AddressGate:
    def __init__(
        self,
        *,
        max_in_flight: int,
        address_in_flight: int,
        address_failures: int,
        window_s: float,
        tracked: int,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.max_in_flight = max_in_flight
        self.address_in_flight = address_in_flight
        self.address_failures = address_failures
        self.window_s = window_s
        self.tracked = tracked
        self.clock = clock
        self.in_flight = 0
        self._addresses: OrderedDict[str, _Address] = OrderedDict()

    def __len__(self) -> int:
        return len(self._addresses)

    @contextmanager
    def admit(self, address: str) -> Iterator[Attempt]:
        """Admit one login from `address`, or raise LoginThrottled at once."""
        now = self.clock()
        if self.in_flight >= self.max_in_flight:
            raise LoginThrottled(
                "Many people are logging in at this moment. Please try again in a few seconds.",
                limit_name="logins_in_flight",
                retry_after_s=1,
            )
        state = self._addresses.get(address)
        if state is not None and now - state.window_start >= self.window_s:
            state.failures = 0  # the address's window has passed
        if state is not None and state.in_flight >= self.address_in_flight:
            raise LoginThrottled(
                "Too many logins at once from this device. Please try again in a few seconds.",
                limit_name="address_in_flight",
                retry_after_s=1,
            )
        if state is not None and state.failures + state.in_flight >= self.address_failures:
            # Logins being checked count too, so a burst cannot overshoot the budget.
            raise LoginThrottled(
                "Too many failed logins from this device. Please wait before trying again.",
                limit_name="address_failures",
                retry_after_s=state.window_start + self.window_s - now if state.failures else 1,
            )
        if state is None:
            state = self._addresses[address] = _Address(window_start=now)
            self._evict()
        self._addresses.move_to_end(address)
        state.in_flight += 1
        self.in_flight += 1
        attempt = Attempt()
        try:
            yield attempt
        finally:
            state.in_flight -= 1
            self.in_flight -= 1
            if attempt.did_fail:
                if state.failures == 0:
                    state.window_start = self.clock()
                state.failures += 1
            if state.failures == 0 and state.in_flight == 0:
                self._addresses.pop(address, None)  # nothing to remember

    def _evict(self) -> None:
        """Forget the least recently seen idle addresses past `tracked`. An
        address with logins in flight is kept (there are at most
        `max_in_flight` of those), so its counts stay right."""
        excess = len(self._addresses) - self.tracked
        if excess <= 0:
            return
        for address in list(islice(self._addresses, excess + self.max_in_flight)):
            if self._addresses[address].in_flight == 0:
                del self._addresses[address]
                excess -= 1
                if excess == 0:
                    return
