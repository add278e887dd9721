"""Alerts from Alertmanager: its Slack receiver's posts and its webhook, one investigation per group."""
from __future__ import annotations

import copy
import json
import time
from typing import Any

from rq import Queue

from bot.alert_parse import group_from_message
from bot.app import build_app
from bot.http import BotWSGI, HTTPServer
from bot.incident import incident_id
from bot.payloads import INVESTIGATE_JOB, InvestigatePayload, parse_payload
from sandbox.slack_api import FakeSlack
from tests.bot.conftest import ALERTS, CHANNEL, TEAM, SlackSender, make_settings, post, wait_for

AM_TEXT = ("*Alert:* Pod is crash looping. - `warning`\n"
           "*Description:* Pod prod/payment-7d4b9c8f6-x2kqj (payment) is in waiting state "
           "(reason: \"CrashLoopBackOff\").\n"
           "*Details:*\n  • *alertname:* `KubePodCrashLooping`\n  • *namespace:* `prod`\n"
           "  • *pod:* `payment-7d4b9c8f6-x2kqj`\n  • *container:* `payment`\n  • *severity:* `warning`\n")


def am_attachment(status: str = "FIRING:1") -> dict[str, Any]:
    return {"color": "danger", "title": f"[{status}] KubePodCrashLooping (prod payment-7d4b9c8f6-x2kqj warning)",
            "title_link": "http://alertmanager.example/#/alerts?receiver=slack", "text": AM_TEXT,
            "fallback": f"[{status}] KubePodCrashLooping"}


def alert_event(fake: FakeSlack, status: str = "FIRING:1") -> dict[str, Any]:
    """Alertmanager posts into the channel; Slack sends us the bot_message event."""
    msg = fake.user_post(CHANNEL, "", user="", attachments=[am_attachment(status)])
    return {"type": "message", "subtype": "bot_message", "bot_id": "BALERTMANAGER", "username": "Alertmanager",
            "channel": CHANNEL, "ts": msg.ts, "text": "", "attachments": [am_attachment(status)]}


def test_the_slack_receiver_title_and_text_become_an_alert_dict() -> None:
    group = group_from_message({"ts": "1700000000.000100", "attachments": [am_attachment()]})

    assert group is not None and group.status == "firing" and group.count == 1
    assert group.group_key == "KubePodCrashLooping (prod payment-7d4b9c8f6-x2kqj warning)"
    labels, annotations = group.alert["labels"], group.alert["annotations"]
    assert labels == {"alertname": "KubePodCrashLooping", "namespace": "prod", "pod": "payment-7d4b9c8f6-x2kqj",
                      "container": "payment", "severity": "warning"}
    assert annotations["summary"].startswith("Pod is crash looping.")
    assert "CrashLoopBackOff" in annotations["description"]
    assert group.alert["startsAt"] == "2023-11-14T22:13:20Z"
    assert group_from_message({"attachments": [{"title": "deploy finished"}]}) is None


def test_an_alert_post_starts_one_investigation_in_its_own_thread_and_repeats_go_there(
        slack: SlackSender, fake_slack: FakeSlack, queue: Queue) -> None:
    first = alert_event(fake_slack)
    slack.event(first)
    wait_for(lambda: queue.count == 1, what="the investigation")
    payload = parse_payload(queue.jobs[0].args[0])
    assert isinstance(payload, InvestigatePayload) and queue.jobs[0].func_name == INVESTIGATE_JOB
    assert payload.thread_ts == first["ts"] and payload.user_id is None
    assert payload.incident_id == incident_id(TEAM, CHANNEL, first["ts"])
    assert isinstance(payload.trigger, dict) and payload.trigger["labels"]["pod"] == "payment-7d4b9c8f6-x2kqj"
    assert payload.text.startswith("KubePodCrashLooping: Pod is crash looping.")

    slack.event(alert_event(fake_slack))  # Alertmanager repeats the group while it fires
    wait_for(lambda: "Still firing" in fake_slack.render_thread(CHANNEL, first["ts"]), what="still firing note")
    slack.event(alert_event(fake_slack, "RESOLVED"))
    wait_for(lambda: "Resolved" in fake_slack.render_thread(CHANNEL, first["ts"]), what="resolved note")

    time.sleep(0.2)
    assert queue.count == 1
    slack.event(alert_event(fake_slack))  # fires again after resolving: a new investigation
    wait_for(lambda: queue.count == 2, what="a second investigation")


