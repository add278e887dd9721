"""Containers that die again and again after hours of running fine: a leak or a slow fault, not a start-up one.

Between crashes the pods are Running and Ready, so no CrashLoopBackOff shows; what gives it away is a
restartCount in the tens on most pods, a non-zero lastState exit (134 SIGABRT from a runtime's own heap
limit, 139, 1...) that is not OOMKilled, and runs that each lasted long. When those pods all belong to a
revision rolled out in the last days, the revision is the suspect: roll back. The previous run's log says
what killed it (the reasoner reads it: "heap out of memory" makes it a leak).
"""
from __future__ import annotations

from datetime import datetime

from agent.analyzers.workload import rollout_of
from agent.cluster import ClusterView, Obj, parse_time, ref
from agent.findings import Finding, ToolCall
from tools.models import ActionName, ProposedAction

MIN_RESTARTS = 3
MIN_RUN_MIN = 30.0  # a run this long before dying is not a start-up failure
ROLLOUT_DAYS = 14.0
STILL_DYING_MIN = 24 * 60.0
_SIGNALS = {134: "SIGABRT (a runtime aborting, e.g. at its own heap limit)", 139: "SIGSEGV", 137: "SIGKILL"}


def analyze(view: ClusterView) -> list[Finding]:
    out: list[Finding] = []
    for wl in view.objects("Deployment"):
        out += _workload(view, wl)
    return out


def long_run_crashes(pods: list[Obj]) -> list[tuple[str, str, int, int, float, datetime]]:
    """(pod, container, restarts, exit code, minutes the last run lasted, when it ended) per such container."""
    out: list[tuple[str, str, int, int, float, datetime]] = []
    for pod in pods:
        for cs in (pod.get("status") or {}).get("containerStatuses") or []:
            last = (cs.get("lastState") or {}).get("terminated") or {}
            start, end = parse_time(last.get("startedAt")), parse_time(last.get("finishedAt"))
            restarts = int(cs.get("restartCount") or 0)
            if restarts < MIN_RESTARTS or last.get("reason") == "OOMKilled" or not last.get("exitCode") \
                    or start is None or end is None or "running" not in (cs.get("state") or {}):
                continue
            lasted = (end - start).total_seconds() / 60
            if lasted >= MIN_RUN_MIN:
                out.append((pod["metadata"]["name"], str(cs.get("name")), restarts, int(last["exitCode"]), lasted,
                            end))
    return out


def _workload(view: ClusterView, wl: Obj) -> list[Finding]:
    pods = view.pods_of(wl)
    crashes = long_run_crashes(pods)
    if not pods or len({c[0] for c in crashes}) * 2 < len(pods):
        return []
    r = rollout_of(view, wl)
    age = view.age_minutes(r.current_created) if r else None
    recent = r is not None and r.previous is not None and age is not None and age <= ROLLOUT_DAYS * 24 * 60
    pod, container, restarts, code, lasted, ended = max(crashes, key=lambda c: c[5])
    if (view.age_minutes(ended) or 0.0) > STILL_DYING_MIN:
        return []  # the last crash is a day old: whatever it was has stopped
    hours = sorted(c[4] / 60 for c in crashes)
    facts = [f"{len({c[0] for c in crashes})} of {len(pods)} pods keep dying after running for hours: restartCount "
             f"{min(c[2] for c in crashes)}-{max(c[2] for c in crashes)}, each last run lasted "
             f"{hours[0]:.1f}-{hours[-1]:.1f}h",
             f"{pod}/{container} last terminated with exit code {code}"
             + (f" = {_SIGNALS[code]}" if code in _SIGNALS else "") + ", reason Error, not OOMKilled"]
    if recent and r is not None:
        facts.append(f"all of them run revision {r.current} ({r.current_image}), rolled out "
                     f"{(age or 0) / 1440:.1f} days ago; revision {r.previous} ({r.previous_image}) ran before it"
                     + (f": {r.change_cause}" if r.change_cause else ""))
        action = ProposedAction(action=ActionName.ROLLBACK_DEPLOYMENT, target=ref(wl),
                                params={"revision": r.previous},
                                rationale=f"the pods of revision {r.current} die every few hours; revision "
                                          f"{r.previous} ({r.previous_image}) ran without it. Raising limits only "
                                          f"stretches the cycle and restarts already happen")
    else:
        action = ProposedAction(action=ActionName.RECOMMEND_ONLY, target=ref(wl),
                                rationale="read the previous run's log for what kills it; if memory climbs until "
                                          "it dies, find the leak (a restart only resets the clock)")
    return [Finding("pods.recurring", "bad_rollout" if recent else "memory_leak", ref(wl),
                    0.8 if recent else 0.5, f"{ref(wl).label()} crashes every few hours (exit code {code})", facts,
                    action=action, affected=ref(wl), onset=r.current_created if recent and r else ended,
                    confirm_with=[ToolCall("pod_logs", {"namespace": wl["metadata"].get("namespace"), "pod": pod,
                                                        "container": container, "previous": True,
                                                        "tail_lines": 300})])]
