"""Memory in the graph: recalled at perceive ("Seen before", priors), stored at the report, off in the eval."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import redis
from langgraph.checkpoint.memory import InMemorySaver

from agent import api
from agent.findings import Finding
from agent.graph import build_graph
from tools.memory import LongTermMemory
from tools.memory.embed import HashedEmbedder
from agent.memory.priors import apply_priors, seen_before_text
from tools.memory.store import MemoryStore
from agent.reasoners import make_reasoner
from agent.reasoners.llm_prompt import state_message
from bot.blocks import progress_message
from cli.session import sandbox_session, trigger_of
from tests.conftest import ROOT
from tests.memory.helpers import ROLLOUT_FACTS, finding
from tools.report import ProgressEvent

SCENARIO = ROOT / "scenarios" / "notification-dispatcher-crashloop-after-args-change.yaml"


def _investigate(path: Path, mem: LongTermMemory | None,
                 incident: str) -> tuple[Any, list[ProgressEvent], dict[str, Any]]:
    events: list[ProgressEvent] = []
    with sandbox_session(path) as s:
        graph = build_graph(make_reasoner(s.settings), s.toolbox, InMemorySaver(), settings=s.settings, memory=mem)
        result = api.investigate(graph, incident_id=incident, trigger=trigger_of(s.scenario), on_event=events.append)
        if result.awaiting_approval:
            result = api.resume(graph, incident_id=incident, decision="approve", user="U1", on_event=events.append)
        values = graph.get_state({"configurable": {"thread_id": incident}}).values
    return result.report, events, values


def test_the_second_investigation_of_a_fault_says_seen_before_and_ranks_with_the_first_as_a_prior(
        redis_url: str) -> None:
    mem = LongTermMemory(MemoryStore(redis.Redis.from_url(redis_url)), HashedEmbedder())
    first, first_events, _ = _investigate(SCENARIO, mem, "inc-T1-C1-1700000000_000100")
    assert [e for e in first_events if e.kind == "recall"] == []
    assert mem.store.get("inc-T1-C1-1700000000_000100") is not None

    second, events, values = _investigate(SCENARIO, mem, "inc-T1-C1-1700090000_000100")

    recalls = [e for e in events if e.kind == "recall"]
    assert [e.data["incident_id"] for e in recalls] == ["inc-T1-C1-1700000000_000100"]
    assert events.index(recalls[0]) < min(i for i, e in enumerate(events) if e.kind == "tool_call")
    assert "Looks like inc-T1-C1-1700000000_000100" in recalls[0].text and first.category in recalls[0].text
    assert values["priors"][0]["category"] == first.category
    assert (second.category, second.status) == (first.category, first.status)
    assert mem.store.count() == 2


def test_the_eval_session_investigates_without_memory(redis_url: str) -> None:
    events: list[ProgressEvent] = []
    with sandbox_session(SCENARIO) as s:
        api.investigate(s.graph, incident_id="eval-x", trigger=trigger_of(s.scenario), on_event=events.append)
    assert not [e for e in events if e.kind == "recall"]
    assert redis.Redis.from_url(redis_url).keys("debugbot:memory:*") == []


def _findings() -> list[Finding]:
    return [Finding.from_dict(finding("config_error", "pods.crashloop", "api", ROLLOUT_FACTS, score=0.7)),
            Finding.from_dict(finding("bad_rollout", "rollout.recent", "api", ROLLOUT_FACTS, score=0.65))]


def test_a_prior_raises_the_rank_of_its_category_but_never_a_score_nor_adds_a_finding() -> None:
    prior = {"incident_id": "inc-T1-C1-1700000000_000100", "similarity": 0.9, "category": "bad_rollout"}
    unknown = {"incident_id": "inc-T1-C1-1700000001_000100", "similarity": 0.99, "category": "dns_failure"}
    ranked = apply_priors(_findings(), [prior, unknown])

    assert [(f.category, f.score) for f in ranked] == [("bad_rollout", 0.65), ("config_error", 0.7)]
    assert any("seen before: inc-T1-C1-1700000000_000100" in fact for fact in ranked[0].facts)
    weak = apply_priors(_findings(), [{**prior, "similarity": 0.3}])
    assert [f.category for f in weak] == ["config_error", "bad_rollout"]  # a faint likeness does not outrank
    unconfirmed = apply_priors(_findings(), [prior], confirmed=0.68)
    assert [f.category for f in unconfirmed] == ["config_error", "bad_rollout"]  # nor lifts past the evidence


def test_the_llm_reasoner_sees_the_priors_labelled_as_history_not_evidence() -> None:
    prior = {"incident_id": "inc-T1-C1-1700000000_000100", "similarity": 0.9, "category": "bad_rollout",
             "summary": "2.3.9 rollout, pool timeout", "action": "rollback_deployment", "verified": True}
    text = state_message({"trigger": {"text": "api down"}, "priors": [prior]})
    assert "seen_before" in text and "2.3.9 rollout, pool timeout" in text and "not evidence" in text
    assert "seen_before" not in state_message({"trigger": {"text": "api down"}})


def test_the_thread_shows_seen_before_with_the_past_incident() -> None:
    prior = {"incident_id": "inc-T1-C1-1700000000_000100", "similarity": 0.93, "category": "bad_rollout",
             "resource": {"kind": "Deployment", "namespace": "prod", "name": "api"}, "when": 1763000000,
             "summary": "2.3.9 rollout, pool timeout", "action": "rollback_deployment Deployment prod/api",
             "verified": True}
    event = ProgressEvent(kind="recall", text=seen_before_text(prior), data={"incident_id": prior["incident_id"]})
    rendered = str(progress_message([event]).blocks)
    assert "Seen before" in rendered and "inc-T1-C1-1700000000_000100" in rendered
    assert "13 Nov" in rendered and "fixed by rollback deployment (verified)" in rendered
