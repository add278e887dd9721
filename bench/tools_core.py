"""Benchmark of the tool layer's safety and budget core: redaction speed and accuracy, log compression.

Prints
  1. redaction: leaks on the planted-secret corpus (must be 0), false positives
     on 10,000 generated benign log lines, throughput (lines/s) line by line and
     batched, and redact_obj throughput on a 5,000-pod list;
  2. log compression: raw bytes, returned bytes, ratio, tokens and time for a
     generated 100k-line noisy log and for every log block of the example
     scenarios (`repeat` expanded), at the default tool budget (900 tokens).

Times are the best of a few runs; "cpu" is the process CPU time of that run,
which a busy shared machine inflates far less than wall-clock time.

    .venv/bin/python bench/tools_core.py [SCENARIO_DIR_OR_FILE ...]
"""
from __future__ import annotations

import copy
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.tools.corpus.loggen import benign_lines, noisy_app_log  # noqa: E402
from tests.tools.test_redact import CORPUS, _leaks, _outputs  # noqa: E402
from tools.budget import count_tokens  # noqa: E402
from tools.logcompress import compress_logs  # noqa: E402
from tools.redact import redact, redact_many, redact_obj  # noqa: E402
from tools.settings import Settings  # noqa: E402

BUDGET = Settings().tool_output_tokens


def best_of(runs: int, fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds, result) of the fastest of `runs` runs."""
    best, cpu, result = float("inf"), float("inf"), None
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = fn()
        wall = time.perf_counter() - started
        if wall < best:
            best, cpu = wall, time.process_time() - cpu_started
    return best, cpu, result


def redaction() -> None:
    leaks = 0
    for entry in CORPUS:
        context, outputs = _outputs(entry)
        for secret in entry.get("secrets") or [entry["secret"]]:
            leaks += sum(bool(_leaks(out, secret, context=context, public=entry.get("public", [])))
                         for out in outputs)
    planted = sum(len(e.get("secrets") or [e["secret"]]) for e in CORPUS)
    lines = benign_lines(10_000, seed=7)
    per_line, per_line_cpu, out = best_of(3, lambda: [redact(line) for line in lines])
    batched, batched_cpu, _ = best_of(3, lambda: redact_many(lines))
    changed = sum(a != b for a, b in zip(lines, out))
    pods = _pod_list(5_000)
    obj_time, obj_cpu, _ = best_of(2, lambda: redact_obj(pods))
    print("== redaction")
    print(f"planted secrets: {planted} in {len(CORPUS)} contexts; leaks: {leaks}")
    print(f"false positives: {changed} of {len(lines):,} benign lines ({changed / len(lines):.3%})")
    print(f"throughput (avg line {sum(map(len, lines)) / len(lines):.0f} chars): "
          f"{len(lines) / per_line:,.0f} lines/s one by one ({len(lines) / per_line_cpu:,.0f} per cpu-s), "
          f"{len(lines) / batched:,.0f} lines/s batched ({len(lines) / batched_cpu:,.0f} per cpu-s)")
    print(f"redact_obj: 5,000 pods in {obj_time:.2f} s, {obj_cpu:.2f} cpu-s ({5_000 / obj_cpu:,.0f} pods per cpu-s)")


def _pod_list(n: int) -> list[dict[str, Any]]:
    scenario = yaml.safe_load((ROOT.parent / "shared" / "scenarios" / "payment-bad-rollout.yaml").read_text())
    pod = next(o for o in scenario["cluster"]["objects"] if o["kind"] == "Pod")
    pods = []
    for i in range(n):
        copy_ = copy.deepcopy(pod)
        copy_["metadata"]["name"] = f"{pod['metadata']['name']}-{i}"
        pods.append(copy_)
    return pods


def compression(paths: list[Path]) -> None:
    rows: list[tuple[str, int, int, int, float, int, float, float]] = []
    lines, _ = noisy_app_log(100_000)
    seconds, cpu, out = best_of(2, lambda: compress_logs(lines, max_tokens=BUDGET))
    rows.append(("generated noisy log", out.raw_lines, out.raw_bytes, out.returned_bytes, out.ratio, out.tokens,
                 seconds, cpu))
    for path in paths:
        scenario = yaml.safe_load(path.read_text())
        for block in scenario["cluster"].get("logs", []):
            block_lines = list(block["lines"]) * int(block.get("repeat") or 1)
            seconds, cpu, out = best_of(3, lambda: compress_logs(block_lines, max_tokens=BUDGET, year=2026))
            name = f"{scenario['id'][:28]}/{block['pod'][:30]}{' (prev)' if block.get('previous') else ''}"
            rows.append((name, out.raw_lines, out.raw_bytes, out.returned_bytes, out.ratio, out.tokens, seconds,
                         cpu))
    print(f"\n== log compression (budget {BUDGET} tokens)")
    print(f"{'log':64} {'lines':>7} {'raw B':>11} {'out B':>7} {'ratio':>8} {'tokens':>6} {'time':>8} {'cpu':>8}")
    for name, n, raw, ret, ratio, tokens, seconds, cpu in rows:
        print(f"{name:64} {n:>7,} {raw:>11,} {ret:>7,} {ratio:>7.1f}x {tokens:>6} {seconds * 1000:>6.0f}ms "
              f"{cpu * 1000:>6.0f}ms")
    scen = rows[1:]
    if scen:
        raw = sum(r[2] for r in scen)
        ret = sum(r[3] for r in scen)
        print(f"{'all scenario blocks':64} {sum(r[1] for r in scen):>7,} {raw:>11,} {ret:>7,} {raw / ret:>7.1f}x "
              f"{sum(r[5] for r in scen):>6} {sum(r[6] for r in scen) * 1000:>6.0f}ms "
              f"{sum(r[7] for r in scen) * 1000:>6.0f}ms")


def main(argv: list[str]) -> None:
    count_tokens("warm up the tokenizer")
    targets = [Path(a) for a in argv] or [ROOT.parent / "shared" / "scenarios"]
    paths = sorted(p for t in targets for p in ([t] if t.is_file() else t.glob("*.yaml")))
    redaction()
    compression(paths)


if __name__ == "__main__":
    main(sys.argv[1:])
