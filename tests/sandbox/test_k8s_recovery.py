"""Checks (every operator, quantities by value) and recovery applied after the right mutation."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from kubernetes import client

from sandbox.checks import check_holds, get_path, parse_quantity
from sandbox.server import SandboxServer
from tests.conftest import SHARED_SCENARIOS
from tests.sandbox.conftest import api_client

OBJ: dict[str, Any] = {
    "kind": "Deployment", "metadata": {"name": "d", "namespace": "n", "annotations": {"a.io/x": "1"}},
    "spec": {"replicas": 3, "paused": False, "template": {"spec": {"containers": [
        {"name": "c", "image": "reg/app:2.4.0", "resources": {"limits": {"memory": "1536Mi", "cpu": "250m"}}}]}}},
}


def lookup(kind: str, namespace: str | None, name: str) -> dict[str, Any] | None:
    return OBJ if (kind, namespace, name) == ("Deployment", "n", "d") else None


def holds(**check: Any) -> bool:
    return check_holds({"kind": "Deployment", "namespace": "n", "name": "d", **check}, lookup)


def test_paths_read_indexes_and_quoted_keys() -> None:
    assert get_path(OBJ, "spec.template.spec.containers[0].image") == "reg/app:2.4.0"
    assert get_path(OBJ, 'metadata.annotations["a.io/x"]') == "1"
    assert get_path(OBJ, "spec.template.spec.containers[1].image") is None


def test_equals_compares_typed_values() -> None:
    assert holds(path="spec.replicas", equals=3)
    assert not holds(path="spec.replicas", equals="3")
    assert not holds(path="spec.paused", equals=0)
    assert holds(path="spec.paused", equals=False)


def test_not_equals_matches_and_exists() -> None:
    assert holds(path="spec.template.spec.containers[0].image", not_equals="reg/app:2.4.1")
    assert holds(path="spec.template.spec.containers[0].image", matches=r":2\.4\.0$")
    assert not holds(path="spec.template.spec.containers[0].image", matches=r"^2\.4")
    assert holds(path='metadata.annotations["a.io/x"]', exists=True)
    assert holds(path='metadata.annotations["a.io/y"]', exists=False)


def test_at_least_and_at_most_compare_quantities_by_value() -> None:
    limits = "spec.template.spec.containers[0].resources.limits"
    assert holds(path=f"{limits}.memory", at_least="1Gi") and holds(path=f"{limits}.memory", at_most="1.5Gi")
    assert not holds(path=f"{limits}.memory", at_least="2Gi")
    assert holds(path=f"{limits}.cpu", at_most="0.25") and not holds(path=f"{limits}.cpu", at_least="1")
    assert holds(path="spec.replicas", at_least=2) and not holds(path="spec.replicas", at_most="2")
    assert parse_quantity("512Mi") == 512 * 2 ** 20 and parse_quantity("1e3") == 1000
    assert parse_quantity("banana") is None


def test_any_of_and_missing_objects() -> None:
    assert check_holds({"any_of": [{"kind": "Deployment", "namespace": "n", "name": "d", "path": "spec.replicas", "at_least": 5},
                                   {"kind": "Deployment", "namespace": "n", "name": "d", "path": "spec.replicas", "equals": 3}]},
                       lookup)
    assert not check_holds({"kind": "Deployment", "namespace": "n", "name": "gone", "path": "spec", "not_equals": 1}, lookup)
    assert check_holds({"kind": "Deployment", "namespace": "n", "name": "gone", "path": "spec", "exists": False}, lookup)


def test_rollback_applies_the_recovery_once_and_replaces_logs_and_metrics(
        payment: SandboxServer, payment_client: client.ApiClient) -> None:
    world = payment.world
    before = [s for s in world.metrics if s["labels"].get("status") == "504"]
    assert before[0]["values"][-1] == 13100
    rs = client.AppsV1Api(payment_client).read_namespaced_replica_set("payment-59c7f6d8b4", "prod")
    template = payment_client.sanitize_for_serialization(rs.spec.template)
    del template["metadata"]["labels"]["pod-template-hash"]
    apps = client.AppsV1Api(payment_client)
    apps.patch_namespaced_deployment("payment", "prod", [{"op": "replace", "path": "/spec/template", "value": template}])
    assert world.applied_recoveries == [0]
    series = [s for s in world.metrics if s["labels"].get("status") == "504"]
    assert len(series) == 1 and series[0]["values"][-1] == 11205
    assert len(world.metrics) == 2
    log = client.CoreV1Api(payment_client).read_namespaced_pod_log("payment-7d4b9c8f6-x2kqj", "prod")
    assert log == "2026-11-24T14:36:00Z INFO  POST /v1/charges 201 84ms\n"
    version = world.version
    apps.patch_namespaced_deployment("payment", "prod", {"metadata": {"labels": {"again": "yes"}}})
    assert world.applied_recoveries == [0] and world.version > version


def test_a_wrong_fix_applies_no_recovery(payment: SandboxServer, payment_client: client.ApiClient) -> None:
    client.AppsV1Api(payment_client).patch_namespaced_deployment_scale("payment", "prod", {"spec": {"replicas": 6}})
    assert payment.world.applied_recoveries == []


@pytest.mark.parametrize(("memory", "applied"), [("1Gi", True), ("1536Mi", True), ("900Mi", False)])
def test_a_resource_fix_recovers_when_the_limit_is_high_enough_by_value(
        serve: Any, tmp_path: Path, memory: str, applied: bool) -> None:
    server: SandboxServer = serve(SHARED_SCENARIOS / "search-oomkilled-limit.yaml")
    apps = client.AppsV1Api(api_client(server, tmp_path))
    patch = {"spec": {"template": {"spec": {"containers": [
        {"name": "search-api", "resources": {"limits": {"memory": memory}, "requests": {"memory": "512Mi"}}}]}}}}
    apps.patch_namespaced_deployment("search-api", "search", patch)
    assert (server.world.applied_recoveries == [0]) is applied
    pods = client.CoreV1Api(api_client(server, tmp_path)).list_namespaced_pod("search").items
    crashing = [p for p in pods if any((cs.state.waiting or client.V1ContainerStateWaiting()).reason == "CrashLoopBackOff"
                                       for cs in p.status.container_statuses or [])]
    assert (not crashing) is applied


def test_a_restart_recovery_replaces_the_simulated_replica_set(serve: Any, tmp_path: Path) -> None:
    server: SandboxServer = serve(SHARED_SCENARIOS / "orders-jvm-memory-leak.yaml")
    apps = client.AppsV1Api(api_client(server, tmp_path))
    owned_before = {rs.metadata.name for rs in apps.list_namespaced_replica_set("orders").items}
    apps.patch_namespaced_deployment("orders", "orders", {"spec": {"template": {"metadata": {"annotations": {
        "kubectl.kubernetes.io/restartedAt": "2026-11-27T15:20:03Z"}}}}})
    assert server.world.applied_recoveries == [0]
    names = {rs.metadata.name for rs in apps.list_namespaced_replica_set("orders").items}
    assert "orders-79d8c6f5b4" in names and not server.world.simulated
    assert names - owned_before == {"orders-79d8c6f5b4"}


def test_after_the_rollback_prometheus_serves_the_recovered_series(payment: SandboxServer, kubectl_for: Any) -> None:
    import json
    import urllib.parse
    import urllib.request
    pytest.importorskip("sandbox.prom_api")
    query = urllib.parse.quote('http_server_requests_seconds_count{service="payment",status="504"}')

    def served() -> float:
        with urllib.request.urlopen(f"{payment.prometheus_url}/api/v1/query?query={query}", timeout=10) as resp:
            return float(json.loads(resp.read())["data"]["result"][0]["value"][1])
    assert served() == 13100
    kubectl_for(payment)("rollout", "undo", "deployment/payment", "-n", "prod")
    assert served() == 11205
