"""Network detectors: at perceive over the cluster view, and later over the tools' observations.

- cluster DNS down (no ready endpoints, crashing DNS pods): confirmed when the pods in focus log
  name-resolution errors; the culprit is the config the DNS pods crash on, else the DNS workload;
- NetworkPolicies that shut out a caller of a Service (netpol.py);
- a node whose network stands out (NIC errors, flaps, retransmits, a saturated link) under the pods in
  focus: the workload that shapes or floods that node's traffic, else the node itself.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from typing import Any

from kubernetes.utils import parse_quantity

from agent.analyzers.netpol import env_values, policy_confirmed, policy_findings
from agent.cluster import ClusterView, Obj, key, parse_time, ref
from agent.evidence import log_signals
from agent.findings import Finding, ToolCall
from agent.state import Observation
from tools.models import ActionName, ObjectRef, ProposedAction
from tools.net_dns import dns_health, is_dns_service, suspect

NODE_HINT = 0.4  # enough to get node_network called for the nodes under the focus, not enough to conclude
FRESH = timedelta(hours=48)
SATURATED = "NIC transmit use of link speed"
_HOSTNAME = re.compile(r"(?:^|//|@)[a-z][-a-z0-9]*(\.[-a-z0-9]+)+(?=[:/]|$)")


def analyze(view: ClusterView) -> list[Finding]:
    return _dns(view) + policy_findings(view) + _node_hints(view)


def observe(focus: dict[str, Any], observations: list[Observation]) -> list[Finding]:
    return (_dns_confirmed(focus, observations) + _node_confirmed(focus, observations)
            + policy_confirmed(focus, observations))


# -- cluster DNS ---------------------------------------------------------------------------------
def _dns(view: ClusterView) -> list[Finding]:
    out = []
    for svc in (s for s in view.objects("Service") if is_dns_service(s)):
        ns = svc["metadata"].get("namespace")
        h = dns_health(svc, endpoints=view.get("Endpoints", ns, svc["metadata"]["name"]),
                       pods=view.objects("Pod", ns), configmaps=view.objects("ConfigMap", ns), now=view.now)
        blame = suspect(h, [])
        if blame is None:
            continue
        facts = [f"cluster DNS Service {ns}/{svc['metadata']['name']} has {h['ready']} ready endpoint(s) "
                 f"({h['not_ready']} not ready)"]
        facts += [f"DNS pod {c['pod']} crash loops: {c['reason']} exit code {c['exit_code']}, restarts {c['restarts']}"
                  for c in h["crashing"][:2]]
        facts += [f"the DNS pods mount ConfigMap {c['namespace']}/{c['name']}, last changed {c['changed_at']}"
                  + (f" by {c['manager']}" if c.get("manager") else "") for c in h["configmaps"]]
        calls = [ToolCall("cluster_dns", {})]
        calls += [ToolCall("pod_logs", {"namespace": ns, "pod": c["pod"], "container": c["container"],
                                        "previous": True, "tail_lines": 300}) for c in h["crashing"][:1]]
        base = Finding("network.dns", "dns_failure", ObjectRef(**blame), 0.9 if h["ready"] == 0 else 0.5,
                       "cluster DNS is down: name resolution fails for every pod", facts,
                       action=_dns_action(blame, [], crashing=h["crashing"]), confirm_with=calls)
        out.append(base)
        out += [replace(base, score=base.score * 0.6, affected=ref(w), facts=[*facts, why],
                        summary=f"{w['kind']} {w['metadata'].get('namespace')}/{w['metadata']['name']} cannot "
                                f"resolve the names it calls: cluster DNS is down")
                for w, why in _resolvers(view, exclude=str(ns))]
    return out


def _resolvers(view: ClusterView, *, exclude: str) -> list[tuple[Obj, str]]:
    """Workloads that look up names through the cluster DNS (ClusterFirst pods with host names in their env)."""
    out: dict[tuple[str, str | None, str], tuple[Obj, str]] = {}
    for pod in view.objects("Pod"):
        spec = pod.get("spec") or {}
        if pod["metadata"].get("namespace") == exclude or spec.get("dnsPolicy") in ("Default", "None") \
                or spec.get("hostNetwork"):
            continue
        for name, value in env_values(view, pod):
            host = _HOSTNAME.search(value)
            if host:
                top = view.workload_of(pod)
                out.setdefault(key(top), (top, f"{top['metadata']['name']} resolves {host.group(0)} (env {name})"))
                break
    return list(out.values())


def _dns_action(blame: dict[str, str], crash_lines: list[str], *, crashing: list[dict[str, Any]]) -> ProposedAction:
    why = f" (the DNS pods exit with: {crash_lines[0]})" if crash_lines else ""
    oom = next((c for c in crashing if c.get("reason") == "OOMKilled" and c.get("memory_limit")), None)
    if oom is not None and blame["kind"] in ("Deployment", "DaemonSet", "StatefulSet"):
        limit = int(parse_quantity(str(oom["memory_limit"])) / 2**20)  # type: ignore[no-untyped-call]
        return ProposedAction(action=ActionName.SET_RESOURCES, target=ObjectRef(**blame),
                              params={"container": oom["container"], "limits": {"memory": f"{2 * limit}Mi"}},
                              rationale=f"the DNS pods are OOMKilled at their {oom['memory_limit']} memory limit")
    if blame["kind"] == "ConfigMap":
        rationale = (f"correct the DNS configuration in ConfigMap {blame['namespace']}/{blame['name']}{why} or "
                     "revert its last edit; the crash-looping DNS pods load it at their next start. Restarting or "
                     "rolling back the DNS workload changes nothing while the ConfigMap is broken")
    else:
        rationale = f"bring {blame['kind']} {blame['namespace']}/{blame['name']} back to ready replicas{why}"
    return ProposedAction(action=ActionName.RECOMMEND_ONLY, target=ObjectRef(**blame), rationale=rationale)


def _observed(observations: list[Observation], tool: str) -> dict[str, Any] | None:
    for ob in reversed(observations):
        if ob["tool"] == tool and ob["status"] == "ok" and isinstance(ob.get("data"), dict):
            return dict(ob["data"])
    return None


def _dns_confirmed(focus: dict[str, Any], observations: list[Observation]) -> list[Finding]:
    dns = _observed(observations, "cluster_dns")
    if dns is None or dns.get("healthy") or not dns.get("suspect"):
        return []
    lookups = [s for p in focus.get("pods") or [] for s in log_signals(observations, pod_prefix=p["name"])
               if s.category == "dns_failure"]
    if not lookups:
        return []
    blame, crash = dns["suspect"], list(dns.get("crash_lines") or [])
    svc = dns["service"]
    facts = [f"the pods in focus fail to resolve names: {lookups[0].line}",
             f"cluster DNS {svc['namespace']}/{svc['name']} ({svc.get('cluster_ip')}) has {dns['ready']} ready "
             f"endpoint(s), {dns['not_ready']} not ready"]
    facts += [f"DNS pod {c['pod']} is in CrashLoopBackOff: exit code {c['exit_code']}, restarts {c['restarts']}"
              for c in dns.get("crashing", [])[:2]]
    facts += [f"last crash log: {line}" for line in crash[:2]]
    facts += [f"ConfigMap {c['namespace']}/{c['name']} (the Corefile they load) last changed {c['changed_at']} "
              f"({c['changed_ago']})" + (f" by {c['manager']}" if c.get("manager") else "")
              for c in dns.get("configmaps", [])]
    target = ObjectRef(**blame)
    return [Finding("network.dns", "dns_failure", target, 0.88,
                    f"cluster DNS is down ({target.kind} {target.namespace}/{target.name}): lookups fail", facts,
                    action=_dns_action(blame, crash, crashing=list(dns.get("crashing") or [])), affected=target)]


# -- node network --------------------------------------------------------------------------------
def _node_hints(view: ClusterView) -> list[Finding]:
    """Nodes whose network deserves a look: their CNI/host-network pod is not ready, NetworkUnavailable
    moved recently, or a host-network NET_ADMIN pod or a batch pod started there recently."""
    why: dict[str, list[str]] = {}
    for pod in view.objects("Pod"):
        node = (pod.get("spec") or {}).get("nodeName")
        reason = _hint(view, pod)
        if node and reason:
            why.setdefault(node, []).append(reason)
    for node in view.objects("Node"):
        for c in (node.get("status") or {}).get("conditions") or []:
            moved = parse_time(c.get("lastTransitionTime"))
            if c.get("type") == "NetworkUnavailable" and moved and view.now - moved <= timedelta(hours=6):
                why.setdefault(node["metadata"]["name"], []).append(
                    f"NetworkUnavailable changed {view.age_minutes(moved) or 0:.0f} min ago ({c.get('reason')})")
    return [Finding("network.node_hint", "network_degradation", ObjectRef(kind="Node", name=node), NODE_HINT,
                    f"the network of node {node} may be degraded", reasons[:4],
                    action=ProposedAction(action=ActionName.RECOMMEND_ONLY,
                                          target=ObjectRef(kind="Node", name=node),
                                          rationale="compare the node's network counters with the other nodes'"),
                    confirm_with=[ToolCall("node_network", {})]) for node, reasons in why.items()]


def _hint(view: ClusterView, pod: Obj) -> str | None:
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    started = parse_time(status.get("startTime"))
    fresh = started is not None and view.now - started <= FRESH
    top = view.workload_of(pod)
    name = f"{top.get('kind')} {top['metadata'].get('namespace')}/{top['metadata']['name']}"
    if spec.get("hostNetwork") and not all(cs.get("ready") for cs in status.get("containerStatuses") or []):
        return f"host-network pod {pod['metadata']['name']} ({name}) is not ready"
    caps = {c for ct in spec.get("containers") or [] for c in
            (((ct.get("securityContext") or {}).get("capabilities") or {}).get("add") or [])}
    if spec.get("hostNetwork") and "NET_ADMIN" in caps and fresh:
        return f"{name} runs with hostNetwork and NET_ADMIN since {status.get('startTime')}"
    if top.get("kind") in ("Job", "CronJob") and status.get("phase") == "Running" and started is not None \
            and view.now - started <= timedelta(hours=2):
        return f"{name} started a pod here at {status.get('startTime')}"
    return None


def _node_confirmed(focus: dict[str, Any], observations: list[Observation]) -> list[Finding]:
    net = _observed(observations, "node_network")
    if net is None or not net.get("outliers"):
        return []
    focus_nodes = {p.get("node") for p in focus.get("pods") or []}
    outliers = [o for o in net["outliers"] if o["node"] in focus_nodes]
    if not outliers:
        return []
    hot = {o["node"] for o in net["outliers"]}
    facts = [f"{o['node']}" + (f" (zone {o['zone']})" if o.get("zone") else "")
             + f": {o['metric']} {o['value']:.3g} vs {o['others']:.3g} on the other nodes"
             + (f" (since {o['since']})" if o.get("since") else "") for o in outliers[:4]]
    facts.append(f"pods in focus on {', '.join(sorted({o['node'] for o in outliers}))}: "
                 + ", ".join(p["name"] for p in focus.get("pods") or [] if p.get("node") in hot))
    victims = {(w.get("kind"), w.get("namespace"), w.get("name")) for w in focus.get("workloads") or []}
    found = _culprit(net, hot, outliers, victims=victims)
    if found is not None:
        category, target, extra, rationale = found
    else:
        node = max(outliers, key=lambda o: o["value"] / max(o["others"], 1e-9))["node"]
        category, target, extra = "network_degradation", ObjectRef(kind="Node", name=node), []
        rationale = (f"cordon and drain {node} so the pods move to healthy nodes, and have its NIC, cable or switch "
                     "port checked; uncordon once its counters are clean. Restarting the workloads does not fix "
                     "the link")
    return [Finding("network.node", category, target, 0.8,
                    f"the network of {', '.join(sorted(hot))} is degraded"
                    + (f" by {target.kind} {target.namespace}/{target.name}" if target.kind != "Node" else ""),
                    facts + extra, action=ProposedAction(action=ActionName.RECOMMEND_ONLY, target=target,
                                                         rationale=rationale), affected=target)]


def _culprit(net: dict[str, Any], hot: set[str], outliers: list[dict[str, Any]], *,
             victims: set[tuple[Any, Any, Any]]) -> tuple[str, ObjectRef, list[str], str] | None:
    """A workload living only on the sick nodes that can shape their traffic, or one flooding their link."""
    for s in net.get("suspects") or []:
        target = ObjectRef(kind=s["kind"], namespace=s["namespace"], name=s["name"])
        where = sorted(set(s.get("all_nodes_of_workload") or s["nodes"]))
        if s.get("net_admin") and set(where) <= hot:
            return ("network_degradation", target,
                    [f"{s['kind']} {s['namespace']}/{s['name']} runs with hostNetwork and NET_ADMIN exactly on "
                     f"{', '.join(where)} (since {s['started_at']}): it can add delay or loss to those nodes' traffic"
                     + (f"; it runs: {s['runs']}" if s.get("runs") else "")],
                    f"stop {s['kind']} {s['namespace']}/{s['name']} (delete it or end the experiment it runs) so "
                    "the nodes' traffic shaping is removed; restarting it would re-apply it")
    saturated = {o["node"] for o in outliers if o["metric"] == SATURATED}
    flooders = [s for s in net.get("suspects") or [] if set(s["hot_nodes"]) & saturated and s.get("tx_bytes_per_s")
                and (s["kind"], s["namespace"], s["name"]) not in victims]
    if flooders:
        s = max(flooders, key=lambda x: x["tx_bytes_per_s"])
        target = ObjectRef(kind=s["kind"], namespace=s["namespace"], name=s["name"])
        return ("resource_contention", target,
                [f"{s['kind']} {s['namespace']}/{s['name']} started {s['started_at']} on "
                 f"{', '.join(sorted(set(s['hot_nodes'])))} and transmits {s['tx_bytes_per_s'] / 1e6:.0f} MB/s, "
                 "saturating the node's link"],
                f"stop or reschedule the current run of {s['name']}, cap its bandwidth and keep it off the nodes of "
                "latency-sensitive workloads (anti-affinity or a nodeSelector)")
    return None

