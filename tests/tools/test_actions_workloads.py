"""restart_workload, scale_workload, set_resources and delete_pod against the sandbox, through the real client."""
from __future__ import annotations

from pathlib import Path

from sandbox.checks import all_hold
from tests.tools.conftest_actions import proposal, served, stored
from tools.actions import execute_action, plan_action

RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"


def test_restart_sets_the_restarted_at_annotation_and_satisfies_the_orders_checks(tmp_path: Path) -> None:
    with served("orders-jvm-memory-leak", tmp_path) as (server, ctx):
        action = proposal("restart_workload", "Deployment", "orders", "orders")
        plan = plan_action(action, ctx)
        assert plan.ok, plan.error
        assert f"spec.template.metadata.annotations[{RESTARTED_AT}]: (none) -> " in plan.diff
        assert RESTARTED_AT not in str(stored(server, "Deployment", "orders", "orders"))
        outcome = execute_action(action, plan, ctx, approver="U1")
        assert outcome.ok and outcome.verified, outcome.text
        dep = stored(server, "Deployment", "orders", "orders") or {}
        assert dep["spec"]["template"]["metadata"]["annotations"][RESTARTED_AT] == outcome.details["restarted_at"]
        assert all_hold(server.scenario.truth["remediation"]["checks"], server.world)
        assert outcome.text.startswith("restarted deployment orders/orders")


def test_restart_works_on_a_daemonset(tmp_path: Path) -> None:
    with served("coredns-mtu-after-upgrade", tmp_path) as (server, ctx):
        action = proposal("restart_workload", "DaemonSet", "kube-system", "calico-node")
        outcome = execute_action(action, plan_action(action, ctx), ctx, approver="U1")
        assert outcome.verified, outcome.text
        ds = stored(server, "DaemonSet", "kube-system", "calico-node") or {}
        assert RESTARTED_AT in ds["spec"]["template"]["metadata"]["annotations"]


def test_scale_goes_through_the_scale_subresource(tmp_path: Path) -> None:
    with served("payment-bad-rollout", tmp_path) as (server, ctx):
        # Any PATCH of the Deployment itself fails: only the /scale subresource can succeed.
        server.inject(r"/deployments/payment(\?|$)", status=500, method="PATCH")
        action = proposal("scale_workload", "Deployment", "prod", "payment", replicas=4)
        plan = plan_action(action, ctx)
        assert plan.ok, plan.error
        assert plan.diff == "spec.replicas: 2 -> 4"
        assert stored(server, "Deployment", "prod", "payment")["spec"]["replicas"] == 2  # type: ignore[index]
        outcome = execute_action(action, plan, ctx, approver="U1")
        assert outcome.ok and outcome.verified, outcome.text
        assert stored(server, "Deployment", "prod", "payment")["spec"]["replicas"] == 4  # type: ignore[index]
        assert "from 2 to 4 replicas" in outcome.text and "spec.replicas = 4" in outcome.text


def test_scale_of_a_statefulset_to_zero_is_allowed(tmp_path: Path) -> None:
    with served("payment-bad-rollout", tmp_path) as (server, ctx):
        action = proposal("scale_workload", "StatefulSet", "prod", "payments-db", replicas=0)
        outcome = execute_action(action, plan_action(action, ctx), ctx, approver="U1")
        assert outcome.verified, outcome.text
        assert stored(server, "StatefulSet", "prod", "payments-db")["spec"]["replicas"] == 0  # type: ignore[index]


def test_scale_to_the_same_count_is_a_no_op(tmp_path: Path) -> None:
    with served("payment-bad-rollout", tmp_path) as (_, ctx):
        plan = plan_action(proposal("scale_workload", "Deployment", "prod", "payment", replicas=2), ctx)
        assert not plan.ok and plan.noop and plan.error.startswith("no change")


def test_set_resources_raises_the_memory_limit_and_the_search_check_holds(tmp_path: Path) -> None:
    with served("search-oomkilled-limit", tmp_path) as (server, ctx):
        action = proposal("set_resources", "Deployment", "search", "search-api",
                          container="search-api", limits={"memory": "1Gi"})
        plan = plan_action(action, ctx)
        assert plan.ok, plan.error
        assert "spec.template.spec.containers[search-api].resources.limits[memory]:" in plan.diff
        assert plan.diff.splitlines()[0].endswith("-> 1Gi")
        outcome = execute_action(action, plan, ctx, approver="U1")
        assert outcome.ok and outcome.verified, outcome.text
        dep = stored(server, "Deployment", "search", "search-api") or {}
        assert dep["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["memory"] == "1Gi"
        assert all_hold(server.scenario.truth["remediation"]["checks"], server.world)


def test_set_resources_names_the_containers_when_the_one_asked_for_is_missing(tmp_path: Path) -> None:
    with served("search-oomkilled-limit", tmp_path) as (_, ctx):
        plan = plan_action(proposal("set_resources", "Deployment", "search", "search-api",
                                    container="sidecar", limits={"memory": "1Gi"}), ctx)
        assert not plan.ok and "no container 'sidecar'" in plan.error and "search-api" in plan.error


def test_set_resources_refuses_a_request_above_the_limit(tmp_path: Path) -> None:
    with served("search-oomkilled-limit", tmp_path) as (_, ctx):
        plan = plan_action(proposal("set_resources", "Deployment", "search", "search-api",
                                    container="search-api", requests={"memory": "64Gi"}), ctx)
        assert not plan.ok and "requests.memory 64Gi would exceed limits.memory" in plan.error


def test_delete_pod_removes_the_pod_and_names_its_replacement_owner(tmp_path: Path) -> None:
    pod = ("Pod", "prod", "payment-7d4b9c8f6-x2kqj")
    with served("payment-bad-rollout", tmp_path) as (server, ctx):
        action = proposal("delete_pod", *pod)
        plan = plan_action(action, ctx)
        assert plan.ok, plan.error
        assert "Pod prod/payment-7d4b9c8f6-x2kqj: deleted" in plan.diff
        assert "ReplicaSet payment-7d4b9c8f6 will create a replacement" in plan.diff
        assert stored(server, *pod) is not None  # the dry run deleted nothing
        outcome = execute_action(action, plan, ctx, approver="U1")
        assert outcome.ok and outcome.verified, outcome.text
        assert stored(server, *pod) is None
        assert "pod gone or replaced" in outcome.text
