"""The write path's own machinery, run for real on an event loop: the
per-meeting locks, and the sender that keeps a meeting's events in order."""

from __future__ import annotations

import asyncio
import threading

import socketio

from meeting_server.eventlog.outbox import Outgoing, Sender, _KeyedLocks


def run_on_a_fresh_loop(scenario) -> None:
    """asyncio.run in a thread of its own: the browser tests' sync Playwright
    keeps an event loop running in the main thread for the whole session."""
    failure: list[BaseException] = []

    def target():
        try:
            asyncio.run(scenario())
        except BaseException as exc:  # handed to the test's thread below
            failure.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(60)
    if failure:
        raise failure[0]


def test_locks_exist_only_while_held_or_awaited():
    """A client naming 20,000 meeting ids that do not exist leaves nothing behind."""

    async def scenario():
        locks = _KeyedLocks()
        for key in range(20_000):
            async with locks.hold(key):
                assert len(locks) == 1
        assert len(locks) == 0
        order = []

        async def hold(name: str):
            async with locks.hold(7):
                order.append(f"{name} in")
                await asyncio.sleep(0.01)
                order.append(f"{name} out")

        await asyncio.gather(hold("a"), hold("b"))
        assert order == ["a in", "a out", "b in", "b out"]
        assert len(locks) == 0

    run_on_a_fresh_loop(scenario)


class _RecordingServer(socketio.AsyncServer):
    """A real AsyncServer whose emits take a while and note their order."""

    def __init__(self):
        super().__init__(async_mode="asgi")
        self.sent: list[int] = []

    async def emit(self, event, data=None, **kwargs):
        await asyncio.sleep(0.001 * (data["seq"] % 3))
        self.sent.append(data["seq"])


def test_sender_keeps_commit_order_per_meeting_and_forgets_idle_meetings():
    async def scenario():
        sio = _RecordingServer()
        sender = Sender(sio)
        done = [sender.post(1, [Outgoing("page:turned", {"seq": seq}, "meeting:1")]) for seq in range(1, 30)]
        await asyncio.gather(*done)
        assert sio.sent == list(range(1, 30))
        assert sender.pending() == 0 and not sender._tasks

    run_on_a_fresh_loop(scenario)
