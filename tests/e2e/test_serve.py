"""`debugbot serve` and `debugbot worker` as processes: settings checked at start, HTTP or Socket Mode."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from rq import Queue

from sandbox.slack_api import FakeSlack
from sandbox.slack_socket import FakeSocketMode
from tests.bot.conftest import CHANNEL, SECRET, TEAM, USER, SlackSender, wait_for
from tests.conftest import free_port
from tests.e2e.conftest import debugbot_command

pytestmark = pytest.mark.slow  # starts real processes


def clean_env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEBUGBOT_")}
    return {**env, **{f"DEBUGBOT_{k}": v for k, v in settings.items()}}


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(debugbot_command(*args), env=env, capture_output=True, text=True, timeout=60,
                          cwd=os.getcwd())


@pytest.mark.parametrize(("command", "settings", "missing"), [
    ("serve", {}, "DEBUGBOT_SLACK_BOT_TOKEN"),
    ("serve", {"SLACK_BOT_TOKEN": "xoxb-x"}, "DEBUGBOT_SLACK_SIGNING_SECRET"),
    ("worker", {}, "DEBUGBOT_SLACK_BOT_TOKEN"),
])
def test_a_missing_setting_stops_the_process_at_start_naming_the_variable(
        command: str, settings: dict[str, str], missing: str) -> None:
    done = run(command, env=clean_env(**settings))
    assert done.returncode == 2
    assert missing in done.stderr and "missing required setting" in done.stderr


def test_a_bad_setting_value_names_the_variable_and_what_was_given() -> None:
    done = run("worker", env=clean_env(SLACK_BOT_TOKEN="xoxb-x", JOB_TIMEOUT_S="soon"))
    assert done.returncode == 2 and "DEBUGBOT_JOB_TIMEOUT_S" in done.stderr and "'soon'" in done.stderr


@pytest.fixture()
def served(request: pytest.FixtureRequest, fake_slack: FakeSlack, redis_url: str, tmp_path: Path) -> Iterator[str]:
    """`debugbot serve` in a subprocess; yields its base URL. Parametrize with extra DEBUGBOT_* settings."""
    port = free_port()
    extra: dict[str, str] = getattr(request, "param", {})
    env = clean_env(SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake_slack.url,
                    REDIS_URL=redis_url, QUEUE_NAME="debugbot-test", HTTP_PORT=str(port), **extra)
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(debugbot_command("serve", "--host", "127.0.0.1"), env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _healthy(base) or proc.poll() is not None, timeout=20, what="serve to listen")
        assert proc.poll() is None, (tmp_path / "serve.log").read_text()
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=20)
        log.close()
        assert code == 0, (tmp_path / "serve.log").read_text()[-3000:]


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=1) as resp:
            return resp.status == 200 and json.loads(resp.read())["ok"] is True
    except OSError:
        return False


def test_serve_answers_health_and_signed_slash_commands_over_http_and_stops_cleanly_on_sigterm(
        served: str, fake_slack: FakeSlack, redis_url: str) -> None:
    with urllib.request.urlopen(f"{served}/readyz", timeout=5) as resp:
        assert json.loads(resp.read()) == {"ok": True, "redis": "ok"}
    slack = SlackSender(served, fake_slack)
    started = time.monotonic()
    reply = slack.command("payment timeouts", user=USER)
    assert reply.status == 200 and "Investigating" in reply.json()["text"] and time.monotonic() - started < 3
    assert slack.command("x", signed={"X-Slack-Request-Timestamp": "1", "X-Slack-Signature": "v0=bad"}).status == 401
    queue = Queue("debugbot-test", connection=redis.Redis.from_url(redis_url))
    wait_for(lambda: queue.count == 1, what="the queued investigation")
    assert fake_slack.messages(CHANNEL)


@pytest.fixture()
def socket(fake_slack: FakeSlack) -> Iterator[FakeSocketMode]:
    with FakeSocketMode(fake_slack) as server:
        yield server


@pytest.mark.parametrize("served", [{"SLACK_APP_TOKEN": "xapp-test"}], indirect=True, ids=["socket-mode"])
def test_serve_with_an_app_token_takes_commands_over_socket_mode_and_still_answers_health(
        socket: FakeSocketMode, served: str, fake_slack: FakeSlack, redis_url: str) -> None:
    assert socket.wait_connected(timeout=10)
    ack = socket.send("slash_commands", {"token": "legacy", "team_id": TEAM, "channel_id": CHANNEL, "user_id": USER,
                                         "command": "/debug", "text": "payment timeouts", "trigger_id": "trig.sm",
                                         "api_app_id": "ADEBUG",
                                         "response_url": fake_slack.response_url(CHANNEL, user=USER)})
    assert ack is not None and "Investigating" in ack["payload"]["text"]
    queue = Queue("debugbot-test", connection=redis.Redis.from_url(redis_url))
    wait_for(lambda: queue.count == 1, what="the queued investigation")
    assert _healthy(served)
