"""A ConfigMap changed recently, and only pods started since then run with it: a split by start time.

Config read at start (CNI settings, agent flags) reaches a node only when the
DaemonSet pod there restarts, so after such a change some nodes run the new
value and some the old. If the symptoms are confined to the pods on the
"fresh" nodes, the change is the cause. This detector records the split; the
reasoner confirms it with the logs of the pods in focus.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from agent.cluster import ClusterView, Obj, parse_time, ref
from agent.findings import Finding
from tools.models import ActionName, ProposedAction

WINDOW_MIN = 48 * 60.0
_NETWORK = re.compile(r"calico|cilium|flannel|weave|canal|aws-node|antrea|kube-proxy|mtu|vxlan", re.I)


def analyze(view: ClusterView) -> list[Finding]:
    return _splits(view) + picked_up_at_restart(view)


def _splits(view: ClusterView) -> list[Finding]:
    out: list[Finding] = []
    for cm in view.objects("ConfigMap"):
        changed = _last_data_change(cm)
        if changed is None:
            continue
        when, keys = changed
        age = view.age_minutes(when)
        if age is None or age > WINDOW_MIN or age < 0:
            continue
        for ds in view.objects("DaemonSet", cm["metadata"].get("namespace")):
            if references(ds, cm["metadata"]["name"]):
                out += _split(view, cm, ds, when, keys)
    return out


def _last_data_change(cm: Obj) -> tuple[datetime, list[str]] | None:
    best: tuple[datetime, list[str]] | None = None
    for mf in cm["metadata"].get("managedFields") or []:
        data = (mf.get("fieldsV1") or {}).get("f:data") or {}
        when = parse_time(mf.get("time"))
        if data and when and (best is None or when > best[0]):
            best = (when, [k.removeprefix("f:") for k in data])
    return best


def references(ds: Obj, name: str) -> bool:
    spec = ((ds.get("spec") or {}).get("template") or {}).get("spec") or {}
    text = str(spec.get("containers")) + str(spec.get("initContainers")) + str(spec.get("volumes"))
    return f"'name': '{name}'" in text


def _split(view: ClusterView, cm: Obj, ds: Obj, when: datetime, keys: list[str]) -> list[Finding]:
    fresh: list[str] = []
    stale: list[str] = []
    for pod in view.pods_of(ds):
        started = parse_time((pod.get("status") or {}).get("startTime"))
        node = (pod.get("spec") or {}).get("nodeName")
        if started and node:
            (fresh if started >= when else stale).append(node)
    if not fresh or not stale:
        return []
    values = {k: (cm.get("data") or {}).get(k) for k in keys}
    network = bool(_NETWORK.search(ds["metadata"]["name"] + " " + " ".join(keys)))
    name = cm["metadata"]["name"]
    facts = [f"ConfigMap {cm['metadata'].get('namespace')}/{name} changed at {when:%Y-%m-%d %H:%M}Z: "
             + ", ".join(f"{k}={v}" for k, v in values.items()),
             f"DaemonSet {ds['metadata']['name']} reads it at start: its pods on {', '.join(sorted(fresh))} started "
             f"after the change (new value), those on {', '.join(sorted(stale))} before (old value)"]
    data: dict[str, Any] = {"fresh_nodes": sorted(fresh), "stale_nodes": sorted(stale)}
    action = ProposedAction(action=ActionName.RECOMMEND_ONLY, target=ref(cm),
                            rationale=f"revert {', '.join(keys)} in ConfigMap {name} to the value the "
                                      f"{len(stale)} older node(s) still run with, then restart "
                                      f"{ds['metadata']['name']} node by node")
    return [Finding("config.split", "network_degradation" if network else "config_error", ref(cm), 0.3,
                    f"the {', '.join(keys)} change in ConfigMap {name} broke pods on the nodes that picked it up",
                    facts, action=action, affected=ref(ds), onset=when, data=data)]


def picked_up_at_restart(view: ClusterView) -> list[Finding]:
    """A ConfigMap edited in place and read only at start: nothing changes until the pods restart.

    A revision that changed nothing but a restart annotation (`kubectl rollout restart`) brings in whatever
    was edited in the ConfigMaps the pods read since the previous revision's pods started. Rolling back
    re-creates the same template, which reads the same edited ConfigMap: the fix is the ConfigMap.
    """
    from agent.analyzers.workload import rollout_of

    out: list[Finding] = []
    for dep in view.objects("Deployment"):
        r = rollout_of(view, dep)
        if r is None or r.previous is None or r.current_created is None or not r.changes:
            continue
        age = view.age_minutes(r.current_created)
        if age is None or age > WINDOW_MIN or age < 0 or any("annotations" not in c.path for c in r.changes):
            continue
        for cm in view.objects("ConfigMap", dep["metadata"].get("namespace")):
            changed = _last_data_change(cm)
            if changed and references(dep, cm["metadata"]["name"]) and changed[0] <= r.current_created \
                    and (view.age_minutes(changed[0]) or 0.0) <= WINDOW_MIN:
                out.append(_restart_finding(cm, dep, r.current, r.current_created, changed))
    return out


def _restart_finding(cm: Obj, dep: Obj, rev: int, restarted: datetime,
                     changed: tuple[datetime, list[str]]) -> Finding:
    when, keys = changed
    name, workload = cm["metadata"]["name"], dep["metadata"]["name"]
    values = {k: (cm.get("data") or {}).get(k) for k in keys}
    editor = next((mf.get("manager") for mf in cm["metadata"].get("managedFields") or []
                   if parse_time(mf.get("time")) == when), None)
    facts = [f"ConfigMap {cm['metadata'].get('namespace')}/{name} edited at {when:%Y-%m-%d %H:%M}Z"
             + (f" by {editor}" if editor else "") + ": " + ", ".join(f"{k}={v}" for k, v in values.items()),
             f"revision {rev} of {workload} at {restarted:%H:%M}Z changed only a restart annotation "
             f"(rollout restart): its pods are the first to read the edited ConfigMap"]
    facts += [f"{k}: {v}" for k, v in (cm["metadata"].get("annotations") or {}).items()
              if "last-applied" not in k][:2]
    action = ProposedAction(action=ActionName.RECOMMEND_ONLY, target=ref(cm),
                            rationale=f"set {', '.join(keys)} in ConfigMap {name} back to the values the pods ran "
                                      f"with before {when:%H:%M}Z (or make the dependency match them first), then "
                                      f"restart {workload}; a rollback re-creates the same template, which reads "
                                      "the same edited ConfigMap")
    return Finding("config.restart", "config_error", ref(cm), 0.45,
                   f"the edit of {', '.join(keys)} in ConfigMap {name} took effect when {workload} restarted",
                   facts, action=action, affected=ref(dep), onset=restarted,
                   data={"values": [str(v) for v in values.values() if v]})
