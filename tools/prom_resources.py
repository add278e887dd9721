"""Container and node Prometheus tools: restarts, memory and CPU against limits, throttling, GC, network drops."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kubernetes.utils import parse_quantity
from pydantic import Field

from tools.context import ToolContext
from tools.errors import UpstreamError
from tools.metric_summary import Summary, fmt_value
from tools.models import ToolResult
from tools.prom_common import (NAME_PATTERN, PromCall, WindowArgs, last_values, pct, regex_matcher,
                               selector, series_name)
from tools.prometheus import Series
from tools.timefmt import ago, stamp

CONTAINERS = 'container!="",container!="POD"'
POD_KEYS = ("pod", "container")


class PodsArgs(WindowArgs):
    namespace: str = Field(pattern=NAME_PATTERN, description="Kubernetes namespace")
    pod_regex: str | None = Field(None, max_length=200, description="pods to include, a regex such as 'orders-.*'")


class NetworkArgs(WindowArgs):
    namespace: str | None = Field(None, pattern=NAME_PATTERN, description="namespace for pod drops (node stats always)")


def _pods_sel(args: PodsArgs, *extra: str) -> str:
    return selector(*extra, *filter(None, [regex_matcher("pod", args.pod_regex)]), namespace=args.namespace)


def restarts(args: PodsArgs, ctx: ToolContext) -> ToolResult:
    """Container restarts per pod over a window (kube-state-metrics restart counter), with when they happened."""
    call = PromCall(ctx, args.minutes)
    series = call.range(f"max by (pod, container) (kube_pod_container_status_restarts_total{{{_pods_sel(args)}}})")
    rows = sorted((_restart_row(s, ctx) for s in series), key=lambda r: -int(r["increase"]))
    lines = [f"  {r['name']}: +{r['increase']:g} restarts in window (total {r['total']:g})"
             + (f", last at {r['last_at']}" if r["last_at"] else "") for r in rows if r["increase"] > 0]
    quiet = sum(1 for r in rows if r["increase"] <= 0)
    if quiet:
        lines.append(f"  {quiet} container(s) without restarts in the window")
    if not series:
        lines.append("  no kube_pod_container_status_restarts_total series match")
    return call.result([f"restarts in {args.namespace}:", *lines], rows, found=bool(series))


def _restart_row(s: Series, ctx: ToolContext) -> dict[str, Any]:
    pts = [(t, v) for t, v in zip(s.times, s.values) if v is not None]
    increase, last_at = 0.0, None
    for (_, a), (t, b) in zip(pts, pts[1:]):
        if b > a:
            increase += b - a
            last_at = datetime.fromtimestamp(t, tz=UTC)
    when = f"{stamp(last_at)} ({ago(last_at, ctx.now())})" if last_at else None
    return {"name": series_name(s.labels, POD_KEYS), "labels": s.labels, "increase": increase,
            "total": pts[-1][1] if pts else 0.0, "last_at": when}


def _vs_limit(call: PromCall, args: PodsArgs, *, usage_q: str, resource: str,
              unit: str, title: str) -> ToolResult:
    usage = call.range(usage_q)
    limit_sel = _pods_sel(args, f'resource="{resource}"')
    limits = last_values(call.range(f"max by (pod, container) (kube_pod_container_resource_limits{{{limit_sel}}})"),
                         POD_KEYS)
    if any(tuple(s.labels.get(k, "") for k in POD_KEYS) not in limits for s in usage):
        limits = _spec_limits(call, args.namespace, resource) | limits

    def vs_limit(labels: dict[str, str], s: Summary) -> str:
        limit = limits.get(tuple(labels.get(k, "") for k in POD_KEYS))
        return (f"limit {fmt_value(limit, unit)} (peak {pct(s.peak, limit)}, now {pct(s.current, limit)} of limit)"
                if limit else "no limit")

    lines, data = call.render(usage, unit=unit, keys=POD_KEYS, suffix=vs_limit)
    for row in data:
        row["limit"] = limits.get(tuple(row["labels"].get(k, "") for k in POD_KEYS))
    if not usage:
        lines.append(f"  no usage series match: {usage_q}")
    elif not limits:
        lines.append(f"  no {resource} limit found (kube_pod_container_resource_limits or pod specs)")
    return call.result([title, *lines], data, found=bool(usage))


def _spec_limits(call: PromCall, namespace: str, resource: str) -> dict[tuple[str, ...], float]:
    """Limits from the pods' specs, for containers whose limit is not exported (needs the Kubernetes API)."""
    if call.ctx.k8s is None:
        return {}
    kube = call.ctx.kube()
    out: dict[tuple[str, ...], float] = {}
    try:
        pods = kube.items(f"/api/v1/namespaces/{namespace}/pods")
    except UpstreamError:
        return {}
    finally:
        call.queries.extend(f"GET {c}" for c in kube.calls)
    for pod in pods:
        for c in (pod.get("spec") or {}).get("containers") or []:
            value = ((c.get("resources") or {}).get("limits") or {}).get(resource)
            if value is not None:
                out[(pod["metadata"]["name"], c.get("name", ""))] = float(
                    parse_quantity(str(value)))  # type: ignore[no-untyped-call]
    return out


