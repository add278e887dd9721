"""The incident and job ids of the work in hand, for every log line written while handling it.

Bot handlers, jobs and the worker set these; the JSON formatter (workers/logs.py) reads them.
They live here, the lowest package that sets them, because `bot/` may not import `workers/`.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_incident: ContextVar[str | None] = ContextVar("debugbot_incident", default=None)
_job: ContextVar[str | None] = ContextVar("debugbot_job", default=None)
EXC_ATTR = "debugbot_incident_id"  # set on an exception that leaves a log context, for the error handler's line


@contextmanager
def log_context(incident_id: str | None, job_id: str | None = None) -> Iterator[None]:
    """Every log line written inside carries these ids. An exception leaving the block is tagged with
    the incident id, so the line that reports it further up (Bolt's error handler) still names it."""
    tokens = (_incident.set(incident_id), _job.set(job_id))
    try:
        yield
    except BaseException as exc:
        if incident_id and getattr(exc, EXC_ATTR, None) is None:
            try:
                setattr(exc, EXC_ATTR, incident_id)
            except AttributeError:  # an exception type with __slots__: nothing to tag
                pass
        raise
    finally:
        _incident.reset(tokens[0])
        _job.reset(tokens[1])


def bind(incident_id: str | None, job_id: str | None = None) -> None:
    """Set the ids until `bind(None)`: for a worker between taking a job off the queue and finishing it,
    spans that no single `with` block covers."""
    _incident.set(incident_id)
    _job.set(job_id)


def current() -> tuple[str | None, str | None]:
    """(incident id, job id) of the work in hand."""
    return _incident.get(), _job.get()
