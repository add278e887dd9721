"""Capacity detectors: quotas blocking pod creation, HPAs pinned at max, node conditions, PVCs."""
from __future__ import annotations

import math
import re

from kubernetes.utils import parse_quantity

from agent.analyzers.workload import Rollout, container_spec, rollout_of
from agent.cluster import ClusterView, Obj, event_last_seen, ref, revision
from agent.findings import Finding
from tools.models import ActionName, ObjectRef, ProposedAction

_QUOTA = re.compile(r"exceeded quota: ([\w.-]+)")
_LIMIT = re.compile(r"forbidden: (maximum|minimum) \S+ usage per (Container|Pod)|forbidden: \S+ max limit to request ratio")
_MISSING = re.compile(r"missing request for (\w+) in container ([\w.-]+)")
ROLLOUT_WINDOW_MIN = 24 * 60.0
RECENT_MIN = 60.0


def analyze(view: ClusterView) -> list[Finding]:
    return _quota(view) + _limit_range(view) + _hpa(view) + _hpa_blind(view) + _nodes(view) + _pvcs(view)


def _recent(view: ClusterView, ev: Obj) -> bool:
    age = view.age_minutes(event_last_seen(ev))
    return age is not None and age <= RECENT_MIN


def _quota(view: ClusterView) -> list[Finding]:
    out: list[Finding] = []
    seen: set[str] = set()
    for ev in view.objects("Event"):
        m = _QUOTA.search(ev.get("message", ""))
        if not m or ev.get("reason") != "FailedCreate" or not _recent(view, ev):
            continue
        ns = ev.get("involvedObject", {}).get("namespace") or ev["metadata"].get("namespace")
        if f"{ns}/{m.group(1)}" in seen:
            continue
        seen.add(f"{ns}/{m.group(1)}")
        rq = ObjectRef(kind="ResourceQuota", namespace=ns, name=m.group(1))
        owner = view.get(ev["involvedObject"].get("kind", ""), ns, ev["involvedObject"].get("name", ""))
        affected = ref(view.workload_of(owner)) if owner else None
        out.append(Finding("capacity.quota", "quota_exceeded", rq, 0.85,
                           f"ResourceQuota {m.group(1)} blocks pod creation in {ns}",
                           [f"FailedCreate x{ev.get('count', 1)}: {ev.get('message', '')}"],
                           action=ProposedAction(action=ActionName.RECOMMEND_ONLY, target=rq,
                                                 rationale="raise the quota or lower the pods' requests/limits"),
                           affected=affected))
    return out


def _raised_by_rollout(view: ClusterView, rejected: Obj | None) -> tuple[Obj, Rollout] | None:
    """The Deployment whose newest revision (the rejected ReplicaSet's) raised its containers' resources."""
    if rejected is None or rejected.get("kind") != "ReplicaSet":
        return None
    dep = view.workload_of(rejected)
    if dep.get("kind") != "Deployment":
        return None
    r = rollout_of(view, dep)
    age = view.age_minutes(r.current_created) if r else None
    if (r is None or r.previous is None or revision(rejected) != r.current or not r.changed(".resources")
            or age is None or age > ROLLOUT_WINDOW_MIN):
        return None
    return dep, r


def _limit_range(view: ClusterView) -> list[Finding]:
    """Pods refused by LimitRange admission ("forbidden: maximum memory usage per Container is ...")."""
    out: list[Finding] = []
    seen: set[tuple[str | None, str]] = set()
    for ev in view.objects("Event"):
        inv = ev.get("involvedObject") or {}
        if ev.get("reason") != "FailedCreate" or not _LIMIT.search(ev.get("message", "")) or not _recent(view, ev):
            continue
        ns = inv.get("namespace") or ev["metadata"].get("namespace")
        if (ns, inv.get("name", "")) not in seen:
            seen.add((ns, inv.get("name", "")))
            out.append(_limit_finding(view, ev, ns))
    return out