def memory_vs_limit(args: PodsArgs, ctx: ToolContext) -> ToolResult:
    """Working-set memory per container against its memory limit (how close to an OOM kill)."""
    call = PromCall(ctx, args.minutes)
    q = f"max by (pod, container) (container_memory_working_set_bytes{{{_pods_sel(args, CONTAINERS)}}})"
    return _vs_limit(call, args, usage_q=q, resource="memory", unit="bytes",
                     title=f"memory working set vs limit in {args.namespace}:")


def cpu_vs_limit(args: PodsArgs, ctx: ToolContext) -> ToolResult:
    """CPU usage (cores) per container against its CPU limit."""
    call = PromCall(ctx, args.minutes)
    sel = _pods_sel(args, CONTAINERS)
    w = call.rate_window(f"container_cpu_usage_seconds_total{{{sel}}}")
    q = f"sum by (pod, container) (rate(container_cpu_usage_seconds_total{{{sel}}}[{w}]))"
    return _vs_limit(call, args, usage_q=q, resource="cpu", unit="cores",
                     title=f"CPU usage vs limit in {args.namespace}:")


def cpu_throttling(args: PodsArgs, ctx: ToolContext) -> ToolResult:
    """Share of CFS periods in which each container was throttled (CPU limit too tight when high)."""
    call = PromCall(ctx, args.minutes)
    sel = _pods_sel(args, CONTAINERS)
    w = call.rate_window(f"container_cpu_cfs_periods_total{{{sel}}}")
    series = call.range(f"sum by (pod, container) (rate(container_cpu_cfs_throttled_periods_total{{{sel}}}[{w}])) "
                        f"/ sum by (pod, container) (rate(container_cpu_cfs_periods_total{{{sel}}}[{w}]))")
    lines, data = call.render(series, unit="ratio", keys=POD_KEYS)
    return call.result([f"throttled share of CFS periods in {args.namespace}:", *lines], data, found=bool(series))


def gc_time(args: PodsArgs, ctx: ToolContext) -> ToolResult:
    """JVM garbage collection per pod: average pause, collections per second, and heap used by pool."""
    call = PromCall(ctx, args.minutes)
    sel = _pods_sel(args)
    w = call.rate_window(f"jvm_gc_pause_seconds_sum{{{sel}}}")
    avg = call.range(f"sum by (pod) (rate(jvm_gc_pause_seconds_sum{{{sel}}}[{w}])) "
                     f"/ sum by (pod) (rate(jvm_gc_pause_seconds_count{{{sel}}}[{w}]))")
    count = call.range(f"sum by (pod) (rate(jvm_gc_pause_seconds_count{{{sel}}}[{w}]))")
    heap_sel = _pods_sel(args, 'area="heap"')
    heap = call.range(f"sum by (pod, id) (jvm_memory_used_bytes{{{heap_sel}}})")
    lines, data = [f"JVM GC and heap in {args.namespace}:"], {}
    for title, series, unit, keys in (("average GC pause", avg, "seconds", ("pod",)),
                                      ("GC count per second", count, "per_s", ("pod",)),
                                      ("heap used by pool (jvm_memory_used_bytes)", heap, "bytes", ("pod", "id"))):
        rendered, data[title] = call.render(series, unit=unit, keys=keys)
        lines += [f"{title}:", *(rendered or ["  no series"])]
    return call.result(lines, data, found=bool(avg or count or heap))


