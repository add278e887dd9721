"""Capacity and scheduling: nodes (conditions, taints, allocatable vs requested), HPAs, quotas, PVCs."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from kubernetes.utils import parse_quantity
from pydantic import BaseModel, Field

from tools.context import ToolContext
from tools.errors import UpstreamError
from tools.k8s_common import NAME_PATTERN, NamespacedArgs, Obj, conditions_text, meta, name_of
from tools.models import ToolResult, ToolStatus
from tools.timefmt import ago, parse_time, when

NODE_LABELS = ("node.kubernetes.io/instance-type", "topology.kubernetes.io/zone", "cloud.google.com/gke-nodepool",
               "eks.amazonaws.com/nodegroup", "kubernetes.azure.com/agentpool", "karpenter.sh/nodepool", "node-pool",
               "nodepool")
PRESSURES = ("MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable")


class NoArgs(BaseModel):
    pass


class OptionalNameArgs(NamespacedArgs):
    name: str | None = Field(None, pattern=NAME_PATTERN, description="one object; omit for all in the namespace")


def qty(value: Any) -> Decimal:
    try:
        return Decimal(parse_quantity(str(value)))  # type: ignore[no-untyped-call]
    except (ValueError, TypeError):
        return Decimal(0)


def fmt_qty(value: Decimal, resource: str) -> str:
    if resource == "cpu":
        return f"{value * 1000:.0f}m"
    if resource in ("memory", "ephemeral-storage", "storage") or resource.endswith(("memory", "storage")):
        return f"{value / 2**30:.1f}Gi" if value >= 2**30 else f"{value / 2**20:.0f}Mi"
    return f"{value:g}"


def requested_by_node(pods: list[Obj]) -> dict[str, dict[str, Decimal]]:
    """Sum of container requests per node, for pods that still hold resources."""
    out: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for pod in pods:
        spec = pod.get("spec") or {}
        node = spec.get("nodeName")
        if not node or (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            continue
        for c in spec.get("containers") or []:
            for res, val in ((c.get("resources") or {}).get("requests") or {}).items():
                out[node][res] += qty(val)
        out[node]["pods"] += 1
    return out


def _node_lines(node: Obj, requested: dict[str, Decimal] | None, now: datetime) -> list[str]:
    spec, st = node.get("spec") or {}, node.get("status") or {}
    conds = {c.get("type"): c for c in st.get("conditions") or []}
    ready = conds.get("Ready", {})
    alloc = st.get("allocatable") or {}
    usage = ""
    if requested is not None:
        usage = "; requested/allocatable " + ", ".join(
            f"{r} {fmt_qty(requested.get(r, Decimal(0)), r)}/{fmt_qty(qty(alloc.get(r, 0)), r)}"
            f" ({100 * requested.get(r, Decimal(0)) / qty(alloc[r]):.0f}%)" for r in ("cpu", "memory") if qty(alloc.get(r, 0)))
        usage += f", pods {requested.get('pods', 0):g}/{alloc.get('pods', '?')}"
    info = st.get("nodeInfo") or {}
    labels = meta(node).get("labels") or {}
    where = ", ".join(str(labels[k]) for k in NODE_LABELS if labels.get(k))
    head = (f"node {name_of(node)}: Ready={ready.get('status', 'Unknown')}"
            + (" UNSCHEDULABLE (cordoned)" if spec.get("unschedulable") else "")
            + f", age {ago(parse_time(meta(node).get('creationTimestamp')), now).removesuffix(' ago')}"
            + f", kubelet {info.get('kubeletVersion', '?')}, {info.get('architecture') or labels.get('kubernetes.io/arch', '?')}"
            + (f" ({where})" if where else "") + usage)
    lines = [head]
    if ready.get("status") != "True":
        lines.append(f"  Ready={ready.get('status', 'Unknown')} {ready.get('reason', '')}: {ready.get('message', '')} "
                     f"(since {when(ready.get('lastTransitionTime'), now)})")
    for p in PRESSURES:
        c = conds.get(p)
        if c and c.get("status") != "False":
            lines.append(f"  {p}={c.get('status')} {c.get('reason', '')}: {c.get('message', '')} "
                         f"(since {when(c.get('lastTransitionTime'), now)})")
    taints = ", ".join(f"{t.get('key')}={t.get('value', '')}:{t.get('effect')}" for t in spec.get("taints") or [])
    if taints:
        lines.append(f"  taints: {taints}")
    return lines


def nodes(args: NoArgs, ctx: ToolContext) -> ToolResult:
    """Nodes: Ready and pressure conditions, taints, cordons, kubelet version, pod requests vs allocatable."""
    kube, now = ctx.kube(), ctx.now()
    items = kube.items("/api/v1/nodes")
    try:
        requested: dict[str, dict[str, Decimal]] | None = requested_by_node(kube.items("/api/v1/pods"))
        note = []
    except UpstreamError as exc:
        requested, note = None, [f"(pod requests unavailable: {exc})"]
    lines = [f"{len(items)} node(s):", *note]
    for node in sorted(items, key=lambda n: ((n.get("status") or {}).get("conditions") is None, name_of(n))):
        lines += _node_lines(node, None if requested is None else requested.get(name_of(node), {}), now)
    data = [{"name": name_of(n), "labels": meta(n).get("labels"), "unschedulable": (n.get("spec") or {}).get("unschedulable", False),
             "taints": (n.get("spec") or {}).get("taints"), "conditions": (n.get("status") or {}).get("conditions"),
             "allocatable": (n.get("status") or {}).get("allocatable"),
             "requested": {k: str(v) for k, v in (requested or {}).get(name_of(n), {}).items()}} for n in items]
    return ToolResult(status=ToolStatus.OK if items else ToolStatus.NO_DATA, invocation=kube.invocation,
                      text="\n".join(lines), data=data)


def _metric_text(m: Obj, current: Obj | None) -> str:
    kind = m.get("type", "?")
    body = m.get(kind[0].lower() + kind[1:], {}) if kind != "?" else {}
    name = (body.get("name") or (body.get("metric") or {}).get("name") or "?")
    target = body.get("target") or {}
    want = target.get("averageUtilization", target.get("averageValue", target.get("value", "?")))
    now_val = "?"
    if current:
        cb = current.get(kind[0].lower() + kind[1:], {}) or {}
        cur = cb.get("current") or {}
        now_val = cur.get("averageUtilization", cur.get("averageValue", cur.get("value", "?")))
    unit = "%" if "averageUtilization" in target else ""
    return f"{kind} {name}: current {now_val}{unit} target {want}{unit}"


def hpa_status(args: OptionalNameArgs, ctx: ToolContext) -> ToolResult:
    """HorizontalPodAutoscalers: target, min/max, current/desired replicas, metrics vs targets, conditions."""
    ctx.check_namespace(args.namespace)
    kube, now = ctx.kube(), ctx.now()
    base = f"/apis/autoscaling/v2/namespaces/{args.namespace}/horizontalpodautoscalers"
    hpas = [kube.get(f"{base}/{args.name}")] if args.name else kube.items(base)
    lines = [f"{len(hpas)} HPA(s) in {args.namespace}"]
    for h in hpas:
        spec, st = h.get("spec") or {}, h.get("status") or {}
        ref = spec.get("scaleTargetRef") or {}
        lines.append(f"hpa {name_of(h)} -> {ref.get('kind')}/{ref.get('name')}: min {spec.get('minReplicas', 1)} "
                     f"max {spec.get('maxReplicas')}, current {st.get('currentReplicas', '?')} desired "
                     f"{st.get('desiredReplicas', '?')}, last scale {when(st.get('lastScaleTime'), now)}")
        currents = st.get("currentMetrics") or []
        for i, m in enumerate(spec.get("metrics") or []):
            lines.append("  " + _metric_text(m, currents[i] if i < len(currents) else None))
        lines += ["  " + c for c in conditions_text(st.get("conditions"), now)]
    data = [{"name": name_of(h), "spec": h.get("spec"), "status": h.get("status")} for h in hpas]
    return ToolResult(status=ToolStatus.OK if hpas else ToolStatus.NO_DATA, invocation=kube.invocation,
                      text="\n".join(lines), data=data)


def resource_quotas(args: NamespacedArgs, ctx: ToolContext) -> ToolResult:
    """ResourceQuotas (used vs hard, nearly full ones flagged) and LimitRanges of a namespace."""
    ctx.check_namespace(args.namespace)
    kube = ctx.kube()
    quotas = kube.items(f"/api/v1/namespaces/{args.namespace}/resourcequotas")
    limits = kube.items(f"/api/v1/namespaces/{args.namespace}/limitranges")
    lines = [f"{len(quotas)} ResourceQuota(s), {len(limits)} LimitRange(s) in {args.namespace}"]
    for q in quotas:
        st = q.get("status") or {}
        hard, used = st.get("hard") or (q.get("spec") or {}).get("hard") or {}, st.get("used") or {}
        parts = []
        for res, h in sorted(hard.items()):
            u, hq = qty(used.get(res, 0)), qty(h)
            flag = " FULL" if hq and u >= hq else " nearly full" if hq and u >= Decimal("0.9") * hq else ""
            parts.append(f"{res} {used.get(res, 0)}/{h}{flag}")
        lines.append(f"quota {name_of(q)}: " + ", ".join(parts))
    for lr in limits:
        for item in (lr.get("spec") or {}).get("limits") or []:
            lines.append(f"limitrange {name_of(lr)} {item.get('type')}: " + ", ".join(
                f"{k} {v}" for k, v in item.items() if k != "type"))
    data = {"quotas": [{"name": name_of(q), "status": q.get("status")} for q in quotas],
            "limitranges": [{"name": name_of(lr), "spec": lr.get("spec")} for lr in limits]}
    found = bool(quotas or limits)
    return ToolResult(status=ToolStatus.OK if found else ToolStatus.NO_DATA, invocation=kube.invocation,
                      text="\n".join(lines), data=data)
