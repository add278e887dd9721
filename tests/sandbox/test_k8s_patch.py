"""PATCH in its three forms, over real HTTP, and what a bad patch leaves behind (nothing)."""
from __future__ import annotations

import copy
import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from sandbox.patching import PatchError, json_patch, merge_patch, strategic_merge
from sandbox.server import SandboxServer

DEPLOY = "/apis/apps/v1/namespaces/prod/deployments/payment"


def send(server: SandboxServer, method: str, path: str, body: Any, ctype: str) -> tuple[int, dict[str, Any], dict[str, str]]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(server.url + path, data=data, method=method, headers={"Content-Type": ctype})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read()), dict(resp.headers)
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read()), dict(err.headers)


def frozen(server: SandboxServer) -> tuple[int, str]:
    obj = server.world.get("Deployment", "prod", "payment")
    return server.world.version, json.dumps(obj, sort_keys=True)


def test_json_patch_applies_add_replace_remove_and_test(payment: SandboxServer) -> None:
    ops = [{"op": "test", "path": "/spec/replicas", "value": 2},
           {"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "registry.example.com/payment:2.4.0"},
           {"op": "add", "path": "/metadata/labels/owner", "value": "sre"},
           {"op": "remove", "path": "/spec/template/spec/containers/0/readinessProbe"},
           {"op": "add", "path": "/spec/template/spec/containers/0/env/-", "value": {"name": "X", "value": "1"}}]
    status, body, _ = send(payment, "PATCH", DEPLOY, ops, "application/json-patch+json")
    assert status == 200
    container = body["spec"]["template"]["spec"]["containers"][0]
    assert container["image"].endswith(":2.4.0") and "readinessProbe" not in container
    assert [e["name"] for e in container["env"]] == ["DB_HOST", "DB_POOL_TIMEOUT_MS", "X"]
    assert body["metadata"]["labels"]["owner"] == "sre"


def test_a_failed_json_patch_test_is_422_and_changes_nothing(payment: SandboxServer) -> None:
    before = frozen(payment)
    ops = [{"op": "replace", "path": "/spec/replicas", "value": 9}, {"op": "test", "path": "/spec/replicas", "value": 2}]
    status, body, _ = send(payment, "PATCH", DEPLOY, ops, "application/json-patch+json")
    assert status == 422 and body["reason"] == "Invalid" and "testing value /spec/replicas failed" in body["message"]
    assert frozen(payment) == before


@pytest.mark.parametrize("ops", [
    [{"op": "frobnicate", "path": "/spec/replicas", "value": 1}],
    [{"op": "remove", "path": "/spec/nothing/here"}],
    [{"op": "replace", "path": "/spec/template/spec/containers/7/image", "value": "x"}],
    {"op": "replace", "path": "/spec/replicas", "value": 1},
    [{"op": "replace", "path": "/spec/replicas", "value": "three"}],
], ids=["unknown-op", "missing-path", "index-out-of-range", "not-a-list", "wrong-type"])
def test_an_invalid_json_patch_is_422_and_changes_nothing(payment: SandboxServer, ops: Any) -> None:
    before = frozen(payment)
    status, body, _ = send(payment, "PATCH", DEPLOY, ops, "application/json-patch+json")
    assert status == 422 and body["kind"] == "Status" and body["reason"] == "Invalid"
    assert frozen(payment) == before


def test_an_undecodable_body_is_400(payment: SandboxServer) -> None:
    before = frozen(payment)
    status, body, _ = send(payment, "PATCH", DEPLOY, b"{not json", "application/merge-patch+json")
    assert status == 400 and body["reason"] == "BadRequest"
    assert frozen(payment) == before


def test_a_patch_to_a_missing_object_is_404(payment: SandboxServer) -> None:
    version = payment.world.version
    status, body, _ = send(payment, "PATCH", "/apis/apps/v1/namespaces/prod/deployments/ghost", {"spec": {}},
                           "application/merge-patch+json")
    assert status == 404 and body["message"] == 'deployments.apps "ghost" not found'
    assert body["details"] == {"name": "ghost", "kind": "deployments", "group": "apps"}
    assert payment.world.version == version


def test_server_side_apply_and_unknown_media_types_are_415(payment: SandboxServer) -> None:
    for ctype in ("application/apply-patch+yaml", "text/plain"):
        status, body, _ = send(payment, "PATCH", DEPLOY, {"spec": {}}, ctype)
        assert status == 415 and "application/strategic-merge-patch+json" in body["message"]


def test_strategic_merge_merges_containers_and_env_by_name(payment: SandboxServer) -> None:
    patch = {"spec": {"template": {"spec": {"containers": [
        {"name": "payment", "env": [{"name": "DB_POOL_TIMEOUT_MS", "value": "2000"}]},
        {"name": "sidecar", "image": "envoy:1"}]}}}}
    status, body, _ = send(payment, "PATCH", DEPLOY, patch, "application/strategic-merge-patch+json")
    assert status == 200
    containers = body["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in containers] == ["payment", "sidecar"]
    assert containers[0]["image"].endswith(":2.4.1")
    assert containers[0]["env"] == [{"name": "DB_HOST", "value": "payments-db.prod.svc.cluster.local"},
                                    {"name": "DB_POOL_TIMEOUT_MS", "value": "2000"}]


def test_an_unknown_field_is_dropped_with_a_warning_or_refused_when_strict(payment: SandboxServer) -> None:
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "payment", "imagee": "x"}]}}}}
    status, body, headers = send(payment, "PATCH", DEPLOY, patch, "application/strategic-merge-patch+json")
    assert status == 200 and "imagee" not in body["spec"]["template"]["spec"]["containers"][0]
    assert 'unknown field \\"spec.template.spec.containers[0].imagee\\"' in headers["Warning"]
    status, body, _ = send(payment, "PATCH", DEPLOY + "?fieldValidation=Strict", patch,
                           "application/strategic-merge-patch+json")
    assert status == 400 and "strict decoding error" in body["message"]


