"""Traffic-path detectors: Service selectors and ports vs pods, empty Endpoints, workloads scaled to zero."""
from __future__ import annotations

from typing import Any

from agent.cluster import ClusterView, Obj, event_last_seen, ref
from agent.findings import Finding, ToolCall
from tools.models import ActionName, ProposedAction


def analyze(view: ClusterView) -> list[Finding]:
    out: list[Finding] = []
    for svc in view.objects("Service"):
        out += _service(view, svc)
    for dep in view.objects("Deployment") + view.objects("StatefulSet"):
        out += _scaled_to_zero(view, dep)
    return out


def _matches(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


def _service(view: ClusterView, svc: Obj) -> list[Finding]:
    sel = (svc.get("spec") or {}).get("selector") or {}
    if not sel:
        return []
    ns = svc["metadata"].get("namespace")
    pods = [p for p in view.objects("Pod", ns) if (p.get("status") or {}).get("phase") == "Running"]
    matched = [p for p in pods if _matches(sel, p["metadata"].get("labels") or {})]
    call = ToolCall("service_routing", {"namespace": ns, "service": svc["metadata"]["name"]})
    if not matched:
        if any(_matches(sel, _template_labels(w)) for w in _workloads(view, ns)):
            return []  # a workload would match: its pods are missing (scaled to zero, crashing), not the selector
        intended = _intended_backend(view, svc, sel)
        if intended is None:
            return []
        wl, change = intended
        fixed = {k: v for k, v in {**sel, **change}.items() if v is not None}
        facts = [f"Service {ns}/{svc['metadata']['name']} selects {sel} but no running pod has those labels",
                 f"{wl['kind']} {wl['metadata']['name']} labels its pods {_template_labels(wl)}",
                 f"Endpoints {svc['metadata']['name']} has no ready addresses",
                 f"selector {fixed} matches the pods of {wl['metadata']['name']} and no other workload"]
        action = ProposedAction(action=ActionName.PATCH_RESOURCE, target=ref(svc),
                                params={"patch": {"spec": {"selector": change}}},
                                rationale=f"point the Service selector at the labels of {wl['metadata']['name']}'s "
                                          f"pods: {fixed} (keys set to null are removed)")
        return [Finding("routing.selector", "service_routing", ref(svc), 0.85,
                        f"Service {svc['metadata']['name']} selects no pods (selector mismatch)", facts,
                        action=action, affected=ref(wl), confirm_with=[call])]
    return _port_mismatch(view, svc, matched, call)


def _template_labels(wl: Obj) -> dict[str, str]:
    return dict((((wl.get("spec") or {}).get("template") or {}).get("metadata") or {}).get("labels") or {})


def _workloads(view: ClusterView, ns: str | None) -> list[Obj]:
    return [w for k in ("Deployment", "StatefulSet", "DaemonSet") for w in view.objects(k, ns)]


def _selector_change(sel: dict[str, str], labels: dict[str, str], wl: Obj,
                     values: set[str]) -> dict[str, str | None]:
    """The merge-patch of the selector that makes it select `labels`: keys the pods lack become null."""
    change: dict[str, str | None] = {k: labels.get(k) for k, v in sel.items() if labels.get(k) != v}
    change.update({k: v for k, v in labels.items() if v in values and sel.get(k) != v})
    if all(v is None for v in change.values()) and len(change) == len(sel):
        own = (((wl.get("spec") or {}).get("selector") or {}).get("matchLabels") or {})
        change.update({k: v for k, v in own.items() if k in labels})
    return change


def _intended_backend(view: ClusterView, svc: Obj, sel: dict[str, str]) -> tuple[Obj, dict[str, str | None]] | None:
    """The workload the Service was meant to reach, and the selector edit that reaches only its pods.

    Meant: the workload named like the Service, or whose pod labels carry one of the selector's values under
    another key (app=x where the selector says app.kubernetes.io/name=x). Never a workload that only shares
    the selector's key with another value: that is someone else's backend.
    """
    ns, name = svc["metadata"].get("namespace"), svc["metadata"]["name"]
    values = set(sel.values()) | {name}
    ranked: list[tuple[tuple[bool, int], Obj, dict[str, str | None]]] = []
    workloads = _workloads(view, ns)
    for wl in workloads:
        labels = _template_labels(wl)
        hits = [k for k, v in labels.items() if v in values]
        named = wl["metadata"]["name"] == name
        if not labels or not (named or hits):
            continue
        change = _selector_change(sel, labels, wl, values)
        fixed = {k: v for k, v in {**sel, **change}.items() if v is not None}
        if not fixed or not _matches(fixed, labels):
            continue
        if any(_matches(fixed, _template_labels(o)) for o in workloads if o is not wl):
            continue
        ranked.append(((named, len(hits)), wl, change))
    if not ranked:
        return None
    _, wl, change = max(ranked, key=lambda r: r[0])
    return wl, change


def _container_ports(pod: Obj) -> dict[str | int, int]:
    ports: dict[str | int, int] = {}
    for c in (pod.get("spec") or {}).get("containers") or []:
        for p in c.get("ports") or []:
            ports[p["containerPort"]] = p["containerPort"]
            if p.get("name"):
                ports[p["name"]] = p["containerPort"]
    return ports


def _port_list(ports: dict[str | int, int]) -> str:
    named = {v: k for k, v in ports.items() if isinstance(k, str)}
    return ", ".join(f"{named[v]}={v}" if v in named else str(v) for v in sorted(set(ports.values())))


def _intended_port(sp: dict[str, Any], ports: dict[str | int, int], all_ports: list[dict[str, Any]]) -> int | None:
    """The container port a Service port was meant to reach: the one of the same name, else the only one no
    other port of the Service targets, else the one numbered like the Service port; several are no guess."""
    name = sp.get("name")
    if isinstance(name, str) and name in ports:
        return ports[name]
    taken = {ports.get(t) for p in all_ports if p is not sp and isinstance(t := p.get("targetPort", p.get("port")),
                                                                          (str, int))}
    free = sorted(set(ports.values()) - taken)
    if len(free) == 1:
        return free[0]
    port = sp.get("port")
    return port if isinstance(port, int) and port in free else None


def _port_mismatch(view: ClusterView, svc: Obj, pods: list[Obj], call: ToolCall) -> list[Finding]:
    ports = _container_ports(pods[0])
    if not ports:
        return []
    out: list[Finding] = []
    for i, sp in enumerate((svc.get("spec") or {}).get("ports") or []):
        target = sp.get("targetPort", sp.get("port"))
        if target in ports:
            continue
        port = _intended_port(sp, ports, svc["spec"]["ports"])
        if port is None:
            continue
        fixed = [dict(p) for p in svc["spec"]["ports"]]
        fixed[i]["targetPort"] = port
        facts = [f"Service {svc['metadata']['name']} port {sp.get('port')} targets {target}, "
                 f"but the pods listen on {port} (their ports: {_port_list(ports)})",
                 f"nothing listens on {target}: connections to it are refused (ingress 502)"]
        action = ProposedAction(action=ActionName.PATCH_RESOURCE, target=ref(svc),
                                params={"patch": {"spec": {"ports": fixed}}},
                                rationale=f"send traffic to the port the pods listen on ({port})")
        out.append(Finding("routing.port", "service_routing", ref(svc), 0.8,
                           f"Service {svc['metadata']['name']} targets a port no pod listens on", facts,
                           action=action, affected=ref(view.workload_of(pods[0])), confirm_with=[call]))
    return out


def _desired_before(view: ClusterView, wl: Obj) -> int:
    """The replica count the newest ReplicaSet was last asked for (kept when the Deployment went to zero)."""
    if wl.get("kind") != "Deployment":
        return 0
    for rs in view.replicasets_of(wl)[:1]:
        try:
            return int((rs["metadata"].get("annotations") or {}).get("deployment.kubernetes.io/desired-replicas", 0))
        except ValueError:
            return 0
    return 0


def _hand_scaled(wl: Obj) -> str:
    """Who last wrote spec.replicas through the scale subresource (kubectl scale, a script), as a fact; else ''."""
    for mf in wl["metadata"].get("managedFields") or []:
        spec = (mf.get("fieldsV1") or {}).get("f:spec") or {}
        if mf.get("subresource") == "scale" and "f:replicas" in spec:
            return f"managedFields: {mf.get('manager')} set spec.replicas through the scale subresource at " \
                   f"{mf.get('time')} (a hand-run scale, not a rollout)"
    return ""


def replicas_query(wl: Obj) -> ToolCall:
    """The most replicas kube-state-metrics saw for the workload over the last day: the count to restore."""
    ns, name = wl["metadata"].get("namespace"), wl["metadata"]["name"]
    label = "deployment" if wl["kind"] == "Deployment" else "statefulset"
    metric = "kube_deployment_spec_replicas" if wl["kind"] == "Deployment" else "kube_statefulset_replicas"
    return ToolCall("promql", {"query": f'max_over_time({metric}{{namespace="{ns}",{label}="{name}"}}[1d])'})


def _scaled_to_zero(view: ClusterView, wl: Obj) -> list[Finding]:
    if (wl.get("spec") or {}).get("replicas", 1) != 0:
        return []
    ns, name = wl["metadata"].get("namespace"), wl["metadata"]["name"]
    before = 0
    for ev in view.events_for(wl, include_children=False):
        msg = ev.get("message", "")
        if ev.get("reason") == "ScalingReplicaSet" and " to 0 from " in msg:
            before = int(msg.rsplit(" from ", 1)[1].split()[0])
            facts = [f"{wl['kind']} {ns}/{name} has spec.replicas 0: '{msg}' at "
                     f"{event_last_seen(ev):%Y-%m-%d %H:%M}Z"]
            break
    else:
        facts = [f"{wl['kind']} {ns}/{name} has spec.replicas 0 and no pods"]
    served = any(_matches((s.get("spec") or {}).get("selector") or {"-": "-"},
                          ((wl.get("spec") or {}).get("template") or {}).get("metadata", {}).get("labels") or {})
                 for s in view.objects("Service", ns))
    hand = _hand_scaled(wl)
    if not served and not before and not hand:
        return []
    facts += [hand] if hand else []
    replicas = before or _desired_before(view, wl) or 2
    action = ProposedAction(action=ActionName.SCALE_WORKLOAD, target=ref(wl), params={"replicas": replicas},
                            rationale=f"restore the {replicas} replicas it ran before")
    return [Finding("routing.zero", "scaled_to_zero", ref(wl), 0.75 if served or hand else 0.6,
                    f"{wl['kind']} {name} is scaled to zero", facts, action=action, affected=ref(wl),
                    confirm_with=[] if before else [replicas_query(wl)], data={"known_count": bool(before)})]
