"""The read tools the agent may call: name -> (args model, function), validation, and OpenAI tool schemas.

`call_tool` is the only way the agent runs a read tool: it validates the
arguments with the tool's pydantic model (an invalid call becomes an error
result naming each bad field and why), then runs the function through
`tools.runner`, which times, redacts and caps it and turns any exception into
an error result. It never raises. Every tool here is read-only; the actions
live in their own module and are never in this registry.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from tools import dependency_health, traces
from tools import net_dns, net_nodes, net_policy
from tools import k8s_cluster, k8s_config, k8s_events, k8s_logs, k8s_network, k8s_pods, k8s_rollout, k8s_storage
from tools import k8s_common, k8s_workloads, prom_raw, prom_resources, prom_service
from tools.context import ToolContext
from tools.models import ToolResult, ToolStatus
from tools.runner import run_tool


@dataclass(frozen=True)
class ToolSpec:
    """One read tool. `fn` takes an instance of `args` (typed Any: each tool has its own model)."""

    name: str
    description: str
    args: type[BaseModel]
    fn: Callable[[Any, ToolContext], ToolResult]
    mutating: bool = False


def _spec(fn: Callable[[Any, ToolContext], ToolResult], args: type[BaseModel]) -> ToolSpec:
    doc = (fn.__doc__ or fn.__name__).strip().split("\n\n")[0]
    return ToolSpec(name=fn.__name__, description=" ".join(doc.split()), args=args, fn=fn)


REGISTRY: dict[str, ToolSpec] = {s.name: s for s in (
    _spec(k8s_workloads.find_workloads, k8s_workloads.FindWorkloadsArgs),
    _spec(k8s_workloads.workload_status, k8s_workloads.WorkloadArgs),
    _spec(k8s_pods.pod_detail, k8s_pods.PodArgs),
    _spec(k8s_events.events, k8s_events.EventsArgs),
    _spec(k8s_logs.pod_logs, k8s_logs.LogsArgs),
    _spec(k8s_rollout.rollout_history, k8s_rollout.RolloutArgs),
    _spec(k8s_network.service_routing, k8s_network.ServiceArgs),
    _spec(k8s_network.network_policies, k8s_network.NetpolArgs),
    _spec(k8s_cluster.nodes, k8s_cluster.NoArgs),
    _spec(k8s_cluster.hpa_status, k8s_cluster.OptionalNameArgs),
    _spec(k8s_cluster.resource_quotas, k8s_common.NamespacedArgs),
    _spec(k8s_storage.pvc_status, k8s_cluster.OptionalNameArgs),
    _spec(k8s_config.config_maps, k8s_cluster.OptionalNameArgs),
    _spec(k8s_config.k8s_jq, k8s_config.JqArgs),
    _spec(prom_service.error_rate, prom_service.ServiceArgs),
    _spec(prom_service.latency_quantile, prom_service.LatencyArgs),
    _spec(prom_resources.restarts, prom_resources.PodsArgs),
    _spec(prom_resources.memory_vs_limit, prom_resources.PodsArgs),
    _spec(prom_resources.cpu_vs_limit, prom_resources.PodsArgs),
    _spec(prom_resources.cpu_throttling, prom_resources.PodsArgs),
    _spec(prom_resources.gc_time, prom_resources.PodsArgs),
    _spec(prom_resources.network_drops, prom_resources.NetworkArgs),
    _spec(prom_raw.promql, prom_raw.PromqlArgs),
    _spec(dependency_health.dependency_health, k8s_workloads.WorkloadArgs),
    *(_spec(fn, args) for fn, args in traces.TRACE_TOOLS),
    _spec(net_dns.cluster_dns, net_dns.ClusterDnsArgs),
    _spec(net_nodes.node_network, net_nodes.NodeNetworkArgs),
    _spec(net_policy.network_reachability, net_policy.ReachArgs),
)}


def _invocation(name: str, args: object) -> str:
    return f"{name}({args!r})"


def _error(name: str, args: object, text: str, data: Any = None) -> ToolResult:
    return ToolResult(tool=name, status=ToolStatus.ERROR, invocation=_invocation(name, args), text=text, data=data)


def validate_args(spec: ToolSpec, args: dict[str, Any] | None) -> BaseModel | ToolResult:
    """The parsed args, or an error result naming each bad field and why (unknown fields included)."""
    raw = dict(args or {})
    unknown = sorted(set(raw) - set(spec.args.model_fields))
    problems = [{"field": k, "error": "unknown field"} for k in unknown]
    try:
        parsed = spec.args.model_validate(raw)
    except ValidationError as exc:
        parsed = None
        problems += [{"field": ".".join(str(p) for p in e["loc"]) or "(args)", "error": e["msg"]} for e in exc.errors()]
    if problems:
        fields = ", ".join(spec.args.model_fields)
        text = (f"invalid arguments for {spec.name}: "
                + "; ".join(f"{p['field']}: {p['error']}" for p in problems) + f" (fields: {fields})")
        return _error(spec.name, raw, text, {"invalid_args": problems})
    assert parsed is not None
    return parsed


def call_tool(name: str, args: dict[str, Any] | None, ctx: ToolContext) -> ToolResult:
    """Validate and run one read tool; never raises (errors come back as status=error results)."""
    spec = REGISTRY.get(name)
    if spec is None:
        return _error(name, args, f"unknown tool {name!r}; known tools: {', '.join(sorted(REGISTRY))}")
    parsed = validate_args(spec, args)
    if isinstance(parsed, ToolResult):
        return parsed
    return run_tool(name, spec.fn, invocation=_invocation(name, parsed.model_dump(exclude_none=True)),
                    max_tokens=ctx.settings.tool_output_tokens, args=parsed, ctx=ctx)


def _strip_titles(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: _strip_titles(v) for k, v in schema.items() if not (k == "title" and isinstance(v, str))}
    if isinstance(schema, list):
        return [_strip_titles(v) for v in schema]
    return schema


def openai_tool_schemas(names: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Chat-completions `tools` entries for the named tools (all when None)."""
    chosen = [REGISTRY[n] for n in names] if names is not None else list(REGISTRY.values())
    return [{"type": "function", "function": {"name": s.name, "description": s.description,
                                              "parameters": _strip_titles(s.args.model_json_schema())}}
            for s in chosen]
