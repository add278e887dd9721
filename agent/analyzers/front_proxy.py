"""A proxy container in front of the app (the one the Service sends to) throttled at its CPU limit.

When a sidecar (TLS termination, auth, a mesh proxy) owns the port the Service targets, every request
passes it. Throttled at its own small CPU limit, it queues requests while the app container idles and the
app's own latency histogram (time inside the app) stays flat. The fix is that container's CPU, not the app's.
Confirmed by the throttling metrics: the front container throttled, the others not.
"""
from __future__ import annotations

from typing import Any

from kubernetes.utils import parse_quantity

from agent.cluster import ClusterView, Obj, ref
from agent.evidence import metric_rows
from agent.findings import Finding, ToolCall
from tools.k8s_common import labels_of, selector_matches
from tools.models import ActionName, ProposedAction

HINT = 0.1
THROTTLED = 0.5  # half of its CFS periods throttled: requests wait on the proxy


def analyze(view: ClusterView) -> list[Finding]:
    out: list[Finding] = []
    for wl in view.objects("Deployment") + view.objects("StatefulSet"):
        out += _front(view, wl)
    return out


def front_container(view: ClusterView, wl: Obj) -> Obj | None:
    """The non-first container that owns the port a Service of the workload targets, if the pod has several."""
    spec = ((wl.get("spec") or {}).get("template") or {}).get("spec") or {}
    containers = spec.get("containers") or []
    labels = ((wl.get("spec") or {}).get("template") or {}).get("metadata", {}).get("labels") or {}
    if len(containers) < 2:
        return None
    for svc in view.objects("Service", wl["metadata"].get("namespace")):
        sel = (svc.get("spec") or {}).get("selector") or {}
        if not sel or not selector_matches({"matchLabels": sel}, labels):
            continue
        targets = {sp.get("targetPort", sp.get("port")) for sp in (svc.get("spec") or {}).get("ports") or []}
        for c in containers[1:]:
            if any(cp.get("name") in targets or cp.get("containerPort") in targets for cp in c.get("ports") or []):
                return dict(c)
    return None


def _front(view: ClusterView, wl: Obj) -> list[Finding]:
    c = front_container(view, wl)
    limit = ((c or {}).get("resources") or {}).get("limits", {}).get("cpu") if c else None
    if c is None or not limit:
        return []
    name = wl["metadata"]["name"]
    return [Finding("cpu.front_proxy", "cpu_saturation", ref(wl), HINT,
                    f"{ref(wl).label()}: its front container {c['name']} is throttled at its CPU limit",
                    [f"the Service of {name} sends to container {c['name']} (CPU limit {limit}); every request "
                     f"passes it before the app"], affected=ref(wl),
                    action=ProposedAction(action=ActionName.RECOMMEND_ONLY, target=ref(wl),
                                          rationale=f"check the CPU of {c['name']}"),
                    confirm_with=[ToolCall("cpu_throttling", {"namespace": wl["metadata"].get("namespace"),
                                                              "pod_regex": f"{name}-.*"})],
                    data={"container": c["name"], "cpu_limit": str(limit),
                          "cpu_request": str(((c.get("resources") or {}).get("requests") or {}).get("cpu") or "")})]


def _millicores(q: str) -> int:
    return int(float(parse_quantity(q)) * 1000)  # type: ignore[no-untyped-call]


def confirm(f: Finding, observations: list[Any]) -> None:
    """Confirmed when the front container is throttled in most periods and the app container is not."""
    if f.affected is None:
        return
    rows = metric_rows(observations, "cpu_throttling", pod_prefix=f.affected.name + "-")
    share = {str(r["labels"].get("container")): max(float(r.get("current") or 0), float(r.get("baseline") or 0))
             for r in rows}
    front = str(f.data.get("container"))
    if share.get(front, 0.0) < THROTTLED or any(v >= THROTTLED / 2 for k, v in share.items() if k != front):
        return
    limit = _millicores(str(f.data["cpu_limit"]))
    new = max(2 * limit, 500)
    f.score = 0.85
    f.facts.append(f"{front} is throttled in {share[front]:.0%} of its CFS periods at its {limit}m limit while the "
                   f"other containers are not: requests queue in {front}; the app's own latency histogram does not "
                   f"include that wait")
    params: dict[str, Any] = {"container": front, "limits": {"cpu": f"{new}m"}}
    f.action = ProposedAction(action=ActionName.SET_RESOURCES, target=f.affected, params=params, rationale=(
        f"raise the CPU limit of the {front} container from {limit}m to {new}m: it is throttled in "
        f"{share[front]:.0%} of its periods; raising the app container's CPU changes nothing"))
