"""The official Python client against the sandbox: every kind of every example, selectors, writes."""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client
from kubernetes.client.exceptions import ApiException

from sandbox.scenario import load_scenario
from sandbox.server import SandboxServer
from tests.conftest import shared_scenarios
from tests.sandbox.conftest import api_client

APIS: dict[str, Callable[[client.ApiClient], Any]] = {
    "v1": client.CoreV1Api, "apps/v1": client.AppsV1Api, "batch/v1": client.BatchV1Api,
    "autoscaling/v2": client.AutoscalingV2Api, "networking.k8s.io/v1": client.NetworkingV1Api,
    "storage.k8s.io/v1": client.StorageV1Api, "policy/v1": client.PolicyV1Api,
    "rbac.authorization.k8s.io/v1": client.RbacAuthorizationV1Api,
}
CLUSTER_SCOPED = {"Node", "Namespace", "PersistentVolume", "StorageClass", "ClusterRole", "ClusterRoleBinding"}


def snake(kind: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", kind).lower()


def read(api: Any, obj: dict[str, Any]) -> Any:
    kind, meta = obj["kind"], obj["metadata"]
    if kind in CLUSTER_SCOPED:
        return getattr(api, f"read_{snake(kind)}")(meta["name"])
    return getattr(api, f"read_namespaced_{snake(kind)}")(meta["name"], meta["namespace"])


def list_all(api: Any, kind: str) -> Any:
    if kind in CLUSTER_SCOPED:
        return getattr(api, f"list_{snake(kind)}")()
    return getattr(api, f"list_{snake(kind)}_for_all_namespaces")()


@pytest.mark.parametrize("path", shared_scenarios(), ids=lambda p: p.stem)
def test_official_client_reads_and_lists_every_object_of_every_example(
        path: Path, serve: Callable[..., SandboxServer], tmp_path: Path) -> None:
    server = serve(path)
    api_client_ = api_client(server, tmp_path)
    objects = load_scenario(path).objects
    for obj in objects:
        model = read(APIS[obj["apiVersion"]](api_client_), obj)
        served = api_client_.sanitize_for_serialization(model)
        assert served["metadata"]["name"] == obj["metadata"]["name"]
        assert served["metadata"]["resourceVersion"].isdigit()
        assert served.get("spec", {}).keys() >= obj.get("spec", {}).keys(), obj["metadata"]["name"]
    for api_version, kind in {(o["apiVersion"], o["kind"]) for o in objects}:
        served = {(i.metadata.namespace, i.metadata.name) for i in list_all(APIS[api_version](api_client_), kind).items}
        given = {(o["metadata"].get("namespace"), o["metadata"]["name"]) for o in objects if o["kind"] == kind}
        assert served == given or (kind == "Namespace" and given < served), kind


@pytest.mark.parametrize("path", shared_scenarios(), ids=lambda p: p.stem)
def test_every_event_is_served_through_events_k8s_io_too(
        path: Path, serve: Callable[..., SandboxServer], tmp_path: Path) -> None:
    api = client.EventsV1Api(api_client(serve(path), tmp_path))
    core = [o for o in load_scenario(path).objects if o["kind"] == "Event"]
    served = {e.metadata.name: e for e in api.list_event_for_all_namespaces().items}
    assert set(served) == {e["metadata"]["name"] for e in core}
    for ev in core:
        got = served[ev["metadata"]["name"]]
        assert got.note == ev["message"] and got.reason == ev["reason"]
        assert got.regarding.name == ev["involvedObject"]["name"]
        assert got.deprecated_count == ev.get("count")
        assert got.event_time is not None


def test_namespaces_are_derived_from_the_objects_when_the_scenario_has_none(payment_client: client.ApiClient) -> None:
    names = {n.metadata.name for n in client.CoreV1Api(payment_client).list_namespace().items}
    assert names == {"default", "prod"}


def test_label_selectors_filter_pods_with_every_operator(payment_client: client.ApiClient) -> None:
    core = client.CoreV1Api(payment_client)

    def names(selector: str) -> set[str]:
        return {p.metadata.name for p in core.list_namespaced_pod("prod", label_selector=selector).items}
    rollout = {"payment-7d4b9c8f6-x2kqj", "payment-7d4b9c8f6-9vtzm"}
    assert names("app=payment") == rollout
    assert names("app==payment,pod-template-hash=7d4b9c8f6") == rollout
    assert names("app!=payment") == {"payments-db-0"}
    assert names("app in (payments-db, nothing)") == {"payments-db-0"}
    assert names("app notin (payment)") == {"payments-db-0"}
    assert names("pod-template-hash") == rollout
    assert names("!pod-template-hash") == {"payments-db-0"}


def test_field_selectors_filter_pods_and_events(payment_client: client.ApiClient) -> None:
    core = client.CoreV1Api(payment_client)
    pods = core.list_pod_for_all_namespaces(field_selector="status.phase=Running,spec.nodeName=worker-a").items
    assert len(pods) == 3
    assert [p.metadata.name for p in core.list_namespaced_pod(
        "prod", field_selector="metadata.name=payments-db-0").items] == ["payments-db-0"]
    assert len(core.list_namespaced_pod("prod", field_selector="metadata.name!=payments-db-0").items) == 2
    events = core.list_namespaced_event("prod", field_selector="involvedObject.name=payment,involvedObject.kind=Deployment,reason=ScalingReplicaSet,type=Normal").items
    assert len(events) == 2
    assert core.list_namespaced_event("prod", field_selector="involvedObject.name=nothing").items == []


def test_an_unsupported_field_selector_is_a_bad_request(payment_client: client.ApiClient) -> None:
    with pytest.raises(ApiException) as err:
        client.CoreV1Api(payment_client).list_namespaced_pod("prod", field_selector="spec.image=x")
    assert err.value.status == 400 and "field label not supported: spec.image" in err.value.body


def test_limit_and_continue_are_accepted_and_lists_carry_kind_and_version(
        payment: SandboxServer, payment_client: client.ApiClient) -> None:
    pods = client.CoreV1Api(payment_client).list_namespaced_pod("prod", limit=1, _continue="")
    assert len(pods.items) == 3 and pods.kind == "PodList" and pods.api_version == "v1"
    assert pods.metadata.resource_version == payment.world.resource_version


def test_a_missing_object_is_a_kubernetes_shaped_404(payment_client: client.ApiClient) -> None:
    with pytest.raises(ApiException) as err:
        client.CoreV1Api(payment_client).read_namespaced_pod("nope", "prod")
    assert err.value.status == 404
    assert '"reason":"NotFound"' in err.value.body and 'pods \\"nope\\" not found' in err.value.body


def test_dry_run_patch_returns_the_patched_deployment_and_stores_nothing(
        payment: SandboxServer, payment_client: client.ApiClient) -> None:
    apps = client.AppsV1Api(payment_client)
    before = apps.read_namespaced_deployment("payment", "prod")
    version = payment.world.version
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "payment", "image": "registry.example.com/payment:2.4.0"}]}}}}
    answer = apps.patch_namespaced_deployment("payment", "prod", patch, dry_run="All")
    assert answer.spec.template.spec.containers[0].image == "registry.example.com/payment:2.4.0"
    assert answer.spec.template.spec.containers[0].env[1].value == "200"  # merged by name, not replaced
    after = apps.read_namespaced_deployment("payment", "prod")
    assert after.spec.template.spec.containers[0].image == "registry.example.com/payment:2.4.1"
    assert after.metadata.resource_version == before.metadata.resource_version
    assert payment.world.version == version and payment.world.applied_recoveries == []