def test_renaming_through_a_patch_is_refused(payment: SandboxServer) -> None:
    before = frozen(payment)
    status, _, _ = send(payment, "PATCH", DEPLOY, {"metadata": {"name": "other"}}, "application/merge-patch+json")
    assert status == 400
    assert frozen(payment) == before


# ---- the patch functions themselves ------------------------------------------------------
POD_SPEC: dict[str, Any] = {"spec": {"containers": [
    {"name": "a", "image": "a:1", "ports": [{"containerPort": 80}, {"containerPort": 81}],
     "volumeMounts": [{"name": "v", "mountPath": "/data"}], "env": [{"name": "K", "value": "1"}]},
    {"name": "b", "image": "b:1"}], "tolerations": [{"key": "x", "operator": "Exists"}]}}


def test_strategic_merge_deletes_list_items_and_keys_and_replaces_atomic_lists() -> None:
    patch = {"spec": {"containers": [{"name": "b", "$patch": "delete"},
                                     {"name": "a", "image": None, "ports": [{"containerPort": 81, "protocol": "UDP"}],
                                      "volumeMounts": [{"mountPath": "/data", "readOnly": True}]}],
                      "tolerations": [{"key": "y", "operator": "Exists"}]}}
    out = strategic_merge(copy.deepcopy(POD_SPEC), patch, kind="Pod")
    (a,) = out["spec"]["containers"]
    assert "image" not in a
    assert a["ports"] == [{"containerPort": 80}, {"containerPort": 81, "protocol": "UDP"}]
    assert a["volumeMounts"] == [{"name": "v", "mountPath": "/data", "readOnly": True}]
    assert out["spec"]["tolerations"] == [{"key": "y", "operator": "Exists"}]


def test_strategic_merge_replace_directive_and_service_ports_by_port() -> None:
    out = strategic_merge(copy.deepcopy(POD_SPEC), {"spec": {"containers": [{"name": "z", "image": "z:1"},
                                                                            {"$patch": "replace"}]}}, kind="Pod")
    assert out["spec"]["containers"] == [{"name": "z", "image": "z:1"}]
    svc = {"spec": {"ports": [{"port": 80, "targetPort": 8080}, {"port": 443, "targetPort": 8443}]}}
    out = strategic_merge(svc, {"spec": {"ports": [{"port": 80, "targetPort": 9090}]}}, kind="Service")
    assert out["spec"]["ports"] == [{"port": 80, "targetPort": 9090}, {"port": 443, "targetPort": 8443}]


def test_merge_patch_replaces_lists_and_null_deletes() -> None:
    out = merge_patch(copy.deepcopy(POD_SPEC), {"spec": {"containers": [{"name": "c"}], "tolerations": None}})
    assert out == {"spec": {"containers": [{"name": "c"}]}}


def test_json_patch_move_copy_and_escaped_pointers() -> None:
    doc = {"metadata": {"annotations": {"a/b": "1"}}, "x": [1, 2]}
    out = json_patch(doc, [{"op": "copy", "from": "/metadata/annotations/a~1b", "path": "/y"},
                           {"op": "move", "from": "/x/0", "path": "/x/-"}])
    assert out == {"metadata": {"annotations": {"a/b": "1"}}, "x": [2, 1], "y": "1"}
    assert doc["x"] == [1, 2]
    with pytest.raises(PatchError):
        json_patch(doc, [{"op": "add", "path": "/x/5", "value": 0}])
