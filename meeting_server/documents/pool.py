"""Pools of PDF worker processes, so PyMuPDF never runs on the event loop.

Not a ProcessPoolExecutor: that cannot kill one stuck worker, only the
whole pool, and that cancelled every render queued behind it. Here each
worker is a process of its own (documents/worker.py) with its own pipes,
served by one asyncio task that hands it a job at a time:

- a job's timeout starts when a worker takes it, so waiting in the queue
  never counts against it;
- a job past its timeout, or a worker that dies (a crafted PDF, the memory
  cap, a CPU budget), costs that worker alone: it is killed and replaced on
  the next job; jobs queued or running elsewhere carry on;
- workers are spawned (forking a threaded asyncio process is unsafe) from the
  event loop's thread, the thread their PR_SET_PDEATHSIG is tied to.

Answers are small by design (a path, a summary): bulk data goes through files,
and a pipe is read by a thread of its own, never by the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from meeting_server import observability
from meeting_server.documents.worker import BUDGET_SIGNAL, worker_main

log = logging.getLogger(__name__)

_SPAWN = multiprocessing.get_context("spawn")


class WorkerFailed(Exception):
    """The job did not finish: `reason` is "timeout", "over_budget" (killed by
    its CPU budget), "crashed" or "stopped" (the server is shutting down);
    `progress` is what the job last reported before (see worker.report_progress)."""

    def __init__(self, reason: str, progress: Any = None):
        super().__init__(reason, progress)
        self.reason = reason
        self.progress = progress


@dataclass(eq=False)
class _Job:
    fn: Callable[..., Any]
    args: tuple
    timeout: float
    future: asyncio.Future
    progress: Any = None

    def settle(self, result: Any = None, error: BaseException | None = None) -> None:
        if self.future.done():  # the caller went away
            return
        if error is not None:
            self.future.set_exception(error)
        else:
            self.future.set_result(result)


class _Process:
    """One worker process, its two pipe ends, and a thread that reads its answers into the loop."""

    def __init__(self, name: str, memory_mb: int, initializer: Callable[[], None] | None):
        job_reader, self.jobs = _SPAWN.Pipe(duplex=False)
        self.results, result_writer = _SPAWN.Pipe(duplex=False)
        self.process = _SPAWN.Process(
            target=worker_main,
            args=(job_reader, result_writer, os.getpid(), memory_mb, initializer),
            name=f"{name}-worker",
            daemon=True,
        )
        self.process.start()
        # Only the worker holds these ends now: its death is our end-of-file.
        job_reader.close()
        result_writer.close()
        self.inbox: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        loop = asyncio.get_running_loop()
        threading.Thread(target=self._read, args=(loop,), name=f"{name}-reader", daemon=True).start()

    def _read(self, loop: asyncio.AbstractEventLoop) -> None:
        while True:
            try:
                message = self.results.recv()
            except (EOFError, OSError):
                message = ("dead", None)
            except Exception as exc:  # an answer that does not unpickle
                message = ("error", RuntimeError(f"unreadable answer: {exc}"))
            try:
                loop.call_soon_threadsafe(self.inbox.put_nowait, message)
            except RuntimeError:  # the loop is closed: the server is gone
                return
            if message[0] == "dead":
                self.results.close()
                return

    def idle_and_alive(self) -> bool:
        """Alive, and nothing left over from an earlier job (such as its death while idle)."""
        while not self.inbox.empty():
            if self.inbox.get_nowait()[0] == "dead":
                return False
        return self.process.is_alive()

    async def exit_code(self) -> int | None:
        await asyncio.to_thread(self.process.join, 5)
        return self.process.exitcode

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        self.jobs.close()
        # Reap it off the loop, so no zombie is left behind.
        threading.Thread(target=self.process.join, args=(10,), daemon=True).start()


class WorkerPool:
    def __init__(self, name: str, workers: int, memory_mb: int, initializer: Callable[[], None] | None = None):
        self.name = name
        self.workers = workers
        self.memory_mb = memory_mb
        self.initializer = initializer
        self._queue: asyncio.Queue[_Job] = asyncio.Queue()
        self._servers: list[asyncio.Task] = []
        self._live: set[_Process] = set()
        self._stopped = False

    async def run(self, fn: Callable[..., Any], *args: Any, timeout: float) -> Any:
        """fn(*args) in a worker; `timeout` seconds from when a worker takes it.
        Raises what fn raised, or WorkerFailed."""
        if self._stopped:
            raise WorkerFailed("stopped")
        if not self._servers:
            self._servers = [asyncio.create_task(self._serve(), name=f"{self.name}-{n}") for n in range(self.workers)]
        job = _Job(fn, args, timeout, asyncio.get_running_loop().create_future())
        with observability.pdf_job(self.name):  # queued or running: /metrics meeting_pdf_jobs
            self._queue.put_nowait(job)
            return await job.future

    async def _serve(self) -> None:
        """One worker slot: its process, started on demand, and the jobs it takes in turn."""
        worker: _Process | None = None
        while True:
            job = await self._queue.get()
            if job.future.done():
                continue
            try:
                if worker is None or not worker.idle_and_alive():
                    if worker is not None:
                        self._retire(worker)
                        worker = None
                    worker = _Process(self.name, self.memory_mb, self.initializer)
                    self._live.add(worker)
                if not await self._run(worker, job):
                    self._retire(worker)
                    worker = None
            except asyncio.CancelledError:
                job.settle(error=WorkerFailed("stopped", job.progress))
                raise
            except Exception:  # no process could be started (out of memory, of file descriptors...)
                log.exception("%s: cannot run %s", self.name, job.fn.__name__)
                job.settle(error=WorkerFailed("crashed", job.progress))
                if worker is not None:
                    self._retire(worker)
                    worker = None
                await asyncio.sleep(1)  # then try again with the next job, not in a tight loop

    async def _run(self, worker: _Process, job: _Job) -> bool:
        """Run one job on `worker`; False when the worker had to go."""
        try:
            # In a thread: the arguments of an annotated copy may be megabytes, more than a pipe holds.
            await asyncio.to_thread(worker.jobs.send, (job.fn, job.args))
        except (OSError, EOFError):  # it died while idle, just now
            job.settle(error=WorkerFailed("crashed"))
            return False
        except Exception as exc:  # the job does not pickle: nothing was sent
            job.settle(error=exc)
            return True
        deadline = asyncio.get_running_loop().time() + job.timeout
        while True:
            try:
                async with asyncio.timeout_at(deadline):
                    kind, payload = await worker.inbox.get()
            except TimeoutError:
                log.warning("%s: %s ran past %ss; its worker is replaced", self.name, job.fn.__name__, job.timeout)
                job.settle(error=WorkerFailed("timeout", job.progress))
                return False
            if kind == "progress":
                job.progress = payload
            elif kind == "ok":
                job.settle(payload)
                return True
            elif kind == "error":
                job.settle(error=payload)
                return True
            else:
                code = await worker.exit_code()
                reason = "over_budget" if code == -BUDGET_SIGNAL else "crashed"
                log.warning("%s: worker died running %s (exit code %s)", self.name, job.fn.__name__, code)
                job.settle(error=WorkerFailed(reason, job.progress))
                return False

    def _retire(self, worker: _Process) -> None:
        self._live.discard(worker)
        worker.kill()

    def shutdown(self) -> None:
        """Kill every worker; what is queued or running fails with WorkerFailed("stopped")."""
        self._stopped = True
        for task in self._servers:
            task.cancel()
        for worker in list(self._live):
            self._retire(worker)
        while not self._queue.empty():
            self._queue.get_nowait().settle(error=WorkerFailed("stopped"))
