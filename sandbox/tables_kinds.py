"""Per-kind Table printers, mirroring the API server's: columns and cells `kubectl get` shows."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox.scenario import parse_time
from sandbox.selectors import selector_string
from sandbox.tables import Obj, age, printer

W = 1  # priority of the columns only `-o wide` shows
_WORKLOAD_WIDE = [("Containers", "string", W), ("Images", "string", W), ("Selector", "string", W)]


def _none(value: Any) -> str:
    return str(value) if value not in (None, "", []) else "<none>"


def _containers(obj: Obj) -> tuple[str, str]:
    spec = ((obj.get("spec") or {}).get("template") or {}).get("spec") or {}
    if obj.get("kind") == "CronJob":
        job = ((obj.get("spec") or {}).get("jobTemplate") or {}).get("spec") or {}
        spec = (job.get("template") or {}).get("spec") or {}
    cs = spec.get("containers") or []
    return ",".join(c.get("name", "") for c in cs), ",".join(c.get("image", "") for c in cs)


def _wide(obj: Obj) -> list[Any]:
    names, images = _containers(obj)
    return [names, images, _none(selector_string((obj.get("spec") or {}).get("selector")))]


def _init_reason(pod: Obj) -> tuple[str | None, int]:
    """The Init:... status while init containers run (None once they are done), and their restarts."""
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    restarts = 0
    for i, cs in enumerate(status.get("initContainerStatuses") or []):
        restarts += int(cs.get("restartCount") or 0)
        state = cs.get("state") or {}
        term, wait = state.get("terminated"), state.get("waiting")
        if term and int(term.get("exitCode") or 0) == 0:
            continue
        if term:
            return "Init:" + (term.get("reason") or f"ExitCode:{term.get('exitCode')}"), restarts
        if wait and wait.get("reason") and wait["reason"] != "PodInitializing":
            return "Init:" + wait["reason"], restarts
        return f"Init:{i}/{len(spec.get('initContainers') or [])}", restarts
    return None, restarts


def _pod_containers(pod: Obj, now: datetime) -> tuple[str, int, int, str]:
    """Status reason, ready count, restarts and the restarts cell, as printPod computes them."""
    status = pod.get("status") or {}
    reason = status.get("reason") or status.get("phase") or "Pending"
    init, restarts = _init_reason(pod)
    ready, last = 0, None
    if init is not None:
        reason = init
    else:
        restarts, running = 0, False
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += int(cs.get("restartCount") or 0)
            finished = ((cs.get("lastState") or {}).get("terminated") or {}).get("finishedAt")
            if finished and (last is None or parse_time(finished) > parse_time(last)):
                last = finished
            state = cs.get("state") or {}
            wait, term = state.get("waiting") or {}, state.get("terminated")
            if wait.get("reason"):
                reason = wait["reason"]
            elif term:
                reason = term.get("reason") or (f"Signal:{term['signal']}" if term.get("signal")
                                                else f"ExitCode:{term.get('exitCode', 0)}")
            elif cs.get("ready") and state.get("running") is not None:
                running, ready = True, ready + 1
        if reason == "Completed" and running:
            reason = "Running"
    if pod["metadata"].get("deletionTimestamp"):
        reason = "Terminating"
    cell = f"{restarts} ({age(last, now)} ago)" if last else str(restarts)
    return reason, ready, restarts, cell


@printer("Pod", [("Name", "string", 0), ("Ready", "string", 0), ("Status", "string", 0),
                 ("Restarts", "string", 0), ("Age", "string", 0), ("IP", "string", W),
                 ("Node", "string", W), ("Nominated Node", "string", W),
                 ("Readiness Gates", "string", W)])
def _pod(pod: Obj, now: datetime) -> list[Any]:
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    reason, ready, _, restarts = _pod_containers(pod, now)
    gates = spec.get("readinessGates") or []
    return [pod["metadata"]["name"], f"{ready}/{len(spec.get('containers') or [])}", reason, restarts,
            age(pod["metadata"].get("creationTimestamp"), now), _none(status.get("podIP")),
            _none(spec.get("nodeName")), _none(status.get("nominatedNodeName")),
            f"0/{len(gates)}" if gates else "<none>"]


@printer("Deployment", [("Name", "string", 0), ("Ready", "string", 0), ("Up-to-date", "integer", 0),
                        ("Available", "integer", 0), ("Age", "string", 0), *_WORKLOAD_WIDE])
def _deployment(d: Obj, now: datetime) -> list[Any]:
    spec, st = d.get("spec") or {}, d.get("status") or {}
    return [d["metadata"]["name"], f"{st.get('readyReplicas', 0)}/{spec.get('replicas', 1)}",
            st.get("updatedReplicas", 0), st.get("availableReplicas", 0),
            age(d["metadata"].get("creationTimestamp"), now), *_wide(d)]


@printer("ReplicaSet", [("Name", "string", 0), ("Desired", "integer", 0), ("Current", "integer", 0),
                        ("Ready", "integer", 0), ("Age", "string", 0), *_WORKLOAD_WIDE])
def _replicaset(rs: Obj, now: datetime) -> list[Any]:
    spec, st = rs.get("spec") or {}, rs.get("status") or {}
    return [rs["metadata"]["name"], spec.get("replicas", 1), st.get("replicas", 0),
            st.get("readyReplicas", 0), age(rs["metadata"].get("creationTimestamp"), now), *_wide(rs)]


@printer("StatefulSet", [("Name", "string", 0), ("Ready", "string", 0), ("Age", "string", 0),
                         ("Containers", "string", W), ("Images", "string", W)])
def _statefulset(s: Obj, now: datetime) -> list[Any]:
    spec, st = s.get("spec") or {}, s.get("status") or {}
    return [s["metadata"]["name"], f"{st.get('readyReplicas', 0)}/{spec.get('replicas', 1)}",
            age(s["metadata"].get("creationTimestamp"), now), *_wide(s)[:2]]


@printer("DaemonSet", [("Name", "string", 0), ("Desired", "integer", 0), ("Current", "integer", 0),
                       ("Ready", "integer", 0), ("Up-to-date", "integer", 0), ("Available", "integer", 0),
                       ("Node Selector", "string", 0), ("Age", "string", 0), *_WORKLOAD_WIDE])
def _daemonset(d: Obj, now: datetime) -> list[Any]:
    st = d.get("status") or {}
    node_sel = (((d.get("spec") or {}).get("template") or {}).get("spec") or {}).get("nodeSelector") or {}
    return [d["metadata"]["name"], st.get("desiredNumberScheduled", 0), st.get("currentNumberScheduled", 0),
            st.get("numberReady", 0), st.get("updatedNumberScheduled", 0), st.get("numberAvailable", 0),
            _none(",".join(f"{k}={v}" for k, v in sorted(node_sel.items()))),
            age(d["metadata"].get("creationTimestamp"), now), *_wide(d)]


@printer("Job", [("Name", "string", 0), ("Status", "string", 0), ("Completions", "string", 0),
                 ("Duration", "string", 0), ("Age", "string", 0), *_WORKLOAD_WIDE])
def _job(j: Obj, now: datetime) -> list[Any]:
    spec, st = j.get("spec") or {}, j.get("status") or {}
    conds = {c.get("type"): c.get("status") for c in st.get("conditions") or []}
    state = ("Complete" if conds.get("Complete") == "True" else "Failed" if conds.get("Failed") == "True"
             else "Suspended" if spec.get("suspend") else "Running")
    start, end = st.get("startTime"), st.get("completionTime")
    duration = (age(start, parse_time(end)) if end else age(start, now)) if start else ""
    return [j["metadata"]["name"], state, f"{st.get('succeeded', 0)}/{spec.get('completions', 1)}",
            duration, age(j["metadata"].get("creationTimestamp"), now), *_wide(j)]


@printer("CronJob", [("Name", "string", 0), ("Schedule", "string", 0), ("Timezone", "string", 0),
                     ("Suspend", "boolean", 0), ("Active", "integer", 0), ("Last Schedule", "string", 0),
                     ("Age", "string", 0), *_WORKLOAD_WIDE])
def _cronjob(c: Obj, now: datetime) -> list[Any]:
    spec, st = c.get("spec") or {}, c.get("status") or {}
    last = st.get("lastScheduleTime")
    return [c["metadata"]["name"], spec.get("schedule", ""), _none(spec.get("timeZone")),
            bool(spec.get("suspend")), len(st.get("active") or []), age(last, now) if last else "<none>",
            age(c["metadata"].get("creationTimestamp"), now), *_wide(c)]
