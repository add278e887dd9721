"""`/debug history [text]` and `/debug forget <incident>` through the real Bolt app, over signed HTTP."""
from __future__ import annotations

import redis

from tools.memory import LongTermMemory
from tools.memory.embed import HashedEmbedder
from tools.memory.store import MemoryStore
from bot.app import build_app
from bot.commands import USAGE, parse_command
from bot.http import BotWSGI, HTTPServer
from sandbox.slack_api import FakeSlack
from tests.bot.conftest import ALERTS, APPROVER, CHANNEL, USER, SlackSender, make_settings, wait_for
from tests.memory.helpers import pending_state, report_for, rollout_state

ROLLOUT, PENDING, ELSEWHERE = (f"inc-T0DEBUG-{CHANNEL}-1700000000_000100", f"inc-T0DEBUG-{CHANNEL}-1700000500_000100",
                               "inc-T0DEBUG-COTHER-1700000600_000100")


def _remember(redis_url: str) -> LongTermMemory:
    mem = LongTermMemory(MemoryStore(redis.Redis.from_url(redis_url)), HashedEmbedder())
    for state in (rollout_state(ROLLOUT), pending_state(PENDING), pending_state(ELSEWHERE)):
        mem.remember(state, report_for(state))
    return mem


def _answer(fake: FakeSlack, n: int) -> str:
    wait_for(lambda: len(fake.calls("response_url")) >= n, what=f"{n} response(s)")
    return str(fake.calls("response_url")[n - 1])


def test_history_and_forget_parse_and_appear_in_the_usage() -> None:
    assert parse_command("history pool timeout", max_len=500).kind == "history"
    assert parse_command("history", max_len=500).text == ""
    assert parse_command(f"forget {ROLLOUT}", max_len=500).text == ROLLOUT
    assert parse_command("forget", max_len=500).kind == "error"
    usage = parse_command("help", max_len=500)
    assert usage.kind == "help"
    assert "/debug history [text]" in USAGE and "/debug forget <incident>" in USAGE


def test_history_lists_the_channel_past_incidents_nearest_to_the_text(
        slack: SlackSender, fake_slack: FakeSlack, redis_url: str) -> None:
    _remember(redis_url)
    assert slack.command("history pool timeout crash").status == 200
    typed = _answer(fake_slack, 1)
    slack.command("history")
    latest = _answer(fake_slack, 2)

    assert ROLLOUT in typed and "bad_rollout" in typed and "ephemeral" in typed
    assert PENDING not in typed or typed.index(ROLLOUT) < typed.index(PENDING)  # nearest first
    assert ELSEWHERE not in typed and ELSEWHERE not in latest
    assert latest.index(PENDING) < latest.index(ROLLOUT)  # latest first


def test_only_an_approver_can_make_the_bot_forget_an_incident(
        slack: SlackSender, fake_slack: FakeSlack, redis_url: str) -> None:
    mem = _remember(redis_url)
    slack.command(f"forget {ROLLOUT}", user=USER)
    assert "Only an approver" in _answer(fake_slack, 1)
    assert mem.store.get(ROLLOUT) is not None

    slack.command(f"forget {ROLLOUT}", user=APPROVER)
    assert "Forgot" in _answer(fake_slack, 2)
    assert mem.store.get(ROLLOUT) is None
    slack.command("history pool timeout crash")
    assert ROLLOUT not in _answer(fake_slack, 3)
    slack.command(f"forget {ROLLOUT}", user=APPROVER)
    assert "no incident" in _answer(fake_slack, 4)


def test_history_says_memory_is_off_when_it_is_turned_off(redis_url: str, fake_slack: FakeSlack) -> None:
    _remember(redis_url)
    bot = build_app(make_settings(redis_url, fake_slack, memory_enabled=False), alert_channel=ALERTS)
    assert bot.services.memory is None
    srv = HTTPServer(BotWSGI(bot), host="127.0.0.1", port=0).start()
    try:
        assert SlackSender(srv.url, fake_slack).command("history pool timeout").status == 200
        answer = _answer(fake_slack, 1)
    finally:
        srv.stop()
    assert "turned off" in answer and "DEBUGBOT_MEMORY_ENABLED" in answer and ROLLOUT not in answer