def test_a_write_bumps_the_resource_version_and_generation(payment_client: client.ApiClient) -> None:
    apps = client.AppsV1Api(payment_client)
    before = apps.read_namespaced_deployment("payment", "prod")
    after = apps.patch_namespaced_deployment("payment", "prod", {"spec": {"minReadySeconds": 5}})
    assert int(after.metadata.resource_version) > int(before.metadata.resource_version)
    assert after.metadata.generation == before.metadata.generation + 1
    labelled = apps.patch_namespaced_deployment("payment", "prod", {"metadata": {"labels": {"x": "y"}}})
    assert labelled.metadata.generation == after.metadata.generation


def test_a_stale_resource_version_is_a_409_conflict_and_changes_nothing(
        payment: SandboxServer, payment_client: client.ApiClient) -> None:
    apps = client.AppsV1Api(payment_client)
    current = apps.read_namespaced_deployment("payment", "prod")
    stale = current.metadata.resource_version
    apps.patch_namespaced_deployment("payment", "prod", {"metadata": {"labels": {"touched": "yes"}}})
    snapshot = payment.world.get("Deployment", "prod", "payment")
    with pytest.raises(ApiException) as err:
        apps.patch_namespaced_deployment("payment", "prod", {"metadata": {"resourceVersion": stale},
                                                             "spec": {"replicas": 5}})
    assert err.value.status == 409 and '"reason":"Conflict"' in err.value.body
    assert 'Operation cannot be fulfilled on deployments.apps \\"payment\\"' in err.value.body
    current.metadata.resource_version = stale
    current.spec.replicas = 6
    with pytest.raises(ApiException) as err2:
        apps.replace_namespaced_deployment("payment", "prod", current)
    assert err2.value.status == 409
    assert payment.world.get("Deployment", "prod", "payment") is snapshot
    assert snapshot is not None and snapshot["spec"]["replicas"] == 2


def test_replace_with_the_current_resource_version_is_stored(payment_client: client.ApiClient) -> None:
    apps = client.AppsV1Api(payment_client)
    current = apps.read_namespaced_deployment("payment", "prod")
    current.spec.template.spec.containers[0].env[1].value = "2000"
    stored = apps.replace_namespaced_deployment("payment", "prod", current)
    assert stored.spec.template.spec.containers[0].env[1].value == "2000"
    assert apps.read_namespaced_deployment("payment", "prod").spec.template.spec.containers[0].env[1].value == "2000"


