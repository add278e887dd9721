"""For every example scenario, the read tools surface the facts its truth.evidence names.

The calls are the ones a careful SRE makes, derived only from the scenario's
trigger and truth.resource (kind, namespace, name), never from its id: find
the workload, look at it, its rollout history, events (the namespace's and
the nodes'), nodes, the namespace's HPAs, quotas, PVCs, policies and config,
the worst pods in detail with their logs (previous run too when they
restarted), then the metrics. Everything runs through `call_tool` against
the sandbox over real HTTP with the real kubernetes client.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import shared_scenarios
from tests.tools.conftest import Served, planted_secrets
from tools.models import ToolResult, ToolStatus
from tools.registry import call_tool

WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"}
Call = Callable[..., ToolResult]


def _trigger_text(doc: dict[str, Any]) -> tuple[str, dict[str, str]]:
    trig = doc["trigger"]
    alert = trig.get("alert") or {}
    labels = {k: str(v) for k, v in (alert.get("labels") or {}).items()}
    hints = " ".join(labels[k] for k in ("namespace", "pod", "deployment", "service", "container") if k in labels)
    return f"{trig.get('command') or (alert.get('annotations') or {}).get('summary', '')} {hints}".strip(), labels


def _focus(doc: dict[str, Any], found: ToolResult) -> tuple[str | None, str, str, str]:
    """(namespace of the truth, workload kind, namespace, name) to look at first."""
    res = doc["truth"].get("resource") or {}
    _, labels = _trigger_text(doc)
    hits = found.data or []
    ns = res.get("namespace") or labels.get("namespace") or (hits[0]["namespace"] if hits else None)
    if res.get("kind") in WORKLOADS:
        return ns, res["kind"], res["namespace"], res["name"]
    top = next((h for h in hits if h["namespace"] == ns and h["kind"] in WORKLOADS), None) \
        or next(h for h in hits if h["kind"] in WORKLOADS)
    return ns, top["kind"], top["namespace"], top["name"]


def _pods_to_read(results: list[ToolResult], wns: str) -> list[tuple[str, str, bool]]:
    """(namespace, pod, restarted): the focus workload's pods, unhealthy first, then pods using the ConfigMap."""
    pods: list[tuple[str, str, bool]] = []
    for r in results:
        data = r.data if isinstance(r.data, dict) else {}
        for p in data.get("pods") or []:
            ready = all(c["ready"] for c in p["containers"]) and p["phase"] == "Running"
            restarts = sum(c["restarts"] for c in p["containers"])
            pods.append((wns, p["name"], restarts > 0, ready, -restarts))  # type: ignore[arg-type]
    pods.sort(key=lambda p: (p[3], p[4]))  # type: ignore[misc]
    return [(p[0], p[1], p[2]) for p in pods[:4]]


def sre_plan(doc: dict[str, Any], call: Call) -> list[ToolResult]:
    results: list[ToolResult] = []

    def c(tool: str, **args: Any) -> ToolResult:
        results.append(call(tool, args))
        return results[-1]

    text, _ = _trigger_text(doc)
    found = c("find_workloads", query=text)
    ns, wkind, wns, wname = _focus(doc, found)
    res = doc["truth"].get("resource") or {}
    namespaces = sorted({n for n in (ns, wns) if n})
    used_by: list[tuple[str, str, bool]] = []
    if res.get("kind") == "ConfigMap":
        cm = c("config_maps", namespace=res["namespace"], name=res["name"])
        used_by = [(res["namespace"], p, False) for p in (cm.data or {}).get("used_by_pods", [])[:3]]
    c("workload_status", kind=wkind, namespace=wns, name=wname)
    for svc in [h for h in found.data or [] if h["kind"] == "Service" and h["namespace"] == wns][:2]:
        c("service_routing", namespace=wns, service=svc["name"])
    if wkind == "Deployment":
        c("rollout_history", namespace=wns, deployment=wname)
    for n in namespaces:
        c("events", namespace=n)
        for tool in ("hpa_status", "resource_quotas", "pvc_status", "network_policies", "config_maps"):
            c(tool, namespace=n)
    c("events", namespace="default", kind="Node")
    c("nodes")
    to_read = _pods_to_read(results, wns)
    for pns, pod, _ in to_read[:3]:
        c("pod_detail", namespace=pns, name=pod)
    for pns, pod, restarted in to_read + used_by:
        c("pod_logs", namespace=pns, pod=pod)
        if restarted:
            c("pod_logs", namespace=pns, pod=pod, previous=True)
    for n in namespaces:
        c("restarts", namespace=n)
        c("memory_vs_limit", namespace=n, minutes=1440)
        c("cpu_vs_limit", namespace=n)
        c("cpu_throttling", namespace=n)
        c("gc_time", namespace=n, minutes=1440)
    c("network_drops", namespace=wns, minutes=1440)
    if wkind != "CronJob":
        c("error_rate", namespace=wns, service=wname)
        c("latency_quantile", namespace=wns, service=wname)
    return results


@pytest.mark.parametrize("path", shared_scenarios(), ids=lambda p: p.stem)
def test_tools_surface_every_evidence_item_of_the_scenario(path: Path,
                                                           serve_shared: Callable[[Path], Served]) -> None:
    served = serve_shared(path)
    results = sre_plan(served.doc, lambda tool, args: call_tool(tool, args, served.ctx))
    errors = [r for r in results if r.status == ToolStatus.ERROR]
    assert not errors, [(r.tool, r.invocation, r.text) for r in errors]
    assert all(r.invocation for r in results)
    corpus = "\n".join(r.text for r in results).lower()
    missing = [item for item in served.doc["truth"]["evidence"]
               if not any(alt.strip().lower() in corpus for alt in item.split("|"))]
    assert not missing, f"evidence not surfaced by any tool: {missing}"
    shown = corpus + "\n".join(str(r.data) for r in results).lower()
    assert not [s for s in planted_secrets(served.doc) if s.lower() in shown]
