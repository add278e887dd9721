"""A job's side of its Slack thread: the streamer, the approval card, the decided card, the last word."""
from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError

from agent.api import RunResult
from agent.reporting import build_report
from bot.blocks import Message
from bot.cards import approval_card, decision_card
from bot.charts import MetricChart, render_png
from bot.payloads import DecisionPayload, JobPayload
from bot.streamer import ThreadStreamer
from tools.approvals import ApprovalRecord, ApprovalState
from tools.report import Report, ReportStatus
from workers.charts import MAX_CHARTS, metric_charts
from workers.runtime import Runtime

log = logging.getLogger(__name__)
MARKER_TTL_S = 7 * 86_400  # a card or chart marker outlives any retry of the job that posted it


def open_thread(rt: Runtime, p: JobPayload, *, title: str = "") -> ThreadStreamer:
    """The incident's streamer (its root status line is redrawn as work goes on); on-call is
    mentioned when the report escalates."""
    info = rt.incidents.get(p.incident_id)
    if info is not None:
        streamer = ThreadStreamer.for_incident(rt.slack, info, oncall_group_id=rt.settings.oncall_group_id)
        if info.created_at:  # the root line's "elapsed" counts from the incident's start, not this job's
            streamer.started -= max(0.0, time.time() - info.created_at)
        return streamer
    return ThreadStreamer(rt.slack, channel=p.channel_id, thread_ts=p.thread_ts, root_ts=p.root_ts, title=title,
                          requested_by=p.user_id, oncall_group_id=rt.settings.oncall_group_id)


def finish(rt: Runtime, p: JobPayload, result: RunResult, streamer: ThreadStreamer) -> dict[str, Any]:
    """Post the approval card when the graph waits for a human, else the report; then record the status
    (last, so a status says the thread already shows it)."""
    report = result.report
    status = ReportStatus.AWAITING_APPROVAL if result.interrupt is not None else report.status
    outcome = _post_outcome(rt, p, result, streamer)
    rt.incidents.set_status(p.incident_id, status, summary=report.summary, step=report.usage.steps)
    return outcome


def _post_outcome(rt: Runtime, p: JobPayload, result: RunResult, streamer: ThreadStreamer) -> dict[str, Any]:
    report = result.report
    post_charts(rt, p.incident_id, report, streamer)
    if result.interrupt is not None:
        approval = result.interrupt.get("approval") or {}
        record = rt.approvals.get(str(approval.get("id")))
        streamer.set_state(ReportStatus.AWAITING_APPROVAL.value)
        if record is not None:
            post_card_once(rt, p, record, streamer)
        else:
            streamer.post(Message(text=f"I proposed a fix but its approval record {approval.get('id')} is gone; "
                                       "ask me again in this thread."))
        return {"status": ReportStatus.AWAITING_APPROVAL.value, "approval_id": approval.get("id")}
    streamer.close(report)
    return {"status": report.status.value, "category": report.category}


def _once(rt: Runtime, key: str, post: Callable[[], str | None]) -> str | None:
    """Run `post()` (a ts, or None when it failed) unless this key's marker says it already went out.
    The marker is taken first (SET NX) so a re-run job racing its ghost cannot post twice, and dropped
    again when the post failed so that a retry can try again."""
    if not rt.redis.set(key, "posting", nx=True, ex=MARKER_TTL_S):
        log.info("already in the thread (%s): not posting it again", key)
        return None
    ts = post()
    if ts:
        rt.redis.set(key, ts, ex=MARKER_TTL_S)
    else:
        rt.redis.delete(key)
    return ts


def post_card_once(rt: Runtime, p: JobPayload, record: ApprovalRecord, streamer: ThreadStreamer) -> str | None:
    """The approval card, at most once per incident and approval: a job re-run after a worker loss (or a
    retry) finds the graph waiting on the same approval and must not ask twice."""
    card = approval_card(approval_id=record.id, incident_id=p.incident_id, action=record.action,
                         dry_run_diff=record.dry_run_diff, proposer=record.proposer,
                         expires_at=record.expires_at.timestamp())
    return _once(rt, f"debugbot:card:{p.incident_id}:{record.id}", lambda: streamer.post(card))


