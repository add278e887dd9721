"""The real kubectl against the sandbox's kubeconfig: what an engineer would type during an incident."""
from __future__ import annotations

import re
import shutil
from collections.abc import Callable

import pytest

from sandbox.scenario import load_scenario
from sandbox.server import SandboxServer
from tests.conftest import SHARED_SCENARIOS, shared_scenarios
from tests.sandbox.conftest import Kubectl

pytestmark = pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")


@pytest.fixture()
def kubectl(payment: SandboxServer, kubectl_for: Callable[[SandboxServer], Kubectl]) -> Kubectl:
    return kubectl_for(payment)


def rows(output: str) -> list[list[str]]:
    return [re.split(r"\s{2,}", line.strip()) for line in output.strip().splitlines()]


@pytest.mark.parametrize("path", shared_scenarios(), ids=lambda p: p.stem)
def test_get_pods_all_namespaces_wide_prints_every_pod_with_its_columns(
        path: object, serve: Callable[..., SandboxServer], kubectl_for: Callable[[SandboxServer], Kubectl]) -> None:
    kubectl = kubectl_for(serve(path))
    table = rows(kubectl("get", "pods", "-A", "-o", "wide"))
    assert table[0][:6] == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert table[0][6:8] == ["IP", "NODE"]
    pods = [o for o in load_scenario(path).objects if o["kind"] == "Pod"]  # type: ignore[arg-type]
    assert sorted((r[0], r[1]) for r in table[1:]) == sorted(
        (p["metadata"]["namespace"], p["metadata"]["name"]) for p in pods)


def test_get_pods_shows_crashloop_status_and_restarts(
        serve: Callable[..., SandboxServer], kubectl_for: Callable[[SandboxServer], Kubectl]) -> None:
    kubectl = kubectl_for(serve(SHARED_SCENARIOS / "search-oomkilled-limit.yaml"))
    line = next(r for r in rows(kubectl("get", "pods", "-n", "search")) if r[0] == "search-api-6f9d8c7b5d-g5lzq")
    assert line[1] == "0/1" and line[2] == "CrashLoopBackOff"
    assert re.match(r"^\d+ \(\S+ ago\)$", line[3])


def test_describe_deployment_shows_template_replica_sets_and_events(kubectl: Kubectl) -> None:
    out = kubectl("describe", "deployment", "payment", "-n", "prod")
    assert "registry.example.com/payment:2.4.1" in out
    assert re.search(r"DB_POOL_TIMEOUT_MS:\s+200", out)
    assert re.search(r"NewReplicaSet:\s+payment-7d4b9c8f6 \(2/2 replicas created\)", out)
    assert re.search(r"OldReplicaSets:\s+payment-59c7f6d8b4", out)
    assert "Scaled down replica set payment-59c7f6d8b4 to 0 from 1" in out


def test_describe_pod_shows_its_events(
        serve: Callable[..., SandboxServer], kubectl_for: Callable[[SandboxServer], Kubectl]) -> None:
    path = SHARED_SCENARIOS / "search-oomkilled-limit.yaml"
    kubectl = kubectl_for(serve(path))
    events = [o for o in load_scenario(path).objects if o["kind"] == "Event"
              and o["involvedObject"]["name"] == "search-api-6f9d8c7b5d-g5lzq"]
    assert events
    out = kubectl("describe", "pod", "search-api-6f9d8c7b5d-g5lzq", "-n", "search")
    assert re.search(r"Last State:\s+Terminated", out) and "OOMKilled" in out
    events_part = out.split("Events:", 1)[1]
    for ev in events:
        assert ev["reason"] in events_part and ev["message"].splitlines()[0][:40] in events_part


def test_logs_and_previous_logs(serve: Callable[..., SandboxServer], kubectl_for: Callable[[SandboxServer], Kubectl]) -> None:
    path = SHARED_SCENARIOS / "search-oomkilled-limit.yaml"
    kubectl = kubectl_for(serve(path))
    logs = load_scenario(path).logs
    current = next(b for b in logs if b["pod"] == "search-api-6f9d8c7b5d-g5lzq" and not b.get("previous"))
    previous = next(b for b in logs if b["pod"] == "search-api-6f9d8c7b5d-g5lzq" and b.get("previous"))
    assert kubectl("logs", "-n", "search", "search-api-6f9d8c7b5d-g5lzq").splitlines() == \
        current["lines"] * int(current.get("repeat", 1))
    assert kubectl("logs", "-p", "-n", "search", "search-api-6f9d8c7b5d-g5lzq", "--tail", "3").splitlines() == \
        (previous["lines"] * int(previous.get("repeat", 1)))[-3:]


