"""Every error path of the actions is ok=False with a message a human can act on, and is audited."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
import redis

from tests.tools.conftest_actions import proposal, served, someone_edits, stored
from tools.actions import execute_action, plan_action
from tools.actions.plan import prepare, send
from tools.audit import AuditEvent, AuditLog
from tools.errors import Conflict

PAYMENT = ("Deployment", "prod", "payment")
DEPLOYMENT_PATH = r"/namespaces/prod/deployments/payment(\?|$)"


def test_a_forbidden_dry_run_is_reported_with_the_permission_needed(tmp_path: Path) -> None:
    with served("payment-bad-rollout", tmp_path) as (server, ctx):
        server.inject(DEPLOYMENT_PATH, status=403, method="PATCH",
                      message='deployments.apps "payment" is forbidden: User "debugbot" cannot patch')
        plan = plan_action(proposal("rollback_deployment", *PAYMENT), ctx)
        assert not plan.ok
        assert "refused dry-run patching Deployment prod/payment (403)" in plan.error
        assert "cannot patch" in plan.error and "executor role" in plan.error


def test_a_missing_target_is_a_clear_not_found(tmp_path: Path) -> None:
    with served("payment-bad-rollout", tmp_path) as (_, ctx):
        plan = plan_action(proposal("restart_workload", "Deployment", "prod", "paymnet"), ctx)
        assert not plan.ok and "not found (404) when reading Deployment prod/paymnet" in plan.error


def test_a_target_deleted_after_the_plan_fails_the_execution_cleanly(tmp_path: Path) -> None:
    with served("payment-bad-rollout", tmp_path) as (server, ctx):
        action = proposal("restart_workload", *PAYMENT)
        plan = plan_action(action, ctx)
        server.world.remove(*PAYMENT)
        outcome = execute_action(action, plan, ctx, approver="U1")
        assert not outcome.ok and "not found (404)" in outcome.text


def test_a_server_error_on_read_is_reported_with_its_status(tmp_path: Path) -> None:
    with served("payment-bad-rollout", tmp_path) as (server, ctx):
        server.inject(DEPLOYMENT_PATH, status=500, method="GET")
        plan = plan_action(proposal("scale_workload", *PAYMENT, replicas=3), ctx)
        assert not plan.ok and "API server error (500) when reading Deployment prod/payment" in plan.error


def test_a_hanging_api_server_becomes_a_timeout_within_the_budget(tmp_path: Path) -> None:
    with served("payment-bad-rollout", tmp_path, k8s_timeout_s=0.5) as (server, ctx):
        server.inject(DEPLOYMENT_PATH, status=None, delay_s=5, method="GET")
        started = time.monotonic()
        plan = plan_action(proposal("restart_workload", *PAYMENT), ctx)
        assert time.monotonic() - started < 3
        assert not plan.ok and "did not answer within 0.5s when reading Deployment prod/payment" in plan.error


def test_a_write_that_times_out_says_it_may_have_been_applied(tmp_path: Path) -> None:
    with served("payment-bad-rollout", tmp_path, k8s_timeout_s=0.5) as (server, ctx):
        action = proposal("restart_workload", *PAYMENT)
        plan = plan_action(action, ctx)
        server.inject(DEPLOYMENT_PATH, status=None, delay_s=5, method="PATCH")
        outcome = execute_action(action, plan, ctx, approver="U1")
        assert not outcome.ok and "may or may not have been applied" in outcome.text


def test_a_conflict_between_the_check_and_the_write_is_refused(tmp_path: Path) -> None:
    with served("payment-bad-rollout", tmp_path) as (server, ctx):
        action = proposal("rollback_deployment", *PAYMENT)
        plan = plan_action(action, ctx)
        server.inject(DEPLOYMENT_PATH, status=409, method="PATCH", times=1, message="the object has been modified")
        outcome = execute_action(action, plan, ctx, approver="U1")
        assert not outcome.ok and "409 Conflict" in outcome.text and "re-run the investigation" in outcome.text
        assert (stored(server, *PAYMENT) or {})["spec"]["template"]["spec"]["containers"][0]["image"].endswith("2.4.1")


def test_the_resource_version_precondition_reaches_the_server(tmp_path: Path) -> None:
    """Even past the re-read, a write carrying an old resourceVersion gets the server's 409 and changes nothing."""
    with served("payment-bad-rollout", tmp_path) as (server, ctx):
        plan = plan_action(proposal("scale_workload", *PAYMENT, replicas=4), ctx)
        prepared = prepare(plan.action, ctx)
        someone_edits(ctx, *PAYMENT)
        with pytest.raises(Conflict, match="409"):
            send(prepared, dry_run=False, resource_version=plan.resource_version)
        assert (stored(server, *PAYMENT) or {})["spec"]["replicas"] == 2


def test_execution_is_audited_as_executed_then_verified(tmp_path: Path, redis_url: str) -> None:
    audit = AuditLog(redis.Redis.from_url(redis_url))
    with served("payment-bad-rollout", tmp_path) as (_, ctx):
        action = proposal("rollback_deployment", *PAYMENT)
        plan = plan_action(action, ctx)
        outcome = execute_action(action, plan, ctx, approver="U0ONCALL1", audit=audit, incident_id="T1-C1-1.2",
                                 approval_id="ap1")
    assert outcome.verified
    entries = audit.for_incident("T1-C1-1.2")
    assert [e.event for e in entries] == [AuditEvent.EXECUTED, AuditEvent.VERIFIED]
    assert all(e.user == "U0ONCALL1" and e.approval_id == "ap1" for e in entries)
    assert entries[0].action == "rollback_deployment" and entries[0].target == "Deployment prod/payment"
    assert "2.4.0" in entries[0].diff and entries[1].outcome == outcome.text


def test_a_refused_execution_is_audited_as_failed(tmp_path: Path, redis_url: str) -> None:
    audit = AuditLog(redis.Redis.from_url(redis_url))
    with served("payment-bad-rollout", tmp_path) as (server, ctx):
        action = proposal("restart_workload", *PAYMENT)
        plan = plan_action(action, ctx)
        someone_edits(ctx, *PAYMENT)
        outcome = execute_action(action, plan, ctx, approver="U1", audit=audit, incident_id="T1-C1-2.3")
    assert not outcome.ok
    entries = audit.for_incident("T1-C1-2.3")
    assert [e.event for e in entries] == [AuditEvent.FAILED] and "changed since" in entries[0].outcome