def test_the_scale_subresource_reads_and_writes_replicas(payment_client: client.ApiClient) -> None:
    apps = client.AppsV1Api(payment_client)
    scale = apps.read_namespaced_deployment_scale("payment", "prod")
    assert scale.spec.replicas == 2 and scale.status.selector == "app=payment"
    apps.patch_namespaced_deployment_scale("payment", "prod", {"spec": {"replicas": 4}})
    assert apps.read_namespaced_deployment("payment", "prod").spec.replicas == 4
    current = apps.read_namespaced_replica_set("payment-7d4b9c8f6", "prod")
    assert current.spec.replicas == 4  # the controller moved the count to the newest ReplicaSet
    sts = apps.read_namespaced_stateful_set_scale("payments-db", "prod")
    sts.spec.replicas = 3
    assert apps.replace_namespaced_stateful_set_scale("payments-db", "prod", sts).spec.replicas == 3
    with pytest.raises(ApiException) as err:
        apps.patch_namespaced_deployment_scale("payment", "prod", {"spec": {"replicas": -1}})
    assert err.value.status == 422


def test_logs_honour_previous_tail_since_and_timestamps(serve: Callable[..., SandboxServer], tmp_path: Path) -> None:
    from tests.conftest import SHARED_SCENARIOS
    core = client.CoreV1Api(api_client(serve(SHARED_SCENARIOS / "search-oomkilled-limit.yaml"), tmp_path))
    scenario = load_scenario(SHARED_SCENARIOS / "search-oomkilled-limit.yaml")
    block = next(b for b in scenario.logs if b["pod"] == "search-api-6f9d8c7b5d-g5lzq" and b.get("previous"))
    previous = core.read_namespaced_pod_log("search-api-6f9d8c7b5d-g5lzq", "search", previous=True)
    assert previous.splitlines() == block["lines"] * int(block.get("repeat", 1))
    tail = core.read_namespaced_pod_log("search-api-6f9d8c7b5d-g5lzq", "search", previous=True, tail_lines=2)
    assert tail.splitlines() == previous.splitlines()[-2:]
    stamped = core.read_namespaced_pod_log("search-api-6f9d8c7b5d-g5lzq", "search", previous=True, timestamps=True)
    assert all(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z ", line) for line in stamped.splitlines())
    everything = core.read_namespaced_pod_log("search-api-6f9d8c7b5d-g5lzq", "search", previous=True, since_seconds=10 ** 8)
    recent = core.read_namespaced_pod_log("search-api-6f9d8c7b5d-g5lzq", "search", previous=True, since_seconds=60)
    assert everything == previous and len(recent.splitlines()) < len(previous.splitlines())


def test_secrets_answer_403_when_the_sandbox_forbids_them(serve: Callable[..., SandboxServer], tmp_path: Path) -> None:
    from tests.conftest import SHARED_SCENARIOS
    core = client.CoreV1Api(api_client(serve(SHARED_SCENARIOS / "orders-jvm-memory-leak.yaml", forbid_secrets=True), tmp_path))
    with pytest.raises(ApiException) as err:
        core.list_secret_for_all_namespaces()
    assert err.value.status == 403
    assert ('secrets is forbidden: User \\"system:serviceaccount:debugbot:investigator\\" cannot list resource '
            '\\"secrets\\" in API group \\"\\" at the cluster scope') in err.value.body
    with pytest.raises(ApiException) as err2:
        core.read_namespaced_secret("orders-db", "orders")
    assert err2.value.status == 403 and 'in the namespace \\"orders\\"' in err2.value.body
    assert core.read_namespaced_config_map("orders-config", "orders").metadata.name == "orders-config"


def test_deleting_a_pod_answers_the_pod_and_removes_it(payment: SandboxServer, payment_client: client.ApiClient) -> None:
    core = client.CoreV1Api(payment_client)
    gone = core.delete_namespaced_pod("payment-7d4b9c8f6-x2kqj", "prod")
    assert gone.metadata.name == "payment-7d4b9c8f6-x2kqj" and gone.metadata.deletion_timestamp is not None
    assert payment.world.get("Pod", "prod", "payment-7d4b9c8f6-x2kqj") is None
    with pytest.raises(ApiException) as err:
        core.delete_namespaced_pod("payment-7d4b9c8f6-x2kqj", "prod")
    assert err.value.status == 404


def test_deleting_a_deployment_answers_a_status_and_collects_what_it_owns(
        payment: SandboxServer, payment_client: client.ApiClient) -> None:
    status = client.AppsV1Api(payment_client).delete_namespaced_deployment("payment", "prod")
    assert status["status"] == "Success" if isinstance(status, dict) else status.status == "Success"
    assert payment.world.list("ReplicaSet", "prod") == []
    assert [p["metadata"]["name"] for p in payment.world.list("Pod", "prod")] == ["payments-db-0"]
