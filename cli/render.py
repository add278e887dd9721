"""Terminal rendering of a thread: progress events and the report, as an on-call would read them."""
from __future__ import annotations

import sys
from typing import TextIO

from tools.report import ProgressEvent, Report

ICONS = {"plan": "🗺 ", "hypothesis": "💡", "tool_call": "🔧", "tool_result": "  ↳", "critique": "🤔",
         "approval_request": "🛑", "action_result": "✅", "report": "📋", "recall": "🧠"}


def render_event(event: ProgressEvent, out: TextIO = sys.stdout) -> None:
    icon = ICONS.get(event.kind, "•")
    lines = event.text.splitlines() or [""]
    out.write(f"{icon} {lines[0]}\n")
    for line in lines[1:]:
        out.write(f"     {line}\n")
    if event.kind == "tool_result" and event.data.get("invocation"):
        out.write(f"     ⤷ rerun: {event.data['invocation']}\n")
    if event.kind == "approval_request" and event.data.get("diff"):
        out.write("     dry-run diff:\n" + "".join(f"       {d}\n" for d in str(event.data["diff"]).splitlines()))
    out.flush()


def render_report(report: Report, out: TextIO = sys.stdout) -> None:
    out.write("\n" + "═" * 72 + "\n")
    out.write(f"REPORT  status={report.status.value}  category={report.category}  "
              f"resource={report.resource.label() if report.resource else '-'}\n")
    out.write(f"{report.summary}\n")
    for h in report.hypotheses[:3]:
        out.write(f"  hypothesis: {h.statement} [{h.verdict.value}, {h.confidence:.2f}]\n")
    for e in report.evidence[:10]:
        out.write(f"  evidence: {e.fact[:160]}" + (f"\n            rerun: {e.invocation}" if e.invocation else "") + "\n")
    for a in report.proposed_actions:
        out.write(f"  action: {a.action.value} {a.target.label() if a.target else ''} {a.params or ''}\n")
    u = report.usage
    out.write(f"  usage: {u.steps} steps, {u.tool_calls} tool calls, {u.tokens_in}/{u.tokens_out} tokens, "
              f"first hypothesis {u.first_hypothesis_s}s, total {u.total_s}s\n")
    out.flush()
