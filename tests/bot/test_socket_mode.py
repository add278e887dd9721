"""Socket Mode: the same handlers over slack_sdk's built-in WebSocket client and Bolt's handler."""
from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from rq import Queue

from bot.app import BotApp
from bot.socket_mode import socket_mode_handler
from sandbox.slack_api import FakeSlack
from sandbox.slack_socket import FakeSocketMode
from tests.bot.conftest import CHANNEL, TEAM, USER, make_settings, wait_for
from tools.settings import Settings, SettingsError


@pytest.fixture()
def socket(fake_slack: FakeSlack) -> Iterator[FakeSocketMode]:
    with FakeSocketMode(fake_slack) as server:
        yield server


@pytest.fixture()
def connected(bot: BotApp, fake_slack: FakeSlack, socket: FakeSocketMode, redis_url: str) -> Iterator[None]:
    settings = make_settings(redis_url, fake_slack, slack_app_token="xapp-test")
    handler = socket_mode_handler(bot, settings, ping_interval=1)
    handler.connect()  # type: ignore[no-untyped-call]
    assert socket.wait_connected()
    yield
    handler.close()  # type: ignore[no-untyped-call]


def command(fake: FakeSlack, text: str, trigger: str) -> dict[str, str]:
    return {"token": "legacy", "team_id": TEAM, "channel_id": CHANNEL, "user_id": USER, "command": "/debug",
            "text": text, "trigger_id": trigger, "api_app_id": "ADEBUG",
            "response_url": fake.response_url(CHANNEL, user=USER)}


def test_a_command_over_socket_mode_is_acked_on_the_socket_and_enqueues_one_investigation(
        connected: None, socket: FakeSocketMode, fake_slack: FakeSlack, queue: Queue) -> None:
    start = time.monotonic()
    ack = socket.send("slash_commands", command(fake_slack, "payment 5xx in prod", "trig.sm.1"))

    assert ack is not None and time.monotonic() - start < 3
    assert "Investigating" in ack["payload"]["text"]
    wait_for(lambda: queue.count == 1, what="the investigation")
    assert queue.jobs[0].func_name == "workers.jobs.investigate"
    assert "payment 5xx in prod" in fake_slack.render_thread(CHANNEL, fake_slack.messages(CHANNEL)[0].ts)


def test_help_over_socket_mode_comes_back_in_the_ack(
        connected: None, socket: FakeSocketMode, fake_slack: FakeSlack, queue: Queue) -> None:
    ack = socket.send("slash_commands", command(fake_slack, "help", "trig.sm.2"))
    assert ack is not None and "/debug <what is wrong>" in ack["payload"]["text"]
    assert queue.count == 0


def test_a_retried_event_envelope_is_handled_once(
        connected: None, socket: FakeSocketMode, fake_slack: FakeSlack, queue: Queue) -> None:
    post = fake_slack.user_post(CHANNEL, "<@UDEBUGBOT> orders are failing", user=USER)
    body = {"type": "event_callback", "team_id": TEAM, "event_id": "EvSock1", "api_app_id": "ADEBUG",
            "event": {"type": "app_mention", "channel": CHANNEL, "user": USER, "text": post.text, "ts": post.ts}}
    assert socket.send("events_api", body) is not None
    assert socket.send("events_api", body, retry_attempt=1) is not None

    wait_for(lambda: queue.count == 1, what="one investigation")
    time.sleep(0.3)
    assert queue.count == 1


def test_socket_mode_needs_an_app_token(bot: BotApp, fake_slack: FakeSlack, redis_url: str) -> None:
    with pytest.raises(SettingsError, match="DEBUGBOT_SLACK_APP_TOKEN"):
        socket_mode_handler(bot, make_settings(redis_url, fake_slack))
    assert isinstance(make_settings(redis_url, fake_slack, slack_app_token="xapp-1"), Settings)
