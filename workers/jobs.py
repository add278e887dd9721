"""RQ jobs: investigate, resume_after_decision, follow_up. Glue between a queue message, the agent and the thread."""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from agent import api
from bot.blocks import Message
from bot.cards import approval_card, decision_card
from bot.payloads import DecisionPayload, FollowUpPayload, InvestigatePayload, JobPayload, parse_payload
from bot.streamer import ThreadStreamer
from tools.report import ReportStatus
from workers.runtime import Runtime, runtime

log = logging.getLogger(__name__)


def _streamer(rt: Runtime, p: JobPayload, *, title: str = "") -> ThreadStreamer:
    return ThreadStreamer(rt.slack, channel=p.channel_id, thread_ts=p.thread_ts, root_ts=p.root_ts, title=title,
                          requested_by=p.user_id)


def _finish(rt: Runtime, p: JobPayload, result: api.RunResult, streamer: ThreadStreamer) -> dict[str, Any]:
    """Post the approval card when the graph waits for a human, else the report; record the status."""
    report = result.report
    if result.interrupt is not None:
        streamer.flush()
        approval = result.interrupt.get("approval") or {}
        record = rt.approvals.get(str(approval.get("id")))
        if record is not None:
            card = approval_card(approval_id=record.id, incident_id=p.incident_id, action=record.action,
                                 dry_run_diff=record.dry_run_diff, proposer=record.proposer,
                                 expires_at=record.expires_at.timestamp())
            streamer.post(card)
        rt.incidents.set_status(p.incident_id, ReportStatus.AWAITING_APPROVAL, summary=report.summary)
        return {"status": "awaiting_approval", "approval_id": approval.get("id")}
    streamer.close(report)
    rt.incidents.set_status(p.incident_id, report.status, summary=report.summary)
    return {"status": report.status.value, "category": report.category}


def investigate(data: dict[str, Any]) -> dict[str, Any]:
    p = parse_payload(data)
    assert isinstance(p, InvestigatePayload)
    rt = runtime()
    streamer = _streamer(rt, p, title=p.text)
    trigger: dict[str, Any] = {"alert": p.trigger} if isinstance(p.trigger, dict) else {"text": p.trigger}
    trigger["user"] = p.user_id
    rt.incidents.set_status(p.incident_id, "running")
    result = api.investigate(rt.graph, incident_id=p.incident_id, trigger=trigger, on_event=streamer.emit,
                             recursion_limit=rt.settings.recursion_limit)
    return _finish(rt, p, result, streamer)


def resume_after_decision(data: dict[str, Any]) -> dict[str, Any]:
    p = parse_payload(data)
    assert isinstance(p, DecisionPayload)
    rt = runtime()
    streamer = _streamer(rt, p)
    result = api.resume(rt.graph, incident_id=p.incident_id, decision=p.decision, user=p.user_id,
                        on_event=streamer.emit, recursion_limit=rt.settings.recursion_limit)
    record = rt.approvals.get(p.approval_id)
    if record is not None:
        streamer.post(decision_card(action=record.action, decision=p.decision, user_id=p.user_id,
                                    at=datetime.now(timezone.utc).timestamp(), outcome=record.result or None))
    return _finish(rt, p, result, streamer)


def follow_up(data: dict[str, Any]) -> dict[str, Any]:
    p = parse_payload(data)
    assert isinstance(p, FollowUpPayload)
    rt = runtime()
    streamer = _streamer(rt, p)
    try:
        result = api.follow_up(rt.graph, incident_id=p.incident_id, question=p.question, on_event=streamer.emit,
                               recursion_limit=rt.settings.recursion_limit)
    except LookupError as exc:
        streamer.post(Message(text=f"I have nothing stored for this thread ({exc})."))
        return {"status": "unknown_incident"}
    return _finish(rt, p, result, streamer)


def on_failure(job: Any, connection: Any, exc_type: type, exc_value: BaseException, tb: Any) -> None:
    """RQ failure callback: tell the thread, with what was found so far. One of the three catch-alls."""
    try:
        p = parse_payload(job.args[0])
        rt = runtime()
        found = _found_so_far(rt, p.incident_id)
        streamer = _streamer(rt, p)
        streamer.post(Message(text=f"investigation aborted: {exc_type.__name__}: {str(exc_value)[:300]}"
                              + (f"\nFound so far: {found}" if found else "")))
        rt.incidents.set_status(p.incident_id, ReportStatus.ABORTED, summary=str(exc_value)[:300])
    except Exception:  # noqa: BLE001 - a failure callback must never raise
        log.exception("failure callback for job %s failed", getattr(job, "id", "?"))


def on_stopped(job: Any, connection: Any) -> None:
    on_failure(job, connection, RuntimeError, RuntimeError("the job was stopped"), None)


def _found_so_far(rt: Runtime, incident_id: str) -> str:
    snap = rt.graph.get_state({"configurable": {"thread_id": incident_id}})  # type: ignore[arg-type]
    hyps = (snap.values or {}).get("hypotheses") or []
    return "; ".join(f"{h['statement']} ({h['confidence']})" for h in hyps[:2])

