"""Work the server starts and does not wait for (a departing tablet's
presence, say), kept track of so that its failures are logged and a
shutdown finishes it rather than dropping it half-done."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


class Background:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def start(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(work)
        # The loop keeps only weak references to tasks: hold on to it until done.
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background work failed", exc_info=task.exception())

    async def finish(self, timeout: float) -> None:
        """Wait up to `timeout` seconds for what is running, then cancel the rest."""
        if not self._tasks:
            return
        _, late = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in late:
            task.cancel()

    def __len__(self) -> int:
        return len(self._tasks)
