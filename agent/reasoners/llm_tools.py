"""Which tool schemas the LLM gets on a step: the ones its leads call for, the rest as one-line signatures.

Every tool schema is sent on every call, and 26 of them cost ~3,000 input tokens a call, more than the
whole incident. So a step offers, as native tools, a core set plus the tools the current hypotheses'
categories call for; every other read tool is listed by signature in the prompt and stays callable by
name (the reasoner's guards check the name against the full registry and pydantic checks the arguments).
"""
from __future__ import annotations

from typing import Any

from agent.state import AgentState

CORE = ("find_workloads", "workload_status", "pod_detail", "events", "pod_logs", "rollout_history",
        "error_rate", "latency_quantile", "promql")
BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "oom_killed": ("memory_vs_limit", "restarts"), "memory_leak": ("memory_vs_limit", "restarts", "gc_time"),
    "cpu_saturation": ("cpu_vs_limit", "cpu_throttling"), "resource_contention": ("cpu_throttling", "nodes"),
    "bad_rollout": ("find_traces",), "dependency_failure": ("find_traces", "service_routing"),
    "service_routing": ("service_routing",), "scaled_to_zero": ("service_routing", "hpa_status"),
    "network_policy": ("network_policies", "service_routing"), "dns_failure": ("config_maps", "network_drops"),
    "network_degradation": ("network_drops", "nodes"), "node_failure": ("nodes",),
    "unschedulable": ("nodes", "resource_quotas"), "quota_exceeded": ("resource_quotas",),
    "storage": ("pvc_status",), "autoscaling": ("hpa_status", "cpu_vs_limit"), "config_error": ("config_maps",),
    "access_denied": ("k8s_jq",), "crash_loop": ("restarts",), "probe_failure": ("restarts",),
    "image_pull": (), "no_fault": ("restarts", "find_traces"),
}
MAX_CATEGORIES = 4


def wanted(state: AgentState) -> set[str]:
    """Core tools plus those for the categories of the leading findings and hypotheses."""
    cats = [str(f.get("category")) for f in (state.get("findings") or [])[:MAX_CATEGORIES]]
    cats += [str(h.get("category")) for h in (state.get("hypotheses") or [])[:MAX_CATEGORIES]]
    names = set(CORE)
    for cat in cats or ["no_fault"]:
        names.update(BY_CATEGORY.get(cat, ()))
    return names


def split_tools(schemas: list[dict[str, Any]], state: AgentState) -> tuple[list[dict[str, Any]], str]:
    """(schemas offered natively this step, a prompt paragraph with the others' signatures)."""
    names = wanted(state)
    offered = [s for s in schemas if s["function"]["name"] in names]
    others = [signature(s) for s in schemas if s["function"]["name"] not in names]
    if not others:
        return offered, ""
    return offered, ("More read tools, callable by name like the others (same argument names):\n"
                     + "\n".join(others))


def signature(schema: dict[str, Any]) -> str:
    """`name(required, optional?): first words of the description`."""
    fn = schema["function"]
    params = fn.get("parameters") or {}
    required = set(params.get("required") or [])
    args = ", ".join(p if p in required else f"{p}?" for p in (params.get("properties") or {}))
    return f"- {fn['name']}({args}): {str(fn.get('description', '')).rstrip('…')[:48]}"
