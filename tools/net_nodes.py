"""Node network health compared across nodes (NIC errors, flaps, retransmits, link saturation), and what runs there."""
from __future__ import annotations

import statistics
from datetime import timedelta
from typing import Any

from pydantic import Field

from tools.context import ToolContext
from tools.errors import UpstreamError
from tools.k8s_common import Obj, meta, name_of
from tools.metric_summary import summarize
from tools.models import ToolResult
from tools.prom_common import PromCall, WindowArgs
from tools.prometheus import Series
from tools.timefmt import parse_time, stamp

PHYSICAL = 'device!~"lo|veth.*|cali.*|cilium.*|lxc.*|flannel.*|docker.*|cni.*|vxlan.*|tunl.*|kube-ipvs.*|genev.*"'
# (title, PromQL over one rate window, absolute floor below which a value is noise)
METRICS: tuple[tuple[str, str, float], ...] = (
    ("NIC receive errors/s", f"rate(node_network_receive_errs_total{{{PHYSICAL}}}[{{w}}])", 0.05),
    ("NIC receive drops/s", f"rate(node_network_receive_drop_total{{{PHYSICAL}}}[{{w}}])", 1.0),
    ("NIC carrier changes/h", f"3600 * rate(node_network_carrier_changes_total{{{PHYSICAL}}}[{{w}}])", 1.0),
    ("TCP retransmits/s", "rate(node_netstat_Tcp_RetransSegs[{w}])", 5.0),
    ("TCP timeouts/s", "rate(node_netstat_TcpExt_TCPTimeouts[{w}])", 0.5),
    ("NIC transmit use of link speed", f"rate(node_network_transmit_bytes_total{{{PHYSICAL}}}[{{w}}]) / on (instance, "
                                       f"device) group_left node_network_speed_bytes{{{PHYSICAL}}}", 0.7),
)
OUTLIER_FACTOR = 3.0
MAX_SUSPECTS = 6


class NodeNetworkArgs(WindowArgs):
    minutes: int = Field(1440, ge=15, le=10080, description="how far back to look, in minutes")


def _node_ips(nodes: list[Obj]) -> dict[str, str]:
    return {str(a.get("address")): name_of(n) for n in nodes
            for a in (n.get("status") or {}).get("addresses") or [] if a.get("type") == "InternalIP"}


def _per_node(series: list[Series], ips: dict[str, str]) -> dict[str, Series]:
    """The worst device of each node (node-exporter's `instance` named by the node's InternalIP)."""
    out: dict[str, Series] = {}
    for s in series:
        node = s.labels.get("node") or ips.get(s.labels.get("instance", "").rsplit(":", 1)[0])
        if node and (node not in out or (s.last or 0.0) > (out[node].last or 0.0)):
            out[node] = s
    return out


def _outliers(title: str, rows: dict[str, dict[str, Any]], floor: float) -> list[dict[str, Any]]:
    """Nodes whose current level is several times the others' (and above the noise floor)."""
    out = []
    for node, row in rows.items():
        others = [r["current"] for n, r in rows.items() if n != node]
        typical = statistics.median(others) if others else 0.0
        level = max(row["current"], row["recent"])
        if level >= floor and level >= OUTLIER_FACTOR * typical:
            out.append({"node": node, "metric": title, "value": level, "others": typical,
                        "since": row.get("change_at")})
    return out


def _measure(call: PromCall, ips: dict[str, str]) -> tuple[dict[str, dict[str, dict[str, Any]]], list[dict[str, Any]]]:
    metrics: dict[str, dict[str, dict[str, Any]]] = {}
    outliers: list[dict[str, Any]] = []
    for title, q, floor in METRICS:
        rows: dict[str, dict[str, Any]] = {}
        w = call.rate_window(q.split("(", 1)[1].split("{", 1)[0].split("[", 1)[0])
        for node, s in _per_node(call.range(q.replace("{w}", w)), ips).items():
            sm = summarize(s.times, s.values)
            if sm is None:
                continue
            recent = [v for v in s.values[-10:] if v is not None]
            rows[node] = {"current": sm.current, "baseline": sm.baseline, "peak": sm.peak,
                          "recent": statistics.fmean(recent) if recent else sm.current,
                          "change_at": stamp(sm.change.at) if sm.change and sm.change.after > sm.change.before
                          else None}
        if rows:
            metrics[title] = rows
            outliers += _outliers(title, rows, floor)
    return metrics, outliers


def _top_owner(kube: Any, pod: Obj) -> dict[str, str]:
    """Pod -> Deployment / DaemonSet / StatefulSet / CronJob (through its Job), as kubectl shows it."""
    ns = str(meta(pod).get("namespace"))
    for ref in meta(pod).get("ownerReferences") or []:
        kind, name = str(ref.get("kind", "")), str(ref.get("name", ""))
        if kind == "ReplicaSet" and "-" in name:
            return {"kind": "Deployment", "namespace": ns, "name": name.rsplit("-", 1)[0]}
        if kind == "Job":
            try:
                job = kube.get(f"/apis/batch/v1/namespaces/{ns}/jobs/{name}")
            except UpstreamError:
                return {"kind": kind, "namespace": ns, "name": name}
            up = next(iter(meta(job).get("ownerReferences") or []), None)
            return ({"kind": str(up.get("kind")), "namespace": ns, "name": str(up.get("name"))} if up
                    else {"kind": kind, "namespace": ns, "name": name})
        return {"kind": kind, "namespace": ns, "name": name}
    return {"kind": "Pod", "namespace": ns, "name": name_of(pod)}


