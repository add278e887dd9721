"""When things break: a worker killed mid-run, Redis down at ack time, an LLM that never answers."""
from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rq import Worker
from rq.registry import FailedJobRegistry

from bot.app import build_app
from bot.http import BotWSGI, HTTPServer
from sandbox.slack_api import FakeSlack
from tests.bot.conftest import ALERTS, USER, SlackSender, make_settings, wait_for
from tests.conftest import RedisServer
from tests.e2e.conftest import E2E
from tests.fakes.openai_server import FakeOpenAI, Turn

pytestmark = pytest.mark.slow  # starts real processes

ABANDONED_AFTER_S = 6  # the bound under test: heartbeat and maintenance every 1 s, entry lives 5 s


def process_gone(pid: int) -> bool:
    """Dead: no such process, or a zombie waiting for init to reap it (it runs nothing any more)."""
    status = Path(f"/proc/{pid}/status")
    try:
        return "State:\tZ" in status.read_text()
    except FileNotFoundError:
        return True


def test_a_worker_killed_mid_investigation_is_noticed_within_the_bound_and_the_job_resumes_from_its_checkpoint(
        e2e: E2E) -> None:
    e2e.env_overrides["ABANDONED_AFTER_S"] = str(ABANDONED_AFTER_S)
    e2e.sandbox.inject(r"/prometheus/api/v1/query", status=None, delay_s=10.0)  # a slow step to be killed in
    e2e.slack.command("payment timeouts", user=USER)
    doomed = e2e.start_worker()
    root = e2e.root()
    wait_for(lambda: "*rollout_history*" in e2e.thread(root), timeout=30, what="the investigation to be running")
    horses = wait_for(doomed.children, what="the work horse")
    job_id = e2e.queue.started_job_registry.get_job_ids()[0]
    e2e.start_worker()  # a second, idle worker: the one that must notice
    wait_for(lambda: len(Worker.all(queue=e2e.queue)) == 2, timeout=20, what="the second worker")

    doomed.kill()
    killed_at = time.monotonic()
    e2e.sandbox.clear_faults()
    assert wait_for(lambda: all(process_gone(pid) for pid in horses), what="the horse to die with its worker")

    wait_for(lambda: "was lost" in e2e.thread(root), timeout=ABANDONED_AFTER_S + 10, what="the loss to be noticed")
    noticed_after = time.monotonic() - killed_at
    card = e2e.card(root)
    thread = e2e.thread(root)

    assert noticed_after <= ABANDONED_AFTER_S + 1  # the bound (and a moment to post)
    assert "stopped sending heartbeats" in thread  # found by registry maintenance, not by its dead parent
    assert "Resuming from the last checkpoint (step 1)" in thread
    assert thread.count("Approval needed") == 1 and card is not None
    assert wait_for(lambda: e2e.queue.fetch_job(job_id).get_status() == "finished",  # the same job, retried once
                    what="the retried job to finish")
    assert len(FailedJobRegistry(queue=e2e.queue)) == 0
    assert e2e.wait_status(root, "awaiting_approval")


@pytest.fixture()
def own_redis() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    yield server
    server.stop()


def test_redis_down_at_ack_time_gets_a_clear_answer_and_the_next_command_after_it_is_back_works(
        own_redis: RedisServer, fake_slack: FakeSlack, e2e: E2E) -> None:
    settings = make_settings(own_redis.url, fake_slack, kubeconfig=str(e2e.kubeconfig),
                             prometheus_url=e2e.sandbox.prometheus_url, jaeger_url=e2e.sandbox.jaeger_url)
    server = HTTPServer(BotWSGI(build_app(settings, alert_channel=ALERTS)), host="127.0.0.1", port=0).start()
    slack = SlackSender(server.url, fake_slack)
    try:
        own_redis.stop()
        started = time.monotonic()
        down = slack.command("payment timeouts", user=USER)
        assert down.status == 200 and time.monotonic() - started < 3
        assert "couldn't queue the investigation" in down.json()["text"]
        assert f"127.0.0.1:{own_redis.port}" in down.json()["text"] and "unreachable" in down.json()["text"]
        assert not fake_slack.messages("CPAYMENTS")  # no thread promising work that will never run

        own_redis.start()
        up = slack.command("payment timeouts", user=USER)
        assert up.status == 200 and "Investigating" in up.json()["text"]
        e2e.settings = settings
        e2e.start_worker()
        root = e2e.root()
        e2e.card(root)
        assert e2e.wait_status(root, "awaiting_approval")
    finally:
        server.stop()


def test_an_llm_that_times_out_still_leaves_a_partial_report_in_the_thread(e2e: E2E) -> None:
    with FakeOpenAI([Turn(delay_s=3)], repeat_last=True) as llm:
        e2e.slack.command("payment timeouts", user=USER)
        e2e.start_worker(REASONER="llm", LLM_BASE_URL=llm.base_url, LLM_TIMEOUT_S="0.5", LLM_MAX_RETRIES="0")
        root = e2e.root()
        info = e2e.wait_status(root, "inconclusive", "escalated", "resolved", "no_fault", "aborted", timeout=30)

    thread = e2e.thread(root)
    assert info.status == "inconclusive"
    assert "Inconclusive" in thread and "partial report" in thread and "APITimeoutError" in thread
    assert "rollout" in thread  # what the analyzers found is still there
    assert len(llm.requests) >= 1
