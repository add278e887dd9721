"""The LLM reasoner through the real `openai` client against a loopback fake, over the sandbox."""
from __future__ import annotations

from agent import api
from cli.session import sandbox_session, trigger_of
from tests.conftest import SHARED_SCENARIOS
from tests.fakes.openai_server import FakeOpenAI, Turn, call
from tools.report import ReportStatus

PAYMENT = SHARED_SCENARIOS / "payment-bad-rollout.yaml"
TARGET = {"kind": "Deployment", "namespace": "prod", "name": "payment"}


def _llm(fake: FakeOpenAI, **extra: object) -> dict[str, object]:
    return {"reasoner": "llm", "llm_base_url": fake.base_url, "llm_model": "fake-model", "llm_timeout_s": 2.0,
            "llm_max_retries": 2, **extra}


def test_guards_refuse_bad_calls_and_the_scripted_trajectory_reaches_a_verified_rollback() -> None:
    turns = [
        Turn(tool_calls=[call("rollout_history", namespace="prod", deployment="payment"),
                         call("workload_status", kind="Deployment", namespace="prod", name="payment")]),
        Turn(tool_calls=[("pod_logs", "{not json"), call("kubectl_exec", command="rm -rf /")]),
        Turn(tool_calls=[call("rollout_history", namespace="prod", deployment="payment")]),
        Turn(tool_calls=[call("propose_action", action="rollback_deployment", target=TARGET,
                              rationale="2.4.1 cut the DB pool timeout to 200ms")]),
        Turn(tool_calls=[call("conclude", status="resolved", category="bad_rollout", resource=TARGET,
                              summary="rolled back 2.4.1 (DB_POOL_TIMEOUT_MS 200) to revision 6")]),
    ]
    with FakeOpenAI(turns) as fake, sandbox_session(PAYMENT, **_llm(fake)) as s:
        first = api.investigate(s.graph, incident_id="l-1", trigger=trigger_of(s.scenario))
        assert first.awaiting_approval
        state = s.graph.get_state({"configurable": {"thread_id": "l-1"}}).values
        texts = [o["text"] for o in state["observations"]]
        assert any("invalid JSON arguments" in t for t in texts)
        assert any("unknown tool 'kubectl_exec'" in t for t in texts)
        assert any("identical call already made" in t for t in texts)
        ran = [o for o in state["observations"] if o["invocation"] != "(not executed)"]
        assert {o["tool"] for o in ran} == {"rollout_history", "workload_status"}
        done = api.resume(s.graph, incident_id="l-1", decision="approve", user="U1")
        assert done.report.status is ReportStatus.RESOLVED
        assert done.report.usage.tokens_in == 1200 * 5
        names = {t["function"]["name"] for t in fake.requests[0]["tools"]}
        assert {"rollout_history", "workload_status", "propose_action", "conclude"} <= names


def test_429_then_success_is_retried_by_the_client() -> None:
    turns = [Turn(status=429, retry_after=0.1),
             Turn(tool_calls=[call("conclude", status="no_fault", category="no_fault", summary="all healthy")])]
    with FakeOpenAI(turns) as fake, sandbox_session(PAYMENT, **_llm(fake)) as s:
        result = api.investigate(s.graph, incident_id="l-2", trigger=trigger_of(s.scenario))
        assert result.report.status is ReportStatus.NO_FAULT
        assert len(fake.requests) == 2


def test_endpoint_that_keeps_failing_gives_a_partial_report() -> None:
    with FakeOpenAI([Turn(status=500)], repeat_last=True) as fake, sandbox_session(PAYMENT, **_llm(fake)) as s:
        result = api.investigate(s.graph, incident_id="l-3", trigger=trigger_of(s.scenario))
        assert result.report.status is ReportStatus.INCONCLUSIVE
        assert "LLM endpoint failed" in result.report.summary
        assert len(fake.requests) == 3  # the first try and llm_max_retries=2 retries


def test_timeout_gives_a_partial_report_naming_the_timeout() -> None:
    with FakeOpenAI([Turn(delay_s=3.0)], repeat_last=True) as fake, \
            sandbox_session(PAYMENT, **_llm(fake, llm_max_retries=0, llm_timeout_s=0.5)) as s:
        result = api.investigate(s.graph, incident_id="l-4", trigger=trigger_of(s.scenario))
        assert result.report.status is ReportStatus.INCONCLUSIVE
        assert "Timeout" in result.report.summary
