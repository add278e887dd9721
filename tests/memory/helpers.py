"""Incidents to remember in the memory tests: a state as perceive leaves it and the report it ended with."""
from __future__ import annotations

from typing import Any

from agent.state import AgentState
from tools.models import ActionName, Evidence, ObjectRef, ProposedAction
from tools.report import Hypothesis, Report, ReportStatus

ROLLOUT_FACTS = ["2 container(s) crash looping (CrashLoopBackOff); {name}-5d9f/api last exit code 1 (Error)",
                 "changed in revision 12: containers[api].image: registry.example.com/{name}:2.3.8 -> "
                 "registry.example.com/{name}:2.3.9",
                 "{name} logs: pool timeout after 30000ms waiting for a connection"]
PENDING_FACTS = ["3 pod(s) Pending for 40 min: 0/6 nodes are available: 6 Insufficient memory (FailedScheduling)",
                 "requests 8Gi of memory per pod; the largest node has 6Gi allocatable"]


def finding(category: str, analyzer: str, name: str, facts: list[str], *, score: float = 0.85,
            ns: str = "prod") -> dict[str, Any]:
    ref = {"kind": "Deployment", "namespace": ns, "name": name}
    return {"analyzer": analyzer, "category": category, "resource": ref, "affected": ref, "score": score,
            "summary": f"Deployment {ns}/{name} " + ("crash loops with exit code 1" if category == "bad_rollout"
                                                     else "cannot schedule its pods"),
            "facts": [f.replace("{name}", name) for f in facts], "against": [], "action": None, "onset": None,
            "confirm_with": [], "data": {}}


def rollout_state(incident: str, name: str = "checkout-api", *, ns: str = "prod", text: str = "") -> AgentState:
    return {"incident_id": incident, "trigger": {"text": text or f"{name} returns 503 since the deploy"},
            "findings": [finding("bad_rollout", "pods.crashloop", name, ROLLOUT_FACTS, ns=ns)],
            "outcome": {"ok": True, "verified": True, "text": "rolled back",
                        "action": {"action": "rollback_deployment", "params": {"to_revision": 11},
                                   "target": {"kind": "Deployment", "namespace": ns, "name": name}}}}


def pending_state(incident: str, name: str = "report-renderer") -> AgentState:
    return {"incident_id": incident, "trigger": {"text": f"{name} pods stuck pending"},
            "findings": [finding("unschedulable", "sched.pending", name, PENDING_FACTS)]}


def report_for(state: AgentState, *, status: ReportStatus = ReportStatus.RESOLVED) -> Report:
    f = (state.get("findings") or [{}])[0]
    ref = ObjectRef(**f["resource"]) if f.get("resource") else None
    return Report(status=status, category=f.get("category"), resource=ref, summary=f"{f.get('summary')}; fixed",
                  hypotheses=[Hypothesis(statement=str(f.get("summary")), category=str(f.get("category")),
                                         confidence=0.9, evidence=list(f.get("facts") or []))],
                  evidence=[Evidence(fact=fact, invocation="GET /apis/apps/v1/deployments")
                            for fact in f.get("facts") or []],
                  proposed_actions=[ProposedAction(action=ActionName.ROLLBACK_DEPLOYMENT, target=ref,
                                                   rationale="roll back")] if ref else [])
