"""Process pools for PDF work, so PyMuPDF never runs on the event loop.

A task that runs past its timeout, or a worker that dies (a crafted PDF,
the memory cap), costs a restart of that pool, never the server.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from meeting_server.documents.pdf import init_worker

log = logging.getLogger(__name__)


class WorkerFailed(Exception):
    """The task timed out or its worker died."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "timeout" or "crashed"


class WorkerPool:
    def __init__(self, name: str, workers: int, memory_mb: int):
        self.name = name
        self.workers = workers
        self.memory_mb = memory_mb
        self._executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers,
            # spawn, not fork: forking a threaded asyncio process is unsafe.
            mp_context=multiprocessing.get_context("spawn"),
            initializer=init_worker,
            initargs=(self.memory_mb,),
        )

    async def run(self, fn: Callable[..., Any], *args: Any, timeout: float) -> Any:
        for attempt in range(2):
            executor = self._executor
            try:
                future = asyncio.get_running_loop().run_in_executor(executor, fn, *args)
                return await asyncio.wait_for(future, timeout)
            except asyncio.TimeoutError:
                log.warning("%s: task %s timed out after %ss; restarting the pool", self.name, fn.__name__, timeout)
                self._restart(executor)
                raise WorkerFailed("timeout") from None
            except BrokenProcessPool:
                restarted_by_other = executor is not self._executor
                self._restart(executor)
                # Killed because another task in the same pool timed out: try once more.
                if restarted_by_other and attempt == 0:
                    continue
                log.warning("%s: worker died running %s", self.name, fn.__name__)
                raise WorkerFailed("crashed") from None
        raise WorkerFailed("crashed")

    def _restart(self, executor: ProcessPoolExecutor) -> None:
        if executor is not self._executor:
            return
        self._executor = self._new_executor()
        _kill(executor)

    def shutdown(self) -> None:
        _kill(self._executor)


def _kill(executor: ProcessPoolExecutor) -> None:
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        try:
            process.kill()
        except Exception:
            pass
    executor.shutdown(wait=False, cancel_futures=True)
