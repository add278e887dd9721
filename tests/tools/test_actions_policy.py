"""Policy of the actions: namespaces, kinds, the patch allow-list, Secrets and RBAC, params, advice only."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.tools.conftest_actions import proposal, served, stored
from tools.actions import MAX_REPLICAS, NO_CHANGE, execute_action, is_mutating, plan_action
from tools.actions.allowlist import patch_leaves
from tools.models import ActionName, ProposedAction

PAYMENT = ("Deployment", "prod", "payment")


def test_every_action_but_recommend_only_is_mutating() -> None:
    for name in ActionName:
        assert is_mutating(ProposedAction(action=name)) == (name is not ActionName.RECOMMEND_ONLY)


def test_recommend_only_plans_to_no_change_and_cannot_execute(tmp_path: Path) -> None:
    with served("coredns-mtu-after-upgrade", tmp_path) as (_, ctx):
        action = proposal("recommend_only", "ConfigMap", "kube-system", "calico-config", note="lower the MTU")
        plan = plan_action(action, ctx)
        assert plan.ok and plan.diff == NO_CHANGE
        outcome = execute_action(action, plan, ctx, approver="U1")
        assert not outcome.ok and "advice only" in outcome.text


def test_a_namespace_outside_the_allowed_ones_is_refused(tmp_path: Path) -> None:
    with served("payment-bad-rollout", tmp_path, allowed_namespaces=["other"]) as (server, ctx):
        before = stored(server, *PAYMENT)
        action = proposal("rollback_deployment", *PAYMENT)
        plan = plan_action(action, ctx)
        assert not plan.ok and "DEBUGBOT_ALLOWED_NAMESPACES" in plan.error and "'prod'" in plan.error
        forced = execute_action(action, plan.__class__(ok=True, action=action, diff="", resource_version=None),
                                ctx, approver="U1")
        assert not forced.ok and "DEBUGBOT_ALLOWED_NAMESPACES" in forced.text
        assert stored(server, *PAYMENT) == before


def test_a_patch_outside_the_allow_list_is_refused_naming_the_path(tmp_path: Path) -> None:
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "payment", "command": ["sh"]}]}}}}
    with served("payment-bad-rollout", tmp_path) as (_, ctx):
        plan = plan_action(proposal("patch_resource", *PAYMENT, patch=patch), ctx)
        assert not plan.ok
        assert "spec.template.spec.containers.command" in plan.error and "DEBUGBOT_PATCH_ALLOWLIST" in plan.error


def test_a_patch_inside_the_allow_list_is_planned_and_applied(tmp_path: Path) -> None:
    patch = {"spec": {"template": {"spec": {"containers": [
        {"name": "payment", "image": "registry.example.com/payment:2.4.0"}]}}}}
    with served("payment-bad-rollout", tmp_path) as (server, ctx):
        action = proposal("patch_resource", *PAYMENT, patch=patch)
        plan = plan_action(action, ctx)
        assert plan.ok, plan.error
        assert plan.diff.startswith("spec.template.spec.containers[payment].image: "
                                    "registry.example.com/payment:2.4.1 -> registry.example.com/payment:2.4.0")
        outcome = execute_action(action, plan, ctx, approver="U1")
        assert outcome.verified, outcome.text
        containers = (stored(server, *PAYMENT) or {})["spec"]["template"]["spec"]["containers"]
        assert containers[0]["image"].endswith(":2.4.0") and len(containers[0]["env"]) == 2  # merged by name


def test_a_service_selector_patch_is_allowed_by_the_default_list(tmp_path: Path) -> None:
    with served("payment-bad-rollout", tmp_path) as (server, ctx):
        action = proposal("patch_resource", "Service", "prod", "payment", patch={"spec": {"selector": {"tier": "api"}}})
        outcome = execute_action(action, plan_action(action, ctx), ctx, approver="U1")
        assert outcome.verified, outcome.text
        assert (stored(server, "Service", "prod", "payment") or {})["spec"]["selector"] == {"app": "payment",
                                                                                          "tier": "api"}


def test_a_secret_patch_is_refused_even_when_the_path_is_allow_listed(tmp_path: Path) -> None:
    with served("inventory-crashloop-missing-env", tmp_path, patch_allowlist=["Secret:data"]) as (server, ctx):
        before = stored(server, "Secret", "retail", "inventory-db")
        plan = plan_action(proposal("patch_resource", "Secret", "retail", "inventory-db",
                                    patch={"data": {"password": "aGFjaw=="}}), ctx)
        assert not plan.ok and "DEBUGBOT_ALLOW_SECRET_AND_RBAC_PATCHES" in plan.error
        assert stored(server, "Secret", "retail", "inventory-db") == before


def test_an_operator_can_enable_secret_patches(tmp_path: Path) -> None:
    with served("inventory-crashloop-missing-env", tmp_path, patch_allowlist=["Secret:data"],
                allow_secret_and_rbac_patches=True) as (_, ctx):
        plan = plan_action(proposal("patch_resource", "Secret", "retail", "inventory-db",
                                    patch={"data": {"password": "aGFjaw=="}}), ctx)
        assert plan.ok, plan.error


@pytest.mark.parametrize(("action", "kind", "name"), [
    ("rollback_deployment", "StatefulSet", "payments-db"),
    ("delete_pod", "Deployment", "payment"),
    ("scale_workload", "Service", "payment"),
])
def test_an_action_on_a_kind_it_does_not_fit_is_refused(tmp_path: Path, action: str, kind: str,
                                                        name: str) -> None:
    with served("payment-bad-rollout", tmp_path) as (_, ctx):
        plan = plan_action(proposal(action, kind, "prod", name, **({"replicas": 1} if "scale" in action else {})),
                           ctx)
        assert not plan.ok and f"not on {kind}" in plan.error


def test_scaling_a_replicaset_owned_by_a_deployment_is_refused(tmp_path: Path) -> None:
    with served("payment-bad-rollout", tmp_path) as (_, ctx):
        plan = plan_action(proposal("scale_workload", "ReplicaSet", "prod", "payment-7d4b9c8f6", replicas=3), ctx)
        assert not plan.ok and "scale the Deployment instead" in plan.error


@pytest.mark.parametrize(("action", "params", "expected"), [
    ("scale_workload", {"replicas": MAX_REPLICAS + 1}, f"above the cap of {MAX_REPLICAS}"),
    ("scale_workload", {"replicas": -1}, "replicas"),
    ("scale_workload", {}, "replicas: Field required"),
    ("set_resources", {"container": "payment", "limits": {"memory": "lots"}}, "not a Kubernetes quantity"),
    ("set_resources", {"container": "payment"}, "give limits and/or requests"),
    ("rollback_deployment", {"revision": "six"}, "revision"),
    ("restart_workload", {"force": True}, "force"),
    ("patch_resource", {"patch": {}}, "patch"),
])
def test_invalid_params_are_refused_with_the_field_named(tmp_path: Path, action: str, params: dict[str, object],
                                                          expected: str) -> None:
    with served("payment-bad-rollout", tmp_path) as (_, ctx):
        plan = plan_action(proposal(action, *PAYMENT, **params), ctx)
        assert not plan.ok and expected in plan.error and f"bad params for {action}" in plan.error


def test_patch_leaves_ignore_merge_keys_and_descend_into_list_items() -> None:
    patch = {"spec": {"template": {"spec": {"containers": [
        {"name": "a", "image": "x", "env": [{"name": "E", "value": "1"}]}]}}}, "metadata": {"labels": {"k": "v"}}}
    assert patch_leaves(patch) == ["spec.template.spec.containers.image", "spec.template.spec.containers.env.value",
                                   "metadata.labels.k"]


def test_a_plan_made_for_another_action_is_not_executed(tmp_path: Path) -> None:
    with served("payment-bad-rollout", tmp_path) as (server, ctx):
        before = stored(server, *PAYMENT)
        plan = plan_action(proposal("scale_workload", *PAYMENT, replicas=3), ctx)
        outcome = execute_action(proposal("scale_workload", *PAYMENT, replicas=30), plan, ctx, approver="U1")
        assert not outcome.ok and "different action" in outcome.text
        assert stored(server, *PAYMENT) == before
