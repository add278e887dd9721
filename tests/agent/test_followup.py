"""Follow-up questions through the graph over the sandbox (rules reasoner): the tools a question asks for,
the answer built from their results, and budgets that count work, not waiting."""
from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from agent import api
from agent.reasoners.followup import Subject, planned_calls, subject_of
from cli.session import Session, sandbox_session, trigger_of
from tests.conftest import SHARED_SCENARIOS
from tools.report import ReportStatus

PAYMENT = SHARED_SCENARIOS / "payment-bad-rollout.yaml"


def _config(incident: str) -> Any:
    return {"configurable": {"thread_id": incident}}


def _values(s: Session, incident: str) -> dict[str, Any]:
    return dict(s.graph.get_state(_config(incident)).values)


@pytest.fixture()
def resolved() -> Iterator[Session]:
    """A payment investigation approved, rolled back and resolved under incident id "t"."""
    with sandbox_session(PAYMENT) as s:
        assert api.investigate(s.graph, incident_id="t", trigger=trigger_of(s.scenario)).awaiting_approval
        assert api.resume(s.graph, incident_id="t", decision="approve", user="U1").report.status \
            is ReportStatus.RESOLVED
        yield s


def _ask(s: Session, question: str) -> tuple[str, list[dict[str, Any]]]:
    """The answer's text and the observations the question added."""
    before = len(_values(s, "t").get("observations") or [])
    report = api.follow_up(s.graph, incident_id="t", question=question).report
    return report.summary, list(_values(s, "t").get("observations") or [])[before:]


def test_show_logs_runs_pod_logs_on_a_pod_of_the_workload_and_answers_with_its_lines(resolved: Session) -> None:
    answer, new = _ask(resolved, "show logs of payment")

    assert [o["tool"] for o in new] == ["pod_logs"]
    assert new[0]["args"]["pod"].startswith("payment-")
    assert "db pool: timeout acquiring connection" in answer
    assert f"rerun with: {new[0]['invocation']}" in answer and "/log?" in answer


def test_what_changed_in_the_last_rollout_answers_from_the_rollout_history(resolved: Session) -> None:
    answer, new = _ask(resolved, "what changed in the last rollout?")

    assert [o["tool"] for o in new] == ["rollout_history"]
    assert "registry.example.com/payment:2.4.1" in answer and "DB_POOL_TIMEOUT_MS" in answer
    assert "GET /apis/apps/v1/namespaces/prod/deployments/payment" in answer


def test_error_rate_now_answers_with_the_5xx_share_and_its_promql(resolved: Session) -> None:
    answer, new = _ask(resolved, "error rate now?")

    assert [o["tool"] for o in new] == ["error_rate"]
    assert "5xx share of requests" in answer and 'status=~"5.."' in answer


def test_is_it_fixed_looks_at_the_workload_and_its_errors_again(resolved: Session) -> None:
    answer, new = _ask(resolved, "is it fixed?")

    assert [o["tool"] for o in new] == ["workload_status", "error_rate"]
    assert "Deployment prod/payment: replicas desired 2" in answer and "5xx share" in answer


def test_events_for_a_named_pod_asks_for_that_pods_events(resolved: Session) -> None:
    pod = _values(resolved, "t")["focus"]["pods"][0]["name"]

    answer, new = _ask(resolved, f"events for pod {pod}?")

    assert [(o["tool"], o["args"]["kind"], o["args"]["name"]) for o in new] == [("events", "Pod", pod)]
    assert f"involvedObject.name%3D{pod}" in answer


def test_an_unknown_question_gets_the_investigation_summary_and_what_can_be_asked(resolved: Session) -> None:
    _ask(resolved, "error rate now?")  # an earlier answer must not become "the investigation"

    answer, new = _ask(resolved, "who should I page about this?")

    assert new == []
    assert "From the investigation: the rollout of revision 7 of payment caused the symptoms" in answer
    assert "5xx share" not in answer
    assert "logs of a pod or workload" in answer and "whether it is fixed" in answer


def test_a_follow_up_hours_after_the_start_still_gets_its_tools(resolved: Session) -> None:
    resolved.graph.update_state(_config("t"), {"started_at": time.time() - 2 * 3600}, as_node="report")

    answer, new = _ask(resolved, "show logs of payment")

    assert [o["tool"] for o in new] == ["pod_logs"] and "db pool: timeout" in answer
    assert "Budget spent" not in answer


def test_each_follow_up_gets_its_own_step_budget() -> None:
    with sandbox_session(PAYMENT) as probe:
        api.investigate(probe.graph, incident_id="p", trigger=trigger_of(probe.scenario))
        api.resume(probe.graph, incident_id="p", decision="approve", user="U1")
        used = int(_values(probe, "p")["step"])
    with sandbox_session(PAYMENT, max_steps=used) as s:
        api.investigate(s.graph, incident_id="t", trigger=trigger_of(s.scenario))
        assert api.resume(s.graph, incident_id="t", decision="approve", user="U1").report.status \
            is ReportStatus.RESOLVED
        for question in ("show logs of payment", "error rate now?"):
            answer, new = _ask(s, question)
            assert len(new) == 1 and new[0]["status"] == "ok", question
            assert "rerun with:" in answer


def test_time_waiting_for_the_approval_click_does_not_count_against_the_time_budget() -> None:
    with sandbox_session(PAYMENT, max_seconds=30) as s:
        started = time.monotonic()
        api.investigate(s.graph, incident_id="t", trigger=trigger_of(s.scenario))
        time.sleep(1.5)  # the human reading the card
        assert api.resume(s.graph, incident_id="t", decision="approve", user="U1").report.status \
            is ReportStatus.RESOLVED
        wall = time.monotonic() - started
        active = float(_values(s, "t")["active_s"])

    assert 0 < active < wall - 1.4


def test_logs_of_another_workload_find_its_pods_first_then_read_one(resolved: Session) -> None:
    answer, new = _ask(resolved, "show me the logs of payments-db")

    assert [o["tool"] for o in new] == ["workload_status", "pod_logs"]
    assert new[0]["args"]["name"] == "payments-db" and new[1]["args"]["pod"].startswith("payments-db-")
    assert f"rerun with: {new[1]['invocation']}" in answer


def test_a_workload_whose_name_extends_another_is_not_taken_for_its_pod() -> None:
    state: Any = {"focus": {"workloads": [{"kind": "Deployment", "namespace": "shop", "name": "orders"}],
                            "pods": [{"name": "orders-7c9f6d5b8-h4kzq"}]},
                  "findings": [{"affected": {"kind": "Deployment", "namespace": "shop", "name": "orders-worker"}}]}

    assert subject_of(state, "logs of orders-worker please") == Subject("shop", "Deployment", "orders-worker")
    assert subject_of(state, "logs of orders-worker-5f6d-abcde") == Subject(
        "shop", "Deployment", "orders-worker", pod="orders-worker-5f6d-abcde")
    assert subject_of(state, "is it fixed?") == Subject("shop", "Deployment", "orders", pod="orders-7c9f6d5b8-h4kzq")


def test_calls_for_a_workload_that_is_not_a_deployment_check_its_status_instead_of_a_rollout() -> None:
    subject = Subject(namespace="db", kind="StatefulSet", name="postgres", pod="postgres-0")

    calls = planned_calls(subject, "What changed? And show me the logs")

    assert [(c.tool, c.args.get("name") or c.args.get("pod")) for c in calls] == [
        ("pod_logs", "postgres-0"), ("workload_status", "postgres")]
