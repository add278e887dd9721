"""Benchmark of the read tools against the sandbox: bytes fetched vs bytes and tokens returned, and time per call.

For every example scenario it serves the scenario, then calls through
`tools.registry.call_tool` (so the runner's redaction and caps are included):
pod_logs for every log stream the scenario holds, events for every namespace,
and the describe-like tools (workload_status for every workload, pod_detail
for every pod). "Raw" is what the API sent for the same requests (re-fetched
from the paths in each result's invocation), i.e. what pasting `kubectl get
-o json` / `kubectl logs` output into a prompt would cost.

    .venv/bin/python bench/tools.py [SCENARIO_DIR_OR_FILE ...]
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sandbox.server import SandboxServer  # noqa: E402
from tools.budget import count_tokens  # noqa: E402
from tools.context import ToolContext, build_context  # noqa: E402
from tools.models import ToolResult  # noqa: E402
from tools.registry import call_tool  # noqa: E402
from tools.settings import Settings  # noqa: E402
from tools.timefmt import parse_time  # noqa: E402

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job")


@dataclass
class Row:
    calls: int = 0
    errors: int = 0
    raw_bytes: int = 0
    raw_tokens: int = 0
    out_bytes: int = 0
    out_tokens: int = 0
    seconds: list[float] = field(default_factory=list)


def _raw(server: SandboxServer, result: ToolResult) -> bytes:
    body = b""
    for part in result.invocation.split(" ; "):
        if part.startswith("GET "):
            with urllib.request.urlopen(server.url + part[4:], timeout=30) as resp:  # noqa: S310 - loopback
                body += resp.read()
    return body


def _calls(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(tool, args) for one scenario, derived from what the scenario holds."""
    objects = doc["cluster"]["objects"]
    out: list[tuple[str, dict[str, Any]]] = []
    for block in doc["cluster"].get("logs") or []:
        args = {"namespace": block["namespace"], "pod": block["pod"], "previous": bool(block.get("previous"))}
        if block.get("container"):
            args["container"] = block["container"]
        out.append(("pod_logs", args))
    for ns in sorted({o["metadata"].get("namespace") for o in objects if o["kind"] == "Event"} - {None}):
        out.append(("events", {"namespace": ns}))
    for o in objects:
        m = o["metadata"]
        if o["kind"] in WORKLOAD_KINDS:
            out.append(("workload_status", {"kind": o["kind"], "namespace": m["namespace"], "name": m["name"]}))
        elif o["kind"] == "Pod":
            out.append(("pod_detail", {"namespace": m["namespace"], "name": m["name"]}))
    return out


def bench_scenario(path: Path, rows: dict[str, Row]) -> None:
    doc = yaml.safe_load(path.read_text())
    now = parse_time(doc["now"])
    assert now is not None
    with SandboxServer(path) as server, tempfile.TemporaryDirectory() as tmp:
        kubeconfig = server.write_kubeconfig(Path(tmp) / "kubeconfig")
        ctx: ToolContext = build_context(Settings(kubeconfig=str(kubeconfig), prometheus_url=server.prometheus_url),
                                         now=lambda: now)
        for tool, args in _calls(doc):
            t0 = time.perf_counter()
            result = call_tool(tool, args, ctx)
            elapsed = time.perf_counter() - t0
            raw = _raw(server, result)
            for key in (tool, f"scenario {path.stem}"):
                row = rows[key]
                row.calls += 1
                row.errors += result.status.value == "error"
                row.raw_bytes += len(raw)
                row.raw_tokens += count_tokens(raw.decode("utf-8", "replace"))
                row.out_bytes += len(result.text.encode())
                row.out_tokens += count_tokens(result.text)
                row.seconds.append(elapsed)


def _table(rows: dict[str, Row]) -> str:
    head = f"{'tool / scenario (all four tools)':<44} {'calls':>5} {'err':>3} {'raw KB':>8} {'raw tok':>8} {'out KB':>7} " \
           f"{'out tok':>7} {'ratio':>6} {'ms p50':>7} {'ms max':>7}"
    lines = [head, "-" * len(head)]
    for key in sorted(rows, key=lambda k: (k.startswith("scenario "), k)):
        r = rows[key]
        ratio = r.raw_bytes / max(r.out_bytes, 1)
        lines.append(f"{key:<44} {r.calls:>5} {r.errors:>3} {r.raw_bytes / 1024:>8.1f} {r.raw_tokens:>8} "
                     f"{r.out_bytes / 1024:>7.1f} {r.out_tokens:>7} {ratio:>5.1f}x "
                     f"{1000 * statistics.median(r.seconds):>7.1f} {1000 * max(r.seconds):>7.1f}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    targets = [Path(a) for a in argv] or [ROOT.parent / "shared" / "scenarios"]
    paths = [p for t in targets for p in (sorted(t.glob("*.yaml")) if t.is_dir() else [t])]
    rows: dict[str, Row] = defaultdict(Row)
    t0 = time.perf_counter()
    for path in paths:
        bench_scenario(path, rows)
    print(f"read tools over {len(paths)} scenario(s), {time.perf_counter() - t0:.1f}s total "
          f"(raw = API bytes for the same requests; ratio = raw bytes / returned bytes)")
    print(_table(rows))
    return 0 if not any(r.errors for r in rows.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
