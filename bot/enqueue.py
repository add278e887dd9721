"""Putting jobs on the RQ queue by dotted name, one job at a time per incident."""
from __future__ import annotations

import time
from urllib.parse import urlsplit, urlunsplit

import redis
from redis.backoff import ExponentialBackoff
from redis.exceptions import LockError
from redis.retry import Retry
from rq import Queue
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Dependency, Job, JobStatus

from bot.incident import job_id
from bot.payloads import (FOLLOW_UP_JOB, INVESTIGATE_JOB, RESUME_JOB, DecisionPayload, FollowUpPayload,
                          InvestigatePayload, JobPayload)

UNFINISHED = frozenset({JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED})


class QueueUnavailable(Exception):
    """Redis could not be reached; the message is fit to show a Slack user."""


def redact_url(url: str) -> str:
    """The Redis URL without its password, to show in messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username or ''}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def unreachable(url: str) -> QueueUnavailable:
    return QueueUnavailable(f"Redis at {redact_url(url)} is unreachable; try again in a minute")


def connect(url: str, *, single: bool = False) -> redis.Redis:
    """A client that fails fast when Redis is down, so a Slack handler still acks in time.

    `single`: one connection of its own instead of a pool (see Deduper: one per handler thread).
    """
    return redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=2.0,
                                retry=Retry(ExponentialBackoff(cap=0.2, base=0.05), 1),
                                single_connection_client=single)


class JobQueue:
    """Enqueues `workers.jobs.*` with ids derived from the incident id.

    Serialisation: an incident's jobs form a chain. `investigate` is unique per
    incident (RQ `unique=True`: a second one raises and is skipped). Any later
    job (a decision, a follow-up) is enqueued with `depends_on` the incident's
    last job when that one is still unfinished (allow_failure=True, so a failed
    investigation does not strand follow-ups). The read-last/enqueue/write-last
    step runs under a short per-incident Redis lock, so two clicks at once
    still chain rather than run side by side.
    """

    def __init__(self, client: redis.Redis, *, queue_name: str, job_timeout_s: int,
                 redis_url: str = "", prefix: str = "debugbot") -> None:
        self.client, self.prefix, self.job_timeout_s = client, prefix, job_timeout_s
        self.redis_url = redis_url
        self.queue = Queue(queue_name, connection=client)

    def investigate(self, payload: InvestigatePayload) -> Job | None:
        """Enqueue the incident's investigation; None if it already has one."""
        jid = job_id(payload.incident_id, "investigate")
        try:
            with self._incident_lock(payload.incident_id):
                job = self._enqueue(INVESTIGATE_JOB, payload, jid, depends_on=None, unique=True)
                self._set_last(payload.incident_id, jid)
                return job
        except DuplicateJobError:
            return None
        except redis.RedisError as exc:
            raise self._problem(exc) from exc

    def decision(self, payload: DecisionPayload) -> Job:
        return self._chained(RESUME_JOB, payload, "decision")

    def follow_up(self, payload: FollowUpPayload) -> Job:
        return self._chained(FOLLOW_UP_JOB, payload, "followup")

    def last_job(self, incident: str) -> Job | None:
        raw = self.client.get(self._last_key(incident))
        if raw is None:
            return None
        try:
            return Job.fetch(raw.decode() if isinstance(raw, bytes) else str(raw), connection=self.client)
        except NoSuchJobError:
            return None

    def _chained(self, func: str, payload: JobPayload, kind: str) -> Job:
        try:
            with self._incident_lock(payload.incident_id):
                seq = int(self.client.incr(f"{self.prefix}:incident:{payload.incident_id}:seq"))
                last = self.last_job(payload.incident_id)
                waits = last is not None and last.get_status() in UNFINISHED
                depends = Dependency(jobs=[last], allow_failure=True) if waits and last else None
                job = self._enqueue(func, payload, job_id(payload.incident_id, kind, seq), depends_on=depends)
                self._set_last(payload.incident_id, job.id)
                return job
        except redis.RedisError as exc:
            raise self._problem(exc) from exc

    def _problem(self, exc: redis.RedisError) -> QueueUnavailable:
        if isinstance(exc, LockError):
            return QueueUnavailable("another job for this incident is being queued right now; try again")
        return unreachable(self.redis_url)

    def _enqueue(self, func: str, payload: JobPayload, jid: str, *, depends_on: Dependency | None,
                 unique: bool = False) -> Job:
        payload.enqueued_at = time.time()
        return self.queue.enqueue_call(func, args=(payload.model_dump(mode="json"),), job_id=jid,
                                       timeout=self.job_timeout_s, depends_on=depends_on, unique=unique,
                                       result_ttl=86400, failure_ttl=7 * 86400,
                                       description=f"{func.rsplit('.', 1)[-1]} {payload.incident_id}")

    def _set_last(self, incident: str, jid: str) -> None:
        self.client.set(self._last_key(incident), jid, ex=7 * 86400)

    def _last_key(self, incident: str) -> str:
        return f"{self.prefix}:incident:{incident}:last_job"

    def _incident_lock(self, incident: str) -> redis.lock.Lock:
        lock: redis.lock.Lock = self.client.lock(f"{self.prefix}:incident:{incident}:enqueue", timeout=10,
                                                 blocking_timeout=5)
        return lock
