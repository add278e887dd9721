"""A node-local DNS cache DaemonSet whose nodeSelector leaves nodes uncovered: pods there time out on its address.

With NodeLocal DNSCache, kubelet points every pod's resolver at a link-local address served by a
host-network DaemonSet on each node. When that DaemonSet gains a nodeSelector (a chart upgrade, an edit),
its pods leave the other nodes, and every pod scheduled there times out on lookups while the cluster DNS
Deployment is healthy. The fix is the DaemonSet's nodeSelector (drop the keys that exclude nodes), not
restarting or scaling the cluster DNS. Confirmed when the pods in focus log lookup timeouts on that address.
"""
from __future__ import annotations

import re
from typing import Any

from agent.cluster import ClusterView, Obj, ref
from agent.evidence import log_signals
from agent.findings import Finding, ToolCall
from tools.models import ActionName, ProposedAction

_LINK_LOCAL = re.compile(r"\b169\.254\.\d{1,3}\.\d{1,3}\b")


def analyze(view: ClusterView) -> list[Finding]:
    out: list[Finding] = []
    for ds in view.objects("DaemonSet"):
        out += _uncovered(view, ds)
    return out


def cache_address(ds: Obj) -> str | None:
    """The link-local address a host-network DNS DaemonSet serves (its args or probes name it), else None."""
    spec = ((ds.get("spec") or {}).get("template") or {}).get("spec") or {}
    if not spec.get("hostNetwork"):
        return None
    for c in spec.get("containers") or []:
        if not any(p.get("containerPort") == 53 for p in c.get("ports") or []):
            continue
        m = _LINK_LOCAL.search(" ".join(str(a) for a in (c.get("args") or []) + (c.get("command") or [])))
        if m:
            return m.group(0)
    return None


def _uncovered(view: ClusterView, ds: Obj) -> list[Finding]:
    address = cache_address(ds)
    selector = (((ds.get("spec") or {}).get("template") or {}).get("spec") or {}).get("nodeSelector") or {}
    if address is None or not selector:
        return []
    nodes = [n for n in view.objects("Node") if not (n.get("spec") or {}).get("unschedulable")]
    left_out = {n["metadata"]["name"]: n for n in nodes
                if any((n["metadata"].get("labels") or {}).get(k) != v for k, v in selector.items())}
    victims = [p for p in view.objects("Pod") if (p.get("spec") or {}).get("nodeName") in left_out
               and not (p.get("spec") or {}).get("hostNetwork")
               and (p.get("spec") or {}).get("dnsPolicy", "ClusterFirst") == "ClusterFirst"
               and p["metadata"].get("namespace") != ds["metadata"].get("namespace")]
    if not victims:
        return []
    keys = sorted(k for k in selector if any((n["metadata"].get("labels") or {}).get(k) != selector[k]
                                             for n in left_out.values()))
    facts = [f"DaemonSet {ref(ds).namespace}/{ref(ds).name} serves the node-local DNS address {address} "
             f"(hostNetwork, port 53) but its nodeSelector {selector} leaves {len(left_out)} of {len(nodes)} "
             f"nodes without it: {', '.join(sorted(left_out))}",
             f"{len(victims)} pod(s) resolve through {address} on those nodes, e.g. "
             + ", ".join(f"{p['metadata'].get('namespace')}/{p['metadata']['name']}" for p in victims[:3])]
    patch = {"spec": {"template": {"spec": {"nodeSelector": {k: None for k in keys}}}}}
    action = ProposedAction(action=ActionName.PATCH_RESOURCE, target=ref(ds), params={"patch": patch},
                            rationale=f"drop nodeSelector {', '.join(keys)} so the DNS cache runs on every node "
                                      f"again; restarting or scaling the cluster DNS cannot help, the pods' "
                                      f"resolver {address} has nothing behind it on those nodes")
    out = []
    for wl in _workloads(view, victims):
        pod = next(p for p in victims if view.workload_of(p) is wl)
        out.append(Finding("network.nodelocal", "dns_failure", ref(ds), 0.5,
                           f"the node-local DNS cache {ref(ds).name} no longer runs on {len(left_out)} node(s): "
                           f"lookups from pods there time out", list(facts), action=action, affected=ref(wl),
                           confirm_with=[ToolCall("pod_logs", {"namespace": pod["metadata"].get("namespace"),
                                                               "pod": pod["metadata"]["name"], "tail_lines": 200})],
                           data={"address": address}))
    return out


def _workloads(view: ClusterView, pods: list[Obj]) -> list[Obj]:
    seen: dict[str, Obj] = {}
    for p in pods:
        wl = view.workload_of(p)
        seen.setdefault(f"{wl['kind']}/{wl['metadata'].get('namespace')}/{wl['metadata']['name']}", wl)
    return list(seen.values())


def confirm(f: Finding, observations: list[Any]) -> None:
    """Confirmed when the affected pods log lookups timing out on the cache's own address."""
    if f.affected is None:
        return
    address = str(f.data.get("address") or "")
    hits = [s for s in log_signals(observations, pod_prefix=f.affected.name + "-")
            if s.category == "dns_failure" and address and address in s.line]
    if hits:
        f.score = 0.88
        f.facts.append(f"{f.affected.name} logs lookups failing on {address}: {hits[0].line}")
