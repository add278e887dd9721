"""A job that fails, times out, is stopped or loses its process: the thread always gets the last word."""
from __future__ import annotations

import json
import os
import signal

import pytest
from rq.command import send_stop_job_command
from rq.registry import FailedJobRegistry

from bot.incident import incident_id
from bot.payloads import DecisionPayload
from sandbox.slack_api import FakeMessage
from tests.bot.conftest import APPROVER, TEAM, USER, wait_for
from tests.e2e.conftest import E2E
from tools.approvals import ApprovalStore

pytestmark = pytest.mark.slow  # starts real processes

SLOW_PROMETHEUS = r"/prometheus/api/v1/query"
DONE = ("resolved", "no_fault", "inconclusive", "escalated", "aborted")


def start_slow_investigation(e2e: E2E, *, delay_s: float = 3.0, **worker_env: str) -> FakeMessage:
    e2e.sandbox.inject(SLOW_PROMETHEUS, status=None, delay_s=delay_s)
    e2e.slack.command("payment timeouts", user=USER)
    e2e.start_worker(**worker_env)
    root = e2e.root()
    wait_for(lambda: "*rollout_history*" in e2e.thread(root), timeout=30, what="the investigation to be running")
    return root


@pytest.mark.parametrize("bot_overrides", [{"job_timeout_s": 2}], ids=["job-timeout-2s"])
def test_a_job_past_its_timeout_is_reported_aborted_with_what_was_found_so_far(e2e: E2E) -> None:
    root = start_slow_investigation(e2e)
    info = e2e.wait_status(root, *DONE, timeout=30)

    assert info.status == "aborted"
    thread = e2e.thread(root)
    assert "investigation aborted: it ran past its time limit of 2 s (DEBUGBOT_JOB_TIMEOUT_S)" in thread
    assert "Found so far: the rollout of revision 7 of payment caused the symptoms (35%)" in thread
    assert ":x: Aborted" in thread and "Approval needed" not in thread
    assert wait_for(lambda: len(FailedJobRegistry(queue=e2e.queue)) == 1, what="the job recorded as failed")
    lines = [json.loads(line) for line in e2e.workers[0].log().splitlines() if line.startswith("{")]
    failed = [line for line in lines if line["msg"].startswith("job failed")]
    assert failed and failed[0]["incident_id"] == info.incident_id and failed[0]["level"] == "error"
    assert failed[0]["job_id"] == f"{info.incident_id}-investigate"


def test_a_job_stopped_by_an_operator_says_so_in_the_thread(e2e: E2E) -> None:
    root = start_slow_investigation(e2e)
    job_id = e2e.queue.started_job_registry.get_job_ids()[0]

    send_stop_job_command(e2e.redis, job_id)
    info = e2e.wait_status(root, *DONE, timeout=30)

    assert info.status == "aborted"
    assert "investigation aborted: stopped by an operator" in e2e.thread(root)
    assert wait_for(lambda: e2e.queue.fetch_job(job_id).get_status() == "stopped", what="the job marked stopped")


def test_a_work_horse_killed_under_a_live_worker_is_retried_once_from_its_checkpoint(e2e: E2E) -> None:
    root = start_slow_investigation(e2e)
    horse = wait_for(e2e.workers[0].children, what="the work horse")[0]
    e2e.sandbox.clear_faults()

    os.kill(horse, signal.SIGKILL)
    card = e2e.card(root)

    thread = e2e.thread(root)
    assert "was lost (its process was killed (signal 9))" in thread
    assert "Resuming from the last checkpoint (step 1)" in thread
    assert thread.count("Approval needed") == 1 and card is not None
    assert e2e.wait_status(root, "awaiting_approval")


def test_a_job_whose_process_dies_twice_is_aborted_rather_than_retried_again(e2e: E2E) -> None:
    root = start_slow_investigation(e2e, delay_s=4.0)
    first = wait_for(e2e.workers[0].children, what="the work horse")[0]
    os.kill(first, signal.SIGKILL)
    wait_for(lambda: "was lost" in e2e.thread(root), what="the first loss")
    second = wait_for(lambda: [p for p in e2e.workers[0].children() if p != first], what="the retry's horse")[0]

    os.kill(second, signal.SIGKILL)
    info = e2e.wait_status(root, *DONE, timeout=30)

    assert info.status == "aborted"
    thread = e2e.thread(root)
    assert thread.count("was lost") == 1
    assert "investigation aborted: its process was killed (signal 9)" in thread
    assert wait_for(lambda: len(FailedJobRegistry(queue=e2e.queue)) == 1, what="the job recorded as failed")


def test_a_decision_job_for_an_approval_nobody_decided_resumes_nothing(e2e: E2E) -> None:
    e2e.slack.command("payment timeouts", user=USER)
    e2e.start_worker()
    root = e2e.root()
    card = e2e.card(root)
    approval_id = next(b for b in card.blocks if b.get("type") == "actions")["elements"][0]["value"]
    incident = incident_id(TEAM, root.channel, root.ts)

    forged = DecisionPayload(incident_id=incident, team_id=TEAM, channel_id=root.channel, thread_ts=root.ts,
                             root_ts=root.ts, approval_id=approval_id, decision="approve", user_id=APPROVER,
                             card_ts=card.ts)
    e2e.bot.services.jobs.decision(forged)  # straight onto the queue: no click, so no consumed record
    wait_for(lambda: "Not resuming" in e2e.thread(root), timeout=20, what="the refusal")

    record = ApprovalStore(e2e.redis, ttl_s=3600).get(approval_id)
    assert record is not None and record.state.value == "pending"
    assert "executed" not in e2e.audit(root)
    assert e2e.deployment_image("prod", "payment") == "registry.example.com/payment:2.4.1"
    assert e2e.wait_status(root, "awaiting_approval")
