"""Benchmark: long-term memory recall latency (p50, p99) with 1,000 and 10,000 stored incidents.

Synthetic incidents (features drawn from the vocabulary real ones use: categories, analyzers,
changed fields, exit codes, reasons, template words) are stored in a real redis-server; then
recall (sync check, embed, FAISS search, records fetched from Redis) runs for random queries.
Also timed: a cold rebuild of the index from Redis and a restart that reads the persisted index.

    .venv/bin/python bench/memory.py [--sizes 1000,10000] [--queries 500]   (target: p99 < 50 ms at 10k)
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.memory import LongTermMemory, MemoryRecord  # noqa: E402
from tools.memory.embed import HashedEmbedder  # noqa: E402
from tools.memory.store import MemoryStore  # noqa: E402
from cli.local_redis import local_redis  # noqa: E402

CATEGORIES = ["bad_rollout", "config_error", "oom_killed", "memory_leak", "image_pull", "probe_failure",
              "unschedulable", "quota_exceeded", "cpu_saturation", "dns_failure", "network_policy", "storage"]
ANALYZERS = ["pods.crashloop", "rollout.recent", "pods.oom", "pods.pull", "sched.pending", "quota.exceeded"]
FIELDS = ["containers[].image", "containers[].env", "containers[].args", "spec.serviceAccountName",
          "containers[].readinessProbe", "containers[].resources"]
WORDS = "crash loops exit code rollout revision replaced pending insufficient memory timeout pool refused " \
        "connection denied probe failed killed limit quota exceeded image pull back off".split()


def synthetic(rng: random.Random) -> dict[str, float]:
    feats: dict[str, float] = {f"cat:{rng.choice(CATEGORIES)}": 6.0, f"an:{rng.choice(ANALYZERS)}": 4.0,
                               f"changed:{rng.choice(FIELDS)}": 3.0, f"exit:{rng.choice([0, 1, 2, 137])}": 3.0}
    for w in rng.sample(WORDS, 6):
        feats[f"w:{w}"] = rng.choice([0.5, 1.0, 1.5])
    return feats


def fill(store: MemoryStore, n: int, rng: random.Random, embedder: HashedEmbedder) -> None:
    now = time.time()
    for i in range(store.count(), n):
        feats = synthetic(rng)
        rec = MemoryRecord(incident_id=f"inc-T1-C{i % 7}-{1_700_000_000 + i}_000100", created_at=now - i,
                           status="resolved", category=next(k[4:] for k in feats if k.startswith("cat:")),
                           summary="synthetic incident", features=feats, channel=f"C{i % 7}")
        store.put(rec, embedder.embed([feats])[0].tobytes(), embedder=embedder.name)


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def measure(memory: LongTermMemory, queries: int, rng: random.Random) -> list[float]:
    memory.similar(synthetic(rng), k=3, threshold=0.75)  # first call syncs the index
    times = []
    for _ in range(queries):
        feats = synthetic(rng)
        t0 = time.perf_counter()
        memory.similar(feats, k=3, threshold=0.75)
        times.append((time.perf_counter() - t0) * 1000)
    return times


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1000,10000")
    p.add_argument("--queries", type=int, default=500)
    args = p.parse_args(argv)
    rng, embedder = random.Random(7), HashedEmbedder()
    print(f"{'stored':>7} {'recall p50 ms':>13} {'p99 ms':>8} {'rebuild ms':>10} {'restart ms':>10} {'fill s':>7}")
    with local_redis() as local, tempfile.TemporaryDirectory() as tmp:
        client = redis.Redis.from_url(local.url)
        store = MemoryStore(client, retention_days=3650)
        for size in (int(s) for s in args.sizes.split(",")):
            t0 = time.perf_counter()
            fill(store, size, rng, embedder)
            filled = time.perf_counter() - t0
            index_path = str(Path(tmp) / f"memory-{size}.faiss")
            t0 = time.perf_counter()
            memory = LongTermMemory(store, embedder, index_path=index_path)
            memory.index.sync()  # cold: every vector read from Redis
            rebuild = (time.perf_counter() - t0) * 1000
            times = measure(memory, args.queries, rng)
            t0 = time.perf_counter()
            restarted = LongTermMemory(store, embedder, index_path=index_path)
            restarted.index.sync()  # warm: the persisted index, nothing changed in Redis
            restart = (time.perf_counter() - t0) * 1000
            assert len(restarted.index) == size and restarted.index.loaded_from_file
            print(f"{size:7d} {statistics.median(times):13.2f} {pct(times, 0.99):8.2f} {rebuild:10.1f} "
                  f"{restart:10.1f} {filled:7.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
