"""The Kubernetes REST API over a World: routing, access, get and list (writes: k8s_write)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sandbox import kinds
from sandbox.events import to_events_v1
from sandbox.k8s_discovery import discovery
from sandbox.kinds import ResourceType
from sandbox.logs import pod_log
from sandbox.selectors import SelectorError, field_selector, label_selector, selector_string
from sandbox.status import ApiError, not_found
from sandbox.tables import partial_metadata, table
from sandbox.wire import JSON, Request, Response, json_response
from sandbox.world import World

Obj = dict[str, Any]
INVESTIGATOR = "system:serviceaccount:debugbot:investigator"
_VERBS = {"GET": "get", "PATCH": "patch", "PUT": "update", "DELETE": "delete", "POST": "create"}


@dataclass
class Context:
    world: World
    host: str = "127.0.0.1"
    forbid_secrets: bool = False


@dataclass
class Target:
    """What a resource path names: a type, maybe a namespace, maybe an object and a subresource."""

    rt: ResourceType
    namespace: str | None
    name: str | None
    sub: str | None

    @property
    def group(self) -> str:
        return self.rt.group


def parse_target(path: str) -> Target:
    parts = [p for p in path.split("/") if p]
    if len(parts) >= 2 and parts[:2] == ["api", "v1"]:
        group, version, rest = "", "v1", parts[2:]
    elif len(parts) >= 3 and parts[0] == "apis":
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        raise ApiError(404, "the server could not find the requested resource")
    if rest and rest[0] == "watch":
        raise _watch_refused()
    ns: str | None = None
    if len(rest) >= 3 and rest[0] == "namespaces" and rest[2] not in ("status", "finalize"):
        ns, rest = rest[1], rest[2:]
    rt = kinds.by_path(group, version, rest[0]) if rest else None
    if rt is None or len(rest) > 3 or (ns is not None and not rt.namespaced):
        raise ApiError(404, "the server could not find the requested resource")
    name, sub = (rest + [None, None])[1:3]
    if rt.namespaced and ns is None and name is not None:
        raise ApiError(404, "the server could not find the requested resource")
    if sub is not None and sub not in rt.subresources:
        raise ApiError(404, "the server could not find the requested resource")
    return Target(rt, ns, name, sub)


def _watch_refused() -> ApiError:
    return ApiError(405, "watch is not supported by the debugbot sandbox: it serves a frozen snapshot "
                         "of the cluster; list or get again instead", reason="MethodNotAllowed")


def check_access(ctx: Context, req: Request, target: Target) -> None:
    """Secrets answer 403, as for the read-only investigator role, when the sandbox forbids them."""
    if not (ctx.forbid_secrets and target.rt.plural == "secrets" and target.rt.group == ""):
        return
    verb = _VERBS.get(req.method, req.method.lower())
    if req.method == "GET" and target.name is None:
        verb = "watch" if _is_watch(req) else "list"
    scope = f'in the namespace "{target.namespace}"' if target.namespace else "at the cluster scope"
    subject = f'secrets "{target.name}"' if target.name else "secrets"
    raise ApiError(403, f'{subject} is forbidden: User "{INVESTIGATOR}" cannot {verb} resource "secrets" '
                        f'in API group "" {scope}',
                   details={"name": target.name or "", "kind": "secrets"})


def _is_watch(req: Request) -> bool:
    return (req.param("watch") or "").lower() in ("true", "1")


def handle(ctx: Context, req: Request) -> Response:
    """Answer one Kubernetes API request; raises ApiError for Status answers."""
    found = discovery(req.path, ctx.host) if req.method == "GET" else None
    if found is not None:
        return found
    target = parse_target(req.path)
    check_access(ctx, req, target)
    if req.method == "GET":
        if _is_watch(req):
            raise _watch_refused()
        return read(ctx, req, target)
    from sandbox.k8s_write import write  # writes pull in validation and recovery

    return write(ctx, req, target)


def read(ctx: Context, req: Request, target: Target) -> Response:
    world = ctx.world
    if target.name is None:
        return list_objects(ctx, req, target)
    with world.lock:
        obj = world.get(target.rt.store_kind, target.namespace, target.name)
        if obj is None:
            raise not_found(target.rt.plural, target.name, group=target.group)
        if target.sub == "log":
            return Response(200, pod_log(world, str(target.namespace), target.name, req.params),
                            "text/plain")
        if target.sub == "scale":
            return json_response(200, scale_of(obj))
        if _wants_table(req):
            return json_response(200, _table(ctx, req, target, [obj]))
        return Response(200, _encode(world, target.rt, obj))


def list_objects(ctx: Context, req: Request, target: Target) -> Response:
    world = ctx.world
    try:
        by_label = label_selector(req.param("labelSelector"))
        by_field = field_selector(req.param("fieldSelector"), target.rt.store_kind)
    except SelectorError as exc:
        raise ApiError(400, str(exc)) from exc
    with world.lock:
        items = [o for o in world.list(target.rt.store_kind, target.namespace) if by_label(o) and by_field(o)]
        rv = world.resource_version
        if _wants_table(req):
            return json_response(200, _table(ctx, req, target, items))
        accept = req.headers.get("accept", "")
        if "as=PartialObjectMetadataList" in accept:
            return json_response(200, {"kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1",
                                       "metadata": {"resourceVersion": rv},
                                       "items": [partial_metadata(o, "meta.k8s.io/v1") for o in items]})
        head = json.dumps({"kind": f"{target.rt.kind}List", "apiVersion": target.rt.api_version,
                           "metadata": {"resourceVersion": rv}}, separators=(",", ":"))
        body = head[:-1].encode() + b',"items":[' + b",".join(_encode(world, target.rt, o) for o in items) + b"]}"
    return Response(200, body, JSON)


def _encode(world: World, rt: ResourceType, obj: Obj) -> bytes:
    if rt.stored_as:  # events.k8s.io/v1 Event, a view of the core/v1 one
        return world.encoded(obj, tag=rt.api_version, transform=to_events_v1)
    return world.encoded(obj)


def _table_version(req: Request) -> str | None:
    """The Table apiVersion the client asks for first (`as=Table;v=v1;g=meta.k8s.io`), if any."""
    for media in req.headers.get("accept", "").split(","):
        params = dict(p.strip().split("=", 1) for p in media.split(";")[1:] if "=" in p)
        if params.get("as") == "Table":
            return f"{params.get('g', 'meta.k8s.io')}/{params.get('v', 'v1')}"
    return None


def _wants_table(req: Request) -> bool:
    return _table_version(req) is not None


def _table(ctx: Context, req: Request, target: Target, objects: list[Obj]) -> Obj:
    version = _table_version(req) or "meta.k8s.io/v1"
    include = req.param("includeObject") or "Metadata"
    if target.rt.stored_as and include == "Object":
        objects = [to_events_v1(o) for o in objects]
    return table(target.rt.store_kind, objects, now=ctx.world.now,
                 resource_version=ctx.world.resource_version, api_version=version, include=include)


def scale_of(obj: Obj) -> Obj:
    """The autoscaling/v1 Scale subresource of a Deployment, ReplicaSet or StatefulSet."""
    meta, spec, status = obj["metadata"], obj.get("spec") or {}, obj.get("status") or {}
    return {"kind": "Scale", "apiVersion": "autoscaling/v1",
            "metadata": {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
                         if k in meta},
            "spec": {"replicas": spec.get("replicas", 1)},
            "status": {"replicas": status.get("replicas", 0), "selector": selector_string(spec.get("selector"))}}
