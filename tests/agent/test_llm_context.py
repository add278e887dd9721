"""What the LLM is sent: the tools its leads need natively, the rest by signature, a compact state."""
from __future__ import annotations

import json
from typing import Any

from agent import api
from agent.reasoners.llm_prompt import compact_schema, state_message
from agent.reasoners.llm_tools import CORE, split_tools
from cli.session import sandbox_session, trigger_of
from tests.conftest import SHARED_SCENARIOS
from tests.fakes.openai_server import FakeOpenAI, Turn, call
from tools.budget import count_tokens
from tools.registry import openai_tool_schemas

PAYMENT = SHARED_SCENARIOS / "payment-bad-rollout.yaml"
CRASH = SHARED_SCENARIOS / "inventory-crashloop-missing-env.yaml"  # an Alertmanager trigger


def _llm(fake: FakeOpenAI) -> dict[str, object]:
    return {"reasoner": "llm", "llm_base_url": fake.base_url, "llm_model": "fake-model", "llm_timeout_s": 5.0,
            "llm_max_retries": 0}


def test_compaction_keeps_every_tool_callable_and_costs_less() -> None:
    full = openai_tool_schemas()
    small = compact_schema(full)
    for before, after in zip(full, small):
        fn_b, fn_a = before["function"], after["function"]
        assert fn_a["name"] == fn_b["name"]
        assert set(fn_a["parameters"].get("required", [])) == set(fn_b["parameters"].get("required", []))
        assert set(fn_a["parameters"]["properties"]) == set(fn_b["parameters"]["properties"])
    assert count_tokens(json.dumps(small)) < 0.75 * count_tokens(json.dumps(full))


def test_the_leads_categories_choose_the_native_tools_and_the_rest_are_listed_by_signature() -> None:
    schemas = compact_schema(openai_tool_schemas())
    state: dict[str, Any] = {"findings": [{"category": "oom_killed"}]}
    offered, others = split_tools(schemas, state)  # type: ignore[arg-type]
    names = {s["function"]["name"] for s in offered}
    assert set(CORE) | {"memory_vs_limit", "restarts"} <= names
    assert "network_policies" not in names and "- network_policies(namespace, pod?)" in others
    assert len(offered) + others.count("\n- ") == len(schemas)


def test_a_tool_not_offered_natively_is_still_run_when_called_by_name() -> None:
    turns = [Turn(tool_calls=[call("network_policies", namespace="prod")]),
             Turn(tool_calls=[call("conclude", status="inconclusive", category="bad_rollout", summary="x")])]
    with FakeOpenAI(turns) as fake, sandbox_session(PAYMENT, **_llm(fake)) as s:
        api.investigate(s.graph, incident_id="c-1", trigger=trigger_of(s.scenario))
        state = s.graph.get_state({"configurable": {"thread_id": "c-1"}}).values
        offered = {t["function"]["name"] for t in fake.requests[0]["tools"]}
        assert "network_policies" not in offered
        assert "network_policies(" in fake.requests[0]["messages"][0]["content"]
        ran = [o for o in state["observations"] if o["tool"] == "network_policies"]
        assert ran and ran[0]["status"] == "ok" and ran[0]["invocation"].startswith("GET ")


def test_the_state_shows_observations_by_arguments_without_invocations_or_alert_urls() -> None:
    turns = [Turn(tool_calls=[call("error_rate", namespace="retail", service="inventory")]),
             Turn(tool_calls=[call("conclude", status="inconclusive", category="config_error", summary="x")])]
    with FakeOpenAI(turns) as fake, sandbox_session(CRASH, **_llm(fake)) as s:
        api.investigate(s.graph, incident_id="c-2", trigger=trigger_of(s.scenario))
        state = s.graph.get_state({"configurable": {"thread_id": "c-2"}}).values
        assert "generatorURL" in json.dumps(state["trigger"])
        message = fake.requests[1]["messages"][1]["content"]
        ob = next(o for o in state["observations"] if o["tool"] == "error_rate")
        assert 'OBSERVATION error_rate({"namespace": "retail", "service": "inventory"})' in message
        assert ob["invocation"] and ob["invocation"] not in message
        assert "generatorURL" not in message and "fingerprint" not in message
        assert "KubePodCrashLooping" in message
        assert message == state_message(state)  # type: ignore[arg-type]