def _limit_finding(view: ClusterView, ev: Obj, ns: str | None) -> Finding:
    """Roll back the revision that raised its resources past the LimitRange; otherwise advise."""
    inv = ev.get("involvedObject") or {}
    ranges = view.objects("LimitRange", ns)
    rejected = view.get(inv.get("kind", ""), ns, inv.get("name", ""))
    facts = [f"FailedCreate x{ev.get('count', 1)} on {inv.get('kind')} {inv.get('name')}: "
             f"{ev.get('message', '')[:300]}"]
    facts += [f"LimitRange {lr['metadata']['name']}: {lr.get('spec', {}).get('limits')}" for lr in ranges[:2]]
    raised = _raised_by_rollout(view, rejected)
    if raised is not None:
        dep, r = raised
        facts += [f"revision {r.current} changed {c.text()}" for c in r.changed(".resources")[:3]]
        action = ProposedAction(action=ActionName.ROLLBACK_DEPLOYMENT, target=ref(dep),
                                params={"revision": r.previous},
                                rationale=f"revision {r.current} asks for more than the namespace LimitRange "
                                          f"admits; revision {r.previous} was admitted")
        return Finding("capacity.limitrange", "quota_exceeded", ref(dep), 0.85,
                       f"the LimitRange of {ns} refuses every pod of revision {r.current} of "
                       f"{dep['metadata']['name']}", facts, action=action, affected=ref(dep))
    affected = ref(view.workload_of(rejected)) if rejected else None
    target = ref(ranges[0]) if ranges else affected
    return Finding("capacity.limitrange", "quota_exceeded", target, 0.8,
                   f"a LimitRange in {ns} refuses the pods of {inv.get('name')}", facts,
                   action=ProposedAction(action=ActionName.RECOMMEND_ONLY, target=target,
                                         rationale="bring the pods' requests/limits within the LimitRange, "
                                                   "or ask its owner for an exception"),
                   affected=affected)


def _hpa(view: ClusterView) -> list[Finding]:
    out: list[Finding] = []
    for hpa in view.objects("HorizontalPodAutoscaler"):
        spec, status = hpa.get("spec") or {}, hpa.get("status") or {}
        mx, cur = spec.get("maxReplicas"), status.get("currentReplicas")
        limited = any(c.get("type") == "ScalingLimited" and c.get("status") == "True"
                      and "TooMany" in (c.get("reason") or "") for c in status.get("conditions") or [])
        if not (mx and cur and cur >= mx and (limited or (status.get("desiredReplicas") or 0) >= mx)):
            continue
        target = spec.get("scaleTargetRef") or {}
        ns = hpa["metadata"].get("namespace")
        facts = [f"HPA {hpa['metadata']['name']} is at maxReplicas {mx} (current {cur}, desired "
                 f"{status.get('desiredReplicas')})" + (", ScalingLimited TooManyReplicas" if limited else "")]
        needed = _demand(hpa)
        new_max = _raised_max(int(mx), needed)
        if needed:
            facts.append(f"at current load the HPA's own formula asks for {needed} replicas "
                         f"(currentReplicas x current/target utilisation)")
        action = ProposedAction(action=ActionName.PATCH_RESOURCE, target=ref(hpa),
                                params={"patch": {"spec": {"maxReplicas": new_max}}},
                                rationale=f"let the autoscaler add capacity beyond {mx} replicas "
                                          f"(observed demand: {needed or 'unknown'} replicas)")
        out.append(Finding("capacity.hpa", "autoscaling", ref(hpa), 0.55 + (0.15 if limited else 0.0),
                           f"HPA {hpa['metadata']['name']} is pinned at its maximum", facts, action=action,
                           affected=ObjectRef(kind=target.get("kind", "Deployment"), namespace=ns,
                                              name=target.get("name", ""))))
    return out


def _demand(hpa: Obj) -> int | None:
    """Replicas the HPA would want without its cap: ceil(current x utilisation / target), worst metric."""
    cur = int((hpa.get("status") or {}).get("currentReplicas") or 0)
    targets = {}
    for m in (hpa.get("spec") or {}).get("metrics") or []:
        res = m.get("resource") or m.get("containerResource") or {}
        util = (res.get("target") or {}).get("averageUtilization")
        if util:
            targets[res.get("name")] = float(util)
    wants = []
    for m in (hpa.get("status") or {}).get("currentMetrics") or []:
        res = m.get("resource") or m.get("containerResource") or {}
        util = (res.get("current") or {}).get("averageUtilization")
        if util and res.get("name") in targets and cur:
            wants.append(math.ceil(cur * float(util) / targets[res["name"]] - 1e-9))
    return max(wants) if wants else None


def _raised_max(mx: int, needed: int | None) -> int:
    """Double the cap, or more when the observed demand (plus 20% headroom) is above that; at most 5x."""
    want = math.ceil(needed * 1.2) if needed else 0
    return min(max(mx * 2, want), mx * 5)