def test_logs_previous_without_a_terminated_container_is_the_kubelet_error(kubectl: Kubectl) -> None:
    proc = kubectl.run("logs", "-p", "-n", "prod", "payment-7d4b9c8f6-9vtzm", check=False)
    assert proc.returncode != 0
    assert 'previous terminated container "payment" in pod "payment-7d4b9c8f6-9vtzm" not found' in proc.stderr


def test_rollout_history_lists_the_revisions_with_their_change_causes(kubectl: Kubectl) -> None:
    table = rows(kubectl("rollout", "history", "deployment/payment", "-n", "prod"))
    assert table[1:] == [["REVISION", "CHANGE-CAUSE"], ["6", "deploy payment 2.4.0 (ci run 8590)"],
                         ["7", "deploy payment 2.4.1 (ci run 8812)"]]


def test_rollout_undo_restores_the_previous_template_and_applies_the_recovery(
        payment: SandboxServer, kubectl: Kubectl) -> None:
    assert "rolled back" in kubectl("rollout", "undo", "deployment/payment", "-n", "prod")
    image = kubectl("get", "deployment", "payment", "-n", "prod", "-o",
                    "jsonpath={.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].env[1].value}")
    assert image == "registry.example.com/payment:2.4.0 2000"
    history = rows(kubectl("rollout", "history", "deployment/payment", "-n", "prod"))
    assert history[-1] == ["8", "deploy payment 2.4.0 (ci run 8590)"]
    assert payment.world.applied_recoveries == [0]
    assert kubectl("logs", "-n", "prod", "payment-7d4b9c8f6-x2kqj").strip() == "2026-11-24T14:36:00Z INFO  POST /v1/charges 201 84ms"
    replica_sets = {r[0]: r[1] for r in rows(kubectl("get", "rs", "-n", "prod"))[1:]}
    assert replica_sets == {"payment-59c7f6d8b4": "2", "payment-7d4b9c8f6": "0"}


def test_rollout_restart_stamps_the_template_and_makes_a_new_revision(kubectl: Kubectl) -> None:
    kubectl("rollout", "restart", "deployment/payment", "-n", "prod")
    stamp = kubectl("get", "deployment", "payment", "-n", "prod", "-o",
                    r"jsonpath={.spec.template.metadata.annotations.kubectl\.kubernetes\.io/restartedAt}")
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", stamp)
    assert rows(kubectl("rollout", "history", "deployment/payment", "-n", "prod"))[-1][0] == "8"


def test_scale_changes_the_desired_replicas(kubectl: Kubectl) -> None:
    assert "scaled" in kubectl("scale", "deployment/payment", "-n", "prod", "--replicas=5")
    assert rows(kubectl("get", "deployment", "payment", "-n", "prod"))[1][1] == "2/5"
    kubectl("scale", "statefulset/payments-db", "-n", "prod", "--replicas=2")
    assert kubectl("get", "sts", "payments-db", "-n", "prod", "-o", "jsonpath={.spec.replicas}") == "2"


def test_get_events_with_a_field_selector_prints_only_that_objects_events(
        serve: Callable[..., SandboxServer], kubectl_for: Callable[[SandboxServer], Kubectl]) -> None:
    path = SHARED_SCENARIOS / "inventory-crashloop-missing-env.yaml"
    kubectl = kubectl_for(serve(path))
    events = [o for o in load_scenario(path).objects if o["kind"] == "Event"]
    name = events[0]["involvedObject"]["name"]
    table = rows(kubectl("get", "events", "-A", "--field-selector", f"involvedObject.name={name}"))
    assert table[0][:5] == ["NAMESPACE", "LAST SEEN", "TYPE", "REASON", "OBJECT"]
    assert len(table) - 1 == sum(1 for e in events if e["involvedObject"]["name"] == name)
    assert all(r[4].endswith(f"/{name}") for r in table[1:])


def test_watch_is_refused_with_a_clear_message(kubectl: Kubectl) -> None:
    proc = kubectl.run("get", "--raw", "/api/v1/namespaces/prod/pods?watch=true", check=False)
    assert proc.returncode != 0 and "watch is not supported" in proc.stderr


def test_delete_pod_removes_it(payment: SandboxServer, kubectl: Kubectl) -> None:
    assert 'pod "payments-db-0" deleted' in kubectl("delete", "pod", "payments-db-0", "-n", "prod")
    assert "payments-db-0" not in kubectl("get", "pods", "-n", "prod")


def test_kubectl_resolves_the_common_built_in_kinds(kubectl: Kubectl) -> None:
    for resource in ("svc", "ep", "cm", "secrets", "no", "ns", "pvc", "pv", "quota", "limits", "sa", "deploy", "rs",
                     "sts", "ds", "jobs", "cronjobs", "hpa", "netpol", "ing", "sc", "roles", "clusterroles", "pdb",
                     "events.events.k8s.io"):
        proc = kubectl.run("get", resource, "-A", check=False)
        assert proc.returncode == 0, f"{resource}: {proc.stderr}"

