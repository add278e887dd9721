"""The snapshot the first step of an investigation reads: one compact, redacted, normalised dict of the namespaces.

It lists every kind analyzers look at in each namespace (plus Nodes), one
request per kind and namespace, and reduces each object to the fields that
matter (`tools/snapshot_normalize.py`). Secrets are never read. It is bounded:
at most MAX_PODS_PER_OWNER pods per owner and MAX_EVENT_GROUPS event groups
per namespace; whatever was cut is listed in `capped`. A failed read (a 403
on one kind, say) is kept in `errors` and the rest is still collected.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from tools.context import ToolContext
from tools.errors import UpstreamError
from tools.k8s_client import Kube
from tools.k8s_cluster import requested_by_node
from tools.k8s_common import Obj, name_of
from tools.k8s_events import group_events
from tools.k8s_kinds import kind_info
from tools.redact import redact_obj
from tools.snapshot_normalize import node, pod, replicaset, service, simple, workload
from tools.timefmt import stamp

MAX_PODS_PER_OWNER = 20
MAX_EVENT_GROUPS = 60
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob")
SIMPLE_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "HorizontalPodAutoscaler": ("hpas", ("spec", "status")),
    "ResourceQuota": ("quotas", ("spec", "status")),
    "LimitRange": ("limitranges", ("spec",)),
    "PersistentVolumeClaim": ("pvcs", ("spec", "status")),
    "NetworkPolicy": ("netpols", ("spec",)),
    "Ingress": ("ingresses", ("spec",)),
}


class _Reader:
    """Lists with errors kept as data, and the paths read."""

    def __init__(self, kube: Kube) -> None:
        self.kube = kube
        self.errors: list[str] = []

    def items(self, kind: str, namespace: str | None = None) -> list[Obj]:
        try:
            return self.kube.items(kind_info(kind).path(namespace))
        except UpstreamError as exc:
            self.errors.append(f"{kind} in {namespace or 'cluster'}: {exc}")
            return []


def _cap_pods(pods: list[Obj], capped: list[str]) -> list[Obj]:
    """At most MAX_PODS_PER_OWNER pods per owner, unhealthy ones kept first."""
    by_owner: dict[str, list[Obj]] = defaultdict(list)
    for p in pods:
        by_owner[str(p.get("owner"))].append(p)
    out: list[Obj] = []
    for owner, group in by_owner.items():
        group.sort(key=lambda p: all(c["ready"] for c in p["containers"]) and p["phase"] == "Running")
        if len(group) > MAX_PODS_PER_OWNER:
            capped.append(f"pods of {owner}: {len(group)} -> {MAX_PODS_PER_OWNER} (healthy ones dropped first)")
        out += group[:MAX_PODS_PER_OWNER]
    return out


def _namespace(r: _Reader, ns: str, capped: list[str]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = defaultdict(list)
    for kind in WORKLOAD_KINDS:
        out["workloads"] += [workload(kind, w) for w in r.items(kind, ns)]
    out["replicasets"] = [replicaset(rs) for rs in r.items("ReplicaSet", ns)]
    raw_pods = r.items("Pod", ns)
    out["pods"] = _cap_pods([pod(p) for p in raw_pods], capped)
    endpoints = {name_of(e): e for e in r.items("Endpoints", ns)}
    out["services"] = [service(s, endpoints.get(name_of(s))) for s in r.items("Service", ns)]
    groups = group_events(r.items("Event", ns))
    if len(groups) > MAX_EVENT_GROUPS:
        capped.append(f"events in {ns}: {len(groups)} groups -> newest {MAX_EVENT_GROUPS}")
    out["events"] = [{"namespace": ns, **g.data()} for g in groups[:MAX_EVENT_GROUPS]]
    for kind, (key, fields) in SIMPLE_KINDS.items():
        out[key] = [simple(o, *fields) for o in r.items(kind, ns)]
    out["configmaps"] = [{"namespace": ns, "name": name_of(c), "keys": sorted(c.get("data") or {})}
                         for c in r.items("ConfigMap", ns)]
    out["_raw_pods"] = raw_pods
    return out


def collect_snapshot(ctx: ToolContext, namespaces: list[str], *,
                     progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Everything the first step needs across `namespaces` (checked against the allowed ones) plus Nodes.

    Keys: collected_at, namespaces, nodes, workloads, replicasets, pods, services,
    events, hpas, quotas, limitranges, pvcs, netpols, ingresses, configmaps,
    sources (the exact API paths read), capped, errors.
    """
    for ns in namespaces:
        ctx.check_namespace(ns)
    kube = ctx.kube()
    r, capped = _Reader(kube), list[str]()
    snap: dict[str, Any] = defaultdict(list)
    raw_pods: list[Obj] = []
    for ns in namespaces:
        if progress:
            progress(f"reading namespace {ns}")
        part = _namespace(r, ns, capped)
        raw_pods += part.pop("_raw_pods")
        for key, items in part.items():
            snap[key] += items
    nodes = r.items("Node")
    requested = requested_by_node(raw_pods)
    snap["nodes"] = [node(n, {k: str(v) for k, v in requested.get(name_of(n), {}).items()}) for n in nodes]
    result: dict[str, Any] = redact_obj(dict(snap))
    result.update(collected_at=stamp(ctx.now()), namespaces=list(namespaces), sources=[f"GET {c}" for c in kube.calls],
                  capped=capped, errors=r.errors, requested_note="node requests count only pods in these namespaces")
    return result
