"""`debugbot serve` and `debugbot worker` as processes: /metrics after a real investigation, JSON log lines."""
from __future__ import annotations

import json
import re
from typing import Any

import pytest
import redis

from agent.checkpoint import RedisSaver
from bot.cards import APPROVE_ACTION
from bot.incident import IncidentIndex
from tests.bot.conftest import ALERTS, APPROVER, USER, post, wait_for
from tests.observability.conftest import World, json_lines, scrape, total, value

pytestmark = pytest.mark.slow  # starts real processes


def approve(world: World) -> str:
    """/debug → investigation → approval card → Approve → resolved; returns the incident id."""
    assert world.slack.command("payment timeouts", user=USER).status == 200
    root = world.root()
    card = world.card(root)
    actions = next(b for b in card.blocks if b.get("type") == "actions")
    reply = world.slack.click(APPROVE_ACTION, actions["elements"][0]["value"], user=APPROVER, channel=card.channel,
                              message_ts=card.ts, thread_ts=card.thread_ts or card.ts, block_id=actions["block_id"])
    assert reply.status == 200
    index = IncidentIndex(redis.Redis.from_url(world.redis_url))
    info = wait_for(lambda: next((i for i in index.recent(world.fake.team_id, root.channel, limit=1)
                                  if i.status in ("resolved", "escalated", "aborted")), None),
                    timeout=60, what="the investigation to end")
    assert info.status == "resolved"
    return str(info.incident_id)


def observations(redis_url: str, incident: str) -> list[Any]:
    saved = RedisSaver(redis.Redis.from_url(redis_url)).get_tuple(
        {"configurable": {"thread_id": incident, "checkpoint_ns": ""}})
    assert saved is not None
    return list(saved.checkpoint["channel_values"].get("observations") or [])


def test_serve_and_worker_metrics_count_an_approved_investigation_once_from_start_to_resolution(
        world: World) -> None:
    incident = approve(world)
    bot = scrape(f"{world.serve.url}/metrics")
    assert value(bot, "debugbot_investigations_started_total", source="command") == 1
    assert value(bot, "debugbot_approvals_total", outcome="approved") == 1
    assert total(bot, "debugbot_approvals_total") == 1
    assert value(bot, "debugbot_redis_up") == 1 and value(bot, "debugbot_queue_depth") == 0
    assert value(bot, "debugbot_queue_oldest_age_seconds") == 0

    # the worker counts a job once its horse has exited: poll until both jobs are in
    work = wait_for(lambda: (s := scrape(world.worker_metrics_url)) and total(s, "debugbot_jobs_total") >= 2 and s,
                    timeout=20, what="both jobs counted by the worker")
    assert value(work, "debugbot_jobs_total", job="investigate", outcome="awaiting_approval") == 1
    assert value(work, "debugbot_jobs_total", job="resume_after_decision", outcome="resolved") == 1
    assert value(work, "debugbot_investigations_finished_total", status="resolved") == 1
    assert total(work, "debugbot_investigations_finished_total") == 1  # waiting for approval is not the end
    assert value(work, "debugbot_investigation_duration_seconds_count") == 1
    assert value(work, "debugbot_first_hypothesis_seconds_count") == 1
    assert 0 < value(work, "debugbot_first_hypothesis_seconds_sum") <= value(
        work, "debugbot_investigation_duration_seconds_sum")
    assert value(work, "debugbot_job_duration_seconds_count", job="investigate") == 1
    tool_calls = {labels: v for (name, labels), v in work.items() if name == "debugbot_tool_calls_total"}
    assert sum(tool_calls.values()) == len(observations(world.redis_url, incident))  # the report's own count
    assert any(dict(labels)["tool"] == "rollout_history" and dict(labels)["status"] == "ok" for labels in tool_calls)
    assert value(work, "debugbot_llm_tokens_total", direction="in") == 0  # the rules reasoner spends none
    assert value(work, "process_resident_memory_bytes") > 0  # the parent's own registry, not a horse's


INCIDENT = re.compile(r"inc-[A-Za-z0-9_]+-[A-Za-z0-9_]+-\d+_\d+")


def ask_in_thread(world: World, question: str) -> None:
    """A reply in the incident's thread: the bot queues a follow-up job, the worker answers it."""
    root = world.root()
    posted = world.fake.user_post(root.channel, question, user=USER, thread_ts=root.ts)
    assert world.slack.event({"type": "message", "channel": root.channel, "user": USER, "text": question,
                              "ts": posted.ts, "thread_ts": root.ts, "channel_type": "channel"}).status == 200


def send_alert(world: World) -> str:
    """An Alertmanager webhook (after the worker stopped: only the bot's side of it runs)."""
    alert = {"status": "firing", "labels": {"alertname": "KubePodCrashLooping", "namespace": "prod", "pod": "p-1"},
             "annotations": {"summary": "Pod is crash looping."}, "startsAt": "2024-05-01T14:02:00Z",
             "fingerprint": "4a1b2c3d4e5f6789"}
    body = {"version": "4", "groupKey": "{}:{alertname=\"KubePodCrashLooping\"}", "status": "firing",
            "receiver": "debugbot", "groupLabels": {"alertname": "KubePodCrashLooping"},
            "commonLabels": alert["labels"], "commonAnnotations": alert["annotations"], "alerts": [alert]}
    answer = post(f"{world.serve.url}/alertmanager?channel={ALERTS}", json.dumps(body),
                  {"Content-Type": "application/json"})
    assert answer.status == 200 and answer.json()["action"] == "started"
    return str(answer.json()["incident_id"])


def test_every_line_serve_and_worker_log_is_json_and_each_incidents_lines_carry_its_id(world: World) -> None:
    incident = approve(world)
    ask_in_thread(world, "what did you change?")
    wait_for(lambda: total(scrape(world.worker_metrics_url), "debugbot_jobs_total") >= 3, timeout=60,
             what="the worker to finish the investigation, the decision and the follow-up")
    world.worker.stop()
    alerted = send_alert(world)
    assert world.serve.stop() == 0
    for name, path in (("serve", world.serve.log_path), ("worker", world.worker.log_path)):
        lines = json_lines(path)
        assert all({"ts", "level", "logger", "msg", "pid"} <= set(ln) for ln in lines)
        strays = [ln for ln in lines if any(i != ln.get("incident_id") for i in INCIDENT.findall(str(ln["msg"])))]
        assert not strays, f"{name}: lines about an incident without its id: {strays[:3]}"
    bot = {ln["msg"]: ln.get("incident_id") for ln in json_lines(world.serve.log_path)}
    assert [i for m, i in bot.items() if m.startswith("investigation ") and "queued (command)" in m] == [incident]
    assert [i for m, i in bot.items() if m.startswith("click approve")] == [incident]
    assert [i for m, i in bot.items() if m.startswith("follow-up queued")] == [incident]
    assert [i for m, i in bot.items() if m.startswith("alertmanager group")] == [alerted] != [incident]
    worker = [ln for ln in json_lines(world.worker.log_path) if ln.get("incident_id") == incident]
    assert {ln.get("job_id") for ln in worker} >= {f"{incident}-investigate", f"{incident}-decision-1",
                                                   f"{incident}-followup-2"}
    assert len({ln["pid"] for ln in worker}) >= 4  # the parent and one horse per job all tag their lines
