"""Benchmark the sandbox's Kubernetes API on a large generated cluster, through the official client.

    python bench/sandbox.py [--pods 5000] [--events 20000] [--rounds 10]

Generates a scenario into a temp dir, serves it from a child process, lists every pod and every
event several times through the official client, and prints p50/p99 latency per request and the
peak RSS of the server and of the client. "raw" is one request up to the body's last byte
(`_preload_content=False`); "typed" adds the client's pydantic model deserialisation, which is
client-side cost. Exits 1 if a target is missed: a full pod list (raw) under 1 s, and the
server's peak memory under 500 MB.
"""
from __future__ import annotations

import argparse
import multiprocessing
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kubernetes import client, config  # noqa: E402

from gen_scenario import generate  # noqa: E402  (bench/ is on sys.path when run as a script)
from sandbox.kubeconfig import write_kubeconfig  # noqa: E402
from sandbox.scenario import load_scenario  # noqa: E402
from sandbox.server import SandboxServer  # noqa: E402

POD_LIST_TARGET_S = 1.0
MEMORY_TARGET_MB = 500.0


def timed(fn: Callable[[], Any], rounds: int) -> tuple[list[float], Any]:
    samples, result = [], None
    for _ in range(rounds):
        start = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - start)
    return samples, result


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def serve_in_child(path: Path, validate: bool, ready: Any, stop: Any) -> None:
    """The server's own process, so that its peak memory is measured apart from the client's."""
    started = time.perf_counter()
    scenario = load_scenario(path, validate=validate)
    with SandboxServer(scenario) as server:
        ready.put((server.url, time.perf_counter() - started, len(scenario.objects)))
        stop.wait()


def raw(response: Any) -> bytes:
    """The body of a `_preload_content=False` answer (urllib3 reads it to the last byte)."""
    return bytes(response.data)


def measure(core: client.CoreV1Api, rounds: int, typed_rounds: int) -> list[tuple[str, list[float], str]]:
    cases: list[tuple[str, Callable[[], Any], int]] = [
        ("list pods (raw)", lambda: raw(core.list_pod_for_all_namespaces(_preload_content=False)), rounds),
        ("list events (raw)", lambda: raw(core.list_event_for_all_namespaces(_preload_content=False)), rounds),
        ("pods by label (raw)", lambda: raw(core.list_pod_for_all_namespaces(
            label_selector="app=svc-0007", _preload_content=False)), rounds),
        ("list pods (typed)", lambda: core.list_pod_for_all_namespaces().items, typed_rounds),
        ("list events (typed)", lambda: core.list_event_for_all_namespaces().items, typed_rounds),
    ]
    out = []
    for name, fn, n in cases:
        samples, result = timed(fn, n)
        size = f"{len(result) / 1e6:.1f} MB" if isinstance(result, bytes) else f"{len(result)} items"
        out.append((name, samples, size))
    return out


def run(pods: int, events: int, rounds: int, *, validate: bool) -> int:
    ctx = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="debugbot-bench-") as tmp:
        started = time.perf_counter()
        path = generate(tmp, pods=pods, events=events)
        gen_s, size_mb = time.perf_counter() - started, path.stat().st_size / 1e6
        ready, stop = ctx.Queue(), ctx.Event()
        child = ctx.Process(target=serve_in_child, args=(path, validate, ready, stop))
        child.start()
        url, load_s, count = ready.get(timeout=600)
        kubeconfig = write_kubeconfig(url, Path(tmp) / "kubeconfig")
        api = config.new_client_from_config(config_file=str(kubeconfig))  # type: ignore[no-untyped-call]
        core = client.CoreV1Api(api)
        results = measure(core, rounds, max(1, rounds // 4))
        stop.set()
        child.join(timeout=60)
    server_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"sandbox benchmark: {pods} pods, {events} events ({size_mb:.1f} MB scenario, generated in {gen_s:.1f} s; "
          f"{count} objects loaded and served in {load_s:.1f} s{' with validation' if validate else ''})")
    print(f"{'request (official client)':<28}{'p50':>9}{'p99':>9}{'n':>4}   size")
    for name, samples, size in results:
        print(f"{name:<28}{statistics.median(samples) * 1000:>7.0f}ms{percentile(samples, 99) * 1000:>7.0f}ms"
              f"{len(samples):>4}   {size}")
    print(f"peak RSS: server {server_mb:.0f} MB, client {peak_rss_mb():.0f} MB")
    pod_p99 = percentile(results[0][1], 99)
    ok = pod_p99 < POD_LIST_TARGET_S and server_mb < MEMORY_TARGET_MB
    print(f"targets: full pod list p99 {pod_p99:.2f} s < {POD_LIST_TARGET_S:.0f} s, server peak RSS "
          f"{server_mb:.0f} MB < {MEMORY_TARGET_MB:.0f} MB: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=5000)
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--validate", action="store_true", help="also validate the scenario at load (slow)")
    args = parser.parse_args()
    return run(args.pods, args.events, args.rounds, validate=args.validate)


if __name__ == "__main__":
    sys.exit(main())
