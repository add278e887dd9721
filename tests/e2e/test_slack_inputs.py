"""Other ways in: Slack's retries, a follow-up question in the thread, an Alertmanager webhook."""
from __future__ import annotations

import json

import pytest

from cli.demo_slack import alert_webhook_payload
from tests.bot.conftest import ALERTS, CHANNEL, USER, post, wait_for
from tests.e2e.conftest import E2E

pytestmark = pytest.mark.slow  # starts real processes

REPORT_STATUSES = ("resolved", "no_fault", "inconclusive", "escalated", "aborted")


def test_a_slack_retry_of_the_command_does_not_start_a_second_investigation(e2e: E2E) -> None:
    first = e2e.slack.command("payment timeouts", trigger_id="trig.retry.1")
    retried = e2e.slack.command("payment timeouts", trigger_id="trig.retry.1",
                                headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert first.status == retried.status == 200
    e2e.start_worker()
    root = e2e.root()
    e2e.card(root)

    roots = [m for m in e2e.fake.messages(CHANNEL) if m.thread_ts is None]
    assert len(roots) == 1
    assert e2e.thread(root).count("Approval needed") == 1
    wait_for(lambda: e2e.queue.count == 0 and not e2e.queue.started_job_registry.get_job_ids(), what="idle queue")
    assert len(e2e.queue.finished_job_registry.get_job_ids()) == 1


@pytest.mark.parametrize("scenario_name", ["checkout-recovered-no-fault"])
def test_a_question_in_the_thread_is_answered_there_by_the_follow_up_job(e2e: E2E) -> None:
    e2e.slack.command("checkout slow", user=USER)
    e2e.start_worker()
    root = e2e.root()
    assert e2e.wait_status(root, *REPORT_STATUSES).status == "no_fault"
    reports_before = e2e.thread(root).count("No fault found")

    question = e2e.fake.user_post(CHANNEL, "why do you say nothing is wrong?", user=USER, thread_ts=root.ts)
    reply = e2e.slack.event({"type": "message", "channel": CHANNEL, "user": USER, "text": question.text,
                             "ts": question.ts, "thread_ts": root.ts, "channel_type": "channel"})
    assert reply.status == 200

    answered = wait_for(lambda: e2e.thread(root).count("No fault found") > reports_before, timeout=30,
                        what="the answer in the thread")
    assert answered
    thread = e2e.thread(root)
    assert "Q: why do you say nothing is wrong?" in thread  # the answer quotes the question
    assert thread.index("why do you say nothing is wrong?") < thread.rindex("From the investigation")
    assert wait_for(lambda: any(j.endswith("-followup-1") for j in e2e.queue.finished_job_registry.get_job_ids()),
                    what="the follow-up job to finish")


@pytest.mark.parametrize("scenario_name", ["inventory-crashloop-missing-env"])
def test_an_alertmanager_webhook_opens_an_investigation_in_the_alert_channel(e2e: E2E) -> None:
    body = alert_webhook_payload(dict(e2e.scenario.trigger["alert"]))
    answer = post(f"{e2e.http.url}/alertmanager", json.dumps(body), {"Content-Type": "application/json"})
    assert answer.status == 200 and answer.json()["action"] == "started"
    e2e.start_worker()

    root = e2e.root(ALERTS)
    assert root.ts == answer.json()["thread_ts"]
    card = e2e.card(root)
    thread = e2e.thread(root)
    assert "KubePodCrashLooping" in thread and "inventory" in thread
    assert "Approval needed" in thread and card.channel == ALERTS
    assert e2e.incident(root).source == "alert_webhook"
    assert not e2e.fake.messages(CHANNEL)  # nothing in other channels


def test_a_question_while_a_fix_awaits_approval_is_told_to_wait_and_leaves_the_approval_alone(e2e: E2E) -> None:
    e2e.slack.command("payment timeouts", user=USER)
    e2e.start_worker()
    root = e2e.root()
    card = e2e.card(root)

    question = e2e.fake.user_post(CHANNEL, "is it safe to roll back?", user=USER, thread_ts=root.ts)
    e2e.slack.event({"type": "message", "channel": CHANNEL, "user": USER, "text": question.text,
                     "ts": question.ts, "thread_ts": root.ts, "channel_type": "channel"})

    wait_for(lambda: "waiting for a decision on the proposed fix" in e2e.thread(root), timeout=20,
             what="the answer")
    assert e2e.thread(root).count("Approval needed") == 1
    assert e2e.wait_status(root, "awaiting_approval")
    assert e2e.click(card, approve=True).status == 200  # the pending approval still works afterwards
    assert e2e.wait_status(root, *REPORT_STATUSES).status == "resolved"
