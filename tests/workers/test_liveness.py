"""The abandoned-job bound: heartbeats, registry entry lifetimes and maintenance ticks fit inside it."""
from __future__ import annotations

import pytest
import redis
from rq.job import Job

from tools.settings import load_settings
from workers.worker import DebugbotWorker, Liveness


@pytest.mark.parametrize("bound", [6, 7, 12, 30, 90, 91, 300, 3600])
def test_a_dead_workers_job_is_found_within_the_bound_and_a_live_ones_never_is(bound: int) -> None:
    live = Liveness(bound)
    assert live.entry_ttl_s + live.tick_s <= bound  # expiry after the last heartbeat, then one tick
    assert live.entry_ttl_s > live.heartbeat_s  # a live worker refreshes the entry before it expires
    assert live.entry_ttl_s - live.heartbeat_s >= live.heartbeat_s // 2  # and with room for a slow beat
    kwargs = live.worker_kwargs()
    assert kwargs["worker_ttl"] - 15 == live.tick_s  # RQ's idle wait is one tick: idle workers clean too


def test_the_default_bound_is_ninety_seconds_with_a_heartbeat_and_a_cleanup_every_fifteen() -> None:
    live = Liveness.from_settings(load_settings())
    assert (live.abandoned_after_s, live.heartbeat_s, live.tick_s, live.entry_ttl_s) == (90, 15, 15, 75)


def test_the_worker_gives_running_jobs_the_entry_lifetime_and_shortens_it_near_the_job_timeout(
        redis_url: str) -> None:
    connection = redis.Redis.from_url(redis_url)
    worker = DebugbotWorker(["q"], connection=connection, liveness=Liveness(90))
    job = Job.create("os.getcwd", connection=connection, timeout=600)
    assert worker.get_heartbeat_ttl(job) == 75
    assert worker.get_heartbeat_ttl(job, working_time=595) == 5 + 60  # 5 s left, then the same grace
    assert worker.job_monitoring_interval == 15 and worker.maintenance_interval == 15
