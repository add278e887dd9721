"""The incident index and the per-incident job chain, against a real redis-server and RQ."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import redis
from rq import Queue
from rq.job import JobStatus

from bot.enqueue import JobQueue, connect, redact_url
from bot.incident import IncidentIndex, IncidentInfo, IncidentStatus
from bot.payloads import DecisionPayload, FollowUpPayload, InvestigatePayload, parse_payload
from tools.report import ReportStatus

BASE: dict[str, Any] = {"team_id": "T1", "channel_id": "C1", "thread_ts": "1700000000.000100",
                       "root_ts": "1700000000.000100"}


def _info(incident: str, created: float) -> IncidentInfo:
    return IncidentInfo(incident_id=incident, team_id="T1", channel_id="C1", thread_ts=str(created),
                        root_ts=str(created), title=f"title {incident}", created_at=created)


def test_the_index_opens_once_tracks_status_and_lists_newest_first(redis_url: str) -> None:
    index = IncidentIndex(redis.Redis.from_url(redis_url), keep=3)
    for n in range(5):
        assert index.open(_info(f"inc-{n}", 1000.0 + n))
    assert not index.open(_info("inc-4", 2000.0))

    assert index.set_status("inc-4", ReportStatus.AWAITING_APPROVAL, summary="rollback proposed", step=6)
    assert index.set_status("inc-3", IncidentStatus.RUNNING)
    assert not index.set_status("inc-unknown", "running")
    recent = index.recent("T1", "C1")
    assert [i.incident_id for i in recent] == ["inc-4", "inc-3", "inc-2"]  # only the newest `keep`
    assert (recent[0].status, recent[0].summary, recent[0].step, recent[0].active) == (
        "awaiting_approval", "rollback proposed", 6, True)
    assert recent[2].status == "queued" and index.get("inc-4").title == "title inc-4"  # type: ignore[union-attr]
    index.set_status("inc-3", "resolved")
    assert not index.get("inc-3").active  # type: ignore[union-attr]


def test_payloads_round_trip_through_the_dict_put_on_the_queue() -> None:
    payloads = [InvestigatePayload(incident_id="i", text="x", trigger={"labels": {"a": "b"}}, **BASE),
                DecisionPayload(incident_id="i", approval_id="a", decision="reject", user_id="U", **BASE),
                FollowUpPayload(incident_id="i", question="why?", user_id="U", **BASE)]
    for payload in payloads:
        assert parse_payload(payload.model_dump(mode="json")) == payload


def test_one_investigation_per_incident_even_when_enqueued_concurrently(redis_url: str) -> None:
    jobs = JobQueue(connect(redis_url), queue_name="q", job_timeout_s=60, redis_url=redis_url)
    payload = InvestigatePayload(incident_id="inc-T1-C1-1", text="x", trigger="x", **BASE)
    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(lambda _: jobs.investigate(payload.model_copy()), range(10)))

    assert sum(r is not None for r in results) == 1
    assert Queue("q", connection=redis.Redis.from_url(redis_url)).count == 1


def test_later_jobs_of_an_incident_wait_for_the_previous_one_in_order(redis_url: str) -> None:
    jobs = JobQueue(connect(redis_url), queue_name="q", job_timeout_s=60)
    first = jobs.investigate(InvestigatePayload(incident_id="inc-A", text="x", trigger="x", **BASE))
    one = jobs.follow_up(FollowUpPayload(incident_id="inc-A", question="q1", user_id="U", **BASE))
    two = jobs.follow_up(FollowUpPayload(incident_id="inc-A", question="q2", user_id="U", **BASE))
    other = jobs.follow_up(FollowUpPayload(incident_id="inc-B", question="q3", user_id="U", **BASE))

    assert first is not None and first.id == "inc-A-investigate"
    assert (one.id, two.id) == ("inc-A-followup-1", "inc-A-followup-2")
    assert one.dependency_ids == ["inc-A-investigate"] and two.dependency_ids == ["inc-A-followup-1"]
    assert one.get_status() == two.get_status() == JobStatus.DEFERRED
    assert other.get_status() == JobStatus.QUEUED and other.dependency_ids == []  # no job ahead of it


def test_a_finished_job_does_not_hold_the_next_one_back(redis_url: str) -> None:
    client = connect(redis_url)
    jobs = JobQueue(client, queue_name="q", job_timeout_s=60)
    first = jobs.investigate(InvestigatePayload(incident_id="inc-C", text="x", trigger="x", **BASE))
    assert first is not None
    first.set_status(JobStatus.FINISHED)
    follow = jobs.follow_up(FollowUpPayload(incident_id="inc-C", question="q", user_id="U", **BASE))
    assert follow.get_status() == JobStatus.QUEUED


def test_messages_never_show_a_redis_password() -> None:
    assert redact_url("redis://:hunter2@redis.prod:6379/0") == "redis://:***@redis.prod:6379/0"
    assert redact_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
