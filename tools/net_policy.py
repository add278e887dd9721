"""NetworkPolicy reachability from one pod to one Service: ingress at the backends, egress at the caller.

The evaluator is pure (objects in, verdict out) so the perceive-time analyzer and the read tool agree.
Namespace labels may be unknown to a caller (an inventory without Namespaces): then a namespaceSelector
on anything but `kubernetes.io/metadata.name` (set by the API server) gives "unknown", never a guess.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field

from tools.context import ToolContext
from tools.errors import UpstreamError
from tools.k8s_common import NAME_PATTERN, NamespacedArgs, Obj, labels_of, meta, name_of, selector_matches
from tools.models import ToolResult, ToolStatus

NAME_KEY = "kubernetes.io/metadata.name"
NsLabels = Callable[[str], dict[str, str] | None]
ALLOWED, DENIED, UNKNOWN = "allowed", "denied", "unknown"


@dataclass
class Verdict:
    state: str
    direction: str = ""
    policies: list[Obj] = field(default_factory=list)  # the policies isolating that side
    covering: list[tuple[Obj, Obj]] = field(default_factory=list)  # (policy, rule) that open the port


def _ns_match(sel: Obj, namespace: str, ns_labels: NsLabels) -> bool | None:
    labels = ns_labels(namespace)
    if labels is not None:
        return selector_matches(sel, labels | {NAME_KEY: namespace})
    keys = set((sel.get("matchLabels") or {})) | {e.get("key") for e in sel.get("matchExpressions") or []}
    return selector_matches(sel, {NAME_KEY: namespace}) if keys <= {NAME_KEY} else None


def _peer(peer: Obj, *, namespace: str, labels: dict[str, str], policy_ns: str, ns_labels: NsLabels) -> bool | None:
    ns_sel, pod_sel = peer.get("namespaceSelector"), peer.get("podSelector")
    if ns_sel is None and pod_sel is None:
        return False  # an ipBlock: pod addresses are not matched by it here
    pod_ok = pod_sel is None or selector_matches(pod_sel, labels)
    if ns_sel is None:
        return namespace == policy_ns and pod_ok
    ns_ok = _ns_match(ns_sel, namespace, ns_labels)
    return None if ns_ok is None and pod_ok else bool(ns_ok) and pod_ok


def _port_ok(rule: Obj, port: Any, proto: str) -> bool:
    ports = rule.get("ports") or []
    return not ports or any(p.get("port") in (None, port) and p.get("protocol", "TCP") == proto for p in ports)


def isolating(policies: list[Obj], namespace: str, labels: dict[str, str], direction: str) -> list[Obj]:
    """The policies of a namespace that isolate a pod in one direction ("Ingress" or "Egress")."""
    def types(p: Obj) -> list[str]:
        spec = p.get("spec") or {}
        return spec.get("policyTypes") or (["Ingress", "Egress"] if spec.get("egress") else ["Ingress"])
    return [p for p in policies if meta(p).get("namespace") == namespace and direction in types(p)
            and selector_matches((p.get("spec") or {}).get("podSelector") or {}, labels)]


def _side(direction: str, policies: list[Obj], *, port: Any, proto: str, other_ns: str,
          other_labels: dict[str, str], ns_labels: NsLabels) -> Verdict:
    field_, peers = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
    rules = [(p, r) for p in policies for r in (p.get("spec") or {}).get(field_) or [] if _port_ok(r, port, proto)]
    if not policies:
        return Verdict(ALLOWED, direction)
    results = [True if not r.get(peers) else _any(
        [_peer(x, namespace=other_ns, labels=other_labels, policy_ns=str(meta(p).get("namespace")), ns_labels=ns_labels)
         for x in r[peers]]) for p, r in rules]
    state = ALLOWED if True in results else UNKNOWN if None in results else DENIED
    return Verdict(state, direction, policies, rules)


def _any(values: list[bool | None]) -> bool | None:
    return True if True in values else None if None in values else False


def target_port(svc: Obj, port: int | None, backend: Obj) -> tuple[Any, str]:
    """The container port (number when named) and protocol that a Service port sends to."""
    ports = (svc.get("spec") or {}).get("ports") or []
    sp = next((p for p in ports if port is None or p.get("port") == port), ports[0] if ports else {})
    target = sp.get("targetPort", sp.get("port"))
    for c in (backend.get("spec") or {}).get("containers") or []:
        for cp in c.get("ports") or []:
            if target == cp.get("name"):
                return cp.get("containerPort"), str(sp.get("protocol", "TCP"))
    return target, str(sp.get("protocol", "TCP"))


def evaluate(*, caller_ns: str, caller_labels: dict[str, str], svc: Obj, port: int | None, backends: list[Obj],
             policies: list[Obj], ns_labels: NsLabels) -> Verdict:
    """Ingress at the Service's pods and egress at the caller: a side that denies, else one that may, else allowed."""
    if not backends:
        return Verdict(UNKNOWN)
    svc_ns = str(meta(svc).get("namespace"))
    tport, proto = target_port(svc, port, backends[0])
    inbound = _side("Ingress", isolating(policies, svc_ns, labels_of(backends[0]), "Ingress"), port=tport, proto=proto,
                    other_ns=caller_ns, other_labels=caller_labels, ns_labels=ns_labels)
    outbound = _side("Egress", isolating(policies, caller_ns, caller_labels, "Egress"), port=tport, proto=proto,
                     other_ns=svc_ns, other_labels=labels_of(backends[0]), ns_labels=ns_labels)
    for state in (DENIED, UNKNOWN):
        for side in (inbound, outbound):
            if side.state == state:
                return side
    return outbound


