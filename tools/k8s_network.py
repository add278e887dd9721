"""Traffic paths: a Service's selector, ports, endpoints and Ingresses; which NetworkPolicies select a pod."""
from __future__ import annotations

from typing import Any

from pydantic import Field

from tools.context import ToolContext
from tools.k8s_common import NAME_PATTERN, NamespacedArgs, Obj, labels_of, meta, name_of, selector_matches
from tools.models import ToolResult, ToolStatus

MAX_PODS_LISTED = 8


class ServiceArgs(NamespacedArgs):
    service: str = Field(pattern=NAME_PATTERN, max_length=253, description="Service name")


class NetpolArgs(NamespacedArgs):
    pod: str | None = Field(None, pattern=NAME_PATTERN, description="only the policies that select this pod")


def _near_misses(selector: dict[str, str], pods: list[Obj]) -> list[str]:
    """Pods matching all but one selector key: 'pod x has version=v2 (selector wants v1)'."""
    out = []
    for pod in pods:
        labels = labels_of(pod)
        wrong = [k for k, v in selector.items() if labels.get(k) != v]
        if len(wrong) == 1 and len(selector) > 1 or (len(selector) == 1 and wrong and _similar(selector, labels)):
            k = wrong[0]
            out.append(f"{name_of(pod)} has {k}={labels.get(k, '(missing)')} (selector wants {k}={selector[k]})")
    return out


def _similar(selector: dict[str, str], labels: dict[str, str]) -> bool:
    """A one-key selector 'almost' matches when the value differs only by a suffix/prefix (payment vs payment-v2)."""
    (k, v), = selector.items()
    have = labels.get(k)
    return have is not None and (have.startswith(v) or v.startswith(have))


def _port_checks(svc: Obj, pods: list[Obj]) -> list[str]:
    lines = []
    for sp in (svc.get("spec") or {}).get("ports") or []:
        target = sp.get("targetPort", sp.get("port"))
        found = []
        for pod in pods:
            for c in (pod.get("spec") or {}).get("containers") or []:
                for cp in c.get("ports") or []:
                    if target == cp.get("name") or str(target) == str(cp.get("containerPort")):
                        found.append(f"{c.get('name')}:{cp.get('containerPort')}")
        exposed = sorted({f"{cp.get('containerPort')}" + (f"({cp['name']})" if cp.get("name") else "")
                          for pod in pods for c in (pod.get("spec") or {}).get("containers") or []
                          for cp in c.get("ports") or []})
        verdict = (f"matches container port {sorted(set(found))[0]}" if found
                   else f"MISMATCH: no selected pod exposes {target} (containers expose {', '.join(exposed) or 'nothing'})"
                   if pods else "no selected pods to check")
        lines.append(f"port {sp.get('name', '')} {sp.get('port')}/{sp.get('protocol', 'TCP')} -> targetPort {target}: {verdict}")
    return lines


def _endpoint_lines(ep: Obj | None) -> tuple[list[str], dict[str, int]]:
    if ep is None:
        return ["Endpoints object: missing"], {"ready": 0, "not_ready": 0}
    ready, not_ready = [], []
    for subset in ep.get("subsets") or []:
        for a in subset.get("addresses") or []:
            ready.append(f"{a.get('ip')} ({(a.get('targetRef') or {}).get('name', '?')})")
        for a in subset.get("notReadyAddresses") or []:
            not_ready.append(f"{a.get('ip')} ({(a.get('targetRef') or {}).get('name', '?')})")
    lines = [f"endpoints ready: {len(ready)}" + (f": {', '.join(ready[:MAX_PODS_LISTED])}" if ready else " (NONE)"),
             f"endpoints not ready: {len(not_ready)}" + (f": {', '.join(not_ready[:MAX_PODS_LISTED])}" if not_ready else "")]
    return lines, {"ready": len(ready), "not_ready": len(not_ready)}


def _ingress_lines(ingresses: list[Obj], svc: Obj) -> list[str]:
    ports = {p.get("port") for p in (svc.get("spec") or {}).get("ports") or []} | \
            {p.get("name") for p in (svc.get("spec") or {}).get("ports") or []}
    out = []
    for ing in ingresses:
        for rule in (ing.get("spec") or {}).get("rules") or []:
            for path in ((rule.get("http") or {}).get("paths")) or []:
                backend = (path.get("backend") or {}).get("service") or {}
                if backend.get("name") != name_of(svc):
                    continue
                port = backend.get("port") or {}
                want = port.get("number", port.get("name"))
                ok = "ok" if want in ports else f"MISMATCH: the Service has no port {want}"
                out.append(f"ingress {name_of(ing)} host {rule.get('host', '*')} path {path.get('path', '/')} "
                           f"-> port {want}: {ok}")
    return out


