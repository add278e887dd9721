"""rollback_deployment against the sandbox through the real kubernetes client: plan, dry run, execute, verify."""
from __future__ import annotations

from pathlib import Path

from sandbox.checks import all_hold
from tests.tools.conftest_actions import proposal, served, someone_edits, stored
from tools.actions import execute_action, plan_action

PAYMENT = ("Deployment", "prod", "payment")


def _image(obj: dict) -> str:  # type: ignore[type-arg]
    return str(obj["spec"]["template"]["spec"]["containers"][0]["image"])


def test_rollback_plan_shows_image_and_env_changes_and_leaves_the_world_unchanged(tmp_path: Path) -> None:
    with served("payment-bad-rollout", tmp_path) as (server, ctx):
        before = stored(server, *PAYMENT)
        plan = plan_action(proposal("rollback_deployment", *PAYMENT), ctx)
        assert plan.ok, plan.error
        assert ("spec.template.spec.containers[payment].image: registry.example.com/payment:2.4.1 -> "
                "registry.example.com/payment:2.4.0") in plan.diff
        assert "spec.template.spec.containers[payment].env[DB_POOL_TIMEOUT_MS]: 200 -> 2000" in plan.diff
        assert "DB_HOST" not in plan.diff  # only what changes
        assert plan.resource_version == before["metadata"]["resourceVersion"]  # type: ignore[index]
        assert plan.dry_run_object is not None and _image(plan.dry_run_object).endswith(":2.4.0")
        assert stored(server, *PAYMENT) == before
        assert server.world.applied_recoveries == []


def test_rollback_executes_to_the_previous_revision_and_the_recovery_follows(tmp_path: Path) -> None:
    with served("payment-bad-rollout", tmp_path) as (server, ctx):
        action = proposal("rollback_deployment", *PAYMENT)
        plan = plan_action(action, ctx)
        outcome = execute_action(action, plan, ctx, approver="U0ONCALL1")
        assert outcome.ok and outcome.verified, outcome.text
        assert _image(stored(server, *PAYMENT) or {}) == "registry.example.com/payment:2.4.0"
        assert server.world.applied_recoveries == [0]
        assert all_hold(server.scenario.truth["remediation"]["checks"], server.world)
        assert "revision 6" in outcome.text and "registry.example.com/payment:2.4.0" in outcome.text
        assert "2/2 ready" in outcome.text
        assert outcome.details["revision"] == 6
        annotations = (stored(server, *PAYMENT) or {})["metadata"]["annotations"]
        assert annotations["kubernetes.io/change-cause"] == "deploy payment 2.4.0 (ci run 8590)"


def test_rollback_of_the_inventory_scenario_satisfies_its_checks(tmp_path: Path) -> None:
    with served("inventory-crashloop-missing-env", tmp_path) as (server, ctx):
        action = proposal("rollback_deployment", "Deployment", "retail", "inventory")
        plan = plan_action(action, ctx)
        assert plan.ok, plan.error
        outcome = execute_action(action, plan, ctx, approver="U1")
        assert outcome.verified, outcome.text
        assert all_hold(server.scenario.truth["remediation"]["checks"], server.world)


def test_rollback_to_an_unknown_revision_lists_the_revisions_that_exist(tmp_path: Path) -> None:
    with served("payment-bad-rollout", tmp_path) as (_, ctx):
        plan = plan_action(proposal("rollback_deployment", *PAYMENT, revision=3), ctx)
        assert not plan.ok
        assert "revision 3 not found" in plan.error and "6, 7" in plan.error


def test_rollback_to_the_current_revision_is_a_no_op(tmp_path: Path) -> None:
    with served("payment-bad-rollout", tmp_path) as (server, ctx):
        before = stored(server, *PAYMENT)
        plan = plan_action(proposal("rollback_deployment", *PAYMENT, revision=7), ctx)
        assert not plan.ok and plan.noop
        assert "already at revision 7's template" in plan.error
        assert stored(server, *PAYMENT) == before


def test_rollback_of_a_paused_deployment_is_refused(tmp_path: Path) -> None:
    with served("payment-bad-rollout", tmp_path) as (server, ctx):
        server.world.get(*PAYMENT)["spec"]["paused"] = True  # type: ignore[index]
        server.world.touch()
        plan = plan_action(proposal("rollback_deployment", *PAYMENT), ctx)
        assert not plan.ok and "paused" in plan.error and "rollout resume" in plan.error


def test_a_stale_plan_is_refused_and_nothing_is_applied(tmp_path: Path) -> None:
    with served("payment-bad-rollout", tmp_path) as (server, ctx):
        action = proposal("rollback_deployment", *PAYMENT)
        plan = plan_action(action, ctx)
        someone_edits(ctx, *PAYMENT)
        changed = stored(server, *PAYMENT)
        outcome = execute_action(action, plan, ctx, approver="U1")
        assert not outcome.ok and not outcome.verified
        assert "changed since the approval card was made" in outcome.text
        assert "re-run the investigation" in outcome.text
        assert stored(server, *PAYMENT) == changed
        assert _image(changed or {}).endswith(":2.4.1")


def test_a_plan_survives_a_round_trip_through_json(tmp_path: Path) -> None:
    import json

    from tools.actions import ActionPlanResult

    with served("payment-bad-rollout", tmp_path) as (server, ctx):
        action = proposal("rollback_deployment", *PAYMENT)
        plan = ActionPlanResult.from_dict(json.loads(json.dumps(plan_action(action, ctx).to_dict())))
        outcome = execute_action(action, plan, ctx, approver="U1")
        assert outcome.verified, outcome.text
        assert _image(stored(server, *PAYMENT) or {}).endswith(":2.4.0")
