"""Turn the final graph state into the Report contract."""
from __future__ import annotations

import time

from agent.evidence import observation_facts
from agent.findings import Finding
from agent.state import AgentState
from tools.models import Evidence, ObjectRef, ProposedAction
from tools.report import Hypothesis, Report, ReportStatus, Usage


def build_report(state: AgentState, *, spent: bool = False) -> Report:
    conclusion = state.get("conclusion") or {}
    findings = [Finding.from_dict(d) for d in state.get("findings") or []]
    hyps = [Hypothesis(**h) for h in state.get("hypotheses") or []]
    if conclusion:
        status = ReportStatus(conclusion["status"])
        category, summary = conclusion.get("category"), conclusion.get("summary", "")
        resource = ObjectRef(**conclusion["resource"]) if conclusion.get("resource") else None
    else:
        best = findings[0] if findings else None
        status = ReportStatus.INCONCLUSIVE
        category = best.category if best else None
        resource = best.resource if best else None
        summary = ("Budget spent before a conclusion. " if spent else "") + \
            (f"Leading hypothesis: {best.summary} ({best.score:.2f})." if best else "Nothing found.")
    evidence = [Evidence(fact=fact, invocation=inv) for fact, inv in observation_facts(
        list(state.get("observations") or []))]
    top = hyps[0] if hyps else None
    if top:
        evidence = [Evidence(fact=f, tool="analyzer") for f in top.evidence] + evidence
    return Report(status=status, category=category, resource=resource, summary=summary, hypotheses=hyps,
                  evidence=evidence, proposed_actions=_actions(state), usage=_usage(state))


def _actions(state: AgentState) -> list[ProposedAction]:
    out = [ProposedAction(**d["action"]) for d in state.get("declined") or []]
    if (state.get("outcome") or {}).get("action"):
        out.append(ProposedAction(**state["outcome"]["action"]))  # type: ignore[index]
    if state.get("proposal"):
        out.append(ProposedAction(**state["proposal"]))  # type: ignore[arg-type]
    recommendation = (state.get("conclusion") or {}).get("recommendation")
    if recommendation:
        out.append(ProposedAction(**recommendation))
    return out


def _usage(state: AgentState) -> Usage:
    return Usage(steps=int(state.get("step") or 0), tool_calls=len(state.get("observations") or []),
                 tokens_in=int(state.get("tokens_in") or 0), tokens_out=int(state.get("tokens_out") or 0),
                 first_hypothesis_s=state.get("first_hypothesis_s"),
                 total_s=round(time.time() - float(state.get("started_at") or time.time()), 3))
