"""The inside of a PDF worker process (documents/pool.py is the outside).

A worker takes one job at a time from its own pipe and answers on another:
("ok", result), ("error", exception), and any number of ("progress", payload)
before either, so the pool knows how far a job got when it has to kill it.

It dies with the server: PR_SET_PDEATHSIG asks the kernel to SIGKILL it
when the thread that started it exits (the pool starts workers from the event
loop's thread, which lives as long as the server), even in the middle of a
render that holds the GIL. Where prctl is missing, a watchdog thread that
sees the parent gone, and the end of the job pipe, do it as soon as Python
code runs again.
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from multiprocessing.connection import Connection
from typing import Any

PR_SET_PDEATHSIG = 1
# A job over its CPU budget is killed by the kernel with this signal
# (setitimer's profiling timer; Python installs no handler for it, so the
# default action, termination, happens even inside C code).
BUDGET_SIGNAL = signal.SIGPROF

_results: Connection | None = None


def worker_main(
    jobs: Connection, results: Connection, parent_pid: int, memory_mb: int, initializer: Callable[[], None] | None
) -> None:
    """Entry point of a spawned worker."""
    global _results
    # Ctrl+C in a terminal reaches the whole process group: the server stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent_pid)
    _lower_priority(memory_mb)
    if initializer is not None:
        initializer()
    _results = results
    while True:
        try:
            fn, args = jobs.recv()
        except (EOFError, OSError):
            os._exit(0)  # the pool closed our pipe, or the server is gone
        try:
            answer = ("ok", fn(*args))
        except BaseException as exc:
            answer = ("error", exc)
        try:
            results.send(answer)
        except (EOFError, OSError):
            os._exit(0)
        except Exception as exc:  # the result or the exception does not pickle
            results.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))


def report_progress(payload: Any) -> None:
    """Tell the pool how far the current job got (no-op outside a worker)."""
    if _results is not None:
        _results.send(("progress", payload))


@contextmanager
def cpu_budget(seconds: float) -> Iterator[None]:
    """Kill this process if the block uses more than `seconds` of CPU time.
    CPU, not wall time: a niced worker on a busy machine is not punished."""
    signal.setitimer(signal.ITIMER_PROF, max(seconds, 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)


def _die_with_parent(parent_pid: int) -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    # The parent may have died before prctl: then we were re-parented already.
    if os.getppid() != parent_pid:
        os._exit(0)
    threading.Thread(target=_watch_parent, args=(parent_pid,), name="watch-parent", daemon=True).start()


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(1.0)
    os._exit(0)


def _lower_priority(memory_mb: int) -> None:
    """Lower priority than page turns, and an address-space cap so a
    decompression bomb fails in this process alone."""
    import resource

    with suppress(OSError):
        os.nice(10)
    limit = memory_mb * 1024 * 1024
    with suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