def _default_requests(view: ClusterView, ns: str | None, limits: dict[str, str]) -> dict[str, str]:
    """The namespace LimitRange's defaultRequest, else a sidecar-sized 100m / 128Mi; never above a limit."""
    want = {"cpu": "100m", "memory": "128Mi"}
    for lr in view.objects("LimitRange", ns):
        for item in (lr.get("spec") or {}).get("limits") or []:
            if item.get("type") == "Container":
                want.update({k: str(v) for k, v in (item.get("defaultRequest") or {}).items() if k in want})
    for res, lim in limits.items():
        if res in want and parse_quantity(lim) < parse_quantity(want[res]):  # type: ignore[no-untyped-call]
            want[res] = str(lim)
    return want


def _hpa_blind(view: ClusterView) -> list[Finding]:
    """An HPA that cannot compute utilisation because a container of its pods requests nothing."""
    out: list[Finding] = []
    for hpa in view.objects("HorizontalPodAutoscaler"):
        conds = (hpa.get("status") or {}).get("conditions") or []
        msgs = [c.get("message", "") for c in conds if c.get("type") == "ScalingActive" and c.get("status") == "False"]
        m = next((x for x in (_MISSING.search(msg) for msg in msgs) if x), None)
        target = (hpa.get("spec") or {}).get("scaleTargetRef") or {}
        ns = hpa["metadata"].get("namespace")
        wl = view.get(target.get("kind", ""), ns, target.get("name", ""))
        if m is None or wl is None:
            continue
        res, container = m.group(1), m.group(2)
        spec = container_spec(wl, container)
        if not spec:
            continue
        have = spec.get("resources") or {}
        missing = {k: v for k, v in _default_requests(view, ns, have.get("limits") or {}).items()
                   if k not in (have.get("requests") or {}) and (k == res or k not in (have.get("limits") or {}))}
        facts = [f"HPA {hpa['metadata']['name']} ScalingActive=False: {msgs[0][:240]}",
                 f"container {container} of {wl['kind']} {wl['metadata']['name']} has resources {have or '(none)'}",
                 f"HPA stuck at {(hpa.get('status') or {}).get('currentReplicas')} replicas "
                 f"(min {(hpa.get('spec') or {}).get('minReplicas')}, max {(hpa.get('spec') or {}).get('maxReplicas')})"]
        action = ProposedAction(action=ActionName.SET_RESOURCES, target=ref(wl),
                                params={"container": container, "requests": missing},
                                rationale=f"give {container} {res} requests so that the HPA can compute utilisation "
                                          "again and scale on load")
        out.append(Finding("capacity.hpa_blind", "autoscaling", ref(wl), 0.85,
                           f"HPA {hpa['metadata']['name']} cannot scale: container {container} has no {res} request",
                           facts, action=action, affected=ref(wl)))
    return out


def _nodes(view: ClusterView) -> list[Finding]:
    out: list[Finding] = []
    for node in view.objects("Node"):
        bad = [c for c in (node.get("status") or {}).get("conditions") or []
               if (c.get("type") == "Ready" and c.get("status") != "True")
               or (c.get("type") in ("MemoryPressure", "DiskPressure", "PIDPressure") and c.get("status") == "True")]
        if not bad:
            continue
        name = node["metadata"]["name"]
        facts = [f"node {name}: {c['type']}={c.get('status')} ({c.get('reason')}: {c.get('message', '')}) since "
                 f"{c.get('lastTransitionTime')}" for c in bad]
        out.append(Finding("capacity.node", "node_failure", ref(node), 0.7, f"node {name} is unhealthy", facts,
                           action=ProposedAction(action=ActionName.RECOMMEND_ONLY, target=ref(node),
                                                 rationale=f"cordon and drain {name}, then repair or replace it")))
    return out


def _pvcs(view: ClusterView) -> list[Finding]:
    out: list[Finding] = []
    for pvc in view.objects("PersistentVolumeClaim"):
        if (pvc.get("status") or {}).get("phase") != "Pending":
            continue
        evs = [e for e in view.events_for(pvc, include_children=False)
               if e.get("type") == "Warning"]
        facts = [f"PVC {pvc['metadata']['name']} is Pending"] + [f"{e.get('reason')}: {e.get('message')}"
                                                                for e in evs[:2]]
        out.append(Finding("capacity.pvc", "storage", ref(pvc), 0.7, f"PVC {pvc['metadata']['name']} is not bound",
                           facts, action=ProposedAction(action=ActionName.RECOMMEND_ONLY, target=ref(pvc),
                                                        rationale="fix the StorageClass or provisioning")))
    return out
