"""Score diagnosis and fix on scenario files or folders: `debugbot eval [PATH ...] [--json FILE]`."""
from __future__ import annotations

import argparse
import functools
import json
import logging
import multiprocessing
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from agent import api
from cli.scoring import first_mutation, score
from cli.session import sandbox_session, trigger_of
from sandbox.checks import all_hold
from sandbox.scenario import ScenarioError
from tools.report import ProgressEvent


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", default=["scenarios"], help="scenario files or folders")
    p.add_argument("--reasoner", choices=["rules", "llm"], default="rules")
    p.add_argument("--json", dest="json_path", help="write the results as JSON here")
    p.add_argument("--transcript", help="write DIR/<id>.txt: what the reasoner saw and what Slack would show")
    p.add_argument("--baseline", help="JSON of an earlier run: fail if a scenario that passed there fails now")
    p.add_argument("--no-traces", action="store_true",
                   help="run without a tracing backend (no DEBUGBOT_JAEGER_URL), as a deployment without Jaeger")
    p.add_argument("--jobs", type=int, default=1,
                   help="run this many scenarios at once, each in its own process (rows still print in order)")


def scenario_files(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        files += sorted(p.glob("*.yaml")) if p.is_dir() else [p]
    return files


def run_one(path: Path, *, reasoner: str, transcript: Path | None, traces: bool = True) -> dict[str, Any]:
    events: list[ProgressEvent] = []
    started = time.monotonic()
    with sandbox_session(path, reasoner=reasoner) as s:
        if not traces:  # the trace tools answer "tracing is not configured", as without DEBUGBOT_JAEGER_URL
            s.ctx.jaeger_url = None
        incident = f"eval-{s.scenario.id}"
        result = api.investigate(s.graph, incident_id=incident, trigger=trigger_of(s.scenario),
                                 on_event=events.append, recursion_limit=s.settings.recursion_limit)
        if result.awaiting_approval:  # the eval approves the first proposed mutation
            result = api.resume(s.graph, incident_id=incident, decision="approve", user="eval",
                                on_event=events.append, recursion_limit=s.settings.recursion_limit)
        report = result.report
        checks = (s.scenario.truth.get("remediation") or {}).get("checks") or []
        held = all_hold(checks, s.server.world) if checks else False
        state = s.graph.get_state({"configurable": {"thread_id": incident}}).values
    text = report.text() + "\n" + "\n".join(e.text for e in events)
    sc = score(report, s.scenario.truth, checks_held=held, text=text)
    mutation = first_mutation(report)
    if transcript is not None:
        _write_transcript(transcript / f"{s.scenario.id}.txt", state, events, report.model_dump_json(indent=2))
    return {
        "id": s.scenario.id, "passed": sc.passed, "diagnosis": sc.diagnosis, "remediation": sc.remediation,
        "verified": held if checks else (sc.remediation and mutation is None),
        "evidence_recall": round(sc.evidence_recall, 3), "category": report.category,
        "resource": report.resource.model_dump() if report.resource else None,
        "action": {"action": mutation.action.value, "target": mutation.target.model_dump() if mutation.target
                   else None, "params": mutation.params} if mutation else None,
        "seconds": round(time.monotonic() - started, 3),
        "first_hypothesis_seconds": report.usage.first_hypothesis_s, "tool_calls": report.usage.tool_calls,
        "tokens_in": report.usage.tokens_in, "tokens_out": report.usage.tokens_out,
    }


def _write_transcript(path: Path, state: dict[str, Any], events: list[ProgressEvent], report: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# shown to the reasoner", "## findings"]
    lines += [json.dumps(f) for f in state.get("findings") or []]
    lines.append("## observations")
    for ob in state.get("observations") or []:
        lines += [f"### {ob['tool']}({ob['args']}) [{ob['status']}] {ob['invocation']}", ob["text"]]
    lines.append("# posted to Slack")
    lines += [f"[{e.kind}] {e.text}" for e in events]
    lines += ["# report", report]
    path.write_text("\n".join(lines))


def _run_or_fail(path: Path, *, reasoner: str, transcript: Path | None, traces: bool) -> dict[str, Any]:
    try:
        return run_one(path, reasoner=reasoner, transcript=transcript, traces=traces)
    except ScenarioError as exc:
        return _failed_row(path, f"invalid scenario: {exc}")


def _rows(files: list[Path], args: argparse.Namespace) -> Iterator[dict[str, Any]]:
    one = functools.partial(_run_or_fail, reasoner=args.reasoner, traces=not args.no_traces,
                            transcript=Path(args.transcript) if args.transcript else None)
    if args.jobs <= 1:
        yield from map(one, files)
        return
    # fork: the children start with the imports done; each scenario gets its own sandbox and graph
    with ProcessPoolExecutor(max_workers=args.jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        yield from pool.map(one, files)


def _failed_row(path: Path, why: str) -> dict[str, Any]:
    return {"id": path.stem, "passed": False, "diagnosis": False, "remediation": False, "verified": False,
            "evidence_recall": 0.0, "category": None, "resource": None, "action": None, "seconds": 0.0,
            "first_hypothesis_seconds": None, "tool_calls": 0, "tokens_in": 0, "tokens_out": 0, "error": why}


def run(args: argparse.Namespace) -> int:
    logging.getLogger("tools").setLevel(logging.ERROR)  # failed tool calls are data in the transcript
    files = scenario_files(args.paths)
    if not files:
        print("eval: no scenario files found in " + " ".join(args.paths), file=sys.stderr)
        return 2
    rows: list[dict[str, Any]] = []
    print(f"{'scenario':48} {'pass':5} {'diag':5} {'fix':5} {'verif':5} {'recall':6} {'category':20} {'sec':>6}")
    for row in _rows(files, args):
        rows.append(row)
        print(f"{row['id'][:48]:48} {_b(row['passed'])} {_b(row['diagnosis'])} {_b(row['remediation'])} "
              f"{_b(row['verified'])} {row['evidence_recall']:6.2f} {str(row['category'])[:20]:20} "
              f"{row['seconds']:6.2f}" + (f"  ({row['error']})" if row.get("error") else ""), flush=True)
    summary = {k: sum(1 for r in rows if r[k]) for k in ("passed", "diagnosis", "remediation", "verified")}
    summary = {"total": len(rows), **summary}
    print(f"total {summary['total']}: passed {summary['passed']}, diagnosis {summary['diagnosis']}, "
          f"remediation {summary['remediation']}, verified {summary['verified']}")
    if args.json_path:
        Path(args.json_path).write_text(json.dumps({"scenarios": rows, "summary": summary}, indent=2))
    return _gate(rows, args.baseline)


def _b(v: Any) -> str:
    return f"{'yes' if v else 'no':5}"


def _gate(rows: list[dict[str, Any]], baseline: str | None) -> int:
    if not baseline or not Path(baseline).exists():
        return 0
    before = {r["id"]: r["passed"] for r in json.loads(Path(baseline).read_text())["scenarios"]}
    regressed = [r["id"] for r in rows if before.get(r["id"]) and not r["passed"]]
    if regressed:
        print(f"eval: {len(regressed)} scenario(s) passed in {baseline} and fail now: {', '.join(regressed)}")
        return 1
    return 0