def _node_names(call: PromCall) -> dict[str, str]:
    """Node IP -> node name from the Kubernetes API (empty without it), to name node-exporter `instance`s."""
    if call.ctx.k8s is None:
        return {}
    kube = call.ctx.kube()
    try:
        nodes = kube.items("/api/v1/nodes")
    except UpstreamError:
        return {}
    finally:
        call.queries.extend(f"GET {c}" for c in kube.calls)
    return {str(a.get("address")): str(n["metadata"]["name"]) for n in nodes
            for a in (n.get("status") or {}).get("addresses") or [] if a.get("type") == "InternalIP"}


def _named(series: list[Series], names: dict[str, str]) -> list[Series]:
    """Series with a `node` label added where their `instance` (ip:port) is a known node."""
    out = []
    for s in series:
        node = names.get(s.labels.get("instance", "").rsplit(":", 1)[0])
        out.append(Series(s.labels | {"node": node}, s.times, s.values) if node else s)
    return out


NETWORK_QUERIES = (
    ("pod receive drops per second", ("namespace", "pod"),
     "sum by (namespace, pod) (rate(container_network_receive_packets_dropped_total{{{pods}}}[{w}]))"),
    ("node UDP InErrors per second", ("node", "instance"), "sum by (instance) (rate(node_netstat_Udp_InErrors[{w}]))"),
    ("node TCP retransmits per second", ("node", "instance"),
     "sum by (instance) (rate(node_netstat_Tcp_RetransSegs[{w}]))"),
    ("node interface transmit drops per second", ("node", "instance", "device"),
     "sum by (instance, device) (rate(node_network_transmit_drop_total[{w}]))"),
)


def network_drops(args: NetworkArgs, ctx: ToolContext) -> ToolResult:
    """Packet drops and errors (pod receive drops, node UDP errors, TCP retransmits, interface drops) and
    interface MTUs per node; node-exporter instances are named by node when the Kubernetes API is there."""
    call = PromCall(ctx, args.minutes)
    pods = selector(namespace=args.namespace) if args.namespace else 'namespace!=""'
    w = call.rate_window("node_netstat_Udp_InErrors")
    names = _node_names(call)
    lines: list[str] = []
    data: dict[str, Any] = {}
    mtu_w = call.rate_window("node_network_mtu_bytes")
    mtu = _named(call.instant(f"max by (instance, device) (last_over_time(node_network_mtu_bytes[{mtu_w}]))"), names)
    by_value: dict[str, list[str]] = {}
    for s in sorted(mtu, key=lambda s: (s.labels.get("device", ""), s.labels.get("node", ""))):
        if s.last is not None:
            by_value.setdefault(f"{s.labels.get('device', '?')} mtu {s.last:g}", []).append(
                s.labels.get("node") or s.labels.get("instance", "?"))
    if by_value:
        lines += ["interface MTU by node:", *(f"  {k}: {', '.join(v)}" for k, v in by_value.items())]
        data["mtu"] = by_value
    for title, keys, q in NETWORK_QUERIES:
        series = _named(call.range(q.format(pods=pods, w=w)), names)
        rendered, data[title] = call.render(series, unit="per_s", keys=keys)
        lines += [f"{title}:", *(rendered or ["  no series"])]
    found = any(data.get(t) for t, _, _ in NETWORK_QUERIES) or bool(by_value)
    return call.result(lines, data, found=found)
