"""The nodes' broker (Redis, through python-socketio's own manager), through an outage.

python-socketio already keeps a node serving its own tablets while Redis is
down: an emit is delivered on this node before it is published, and a
failed publish is logged and dropped. Two things are ours:

- the subscription is retried every second, not with python-socketio's
  backoff that grows to a minute, so a node is back in the fan-out soon
  after Redis is;
- once subscribed again, the node tells its own tablets to rejoin
  (`server:resync`). Events the other nodes sent during the outage never
  reached this node, but they are in the meeting's log: a rejoin with
  `since_seq` replays them. Clients cannot find the hole themselves, since
  a gap in `seq` is not a loss (other users' private events take numbers).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import socketio

log = logging.getLogger("meeting_server.broker")

RETRY_EVERY_S = 1.0


class ResilientRedisManager(socketio.AsyncRedisManager):
    def __init__(self, url: str, **kwargs):
        super().__init__(url, **kwargs)
        # Set once the app is built: sends `server:resync` to this node's sockets (eventlog/outbox.py).
        self.on_resubscribed: Callable[[], Awaitable[None]] | None = None

    async def _redis_listen_with_retries(self) -> AsyncIterator[dict]:
        # python-socketio's loop (async_redis_manager.py), with a fixed retry and the resync hook.
        subscribed, outage = False, False
        while True:
            try:
                if not subscribed:
                    self._redis_connect()
                    await self.pubsub.subscribe(self.channel)
                    subscribed = True
                    if outage:
                        outage = False
                        log.warning("the broker is back: this node receives the other nodes' events again")
                        if self.on_resubscribed is not None:
                            await self.on_resubscribed()
                async for message in self.pubsub.listen():
                    yield message
            except Exception as exc:
                if not outage:
                    log.error("the broker is unreachable (%s): serving this node's own tablets only", exc)
                outage, subscribed = True, False
                await asyncio.sleep(RETRY_EVERY_S)
