"""Why a Pending pod fits no node, and the smallest pod-template edit that would let it fit a healthy one."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agent.cluster import ClusterView, Obj

_HEALTH_TAINTS = ("node.kubernetes.io/", "node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master",
                  "ToBeDeletedByClusterAutoscaler", "DeletionCandidateOfClusterAutoscaler")
_BLOCKING = ("NoSchedule", "NoExecute")


@dataclass
class SchedulingFix:
    """A template edit that makes the pod fit `nodes` (healthy ones), and why it did not fit before."""

    spec_patch: dict[str, Any]
    nodes: list[str]
    reason: str


def healthy(node: Obj) -> bool:
    """Ready, schedulable and not tainted by the node lifecycle controller."""
    if (node.get("spec") or {}).get("unschedulable"):
        return False
    ready = any(c.get("type") == "Ready" and c.get("status") == "True"
                for c in (node.get("status") or {}).get("conditions") or [])
    return ready and not any(t.get("key", "").startswith("node.kubernetes.io/") for t in _taints(node))


def _taints(node: Obj) -> list[dict[str, Any]]:
    return list((node.get("spec") or {}).get("taints") or [])


def _tolerates(tols: list[dict[str, Any]], taint: dict[str, Any]) -> bool:
    for t in tols:
        if t.get("effect") and t.get("effect") != taint.get("effect"):
            continue
        if t.get("operator") == "Exists" and (not t.get("key") or t.get("key") == taint.get("key")):
            return True
        if t.get("key") == taint.get("key") and (t.get("value") or "") == (taint.get("value") or ""):
            return True
    return False


def _expr_ok(expr: dict[str, Any], labels: dict[str, str]) -> bool:
    op, k, vals = expr.get("operator"), expr.get("key", ""), expr.get("values") or []
    if op == "In":
        return labels.get(k) in vals
    if op == "NotIn":
        return labels.get(k) not in vals
    if op == "Exists":
        return k in labels
    if op == "DoesNotExist":
        return k not in labels
    return True  # Gt/Lt: not judged here


def _affinity_ok(pod_spec: Obj, labels: dict[str, str]) -> bool:
    req = (((pod_spec.get("affinity") or {}).get("nodeAffinity") or {})
           .get("requiredDuringSchedulingIgnoredDuringExecution") or {})
    terms = req.get("nodeSelectorTerms") or []
    return not terms or any(all(_expr_ok(e, labels) for e in t.get("matchExpressions") or []) for t in terms)


def _selected(pod_spec: Obj, selector: dict[str, str], nodes: list[Obj]) -> list[Obj]:
    out = []
    for n in nodes:
        labels = n.get("metadata", {}).get("labels") or {}
        if all(labels.get(k) == v for k, v in selector.items()) and _affinity_ok(pod_spec, labels):
            out.append(n)
    return out


def _untolerated(node: Obj, tols: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [t for t in _taints(node) if t.get("effect") in _BLOCKING and not _tolerates(tols, t)]


def _user_taint(taint: dict[str, Any]) -> bool:
    return not any(str(taint.get("key", "")).startswith(p) for p in _HEALTH_TAINTS)


def _names(nodes: list[Obj]) -> list[str]:
    return sorted(n["metadata"]["name"] for n in nodes)


def scheduling_fix(view: ClusterView, pod_spec: Obj) -> SchedulingFix | None:
    """The edit that would let the pod schedule, judged against the nodes' labels, taints and health.

    Two generic cases: the nodeSelector (or required node affinity) only matches nodes that are gone or
    unhealthy, so drop the selector key that pins it; or it matches healthy nodes whose dedicated taint the
    pod does not tolerate, so add exactly those tolerations.
    """
    nodes = view.objects("Node")
    if not nodes:
        return None
    selector = dict(pod_spec.get("nodeSelector") or {})
    tols = list(pod_spec.get("tolerations") or [])
    fit = [n for n in _selected(pod_spec, selector, nodes) if healthy(n)]
    if fit:
        steered = bool(selector) or not _affinity_ok(pod_spec, {})
        return _toleration_fix(fit, tols) if steered else None
    return _selector_fix(pod_spec, selector, nodes, tols)


def _toleration_fix(fit: list[Obj], tols: list[dict[str, Any]]) -> SchedulingFix | None:
    blocked = [(n, _untolerated(n, tols)) for n in fit]
    if any(not taints for _, taints in blocked):
        return None  # some selected healthy node takes it: taints are not why it is Pending
    blocked = [(n, taints) for n, taints in blocked if all(_user_taint(t) for t in taints)]
    if not blocked:
        return None
    needed: list[dict[str, Any]] = []
    for t in blocked[0][1]:
        tol = {"key": t.get("key"), "operator": "Equal", "value": t.get("value") or "", "effect": t.get("effect")}
        if t.get("value") is None:
            tol = {"key": t.get("key"), "operator": "Exists", "effect": t.get("effect")}
        needed.append(tol)
    nodes = [n for n, taints in blocked if not _untolerated(n, tols + needed)]
    if not nodes:
        return None
    shown = ", ".join(f"{t['key']}={t.get('value', '')}:{t['effect']}" for t in needed)
    return SchedulingFix({"tolerations": tols + needed}, _names(nodes),
                         f"the nodes its nodeSelector picks ({', '.join(_names(nodes))}) carry the taint "
                         f"{shown}, which the pod does not tolerate")


def _selector_fix(pod_spec: Obj, selector: dict[str, str], nodes: list[Obj],
                  tols: list[dict[str, Any]]) -> SchedulingFix | None:
    pinned = _selected(pod_spec, selector, nodes)
    options = []
    for k in selector:
        rest = {kk: v for kk, v in selector.items() if kk != k}
        ok = [n for n in _selected(pod_spec, rest, nodes) if healthy(n) and not _untolerated(n, tols)]
        if ok:
            options.append((len(ok), k, ok))
    if not options:
        return None
    _, k, ok = max(options, key=lambda o: o[0])
    state = (f"matches only {', '.join(_names(pinned))}, which is NotReady, unreachable or cordoned"
             if pinned else "matches no node in the cluster")
    return SchedulingFix({"nodeSelector": {k: None}}, _names(ok),
                         f"its nodeSelector {k}={selector[k]} {state}; without that key it fits "
                         f"{len(ok)} healthy node(s)")
