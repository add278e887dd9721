"""Bot fixtures: the loopback fake Slack, the real Bolt app over real HTTP, signed requests, a real RQ queue."""
from __future__ import annotations

import itertools
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
import redis
from rq import Queue
from slack_sdk.signature import SignatureVerifier

from bot.app import BotApp, build_app
from bot.http import BotWSGI, HTTPServer
from sandbox.slack_api import FakeSlack
from tests.bot.blockcheck import assert_valid_blocks
from tools.settings import Settings, load_settings

SECRET = "test-signing-secret"
TEAM, CHANNEL, ALERTS = "T0DEBUG", "CPAYMENTS", "CALERTS"
USER, APPROVER, GROUP_MEMBER, STRANGER = "UONCALL", "UAPPROVER", "UGROUPIE", "USTRANGER"
APPROVER_GROUP = "SAPPROVERS"
_ids = itertools.count(1)


def wait_for(predicate: Callable[[], Any], *, timeout: float = 5.0, what: str = "condition") -> Any:
    """Poll until `predicate()` is truthy (listeners run after the ack, on Bolt's threads)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def sign(body: str, *, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 signature over `v0:{timestamp}:{body}`, with the current time unless told."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {"X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": str(SignatureVerifier(secret).generate_signature(timestamp=ts, body=body))}


@dataclass
class Reply:
    status: int
    body: str
    seconds: float

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def post(url: str, body: str, headers: dict[str, str]) -> Reply:
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return Reply(resp.status, resp.read().decode(), time.perf_counter() - start)
    except urllib.error.HTTPError as exc:
        return Reply(exc.code, exc.read().decode(), time.perf_counter() - start)


class SlackSender:
    """Builds Slack's payloads, signs them and POSTs them to /slack/events over HTTP."""

    def __init__(self, base: str, fake: FakeSlack) -> None:
        self.base, self.fake = base, fake

    def send(self, body: str, *, content_type: str, headers: dict[str, str] | None = None,
             signed: dict[str, str] | None = None) -> Reply:
        all_headers = {"Content-Type": content_type, **(signed if signed is not None else sign(body)),
                       **(headers or {})}
        return post(f"{self.base}/slack/events", body, all_headers)

    def command(self, text: str, *, user: str = USER, channel: str = CHANNEL, trigger_id: str | None = None,
                **kw: Any) -> Reply:
        form = {"token": "legacy", "team_id": TEAM, "team_domain": "debugbot", "channel_id": channel,
                "channel_name": channel.lower(), "user_id": user, "user_name": user.lower(),
                "command": "/debug", "text": text, "api_app_id": "ADEBUG",
                "response_url": self.fake.response_url(channel, user=user),
                "trigger_id": trigger_id or f"trig.{next(_ids)}"}
        return self.send(urlencode(form), content_type="application/x-www-form-urlencoded", **kw)

    def event(self, event: dict[str, Any], *, event_id: str | None = None, **kw: Any) -> Reply:
        body = {"token": "legacy", "team_id": TEAM, "api_app_id": "ADEBUG", "type": "event_callback",
                "event_id": event_id or f"Ev{next(_ids):08d}", "event_time": int(time.time()),
                "event": {"event_ts": event.get("ts", ""), **event}}
        return self.send(json.dumps(body), content_type="application/json", **kw)

    def click(self, action_id: str, value: str, *, user: str, channel: str, message_ts: str, thread_ts: str,
              block_id: str = "", **kw: Any) -> Reply:
        payload = {"type": "block_actions", "team": {"id": TEAM}, "user": {"id": user, "team_id": TEAM},
                   "api_app_id": "ADEBUG", "trigger_id": f"trig.{next(_ids)}", "channel": {"id": channel},
                   "container": {"type": "message", "channel_id": channel, "message_ts": message_ts,
                                 "thread_ts": thread_ts},
                   "message": {"ts": message_ts, "thread_ts": thread_ts, "type": "message"},
                   "response_url": self.fake.response_url(channel, message_ts=message_ts, user=user),
                   "actions": [{"type": "button", "action_id": action_id, "block_id": block_id,
                                "value": value, "action_ts": str(time.time())}]}
        return self.send(urlencode({"payload": json.dumps(payload)}),
                         content_type="application/x-www-form-urlencoded", **kw)


@pytest.fixture()
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack(team_id=TEAM)
    fake.add_user(USER, "oncall")
    fake.add_user(APPROVER, "approver")
    fake.add_usergroup(APPROVER_GROUP, [GROUP_MEMBER], handle="sre-leads")
    with fake:
        yield fake
    # every payload the bot sent through the fake, checked with slack_sdk's own models
    for method, args in fake.call_log():
        if method in ("chat.postMessage", "chat.update", "chat.postEphemeral", "response_url") and args.get("blocks"):
            assert_valid_blocks(args["blocks"])


def make_settings(redis_url: str, fake: FakeSlack, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": "xoxb-test", "slack_signing_secret": SECRET, "slack_api_url": fake.url,
        "redis_url": redis_url, "queue_name": "debugbot-test", "approver_user_ids": [APPROVER],
        "approver_group_ids": [APPROVER_GROUP], "allow_self_approval": False, "oncall_group_id": "SONCALL"}
    return load_settings(**{**values, **overrides})


@pytest.fixture()
def settings(redis_url: str, fake_slack: FakeSlack) -> Settings:
    return make_settings(redis_url, fake_slack)


@pytest.fixture()
def bot(settings: Settings) -> BotApp:
    return build_app(settings, alert_channel=ALERTS)


@pytest.fixture()
def server(bot: BotApp) -> Iterator[HTTPServer]:
    srv = HTTPServer(BotWSGI(bot), host="127.0.0.1", port=0).start()
    yield srv
    srv.stop()


@pytest.fixture()
def slack(server: HTTPServer, fake_slack: FakeSlack) -> SlackSender:
    return SlackSender(server.url, fake_slack)


@pytest.fixture()
def queue(redis_url: str, settings: Settings) -> Queue:
    return Queue(settings.queue_name, connection=redis.Redis.from_url(redis_url))
