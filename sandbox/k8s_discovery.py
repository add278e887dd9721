"""Discovery: /version, /api, /apis and the resource lists kubectl resolves kinds with.

Only the legacy (unaggregated) documents are served: kubectl 1.32 asks for aggregated
discovery first and falls back to these when the answer's Content-Type is plain JSON.
"""
from __future__ import annotations

import hashlib
from typing import Any

from sandbox import kinds
from sandbox.kinds import ALL_VERBS, ResourceType
from sandbox.status import ApiError
from sandbox.wire import Response, json_response

VERSION = {"major": "1", "minor": "32", "gitVersion": "v1.32.0", "gitCommit": "",
           "gitTreeState": "clean", "buildDate": "2024-12-11T00:00:00Z", "goVersion": "go1.23.3",
           "compiler": "gc", "platform": "linux/amd64"}
_SUBRESOURCE_VERBS = {"log": ["get"], "status": ["get", "patch", "update"], "scale": ["get", "patch", "update"]}


def _group_version(group: str, version: str) -> dict[str, str]:
    return {"groupVersion": f"{group}/{version}" if group else version, "version": version}


def api_group(group: str) -> dict[str, Any]:
    versions = [_group_version(g, v) for g, v in kinds.group_versions() if g == group]
    return {"kind": "APIGroup", "apiVersion": "v1", "name": group, "versions": versions,
            "preferredVersion": versions[0]}


def group_list() -> dict[str, Any]:
    names = dict.fromkeys(g for g, _ in kinds.group_versions() if g)
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": [api_group(g) for g in names]}


def _resource_entries(rt: ResourceType) -> list[dict[str, Any]]:
    entry: dict[str, Any] = {
        "name": rt.plural, "singularName": rt.singular, "namespaced": rt.namespaced, "kind": rt.kind,
        "verbs": ALL_VERBS,
        "storageVersionHash": hashlib.sha256(rt.api_version.encode() + rt.kind.encode()).hexdigest()[:11],
    }
    if rt.short_names:
        entry["shortNames"] = list(rt.short_names)
    if rt.categories:
        entry["categories"] = list(rt.categories)
    out = [entry]
    for sub in rt.subresources:
        item: dict[str, Any] = {"name": f"{rt.plural}/{sub}", "singularName": "", "namespaced": rt.namespaced,
                                "kind": rt.kind, "verbs": _SUBRESOURCE_VERBS.get(sub, ["get"])}
        if sub == "scale":
            item.update(group="autoscaling", version="v1", kind="Scale")
        out.append(item)
    return out


def resource_list(group: str, version: str) -> dict[str, Any]:
    entries = [e for rt in kinds.RESOURCES if (rt.group, rt.version) == (group, version)
               for e in _resource_entries(rt)]
    if not entries:
        raise ApiError(404, "the server could not find the requested resource")
    return {"kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": f"{group}/{version}" if group else version, "resources": entries}


def discovery(path: str, host: str) -> Response | None:
    """The discovery document at this path, or None when the path is not a discovery path."""
    parts = [p for p in path.split("/") if p]
    if parts == ["version"]:
        return json_response(200, VERSION)
    if parts == ["api"]:
        return json_response(200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [
            {"clientCIDR": "0.0.0.0/0", "serverAddress": host}]})
    if parts == ["api", "v1"]:
        return json_response(200, resource_list("", "v1"))
    if parts == ["apis"]:
        return json_response(200, group_list())
    if len(parts) == 2 and parts[0] == "apis":
        group = api_group(parts[1])
        if not group["versions"]:
            raise ApiError(404, "the server could not find the requested resource")
        return json_response(200, group)
    if len(parts) == 3 and parts[0] == "apis":
        return json_response(200, resource_list(parts[1], parts[2]))
    if parts and parts[0] == "openapi":
        raise ApiError(404, "the debugbot sandbox does not serve OpenAPI documents")
    if parts and parts[0] in ("healthz", "livez", "readyz"):
        return Response(200, b"ok", "text/plain; charset=utf-8")
    return None
