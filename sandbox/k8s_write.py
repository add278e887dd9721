"""Writes through the Kubernetes API: PATCH, PUT, POST, DELETE, dry runs, conflicts, recovery.

DELETE removes the object at once (no grace period) and, unless `propagationPolicy=Orphan`,
what it controls, as garbage collection would. A deleted Pod is not recreated by its
ReplicaSet: the scenario's `recovery` says what the world looks like after a fix. Pods and
the other kinds the API server answers with the deleted object get it (with a
deletionTimestamp); the rest get a Status.
"""
from __future__ import annotations

import copy
from typing import Any

from sandbox.checks import parse_path
from sandbox.controllers import reconcile
from sandbox.defaults import apply_defaults
from sandbox.events import from_events_v1, to_events_v1
from sandbox.k8s_api import Context, Target, scale_of
from sandbox.patching import PatchError, json_patch, merge_patch, strategic_merge
from sandbox.recovery import apply_due_recovery
from sandbox.status import ApiError, already_exists, conflict, invalid, not_found, success
from sandbox.validate import model_check
from sandbox.wire import Request, Response, json_response

Obj = dict[str, Any]
PATCH_TYPES = ("application/json-patch+json", "application/merge-patch+json",
               "application/strategic-merge-patch+json", "application/apply-patch+yaml")
# Kinds whose DELETE answers the deleted object (the API server's ReturnDeletedObject), not a Status.
RETURNS_DELETED = {"Pod", "Service", "PersistentVolumeClaim", "PersistentVolume", "PodTemplate",
                   "ResourceQuota", "ServiceAccount", "StorageClass", "CSIDriver", "CSINode",
                   "VolumeAttachment"}


def write(ctx: Context, req: Request, target: Target) -> Response:
    if target.sub == "log":
        raise ApiError(405, f"the server does not allow this method on the requested resource ({req.method})")
    dry = _dry_run(req)
    with ctx.world.lock:
        if req.method == "PATCH" and target.name:
            return _patch(ctx, req, target, dry=dry)
        if req.method == "PUT" and target.name:
            return _replace(ctx, req, target, dry=dry)
        if req.method == "DELETE" and target.name:
            return _delete(ctx, req, target, dry=dry)
        if req.method == "POST" and not target.name:
            return _create(ctx, req, target, dry=dry)
    raise ApiError(405, f"the server does not allow this method on the requested resource ({req.method})")


def _dry_run(req: Request) -> bool:
    values = req.params.get("dryRun") or []
    if any(v != "All" for v in values):
        raise ApiError(400, f"Invalid dryRun value: {values}: only 'All' is supported")
    return bool(values)


def _current(ctx: Context, target: Target) -> Obj:
    obj = ctx.world.get(target.rt.store_kind, target.namespace, str(target.name))
    if obj is None:
        raise not_found(target.rt.plural, str(target.name), group=target.group)
    return obj


def _view(target: Target, obj: Obj) -> Obj:
    """The object as this endpoint shows it (events.k8s.io sees a converted Event)."""
    return to_events_v1(obj) if target.rt.stored_as else copy.deepcopy(obj)


def _unview(target: Target, obj: Obj) -> Obj:
    return from_events_v1(obj) if target.rt.stored_as else obj


def apply_patch(doc: Obj, req: Request, kind: str) -> Obj:
    """The document with the request's patch applied, by its Content-Type."""
    ctype = req.content_type
    if ctype not in PATCH_TYPES[:3]:
        why = "server-side apply is not supported by the debugbot sandbox; " if ctype == PATCH_TYPES[3] else ""
        raise ApiError(415, f"{why}the body of the request was in an unknown format - accepted media types "
                            f"include: {', '.join(PATCH_TYPES[:3])}")
    body = req.json_body()
    try:
        if ctype == PATCH_TYPES[0]:
            return json_patch(doc, body)
        if not isinstance(body, dict):
            raise PatchError("a merge patch must be a JSON object")
        patched = merge_patch(doc, body) if ctype == PATCH_TYPES[1] else strategic_merge(doc, body, kind=kind)
        return dict(patched)
    except PatchError as exc:
        raise ApiError(422, str(exc)) from exc


