"""Memory is optional: with Redis down or the embeddings endpoint failing, investigations carry on."""
from __future__ import annotations

import logging
from typing import Any

import pytest
import redis

from tools.memory import LongTermMemory
from tools.memory.embed import EmbeddingError, OpenAIEmbedder, make_embedder
from agent.memory.priors import recall_priors, remember_report
from tools.memory.store import MemoryStore
from tests.conftest import free_port
from tests.fakes.openai_server import FakeOpenAI
from tests.memory.helpers import report_for, rollout_state
from tools.settings import load_settings


def _openai_memory(url: str, fake: FakeOpenAI) -> LongTermMemory:
    settings = load_settings(llm_base_url=fake.base_url, llm_api_key="sk-test", embeddings_model="embed-small",
                             llm_max_retries=0, llm_timeout_s=5)
    embedder = make_embedder(settings)
    assert isinstance(embedder, OpenAIEmbedder)
    return LongTermMemory(MemoryStore(redis.Redis.from_url(url)), embedder)


def test_with_redis_down_recall_gives_no_priors_and_storing_only_warns(caplog: pytest.LogCaptureFixture) -> None:
    down = redis.Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=0.5)
    mem = LongTermMemory.from_settings(load_settings(), down)
    state = rollout_state("inc-T1-C1-1700000000_000100")
    events: list[Any] = []
    with caplog.at_level(logging.WARNING):
        priors = recall_priors(mem, state, state["findings"], emit=lambda *a, **k: events.append(a))
        remember_report(mem, state, report_for(state))
    assert priors == [] and events == []
    assert "memory recall failed" in caplog.text and "memory could not store" in caplog.text


def test_the_embeddings_endpoint_is_called_through_the_openai_client_and_recalls_twins(redis_url: str) -> None:
    with FakeOpenAI([]) as fake:
        mem = _openai_memory(redis_url, fake)
        first = rollout_state("inc-T1-C1-1700000000_000100")
        mem.remember(first, report_for(first))
        events: list[tuple[Any, ...]] = []
        state = rollout_state("inc-T1-C1-1700009999_000100")
        priors = recall_priors(mem, state, state["findings"], emit=lambda *a, **k: events.append((a, k)))

    assert [p["incident_id"] for p in priors] == ["inc-T1-C1-1700000000_000100"]
    assert events[0][0][0] == "recall" and "Looks like inc-T1-C1-1700000000_000100" in events[0][0][1]
    assert fake.requests == []  # no chat turn consumed
    assert [r["model"] for r in fake.embedding_requests] == ["embed-small", "embed-small"]
    assert "crash" in fake.embedding_requests[0]["input"][0]
    assert mem.store.vectors(mem.store.entries())[0].embedder == "openai:embed-small"


def test_a_failing_embeddings_endpoint_is_a_warning_not_a_failed_investigation(
        redis_url: str, caplog: pytest.LogCaptureFixture) -> None:
    with FakeOpenAI([]) as fake:
        fake.embedding_status = 500
        mem = _openai_memory(redis_url, fake)
        state = rollout_state("inc-T1-C1-1700000000_000100")
        with pytest.raises(EmbeddingError):
            mem.embedder.embed([{"w:x": 1.0}])
        with caplog.at_level(logging.WARNING):
            remember_report(mem, state, report_for(state))
            assert recall_priors(mem, state, state["findings"], emit=lambda *a, **k: None) == []
    assert "scripted 500" in caplog.text and mem.store.count() == 0
