"""NetworkPolicy reachability: callers (found by Service addresses in their env) that the policies shut out.

At perceive from the inventory; later from the verdict of the network_reachability tool.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from agent.cluster import ClusterView, Obj, key, ref
from agent.findings import Finding, ToolCall
from agent.state import Observation
from tools.k8s_common import labels_of, selector_matches
from tools.models import ActionName, ObjectRef, ProposedAction
from tools.net_dns import last_change
from tools.net_policy import ALLOWED, DENIED, Verdict, evaluate, target_port

RECENT = timedelta(hours=24)
_HOST = re.compile(r"(?<![\w.-])([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)"
                   r"(?:\.svc(?:\.cluster\.local)?)?(?::(\d+))?(?![\w-])")
_HOW = {True: "extend its from list, or give the namespace the label it selects on",
        False: "add an egress to rule for that namespace and port"}
_LOCAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?([a-z0-9]([-a-z0-9]*[a-z0-9])?):(\d+)(?:/|$)")


@dataclass
class Call:
    caller: Obj  # the top workload
    pod_labels: dict[str, str]
    namespace: str
    service: Obj
    port: int | None
    via: str  # "env FRAUD_URL=http://..."
    pod: str  # one calling pod


def env_values(view: ClusterView, pod: Obj) -> list[tuple[str, str]]:
    """(name, value) of every env var of the pod's containers, ConfigMap-sourced ones included."""
    ns = pod["metadata"].get("namespace")
    out: list[tuple[str, str]] = []
    for c in (pod.get("spec") or {}).get("containers") or []:
        for e in c.get("env") or []:
            if e.get("value"):
                out.append((str(e.get("name")), str(e["value"])))
        for src in c.get("envFrom") or []:
            cm = view.get("ConfigMap", ns, (src.get("configMapRef") or {}).get("name", ""))
            out += [(str(k), str(v)) for k, v in ((cm or {}).get("data") or {}).items()]
    return out


def _called_services(view: ClusterView, pod: Obj) -> list[tuple[Obj, int | None, str]]:
    ns = pod["metadata"].get("namespace")
    found: dict[tuple[str, str | None, str], tuple[Obj, int | None, str]] = {}
    for name, value in env_values(view, pod):
        hits = [(m.group(1), m.group(3), m.group(5)) for m in _HOST.finditer(value)]
        local = _LOCAL.match(value)
        if local:
            hits.append((local.group(1), ns, local.group(3)))
        for svc_name, svc_ns, port in hits:
            svc = view.get("Service", svc_ns, svc_name)
            if svc is not None:
                found.setdefault(key(svc), (svc, int(port) if port else None, f"env {name}={value[:120]}"))
    return list(found.values())


def calls(view: ClusterView) -> list[Call]:
    """Caller -> Service pairs, one per caller workload, read from the addresses configured in its pods."""
    out: dict[tuple[Any, ...], Call] = {}
    for pod in view.objects("Pod"):
        top = view.workload_of(pod)
        for svc, port, via in _called_services(view, pod):
            k = (key(top), key(svc))
            if k not in out and key(top) != key(svc):
                out[k] = Call(top, labels_of(pod), str(pod["metadata"].get("namespace")), svc, port, via,
                              str(pod["metadata"]["name"]))
    return list(out.values())


def _ns_labels(view: ClusterView, namespace: str) -> dict[str, str] | None:
    """The namespace's labels, or None when the inventory does not list Namespaces."""
    ns = view.get("Namespace", None, namespace)
    return None if ns is None else labels_of(ns)


def _denied(view: ClusterView, call: Call) -> Finding | None:
    sel = (call.service.get("spec") or {}).get("selector") or {}
    svc_ns = str(call.service["metadata"].get("namespace"))
    backends = [p for p in view.objects("Pod", svc_ns) if sel and selector_matches({"matchLabels": sel}, labels_of(p))]
    v = evaluate(caller_ns=call.namespace, caller_labels=call.pod_labels, svc=call.service, port=call.port,
                 backends=backends, policies=view.objects("NetworkPolicy"), ns_labels=lambda n: _ns_labels(view, n))
    if v.state == ALLOWED or not v.policies:
        return None
    port = target_port(call.service, call.port, backends[0])[0]
    return _finding(view, call, v, port)


def _peer_text(peer: Obj) -> str:
    bits = [f"{k} {v}" for k, v in (("namespaces", (peer.get("namespaceSelector") or {}).get("matchLabels")),
                                     ("pods", (peer.get("podSelector") or {}).get("matchLabels"))) if v is not None]
    return " and ".join(bits) or "an ipBlock"