def _net_admin(pod: Obj) -> bool:
    spec = pod.get("spec") or {}
    caps = {c for ct in spec.get("containers") or [] for c in
            (((ct.get("securityContext") or {}).get("capabilities") or {}).get("add") or [])}
    privileged = any((ct.get("securityContext") or {}).get("privileged") for ct in spec.get("containers") or [])
    return bool(spec.get("hostNetwork")) and ("NET_ADMIN" in caps or privileged)


def _command(pod: Obj) -> str:
    """What the pod's first container runs (command and args), as an engineer reads it in the spec."""
    c: Obj = next(iter((pod.get("spec") or {}).get("containers") or []), {})
    return " ".join(str(x) for x in (c.get("command") or []) + (c.get("args") or []))[:200]


def _suspects(call: PromCall, pods: list[Obj], hot: set[str], window_start: Any) -> list[dict[str, Any]]:
    """Workloads on the hot nodes that can shape or flood the node's network: host-network pods with NET_ADMIN,
    and pods started in the window, with their transmit rate (cAdvisor) when known."""
    kube = call.ctx.kube()
    w = call.rate_window("container_network_transmit_bytes_total")
    tx = {(s.labels.get("namespace"), s.labels.get("pod")): s.last or 0.0 for s in call.instant(
        f"sum by (namespace, pod) (rate(container_network_transmit_bytes_total[{w}]))")}
    by_workload: dict[tuple[str, str, str], dict[str, Any]] = {}
    for pod in pods:
        node = (pod.get("spec") or {}).get("nodeName")
        started = parse_time((pod.get("status") or {}).get("startTime"))
        shaper, fresh = _net_admin(pod), started is not None and started >= window_start
        if not (shaper or fresh):
            continue
        owner = _top_owner(kube, pod)
        entry = by_workload.setdefault((owner["kind"], owner["namespace"], owner["name"]), {
            **owner, "nodes": [], "hot_nodes": [], "net_admin": shaper, "started_at": stamp(started),
            "tx_bytes_per_s": 0.0, "runs": _command(pod)})
        entry["nodes"].append(node)
        entry["tx_bytes_per_s"] += tx.get((meta(pod).get("namespace"), name_of(pod)), 0.0)
        if node in hot:
            entry["hot_nodes"].append(node)
    call.queries.extend(f"GET {c}" for c in kube.calls)
    found = [e for e in by_workload.values() if e["hot_nodes"]]
    return sorted(found, key=lambda e: (e["net_admin"], e["tx_bytes_per_s"]), reverse=True)[:MAX_SUSPECTS]


def _lines(metrics: dict[str, dict[str, dict[str, Any]]], outliers: list[dict[str, Any]],
           suspects: list[dict[str, Any]]) -> list[str]:
    lines = []
    for title, rows in metrics.items():
        vals = ", ".join(f"{n}={r['current']:.3g}" for n, r in sorted(rows.items()))
        lines.append(f"{title}: {vals}")
    lines += [f"OUTLIER {o['node']}" + (f" (zone {o['zone']})" if o.get("zone") else "")
              + f": {o['metric']} {o['value']:.3g} vs {o['others']:.3g} on the other nodes"
              + (f", since {o['since']}" if o.get("since") else "") for o in outliers]
    if not outliers:
        lines.append("no node stands out: network counters are alike on every node")
    lines += [f"on {', '.join(sorted(set(s['hot_nodes'])))}: {s['kind']} {s['namespace']}/{s['name']}"
              + (" (hostNetwork + NET_ADMIN: can shape the node's traffic)" if s["net_admin"] else "")
              + f", started {s['started_at']}, runs on {len(s['nodes'])} node(s)"
              + (f", transmits {s['tx_bytes_per_s'] / 1e6:.0f} MB/s" if s["tx_bytes_per_s"] else "")
              + (f"; runs: {s['runs']}" if s.get("runs") else "")
              for s in suspects]
    return lines


def node_network(args: NodeNetworkArgs, ctx: ToolContext) -> ToolResult:
    """Network health of every node side by side (NIC errors, drops, carrier flaps, TCP retransmits and
    timeouts, transmit use of link speed), the nodes that stand out, and the workloads on those nodes that
    can shape or flood their network (host-network NET_ADMIN pods, recently started pods and their traffic)."""
    call = PromCall(ctx, args.minutes)
    kube = ctx.kube()
    nodes = kube.items("/api/v1/nodes")
    metrics, outliers = _measure(call, _node_ips(nodes))
    zones = {name_of(n): (meta(n).get("labels") or {}).get("topology.kubernetes.io/zone") for n in nodes}
    for o in outliers:
        o["zone"] = zones.get(o["node"])
    hot = {o["node"] for o in outliers}
    scope = ctx.scope(None)
    listed = [p for ns in scope for p in kube.items(f"/api/v1/namespaces/{ns}/pods")] if scope \
        else kube.items("/api/v1/pods")
    pods = [p for p in listed if (p.get("status") or {}).get("phase") == "Running"]
    call.queries.extend(f"GET {c}" for c in kube.calls)
    suspects = _suspects(call, pods, hot, call.start - timedelta(minutes=30)) if hot else []
    for s in suspects:
        s["all_nodes_of_workload"] = sorted(set(s["nodes"]))
    data = {"nodes": sorted(name_of(n) for n in nodes), "metrics": metrics, "outliers": outliers,
            "suspects": suspects}
    return call.result(_lines(metrics, outliers, suspects), data, found=bool(metrics))
