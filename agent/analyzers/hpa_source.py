"""An HPA whose external metric still selects a source (a queue, a topic) its workload stopped using.

When a release moves a worker to a new queue (its env now names another queue) but the HPA's external
metric selector still names the old one, the HPA reads a queue nobody writes to: the metric is 0, it sits at
minReplicas while the real backlog grows. The fix is the HPA's selector (the new name), not scaling the
Deployment by hand (the HPA undoes it) nor rolling the worker back (it would read the old, empty queue).
"""
from __future__ import annotations

import copy
import re
from typing import Any

from agent.cluster import ClusterView, Obj, ref
from agent.findings import Finding
from tools.models import ActionName, ProposedAction

_SPLIT = re.compile(r"[/:@?=&,;\s]+")


def analyze(view: ClusterView) -> list[Finding]:
    out: list[Finding] = []
    for hpa in view.objects("HorizontalPodAutoscaler"):
        out += _stale_source(view, hpa)
    return out


def _env(template: Obj) -> dict[str, str]:
    return {str(e.get("name")): str(e["value"]) for c in (template.get("spec") or {}).get("containers") or []
            for e in c.get("env") or [] if e.get("value")}


def moved_tokens(view: ClusterView, wl: Obj) -> dict[str, tuple[str, str]]:
    """old token -> (new token, env name) for env values the last revision changed in one place."""
    rss = view.replicasets_of(wl)
    if len(rss) < 2:
        return {}
    old, new = (_env((rs.get("spec") or {}).get("template") or {}) for rs in (rss[1], rss[0]))
    out: dict[str, tuple[str, str]] = {}
    for name, before in old.items():
        after = new.get(name)
        if after is None or after == before:
            continue
        a, b = _SPLIT.split(before), _SPLIT.split(after)
        diff = [(x, y) for x, y in zip(a, b) if x != y]
        if len(a) == len(b) and len(diff) == 1:
            out[diff[0][0]] = (diff[0][1], name)
    return out


def _stale_source(view: ClusterView, hpa: Obj) -> list[Finding]:
    spec, status = hpa.get("spec") or {}, hpa.get("status") or {}
    tref = spec.get("scaleTargetRef") or {}
    wl = view.get(str(tref.get("kind", "")), hpa["metadata"].get("namespace"), str(tref.get("name", "")))
    if wl is None:
        return []
    moved = moved_tokens(view, wl)
    for i, m in enumerate(spec.get("metrics") or []):
        sel = (((m.get("external") or {}).get("metric") or {}).get("selector") or {}).get("matchLabels") or {}
        for label, value in sel.items():
            if str(value) in moved:
                return [_finding(view, hpa, wl, index=i, label=label, old=str(value), new=moved[str(value)])]
    return []


def _current(status: Obj, index: int) -> str:
    cur = (status.get("currentMetrics") or [{}] * (index + 1))
    ext = (cur[index] if index < len(cur) else {}).get("external") or {}
    return str((ext.get("current") or {}).get("averageValue") or (ext.get("current") or {}).get("value") or "?")


def _finding(view: ClusterView, hpa: Obj, wl: Obj, *, index: int, label: str, old: str,
             new: tuple[str, str]) -> Finding:
    spec, status = hpa.get("spec") or {}, hpa.get("status") or {}
    metrics: list[dict[str, Any]] = copy.deepcopy(spec.get("metrics") or [])
    metrics[index]["external"]["metric"]["selector"]["matchLabels"][label] = new[0]
    name, wname = hpa["metadata"]["name"], wl["metadata"]["name"]
    current = _current(status, index)
    idle = current in ("0", "0.0") or status.get("currentReplicas") == spec.get("minReplicas")
    limited = [c.get("reason") for c in status.get("conditions") or []
               if c.get("type") == "ScalingLimited" and c.get("status") == "True"]
    facts = [f"HPA {name} scales {wname} on an external metric selecting {label}={old} (current value {current}; "
             f"{status.get('currentReplicas')} replicas, minReplicas {spec.get('minReplicas')}"
             + (f", ScalingLimited {limited[0]}" if limited else "") + ")",
             f"the last revision of {wname} changed env {new[1]} from '{old}' to '{new[0]}': the workload consumes "
             f"{new[0]} now, so the HPA reads a source nobody uses any more"]
    action = ProposedAction(action=ActionName.PATCH_RESOURCE, target=ref(hpa),
                            params={"patch": {"spec": {"metrics": metrics}}},
                            rationale=f"point the HPA's metric selector {label} at {new[0]}, what {wname} reads "
                                      f"since its last release; scaling {wname} by hand is undone by the HPA and a "
                                      f"rollback would read the old, empty source")
    return Finding("capacity.hpa_source", "autoscaling", ref(hpa), 0.82 if idle else 0.5,
                   f"HPA {name} scales {wname} on {label}={old}, which {wname} no longer uses ({new[0]})", facts,
                   action=action, affected=ref(wl))
