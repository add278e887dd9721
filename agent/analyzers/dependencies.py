"""Dependencies detectors: at perceive over the cluster view, and later over the tools' observations.

At perceive: each workload's dependencies (Services and outside hosts its pods name, or match by
protocol) become a weak lead whose confirmation is `dependency_health`; failed Jobs come from jobs.py.
Over the observations: a dependency that is itself sick (a full PVC, an OOM-killed process, an
outside host answering 5xx or timing out to the workload in focus) is the root cause, not its caller.
"""
from __future__ import annotations

import math
import re
from typing import Any

from agent.analyzers.jobs import failed_jobs
from agent.cluster import ClusterView, ref
from agent.findings import Finding, ToolCall
from agent.state import Observation
from tools.dependency_map import dependencies
from tools.models import ActionName, ObjectRef, ProposedAction

LEAD = 0.34  # below the reasoner's no_fault line: a dependency is only a place to look
FULL = 0.9  # a volume this full is the fault
_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "CronJob")
_REMOTE_FAILURE = re.compile(r"\b5\d\d\b|timed? ?out|deadline exceeded|unavailable|connection (refused|reset)"
                             r"|no healthy upstream|bad gateway", re.I)
_DISK_FULL = re.compile(r"No space left on device|DiskFull|disk (is )?full|low on disk|disk (resource )?"
                        r"(limit )?alarm|ENOSPC", re.I)
_UNITS = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}


def analyze(view: ClusterView) -> list[Finding]:
    out = failed_jobs(view)
    services = view.objects("Service")
    for kind in _KINDS:
        for w in view.objects(kind):
            if kind in ("Deployment", "StatefulSet") and not (w.get("spec") or {}).get("replicas", 1):
                continue
            deps = dependencies(w, services=services,
                                configmaps=view.objects("ConfigMap", w["metadata"].get("namespace")))
            if deps:
                out.append(_lead(w, deps))
    return out


def _lead(w: dict[str, Any], deps: list[Any]) -> Finding:
    first = next((d for d in deps if d.service is not None), deps[0])
    resource = ref(first.service) if first.service is not None else ref(w)
    names = ", ".join(d.names[0] if d.names else str(d.host) for d in deps[:4])
    return Finding("dependencies.named", "dependency_failure", resource, LEAD,
                   f"{w['kind']} {w['metadata'].get('namespace')}/{w['metadata']['name']} may fail because a "
                   f"dependency does ({names})", [f"{d.names[0] if d.names else d.host}: {d.link}" for d in deps[:4]],
                   against=["only a lead: the dependency is named, not yet shown to fail"], affected=ref(w),
                   confirm_with=[ToolCall("dependency_health", {"namespace": w["metadata"].get("namespace"),
                                                                "kind": w["kind"], "name": w["metadata"]["name"]})])


def observe(focus: dict[str, Any], observations: list[Observation]) -> list[Finding]:
    """A sick dependency of a workload in focus, from dependency_health and the caller's own logs."""
    names = {w["name"]: w for w in (focus.get("workloads") or [])[:3]}
    out: list[Finding] = []
    for ob in observations:
        data = ob.get("data")
        if ob["tool"] != "dependency_health" or ob["status"] != "ok" or not isinstance(data, dict):
            continue
        w = names.get(str(data.get("workload", {}).get("name")))
        if w is None or data["workload"].get("namespace") != w["namespace"]:
            continue
        caller = ObjectRef(kind=w["kind"], namespace=w["namespace"], name=w["name"])
        lines = caller_lines(caller.name, observations)
        for dep in data.get("dependencies") or []:
            out += _full_volume(caller, dep, lines) + _oom(caller, dep) + _remote(caller, dep, lines)
    return out


def caller_lines(workload: str, observations: list[Observation]) -> list[str]:
    """The log lines of the workload's pods (pod names start with the workload's name)."""
    return [ln.strip() for ob in observations if ob["tool"] == "pod_logs" and ob["status"] == "ok"
            and str(ob["args"].get("pod", "")).startswith(workload + "-")
            for ln in ob["text"].splitlines() if ln.strip()]


def _bytes(q: Any) -> float:
    m = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", str(q or "").strip())
    return float(m.group(1)) * _UNITS.get(m.group(2), 1) if m else 0.0


def _gi(n: float) -> str:
    return f"{max(1, math.ceil(n / 2**30))}Gi"


