"""`debugbot demo`: the whole path on one machine, as a user runs it."""
from __future__ import annotations

import os
import subprocess
import time

import pytest
import redis
from rq import Queue

from cli.local_redis import fake_redis_server
from tests.e2e.conftest import debugbot_command
from workers.worker import InProcessWorker

pytestmark = pytest.mark.slow  # starts real processes


def run_demo(*args: str, path: str | None = None) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEBUGBOT_")}
    if path is not None:
        env["PATH"] = path
    started = time.monotonic()
    done = subprocess.run(debugbot_command("demo", *args), env=env, capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    return done, time.monotonic() - started


def test_demo_yes_ends_with_the_verified_fix_in_the_thread_well_under_a_minute() -> None:
    done, seconds = run_demo("--yes")

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    assert "/debug payment timeouts" in out and "Investigating" in out
    assert "Approval needed: rollback_deployment Deployment prod/payment" in out
    assert "you clicked Approve" in out
    assert "executed and verified" in out and "payment:2.4.0" in out
    assert out.rstrip().splitlines()[-1].startswith("the rollout of revision 7 of payment caused the symptoms")
    assert ": resolved in" in out
    assert seconds < 30


def test_demo_without_an_answer_at_the_prompt_rejects_and_changes_nothing() -> None:
    done, _ = run_demo()  # stdin is closed: no "y", so the default N

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Approve? [y/N]" in done.stdout and "you clicked Reject" in done.stdout
    assert "Rejected* by @you" in done.stdout and "executed" not in done.stdout
    assert ": escalated in" in done.stdout


def test_demo_without_redis_server_on_path_says_so_and_still_ends_with_the_fix() -> None:
    done, _ = run_demo("--yes", path="/nonexistent")

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "redis-server is not installed: using fakeredis" in done.stdout
    assert "executed and verified" in done.stdout and ": resolved in" in done.stdout


def test_the_fakeredis_fallback_carries_rq_jobs_and_redis_locks() -> None:
    with fake_redis_server() as store:
        assert store.kind == "fakeredis" and "redis-server is not installed" in store.note
        connection = redis.Redis.from_url(store.url)
        queue = Queue("fallback", connection=connection)
        first = queue.enqueue_call("os.getcwd", job_id="first", unique=True)
        second = queue.enqueue_call("os.getpid", job_id="second", depends_on=first)
        with connection.lock("a-lock", timeout=5, blocking_timeout=1):
            pass
        InProcessWorker([queue], connection=connection).work(burst=True, logging_level="WARNING")

        assert first.get_status(refresh=True) == "finished" and second.get_status(refresh=True) == "finished"
        assert second.return_value() > 0
