"""Events API: mentions, follow-up replies in incident threads, retries never doubling work."""
from __future__ import annotations

import time

from rq import Queue
from rq.job import JobStatus

from bot.incident import incident_id
from bot.payloads import FOLLOW_UP_JOB, INVESTIGATE_JOB, FollowUpPayload, InvestigatePayload, parse_payload
from sandbox.slack_api import FakeSlack
from tests.bot.conftest import CHANNEL, TEAM, USER, SlackSender, wait_for

BOT = "UDEBUGBOT"


def _start_incident(slack: SlackSender, fake: FakeSlack, queue: Queue) -> str:
    slack.command("checkout-api 5xx in prod")
    wait_for(lambda: queue.count == 1, what="the investigation job")
    return fake.messages(CHANNEL)[0].ts


def test_a_reply_in_an_incident_thread_enqueues_a_follow_up_behind_the_investigation(
        slack: SlackSender, fake_slack: FakeSlack, queue: Queue) -> None:
    root = _start_incident(slack, fake_slack, queue)
    reply = slack.event({"type": "message", "channel": CHANNEL, "user": USER, "text": "did the deploy at 14:00 matter?",
                         "ts": f"{float(root) + 5:.6f}", "thread_ts": root, "channel_type": "channel"})

    assert reply.status == 200
    incident = incident_id(TEAM, CHANNEL, root)
    follow = wait_for(lambda: [j for j in queue.connection.keys(f"rq:job:{incident}-followup-*")],
                      what="the follow-up job")
    from rq.job import Job
    job = Job.fetch(follow[0].decode().removeprefix("rq:job:"), connection=queue.connection)
    payload = parse_payload(job.args[0])
    assert job.func_name == FOLLOW_UP_JOB
    assert isinstance(payload, FollowUpPayload)
    assert payload.question == "did the deploy at 14:00 matter?" and payload.user_id == USER
    assert (payload.thread_ts, payload.root_ts) == (root, root)
    assert job.get_status() == JobStatus.DEFERRED  # waits for the investigation: one job at a time
    assert job.dependency_ids == [f"{incident}-investigate"]
    reactions = wait_for(lambda: fake_slack.calls("reactions.add"), what="the :eyes: reaction")
    assert reactions[0]["name"] == "eyes"


def test_a_reply_in_a_thread_that_is_no_incident_does_nothing(
        slack: SlackSender, fake_slack: FakeSlack, queue: Queue) -> None:
    slack.event({"type": "message", "channel": CHANNEL, "user": USER, "text": "lunch?", "ts": "1700000100.000200",
                 "thread_ts": "1700000000.000100"})
    slack.event({"type": "message", "channel": CHANNEL, "user": USER, "text": "a plain message",
                 "ts": "1700000101.000200"})
    time.sleep(0.3)
    assert queue.count == 0 and queue.deferred_job_registry.count == 0
    assert fake_slack.call_log() == [c for c in fake_slack.call_log() if c[0] == "auth.test"]


def test_bot_messages_in_an_incident_thread_are_not_follow_ups(
        slack: SlackSender, fake_slack: FakeSlack, queue: Queue) -> None:
    root = _start_incident(slack, fake_slack, queue)
    slack.event({"type": "message", "subtype": "bot_message", "bot_id": "BOTHER", "channel": CHANNEL,
                 "text": "step 3: checking pods", "ts": f"{float(root) + 1:.6f}", "thread_ts": root})
    slack.event({"type": "message", "user": USER, "subtype": "message_changed", "channel": CHANNEL,
                 "ts": f"{float(root) + 2:.6f}", "thread_ts": root})
    time.sleep(0.3)
    assert queue.deferred_job_registry.count == 0 and queue.count == 1


def test_an_event_retried_by_slack_is_handled_once(
        slack: SlackSender, fake_slack: FakeSlack, queue: Queue) -> None:
    post = fake_slack.user_post(CHANNEL, f"<@{BOT}> orders pods keep restarting", user=USER)
    event = {"type": "app_mention", "channel": CHANNEL, "user": USER, "text": post.text, "ts": post.ts}
    first = slack.event(event, event_id="Ev-retry-1")
    retries = [slack.event(event, event_id="Ev-retry-1", headers={"X-Slack-Retry-Num": str(n),
                                                                   "X-Slack-Retry-Reason": "http_timeout"})
               for n in (1, 2)]

    assert first.status == 200 and all(r.status == 200 for r in retries)
    wait_for(lambda: queue.count == 1, what="one job")
    time.sleep(0.3)
    assert queue.count == 1


def test_a_mention_outside_a_thread_investigates_in_a_thread_under_that_message(
        slack: SlackSender, fake_slack: FakeSlack, queue: Queue) -> None:
    mention = fake_slack.user_post(CHANNEL, f"<@{BOT}> search is slow since noon", user=USER)
    slack.event({"type": "app_mention", "channel": CHANNEL, "user": USER, "ts": mention.ts,
                 "text": f"<@{BOT}> search is slow since noon"})

    wait_for(lambda: queue.count == 1, what="the investigation")
    payload = parse_payload(queue.jobs[0].args[0])
    assert queue.jobs[0].func_name == INVESTIGATE_JOB
    assert isinstance(payload, InvestigatePayload)
    assert payload.text == "search is slow since noon" and payload.source.value == "mention"
    assert payload.thread_ts == mention.ts and payload.root_ts != mention.ts
    assert payload.incident_id == incident_id(TEAM, CHANNEL, mention.ts)
    status = fake_slack.message(CHANNEL, payload.root_ts)
    assert status is not None and status.thread_ts == mention.ts


def test_a_mention_inside_an_incident_thread_is_a_follow_up_and_not_a_second_investigation(
        slack: SlackSender, fake_slack: FakeSlack, queue: Queue) -> None:
    root = _start_incident(slack, fake_slack, queue)
    ts = f"{float(root) + 3:.6f}"
    slack.event({"type": "app_mention", "channel": CHANNEL, "user": USER, "ts": ts, "thread_ts": root,
                 "text": f"<@{BOT}> what about the database?"})
    # Slack also sends the message event for the same post; it must not make a second follow-up
    slack.event({"type": "message", "channel": CHANNEL, "user": USER, "ts": ts, "thread_ts": root,
                 "text": f"<@{BOT}> what about the database?"})

    wait_for(lambda: queue.deferred_job_registry.count == 1, what="the follow-up")
    time.sleep(0.3)
    assert queue.deferred_job_registry.count == 1 and queue.count == 1
    job = queue.fetch_job(queue.deferred_job_registry.get_job_ids()[0])
    assert job is not None
    payload = parse_payload(job.args[0])
    assert isinstance(payload, FollowUpPayload) and payload.question == "what about the database?"


def test_an_empty_mention_gets_usage_as_an_ephemeral(
        slack: SlackSender, fake_slack: FakeSlack, queue: Queue) -> None:
    slack.event({"type": "app_mention", "channel": CHANNEL, "user": USER, "ts": "1700000300.000100",
                 "text": f"<@{BOT}>"})
    note = wait_for(lambda: fake_slack.ephemerals(user=USER), what="an ephemeral")
    assert "@debugbot <what is wrong>" in note[0]["text"]
    assert queue.count == 0


def test_slack_url_verification_gets_its_challenge_back(slack: SlackSender) -> None:
    import json

    body = json.dumps({"token": "legacy", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                       "type": "url_verification"})
    reply = slack.send(body, content_type="application/json")
    assert reply.status == 200 and reply.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}
