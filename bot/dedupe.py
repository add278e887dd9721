"""Once-only delivery: Slack retries (X-Slack-Retry-Num) and replays never start a second job."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import redis
from slack_bolt import BoltContext, BoltResponse

from bot.enqueue import unreachable

log = logging.getLogger(__name__)
REDIS_ERROR = "debugbot_redis_error"  # BoltContext key: why Redis could not be used at ack time


class Deduper:
    """`SET key NX EX ttl`: the first delivery of an id wins, for `ttl_s` seconds.

    This runs before every ack, so each handler thread gets a connection of its own
    (`connect()` is called once per thread): under a burst, a shared pool's lock
    became the longest wait of the whole ack.
    """

    def __init__(self, connect: Callable[[], redis.Redis], *, ttl_s: int, prefix: str = "debugbot") -> None:
        self.connect, self.ttl_s, self.prefix = connect, ttl_s, prefix
        self._local = threading.local()

    def _client(self) -> redis.Redis:
        client: redis.Redis | None = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = self.connect()
        return client

    def first(self, kind: str, key: str) -> bool:
        return bool(self._client().set(f"{self.prefix}:dedupe:{kind}:{key}", "1", nx=True, ex=self.ttl_s))


def delivery_key(body: dict[str, Any]) -> tuple[str, str] | None:
    """What identifies one delivery: the event id for events, the trigger id for commands."""
    if body.get("type") == "event_callback" and body.get("event_id"):
        return "event", str(body["event_id"])
    if body.get("command") and body.get("trigger_id"):
        return "command", str(body["trigger_id"])
    return None


def dedupe_middleware(deduper: Deduper, *, redis_url: str) -> Callable[..., BoltResponse | None]:
    """Global Bolt middleware: drop repeats with a 200; note a Redis outage for the handlers."""

    def dedupe(body: dict[str, Any], context: BoltContext,
               next: Callable[[], None]) -> BoltResponse | None:  # noqa: A002 - Bolt injects by this name
        key = delivery_key(body)
        if key is not None:
            try:
                if not deduper.first(*key):
                    log.info("dropping repeated delivery %s %s", *key)
                    return BoltResponse(status=200, body="")
            except redis.RedisError:
                context[REDIS_ERROR] = str(unreachable(redis_url))
        next()
        return None

    return dedupe
