"""Benchmark: plan_action and execute_action latency (p50, p95) against the sandbox over loopback HTTP.

Each round serves payment-bad-rollout afresh, plans a rollback (reads, RS list, dry run),
executes it (re-read, RS list, PATCH with precondition, verify), and plans a scale.

    .venv/bin/python bench/actions.py [--rounds 30]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sandbox.server import SandboxServer  # noqa: E402
from tools.actions import execute_action, plan_action  # noqa: E402
from tools.context import build_context  # noqa: E402
from tools.models import ActionName, ObjectRef, ProposedAction  # noqa: E402
from tools.settings import load_settings  # noqa: E402

SCENARIO = ROOT.parent / "shared" / "scenarios" / "payment-bad-rollout.yaml"
TARGET = ObjectRef(kind="Deployment", namespace="prod", name="payment")


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {statistics.median(ordered) * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    timings: dict[str, list[float]] = {"plan rollback": [], "execute rollback": [], "plan scale": []}
    rollback = ProposedAction(action=ActionName.ROLLBACK_DEPLOYMENT, target=TARGET)
    scale = ProposedAction(action=ActionName.SCALE_WORKLOAD, target=TARGET, params={"replicas": 4})
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rounds):
            with SandboxServer(SCENARIO) as server:
                ctx = build_context(load_settings(kubeconfig=str(server.write_kubeconfig(Path(tmp) / "kc"))))
                t0 = time.perf_counter()
                plan = plan_action(rollback, ctx)
                t1 = time.perf_counter()
                outcome = execute_action(rollback, plan, ctx, approver="bench")
                t2 = time.perf_counter()
                assert outcome.verified, outcome.text
                plan_action(scale, ctx)
                t3 = time.perf_counter()
            timings["plan rollback"].append(t1 - t0)
            timings["execute rollback"].append(t2 - t1)
            timings["plan scale"].append(t3 - t2)
    for name, samples in timings.items():
        print(f"{name:18} {_ms(samples)}  (n={len(samples)})")


if __name__ == "__main__":
    main()
