"""The RQ worker: liveness bounds from settings, callbacks on every job, and no orphaned work horses.

The bound (`DEBUGBOT_ABANDONED_AFTER_S`, A, default 90 s): a job whose worker was killed
(SIGKILL, node lost) is taken up again at most A seconds after the last sign of life.

- every `tick_s` = A/6 (15 s) a busy worker refreshes its running job's entry in RQ's
  StartedJobRegistry, each time to expire `A - tick_s` (75 s) later: five missed beats;
- every `tick_s` too, every live worker runs RQ's registry maintenance, idle (its dequeue
  wait is one tick long) or busy (from its heartbeat loop): an expired entry is an
  abandoned job, whose failure callback retries it once from its checkpoint
  (workers.recovery) or posts "investigation aborted" in the thread.

So a death right after a heartbeat is seen within (A - tick) + tick = A. It needs one live
worker; with none, it is seen within A of the first worker (re)starting.
"""
from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import time
from dataclasses import dataclass
from typing import Any

from redis.typing import EncodableT, FieldT
from rq import SimpleWorker, Worker
from rq.job import UNEVALUATED, Job
from rq.queue import Queue
from rq.utils import now

from bot.logcontext import bind
from bot.payloads import parse_payload
from tools.settings import Settings
from workers import recovery
from workers.logs import job_context
from workers.metrics import record_job
from workers.runtime import runtime
from workers.thread import post_aborted

