"""A job whose worker died: run it once more from the incident's checkpoint, then give up in the thread.

How a death is noticed (see workers.worker.Liveness): the worker heartbeats each running job
in RQ's StartedJobRegistry; when the heartbeats stop, the entry expires and the next
maintenance tick of any live worker (StartedJobRegistry.cleanup) calls the job's failure
callback with AbandonedJobError. A work horse that dies under a live worker (OOM killer) is
noticed at once by its parent (Worker.handle_work_horse_killed).

Either way `retry_lost` gives the job one retry: it sets `retries_left`, which RQ reads right
after the callback to put the same job id back on the queue (later jobs of the incident,
chained on that id, keep waiting for it). The retried job finds the checkpoint and carries on
(workers.jobs.proceed). A second loss of the same job aborts it in the thread.
"""
from __future__ import annotations

import logging
from typing import Any

from bot.blocks import Message
from bot.payloads import JobPayload
from workers.runtime import runtime
from workers.thread import open_thread, state_values

log = logging.getLogger(__name__)
MAX_RETRIES = 1  # per job id: a job that kills its worker twice is not tried a third time
KEY_TTL_S = 7 * 86_400


def retry_lost(job: Any, p: JobPayload, *, reason: str) -> bool:
    """True when the job will run again (RQ requeues it); the thread is told either way by the caller."""
    rt = runtime()
    key = f"debugbot:recoveries:{job.id}"
    count = int(rt.redis.incr(key))
    rt.redis.expire(key, KEY_TTL_S)
    if count > MAX_RETRIES:
        log.error("job lost %d times: giving up (%s)", count, reason)
        return False
    job.retries_left = 1  # read by RQ right after this callback: requeue, same id
    job.retry_intervals = None
    step = int(state_values(rt, p.incident_id).get("step") or 0)
    where = f"from the last checkpoint (step {step})" if step else "from the start"
    log.warning("job lost (%s): retrying %s", reason, where)
    open_thread(rt, p).post(Message(text=f":warning: The worker running this investigation was lost ({reason}). "
                                         f"Resuming {where} on another worker."))
    return True
