"""The bot's Prometheus series (investigations started, approvals, queue) and the /metrics WSGI route.

`debugbot serve` is one process (threads, no forks), so these live in prometheus_client's
default registry and are read at scrape time. The queue's depth and age are not counted
here but read from Redis by a collector on each scrape, so every replica of the bot reports
the same truth. The workers' series (workers/metrics.py) are served by each worker itself.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from typing import Any

import redis
from prometheus_client import REGISTRY, CollectorRegistry, Counter, make_wsgi_app
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from rq import Queue
from rq.job import Job
from rq.registry import StartedJobRegistry

log = logging.getLogger(__name__)
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

INVESTIGATIONS_STARTED = Counter(
    "debugbot_investigations_started", "Investigations queued by the bot, by trigger (command, mention, alert...).",
    ["source"])
APPROVALS = Counter(
    "debugbot_approvals", "Approve/Reject clicks by outcome: approved, rejected, expired, already_decided, "
    "refused (not an approver), unknown (record gone).", ["outcome"])


def investigation_started(source: str) -> None:
    INVESTIGATIONS_STARTED.labels(source=source).inc()


def approval(outcome: str) -> None:
    APPROVALS.labels(outcome=outcome).inc()


def _enqueued_at(raw: bytes | str | None) -> float | None:
    """RQ's `enqueued_at` (`2026-01-02T03:04:05.123456Z`, UTC) as a Unix time."""
    if not raw:
        return None
    text = raw.decode() if isinstance(raw, bytes) else raw
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


class QueueCollector(Collector):
    """debugbot_queue_depth, debugbot_queue_oldest_age_seconds, debugbot_jobs_running and debugbot_redis_up,
    read from RQ's keys in Redis at scrape time (LLEN, the head job's enqueued_at, the started registry)."""

    def __init__(self, client: redis.Redis, *, queue_name: str, clock: Callable[[], float] = time.time) -> None:
        self.client, self.queue_name, self.clock = client, queue_name, clock

    def describe(self) -> list[Any]:
        return []  # read at scrape time only: registering must not touch Redis

    def _read(self) -> tuple[int, float, int]:
        queue = Queue(self.queue_name, connection=self.client)
        pipe = self.client.pipeline(transaction=False)
        pipe.llen(queue.key)
        pipe.lindex(queue.key, 0)
        pipe.zcard(StartedJobRegistry(queue=queue).key)
        depth, head, running = pipe.execute()
        age = 0.0
        if head is not None:  # RQ pushes on the right and pops on the left: the head waited longest
            head_id = head.decode() if isinstance(head, bytes) else str(head)
            enqueued = _enqueued_at(self.client.hget(Job.key_for(head_id), "enqueued_at"))
            age = max(0.0, self.clock() - enqueued) if enqueued is not None else 0.0
        return int(depth), age, int(running)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("debugbot_redis_up", "1 when the bot could read the queue from Redis at this scrape.")
        try:
            depth, age, running = self._read()
        except redis.RedisError as exc:
            log.warning("metrics: cannot read the queue from Redis: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily("debugbot_queue_depth", "Jobs waiting on the RQ queue.", value=depth)
        yield GaugeMetricFamily("debugbot_queue_oldest_age_seconds",
                                "Seconds the oldest waiting job has been on the queue (0 when empty).", value=age)
        yield GaugeMetricFamily("debugbot_jobs_running", "Jobs a worker has started and not finished.",
                                value=running)


def register_queue_collector(client: redis.Redis, *, queue_name: str,
                             registry: CollectorRegistry = REGISTRY) -> QueueCollector:
    collector = QueueCollector(client, queue_name=queue_name)
    registry.register(collector)
    return collector


def metrics_routes(registry: CollectorRegistry = REGISTRY) -> dict[tuple[str, str], WSGIApp]:
    """`extra_routes` for bot.http.BotWSGI: GET /metrics in Prometheus' text format."""
    app: WSGIApp = make_wsgi_app(registry)
    return {("GET", "/metrics"): app}
