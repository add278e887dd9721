"""The thread streamer against the fake Slack through the real WebClient: pacing, 429s, files, report."""
from __future__ import annotations

import json
import time

from slack_sdk import WebClient

from bot.blocks import root_message
from bot.streamer import ThreadStreamer
from sandbox.slack_api import FakeSlack
from tests.bot.conftest import CHANNEL, wait_for
from tests.bot.reports import burst, huge_report, realistic_report
from tools.report import ProgressEvent, ReportStatus

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def _thread(fake: FakeSlack, *, interval: float = 1.0) -> tuple[WebClient, ThreadStreamer, str]:
    client = WebClient(token="xoxb-test", base_url=fake.url)
    root = client.chat_postMessage(channel=CHANNEL, **root_message(
        "payment 5xx since 14:00", requested_by="UONCALL", source="command").kwargs())["ts"]
    streamer = ThreadStreamer(client, channel=CHANNEL, thread_ts=root, title="payment 5xx since 14:00",
                              requested_by="UONCALL", min_interval_s=interval)
    return client, streamer, root


def _progress_posts(fake: FakeSlack, root: str) -> list[dict[str, object]]:
    return [c for c in fake.calls("chat.postMessage") if c.get("thread_ts") == root]


def test_a_burst_of_events_becomes_at_most_one_post_per_interval_in_order(fake_slack: FakeSlack) -> None:
    _, streamer, root = _thread(fake_slack)
    events = burst(10)
    for event in events:
        streamer.emit(event)

    wait_for(lambda: len(_progress_posts(fake_slack, root)) == 2, timeout=3, what="the batched post")
    time.sleep(1.3)
    posts = _progress_posts(fake_slack, root)
    assert len(posts) == 2  # the first event at once, the other nine together
    times = fake_slack.call_times("chat.postMessage")[1:]  # [0] is the root message
    assert times[1] - times[0] >= 0.9
    replies = "\n".join(json.dumps(m.blocks) for m in fake_slack.thread(CHANNEL, root)[1:])
    positions = [replies.index(e.text if e.kind != "tool_call" else str(e.data["invocation"])) for e in events]
    assert positions == sorted(positions)


def test_each_flush_redraws_the_root_status_line_with_step_hypothesis_and_elapsed(fake_slack: FakeSlack) -> None:
    _, streamer, root = _thread(fake_slack, interval=0.2)
    streamer.emit(ProgressEvent(kind="hypothesis", text="revision 4 broke DB access", step=3,
                                data={"confidence": 0.7}))
    wait_for(lambda: fake_slack.calls("chat.update"), what="the status update")
    message = fake_slack.message(CHANNEL, root)
    assert message is not None and message.edits >= 1
    status = json.dumps(message.blocks)
    assert "*running*" in status and "step 3" in status and "revision 4 broke DB access" in status
    assert "payment 5xx since 14:00" in status  # the question stays


def test_a_429_is_waited_out_as_retry_after_says_and_the_post_goes_through(fake_slack: FakeSlack) -> None:
    _, streamer, root = _thread(fake_slack)
    fake_slack.rate_limit("chat.postMessage", times=1, retry_after=1)
    start = time.monotonic()
    streamer.emit(ProgressEvent(kind="plan", text="look at the rollout first", step=1))

    assert time.monotonic() - start >= 1.0
    assert len(fake_slack.calls("chat.postMessage")) == 3  # root, the 429, the retry
    assert "look at the rollout first" in fake_slack.render_thread(CHANNEL, root)


def test_events_refused_even_after_retries_go_out_with_the_next_batch(fake_slack: FakeSlack) -> None:
    _, streamer, root = _thread(fake_slack, interval=0.1)
    fake_slack.rate_limit("chat.postMessage", times=4, retry_after=0)  # one try + three retries, all refused
    streamer.emit(ProgressEvent(kind="plan", text="first plan", step=1))
    assert "first plan" not in fake_slack.render_thread(CHANNEL, root)

    time.sleep(0.15)
    streamer.emit(ProgressEvent(kind="critique", text="second thought", step=2))
    wait_for(lambda: "second thought" in fake_slack.render_thread(CHANNEL, root), what="the next batch")
    posted = _progress_posts(fake_slack, root)[-1]
    assert "first plan" in str(posted["blocks"]) and "second thought" in str(posted["blocks"])


