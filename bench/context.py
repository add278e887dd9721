"""LLM context size: tokens per investigation when a scripted model replays a sensible trajectory.

    .venv/bin/python bench/context.py

For each example scenario, the rules reasoner first investigates it; its tool calls become the
script of a loopback OpenAI-compatible server (turn 1: the first batch of calls, turn 2: the
follow-up batch, then propose the same fix or conclude). The LLM reasoner then runs the same
investigation through the real `openai` client, and every request it sends (system prompt,
compacted state, tool schemas) is counted with tiktoken (cl100k): message texts plus
the tools' JSON, a slight overestimate of what the API bills for tools. Prints input/output tokens per
investigation (median, p90) and per call.
"""
from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent import api  # noqa: E402
from cli.session import sandbox_session, trigger_of  # noqa: E402
from tests.fakes.openai_server import FakeOpenAI, Turn, call  # noqa: E402
from tools.budget import count_tokens  # noqa: E402

SHARED = ROOT.parent / "shared" / "scenarios"


def script_from_rules(path: Path) -> list[Turn]:
    with sandbox_session(path) as s:
        result = api.investigate(s.graph, incident_id="rules", trigger=trigger_of(s.scenario))
        state = s.graph.get_state({"configurable": {"thread_id": "rules"}}).values
    steps: dict[int, list[tuple[str, str]]] = {}
    for ob in state.get("observations") or []:
        steps.setdefault(ob["step"], []).append((ob["tool"], json.dumps(ob["args"])))
    turns = [Turn(tool_calls=calls) for _, calls in sorted(steps.items())]
    report = result.report
    proposal = (result.interrupt or {}).get("proposal")
    if proposal:
        turns.append(Turn(tool_calls=[call("propose_action", action=proposal["action"], target=proposal["target"],
                                           params=proposal.get("params") or {},
                                           rationale=proposal.get("rationale", ""))]))
    else:
        turns.append(Turn(tool_calls=[call("conclude", status=report.status.value, category=report.category or "",
                                           resource=report.resource.model_dump() if report.resource else None,
                                           summary=report.summary[:400])]))
    return turns


def measure(path: Path) -> tuple[int, int, list[int]]:
    turns = script_from_rules(path)
    with FakeOpenAI(turns) as fake, sandbox_session(path, reasoner="llm", llm_base_url=fake.base_url,
                                                   llm_model="bench") as s:
        api.investigate(s.graph, incident_id="llm", trigger=trigger_of(s.scenario))
        per_call = [sum(count_tokens(str(m.get("content") or "")) + 4 for m in r.get("messages") or [])
                    + count_tokens(json.dumps(r.get("tools"), ensure_ascii=False)) for r in fake.requests]
    out = sum(count_tokens(json.dumps([{"n": n, "a": a} for n, a in t.tool_calls])) for t in turns)
    return sum(per_call), out, per_call


def p90(values: list[int]) -> float:
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))])


def main() -> None:
    rows: list[tuple[str, int, int, list[int]]] = []
    print(f"{'scenario':40} {'calls':>5} {'in tokens':>10} {'out tokens':>10} {'max in/call':>12}")
    for path in sorted(SHARED.glob("*.yaml")):
        tin, tout, per_call = measure(path)
        rows.append((path.stem, tin, tout, per_call))
        print(f"{path.stem[:40]:40} {len(per_call):>5} {tin:>10} {tout:>10} {max(per_call):>12}", flush=True)
    ins = [r[1] for r in rows]
    outs = [r[2] for r in rows]
    calls: list[Any] = [c for r in rows for c in r[3]]
    print(f"\nper investigation: input median {statistics.median(ins):.0f}, p90 {p90(ins):.0f}; "
          f"output median {statistics.median(outs):.0f}, p90 {p90(outs):.0f}")
    print(f"per call: input median {statistics.median(calls):.0f}, p90 {p90(calls):.0f} ({len(calls)} calls)")


if __name__ == "__main__":
    main()
