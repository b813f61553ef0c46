"""argon2id password hashing. Slow on purpose (~64 MiB and a fraction of a
second of every core per call), so in the server it runs only on the
`PasswordPool`, never on the event loop nor the thread pool that socket
events and database reads share. The command line calls the functions
directly."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's current recommended cost
# Checked when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


class PasswordPool:
    """A few threads of their own for argon2: at most `workers` checks or
    hashes run at once, so their memory is bounded (workers x 64 MiB), and
    calls past that wait in this pool's queue without holding a thread that
    anything else needs. argon2-cffi releases the GIL while it computes."""

    def __init__(self, workers: int):
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="argon2")

    async def verify(self, password_hash: str | None, password: str) -> bool:
        return await asyncio.wrap_future(self._executor.submit(verify_password, password_hash, password))

    async def hash(self, password: str) -> str:
        return await asyncio.wrap_future(self._executor.submit(hash_password, password))

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