def test_a_chart_is_uploaded_into_the_thread(fake_slack: FakeSlack) -> None:
    _, streamer, root = _thread(fake_slack)
    assert streamer.upload_chart(PNG, title="5xx ratio around the rollout", filename="5xx.png")

    complete = fake_slack.calls("files.completeUploadExternal")[0]
    assert complete["channel_id"] == CHANNEL and complete["thread_ts"] == root
    assert fake_slack.uploads[complete["files"][0]["id"]] == PNG
    assert "[file: 5xx ratio around the rollout (5xx.png, 2056 bytes)]" in fake_slack.render_thread(CHANNEL, root)


def test_close_flushes_posts_the_report_and_sets_the_final_status(fake_slack: FakeSlack) -> None:
    _, streamer, root = _thread(fake_slack, interval=5.0)
    streamer.emit(ProgressEvent(kind="plan", text="plan A", step=1))
    streamer.emit(ProgressEvent(kind="critique", text="pending at close", step=2))  # waits for the 5 s timer

    assert streamer.close(realistic_report(ReportStatus.RESOLVED))
    thread = fake_slack.render_thread(CHANNEL, root)
    assert thread.index("plan A") < thread.index("pending at close") < thread.index("Resolved")
    root_blocks = json.dumps(fake_slack.message(CHANNEL, root).blocks)  # type: ignore[union-attr]
    assert "*resolved*" in root_blocks and "step 9" in root_blocks
    streamer.emit(ProgressEvent(kind="plan", text="after close", step=3))
    time.sleep(0.1)
    assert "after close" not in fake_slack.render_thread(CHANNEL, root)


def test_a_report_too_big_for_a_message_comes_with_the_full_text_as_a_file(fake_slack: FakeSlack) -> None:
    _, streamer, root = _thread(fake_slack)
    report = huge_report()
    assert streamer.close(report)

    file_id = fake_slack.calls("files.completeUploadExternal")[0]["files"][0]["id"]
    assert b"fact 79" in fake_slack.uploads[file_id]
    assert "[file: Full report (report.txt," in fake_slack.render_thread(CHANNEL, root)


def test_post_puts_a_card_of_its_own_in_the_thread_after_pending_events(fake_slack: FakeSlack) -> None:
    from bot.blocks import escalation_message

    _, streamer, root = _thread(fake_slack, interval=5.0)
    streamer.emit(ProgressEvent(kind="plan", text="plan A", step=1))
    streamer.emit(ProgressEvent(kind="critique", text="queued critique", step=2))
    ts = streamer.post(escalation_message("out of steps", oncall_group_id="SONCALL"))

    assert ts is not None and fake_slack.message(CHANNEL, ts) is not None
    thread = fake_slack.render_thread(CHANNEL, root)
    assert thread.index("plan A") < thread.index("queued critique") < thread.index("@SONCALL: I could not finish")


def test_a_worker_finds_the_thread_from_the_incident_and_an_escalation_mentions_on_call(
        fake_slack: FakeSlack, redis_url: str) -> None:
    import redis

    from bot.incident import IncidentIndex, IncidentInfo, incident_id

    client, _, root = _thread(fake_slack)
    index = IncidentIndex(redis.Redis.from_url(redis_url))
    incident = incident_id("T0DEBUG", CHANNEL, root)
    index.open(IncidentInfo(incident_id=incident, team_id="T0DEBUG", channel_id=CHANNEL, thread_ts=root,
                            root_ts=root, title="payment 5xx since 14:00", user_id="UONCALL"))
    info = index.get(incident)
    assert info is not None
    streamer = ThreadStreamer.for_incident(client, info, oncall_group_id="SONCALL")

    assert streamer.close(realistic_report(ReportStatus.ESCALATED))
    last = fake_slack.thread(CHANNEL, root)[-1]
    assert "<!subteam^SONCALL>" in last.text
    assert "*escalated*" in json.dumps(fake_slack.message(CHANNEL, root).blocks)  # type: ignore[union-attr]
