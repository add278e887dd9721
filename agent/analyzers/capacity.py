"""Capacity detectors: quotas blocking pod creation, HPAs pinned at max, node conditions, PVCs."""
from __future__ import annotations

import re

from agent.cluster import ClusterView, Obj, event_last_seen, ref
from agent.findings import Finding
from tools.models import ActionName, ObjectRef, ProposedAction

_QUOTA = re.compile(r"exceeded quota: ([\w.-]+)")
RECENT_MIN = 60.0


def analyze(view: ClusterView) -> list[Finding]:
    return _quota(view) + _hpa(view) + _nodes(view) + _pvcs(view)


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
        action = ProposedAction(action=ActionName.PATCH_RESOURCE, target=ref(hpa),
                                params={"patch": {"spec": {"maxReplicas": int(mx) * 2}}},
                                rationale=f"let the autoscaler add capacity beyond {mx} replicas")
        out.append(Finding("capacity.hpa", "autoscaling", ref(hpa), 0.55 + (0.15 if limited else 0.0),
                           f"HPA {hpa['metadata']['name']} is pinned at its maximum", facts, action=action,
                           affected=ObjectRef(kind=target.get("kind", "Deployment"), namespace=ns,
                                              name=target.get("name", ""))))
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