def post_charts(rt: Runtime, incident_id: str, report: Report, streamer: ThreadStreamer) -> int:
    """A PNG per metric observation the report rests on (each once per incident); how many went out."""
    try:
        charts = metric_charts(state_values(rt, incident_id), report, limit=None)
    except (KeyError, TypeError, ValueError) as exc:  # a malformed observation costs the chart, not the job
        log.warning("could not pick the charts: %s", exc)
        return 0
    posted = 0
    for key, chart in charts:
        if posted >= MAX_CHARTS:
            break
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]

        def upload(chart: MetricChart = chart, digest: str = digest) -> str | None:
            ok = streamer.upload_chart(render_png(chart), title=chart.title, filename=f"chart-{digest}.png")
            return digest if ok else None

        posted += _once(rt, f"debugbot:chart:{incident_id}:{digest}", upload) is not None
    return posted


def decision_outcome(p: DecisionPayload, record: ApprovalRecord | None, values: dict[str, Any]) -> str:
    """What the decided card says once the graph has run the decision: executed, verified, or why not."""
    if record is None:
        return "The approval record is gone (expired); nothing was run."
    if record.state in (ApprovalState.REJECTED, ApprovalState.EXPIRED):
        return "Nothing was changed; the investigation went on without this action."
    done = values.get("outcome") or {}
    if record.state is ApprovalState.EXECUTED:
        check = ":white_check_mark: executed and verified" if done.get("verified") else \
            ":warning: executed, but not verified yet"
        return f"{check}: {record.result}"
    if record.state is ApprovalState.FAILED:
        return f":x: failed: {record.result}"
    return f":warning: not executed ({record.state.value}): {done.get('text') or 'no outcome recorded'}"


def redraw_decision_card(rt: Runtime, p: DecisionPayload, *, record: ApprovalRecord | None,
                         outcome: str, streamer: ThreadStreamer) -> None:
    """Replace the approval card (its ts came with the click) with who decided, when, and the outcome."""
    decision: Any = "approve" if record is not None and record.state in (
        ApprovalState.APPROVED, ApprovalState.EXECUTED, ApprovalState.FAILED) else p.decision
    at = record.decided_at.timestamp() if record is not None and record.decided_at else time.time()
    card = decision_card(action=record.action if record else None, decision=decision,
                         user_id=(record.decided_by if record else None) or p.user_id, at=at, outcome=outcome)
    if not p.card_ts:
        streamer.post(card)
        return
    try:
        rt.slack.chat_update(channel=p.channel_id, ts=p.card_ts, **card.kwargs())
    except (SlackApiError, SlackClientError) as exc:
        log.warning("could not redraw the approval card %s: %s; posting it instead", p.card_ts, exc)
        streamer.post(card)


def state_values(rt: Runtime, incident_id: str) -> dict[str, Any]:
    """The incident's checkpointed graph state ({} when nothing is stored)."""
    snap = rt.graph.get_state({"configurable": {"thread_id": incident_id}})
    return dict(snap.values or {})


def found_so_far(values: dict[str, Any]) -> str:
    hyps = values.get("hypotheses") or []
    if not hyps:
        steps = int(values.get("step") or 0)
        return f"no hypothesis yet after {steps} step(s)." if steps else "nothing yet."
    return "; ".join(f"{h['statement']} ({float(h.get('confidence') or 0):.0%})" for h in hyps[:2])


def aborted_report(values: dict[str, Any], reason: str) -> Report:
    """The report of an investigation that could not finish: why, and what it had found by then."""
    top = (values.get("hypotheses") or [{}])[0]
    conclusion = {"status": ReportStatus.ABORTED.value, "category": top.get("category") or None,
                  "resource": top.get("resource"),
                  "summary": f"investigation aborted: {reason}. Found so far: {found_so_far(values)}"}
    return build_report({**values, "conclusion": conclusion})  # type: ignore[typeddict-item]


def post_aborted(rt: Runtime, p: JobPayload, reason: str) -> Report:
    """The thread's last word on a failed job, from the checkpointed state; the root line says aborted."""
    report = aborted_report(state_values(rt, p.incident_id), reason)
    open_thread(rt, p).close(report)
    rt.incidents.set_status(p.incident_id, ReportStatus.ABORTED, summary=report.summary, step=report.usage.steps)
    return report
