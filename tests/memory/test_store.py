"""Remember, recall, forget and expire past incidents in a real redis-server, with the FAISS index beside it."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import redis

from tools.memory import LongTermMemory, MemoryRecord
from tools.memory.embed import HASHED_DIM, HashedEmbedder
from tools.memory.signature import features
from tools.memory.store import MemoryStore
from tests.conftest import ROOT
from tests.memory.helpers import pending_state, report_for, rollout_state
from tools.report import ReportStatus


def memory(url: str, *, path: Path | None = None, dim: int = HASHED_DIM, retention_days: int = 180) -> LongTermMemory:
    store = MemoryStore(redis.Redis.from_url(url), retention_days=retention_days)
    return LongTermMemory(store, HashedEmbedder(dim), index_path=str(path) if path else None)


def remember(mem: LongTermMemory, state: dict) -> MemoryRecord:  # type: ignore[type-arg]
    record = mem.remember(state, report_for(state))  # type: ignore[arg-type]
    assert record is not None
    return record


def recall(mem: LongTermMemory, state: dict) -> list[tuple[str, float]]:  # type: ignore[type-arg]
    return [(m.record.incident_id, m.similarity) for m in mem.recall(state["trigger"], state["findings"],
                                                                     exclude=state["incident_id"])]


def test_a_new_incident_recalls_its_twin_and_its_variant_but_not_an_unrelated_one(redis_url: str) -> None:
    mem = memory(redis_url)
    remember(mem, rollout_state("inc-T1-C1-1700000000_000100", "checkout-api"))
    remember(mem, rollout_state("inc-T1-C1-1700000500_000100", "billing-worker", ns="payments"))
    remember(mem, pending_state("inc-T1-C1-1700000900_000100"))

    found = recall(mem, rollout_state("inc-T1-C1-1700009999_000100", "checkout-api"))

    assert [i for i, _ in found] == ["inc-T1-C1-1700000000_000100", "inc-T1-C1-1700000500_000100"]
    assert found[0][1] > 0.9 and found[1][1] >= mem.threshold


def test_the_record_keeps_trigger_category_resource_evidence_action_verification_and_thread(redis_url: str) -> None:
    mem = memory(redis_url)
    remember(mem, rollout_state("inc-T1-CPAY-1700000000_000100", "checkout-api"))
    record = mem.store.get("inc-T1-CPAY-1700000000_000100")
    assert record is not None
    assert record.trigger == "checkout-api returns 503 since the deploy"
    assert record.category == "bad_rollout" and record.resource == {"kind": "Deployment", "namespace": "prod",
                                                                      "name": "checkout-api"}
    assert any("pool timeout" in e for e in record.evidence)
    assert record.action is not None and record.action.startswith("rollback_deployment Deployment prod/checkout-api")
    assert record.verified is True and (record.channel, record.thread_ts) == ("CPAY", "1700000000.000100")
    assert "fixed by" not in record.one_line() and "verified" in record.one_line()


def test_investigations_that_have_not_ended_are_not_remembered(redis_url: str) -> None:
    mem = memory(redis_url)
    state = rollout_state("inc-T1-C1-1700000000_000100")
    for status in (ReportStatus.AWAITING_APPROVAL, ReportStatus.ABORTED):
        assert mem.remember(state, report_for(state, status=status)) is None  # type: ignore[arg-type]
    assert mem.store.count() == 0


STORE_IN_ANOTHER_PROCESS = """
import sys, redis
from tools.memory import LongTermMemory
from tools.memory.embed import HashedEmbedder
from tools.memory.store import MemoryStore
from tests.memory.helpers import report_for, rollout_state
mem = LongTermMemory(MemoryStore(redis.Redis.from_url(sys.argv[1])), HashedEmbedder(), index_path=sys.argv[2])
state = rollout_state("inc-T1-C1-1700000000_000100")
mem.remember(state, report_for(state))
mem.index.sync()
"""


def test_memory_survives_a_worker_restart_from_its_index_file_or_from_redis_alone(redis_url: str,
                                                                                   tmp_path: Path) -> None:
    path = tmp_path / "memory.faiss"
    subprocess.run([sys.executable, "-c", STORE_IN_ANOTHER_PROCESS, redis_url, str(path)], cwd=ROOT, check=True,
                   timeout=60)
    assert path.exists()
    query = rollout_state("inc-T1-C1-1700005555_000100")

    restarted = memory(redis_url, path=path)
    assert restarted.index.loaded_from_file and len(restarted.index) == 1
    assert recall(restarted, query)[0][0] == "inc-T1-C1-1700000000_000100"

    path.unlink()
    rebuilt = memory(redis_url, path=path)
    assert not rebuilt.index.loaded_from_file
    assert recall(rebuilt, query)[0][0] == "inc-T1-C1-1700000000_000100"


def test_a_worker_sees_what_another_worker_stored_at_its_next_recall(redis_url: str) -> None:
    reader, writer = memory(redis_url), memory(redis_url)
    query = rollout_state("inc-T1-C1-1700005555_000100")
    assert recall(reader, query) == []
    remember(writer, rollout_state("inc-T1-C1-1700000000_000100"))
    assert [i for i, _ in recall(reader, query)] == ["inc-T1-C1-1700000000_000100"]


def test_forget_deletes_the_incident_from_redis_and_from_recall(redis_url: str, tmp_path: Path) -> None:
    mem = memory(redis_url, path=tmp_path / "m.faiss")
    other = memory(redis_url)
    remember(mem, rollout_state("inc-T1-C1-1700000000_000100"))
    query = rollout_state("inc-T1-C1-1700005555_000100")
    assert recall(other, query)

    assert mem.forget("inc-T1-C1-1700000000_000100")
    assert not mem.forget("inc-T1-C1-1700000000_000100")

    assert recall(other, query) == [] and len(mem.index) == 0
    keys = [k.decode() for k in redis.Redis.from_url(redis_url).keys("*")]
    assert not [k for k in keys if "1700000000_000100" in k]
    assert memory(redis_url, path=tmp_path / "m.faiss").store.count() == 0


def test_incidents_older_than_the_retention_period_are_purged(redis_url: str) -> None:
    mem = memory(redis_url, retention_days=30)
    vector = HashedEmbedder().embed([features(None, pending_state("x")["findings"])])[0].tobytes()
    old = MemoryRecord(incident_id="inc-T1-C1-1600000000_000100", created_at=time.time() - 40 * 86400,
                       status="resolved", features={"cat:unschedulable": 6.0})
    mem.store.put(old, vector, embedder=mem.embedder.name)
    remember(mem, pending_state("inc-T1-C1-1700000000_000100"))  # remembering purges what is too old

    assert mem.store.get("inc-T1-C1-1600000000_000100") is None
    assert [r.incident_id for r in mem.store.recent()] == ["inc-T1-C1-1700000000_000100"]
    ttl = redis.Redis.from_url(redis_url).ttl("debugbot:memory:rec:inc-T1-C1-1700000000_000100")
    assert 29 * 86400 < ttl <= 30 * 86400


def test_vectors_stored_by_another_embedder_are_re_embedded_not_compared(redis_url: str) -> None:
    remember(memory(redis_url, dim=512), rollout_state("inc-T1-C1-1700000000_000100"))
    smaller = memory(redis_url, dim=128)
    found = recall(smaller, rollout_state("inc-T1-C1-1700005555_000100"))
    assert found and found[0][0] == "inc-T1-C1-1700000000_000100" and found[0][1] > 0.9
    assert smaller.index.index is not None and smaller.index.index.d == 128


def test_history_lists_the_channel_latest_first_or_the_nearest_to_typed_words(redis_url: str) -> None:
    mem = memory(redis_url)
    remember(mem, rollout_state("inc-T1-CPAY-1700000000_000100"))
    remember(mem, pending_state("inc-T1-CPAY-1700000500_000100"))
    remember(mem, pending_state("inc-T1-COTHER-1700000600_000100"))

    latest = [m.record.incident_id for m in mem.history("", channel="CPAY")]
    typed = [m.record.incident_id for m in mem.history("pool timeout crash loop", channel="CPAY")]

    assert latest == ["inc-T1-CPAY-1700000500_000100", "inc-T1-CPAY-1700000000_000100"]
    assert typed[0] == "inc-T1-CPAY-1700000000_000100" and "inc-T1-COTHER-1700000600_000100" not in typed


def test_a_worker_reads_the_index_a_sibling_job_saved_instead_of_refetching_vectors(redis_url: str,
                                                                                    tmp_path: Path) -> None:
    path = tmp_path / "memory.faiss"
    parent = memory(redis_url, path=path)  # as a forking worker holds it before any job ran
    sibling = memory(redis_url, path=path)
    remember(sibling, rollout_state("inc-T1-C1-1700000000_000100"))
    sibling.index.sync()
    fetched: list[dict[int, str]] = []
    read_vectors = parent.store.vectors
    parent.store.vectors = lambda entries: fetched.append(entries) or read_vectors(entries)  # type: ignore[method-assign]

    found = recall(parent, rollout_state("inc-T1-C1-1700005555_000100"))

    assert [i for i, _ in found] == ["inc-T1-C1-1700000000_000100"]
    assert fetched == [{}]  # its vector came from the file, not from Redis
