"""What the trigger points at: words of a /debug command or the labels of an alert, matched to workloads."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agent.cluster import WORKLOAD_KINDS, ClusterView, Obj, key
from agent.findings import Finding

_STOP = {"the", "is", "are", "in", "on", "of", "a", "an", "and", "or", "to", "for", "with", "why", "what",
         "keeps", "keep", "slow", "down", "error", "errors", "timeouts", "timeout", "failing", "fails",
         "broken", "high", "latency", "pods", "pod", "restarting", "crashing", "crash", "not", "working",
         "prod", "production", "please", "check", "look", "at", "service", "api", "app", "since", "after",
         "5xx", "500s", "503s", "504s", "500", "502", "503", "504", "it", "its", "we", "our", "again"}
_LABEL_KEYS = ("deployment", "statefulset", "daemonset", "service", "job_name", "cronjob", "container",
               "workload", "app", "horizontalpodautoscaler", "persistentvolumeclaim", "node", "consumergroup",
               "topic", "queue")


@dataclass
class Focus:
    text: str
    terms: list[str]
    namespace: str | None = None
    pod: str | None = None
    names: list[str] = field(default_factory=list)  # exact names from alert labels
    alertname: str | None = None

    def describe(self) -> str:
        bits = [f"namespace {self.namespace}"] if self.namespace else []
        bits += [f"pod {self.pod}"] if self.pod else []
        bits += [f"names {', '.join(self.names)}"] if self.names else []
        bits += [f"terms {', '.join(self.terms)}"] if self.terms else []
        return "; ".join(bits) or "no hint"


def focus_from_trigger(trigger: dict[str, Any]) -> Focus:
    alert = trigger.get("alert")
    if alert:
        labels = alert.get("labels") or {}
        ann = alert.get("annotations") or {}
        text = f"{labels.get('alertname', '')}: {ann.get('summary', '')} {ann.get('description', '')}".strip()
        names = [str(labels[k]) for k in _LABEL_KEYS if labels.get(k)]
        host = re.sub(r"^\w+://|[:/].*$", "", str(labels.get("instance", "")))
        words = " ".join(names + host.split(".")) or f"{ann.get('summary', '')} {ann.get('description', '')}"
        return Focus(text=text, terms=_terms(words), namespace=labels.get("namespace"),
                     pod=labels.get("pod"), names=names, alertname=labels.get("alertname"))
    text = str(trigger.get("text") or "")
    terms = _terms(text)
    return Focus(text=text, terms=terms)


def _terms(text: str) -> list[str]:
    words = re.findall(r"[a-z0-9][a-z0-9_.-]*", text.lower())
    return [w for w in words if w not in _STOP and len(w) > 1]


def _name_score(name: str, focus: Focus) -> float:
    name = name.lower()
    parts = set(re.split(r"[-_.]", name))
    best = 0.0
    for term in focus.terms + [n.lower() for n in focus.names]:
        if term == name:
            best = max(best, 1.0)
        elif term in parts or (len(term) > 3 and term in name):
            best = max(best, 0.8)
        elif len(term) > 4 and any(p.startswith(term.rstrip("s")[:6]) for p in parts if len(p) > 3):
            best = max(best, 0.5)  # "reports" ~ "reporting", "payments" ~ "payment"
    return best


def focus_workloads(view: ClusterView, focus: Focus) -> list[Obj]:
    """Workloads (and Services) the trigger names, best first; may be empty."""
    scored: list[tuple[float, Obj]] = []
    if focus.pod and focus.namespace:
        pod = view.get("Pod", focus.namespace, focus.pod)
        if pod is not None:
            scored.append((2.0, view.workload_of(pod)))
    for namespace in (focus.namespace, None):  # an alert's namespace may be the monitoring stack's own
        for kind in WORKLOAD_KINDS + ("Service", "HorizontalPodAutoscaler"):
            for obj in view.objects(kind, namespace):
                s = _name_score(obj["metadata"]["name"], focus)
                if obj["metadata"].get("namespace") in focus.terms:
                    s += 0.1
                if s > 0:
                    scored.append((s + (0.05 if kind == "Deployment" else 0.0), _as_workload(view, obj)))
        if scored:
            break
    seen: set[tuple[str, str | None, str]] = set()
    out: list[Obj] = []
    for _, obj in sorted(scored, key=lambda t: t[0], reverse=True):
        if key(obj) not in seen:
            seen.add(key(obj))
            out.append(obj)
    return out


def _as_workload(view: ClusterView, obj: Obj) -> Obj:
    """An HPA stands for the workload it scales."""
    if obj.get("kind") != "HorizontalPodAutoscaler":
        return obj
    target = (obj.get("spec") or {}).get("scaleTargetRef") or {}
    found = view.get(target.get("kind", ""), obj["metadata"].get("namespace"), target.get("name", ""))
    return found or obj


def relevance(view: ClusterView, finding: Finding, focus: Focus, focused: list[Obj]) -> float:
    """How much a finding concerns what the on-call asked about: 1 (the named workload) .. 0.3 (elsewhere)."""
    refs = [r for r in (finding.affected, finding.resource) if r is not None]
    names = {(o.get("kind"), o["metadata"].get("namespace"), o["metadata"]["name"]) for o in focused[:3]}
    for r in refs:
        if (r.kind, r.namespace, r.name) in names:
            return 1.0
    for r in refs:
        if _name_score(r.name, focus) > 0:
            return 0.9
    if finding.resource is not None and finding.resource.kind == "Node" and focused:
        nodes = {(p.get("spec") or {}).get("nodeName") for o in focused[:3] for p in view.pods_of(o)}
        if finding.resource.name in nodes:
            return 0.85
    ns = focused[0]["metadata"].get("namespace") if focused else focus.namespace
    if any(r.namespace and (r.namespace == ns or r.namespace in focus.terms) for r in refs):
        return 0.6
    return 0.4 if not focused else 0.3