def _finding(view: ClusterView, call: Call, v: Verdict, port: Any) -> Finding:
    policies, covering, direction = v.policies, v.covering, v.direction
    blamed = covering[0][0] if covering else policies[0]
    changed = max((t for t in (last_change(p)[0] for p in policies) if t is not None), default=None)
    recent = changed is not None and view.now - changed <= RECENT
    svc, caller = call.service["metadata"], call.caller["metadata"]
    inbound = direction == "Ingress"
    field, peers, isolated = ("ingress", "from", svc["name"]) if inbound else ("egress", "to", caller["name"])
    opens = "; ".join(f"{p['metadata']['name']} opens port {port} {peers} {_peer_text(peer)}"
                      for p, r in covering for peer in r.get(peers) or [])
    known = _ns_labels(view, call.namespace)
    other = (f"namespace {call.namespace} has labels {known}" if inbound and known is not None else
             f"the labels of namespace {call.namespace} are not known yet" if inbound else
             f"Service {svc['namespace']}/{svc['name']}'s pods are not among the allowed destinations")
    facts = [f"{caller['name']} ({call.namespace}) calls Service {svc['namespace']}/{svc['name']} ({call.via})",
             f"{direction} NetworkPolicies selecting {isolated}'s pods: " + ", ".join(
                 p["metadata"]["name"] + ("" if (p.get("spec") or {}).get(field) else f" (denies all {field})")
                 for p in policies),
             f"{'none admits' if v.state == DENIED else 'maybe none admits'} this traffic: {other}; "
             + (opens or f"no rule opens port {port}")]
    if changed is not None:
        facts.append(f"policies last changed {changed.strftime('%Y-%m-%dT%H:%M:%SZ')} "
                     f"({view.age_minutes(changed) or 0:.0f} min ago)")
    fix = (f"admit namespace {call.namespace} in NetworkPolicy {blamed['metadata']['name']} (extend its from "
           "list, or give the namespace the label it selects on)" if inbound else
           f"allow egress to {svc['namespace']}/{svc['name']} port {port} in NetworkPolicy "
           f"{blamed['metadata']['name']} (add a to rule for its namespace and pods)")
    action = ProposedAction(action=ActionName.RECOMMEND_ONLY, target=ref(blamed),
                            rationale=f"if {caller['name']} should reach {svc['name']}, {fix}; NetworkPolicies are "
                                      "not patched by debugbot")
    score = (0.75 if recent else 0.3) if v.state == DENIED else (0.45 if recent else 0.25)
    reach = ToolCall("network_reachability", {"namespace": call.namespace, "pod": call.pod,
                                              "service_namespace": str(svc["namespace"]), "service": str(svc["name"])})
    return Finding("network.policy", "network_policy", ref(blamed), score,
                   f"NetworkPolicy {blamed['metadata']['namespace']}/{blamed['metadata']['name']} "
                   f"{'blocks' if v.state == DENIED else 'may block'} "
                   f"{caller['name']} ({call.namespace}) from reaching {svc['name']}", facts, action=action,
                   affected=ref(call.caller), onset=changed,
                   confirm_with=[reach],
                   data={"caller_namespace": call.namespace, "direction": direction})


def policy_findings(view: ClusterView) -> list[Finding]:
    if not view.objects("NetworkPolicy"):
        return []
    return [f for f in (_denied(view, c) for c in calls(view)) if f is not None]


def policy_confirmed(focus: dict[str, Any], observations: list[Observation]) -> list[Finding]:
    """A reachability check that found the calls of a workload in focus blocked by a NetworkPolicy."""
    focus_pods = {p["name"] for p in focus.get("pods") or []}
    out: list[Finding] = []
    for ob in observations:
        d = ob.get("data")
        if ob["tool"] != "network_reachability" or ob["status"] != "ok" or not isinstance(d, dict) \
                or d.get("state") != "denied" or not d.get("blocking") or d.get("from_pod") not in focus_pods:
            continue
        target, svc = ObjectRef(**d["blocking"]), d["service"]
        facts = [line.strip() for line in ob["text"].splitlines()[:5]]
        caller = (focus.get("workloads") or [{}])[0]
        affected = ObjectRef(**caller) if caller.get("kind") else None
        out.append(Finding("network.policy", "network_policy", target, 0.8,
                           f"NetworkPolicy {target.namespace}/{target.name} blocks {d['from_namespace']} from "
                           f"reaching {svc['namespace']}/{svc['name']} ({d['direction']})", facts,
                           action=ProposedAction(action=ActionName.RECOMMEND_ONLY, target=target, rationale=(
                               f"admit {d['from_namespace']} -> {svc['namespace']}/{svc['name']} in NetworkPolicy "
                               f"{target.name} ({_HOW[d['direction'] == 'Ingress']}); NetworkPolicies are not "
                               "patched by debugbot")), affected=affected))
    return out[:1]
