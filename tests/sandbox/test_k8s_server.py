"""The server around the API: discovery, Tables, delegation to Prometheus/Jaeger, faults, creation."""
from __future__ import annotations

import json
import sys
import threading
import time
import types
import urllib.error
import urllib.request
from typing import Any

import pytest
from kubernetes import client
from kubernetes.client.exceptions import ApiException

from sandbox import server as server_module
from sandbox.server import SandboxServer
from sandbox.world import World


def fetch(server: SandboxServer, path: str, *, method: str = "GET", body: bytes | None = None,
          headers: dict[str, str] | None = None) -> tuple[int, Any]:
    req = urllib.request.Request(server.url + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_discovery_lists_groups_resources_and_the_scale_subresource(payment: SandboxServer) -> None:
    assert fetch(payment, "/version")[1]["minor"] == "32"
    assert fetch(payment, "/api")[1]["versions"] == ["v1"]
    groups = {g["name"]: g["preferredVersion"]["groupVersion"] for g in fetch(payment, "/apis")[1]["groups"]}
    for group in ("apps", "batch", "autoscaling", "networking.k8s.io", "storage.k8s.io",
                  "rbac.authorization.k8s.io", "policy", "events.k8s.io"):
        assert group in groups
    assert groups["autoscaling"] == "autoscaling/v2"
    apps = {r["name"]: r for r in fetch(payment, "/apis/apps/v1")[1]["resources"]}
    assert apps["deployments/scale"]["group"] == "autoscaling" and apps["deployments/scale"]["kind"] == "Scale"
    assert apps["deployments"]["shortNames"] == ["deploy"] and "all" in apps["deployments"]["categories"]
    core = {r["name"]: r for r in fetch(payment, "/api/v1")[1]["resources"]}
    assert core["pods/log"]["verbs"] == ["get"] and not core["nodes"]["namespaced"]
    assert fetch(payment, "/apis/nothing.example.com/v1")[0] == 404


def test_a_table_request_gets_server_side_columns_and_metadata_rows(payment: SandboxServer) -> None:
    accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
    status, table = fetch(payment, "/api/v1/pods", headers={"Accept": accept})
    assert status == 200 and table["kind"] == "Table" and table["apiVersion"] == "meta.k8s.io/v1"
    assert [c["name"] for c in table["columnDefinitions"]][:5] == ["Name", "Ready", "Status", "Restarts", "Age"]
    row = next(r for r in table["rows"] if r["cells"][0] == "payment-7d4b9c8f6-x2kqj")
    assert row["cells"][1:5] == ["1/1", "Running", "0", "31m"]
    assert row["object"]["kind"] == "PartialObjectMetadata" and row["object"]["metadata"]["namespace"] == "prod"
    _, full = fetch(payment, "/api/v1/namespaces/prod/pods/payments-db-0?includeObject=Object", headers={"Accept": accept})
    assert full["rows"][0]["object"]["spec"]["nodeName"] == "worker-a"


def test_watch_answers_405_with_a_clear_status(payment_client: client.ApiClient) -> None:
    with pytest.raises(ApiException) as err:
        client.CoreV1Api(payment_client).list_namespaced_pod("prod", watch=True)
    assert err.value.status == 405 and "watch is not supported by the debugbot sandbox" in err.value.body


def test_unknown_paths_are_404_statuses(payment: SandboxServer) -> None:
    for path in ("/api/v1/widgets", "/apis/apps/v1/namespaces/prod/deployments/payment/frobnicate", "/nothing"):
        status, body = fetch(payment, path)
        assert status == 404 and body["kind"] == "Status", path


def test_create_stores_a_new_object_and_refuses_a_duplicate(payment: SandboxServer, payment_client: client.ApiClient) -> None:
    core = client.CoreV1Api(payment_client)
    cm = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="flags"), data={"a": "1"})
    created = core.create_namespaced_config_map("prod", cm)
    assert created.metadata.uid and core.read_namespaced_config_map("flags", "prod").data == {"a": "1"}
    with pytest.raises(ApiException) as err:
        core.create_namespaced_config_map("prod", cm)
    assert err.value.status == 409 and '"reason":"AlreadyExists"' in err.value.body


def test_prometheus_and_jaeger_requests_go_to_their_handlers_with_relative_paths(
        payment: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, str, dict[str, list[str]], World]] = []

    def handle(method: str, path: str, params: dict[str, list[str]], world: World) -> tuple[int, dict[str, Any]]:
        seen.append((method, path, params, world))
        return 200, {"status": "success", "data": path}
    monkeypatch.setitem(sys.modules, "fake_prom_api", types.SimpleNamespace(handle=handle))
    monkeypatch.setitem(server_module.DELEGATES, "/prometheus", "fake_prom_api")
    monkeypatch.setitem(server_module.DELEGATES, "/jaeger", "not_built_yet_jaeger_api")
    status, body = fetch(payment, "/prometheus/api/v1/query?time=1", method="POST", body=b"query=up",
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert (status, body["data"]) == (200, "/api/v1/query")
    assert seen[0][0] == "POST" and seen[0][2] == {"time": ["1"], "query": ["up"]} and seen[0][3] is payment.world
    status, body = fetch(payment, "/jaeger/api/services")
    assert status == 501 and "not_built_yet_jaeger_api" in body["error"]


def test_an_injected_fault_fails_matching_requests_as_often_as_asked(
        payment: SandboxServer, payment_client: client.ApiClient) -> None:
    core = client.CoreV1Api(payment_client)
    payment.inject(r"/namespaces/prod/pods$", status=503, times=1, message="etcd is on fire")
    with pytest.raises(ApiException) as err:
        core.list_namespaced_pod("prod")
    assert err.value.status == 503 and "etcd is on fire" in err.value.body
    assert len(core.list_namespaced_pod("prod").items) == 3
    payment.inject(r"/log", status=403)
    with pytest.raises(ApiException):
        core.read_namespaced_pod_log("payments-db-0", "prod")
    payment.clear_faults()
    assert "checkpoint complete" in core.read_namespaced_pod_log("payments-db-0", "prod")


def test_an_injected_delay_makes_the_client_time_out_and_stop_ends_it(payment: SandboxServer,
                                                                     payment_client: client.ApiClient) -> None:
    payment.inject(r"/api/v1/nodes", status=None, delay_s=60)
    started = time.monotonic()
    with pytest.raises(Exception):
        client.CoreV1Api(payment_client).list_node(_request_timeout=0.5)
    assert time.monotonic() - started < 5
    started = time.monotonic()
    payment.stop()
    assert time.monotonic() - started < 5


def test_concurrent_reads_and_writes_stay_consistent(payment: SandboxServer, payment_client: client.ApiClient) -> None:
    apps = client.AppsV1Api(payment_client)
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            for _ in range(20):
                assert len(client.CoreV1Api(payment_client).list_pod_for_all_namespaces().items) == 3
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)
    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    for i in range(20):
        apps.patch_namespaced_deployment("payment", "prod", {"metadata": {"labels": {"n": str(i)}}})
    for t in threads:
        t.join()
    assert errors == []
    assert apps.read_namespaced_deployment("payment", "prod").metadata.labels["n"] == "19"