def _patch(ctx: Context, req: Request, target: Target, *, dry: bool) -> Response:
    old = _current(ctx, target)
    if target.sub == "scale":
        patched_scale = apply_patch(scale_of(old), req, "Scale")
        return _write_scale(ctx, req, target, old, patched_scale, dry=dry)
    patched = _unview(target, apply_patch(_view(target, old), req, target.rt.kind))
    if target.sub == "status":
        patched = {**copy.deepcopy(old), "status": patched.get("status")}
    return _respond(target, *commit(ctx, req, target, old, patched, dry=dry))


def _replace(ctx: Context, req: Request, target: Target, *, dry: bool) -> Response:
    old = _current(ctx, target)
    body = req.json_body()
    if not isinstance(body, dict):
        raise ApiError(400, "the body of the request must be a JSON object")
    if target.sub == "scale":
        return _write_scale(ctx, req, target, old, body, dry=dry)
    body.setdefault("apiVersion", target.rt.api_version)
    body.setdefault("kind", target.rt.kind)
    new = _unview(target, body)
    if target.sub == "status":
        new = {**copy.deepcopy(old), "status": new.get("status"),
               "metadata": {**old["metadata"], **{k: v for k, v in (new.get("metadata") or {}).items()
                                                   if k == "resourceVersion"}}}
    return _respond(target, *commit(ctx, req, target, old, new, dry=dry))


def _write_scale(ctx: Context, req: Request, target: Target, old: Obj, scale: Obj, *, dry: bool) -> Response:
    replicas = (scale.get("spec") or {}).get("replicas")
    if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
        raise invalid("Scale", str(target.name), f"spec.replicas: Invalid value: {replicas!r}: must be "
                      "greater than or equal to 0", group="autoscaling")
    rv = (scale.get("metadata") or {}).get("resourceVersion")
    if rv and rv != old["metadata"].get("resourceVersion"):
        raise conflict(target.rt.plural, str(target.name), group=target.group)
    new = copy.deepcopy(old)
    new.setdefault("spec", {})["replicas"] = replicas
    return json_response(200, scale_of(commit(ctx, req, target, old, new, dry=dry)[0]))


def _respond(target: Target, obj: Obj, warnings: list[str], status: int = 200) -> Response:
    quoted = [w.replace("\\", "\\\\").replace('"', '\\"') for w in warnings]
    headers = {"Warning": ", ".join(f'299 - "{w}"' for w in quoted)} if warnings else {}
    return json_response(status, to_events_v1(obj) if target.rt.stored_as else obj, **headers)


def _check_identity(target: Target, old: Obj | None, new: Obj) -> None:
    name = str(target.name or (new.get("metadata") or {}).get("name") or "")
    if new.get("kind") != target.rt.store_kind:
        raise ApiError(400, f"the kind in the data ({new.get('kind')}) does not match the expected kind "
                            f"({target.rt.kind})")
    meta = new.get("metadata")
    if not isinstance(meta, dict):
        raise invalid(target.rt.kind, name, "metadata: Required value", group=target.group)
    if target.name and meta.get("name") != target.name:
        raise ApiError(400, f"the name of the object ({meta.get('name')}) does not match the name on the URL "
                            f"({target.name})")
    if target.rt.namespaced and meta.get("namespace", target.namespace) != target.namespace:
        raise ApiError(400, "the namespace of the provided object does not match the namespace sent on the request")
    if old is not None and meta.get("uid", old["metadata"].get("uid")) != old["metadata"].get("uid"):
        raise conflict(target.rt.plural, name, group=target.group)


def _validate(req: Request, target: Target, obj: Obj) -> list[str]:
    """422 for what the type cannot hold; unknown fields dropped (Warn) or refused (Strict)."""
    rejected, unknown = model_check({**obj, "apiVersion": obj.get("apiVersion") or target.rt.api_version})
    if rejected:
        raise invalid(target.rt.kind, str(obj["metadata"].get("name")), rejected, group=target.group)
    mode = req.param("fieldValidation") or "Warn"
    if unknown and mode == "Strict":
        raise ApiError(400, "strict decoding error: " + ", ".join(f'unknown field "{p}"' for p in unknown))
    for path in unknown:
        _drop(obj, path)
    return [] if mode == "Ignore" else [f'unknown field "{p}"' for p in unknown]


def _drop(obj: Obj, path: str) -> None:
    try:
        parts = parse_path(path)
    except ValueError:
        return
    cur: Any = obj
    for part in parts[:-1]:
        try:
            cur = cur[part]
        except (KeyError, IndexError, TypeError):
            return
    if isinstance(cur, dict):
        cur.pop(parts[-1], None)


