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
            if _references(ds, cm["metadata"]["name"]):
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


def _references(ds: Obj, name: str) -> bool:
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