def _full_volume(caller: ObjectRef, dep: dict[str, Any], lines: list[str]) -> list[Finding]:
    vols = dep.get("volumes") or []
    alarms = [a["line"] for a in dep.get("alarms") or [] if a["kind"] == "disk_full"]
    said = [ln for ln in lines if _DISK_FULL.search(ln)]
    full = [v for v in vols if float(v.get("used_ratio") or 0) >= FULL]
    unmeasured = all(v.get("used_ratio") is None for v in vols)
    if not vols or not (full or alarms or (said and unmeasured)):
        return []
    vol = max(vols, key=lambda v: float(v.get("used_ratio") or 0))
    ns = (dep.get("service") or {}).get("namespace") or caller.namespace
    pvc = ObjectRef(kind="PersistentVolumeClaim", namespace=ns, name=vol["name"])
    size = max(_bytes(vol.get("capacity")), _bytes(vol.get("requested")), float(vol.get("capacity_bytes") or 0))
    facts = [f"PVC {vol['name']} (capacity {vol.get('capacity')}) is "
             + (f"{vol['used_ratio']:.0%} full (kubelet_volume_stats_used_bytes / _capacity_bytes)"
                if vol.get("used_ratio") is not None else "full")]
    facts += [f"{_label(dep)} logs: {a}" for a in alarms[:2]] + [f"{caller.name} logs: {s}" for s in said[:2]]
    new = _gi(size * 2)
    score = 0.93 if full and (alarms or said) else 0.85 if (full or alarms) else 0.75
    return [Finding("dependencies.disk", "storage", pvc, score,
                    f"the volume {vol['name']} of {_label(dep)}, which {caller.name} depends on, is full", facts,
                    affected=caller,
                    action=ProposedAction(action=ActionName.PATCH_RESOURCE, target=pvc,
                                          params={"patch": {"spec": {"resources": {"requests": {"storage": new}}}}},
                                          rationale=f"grow {vol['name']} from {vol.get('capacity')} to {new} (online "
                                                    f"expansion); then find what filled it"))]


def _label(dep: dict[str, Any]) -> str:
    b, s = dep.get("backing"), dep.get("service")
    return f"{b['kind']} {b['name']}" if b else (f"Service {s['name']}" if s else str(dep.get("external_host")))


def _oom(caller: ObjectRef, dep: dict[str, Any]) -> list[Finding]:
    backing, ns = dep.get("backing"), (dep.get("service") or {}).get("namespace")
    if not backing or backing["kind"] not in ("Deployment", "StatefulSet", "DaemonSet"):
        return []
    alarms = [a for a in dep.get("alarms") or [] if a["kind"] == "oom"]
    killed = [(p, c) for p in dep.get("pods") or [] for c in p["containers"] if c.get("last_reason") == "OOMKilled"]
    if not alarms and not killed:
        return []
    pod = dep["pods"][0]
    container = killed[0][1] if killed else pod["containers"][0]
    limit = _bytes(container.get("memory_limit"))
    target = ObjectRef(kind=backing["kind"], namespace=ns, name=backing["name"])
    facts = [f"{a['pod']} logs: {a['line']}" for a in alarms[:3]]
    facts += [f"{p['name']} {c['name']} last terminated OOMKilled (restarts {c['restarts']})" for p, c in killed[:2]]
    facts.append(f"memory limit of {container['name']}: {container.get('memory_limit') or 'none'}")
    action = ProposedAction(action=ActionName.RECOMMEND_ONLY, target=target,
                            rationale=f"give {container['name']} of {target.label()} more memory")
    if limit:
        new = _gi(limit * 2)
        same = _bytes(container.get("memory_request")) == limit
        params: dict[str, Any] = {"container": container["name"], "limits": {"memory": new}}
        if same:
            params["requests"] = {"memory": new}
        action = ProposedAction(action=ActionName.SET_RESOURCES, target=target, params=params,
                                rationale=f"{container['name']} is killed at its {container['memory_limit']} limit "
                                          f"(processes killed by signal 9 / OOM); double it to {new}")
    return [Finding("dependencies.oom", "oom_killed", target, 0.9,
                    f"{target.label()}, which {caller.name} depends on, is killed at its memory limit", facts,
                    affected=caller, action=action)]


def _remote(caller: ObjectRef, dep: dict[str, Any], lines: list[str]) -> list[Finding]:
    svc = dep.get("service")
    if not dep.get("external_host") or not svc:
        return []
    names = [n for n in dep.get("names") or [] if len(n) > 3]
    failing = [ln for ln in lines if any(n in ln for n in names) and _REMOTE_FAILURE.search(ln)]
    if not failing:
        return []
    target = ObjectRef(kind="Service", namespace=svc["namespace"], name=svc["name"])
    status = [ln for ln in lines if re.search(r"\b5\d\d\b", ln) and re.search(r"unavailable|error|fail", ln, re.I)]
    return [Finding("dependencies.external", "dependency_failure", target, 0.93,
                    f"the outside service behind {target.label()} ({dep['external_host']}) is failing "
                    f"{caller.name}'s calls", [f"{caller.name} logs: {ln}" for ln in (failing + status)[:4]]
                    + [f"{target.label()} is an ExternalName for {dep['external_host']}: nothing in the cluster "
                       f"serves it, so no rollback, restart or scale here can fix it"],
                    affected=target,  # the failures are the outside service's own, not its caller's
                    action=ProposedAction(action=ActionName.RECOMMEND_ONLY, target=target,
                                          rationale=f"escalate to the provider of {dep['external_host']} (status "
                                                    f"page, support); meanwhile fail over to a fallback if one is "
                                                    f"configured, or shorten the client timeout to fail fast"))]