def commit(ctx: Context, req: Request, target: Target, old: Obj | None, new: Obj,
           *, dry: bool) -> tuple[Obj, list[str]]:
    """Check, version and store one write; run the controllers and the scenario's recovery.

    Returns the object as stored (or as it would be, on a dry run) and the warnings to send.
    """
    world = ctx.world
    new.setdefault("apiVersion", old["apiVersion"] if old else target.rt.api_version)
    new.setdefault("kind", target.rt.store_kind)
    _check_identity(target, old, new)
    apply_defaults(new)
    meta = new["metadata"]
    if target.rt.namespaced:
        meta["namespace"] = target.namespace
    if old is not None:
        if meta.get("resourceVersion") not in (None, "", old["metadata"].get("resourceVersion")):
            raise conflict(target.rt.plural, str(meta.get("name")), group=target.group)
        for key in ("uid", "creationTimestamp"):
            if key in old["metadata"]:
                meta[key] = old["metadata"][key]
        if new.get("spec") != old.get("spec") and "spec" in new:
            meta["generation"] = int(old["metadata"].get("generation") or 1) + 1
    warnings = _validate(req, target, new)
    if dry:
        meta["resourceVersion"] = (old or {}).get("metadata", {}).get("resourceVersion", "")
        return new, warnings
    reconcile(world, old, new)
    stored = world.put(new)
    apply_due_recovery(world)
    return stored, warnings


def _create(ctx: Context, req: Request, target: Target, *, dry: bool) -> Response:
    body = req.json_body()
    if not isinstance(body, dict):
        raise ApiError(400, "the body of the request must be a JSON object")
    body.setdefault("apiVersion", target.rt.api_version)
    body.setdefault("kind", target.rt.kind)
    new = _unview(target, body)
    meta = new.setdefault("metadata", {})
    if not meta.get("name") and meta.get("generateName"):
        meta["name"] = meta["generateName"] + ctx.world.next_rv()[-5:]
    if not meta.get("name"):
        raise invalid(target.rt.kind, "", "metadata.name: Required value: name or generateName is required",
                      group=target.group)
    if ctx.world.get(target.rt.store_kind, target.namespace, meta["name"]) is not None:
        raise already_exists(target.rt.plural, meta["name"], group=target.group)
    meta.pop("resourceVersion", None)
    meta.setdefault("generation", 1)
    return _respond(target, *commit(ctx, req, target, None, new, dry=dry), status=201)


def _delete(ctx: Context, req: Request, target: Target, *, dry: bool) -> Response:
    """Remove the object and (unless orphaned) what it controls, as garbage collection would."""
    old = _current(ctx, target)
    options = req.json_body() if req.body.strip() else {}
    pre = (options or {}).get("preconditions") or {}
    if pre.get("resourceVersion") not in (None, old["metadata"].get("resourceVersion")) or \
            pre.get("uid") not in (None, old["metadata"].get("uid")):
        raise conflict(target.rt.plural, str(target.name), group=target.group)
    policy = (options or {}).get("propagationPolicy") or req.param("propagationPolicy")
    if not dry:
        ctx.world.remove(target.rt.store_kind, target.namespace, str(target.name))
        if policy != "Orphan":
            _collect(ctx, old)
        apply_due_recovery(ctx.world)
    if target.rt.store_kind in RETURNS_DELETED:
        gone = copy.deepcopy(old)
        gone["metadata"]["deletionTimestamp"] = ctx.world.now.strftime("%Y-%m-%dT%H:%M:%SZ")
        return json_response(200, gone)
    return json_response(200, success(str(target.name), target.rt.plural, group=target.group,
                                      uid=str(old["metadata"].get("uid", ""))))


def _collect(ctx: Context, owner: Obj) -> None:
    uid = owner["metadata"].get("uid")
    namespace = owner["metadata"].get("namespace")
    for kind in ("ReplicaSet", "Pod", "Job", "ControllerRevision"):
        for obj in ctx.world.list(kind, namespace):
            if any(r.get("uid") == uid for r in obj["metadata"].get("ownerReferences") or []):
                ctx.world.remove(kind, namespace, obj["metadata"]["name"])
                _collect(ctx, obj)
