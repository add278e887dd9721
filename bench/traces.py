"""Benchmark of the trace summaries: parse Jaeger JSON, summarise, render, for 1k to 50k spans (target: 10k < 200 ms).

The spans are checkout-like traces (fan-out, async work, retried errors,
10% failures, a slow tail) from `tests/tools/test_traces_math.synthetic_spans`.
Times are the best of five runs; "cpu" is the process CPU time of that run.
Then `find_traces` end to end against the sandbox serving the same shape of
traces would need a scenario of that size; the last row times it on the
example scenario payment-bad-rollout (84 traces) through the real HTTP API.

    .venv/bin/python bench/traces.py
"""
from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sandbox.scenario import load_scenario  # noqa: E402
from sandbox.server import SandboxServer  # noqa: E402
from tests.tools.test_traces_math import synthetic_spans  # noqa: E402
from tools.context import build_context  # noqa: E402
from tools.jaeger import Span, parse_traces  # noqa: E402
from tools.settings import load_settings  # noqa: E402
from tools.trace_findings import trace_findings  # noqa: E402
from tools.trace_render import render_summary  # noqa: E402
from tools.trace_summary import group_traces, summarize_spans  # noqa: E402
from tools.traces import FindTracesArgs, find_traces  # noqa: E402

TARGET_S = 0.200
SIZES = (1_000, 10_000, 50_000)
PAYMENT = ROOT.parent / "shared" / "scenarios" / "payment-bad-rollout.yaml"


def best_of(runs: int, fn: Callable[[], Any]) -> tuple[float, float, Any]:
    best, cpu, result = float("inf"), float("inf"), None
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = fn()
        wall = time.perf_counter() - started
        if wall < best:
            best, cpu = wall, time.process_time() - cpu_started
    return best, cpu, result


def as_jaeger(spans: list[Span]) -> list[dict[str, Any]]:
    """The spans in the search answer's shape (`data` of /api/traces)."""
    docs = []
    for group in group_traces(spans):
        services = {s.service: f"p{i}" for i, s in enumerate(group)}
        docs.append({"traceID": group[0].trace_id,
                     "processes": {pid: {"serviceName": svc} for svc, pid in services.items()},
                     "spans": [{"traceID": s.trace_id, "spanID": s.span_id, "operationName": s.operation,
                                "references": [{"refType": "CHILD_OF", "spanID": s.parent_id}] if s.parent_id else [],
                                "startTime": s.start_us, "duration": s.duration_us, "processID": services[s.service],
                                "tags": [{"key": k, "type": "string", "value": v} for k, v in s.tags.items()]
                                + ([{"key": "error", "type": "bool", "value": True}] if s.error else [])}
                               for s in group]})
    return docs


def row(label: str, n: int, *, wall: float, cpu: float, note: str = "", rate: bool = True) -> None:
    speed = f"{n / wall:>12,.0f}" if rate and wall else f"{'-':>12}"
    print(f"{label:<34} {n:>7} {wall * 1000:>9.1f} {cpu * 1000:>9.1f} {speed}  {note}")


def end_to_end() -> tuple[float, float, int]:
    scenario = load_scenario(PAYMENT)
    with SandboxServer(PAYMENT) as server, tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(jaeger_url=server.jaeger_url,
                                 kubeconfig=str(server.write_kubeconfig(Path(tmp) / "kc")))
        now: datetime = scenario.now
        ctx = build_context(settings, now=lambda: now)
        wall, cpu, result = best_of(5, lambda: find_traces(FindTracesArgs(service="payment"), ctx))
        return wall, cpu, int(result.data["spans"])


def main() -> int:
    print(f"{'step':<34} {'spans':>7} {'wall ms':>9} {'cpu ms':>9} {'spans/s':>12}")
    verdict = 0
    for n in SIZES:
        spans = synthetic_spans(n)
        docs = as_jaeger(spans)
        wall, cpu, _ = best_of(5, lambda: parse_traces(docs))
        row("parse Jaeger JSON", n, wall=wall, cpu=cpu)
        wall, cpu, summary = best_of(5, lambda: summarize_spans(spans, service="checkout"))
        ok = wall < TARGET_S
        if n == 10_000:
            verdict = 0 if ok else 1
        verdict_text = f"target < {TARGET_S * 1000:.0f} ms: {'ok' if ok else 'MISSED'}"
        row("summarize_spans", n, wall=wall, cpu=cpu,
            note=verdict_text if n == 10_000 else f"{summary.data['traces']} traces")
        now = datetime.now(UTC)
        wall, cpu, _ = best_of(5, lambda: (render_summary(summary.data, minutes=30, now=now),
                                           trace_findings(summary.data)))
        row("render text + findings", n, wall=wall, cpu=cpu, note="from the summary's data", rate=False)
    wall, cpu, n = end_to_end()
    row("find_traces over HTTP (payment)", n, wall=wall, cpu=cpu, note="sandbox Jaeger API, redaction included")
    return verdict


if __name__ == "__main__":
    raise SystemExit(main())
