"""Where the numbers come from: the queue read from Redis at scrape time, and jobs counted by the worker's
parent after its forked horse has exited (a real redis-server, RQ's real forking worker)."""
from __future__ import annotations

import logging
from typing import Any

import redis
from prometheus_client import CollectorRegistry, generate_latest
from rq import Queue

from bot.logcontext import log_context
from bot.metrics import QueueCollector
from tests.conftest import free_port
from tests.observability.conftest import parse
from workers.logs import JsonFormatter
from tools.report import ProgressEvent, Report, ReportStatus, Usage
from workers.metrics import INVESTIGATION_SECONDS, INVESTIGATIONS_FINISHED, JOBS, TOOL_CALLS, JobTally
from workers.worker import DebugbotWorker, Liveness

TALLY = {"status": "escalated", "tools": [["pod_logs", "ok", 2], ["prom_query", "error", 1]],
         "tokens_in": 120, "tokens_out": 30, "duration_s": 4.5, "first_hypothesis_s": 1.5}


def resume_after_decision(data: dict[str, Any]) -> dict[str, Any]:
    """Stands in for the real job of that name: returns a tally as workers.jobs does."""
    return {"status": TALLY["status"], "metrics": TALLY}


def investigate(data: dict[str, Any]) -> dict[str, Any]:
    raise RuntimeError("the job broke")


def scrape_collector(collector: QueueCollector) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    registry = CollectorRegistry()
    registry.register(collector)
    return parse(generate_latest(registry).decode())


def test_queue_depth_and_the_oldest_jobs_age_are_read_from_redis_at_scrape_time(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    queue = Queue("obs-depth", connection=client)
    first = queue.enqueue("tests.observability.test_metrics_sources.investigate", {})
    queue.enqueue("tests.observability.test_metrics_sources.investigate", {})
    assert first.enqueued_at is not None
    later = first.enqueued_at.timestamp() + 42.0
    samples = scrape_collector(QueueCollector(client, queue_name="obs-depth", clock=lambda: later))
    assert samples[("debugbot_queue_depth", ())] == 2
    assert abs(samples[("debugbot_queue_oldest_age_seconds", ())] - 42.0) < 0.01
    assert samples[("debugbot_redis_up", ())] == 1
    queue.empty()
    assert scrape_collector(QueueCollector(client, queue_name="obs-depth"))[("debugbot_queue_depth", ())] == 0


def test_an_unreachable_redis_gives_redis_up_zero_instead_of_a_failed_scrape() -> None:
    client = redis.Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=0.5)
    samples = scrape_collector(QueueCollector(client, queue_name="obs-down"))
    assert samples == {("debugbot_redis_up", ()): 0.0}


def _run_one(redis_url: str, func: str) -> None:
    client = redis.Redis.from_url(redis_url)
    Queue("obs-jobs", connection=client).enqueue(func, {"incident_id": "inc-T1-C1-1_0"}, job_id="obs-job")
    DebugbotWorker(["obs-jobs"], connection=client, liveness=Liveness(abandoned_after_s=30)).work(burst=True)


def _get(metric: Any, **labels: str) -> float:
    name = metric._name  # noqa: SLF001 - read this process's own registry
    return float(next((s.value for f in metric.collect() for s in f.samples
                       if s.name in (name, f"{name}_total", f"{name}_count") and s.labels == labels), 0.0))


def test_the_forking_worker_counts_a_jobs_tally_in_its_own_process_after_the_horse_exits(redis_url: str) -> None:
    before = (_get(JOBS, job="resume_after_decision", outcome="escalated"),
              _get(INVESTIGATIONS_FINISHED, status="escalated"), _get(TOOL_CALLS, tool="pod_logs", status="ok"),
              _get(INVESTIGATION_SECONDS))
    _run_one(redis_url, "tests.observability.test_metrics_sources.resume_after_decision")
    assert _get(JOBS, job="resume_after_decision", outcome="escalated") == before[0] + 1
    assert _get(INVESTIGATIONS_FINISHED, status="escalated") == before[1] + 1
    assert _get(TOOL_CALLS, tool="pod_logs", status="ok") == before[2] + 2
    assert _get(INVESTIGATION_SECONDS) == before[3] + 1


def test_a_job_that_fails_in_its_horse_counts_as_failed_and_its_investigation_as_aborted(redis_url: str) -> None:
    before = _get(JOBS, job="investigate", outcome="failed"), _get(INVESTIGATIONS_FINISHED, status="aborted")
    _run_one(redis_url, "tests.observability.test_metrics_sources.investigate")
    assert _get(JOBS, job="investigate", outcome="failed") == before[0] + 1
    assert _get(INVESTIGATIONS_FINISHED, status="aborted") == before[1] + 1


def test_an_error_raised_inside_an_incidents_context_and_logged_outside_still_names_the_incident() -> None:
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    log = logging.getLogger("obs.test")
    log.addHandler(handler)
    try:
        try:
            with log_context("inc-T1-C1-9_9"):
                raise ValueError("boom")
        except ValueError as exc:
            log.error("handler failed", exc_info=exc)  # as Bolt's global error handler does
        log.error("unrelated")
    finally:
        log.removeHandler(handler)
    lines = [JsonFormatter().format(r) for r in records]
    assert '"incident_id": "inc-T1-C1-9_9"' in lines[0] and "incident_id" not in lines[1]


def test_a_jobs_tally_counts_only_the_tokens_spent_in_this_job_and_the_tool_results_it_streamed() -> None:
    tally, seen = JobTally(), []
    emit = tally.watch(seen.append)
    for tool, status in (("pod_logs", "ok"), ("pod_logs", "ok"), ("prom_query", "error")):
        emit(ProgressEvent(kind="tool_result", text="…", data={"tool": tool, "status": status}))
    emit(ProgressEvent(kind="hypothesis", text="bad rollout"))
    report = Report(status=ReportStatus.RESOLVED, usage=Usage(tokens_in=900, tokens_out=120, total_s=8.0,
                                                              first_hypothesis_s=2.0))
    done = tally.finish(report, status="resolved", tokens_before=(600, 100), timed=False).as_dict()
    assert len(seen) == 4  # every event still reaches the thread
    assert sorted(map(tuple, done["tools"])) == [("pod_logs", "ok", 2), ("prom_query", "error", 1)]
    assert (done["tokens_in"], done["tokens_out"]) == (300, 20)
    assert done["duration_s"] is None and done["first_hypothesis_s"] is None  # a resumed job includes human time
    timed = JobTally().finish(report, status="awaiting_approval", tokens_before=(0, 0), timed=True).as_dict()
    assert (timed["duration_s"], timed["first_hypothesis_s"]) == (8.0, 2.0)