def service_routing(args: ServiceArgs, ctx: ToolContext) -> ToolResult:
    """Service selector vs pod labels (matches and near misses), targetPort vs container ports, endpoints, ingresses."""
    ctx.check_namespace(args.namespace)
    kube, ns = ctx.kube(), args.namespace
    svc = kube.get(f"/api/v1/namespaces/{ns}/services/{args.service}")
    selector = {str(k): str(v) for k, v in ((svc.get("spec") or {}).get("selector") or {}).items()}
    pods = kube.items(f"/api/v1/namespaces/{ns}/pods")
    matching = [p for p in pods if selector and selector_matches({"matchLabels": selector}, labels_of(p))]
    eps = kube.items(f"/api/v1/namespaces/{ns}/endpoints", {"fieldSelector": f"metadata.name={args.service}"})
    ingresses = kube.items(f"/apis/networking.k8s.io/v1/namespaces/{ns}/ingresses")
    spec = svc.get("spec") or {}
    lines = [f"Service {ns}/{args.service}: type {spec.get('type', 'ClusterIP')}, clusterIP {spec.get('clusterIP', '-')}, "
             f"selector {selector or 'none (endpoints managed by hand)'}",
             f"pods matching the selector: {len(matching)}"
             + (f": {', '.join(name_of(p) for p in matching[:MAX_PODS_LISTED])}" if matching else "")]
    near = _near_misses(selector, [p for p in pods if p not in matching]) if selector else []
    lines += [f"almost matching: {n}" for n in near[:MAX_PODS_LISTED]]
    lines += _port_checks(svc, matching)
    ep_lines, ep_counts = _endpoint_lines(eps[0] if eps else None)
    lines += ep_lines
    lines += _ingress_lines(ingresses, svc) or ["no Ingress routes to this Service"]
    data: dict[str, Any] = {"selector": selector, "matching_pods": [name_of(p) for p in matching],
                            "near_misses": near, "endpoints": ep_counts}
    return ToolResult(status=ToolStatus.OK, invocation=kube.invocation, text="\n".join(lines), data=data)


def _peer_text(peer: Obj) -> str:
    if "ipBlock" in peer:
        b = peer["ipBlock"]
        return f"ipBlock {b.get('cidr')}" + (f" except {b['except']}" if b.get("except") else "")
    parts = []
    if "namespaceSelector" in peer:
        parts.append(f"namespaces {(peer['namespaceSelector'] or {}).get('matchLabels') or 'all'}")
    if "podSelector" in peer:
        parts.append(f"pods {(peer['podSelector'] or {}).get('matchLabels') or 'all'}")
    return " & ".join(parts) or "?"


def _rules_text(rules: list[Obj] | None, direction: str) -> str:
    if rules is None or rules == []:
        return f"{direction}: DENY ALL (no rules)"
    out = []
    for r in rules:
        peers = r.get("from" if direction == "ingress" else "to")
        who = "anyone" if not peers else " | ".join(_peer_text(p) for p in peers)
        ports = ", ".join(f"{p.get('port', 'any')}/{p.get('protocol', 'TCP')}" for p in r.get("ports") or []) or "all ports"
        out.append(f"{who} on {ports}")
    return f"{direction} allowed: " + "; ".join(out)


def network_policies(args: NetpolArgs, ctx: ToolContext) -> ToolResult:
    """NetworkPolicies in a namespace (or those selecting one pod), with ingress/egress rules summarised."""
    ctx.check_namespace(args.namespace)
    kube = ctx.kube()
    policies = kube.items(f"/apis/networking.k8s.io/v1/namespaces/{args.namespace}/networkpolicies")
    if args.pod:
        pod = kube.get(f"/api/v1/namespaces/{args.namespace}/pods/{args.pod}")
        policies = [p for p in policies if selector_matches((p.get("spec") or {}).get("podSelector") or {}, labels_of(pod))]
    lines = [f"{len(policies)} NetworkPolicy(ies) in {args.namespace}" + (f" selecting pod {args.pod}" if args.pod else "")]
    for p in policies:
        spec = p.get("spec") or {}
        types = spec.get("policyTypes") or (["Ingress", "Egress"] if "egress" in spec else ["Ingress"])
        lines.append(f"{name_of(p)}: selects pods {(spec.get('podSelector') or {}).get('matchLabels') or 'all'}, "
                     f"types {', '.join(types)}")
        if "Ingress" in types:
            lines.append("  " + _rules_text(spec.get("ingress"), "ingress"))
        if "Egress" in types:
            lines.append("  " + _rules_text(spec.get("egress"), "egress"))
    if not policies:
        lines.append("no policy selects these pods: all traffic is allowed by default")
    data = [{"name": name_of(p), "namespace": meta(p).get("namespace"), "spec": p.get("spec")} for p in policies]
    return ToolResult(status=ToolStatus.OK, invocation=kube.invocation, text="\n".join(lines), data=data)
