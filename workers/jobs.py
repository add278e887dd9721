"""RQ jobs: investigate, resume_after_decision, follow_up, and the callbacks that report a failed job.

Every job is safe to run again: it looks at the incident's checkpoint first and carries
on from there (a job re-run after its worker died resumes where the graph stopped).
"""
from __future__ import annotations

import logging
from typing import Any, TypeVar

from rq import get_current_job
from rq.exceptions import AbandonedJobError
from rq.timeouts import JobTimeoutException

from agent import api
from bot.blocks import Message
from bot.payloads import DecisionPayload, FollowUpPayload, InvestigatePayload, JobPayload, parse_payload
from bot.streamer import ThreadStreamer
from tools.approvals import ApprovalState
from workers import recovery
from workers.logs import job_context
from workers.metrics import JobTally
from workers.runtime import Runtime, runtime
from workers.thread import decision_outcome, finish, open_thread, post_aborted, redraw_decision_card, state_values

log = logging.getLogger(__name__)
P = TypeVar("P", bound=JobPayload)


def _payload(data: dict[str, Any], kind: type[P]) -> P:
    p = parse_payload(data)
    if not isinstance(p, kind):
        raise TypeError(f"expected a {kind.__name__}, got {type(p).__name__}")
    return p


def _job_id() -> str | None:
    job = get_current_job()
    return job.id if job is not None else None


