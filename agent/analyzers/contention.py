"""Contention: a batch pod that started recently and shares a volume or a node's CPU with a suffering service."""
from __future__ import annotations

from agent.cluster import ClusterView, Obj, key, parse_time, ref
from agent.findings import Finding, ToolCall
from tools.models import ActionName, ProposedAction

WINDOW_MIN = 120.0
_BATCH = ("Job", "CronJob")


def _claims(pod: Obj) -> set[str]:
    return {v["persistentVolumeClaim"]["claimName"] for v in (pod.get("spec") or {}).get("volumes") or []
            if v.get("persistentVolumeClaim")}


def analyze(view: ClusterView) -> list[Finding]:
    out: list[Finding] = []
    running = [p for p in view.objects("Pod") if (p.get("status") or {}).get("phase") == "Running"]
    for batch in running:
        top = view.workload_of(batch)
        if top.get("kind") not in _BATCH:
            continue
        started = parse_time((batch.get("status") or {}).get("startTime"))
        age = view.age_minutes(started)
        if age is None or age > WINDOW_MIN:
            continue
        out += _neighbours(view, batch, top, running, age)
        out += _node_neighbours(view, batch, top, running)
    return out


def _unbounded_cpu(pod: Obj) -> bool:
    """A container with no CPU limit may take every idle core of its node."""
    return any("cpu" not in ((c.get("resources") or {}).get("limits") or {})
               for c in (pod.get("spec") or {}).get("containers") or [])


def _node_neighbours(view: ClusterView, batch: Obj, top: Obj, running: list[Obj]) -> list[Finding]:
    """Services with a pod on the node where a CPU-hungry batch pod (no CPU limit) just started."""
    node = (batch.get("spec") or {}).get("nodeName")
    started = (batch.get("status") or {}).get("startTime")
    if not node or not _unbounded_cpu(batch):
        return []
    out: list[Finding] = []
    seen: set[tuple[str, str | None, str]] = set()
    for pod in running:
        other = view.workload_of(pod)
        if (pod.get("spec") or {}).get("nodeName") != node or other.get("kind") in _BATCH or key(other) in seen:
            continue
        seen.add(key(other))
        facts = [f"{top['kind']} {top['metadata'].get('namespace')}/{top['metadata']['name']} started pod "
                 f"{batch['metadata']['name']} at {started} on node {node}, with no CPU limit",
                 f"{pod['metadata']['name']} of {other['metadata']['name']} runs on the same node {node}"]
        action = ProposedAction(action=ActionName.RECOMMEND_ONLY, target=ref(top),
                                rationale=f"move {top['metadata']['name']} to a batch node pool or give it a CPU "
                                          f"limit (or fewer workers); give {other['metadata']['name']} CPU requests "
                                          "that match its real use so the scheduler and CPU shares protect it")
        out.append(Finding("contention.node", "resource_contention", ref(top), 0.4,
                           f"{top['kind']} {top['metadata']['name']} takes the CPU of node {node} from "
                           f"{other['metadata']['name']}", facts, action=action, affected=ref(other),
                           onset=parse_time(started), data={"node": node, "pod": pod["metadata"]["name"]}))
    return out


def _neighbours(view: ClusterView, batch: Obj, top: Obj, running: list[Obj], age: float) -> list[Finding]:
    ns, node = batch["metadata"].get("namespace"), (batch.get("spec") or {}).get("nodeName")
    claims = _claims(batch)
    victims: dict[tuple[str, str | None, str], tuple[Obj, list[str]]] = {}
    for pod in running:
        other = view.workload_of(pod)
        if key(other) == key(top) or other.get("kind") in _BATCH:
            continue
        shared = sorted(claims & _claims(pod)) if pod["metadata"].get("namespace") == ns else []
        if not shared:
            continue
        why = [f"{batch['metadata']['name']} and {pod['metadata']['name']} mount the same PVC {', '.join(shared)}"
               + (" on the same node " + str(node) if (pod.get("spec") or {}).get("nodeName") == node else "")]
        victims.setdefault(key(other), (other, []))[1].extend(why)
    out: list[Finding] = []
    for other, why in victims.values():
        facts = [f"{top['kind']} {top['metadata']['name']} started pod {batch['metadata']['name']} "
                 f"{age:.0f} min ago (at {(batch.get('status') or {}).get('startTime')})"] + why[:3]
        schedule = (top.get("spec") or {}).get("schedule")
        if schedule:
            facts.append(f"{top['metadata']['name']} runs on schedule '{schedule}'")
        action = ProposedAction(action=ActionName.RECOMMEND_ONLY, target=ref(top),
                                rationale=f"move {top['metadata']['name']} off the volume/node it shares with "
                                          f"{other['metadata']['name']} (own PVC or node affinity) or throttle "
                                          "its disk I/O")
        same_node = any("same node" in w for w in why)
        out.append(Finding("contention.shared", "resource_contention", ref(top), 0.62 if same_node else 0.5,
                           f"{top['kind']} {top['metadata']['name']} competes with {other['metadata']['name']} "
                           "for a shared disk", facts, action=action, affected=ref(other),
                           onset=parse_time((batch.get("status") or {}).get("startTime")),
                           confirm_with=[ToolCall("pod_logs", {"namespace": ns, "pod": batch["metadata"]["name"],
                                                               "tail_lines": 200})]))
    return out
