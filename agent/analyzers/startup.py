"""A liveness probe that kills containers before they finish starting: runs cut off right at its budget.

When start-up gets slower (more data to warm, a slower node, a colder cache) while the liveness probe stays
as it was, the kubelet kills every container at initialDelaySeconds + periodSeconds x failureThreshold, long
before it serves: exit 143 (SIGTERM) or 137, "failed liveness probe" kills, CrashLoopBackOff, never Ready.
The fix is to give start-up its own budget (a startupProbe with the liveness handler), not a rollback, a
restart or more memory. A probe that a recent revision changed is pods.py's case (restore it), not this one.
"""
from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from agent.analyzers.workload import rollout_of, template_patch
from agent.cluster import ClusterView, Obj, parse_time, ref
from agent.findings import Finding, ToolCall
from tools.models import ActionName, ProposedAction

KILL_EXITS = (137, 143)
RECENT_ROLLOUT_MIN = 24 * 60.0
STARTUP_BUDGET_S = 300  # the least start-up time a startupProbe grants: generous, the probe ends at first success
_HANDLERS = ("httpGet", "tcpSocket", "grpc", "exec")


def analyze(view: ClusterView) -> list[Finding]:
    out: list[Finding] = []
    for kind in ("Deployment", "StatefulSet"):
        for wl in view.objects(kind):
            out += _workload(view, wl)
    return out


def liveness_budget(probe: dict[str, Any]) -> int:
    """Seconds from container start to the liveness kill when the probe never succeeds."""
    return int(probe.get("initialDelaySeconds") or 0) + int(probe.get("periodSeconds") or 10) \
        * int(probe.get("failureThreshold") or 3)


def _workload(view: ClusterView, wl: Obj) -> list[Finding]:
    spec = ((wl.get("spec") or {}).get("template") or {}).get("spec") or {}
    pods = view.pods_of(wl)
    for c in spec.get("containers") or []:
        probe = c.get("livenessProbe") or {}
        if not probe or c.get("startupProbe") or _probe_changed(view, wl, c["name"]):
            continue
        runs = _cut_runs(pods, c["name"], budget=liveness_budget(probe), period=int(probe.get("periodSeconds") or 10))
        kills = _liveness_kills(view, wl, c["name"])
        if len(runs) >= 1 and kills and not any(r[2] for r in runs):
            return [_finding(wl, c, runs, kills)]
    return []


def _probe_changed(view: ClusterView, wl: Obj, container: str) -> bool:
    """The probe was edited, or a revision of the last day changed the container: a rollout question first."""
    r = rollout_of(view, wl) if wl.get("kind") == "Deployment" else None
    if r is None:
        return False
    age = view.age_minutes(r.current_created)
    recent = r.previous is not None and age is not None and age <= RECENT_ROLLOUT_MIN
    return bool(r.changed(f"containers[{container}].livenessProbe")
                or (recent and r.changed(f"containers[{container}]")))


def _cut_runs(pods: list[Obj], container: str, *, budget: int, period: int) -> list[tuple[str, float, bool]]:
    """(pod, seconds the last run lasted, ready now) for runs killed within one period or so of the budget."""
    out: list[tuple[str, float, bool]] = []
    for pod in pods:
        for cs in (pod.get("status") or {}).get("containerStatuses") or []:
            last = (cs.get("lastState") or {}).get("terminated") or {}
            if cs.get("name") != container or last.get("exitCode") not in KILL_EXITS:
                continue
            started, finished = parse_time(last.get("startedAt")), parse_time(last.get("finishedAt"))
            if not (isinstance(started, datetime) and isinstance(finished, datetime)):
                continue
            lasted = (finished - started).total_seconds()
            if budget - period <= lasted <= budget + 2 * period + 5:
                out.append((pod["metadata"]["name"], lasted, bool(cs.get("ready"))))
    return out


def _liveness_kills(view: ClusterView, wl: Obj, container: str) -> list[str]:
    msgs: list[str] = []
    for ev in view.events_for(wl):
        msg = str(ev.get("message") or "")
        if ("failed liveness probe" in msg.lower() and container in msg) \
                or msg.startswith("Liveness probe failed"):
            msgs.append(f"{ev.get('reason')}: {msg[:160]} (x{ev.get('count') or 1})")
    return msgs


def _finding(wl: Obj, c: dict[str, Any], runs: list[tuple[str, float, bool]], kills: list[str]) -> Finding:
    probe = c["livenessProbe"]
    budget, period = liveness_budget(probe), int(probe.get("periodSeconds") or 10)
    grant = max(STARTUP_BUDGET_S, 3 * budget)
    handler = {k: probe[k] for k in _HANDLERS if k in probe}
    startup = {**handler, "periodSeconds": period, "failureThreshold": math.ceil(grant / period)}
    if "timeoutSeconds" in probe:
        startup["timeoutSeconds"] = probe["timeoutSeconds"]
    lasted = ", ".join(f"{p} {s:.0f}s" for p, s, _ in runs[:3])
    facts = [f"container {c['name']} is killed by its liveness probe before it starts: the last runs lasted "
             f"{lasted} and ended with exit code 143/137 (SIGTERM/SIGKILL), none became Ready",
             f"livenessProbe: initialDelaySeconds {probe.get('initialDelaySeconds', 0)}, periodSeconds {period}, "
             f"failureThreshold {probe.get('failureThreshold', 3)} = a {budget}s start-up budget, and no startupProbe",
             *kills[:2],
             "no recent revision changed the probe: start-up got slower (warm-up, preload, a slower node) "
             "than the probe allows"]
    action = ProposedAction(action=ActionName.PATCH_RESOURCE, target=ref(wl),
                            params={"patch": template_patch(containers=[{"name": c["name"], "startupProbe": startup}])},
                            rationale=f"add a startupProbe (the liveness check, every {period}s, up to {grant}s) so "
                                      f"the liveness probe only starts once {c['name']} is up; restarting or "
                                      f"rolling back keeps the same {budget}s budget")
    pod = runs[0][0]
    return Finding("probes.startup", "probe_failure", ref(wl), 0.85,
                   f"the liveness probe of {ref(wl).label()} kills {c['name']} during start-up", facts,
                   action=action, affected=ref(wl),
                   confirm_with=[ToolCall("pod_logs", {"namespace": wl["metadata"].get("namespace"), "pod": pod,
                                                       "container": c["name"], "previous": True,
                                                       "tail_lines": 300})])