class ReachArgs(NamespacedArgs):
    pod: str = Field(pattern=NAME_PATTERN, description="the calling pod (in `namespace`)")
    service_namespace: str = Field(pattern=NAME_PATTERN, description="namespace of the Service called")
    service: str = Field(pattern=NAME_PATTERN, description="the Service called")
    port: int | None = Field(None, ge=1, le=65535, description="Service port (default: its first)")


def network_reachability(args: ReachArgs, ctx: ToolContext) -> ToolResult:
    """Whether NetworkPolicies let one pod reach a Service: ingress policies at the Service's pods, egress
    policies at the caller, with namespace labels read from the API; names the policy that blocks."""
    kube = ctx.kube()
    caller = kube.get(f"/api/v1/namespaces/{args.namespace}/pods/{args.pod}")
    svc = kube.get(f"/api/v1/namespaces/{args.service_namespace}/services/{args.service}")
    sel = (svc.get("spec") or {}).get("selector") or {}
    backends = [p for p in kube.items(f"/api/v1/namespaces/{args.service_namespace}/pods")
                if sel and selector_matches({"matchLabels": sel}, labels_of(p))]
    policies = [p for ns in {args.namespace, args.service_namespace}
                for p in kube.items(f"/apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies")]
    cache: dict[str, dict[str, str] | None] = {}

    def ns_labels(ns: str) -> dict[str, str] | None:
        if ns not in cache:
            try:
                cache[ns] = labels_of(kube.get(f"/api/v1/namespaces/{ns}"))
            except UpstreamError:
                cache[ns] = None
        return cache[ns]

    v = evaluate(caller_ns=args.namespace, caller_labels=labels_of(caller), svc=svc, port=args.port,
                 backends=backends, policies=policies, ns_labels=ns_labels)
    blocked = v.covering[0][0] if v.covering else v.policies[0] if v.policies else None
    text = [f"{args.namespace}/{args.pod} -> Service {args.service_namespace}/{args.service}: {v.state.upper()}"
            + (f" by {v.direction} policies" if v.state != ALLOWED else ""),
            *(f"  {v.direction} policy {name_of(p)}" for p in v.policies),
            *(f"  rule of {name_of(p)} for this port admits: {r.get('from') or r.get('to')}" for p, r in v.covering),
            f"  namespace {args.namespace} labels: {ns_labels(args.namespace)}"]
    data = {"state": v.state, "direction": v.direction, "from_namespace": args.namespace, "from_pod": args.pod,
            "service": {"namespace": args.service_namespace, "name": args.service},
            "policies": [name_of(p) for p in v.policies],
            "blocking": {"kind": "NetworkPolicy", "namespace": meta(blocked).get("namespace"), "name": name_of(blocked)}
            if blocked is not None and v.state == DENIED else None}
    return ToolResult(status=ToolStatus.OK, invocation=kube.invocation, text="\n".join(text), data=data)
