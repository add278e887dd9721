"""restart_workload, scale_workload and delete_pod: the actions that change no field of the spec's content."""
from __future__ import annotations

from datetime import UTC

from tools.actions.base import Mutation, Obj, Target, controller_of, dig, meta
from tools.actions.kube import PatchType
from tools.errors import NotAllowed
from tools.models import ObjectRef

RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"


def build_restart(t: Target) -> Mutation:
    """What `kubectl rollout restart` sends: a new restartedAt annotation on the pod template."""
    if t.ref.kind == "Deployment" and dig(t.live, "spec", "paused"):
        raise NotAllowed(f"can't restart paused {t.where}: run 'kubectl rollout resume' first")
    stamp = t.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = {"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: stamp}}}}}
    return Mutation(
        ref=t.ref, patch_type=PatchType.STRATEGIC, body=body,
        summary=f"restarted {t.where} (rollout restart at {stamp})",
        holds=lambda obj: (dig(obj, "spec", "template", "metadata", "annotations") or {}).get(RESTARTED_AT)
        == stamp,
        expect="restartedAt annotation in place", readiness_ref=t.ref, details={"restarted_at": stamp})


def build_scale(t: Target) -> Mutation:
    """spec.replicas through the scale subresource, as `kubectl scale` does."""
    owner = controller_of(t.live)
    if t.ref.kind == "ReplicaSet" and owner and owner.get("kind") == "Deployment":
        raise NotAllowed(f"{t.where} is managed by Deployment {owner.get('name')}, which would undo the change: "
                         "scale the Deployment instead")
    replicas: int = t.params.replicas
    before = dig(t.live, "spec", "replicas")
    return Mutation(
        ref=t.ref, patch_type=PatchType.MERGE, body={"spec": {"replicas": replicas}}, subresource="scale",
        summary=f"scaled {t.where} from {before if before is not None else 1} to {replicas} replicas",
        holds=lambda obj: dig(obj, "spec", "replicas") == replicas,
        expect=f"spec.replicas = {replicas}", readiness_ref=t.ref, details={"replicas": replicas})


def scale_view(obj: Obj) -> Obj:
    """The part of a workload the scale subresource shows, to diff against a dry-run Scale."""
    return {"spec": {"replicas": dig(obj, "spec", "replicas")}}


def build_delete_pod(t: Target) -> Mutation:
    """Delete one pod; its controller (if any) makes a new one, which verify looks for."""
    uid = meta(t.live).get("uid")
    owner = controller_of(t.live)
    owner_ref = (ObjectRef(kind=str(owner.get("kind")), namespace=t.ref.namespace, name=str(owner.get("name")))
                 if owner else None)
    note = (f"{owner_ref.kind} {owner_ref.name} will create a replacement" if owner_ref
            else "it has no controller: nothing will recreate it")
    return Mutation(
        ref=t.ref, patch_type=None, summary=f"deleted {t.where}",
        holds=lambda obj: obj is None or meta(obj).get("uid") != uid or bool(meta(obj).get("deletionTimestamp")),
        expect="pod gone or replaced", note=note, readiness_ref=owner_ref,
        details={"uid": uid, "owner": owner_ref.label() if owner_ref else None})
