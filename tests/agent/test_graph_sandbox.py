"""The investigation graph over the sandbox (real HTTP, real kubernetes client), rules reasoner."""
from __future__ import annotations

from agent import api
from cli.session import sandbox_session, trigger_of
from sandbox.checks import get_path
from tests.conftest import SHARED_SCENARIOS
from tools.models import ActionName
from tools.report import ReportStatus

PAYMENT = SHARED_SCENARIOS / "payment-bad-rollout.yaml"
IMAGE = "spec.template.spec.containers[0].image"


def _image(session: object) -> str:
    dep = session.server.world.get("Deployment", "prod", "payment")  # type: ignore[attr-defined]
    return str(get_path(dep, IMAGE))


def test_payment_investigation_stops_for_approval_with_a_rollback_and_changes_nothing() -> None:
    events: list[str] = []
    with sandbox_session(PAYMENT) as s:
        result = api.investigate(s.graph, incident_id="t-1", trigger=trigger_of(s.scenario),
                                 on_event=lambda e: events.append(e.kind))
        assert result.awaiting_approval
        assert result.report.status is ReportStatus.AWAITING_APPROVAL
        proposal = result.interrupt["proposal"]  # type: ignore[index]
        assert proposal["action"] == ActionName.ROLLBACK_DEPLOYMENT.value
        assert proposal["target"]["name"] == "payment"
        assert "2.4.0" in result.interrupt["approval"]["diff"]  # type: ignore[index]
        assert _image(s).endswith("payment:2.4.1")  # nothing ran before the human
    assert {"hypothesis", "tool_call", "tool_result", "approval_request"} <= set(events)


def test_approved_rollback_runs_once_and_is_verified() -> None:
    with sandbox_session(PAYMENT) as s:
        api.investigate(s.graph, incident_id="t-2", trigger=trigger_of(s.scenario))
        result = api.resume(s.graph, incident_id="t-2", decision="approve", user="U1")
        assert result.report.status is ReportStatus.RESOLVED
        assert result.report.category in ("bad_rollout", "config_error")
        assert _image(s).endswith("payment:2.4.0")


def test_declined_rollback_changes_nothing_and_ends_with_advice() -> None:
    with sandbox_session(PAYMENT) as s:
        api.investigate(s.graph, incident_id="t-3", trigger=trigger_of(s.scenario))
        result = api.resume(s.graph, incident_id="t-3", decision="reject", user="U1")
        assert not result.awaiting_approval
        assert result.report.status is ReportStatus.ESCALATED
        assert _image(s).endswith("payment:2.4.1")
        assert result.report.proposed_actions[0].action is ActionName.ROLLBACK_DEPLOYMENT
        assert "declined" in result.report.text()


def test_spent_step_budget_yields_a_partial_report_not_an_exception() -> None:
    with sandbox_session(PAYMENT, max_steps=1) as s:
        result = api.investigate(s.graph, incident_id="t-4", trigger=trigger_of(s.scenario))
        assert not result.awaiting_approval
        assert result.report.status is ReportStatus.INCONCLUSIVE
        assert "budget" in result.report.summary.lower()
        assert result.report.hypotheses
