"""Workloads: find them from free text, and show one with its pods, ready counts, restarts and conditions."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from tools.context import ToolContext
from tools.k8s_client import Kube
from tools.k8s_common import (MAX_PODS_SHOWN, NAME_PATTERN, NamespacedArgs, Obj, conditions_text, meta, name_of,
                              pod_summary, resources_text, selector_string)
from tools.errors import ToolError
from tools.k8s_kinds import kind_info
from tools.models import ToolResult, ToolStatus
from tools.workload_search import search_workloads

WorkloadKind = Literal["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet", "Service"]


class FindWorkloadsArgs(BaseModel):
    query: str = Field(min_length=1, max_length=300,
                       description="free text: 'payment', 'checkout api', 'orders 500s in fin-prod'")
    namespaces: list[str] | None = Field(None, description="limit the search to these namespaces")


class WorkloadArgs(NamespacedArgs):
    kind: WorkloadKind = Field(description="Deployment, StatefulSet, DaemonSet, Job, CronJob, ReplicaSet or Service")
    name: str = Field(pattern=NAME_PATTERN, max_length=253)

    @field_validator("kind", mode="before")
    @classmethod
    def _canonical_kind(cls, value: object) -> object:
        """'deployment', 'deploy', 'sts' -> the canonical kind; anything unknown is left for the Literal to refuse."""
        if isinstance(value, str):
            try:
                return kind_info(value).kind
            except ToolError:
                return value
        return value


def find_workloads(args: FindWorkloadsArgs, ctx: ToolContext) -> ToolResult:
    """Workloads and Services ranked by how well their names, labels and namespace match free text."""
    kube = ctx.kube()
    hits, scope_note = search_workloads(kube, ctx, args.query, args.namespaces)
    lines = [f"workloads matching {args.query!r} ({scope_note}):"]
    lines += [f"  {h['kind']} {h['namespace']}/{h['name']} score {h['score']:.1f}: {h['status']}" for h in hits]
    status = ToolStatus.OK if hits else ToolStatus.NO_DATA
    if not hits:
        lines.append("  no workload or Service name, label or namespace matches the query")
    return ToolResult(status=status, invocation=kube.invocation, text="\n".join(lines), data=hits)


def template_lines(template: Obj) -> list[str]:
    spec = template.get("spec") or {}
    out = []
    for c in spec.get("containers") or []:
        out.append(f"  container {c.get('name')}: image {c.get('image')}; {resources_text(c.get('resources'))}")
    return out


def _status_line(kind: str, obj: Obj) -> str:
    st, spec = obj.get("status") or {}, obj.get("spec") or {}
    if kind in ("Deployment", "StatefulSet", "ReplicaSet"):
        return (f"replicas desired {spec.get('replicas', 1)}, current {st.get('replicas', 0)}, ready "
                f"{st.get('readyReplicas', 0)}, updated {st.get('updatedReplicas', st.get('currentReplicas', '-'))}, "
                f"available {st.get('availableReplicas', 0)}"
                + (f", unavailable {st['unavailableReplicas']}" if st.get("unavailableReplicas") else ""))
    if kind == "DaemonSet":
        return (f"desired {st.get('desiredNumberScheduled', 0)}, scheduled {st.get('currentNumberScheduled', 0)}, "
                f"ready {st.get('numberReady', 0)}, updated {st.get('updatedNumberScheduled', 0)}, "
                f"unavailable {st.get('numberUnavailable', 0)}, misscheduled {st.get('numberMisscheduled', 0)}")
    if kind == "Job":
        return (f"active {st.get('active', 0)}, succeeded {st.get('succeeded', 0)}, failed {st.get('failed', 0)}, "
                f"backoffLimit {spec.get('backoffLimit', 6)}, started {st.get('startTime', '-')}, "
                f"completed {st.get('completionTime', '-')}")
    if kind == "CronJob":
        return (f"schedule {spec.get('schedule')!r}, suspend {spec.get('suspend', False)}, last scheduled "
                f"{st.get('lastScheduleTime', '-')}, last successful {st.get('lastSuccessfulTime', '-')}, "
                f"active {len(st.get('active') or [])}")
    return f"type {spec.get('type', 'ClusterIP')}, selector {spec.get('selector') or 'none'}"


def _strategy_line(kind: str, obj: Obj) -> str | None:
    """How it rolls out: strategy with maxSurge/maxUnavailable, deadlines, partition, pod management."""
    spec = obj.get("spec") or {}
    strategy = spec.get("strategy") or spec.get("updateStrategy")
    if kind not in ("Deployment", "StatefulSet", "DaemonSet") or not strategy:
        return None
    params = strategy.get("rollingUpdate") or {}
    extra = ", ".join(f"{k} {v}" for k, v in params.items())
    for key in ("progressDeadlineSeconds", "minReadySeconds", "podManagementPolicy", "paused"):
        if key in spec:
            extra += f", {key} {spec[key]}"
    return f"strategy {strategy.get('type', '?')}" + (f": {extra.strip(', ')}" if extra else "")


def _pods_for(kube: Kube, kind: str, obj: Obj, ns: str) -> tuple[list[Obj], list[str]]:
    """Pods of the workload via its selector (Jobs of a CronJob first), and extra lines (jobs, ReplicaSets)."""
    spec, extra = obj.get("spec") or {}, []
    if kind == "CronJob":
        jobs = [j for j in kube.items(f"/apis/batch/v1/namespaces/{ns}/jobs")
                if any(r.get("name") == name_of(obj) for r in meta(j).get("ownerReferences") or [])]
        jobs.sort(key=lambda j: str(meta(j).get("creationTimestamp", "")), reverse=True)
        extra += [f"job {name_of(j)}: {_status_line('Job', j)}" for j in jobs[:5]]
        names = {name_of(j) for j in jobs}
        pods = [p for p in kube.items(f"/api/v1/namespaces/{ns}/pods")
                if (meta(p).get("labels") or {}).get("job-name") in names]
        return pods, extra
    if kind == "Service":
        sel = {"matchLabels": spec["selector"]} if spec.get("selector") else None
    elif kind == "Job" and not spec.get("selector"):
        sel = {"matchLabels": {"job-name": name_of(obj)}}
    else:
        sel = spec.get("selector")
    label_selector = selector_string(sel)
    if label_selector is None:
        return [], ["no selector: no pods"]
    pods = kube.items(f"/api/v1/namespaces/{ns}/pods", {"labelSelector": label_selector})
    if kind == "Deployment":
        extra += _replicasets(kube, obj, ns, label_selector)
    return pods, extra


def _replicasets(kube: Kube, dep: Obj, ns: str, label_selector: str) -> list[str]:
    current = (meta(dep).get("annotations") or {}).get("deployment.kubernetes.io/revision")
    lines = []
    for rs in kube.items(f"/apis/apps/v1/namespaces/{ns}/replicasets", {"labelSelector": label_selector}):
        rev = (meta(rs).get("annotations") or {}).get("deployment.kubernetes.io/revision")
        st = rs.get("status") or {}
        if rev == current or st.get("replicas"):
            images = ", ".join(c.get("image", "?") for c in
                               (((rs.get("spec") or {}).get("template") or {}).get("spec") or {}).get("containers") or [])
            mark = "current " if rev == current else ""
            lines.append(f"{mark}ReplicaSet {name_of(rs)} revision {rev}: {st.get('readyReplicas', 0)}/"
                         f"{(rs.get('spec') or {}).get('replicas', 0)} ready, image {images}")
    return lines


def workload_status(args: WorkloadArgs, ctx: ToolContext) -> ToolResult:
    """A workload with its pods (via its selector): ready counts, restarts, container states and last states."""
    ctx.check_namespace(args.namespace)
    kube, now = ctx.kube(), ctx.now()
    obj = kube.get(kind_info(args.kind).path(args.namespace, args.name))
    pods, extra = _pods_for(kube, args.kind, obj, args.namespace)
    lines = [f"{args.kind} {args.namespace}/{args.name}: {_status_line(args.kind, obj)}"]
    lines += [s for s in [_strategy_line(args.kind, obj)] if s]
    lines += conditions_text((obj.get("status") or {}).get("conditions"), now)
    template = ((obj.get("spec") or {}).get("jobTemplate") or {}).get("spec", {}).get("template") \
        if args.kind == "CronJob" else (obj.get("spec") or {}).get("template")
    lines += template_lines(template or {})
    lines += extra
    lines += _pod_lines(pods, now)
    data: dict[str, Any] = {"kind": args.kind, "namespace": args.namespace, "name": args.name,
                            "status": obj.get("status"), "pods": [_pod_data(p) for p in pods]}
    return ToolResult(status=ToolStatus.OK, invocation=kube.invocation, text="\n".join(lines), data=data)


def _pod_lines(pods: list[Obj], now: datetime) -> list[str]:
    """Unhealthy pods first; at most MAX_PODS_SHOWN, the rest counted."""
    def health(p: Obj) -> tuple[int, int]:
        cs = (p.get("status") or {}).get("containerStatuses") or []
        bad = any(not c.get("ready") for c in cs) or not cs
        return (0 if bad else 1, -sum(int(c.get("restartCount", 0)) for c in cs))
    ordered = sorted(pods, key=health)
    lines = [f"{len(pods)} pod(s):"] if pods else ["no pods"]
    for pod in ordered[:MAX_PODS_SHOWN]:
        lines += pod_summary(pod, now)
    if len(pods) > MAX_PODS_SHOWN:
        lines.append(f"... {len(pods) - MAX_PODS_SHOWN} more pods not shown (all healthy ones last)")
    return lines


def _pod_data(pod: Obj) -> dict[str, Any]:
    st = pod.get("status") or {}
    return {"name": name_of(pod), "phase": st.get("phase"), "node": (pod.get("spec") or {}).get("nodeName"),
            "containers": [{"name": c.get("name"), "ready": c.get("ready"), "restarts": c.get("restartCount", 0),
                            "state": c.get("state"), "lastState": c.get("lastState")}
                           for c in st.get("containerStatuses") or []]}
