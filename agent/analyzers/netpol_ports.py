"""NetworkPolicy ingress rules that name a port the pods they select do not have: the rule admits nothing.

A named port in a policy rule resolves against the container ports of the selected pods. When a policy
set (a baseline, a chart) opens 'https' but the pods name their port 'grpc-tls', the allow rule matches
no port; with a default-deny beside it every caller's connection is dropped and times out, while the
pods themselves stay Ready and log nothing. The fix is the port in the policy (the name the pods use, or
the number); rolling back or restarting the pods changes nothing.
"""
from __future__ import annotations

from datetime import timedelta

from agent.cluster import ClusterView, Obj, ref
from agent.findings import Finding
from tools.k8s_common import labels_of, selector_matches
from tools.models import ActionName, ProposedAction
from tools.net_dns import last_change
from tools.net_policy import isolating

RECENT = timedelta(hours=24)


def analyze(view: ClusterView) -> list[Finding]:
    out: list[Finding] = []
    for pol in view.objects("NetworkPolicy"):
        out += _dead_named_ports(view, pol)
    return out


def _container_ports(pod: Obj) -> dict[str, int]:
    return {str(cp["name"]): int(cp.get("containerPort") or 0)
            for c in (pod.get("spec") or {}).get("containers") or [] for cp in c.get("ports") or [] if cp.get("name")}


def _served_port(view: ClusterView, pod: Obj) -> tuple[str, int] | None:
    """(name, number) of the container port a Service sends to, for a pod some Service selects."""
    ns, named = pod["metadata"].get("namespace"), _container_ports(pod)
    for svc in view.objects("Service", ns):
        sel = (svc.get("spec") or {}).get("selector") or {}
        if not sel or not selector_matches({"matchLabels": sel}, labels_of(pod)):
            continue
        for sp in (svc.get("spec") or {}).get("ports") or []:
            target = sp.get("targetPort", sp.get("port"))
            for name, number in named.items():
                if target in (name, number):
                    return name, number
    return None


def _dead_named_ports(view: ClusterView, pol: Obj) -> list[Finding]:
    ns = pol["metadata"].get("namespace")
    pods = [p for p in view.objects("Pod", ns)
            if selector_matches((pol.get("spec") or {}).get("podSelector") or {}, labels_of(p))]
    if not pods:
        return []
    pod = pods[0]
    named = _container_ports(pod)
    dead = [(i, str(p["port"])) for i, r in enumerate((pol.get("spec") or {}).get("ingress") or [])
            for p in r.get("ports") or [] if isinstance(p.get("port"), str) and p["port"] not in named]
    served = _served_port(view, pod)
    if not dead or served is None or not isolating(view.objects("NetworkPolicy"), str(ns), labels_of(pod), "Ingress"):
        return []
    changed = last_change(pol)[0]
    recent = changed is not None and view.now - changed <= RECENT
    wl = view.workload_of(pod)
    rule, port = dead[0]
    facts = [f"NetworkPolicy {ns}/{pol['metadata']['name']} ingress rule {rule} opens named port '{port}', but the "
             f"pods it selects ({pod['metadata']['name']}, ...) name their ports {sorted(named) or 'nothing'}: the "
             f"rule matches no port and admits nothing",
             f"the Service in front of {wl['metadata']['name']} sends to port '{served[0]}' ({served[1]}), and "
             f"ingress to these pods is isolated, so its callers' connections are dropped (they time out)"]
    if changed is not None:
        facts.append(f"the policy was written {changed:%Y-%m-%dT%H:%M:%SZ} ({view.age_minutes(changed) or 0:.0f} "
                     f"min ago)")
    action = ProposedAction(action=ActionName.RECOMMEND_ONLY, target=ref(pol), rationale=(
        f"in NetworkPolicy {ns}/{pol['metadata']['name']}, change port '{port}' to '{served[0]}' (or {served[1]}), "
        f"the port its pods serve on; rolling back or restarting {wl['metadata']['name']} changes nothing"))
    return [Finding("network.named_port", "network_policy", ref(pol), 0.8 if recent else 0.45,
                    f"NetworkPolicy {ns}/{pol['metadata']['name']} opens port '{port}', which "
                    f"{wl['metadata']['name']}'s pods do not have: its callers are cut off", facts, action=action,
                    affected=ref(wl), onset=changed)]
