"""What the controllers do after a write, as far as kubectl and the bot can see it.

A Deployment whose pod template changed gets a ReplicaSet for the new template: an
owned one with an identical template (ignoring `pod-template-hash`) takes the next
revision, as on a rollback; otherwise a new one is made. Replica counts move to that
ReplicaSet. No Pods are created or deleted: a scenario's `recovery` says what the
world looks like after a fix.
"""
from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

from sandbox.world import World, object_key

Obj = dict[str, Any]
REVISION = "deployment.kubernetes.io/revision"
HASH_LABEL = "pod-template-hash"
_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
_OBSERVED = {"Deployment", "StatefulSet", "ReplicaSet", "DaemonSet"}


def _prune(value: Any) -> Any:
    """Drop nulls and empty maps and lists: `resources: {}` and a missing key mean the same."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, {}, [])}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def template_identity(template: Any) -> Any:
    """A pod template compared as the deployment controller does: without the hash label."""
    t = copy.deepcopy(template) if isinstance(template, dict) else {}
    labels = (t.get("metadata") or {}).get("labels")
    if isinstance(labels, dict):
        labels.pop(HASH_LABEL, None)
    return _prune(t)


def template_hash(template: Any) -> str:
    digest = hashlib.sha256(json.dumps(template_identity(template), sort_keys=True).encode()).digest()
    return "".join(_ALPHABET[b % len(_ALPHABET)] for b in digest[:10])


def owned_by(world: World, kind: str, owner: Obj) -> list[Obj]:
    meta = owner["metadata"]
    return [o for o in world.list(kind, meta.get("namespace"))
            if any(r.get("controller") and r.get("kind") == owner["kind"]
                   and (r.get("uid") == meta.get("uid") or r.get("name") == meta["name"])
                   for r in o["metadata"].get("ownerReferences") or [])]


def revision_of(obj: Obj) -> int:
    value = str((obj["metadata"].get("annotations") or {}).get(REVISION, "0"))
    return int(value) if value.isdigit() else 0


def reconcile(world: World, old: Obj | None, new: Obj) -> None:
    """Adjust `new` (not yet stored) and store what the controllers would change around it."""
    if new.get("kind") in _OBSERVED and "generation" in new["metadata"]:
        new.setdefault("status", {})["observedGeneration"] = new["metadata"]["generation"]
    if new.get("kind") != "Deployment" or old is None:
        return
    old_spec, new_spec = old.get("spec") or {}, new.get("spec") or {}
    if template_identity(old_spec.get("template")) != template_identity(new_spec.get("template")):
        _roll_out(world, new)
    elif old_spec.get("replicas") != new_spec.get("replicas"):
        owned = owned_by(world, "ReplicaSet", new)
        if owned:
            _set_replicas(world, max(owned, key=revision_of), new_spec.get("replicas"))


def _roll_out(world: World, dep: Obj) -> None:
    owned = owned_by(world, "ReplicaSet", dep)
    wanted = template_identity(dep["spec"].get("template"))
    match = next((rs for rs in owned if template_identity(rs["spec"].get("template")) == wanted), None)
    top = max((revision_of(rs) for rs in owned), default=0)
    if match is None:
        match = world.put(_new_replica_set(dep, top + 1))
        world.simulated.add(object_key(match))
    elif revision_of(match) != top or top == 0:
        match = copy.deepcopy(match)
        match["metadata"].setdefault("annotations", {})[REVISION] = str(top + 1)
        world.put(match)
    replicas = dep["spec"].get("replicas", 1)
    for rs in owned_by(world, "ReplicaSet", dep):
        _set_replicas(world, rs, replicas if rs["metadata"]["name"] == match["metadata"]["name"] else 0)
    dep["metadata"].setdefault("annotations", {})[REVISION] = str(revision_of(match))


def _set_replicas(world: World, rs: Obj, replicas: Any) -> None:
    if rs["spec"].get("replicas") == replicas:
        return
    changed = copy.deepcopy(rs)
    changed["spec"]["replicas"] = replicas
    changed["metadata"].setdefault("annotations", {})["deployment.kubernetes.io/desired-replicas"] = str(replicas)
    world.put(changed)


def _new_replica_set(dep: Obj, revision: int) -> Obj:
    meta, spec = dep["metadata"], dep["spec"]
    pod_hash = template_hash(spec.get("template"))
    template = copy.deepcopy(spec.get("template") or {})
    template.setdefault("metadata", {}).setdefault("labels", {})[HASH_LABEL] = pod_hash
    template["metadata"].pop("creationTimestamp", None)
    selector = copy.deepcopy(spec.get("selector") or {})
    selector.setdefault("matchLabels", {})[HASH_LABEL] = pod_hash
    annotations = {k: v for k, v in (meta.get("annotations") or {}).items()
                   if k == "kubernetes.io/change-cause"}
    annotations[REVISION] = str(revision)
    return {
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": f"{meta['name']}-{pod_hash}", "namespace": meta.get("namespace"),
                     "labels": dict(template["metadata"]["labels"]), "annotations": annotations,
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment",
                                          "name": meta["name"], "uid": meta.get("uid"),
                                          "controller": True, "blockOwnerDeletion": True}]},
        "spec": {"replicas": 0, "selector": selector, "template": template},
        "status": {"replicas": 0, "observedGeneration": 1},
    }
