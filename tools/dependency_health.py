"""The dependency_health read tool: what a workload calls, and how each dependency is doing right now
(its pods' restarts and last termination, memory limits, PVC fill from kubelet_volume_stats, log alarms)."""
from __future__ import annotations

import re
from typing import Any

from tools.context import ToolContext
from tools.dependency_map import Dependency, dependencies, pod_spec_of
from tools.errors import NotFound, ToolError
from tools.k8s_client import Kube
from tools.k8s_common import Obj, meta, name_of, selector_string
from tools.k8s_kinds import kind_info
from tools.k8s_workloads import WorkloadArgs
from tools.models import ToolResult, ToolStatus

LOG_TAIL = 300
MAX_DEPENDENCIES = 6
# what a dependency's own log says about it (checked in order; the first match names the line)
ALARMS: list[tuple[str, re.Pattern[str]]] = [
    ("disk_full", re.compile(r"No space left on device|disk (resource )?(limit )?alarm|free disk space is insufficient"
                             r"|DiskFull|disk is full|ENOSPC|disk quota exceeded", re.I)),
    ("oom", re.compile(r"terminated by signal 9|killed by signal 9|SIGKILL|out of memory|oom[- ]?kill"
                       r"|Cannot allocate memory|OOMKilled", re.I)),
    ("error", re.compile(r"\b(FATAL|PANIC|ERROR|CRITICAL)\b|\[error\]", re.I)),
]


def _owner(kube: Kube, pod: Obj) -> dict[str, str] | None:
    ns = str(meta(pod).get("namespace"))
    for ref in meta(pod).get("ownerReferences") or []:
        kind, name = str(ref.get("kind")), str(ref.get("name"))
        if kind == "ReplicaSet":
            try:
                rs = kube.get(kind_info("ReplicaSet").path(ns, name))
            except ToolError:
                return {"kind": kind, "name": name}
            up = (meta(rs).get("ownerReferences") or [{}])[0]
            return {"kind": str(up.get("kind") or kind), "name": str(up.get("name") or name)}
        return {"kind": kind, "name": name}
    return None


def _pod_row(pod: Obj) -> dict[str, Any]:
    spec, st = pod.get("spec") or {}, pod.get("status") or {}
    containers = []
    for c in spec.get("containers") or []:
        res = c.get("resources") or {}
        cs: Obj = next((s for s in st.get("containerStatuses") or [] if s.get("name") == c.get("name")), {})
        last = (cs.get("lastState") or {}).get("terminated") or {}
        containers.append({"name": c.get("name"), "memory_limit": (res.get("limits") or {}).get("memory"),
                           "memory_request": (res.get("requests") or {}).get("memory"),
                           "ready": cs.get("ready"), "restarts": cs.get("restartCount", 0),
                           "waiting": ((cs.get("state") or {}).get("waiting") or {}).get("reason"),
                           "last_reason": last.get("reason"), "last_exit": last.get("exitCode"),
                           "last_finished": last.get("finishedAt")})
    claims = [str((v.get("persistentVolumeClaim") or {}).get("claimName")) for v in spec.get("volumes") or []
              if v.get("persistentVolumeClaim")]
    return {"name": name_of(pod), "phase": st.get("phase"), "node": spec.get("nodeName"),
            "containers": containers, "claims": claims}


def _alarms(kube: Kube, ns: str, pod: str, container: str | None) -> list[dict[str, str]]:
    try:
        raw = kube.get_text(f"/api/v1/namespaces/{ns}/pods/{pod}/log",
                            {"container": container, "tailLines": LOG_TAIL})
    except ToolError:
        return []
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for line in reversed(raw.splitlines()):
        for kind, pattern in ALARMS:
            if pattern.search(line):
                if sum(1 for a in out if a["kind"] == kind) < 3 and line.strip() not in seen:
                    seen.add(line.strip())
                    out.append({"kind": kind, "pod": pod, "line": line.strip()[:300]})
                break
    return out


def _volume(ctx: ToolContext, kube: Kube, ns: str, claim: str, queries: list[str]) -> dict[str, Any]:
    row: dict[str, Any] = {"name": claim}
    try:
        pvc = kube.get(kind_info("PersistentVolumeClaim").path(ns, claim))
        row["requested"] = (((pvc.get("spec") or {}).get("resources") or {}).get("requests") or {}).get("storage")
        row["capacity"] = ((pvc.get("status") or {}).get("capacity") or {}).get("storage")
    except ToolError:
        pass
    if ctx.prom is None:
        return row
    for metric in ("used", "capacity", "available"):
        q = f'kubelet_volume_stats_{metric}_bytes{{namespace="{ns}",persistentvolumeclaim="{claim}"}}'
        queries.append(q)
        try:
            series = ctx.prom.query(q, ctx.now())
        except ToolError:
            continue
        vals = [s.last for s in series if s.last is not None]
        if vals:
            row[f"{metric}_bytes"] = max(vals)
    if row.get("used_bytes") is not None and row.get("capacity_bytes"):
        row["used_ratio"] = round(float(row["used_bytes"]) / float(row["capacity_bytes"]), 4)
    return row


