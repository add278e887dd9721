"""The workers' Prometheus series: what each job did (report status, durations, tool calls, LLM tokens).

Why the numbers travel in the job's result: `debugbot worker` is RQ's forking worker, and
every job runs in a work horse forked for it that exits when the job ends. A counter the
horse increments dies with it. prometheus_client's multiprocess mode would keep it, at the
cost of files per horse pid, which are never reclaimed, since one horse runs per job.
So the horse only tallies (`JobTally`, plain data) and returns the tally in the job's
result, which RQ stores in Redis; the long-lived parent reads it once the horse has exited
(`record_job`) and counts it in its own registry, served on DEBUGBOT_WORKER_METRICS_PORT.
A horse that dies leaves no tally: the parent counts the job's outcome (failed, retried).
"""
from __future__ import annotations

import logging
from collections import Counter as Tally
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, make_wsgi_app
from rq.job import Job, JobStatus

from bot.http import HTTPServer, WSGIApp
from tools.report import ProgressEvent, Report, ReportStatus

log = logging.getLogger(__name__)
SECONDS = (1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1800)
INVESTIGATION_JOBS = ("investigate", "resume_after_decision")

INVESTIGATIONS_FINISHED = Counter(
    "debugbot_investigations_finished", "Investigations that ended, by the report's status "
    "(an investigation waiting for approval has not ended; see debugbot_jobs_total).", ["status"])
INVESTIGATION_SECONDS = Histogram(
    "debugbot_investigation_duration_seconds", "Seconds from an investigation's start to its report or approval "
    "request (the time a human waits for the first answer).", buckets=SECONDS)
FIRST_HYPOTHESIS_SECONDS = Histogram(
    "debugbot_first_hypothesis_seconds", "Seconds from an investigation's start to its first hypothesis.",
    buckets=SECONDS)
TOOL_CALLS = Counter("debugbot_tool_calls", "Read tool calls by tool and result status (ok, no_data, error).",
                     ["tool", "status"])
LLM_TOKENS = Counter("debugbot_llm_tokens", "LLM tokens spent, by direction (in: prompt, out: completion).",
                     ["direction"])
JOBS = Counter("debugbot_jobs", "Jobs a worker ran, by job and outcome (a report status, failed, retried...).",
               ["job", "outcome"])
JOB_SECONDS = Histogram("debugbot_job_duration_seconds", "Wall-clock seconds of one job in a worker.", ["job"],
                        buckets=SECONDS)


@dataclass
class JobTally:
    """What one job did, tallied in the work horse and returned in the job's result."""

    status: str = ""
    tools: Tally[tuple[str, str]] = field(default_factory=Tally)
    tokens_in: int = 0
    tokens_out: int = 0
    duration_s: float | None = None
    first_hypothesis_s: float | None = None

    def watch(self, on_event: Callable[[ProgressEvent], None]) -> Callable[[ProgressEvent], None]:
        """`on_event` that also counts each tool result by tool and status."""

        def seen(event: ProgressEvent) -> None:
            if event.kind == "tool_result":
                self.tools[(str(event.data.get("tool") or "unknown"), str(event.data.get("status") or "ok"))] += 1
            on_event(event)

        return seen

    def finish(self, report: Report, *, status: str, tokens_before: tuple[int, int], timed: bool) -> JobTally:
        """Tokens are the report's (cumulative over the incident) minus those spent before this job."""
        self.status = status
        self.tokens_in = max(0, report.usage.tokens_in - tokens_before[0])
        self.tokens_out = max(0, report.usage.tokens_out - tokens_before[1])
        if timed:
            self.duration_s, self.first_hypothesis_s = report.usage.total_s, report.usage.first_hypothesis_s
        return self

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "tools": [[t, s, n] for (t, s), n in self.tools.items()],
                "tokens_in": self.tokens_in, "tokens_out": self.tokens_out, "duration_s": self.duration_s,
                "first_hypothesis_s": self.first_hypothesis_s}


def count_tally(job: str, tally: dict[str, Any]) -> None:
    """Fold one job's tally into this process's series."""
    status = str(tally.get("status") or "unknown")
    JOBS.labels(job=job, outcome=status).inc()
    if job in INVESTIGATION_JOBS and status != ReportStatus.AWAITING_APPROVAL.value:
        INVESTIGATIONS_FINISHED.labels(status=status).inc()
    for tool, tool_status, n in tally.get("tools") or []:
        TOOL_CALLS.labels(tool=str(tool), status=str(tool_status)).inc(int(n))
    LLM_TOKENS.labels(direction="in").inc(int(tally.get("tokens_in") or 0))
    LLM_TOKENS.labels(direction="out").inc(int(tally.get("tokens_out") or 0))
    if tally.get("duration_s") is not None:
        INVESTIGATION_SECONDS.observe(float(tally["duration_s"]))
    if tally.get("first_hypothesis_s") is not None:
        FIRST_HYPOTHESIS_SECONDS.observe(float(tally["first_hypothesis_s"]))


def record_job(job: Job, *, seconds: float) -> None:
    """In the worker's parent, after the horse has exited: count the job from what RQ stored."""
    name = str(job.func_name or "").rsplit(".", 1)[-1]
    JOB_SECONDS.labels(job=name).observe(seconds)
    status = job.get_status(refresh=True)
    result = job.return_value(refresh=True) if status == JobStatus.FINISHED else None
    tally = result.get("metrics") if isinstance(result, dict) else None
    if isinstance(tally, dict):
        count_tally(name, tally)
    elif status == JobStatus.FAILED:
        JOBS.labels(job=name, outcome="failed").inc()
        if name in INVESTIGATION_JOBS:
            INVESTIGATIONS_FINISHED.labels(status=ReportStatus.ABORTED.value).inc()  # the thread says "aborted"
    elif status in (JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED):
        JOBS.labels(job=name, outcome="retried").inc()  # a lost horse's job, put back once
    else:
        JOBS.labels(job=name, outcome=str(status.value if status else "gone")).inc()


def metrics_wsgi(registry: CollectorRegistry = REGISTRY) -> WSGIApp:
    """GET /metrics (Prometheus text format) and GET /healthz (alive) for a worker."""
    metrics: WSGIApp = make_wsgi_app(registry)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b'{"ok": true}']
        if environ.get("PATH_INFO") != "/metrics":
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found; try /metrics\n"]
        return metrics(environ, start_response)

    return app


def serve_metrics(port: int, *, host: str = "0.0.0.0") -> HTTPServer:
    """The worker's metrics server, in the parent process (a thread): horses never serve it."""
    server = HTTPServer(metrics_wsgi(), host=host, port=port, threads=2).start()
    log.info("worker metrics on %s/metrics", server.url)
    return server
