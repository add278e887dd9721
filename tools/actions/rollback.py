"""rollback_deployment with `kubectl rollout undo` semantics: the previous (or a named) revision's template."""
from __future__ import annotations

import copy
from typing import Any

from tools.actions.base import HASH_LABEL, Mutation, Obj, Target, dig, meta, template_identity
from tools.actions.kube import PatchType
from tools.errors import InvalidArgs, NotAllowed

REVISION = "deployment.kubernetes.io/revision"
# Annotations kubectl keeps from the Deployment rather than copying from the ReplicaSet.
ANNOTATIONS_TO_SKIP = frozenset({
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION,
    "deployment.kubernetes.io/revision-history",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "deprecated.deployment.rollback.to",
})


def _revision(obj: Obj) -> int | None:
    try:
        return int(str(meta(obj).get("annotations", {}).get(REVISION)))
    except ValueError:
        return None


def _owned(dep: Obj, rs: Obj) -> bool:
    uid, name = meta(dep).get("uid"), meta(dep).get("name")
    for ref in meta(rs).get("ownerReferences") or []:
        if ref.get("controller") and ref.get("kind") == "Deployment" and \
                (ref.get("uid") == uid if uid and ref.get("uid") else ref.get("name") == name):
            return True
    return False


def history(t: Target) -> dict[int, Obj]:
    """The Deployment's ReplicaSets by revision, as `kubectl rollout history` lists them."""
    match = dig(t.live, "spec", "selector", "matchLabels") or {}
    selector = ",".join(f"{k}={v}" for k, v in sorted(match.items())) or None
    revisions: dict[int, Obj] = {}
    for rs in t.kube.list_replica_sets(str(t.ref.namespace), selector):
        rev = _revision(rs)
        if rev is not None and _owned(t.live, rs):
            revisions[rev] = rs
    return revisions


def _choose(t: Target, revisions: dict[int, Obj]) -> int:
    known = ", ".join(str(r) for r in sorted(revisions)) or "none"
    wanted: int | None = t.params.revision
    if wanted is not None:
        if wanted not in revisions:
            raise InvalidArgs(f"revision {wanted} not found for {t.where}; revisions that exist: {known}")
        return wanted
    current = _revision(t.live) or max(revisions, default=0)
    earlier = [r for r in revisions if r < current]
    if not earlier:
        raise InvalidArgs(f"{t.where} has no revision before {current} to roll back to; "
                          f"revisions that exist: {known}")
    return max(earlier)


def _annotations(dep: Obj, rs: Obj) -> dict[str, Any]:
    kept = {k: v for k, v in (meta(dep).get("annotations") or {}).items() if k in ANNOTATIONS_TO_SKIP}
    copied = {k: v for k, v in (meta(rs).get("annotations") or {}).items() if k not in ANNOTATIONS_TO_SKIP}
    return {**kept, **copied}


def build_rollback(t: Target) -> Mutation:
    if dig(t.live, "spec", "paused"):
        raise NotAllowed(f"{t.where} is paused: you cannot roll back a paused deployment; resume it first "
                         "with 'kubectl rollout resume' and ask again")
    revisions = history(t)
    revision = _choose(t, revisions)
    rs = revisions[revision]
    template = copy.deepcopy(dig(rs, "spec", "template") or {})
    labels = dig(template, "metadata", "labels")
    if isinstance(labels, dict):
        labels.pop(HASH_LABEL, None)
    want = template_identity(template)
    images = ", ".join(str(c.get("image")) for c in dig(template, "spec", "containers") or [])
    body = [{"op": "replace", "path": "/spec/template", "value": template},
            {"op": "add", "path": "/metadata/annotations", "value": _annotations(t.live, rs)}]
    same = template_identity(dig(t.live, "spec", "template")) == want
    return Mutation(
        ref=t.ref, patch_type=PatchType.JSON, body=body,
        summary=f"rolled back {t.where} to revision {revision} ({images})",
        holds=lambda obj: obj is not None and template_identity(dig(obj, "spec", "template")) == want,
        expect=f"revision {revision}'s template in place",
        noop=f"{t.where} is already at revision {revision}'s template" if same else "",
        note=f"target: revision {revision} (ReplicaSet {meta(rs).get('name')})",
        readiness_ref=t.ref, details={"revision": revision, "replica_set": meta(rs).get("name")})