def _health(ctx: ToolContext, kube: Kube, dep: Dependency, queries: list[str]) -> dict[str, Any]:
    svc = dep.service or {}
    ns = str(meta(svc).get("namespace") or "")
    row: dict[str, Any] = {"link": dep.link, "names": dep.names, "external_host": dep.host,
                           "service": {"kind": "Service", "namespace": ns, "name": name_of(svc)} if svc else None,
                           "pods": [], "volumes": [], "alarms": [], "backing": None}
    sel = selector_string({"matchLabels": (svc.get("spec") or {}).get("selector") or {}})
    if not svc or not sel:
        return row
    pods = kube.items(f"/api/v1/namespaces/{ns}/pods", {"labelSelector": sel})[:4]
    row["pods"] = [_pod_row(p) for p in pods]
    row["backing"] = _owner(kube, pods[0]) if pods else None
    for p in pods[:2]:
        first = ((p.get("spec") or {}).get("containers") or [{}])[0].get("name")
        row["alarms"] += _alarms(kube, ns, name_of(p), first)
    claims = sorted({c for p in row["pods"] for c in p["claims"]})
    row["volumes"] = [_volume(ctx, kube, ns, c, queries) for c in claims[:4]]
    return row


def _lines(row: dict[str, Any]) -> list[str]:
    what = (f"Service {row['service']['namespace']}/{row['service']['name']}" if row["service"]
            else f"external host {row['external_host']}")
    if row["service"] and row["external_host"]:
        what += f" (ExternalName -> {row['external_host']}: outside the cluster)"
    backing = row["backing"]
    out = [f"dependency {what} [{row['link']}]"
           + (f", served by {backing['kind']} {backing['name']}" if backing else "")]
    for p in row["pods"]:
        for c in p["containers"]:
            last = (f"; last terminated {c['last_reason']} (exit {c['last_exit']}) at {c['last_finished']}"
                    if c["last_reason"] else "")
            out.append(f"  pod {p['name']} container {c['name']}: ready {c['ready']}, restarts {c['restarts']}"
                       f"{', waiting ' + c['waiting'] if c['waiting'] else ''}, memory limit "
                       f"{c['memory_limit'] or 'none'}{last}")
    for v in row["volumes"]:
        used = (f", used {v['used_ratio']:.0%} ({v['used_bytes']:.0f} of {v['capacity_bytes']:.0f} bytes, "
                f"kubelet_volume_stats)" if v.get("used_ratio") is not None else ", usage unknown")
        out.append(f"  PVC {v['name']}: requested {v.get('requested')}, capacity {v.get('capacity')}{used}")
    out += [f"  log {a['pod']} [{a['kind']}]: {a['line']}" for a in row["alarms"][:6]]
    return out


def dependency_health(args: WorkloadArgs, ctx: ToolContext) -> ToolResult:
    """What a workload depends on (Services and outside hosts named in its env, args and ConfigMaps, or
    matched by protocol), with each dependency's pods, restarts, memory limits, PVC fill and log alarms."""
    ctx.check_namespace(args.namespace)
    kube = ctx.kube()
    try:
        workload = kube.get(kind_info(args.kind).path(args.namespace, args.name))
    except NotFound:
        return ToolResult(status=ToolStatus.NO_DATA, invocation=kube.invocation,
                          text=f"{args.kind} {args.namespace}/{args.name} not found")
    workload.setdefault("kind", args.kind)
    services = kube.items(f"/api/v1/namespaces/{args.namespace}/services")
    configmaps = kube.items(f"/api/v1/namespaces/{args.namespace}/configmaps")
    deps = dependencies(workload, services=services, configmaps=configmaps)[:MAX_DEPENDENCIES]
    queries: list[str] = []
    rows = [_health(ctx, kube, d, queries) for d in deps]
    sa = pod_spec_of(workload).get("serviceAccountName") or "default"
    lines = [f"{args.kind} {args.namespace}/{args.name} runs as ServiceAccount {sa}; {len(rows)} dependenc"
             + ("y" if len(rows) == 1 else "ies") + " found"]
    for row in rows:
        lines += _lines(row)
    data = {"workload": {"kind": args.kind, "namespace": args.namespace, "name": args.name},
            "service_account": sa, "dependencies": rows}
    return ToolResult(status=ToolStatus.OK if rows else ToolStatus.NO_DATA,
                      invocation=" ; ".join([kube.invocation, *queries]), text="\n".join(lines), data=data)
