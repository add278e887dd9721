"""`/debug` over real signed HTTP into the Bolt app, the fake Slack and a real RQ queue."""
from __future__ import annotations

import time

from rq import Queue
from rq.job import Job

from bot.app import BotApp, build_app
from bot.http import BotWSGI, HTTPServer
from bot.incident import incident_id
from bot.payloads import INVESTIGATE_JOB, InvestigatePayload, parse_payload
from sandbox.slack_api import FakeSlack
from tests.bot.blockcheck import assert_valid_blocks
from tests.bot.conftest import CHANNEL, TEAM, USER, SlackSender, make_settings, sign, wait_for


def test_debug_command_acks_fast_posts_a_root_message_and_enqueues_one_investigation(
        slack: SlackSender, fake_slack: FakeSlack, queue: Queue) -> None:
    reply = slack.command("payment-api returns 503 in prod since 14:00")

    assert reply.status == 200
    assert reply.seconds < 3.0
    assert "Investigating" in reply.json()["text"]
    assert reply.json().get("response_type", "ephemeral") == "ephemeral"
    wait_for(lambda: queue.count == 1, what="one queued job")
    root = fake_slack.messages(CHANNEL)[0]
    assert "payment-api returns 503 in prod since 14:00" in fake_slack.render_thread(CHANNEL, root.ts)
    job = queue.jobs[0]
    incident = incident_id(TEAM, CHANNEL, root.ts)
    assert job.func_name == INVESTIGATE_JOB
    assert job.id == f"{incident}-investigate"
    payload = parse_payload(job.args[0])
    assert isinstance(payload, InvestigatePayload)
    assert (payload.incident_id, payload.thread_ts, payload.root_ts) == (incident, root.ts, root.ts)
    assert (payload.user_id, payload.channel_id, payload.team_id) == (USER, CHANNEL, TEAM)
    assert payload.trigger == payload.text == "payment-api returns 503 in prod since 14:00"
    assert len(fake_slack.messages(CHANNEL)) == 1


def test_incident_ids_only_use_characters_rq_allows_in_job_ids(queue: Queue) -> None:
    incident = incident_id("T0:X", "C1", "1700000000.000100")
    assert incident == "inc-T0_X-C1-1700000000_000100"
    job = Job.create("workers.jobs.investigate", id=f"{incident}-investigate", connection=queue.connection)
    assert job.id == f"{incident}-investigate"


def test_bare_debug_and_help_answer_with_usage_and_queue_nothing(
        slack: SlackSender, fake_slack: FakeSlack, queue: Queue) -> None:
    for text in ("", "help", "  HELP "):
        reply = slack.command(text)
        assert reply.status == 200
        assert "/debug <what is wrong>" in reply.json()["text"]
        assert_valid_blocks(reply.json()["blocks"])
    time.sleep(0.2)
    assert queue.count == 0
    assert fake_slack.messages(CHANNEL) == []


def test_unusable_text_gets_an_ephemeral_error_saying_what_to_type(
        slack: SlackSender, fake_slack: FakeSlack, queue: Queue) -> None:
    too_long = slack.command("x" * 501).json()["text"]
    punctuation = slack.command("?!... --- !!!").json()["text"]
    emoji_only = slack.command(":fire: :fire: <@U123>").json()["text"]

    assert "501 characters" in too_long and "under 500" in too_long
    for text in (punctuation, emoji_only):
        assert "name the service and the symptom" in text and "/debug checkout-api" in text
    time.sleep(0.2)
    assert queue.count == 0
    assert fake_slack.messages(CHANNEL) == []


def test_status_lists_running_and_recent_investigations_of_the_channel(
        slack: SlackSender, fake_slack: FakeSlack, queue: Queue, bot: BotApp) -> None:
    slack.command("checkout latency is high")
    slack.command("orders pods restarting")
    wait_for(lambda: queue.count == 2, what="two jobs")
    first = fake_slack.messages(CHANNEL)[0]
    bot.services.index.set_status(incident_id(TEAM, CHANNEL, first.ts), "resolved", step=7)

    answer = slack.command("status").json()
    assert_valid_blocks(answer["blocks"])
    text = str(answer)

    assert "1 running" in text and "1 finished" in text
    assert "checkout latency is high" in text and "orders pods restarting" in text
    assert "resolved" in text and "step 7" in text
    assert queue.count == 2


def test_status_in_a_channel_without_investigations_says_so(slack: SlackSender) -> None:
    assert "No investigations in this channel" in str(slack.command("status").json())


def test_a_channel_outside_the_allowed_list_gets_a_refusal(
        redis_url: str, fake_slack: FakeSlack) -> None:
    bot = build_app(make_settings(redis_url, fake_slack, allowed_channels="COTHER"))
    server = HTTPServer(BotWSGI(bot), port=0).start()
    try:
        reply = SlackSender(server.url, fake_slack).command("payment errors")
    finally:
        server.stop()
    assert "not enabled in this channel" in reply.json()["text"]
    assert fake_slack.messages(CHANNEL) == []


def test_wrong_or_stale_signatures_get_401_and_start_nothing(
        slack: SlackSender, fake_slack: FakeSlack, queue: Queue) -> None:
    body = "command=%2Fdebug&text=payment+errors&channel_id=CPAYMENTS&user_id=UONCALL&team_id=T0DEBUG"
    wrong = slack.send(body, content_type="application/x-www-form-urlencoded", signed=sign(body, secret="nope"))
    stale = slack.send(body, content_type="application/x-www-form-urlencoded",
                       signed=sign(body, timestamp=int(time.time()) - 600))
    unsigned = slack.send(body, content_type="application/x-www-form-urlencoded", signed={})

    assert (wrong.status, stale.status, unsigned.status) == (401, 401, 401)
    time.sleep(0.2)
    assert queue.count == 0 and fake_slack.messages(CHANNEL) == []


def test_a_replayed_command_with_the_same_trigger_id_starts_nothing_new(
        slack: SlackSender, fake_slack: FakeSlack, queue: Queue) -> None:
    first = slack.command("payment errors", trigger_id="trig.same")
    again = slack.command("payment errors", trigger_id="trig.same", headers={"X-Slack-Retry-Num": "1"})

    assert first.status == again.status == 200
    wait_for(lambda: queue.count == 1, what="one job")
    time.sleep(0.3)
    assert queue.count == 1
    assert len(fake_slack.messages(CHANNEL)) == 1
