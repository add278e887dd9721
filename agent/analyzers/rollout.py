"""Rollout correlation: a workload whose latest revision is recent is a suspect until the evidence clears it."""
from __future__ import annotations

from agent.analyzers.workload import rollout_of
from agent.cluster import ClusterView, ref
from agent.findings import Finding, ToolCall
from tools.models import ActionName, ProposedAction

WINDOW_MIN = 6 * 60.0


def analyze(view: ClusterView) -> list[Finding]:
    out: list[Finding] = []
    for dep in view.objects("Deployment"):
        r = rollout_of(view, dep)
        if r is None or r.previous is None or not r.changes or r.current_created is None:
            continue
        age = view.age_minutes(r.current_created)
        if age is None or age > WINDOW_MIN or age < 0:
            continue
        ns, name = dep["metadata"].get("namespace"), dep["metadata"]["name"]
        facts = [f"revision {r.current} ({r.current_image}) rolled out {age:.0f} min ago at "
                 f"{r.current_created:%H:%M}Z, replacing revision {r.previous} ({r.previous_image})"
                 + (f": {r.change_cause}" if r.change_cause else "")]
        facts += [f"changed in revision {r.current}: {c.text()}" for c in r.changes[:8]]
        action = ProposedAction(action=ActionName.ROLLBACK_DEPLOYMENT, target=ref(dep),
                                params={"revision": r.previous},
                                rationale=f"symptoms began after revision {r.current}; revision {r.previous} "
                                          "ran without them")
        pods = view.pods_of(dep)
        calls = [ToolCall("rollout_history", {"namespace": ns, "deployment": name}),
                 ToolCall("error_rate", {"namespace": ns, "service": name}),
                 ToolCall("latency_quantile", {"namespace": ns, "service": name})]
        calls += [ToolCall("pod_logs", {"namespace": ns, "pod": p["metadata"]["name"], "tail_lines": 200})
                  for p in pods[:2]]
        out.append(Finding("rollout.recent", "bad_rollout", ref(dep), 0.35,
                           f"the rollout of revision {r.current} of {name} caused the symptoms", facts,
                           action=action, affected=ref(dep), onset=r.current_created, confirm_with=calls))
    return out