def _config(rt: Runtime, incident_id: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": incident_id}, "recursion_limit": rt.settings.recursion_limit}


def _tokens(values: dict[str, Any]) -> tuple[int, int]:
    """LLM tokens the incident had spent before this job (the report's count is cumulative)."""
    return int(values.get("tokens_in") or 0), int(values.get("tokens_out") or 0)


def _finish(rt: Runtime, p: JobPayload, result: api.RunResult, streamer: ThreadStreamer, *, tally: JobTally,
            tokens_before: tuple[int, int], timed: bool = False) -> dict[str, Any]:
    """`finish`, plus this job's tally in its result: the worker's parent counts it (workers/metrics.py)."""
    outcome = finish(rt, p, result, streamer)
    tally.finish(result.report, status=str(outcome.get("status") or result.report.status.value),
                 tokens_before=tokens_before, timed=timed)
    return {**outcome, "metrics": tally.as_dict()}


def proceed(rt: Runtime, incident_id: str, on_event: api.OnEvent) -> api.RunResult:
    """Carry on from the last checkpoint: the node that was running when a worker died runs again;
    a graph waiting for approval asks again; a finished one just gives its report back."""
    return api.proceed(rt.graph, incident_id=incident_id, on_event=on_event,
                       recursion_limit=rt.settings.recursion_limit)


def _waiting_for_approval(rt: Runtime, incident_id: str) -> bool:
    snap = rt.graph.get_state(_config(rt, incident_id))  # type: ignore[arg-type]
    return any(task.interrupts for task in snap.tasks)


def investigate(data: dict[str, Any]) -> dict[str, Any]:
    p = _payload(data, InvestigatePayload)
    rt = runtime()
    with job_context(p.incident_id, _job_id()):
        streamer, tally = open_thread(rt, p, title=p.text), JobTally()
        emit = tally.watch(streamer.emit)
        rt.incidents.set_status(p.incident_id, "running")
        if before := state_values(rt, p.incident_id):
            log.info("investigation already checkpointed: carrying on from there")
            result = proceed(rt, p.incident_id, emit)
        else:
            trigger: dict[str, Any] = {"alert": p.trigger} if isinstance(p.trigger, dict) else {"text": p.trigger}
            trigger["user"] = p.user_id
            log.info("investigating (%s)", p.source.value)
            result = api.investigate(rt.graph, incident_id=p.incident_id, trigger=trigger, on_event=emit,
                                     recursion_limit=rt.settings.recursion_limit)
        return _finish(rt, p, result, streamer, tally=tally, tokens_before=_tokens(before), timed=True)


def resume_after_decision(data: dict[str, Any]) -> dict[str, Any]:
    """Run the human's decision through the graph. The decision is the approval record's (consumed once
    by the bot), never the payload's alone: a record still pending resumes nothing."""
    p = _payload(data, DecisionPayload)
    rt = runtime()
    with job_context(p.incident_id, _job_id()):
        record = rt.approvals.get(p.approval_id)
        streamer = open_thread(rt, p)
        if record is None or record.state is ApprovalState.PENDING:
            state = record.state.value if record else "gone"
            log.warning("decision job for approval %s whose record is %s: not resuming", p.approval_id, state)
            streamer.post(Message(text=f"Not resuming: approval {p.approval_id} is {state}, not decided."))
            return {"status": "not_decided", "approval": state}
        decision = "approve" if record.state is ApprovalState.APPROVED else "reject"
        tally, before = JobTally(), _tokens(state_values(rt, p.incident_id))
        emit = tally.watch(streamer.emit)
        rt.incidents.set_status(p.incident_id, "running")
        if _waiting_for_approval(rt, p.incident_id) and record.state in (
                ApprovalState.APPROVED, ApprovalState.REJECTED, ApprovalState.EXPIRED):
            log.info("resuming after %s by %s", decision, record.decided_by)
            result = api.resume(rt.graph, incident_id=p.incident_id, decision=decision,
                                user=record.decided_by or p.user_id, on_event=emit,
                                recursion_limit=rt.settings.recursion_limit)
        else:
            result = proceed(rt, p.incident_id, emit)
        record = rt.approvals.get(p.approval_id)
        redraw_decision_card(rt, p, record=record, streamer=streamer,
                             outcome=decision_outcome(p, record, state_values(rt, p.incident_id)))
        return _finish(rt, p, result, streamer, tally=tally, tokens_before=before)


def follow_up(data: dict[str, Any]) -> dict[str, Any]:
    p = _payload(data, FollowUpPayload)
    rt = runtime()
    with job_context(p.incident_id, _job_id()):
        streamer = open_thread(rt, p)
        if _waiting_for_approval(rt, p.incident_id):
            streamer.post(Message(text=f"<@{p.user_id}> I'm waiting for a decision on the proposed fix above; "
                                       "ask again once it is approved or rejected."))
            return {"status": "awaiting_approval"}
        tally, before = JobTally(), _tokens(state_values(rt, p.incident_id))
        try:
            result = api.follow_up(rt.graph, incident_id=p.incident_id, question=p.question,
                                   on_event=tally.watch(streamer.emit), recursion_limit=rt.settings.recursion_limit)
        except LookupError as exc:
            streamer.post(Message(text=f"I have nothing stored for this thread ({exc})."))
            return {"status": "unknown_incident"}
        return _finish(rt, p, result, streamer, tally=tally, tokens_before=before)


def _reason(exc_type: type[BaseException], exc_value: BaseException | None, timeout_s: int | None) -> str:
    if issubclass(exc_type, JobTimeoutException):
        return f"it ran past its time limit of {timeout_s} s (DEBUGBOT_JOB_TIMEOUT_S)"
    return f"{exc_type.__name__}: {str(exc_value or '')[:300]}".rstrip(": ")


def on_failure(job: Any, connection: Any, exc_type: type[BaseException], exc_value: BaseException | None,
               tb: Any) -> None:
    """RQ failure callback (also run by registry cleanup for an abandoned job): a lost worker's job is
    resumed once from its checkpoint; otherwise the thread gets "investigation aborted". A catch-all."""
    try:
        p = parse_payload(job.args[0])
        with job_context(p.incident_id, job.id):
            if issubclass(exc_type, AbandonedJobError):
                reason = "the worker running it stopped sending heartbeats (killed or lost)"
                if recovery.retry_lost(job, p, reason=reason):
                    return
            else:
                reason = _reason(exc_type, exc_value, getattr(job, "timeout", None))
            log.error("job failed: %s", reason)
            post_aborted(runtime(), p, reason)
    except Exception:  # noqa: BLE001 - a failure callback must never raise
        log.exception("failure callback for job %s failed", getattr(job, "id", "?"))


def on_stopped(job: Any, connection: Any) -> None:
    """RQ stopped callback (`rq.command.send_stop_job_command`): say so in the thread. A catch-all."""
    try:
        p = parse_payload(job.args[0])
        with job_context(p.incident_id, job.id):
            log.warning("job stopped by an operator")
            post_aborted(runtime(), p, "stopped by an operator")
    except Exception:  # noqa: BLE001 - a stopped callback must never raise
        log.exception("stopped callback for job %s failed", getattr(job, "id", "?"))