def webhook_payload(status: str = "firing",
                    group_key: str = '{}/{}:{alertname="KubePodCrashLooping"}') -> dict[str, Any]:
    alert: dict[str, Any] = {"status": status, "labels": {"alertname": "KubePodCrashLooping", "namespace": "prod",
                                          "pod": "payment-7d4b9c8f6-x2kqj", "severity": "warning"},
             "annotations": {"summary": "Pod is crash looping.",
                             "description": "Pod prod/payment-7d4b9c8f6-x2kqj is restarting 2.1 times / 10 minutes."},
             "startsAt": "2024-05-01T14:02:00Z", "endsAt": "0001-01-01T00:00:00Z",
             "generatorURL": "http://prometheus.example/graph?g0.expr=...", "fingerprint": "4a1b2c3d4e5f6789"}
    return {"version": "4", "groupKey": group_key, "truncatedAlerts": 0, "status": status, "receiver": "debugbot",
            "groupLabels": {"alertname": "KubePodCrashLooping"},
            "commonLabels": dict(alert["labels"]), "commonAnnotations": dict(alert["annotations"]),
            "externalURL": "http://alertmanager.example", "alerts": [alert]}


def send_webhook(base: str, body: dict[str, Any], *, query: str = "", token: str | None = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return post(f"{base}/alertmanager{query}", json.dumps(body), headers)


def test_the_webhook_opens_one_thread_per_group_and_follows_it_until_resolved(
        server: HTTPServer, fake_slack: FakeSlack, queue: Queue) -> None:
    first = send_webhook(server.url, webhook_payload())
    assert first.status == 200 and first.json()["action"] == "started"
    thread = first.json()["thread_ts"]
    root = fake_slack.message(ALERTS, thread)
    assert root is not None and root.thread_ts is None
    assert "KubePodCrashLooping" in fake_slack.render_thread(ALERTS, thread)
    assert queue.count == 1
    payload = parse_payload(queue.jobs[0].args[0])
    assert isinstance(payload, InvestigatePayload) and payload.source.value == "alert_webhook"
    assert isinstance(payload.trigger, dict) and payload.trigger["status"] == "firing"
    assert payload.trigger["labels"]["namespace"] == "prod" and payload.trigger["startsAt"] == "2024-05-01T14:02:00Z"

    again = send_webhook(server.url, webhook_payload())
    assert again.json()["action"] == "still_firing" and again.json()["thread_ts"] == thread
    resolved = send_webhook(server.url, webhook_payload("resolved"))
    assert resolved.json()["action"] == "resolved"
    text = fake_slack.render_thread(ALERTS, thread)
    assert "Still firing" in text and "Resolved" in text
    assert queue.count == 1
    assert len([m for m in fake_slack.messages(ALERTS) if m.thread_ts is None]) == 1


def test_the_webhook_takes_its_channel_from_the_url_and_refuses_a_bad_token_or_body(
        redis_url: str, fake_slack: FakeSlack, queue: Queue) -> None:
    bot = build_app(make_settings(redis_url, fake_slack), alertmanager_token="s3cret")
    server = HTTPServer(BotWSGI(bot), port=0).start()
    try:
        body = webhook_payload(group_key="g-other")
        assert send_webhook(server.url, body, query="?channel=COPS").status == 401
        assert send_webhook(server.url, body, query="?channel=COPS", token="wrong").status == 401
        assert send_webhook(server.url, {"version": "4"}, query="?channel=COPS", token="s3cret").status == 400
        assert send_webhook(server.url, body, token="s3cret").status == 400  # no channel anywhere
        ok = send_webhook(server.url, body, query="?channel=COPS", token="s3cret")
    finally:
        server.stop()
    assert ok.status == 200 and ok.json()["action"] == "started"
    assert fake_slack.messages("COPS") and queue.count == 1


def test_concurrent_deliveries_of_one_group_start_one_investigation(
        server: HTTPServer, fake_slack: FakeSlack, queue: Queue) -> None:
    from concurrent.futures import ThreadPoolExecutor

    body = webhook_payload(group_key="g-race")
    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda _: send_webhook(server.url, copy.deepcopy(body)), range(8)))
    actions = sorted(r.json()["action"] for r in replies)
    assert actions.count("started") == 1
    assert queue.count == 1
