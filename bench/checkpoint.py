"""Benchmark: RedisSaver put / put_writes / get_tuple latency (p50, p99) on a real redis-server.

Each simulated investigation is a thread of N steps. Per step the state holds
a window of recent observations (a few KB, rewritten every step as the
short-term memory compacts), a growing list of tool calls, a plan that
changes now and then, and the alert text, which never changes after step 0.

    .venv/bin/python bench/checkpoint.py [--incidents 25] [--steps 40] [--obs-kb 4]
"""
from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import redis
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import Checkpoint, empty_checkpoint
from langgraph.checkpoint.base.id import uuid6

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from agent.checkpoint import RedisSaver  # noqa: E402


@contextmanager
def redis_on_free_port() -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    workdir = tempfile.mkdtemp(prefix="bench-redis-")
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                             "--dir", workdir, "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        for _ in range(200):
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def _observation(step: int, size: int) -> str:
    line = f"step {step}: pod checkout-api-7d9f restarted, lastState OOMKilled exit 137; "
    return (line * (size // len(line) + 1))[:size]


def _state(step: int, obs_bytes: int) -> dict[str, Any]:
    return {
        "alert": "KubePodCrashLooping checkout-api in prod " * 10,
        "observations": [_observation(i, obs_bytes // 4) for i in range(max(0, step - 3), step + 1)],
        "tool_calls": [{"tool": "k8s.get_pods", "step": i, "invocation": "/api/v1/pods"}
                       for i in range(step + 1)],
        "plan": f"plan v{step // 5}: check rollout history, then memory limits",
    }


def _step(saver: RedisSaver, parent: RunnableConfig, prev: Checkpoint, step: int, *,
          obs_bytes: int, timings: dict[str, list[float]]) -> tuple[RunnableConfig, Checkpoint]:
    values = _state(step, obs_bytes)
    changed = [k for k in values if step == 0 or k in ("observations", "tool_calls")
               or (k == "plan" and step % 5 == 0)]
    versions = dict(prev["channel_versions"])
    for k in changed:
        versions[k] = saver.get_next_version(versions.get(k), None)  # type: ignore[arg-type]
    checkpoint = {**prev, "id": str(uuid6(clock_seq=step)), "channel_values": values,
                  "channel_versions": versions}
    new = {k: versions[k] for k in changed}
    metadata = {"source": "loop", "step": step, "parents": {}}
    stored = _timed(timings["put"], lambda: saver.put(parent, checkpoint, metadata, new))  # type: ignore[arg-type]
    _timed(timings["put_writes"], lambda: saver.put_writes(
        stored, [("tool_calls", values["tool_calls"][-1])], f"task-{step}", task_path="reason"))
    _timed(timings["get_tuple"], lambda: saver.get_tuple(
        {"configurable": {"thread_id": stored["configurable"]["thread_id"], "checkpoint_ns": ""}}))
    return stored, checkpoint  # type: ignore[return-value]


def _timed(bucket: list[float], call: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = call()
    bucket.append((time.perf_counter() - start) * 1000)
    return result


def _percentiles(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50_ms": round(cuts[49], 3), "p99_ms": round(cuts[98], 3),
            "mean_ms": round(statistics.fmean(samples), 3), "n": len(samples)}


def run(*, incidents: int, steps: int, obs_kb: int) -> dict[str, Any]:
    timings: dict[str, list[float]] = {"put": [], "put_writes": [], "get_tuple": []}
    with redis_on_free_port() as url:
        client = redis.Redis.from_url(url)
        saver = RedisSaver(client, ttl_s=86_400)
        for n in range(incidents):
            parent: RunnableConfig = {"configurable": {"thread_id": f"T1-C1-{n}", "checkpoint_ns": ""}}
            prev = empty_checkpoint()
            for step in range(steps):
                parent, prev = _step(saver, parent, prev, step, obs_bytes=obs_kb * 1024,
                                     timings=timings)
        state_bytes = len(json.dumps(_state(steps - 1, obs_kb * 1024)))
        used = int(client.info("memory")["used_memory"])
        client.close()
    result = {name: _percentiles(samples) for name, samples in timings.items()}
    result["config"] = {"incidents": incidents, "steps": steps, "state_bytes_last_step": state_bytes,
                        "redis_used_memory_mb": round(used / 2**20, 1)}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=25)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--obs-kb", type=int, default=4)
    args = parser.parse_args()
    result = run(incidents=args.incidents, steps=args.steps, obs_kb=args.obs_kb)
    for name in ("put", "put_writes", "get_tuple"):
        r = result[name]
        print(f"{name:11s} p50 {r['p50_ms']:7.3f} ms   p99 {r['p99_ms']:7.3f} ms   "
              f"mean {r['mean_ms']:7.3f} ms   n={r['n']}")
    print(json.dumps(result["config"]))


if __name__ == "__main__":
    main()
