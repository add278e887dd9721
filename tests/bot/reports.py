"""Realistic reports and progress events for the Block Kit and streamer tests."""
from __future__ import annotations

from tools.models import ActionName, Evidence, ObjectRef, ProposedAction
from tools.report import Hypothesis, ProgressEvent, Report, ReportStatus, Usage, Verdict

PAYMENT = ObjectRef(kind="Deployment", namespace="prod", name="payment")


def realistic_report(status: ReportStatus = ReportStatus.AWAITING_APPROVAL) -> Report:
    return Report(
        status=status, category="bad_rollout", resource=PAYMENT,
        summary=("payment 5xx started at 14:02, 40 s after revision 4 of Deployment prod/payment rolled out; "
                 "revision 4 changed DB_HOST from db.prod to db-new.prod, which does not resolve. "
                 "Rolling back to revision 3 should restore it."),
        hypotheses=[
            Hypothesis(statement="revision 4 broke the DB connection (DB_HOST changed)", category="bad_rollout",
                       resource=PAYMENT, confidence=0.92, verdict=Verdict.CONFIRMED,
                       evidence=["error onset 14:02:10 is 40 s after rollout 14:01:30",
                                 "logs: 'dial tcp: lookup db-new.prod: no such host' x 412"]),
            Hypothesis(statement="the database itself is down", confidence=0.1, verdict=Verdict.REFUTED,
                       evidence=["orders (same DB) is healthy"], against=["db pod Ready, 0 restarts"]),
        ],
        evidence=[
            Evidence(fact="5xx ratio of payment rose from 0.1% to 38% at 14:02", tool="prom_query",
                     invocation='sum(rate(http_requests_total{namespace="prod",service="payment",code=~"5.."}[5m]))'
                                ' / sum(rate(http_requests_total{namespace="prod",service="payment"}[5m]))'),
            Evidence(fact="revision 4 changed env DB_HOST: db.prod -> db-new.prod", tool="rollout_history",
                     invocation="GET /apis/apps/v1/namespaces/prod/replicasets?labelSelector=app%3Dpayment"),
            Evidence(fact="payment-7d4b9c8f6-x2kqj logs: dial tcp: lookup db-new.prod: no such host",
                     tool="pod_logs", invocation="GET /api/v1/namespaces/prod/pods/payment-7d4b9c8f6-x2kqj/log"
                                                 "?container=payment&tailLines=200"),
        ],
        proposed_actions=[ProposedAction(action=ActionName.ROLLBACK_DEPLOYMENT, target=PAYMENT,
                                         params={"to_revision": 3},
                                         rationale="revision 3 ran clean for 6 days; revision 4 only changed "
                                                   "DB_HOST")],
        usage=Usage(steps=9, tool_calls=7, tokens_in=0, tokens_out=0, first_hypothesis_s=4.2, total_s=23.8))


def huge_report() -> Report:
    """A report that cannot fit one message: 80 evidence lines, long texts."""
    report = realistic_report(ReportStatus.INCONCLUSIVE)
    report.summary = "very long summary " * 400
    report.evidence = [Evidence(fact=f"fact {i}: " + "x" * 2500, invocation=f"up{{job=\"j{i}\"}}" + " " * 1200)
                       for i in range(80)]
    report.hypotheses = report.hypotheses * 20
    report.proposed_actions = report.proposed_actions * 10
    return report


def burst(n: int = 10) -> list[ProgressEvent]:
    """What a few fast graph steps emit."""
    events = [ProgressEvent(kind="plan", text="check rollout history, then pod logs, then 5xx metrics", step=1),
              ProgressEvent(kind="recall", text="similar to last month's payment bad rollout", step=1,
                            data={"incident_id": "inc-T1-C1-1690000000_000100", "similarity": 0.81})]
    for i in range(2, n):
        if i % 3 == 0:
            events.append(ProgressEvent(kind="hypothesis", text=f"hypothesis {i}: revision 4 broke DB access",
                                        step=i, data={"confidence": 0.5 + i / 40}))
        elif i % 3 == 1:
            events.append(ProgressEvent(kind="tool_call", text="pod_logs", step=i, data={
                "tool": "pod_logs", "invocation": f"GET /api/v1/namespaces/prod/pods/p{i}/log?tailLines=200"}))
        else:
            events.append(ProgressEvent(kind="tool_result", text=f"412 lines, 1 pattern: no such host ({i})",
                                        step=i, data={"status": "ok"}))
    return events[:n]
