"""Benchmark: sandbox PromQL latency on the largest shared scenario (instant, range, cold series cache)."""
from __future__ import annotations

import statistics
import sys
import threading
import time
import types
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sandbox import prom_api  # noqa: E402
from sandbox.series import parse_rfc3339, store_for, to_ms  # noqa: E402

SCENARIOS = ROOT.parent / "shared" / "scenarios"
QUERIES = [
    "sum by (namespace, pod) (rate(container_cpu_usage_seconds_total[5m]))",
    "increase(kube_pod_container_status_restarts_total[1h])",
    "max_over_time(container_memory_working_set_bytes[1h])",
    "topk(5, rate(node_disk_written_bytes_total[5m]))",
    'histogram_quantile(0.99, sum by (le, service) (rate(http_server_requests_seconds_bucket[5m])))',
    "max_over_time(rate(container_cpu_usage_seconds_total[5m])[1h:1m])",
]


def _world(path: Path) -> types.SimpleNamespace:
    doc = yaml.safe_load(path.read_text())
    now = doc["now"] if isinstance(doc["now"], datetime) else parse_rfc3339(str(doc["now"]))
    return types.SimpleNamespace(now=now, metrics=doc.get("metrics") or [], traces=doc.get("traces") or [],
                                 version=0, lock=threading.RLock())


def _timed(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> int:
    paths = sorted(SCENARIOS.glob("*.yaml"))
    if not paths:
        print("bench/promql: no shared scenarios found, skipped")
        return 0
    worlds = [_world(p) for p in paths]
    world = max(worlds, key=lambda w: sum(len(m.get("values") or []) for m in w.metrics))
    samples = sum(len(m.get("values") or []) for m in world.metrics)

    def rebuild() -> None:
        world.version += 1
        store_for(world)

    cold = _timed(rebuild, 20)
    print(f"bench/promql: {len(world.metrics)} series, {samples} samples; series cache rebuild "
          f"median {statistics.median(cold):.2f} ms")
    for query in QUERIES:
        ms = _timed(lambda q=query: prom_api.handle("GET", "/api/v1/query", {"query": [q]}, world), 30)
        print(f"  instant  median {statistics.median(ms):7.2f} ms  p95 {sorted(ms)[28]:7.2f} ms  {query}")
    end = to_ms(world.now) // 1000
    params = {"query": [QUERIES[0]], "start": [str(end - 7200)], "end": [str(end)], "step": ["60"]}
    ms = _timed(lambda: prom_api.handle("GET", "/api/v1/query_range", params, world), 10)
    print(f"  range 2h/1m (121 steps) median {statistics.median(ms):7.2f} ms  {QUERIES[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
