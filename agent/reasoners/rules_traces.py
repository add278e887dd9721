"""What the rules reasoner takes from traces: who owns the failures or the time, and which workload to look at next.

The traces name a service; the metrics of that service's pods (CPU throttling, usage against the limit,
memory) say why it is slow. Pods are matched to their workload by the Kubernetes naming convention
(`<statefulset>-<ordinal>`, `<deployment>-<replicaset hash>-<suffix>`, `<daemonset>-<suffix>`).
"""
from __future__ import annotations

import re
from typing import Any

from agent.analyzers.observed import observed_findings
from agent.evidence import metric_rows, rises_after, series_rows, trace_leads
from agent.findings import Finding, ToolCall

_LEAD_TOOLS = ("cpu_throttling", "cpu_vs_limit", "memory_vs_limit")
METRIC_WINDOW_MIN = 180  # the metric tools' default window


def traced_by_spans(f: Finding, observations: list[Any]) -> None:
    """The deepest failing (or slowest) service in the traces is a stronger candidate than its callers.

    A rollout of that service whose onset precedes the rise of the errors (or latency) of the traced
    entry service is the change that broke it: the traces say where, the metrics say when.
    """
    if f.affected is None:
        return
    names = (f.affected.name, f.resource.name if f.resource else None)
    for traced, lead in trace_leads(observations):
        if lead.get("service") not in names:
            continue
        f.score = min(0.9, f.score + 0.3)
        f.facts.append(f"traces of {traced}: {lead['evidence']}")
        if f.analyzer == "rollout.recent" and f.onset is not None and traced != f.affected.name:
            rises = rises_after(observations, service=traced, since=f.onset.strftime("%Y-%m-%dT%H:%M:%S"))
            if rises:
                f.score = min(0.9, f.score + 0.2)
                f.facts += [f"after the rollout of {f.affected.name}: {r}" for r in rises[:2]]
        return


def blamed_downstream(f: Finding, observations: list[Any]) -> None:
    """A caller whose traces show the failures originating in another service only reports them."""
    if f.affected is None:
        return
    for traced, lead in trace_leads(observations):
        if lead.get("caller") == f.affected.name or (traced == f.affected.name and not lead.get("dependency")):
            if lead.get("service") not in (f.affected.name, f.resource.name if f.resource else None):
                f.score = round(f.score * 0.5, 3)
                f.against.append(f"traces: the {lead['kind']}s originate in {lead['service']}, downstream of "
                                 f"{f.affected.name} ({lead['evidence']})")
                return


def _elsewhere(focus: dict[str, Any], observations: list[Any]) -> list[str]:
    """Services the traces blame that are not the workload in focus (at most two)."""
    focused = {w.get("name") for w in (focus.get("workloads") or [])[:1]}
    out: list[str] = []
    for _, lead in trace_leads(observations):
        svc = str(lead.get("service") or "")
        if svc and svc not in focused and svc not in out:
            out.append(svc)
    return out[:2]


def follow_leads(focus: dict[str, Any], observations: list[Any]) -> list[ToolCall]:
    """The resource metrics of the pods behind a service the traces blame, in the namespace in focus."""
    workloads = focus.get("workloads") or []
    ns = workloads[0].get("namespace") if workloads else focus.get("namespace")
    if not ns:
        return []
    calls = [ToolCall(tool, {"namespace": ns, "pod_regex": f"{re.escape(svc)}-.*"})
             for svc in _elsewhere(focus, observations) for tool in _LEAD_TOOLS]
    return calls or _wider_traces(workloads[0]["name"] if workloads else None, observations)


def _wider_traces(name: str | None, observations: list[Any]) -> list[ToolCall]:
    """Traces over the metrics' window when the metrics changed and the recent traces alone show no lead:
    the traces from before the change are what the slow ones compare against."""
    traced = [o for o in observations if o["tool"] == "find_traces" and o["args"].get("service") == name]
    if not name or not any(o["status"] == "ok" for o in traced) or trace_leads(observations) \
            or any(int(o["args"].get("minutes") or 0) >= METRIC_WINDOW_MIN for o in traced):
        return []
    changed = any((r.get("change") or {}).get("at") for o in observations
                  if o["tool"] in ("latency_quantile", "error_rate") and o["args"].get("service") == name
                  for r in series_rows(o.get("data")))
    return [ToolCall("find_traces", {"service": name, "minutes": METRIC_WINDOW_MIN})] if changed else []


def _kind_of(name: str, pods: list[str]) -> str | None:
    """The workload kind behind pods named after `name`, by the controllers' naming convention."""
    rest = [p[len(name) + 1:] for p in pods if p.startswith(name + "-")]
    if rest and all(re.fullmatch(r"\d+", r) for r in rest):
        return "StatefulSet"
    if rest and all(re.fullmatch(r"[a-z0-9]{5,10}-[a-z0-9]{5}", r) for r in rest):
        return "Deployment"
    if rest and all(re.fullmatch(r"[a-z0-9]{5}", r) for r in rest):
        return "DaemonSet"
    return None


def lead_findings(focus: dict[str, Any], observations: list[Any]) -> list[Finding]:
    """Resource findings (CPU throttling, say) about the workloads behind the services the traces blame."""
    workloads = focus.get("workloads") or []
    ns = workloads[0].get("namespace") if workloads else focus.get("namespace")
    out: list[Finding] = []
    for svc in _elsewhere(focus, observations):
        pods = sorted({str(r["labels"].get("pod", "")) for tool in _LEAD_TOOLS
                       for r in metric_rows(observations, tool, pod_prefix=svc + "-")})
        kind = _kind_of(svc, pods)
        if kind and ns:
            out += observed_findings({"workloads": [{"kind": kind, "namespace": ns, "name": svc}]}, observations)
    return out