log = logging.getLogger(__name__)
ON_FAILURE = "workers.jobs.on_failure"
ON_STOPPED = "workers.jobs.on_stopped"
CALLBACK_TIMEOUT_S = 60
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Liveness:
    abandoned_after_s: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Liveness:
        return cls(settings.abandoned_after_s)

    @property
    def tick_s(self) -> int:
        """Both the heartbeat and the maintenance period."""
        return max(1, self.abandoned_after_s // 6)

    @property
    def heartbeat_s(self) -> int:
        return self.tick_s

    @property
    def entry_ttl_s(self) -> int:
        """How long a running job's registry entry lives after each heartbeat."""
        return max(self.heartbeat_s + 1, self.abandoned_after_s - self.tick_s)

    def worker_kwargs(self) -> dict[str, Any]:
        # RQ's idle wait (dequeue timeout) is worker_ttl - 15: one tick, so idle workers clean too.
        return {"job_monitoring_interval": self.heartbeat_s, "maintenance_interval": self.tick_s,
                "worker_ttl": self.tick_s + 15}


def attach_callbacks(job: Job) -> None:
    """Give a job our failure/stopped callbacks unless its producer set its own (stored on the job,
    so the registry cleanup that finds it abandoned, in another process, calls them too)."""
    fields: dict[FieldT, EncodableT] = {}
    if not job._failure_callback_name:  # noqa: SLF001 - RQ keeps callbacks only in these fields
        job._failure_callback_name, job._failure_callback = ON_FAILURE, UNEVALUATED  # noqa: SLF001
        job._failure_callback_timeout = CALLBACK_TIMEOUT_S  # noqa: SLF001
        fields.update(failure_callback_name=ON_FAILURE, failure_callback_timeout=CALLBACK_TIMEOUT_S)
    if not job._stopped_callback_name:  # noqa: SLF001
        job._stopped_callback_name, job._stopped_callback = ON_STOPPED, UNEVALUATED  # noqa: SLF001
        job._stopped_callback_timeout = CALLBACK_TIMEOUT_S  # noqa: SLF001
        fields.update(stopped_callback_name=ON_STOPPED, stopped_callback_timeout=CALLBACK_TIMEOUT_S)
    if fields:
        job.connection.hset(job.key, mapping=fields)


def incident_of(job: Job) -> str | None:
    """The incident a job works for (from its payload); None for a job that is not ours."""
    try:
        return parse_payload(job.args[0]).incident_id
    except Exception:  # noqa: BLE001 - any foreign or broken payload: the job just logs without an incident
        return None


class IncidentQueue(Queue):
    """RQ's queue, which also puts the dequeued job's incident on the log lines that follow:
    RQ's own "Worker …: debugbot: <job>" line, the job's, the horse's and the callbacks'.
    `DebugbotWorker.execute_job` clears it when the job is done."""

    @classmethod
    def dequeue_any(cls, *args: Any, **kwargs: Any) -> Any:
        found = super().dequeue_any(*args, **kwargs)
        if found is not None:
            bind(incident_of(found[0]), found[0].id)
        return found


def run_counted(job: Job, execute: Any) -> None:
    """Run `execute()` with the job's ids on every log line; then count the job (workers/metrics.py)."""
    started = time.monotonic()
    try:
        with job_context(incident_of(job), job.id):
            execute()
            try:
                record_job(job, seconds=time.monotonic() - started)
            except Exception:  # noqa: BLE001 - metrics must never stop a worker
                log.exception("could not count job %s", job.id)
    finally:
        bind(None)


def die_with_parent(parent_pid: int) -> None:
    """Linux: the kernel kills this process when its parent dies (a SIGKILLed worker leaves no horse)."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


class DebugbotWorker(Worker):
    """RQ's forking worker with our liveness bounds, callbacks, and lost-horse recovery."""

    def __init__(self, queues: Any, *, liveness: Liveness, **kwargs: Any) -> None:
        super().__init__(queues, **{"queue_class": IncidentQueue, **liveness.worker_kwargs(), **kwargs})
        self.liveness = liveness
        self._parent_pid = os.getpid()

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        remaining = (job.timeout - working_time) if job.timeout and job.timeout > 0 else self.liveness.heartbeat_s
        return int(min(remaining, self.liveness.heartbeat_s)) + self.liveness.entry_ttl_s - self.liveness.heartbeat_s

    def maintain_heartbeats(self, job: Job, execution: Any) -> None:
        """Also run maintenance while busy, so a fleet of busy workers still finds abandoned jobs."""
        super().maintain_heartbeats(job, execution)
        if self.should_run_maintenance_tasks:
            self.run_maintenance_tasks()  # type: ignore[no-untyped-call]

    def execute_job(self, job: Job, queue: Queue) -> None:
        """In this (parent) process: the horse is forked and waited for inside; counted once it is gone."""
        attach_callbacks(job)
        run_counted(job, lambda: super(DebugbotWorker, self).execute_job(job, queue))

    def setup_work_horse_signals(self) -> None:
        super().setup_work_horse_signals()  # type: ignore[no-untyped-call]
        die_with_parent(self._parent_pid)

    def handle_work_horse_killed(self, job: Job, retpid: Any, ret_val: Any, rusage: Any) -> None:
        """The horse died under us (OOM killer, SIGKILL): retry once from the checkpoint, as for an
        abandoned job; RQ then fails or requeues it (and runs no failure callback of its own)."""
        super().handle_work_horse_killed(job, retpid, ret_val, rusage)  # type: ignore[no-untyped-call]
        signal_no = os.WTERMSIG(ret_val) if ret_val and os.WIFSIGNALED(ret_val) else None
        reason = f"its process was killed (signal {signal_no})" if signal_no else f"its process exited ({ret_val})"
        overdue = bool(job.timeout and job.started_at and (now() - job.started_at).total_seconds() > job.timeout)
        try:
            p = parse_payload(job.args[0])
            with job_context(p.incident_id, job.id):
                if overdue:
                    post_aborted(runtime(), p, f"it ran past its time limit of {job.timeout} s and was killed")
                elif not recovery.retry_lost(job, p, reason=reason):
                    post_aborted(runtime(), p, reason)
        except Exception:  # noqa: BLE001 - the worker must outlive a broken payload
            log.exception("could not report the lost job %s", job.id)


class InProcessWorker(SimpleWorker):
    """Runs jobs in this process (the demo, tests); callbacks attached as the forking worker does."""

    def _set_ip_address(self, connection: Any) -> None:
        try:
            super()._set_ip_address(connection)
        except ValueError:  # fakeredis over TCP answers CLIENT INFO in a form redis-py cannot parse
            self.ip_address = "unknown"

    def execute_job(self, job: Job, queue: Queue) -> None:
        attach_callbacks(job)
        run_counted(job, lambda: super(InProcessWorker, self).execute_job(job, queue))
