"""Redis down at ack time: a clear ephemeral error, no crash, and the next command works once it is back."""
from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
import redis
from rq import Queue

from bot.app import build_app
from bot.http import BotWSGI, HTTPServer
from sandbox.slack_api import FakeSlack
from tests.bot.conftest import CHANNEL, SlackSender, make_settings, wait_for
from tests.conftest import RedisServer


@pytest.fixture()
def own_redis() -> Iterator[RedisServer]:
    """A redis-server of this test's own, to stop and start again."""
    server = RedisServer()
    server.start()
    yield server
    server.stop()
    shutil.rmtree(server.dir, ignore_errors=True)


def test_a_command_while_redis_is_down_gets_a_clear_error_and_works_once_redis_is_back(
        own_redis: RedisServer, fake_slack: FakeSlack) -> None:
    settings = make_settings(own_redis.url, fake_slack)
    server = HTTPServer(BotWSGI(build_app(settings)), port=0).start()
    slack = SlackSender(server.url, fake_slack)
    try:
        own_redis.stop()
        down = slack.command("payment errors in prod")
        status = slack.command("status")
        own_redis.start()
        up = slack.command("payment errors in prod")
        queue = Queue(settings.queue_name, connection=redis.Redis.from_url(own_redis.url))
        wait_for(lambda: queue.count == 1, what="the job once Redis is back")
    finally:
        server.stop()

    assert down.status == 200 and down.seconds < 3
    assert down.json()["text"] == (f":x: couldn't queue the investigation: Redis at {own_redis.url} is unreachable; "
                                   "try again in a minute")
    assert "couldn't read the status" in status.json()["text"]
    assert "Investigating" in up.json()["text"]
    assert len(fake_slack.messages(CHANNEL)) == 1  # no root message was posted while Redis was down


def test_readiness_reports_redis_and_liveness_does_not_depend_on_it(
        own_redis: RedisServer, fake_slack: FakeSlack) -> None:
    import urllib.error
    import urllib.request

    server = HTTPServer(BotWSGI(build_app(make_settings(own_redis.url, fake_slack))), port=0).start()

    def get(path: str) -> int:
        try:
            with urllib.request.urlopen(f"{server.url}{path}", timeout=5) as resp:
                return int(resp.status)
        except urllib.error.HTTPError as exc:
            return exc.code

    try:
        before = (get("/healthz"), get("/readyz"))
        own_redis.stop()
        during = (get("/healthz"), get("/readyz"))
        missing = get("/nope")
    finally:
        server.stop()
    assert before == (200, 200) and during == (200, 503) and missing == 404


def test_a_mention_while_redis_is_down_gets_an_ephemeral_error(own_redis: RedisServer, fake_slack: FakeSlack) -> None:
    server = HTTPServer(BotWSGI(build_app(make_settings(own_redis.url, fake_slack))), port=0).start()
    try:
        own_redis.stop()
        post_ = fake_slack.user_post(CHANNEL, "<@UDEBUGBOT> orders are failing", user="UONCALL")
        SlackSender(server.url, fake_slack).event({"type": "app_mention", "channel": CHANNEL, "user": "UONCALL",
                                                   "text": post_.text, "ts": post_.ts})
        note = wait_for(lambda: fake_slack.ephemerals(user="UONCALL"), what="the ephemeral")
    finally:
        server.stop()
    assert "is unreachable; try again in a minute" in note[0]["text"]


def test_clicks_and_webhooks_while_redis_is_down_fail_cleanly(own_redis: RedisServer, fake_slack: FakeSlack) -> None:
    import json

    from bot.cards import APPROVE_ACTION
    from tests.bot.conftest import APPROVER, post

    server = HTTPServer(BotWSGI(build_app(make_settings(own_redis.url, fake_slack))), port=0).start()
    try:
        own_redis.stop()
        card = fake_slack.user_post(CHANNEL, "approval card", user="UDEBUGBOT")
        SlackSender(server.url, fake_slack).click(APPROVE_ACTION, "apr-1", user=APPROVER, channel=CHANNEL,
                                                  message_ts=card.ts, thread_ts=card.ts)
        note = wait_for(lambda: fake_slack.ephemerals(user=APPROVER), what="the ephemeral")
        hook = post(f"{server.url}/alertmanager?channel=CALERTS", json.dumps({
            "version": "4", "groupKey": "g", "status": "firing", "alerts": []}), {"Content-Type": "application/json"})
    finally:
        server.stop()
    assert "couldn't record your decision" in note[0]["text"] and "unreachable" in note[0]["text"]
    assert hook.status == 503  # Alertmanager retries later
