"""Cluster DNS health: the DNS Service, its endpoints, its pods, the config they mount, and why they crash."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel

from tools.context import ToolContext
from tools.errors import UpstreamError
from tools.k8s_common import Obj, labels_of, meta, name_of, selector_matches
from tools.models import ToolResult, ToolStatus
from tools.timefmt import ago, parse_time, stamp

DNS_LABEL = ("k8s-app", "kube-dns")  # the label every kube-dns / CoreDNS install puts on its Service
CRASH_LOG_LINES = 5
RECENT_EDIT = timedelta(hours=24)  # a config edit this fresh is the first suspect when DNS pods crash


class ClusterDnsArgs(BaseModel):
    pass


def is_dns_service(svc: Obj) -> bool:
    """The cluster DNS Service: labelled k8s-app=kube-dns, or a kube-system Service serving port 53."""
    if labels_of(svc).get(DNS_LABEL[0]) == DNS_LABEL[1]:
        return True
    ports = (svc.get("spec") or {}).get("ports") or []
    return meta(svc).get("namespace") == "kube-system" and any(p.get("port") == 53 for p in ports)


def last_change(obj: Obj) -> tuple[datetime | None, str | None]:
    """When an object was last written (managedFields, else creation) and by which field manager."""
    best: tuple[datetime | None, str | None] = (parse_time(meta(obj).get("creationTimestamp")), None)
    for mf in meta(obj).get("managedFields") or []:
        t = parse_time(mf.get("time"))
        if t is not None and (best[0] is None or t >= best[0]):
            best = (t, str(mf.get("manager") or "") or None)
    return best


def _ready_counts(endpoints: Obj | None) -> tuple[int, int]:
    ready = not_ready = 0
    for subset in (endpoints or {}).get("subsets") or []:
        ready += len(subset.get("addresses") or [])
        not_ready += len(subset.get("notReadyAddresses") or [])
    return ready, not_ready


def _pod_ready(pod: Obj) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (pod.get("status") or {}).get("conditions") or [])


def _memory_limit(pod: Obj, container: Any) -> str | None:
    for c in (pod.get("spec") or {}).get("containers") or []:
        if c.get("name") == container:
            return ((c.get("resources") or {}).get("limits") or {}).get("memory")
    return None


def _crashing(pod: Obj) -> dict[str, Any] | None:
    for cs in (pod.get("status") or {}).get("containerStatuses") or []:
        waiting = (cs.get("state") or {}).get("waiting") or {}
        last = (cs.get("lastState") or {}).get("terminated") or {}
        if waiting.get("reason") == "CrashLoopBackOff" or (last and last.get("exitCode") not in (0, None)
                                                           and not cs.get("ready")):
            return {"pod": name_of(pod), "container": cs.get("name"), "exit_code": last.get("exitCode"),
                    "reason": last.get("reason") or waiting.get("reason"), "restarts": cs.get("restartCount", 0),
                    "started_at": last.get("startedAt"), "memory_limit": _memory_limit(pod, cs.get("name"))}
    return None


def dns_health(svc: Obj, *, endpoints: Obj | None, pods: list[Obj], configmaps: list[Obj],
               now: datetime) -> dict[str, Any]:
    """What an engineer checks first when lookups fail: ready endpoints, crashing pods, recent config edits."""
    ns = meta(svc).get("namespace")
    sel = (svc.get("spec") or {}).get("selector") or {}
    mine = [p for p in pods if meta(p).get("namespace") == ns and sel
            and selector_matches({"matchLabels": sel}, labels_of(p))]
    mounted = {v["configMap"]["name"] for p in mine for v in (p.get("spec") or {}).get("volumes") or []
               if (v.get("configMap") or {}).get("name")}
    cms = []
    for cm in configmaps:
        if meta(cm).get("namespace") == ns and name_of(cm) in mounted:
            at, manager = last_change(cm)
            cms.append({"name": name_of(cm), "namespace": ns, "changed_at": stamp(at) if at else None,
                        "changed_ago": ago(at, now) if at else None, "manager": manager,
                        "recent": at is not None and now - at <= RECENT_EDIT})
    ready, not_ready = _ready_counts(endpoints)
    if endpoints is None and mine:  # no Endpoints object to read: the DNS pods' own readiness says it
        ready = sum(1 for p in mine if _pod_ready(p))
        not_ready = len(mine) - ready
    crashing = [c for c in (_crashing(p) for p in mine) if c]
    owner = _workload_of(mine)
    return {"service": {"namespace": ns, "name": name_of(svc),
                        "cluster_ip": (svc.get("spec") or {}).get("clusterIP")},
            "ready": ready, "not_ready": not_ready, "pods": len(mine), "crashing": crashing,
            "configmaps": cms, "workload": owner, "healthy": ready > 0 and not crashing}


def _workload_of(pods: list[Obj]) -> dict[str, str] | None:
    """The Deployment (from a ReplicaSet owner's name) or other controller running the DNS pods."""
    for pod in pods:
        for ref in meta(pod).get("ownerReferences") or []:
            kind, name = str(ref.get("kind", "")), str(ref.get("name", ""))
            if kind == "ReplicaSet" and "-" in name:
                kind, name = "Deployment", name.rsplit("-", 1)[0]
            return {"kind": kind, "namespace": str(meta(pod).get("namespace")), "name": name}
    return None


def suspect(health: dict[str, Any], crash_lines: list[str]) -> dict[str, str] | None:
    """The object to fix: a mounted ConfigMap when the pods crash on their configuration, else the workload."""
    if health["healthy"]:
        return None
    config_words = ("pars", "config", "directive", "syntax", "unknown", "invalid")
    blames_config = any(w in line.lower() for line in crash_lines for w in config_words)
    cm = max(health["configmaps"], key=lambda c: c.get("changed_at") or "") if health["configmaps"] else None
    oom = any(c.get("reason") == "OOMKilled" for c in health["crashing"])
    if health["crashing"] and cm is not None and not oom and (blames_config or cm.get("recent")):
        return {"kind": "ConfigMap", "namespace": cm["namespace"], "name": cm["name"]}
    workload = health.get("workload")
    return dict(workload) if workload else {"kind": "Service", **{k: health["service"][k]
                                                                  for k in ("namespace", "name")}}


def _crash_log(kube: Any, crash: dict[str, Any], namespace: str) -> list[str]:
    try:
        text = kube.get_text(f"/api/v1/namespaces/{namespace}/pods/{crash['pod']}/log",
                             {"container": crash["container"], "previous": True, "tailLines": 50})
    except UpstreamError:
        return []
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    worst = [ln for ln in lines if any(w in ln.lower() for w in ("error", "fatal", "panic", "fail"))]
    return (worst or lines)[-CRASH_LOG_LINES:]


def _describe(h: dict[str, Any], crash_lines: list[str], blame: dict[str, str] | None) -> list[str]:
    svc = h["service"]
    lines = [f"cluster DNS Service {svc['namespace']}/{svc['name']} ({svc['cluster_ip']}): "
             f"{h['ready']} ready endpoint(s), {h['not_ready']} not ready; {h['pods']} DNS pod(s)"]
    lines += [f"  pod {c['pod']}/{c['container']}: {c['reason']} exit code {c['exit_code']}, "
              f"restarts {c['restarts']}" for c in h["crashing"]]
    lines += [f"  last crash log: {ln}" for ln in crash_lines]
    lines += [f"  mounts ConfigMap {c['namespace']}/{c['name']}, last changed {c['changed_at']} ({c['changed_ago']})"
              + (f" by {c['manager']}" if c.get("manager") else "") for c in h["configmaps"]]
    lines.append("verdict: " + ("healthy" if h["healthy"] else
                                "BROKEN: lookups from pods fail" + (f"; suspect {blame['kind']} "
                                                                    f"{blame['namespace']}/{blame['name']}"
                                                                    if blame else "")))
    return lines


def cluster_dns(args: ClusterDnsArgs, ctx: ToolContext) -> ToolResult:
    """Cluster DNS health (kube-dns/CoreDNS): ready endpoints, crashing DNS pods and their last crash log,
    and when the ConfigMap they mount was last edited and by whom. Use when pods log name-resolution errors."""
    kube = ctx.kube()
    services = [s for s in kube.items("/api/v1/services") if is_dns_service(s)]
    if not services:
        return ToolResult(status=ToolStatus.NO_DATA, invocation=kube.invocation,
                          text="no cluster DNS Service found (no k8s-app=kube-dns label, no port 53 in kube-system)")
    svc = services[0]
    ns = str(meta(svc).get("namespace"))
    try:
        endpoints: Obj | None = kube.get(f"/api/v1/namespaces/{ns}/endpoints/{name_of(svc)}")
    except UpstreamError:
        endpoints = None
    health = dns_health(svc, endpoints=endpoints, pods=kube.items(f"/api/v1/namespaces/{ns}/pods"),
                        configmaps=kube.items(f"/api/v1/namespaces/{ns}/configmaps"), now=ctx.now())
    crash_lines = _crash_log(kube, health["crashing"][0], ns) if health["crashing"] else []
    blame = suspect(health, crash_lines)
    data = health | {"crash_lines": crash_lines, "suspect": blame}
    return ToolResult(status=ToolStatus.OK, invocation=kube.invocation,
                      text="\n".join(_describe(health, crash_lines, blame)), data=data)
