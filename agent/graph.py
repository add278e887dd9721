"""The investigation graph: perceive -> reason <-> act/critique -> propose -> approve (interrupt) -> execute -> report."""
from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal, Protocol

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import interrupt

from agent.analyzers import run_analyzers
from agent.cluster import ClusterView
from agent.focus import focus_from_trigger, focus_workloads, relevance
from agent.memory.priors import recall_priors, remember_report
from tools.memory.recall import LongTermMemory
from agent.reasoner import Decision, Reasoner
from agent.reporting import build_report
from agent.state import AgentState, Observation
from agent.toolbox import ActionPlan, Toolbox
from tools.models import ProposedAction
from tools.report import ProgressEvent
from tools.settings import Settings

MAX_PARALLEL_TOOLS = 4


def emit(kind: str, text: str, *, step: int = 0, **data: Any) -> None:
    """Send one progress event on LangGraph's custom stream (a no-op outside a stream)."""
    try:
        writer = get_stream_writer()
    except RuntimeError:
        return
    writer(ProgressEvent(kind=kind, text=text, data=data, step=step).model_dump())  # type: ignore[arg-type]


def build_graph(reasoner: Reasoner, tools: Toolbox, checkpointer: BaseCheckpointSaver[Any] | None, *,
                settings: Settings, memory: LongTermMemory | None = None) -> CompiledStateGraph[Any, Any, Any, Any]:
    nodes = _Nodes(reasoner, tools, settings, memory)
    g: StateGraph[AgentState, Any, AgentState, AgentState] = StateGraph(AgentState)
    g.add_node("perceive", _timed(nodes.perceive))
    g.add_node("reason", _timed(nodes.reason))
    g.add_node("act", _timed(nodes.act))
    g.add_node("critique", _timed(nodes.critique))
    g.add_node("propose", _timed(nodes.propose))
    g.add_node("approve", _timed(nodes.approve))
    g.add_node("execute", _timed(nodes.execute))
    g.add_node("report", _timed(nodes.report))
    g.add_edge(START, "perceive")
    g.add_edge("perceive", "reason")
    g.add_conditional_edges("reason", nodes.after_reason)
    g.add_edge("act", "critique")
    g.add_conditional_edges("critique", nodes.after_critique)
    g.add_conditional_edges("propose", nodes.after_propose)
    g.add_edge("approve", "execute")
    g.add_edge("execute", "reason")
    g.add_edge("report", END)
    return g.compile(checkpointer=checkpointer)


class _NodeFn(Protocol):
    def __call__(self, state: AgentState) -> dict[str, Any]: ...


def _timed(node: _NodeFn) -> _NodeFn:
    """Add the node's own running time to `active_s`: the time budget counts work, not the hours a human
    took to click Approve or a re-queued job waited for a worker (an interrupted node adds nothing)."""
    def run(state: AgentState) -> dict[str, Any]:
        t0 = time.monotonic()
        update = node(state)
        return {**update, "active_s": float(state.get("active_s") or 0.0) + time.monotonic() - t0}

    run.__name__ = getattr(node, "__name__", "node")
    return run


class _Nodes:
    def __init__(self, reasoner: Reasoner, tools: Toolbox, settings: Settings,
                 memory: LongTermMemory | None = None) -> None:
        self.reasoner, self.tools, self.settings, self.memory = reasoner, tools, settings, memory

    # -- perceive -------------------------------------------------------------------------
    def perceive(self, state: AgentState) -> dict[str, Any]:
        started = state.get("started_at") or time.time()
        focus = focus_from_trigger(state.get("trigger") or {})
        namespaces = self.settings.allowed_namespaces or None
        inv = self.tools.inventory(namespaces)
        view = ClusterView(inv, now=self.tools.now())
        focused = focus_workloads(view, focus)
        findings = run_analyzers(view)
        weights = [relevance(view, f, focus, focused) for f in findings]
        focus_healthy = not any(w >= 0.9 and f.score >= 0.5 for f, w in zip(findings, weights))
        for f, w in zip(findings, weights):
            # When what the on-call named is itself healthy, a fault next to it is the likely cause.
            w = 0.85 if focus_healthy and w == 0.6 and f.score >= 0.8 else w
            f.score = round(f.score * w, 3)
        findings.sort(key=lambda f: f.score, reverse=True)
        emit("plan", f"Looking at {focus.describe()}; read {len(inv.sources)} API lists"
             + (f" ({len(inv.errors)} failed: {'; '.join(inv.errors[:2])})" if inv.errors else ""))
        update: dict[str, Any] = {
            "started_at": started, "step": 0, "findings": [f.as_dict() for f in findings[:12]],
            "focus": {"description": focus.describe(), "namespace": focus.namespace,
                      "workloads": [{"kind": o["kind"], "namespace": o["metadata"].get("namespace"),
                                     "name": o["metadata"]["name"]} for o in focused[:5]],
                      "pods": [{"name": p["metadata"]["name"], "node": (p.get("spec") or {}).get("nodeName")}
                               for o in focused[:1] for p in view.pods_of(o)[:6]],
                      "inventory_errors": inv.errors},
            "observations": [], "declined": [], "tokens_in": 0, "tokens_out": 0,
        }
        update["priors"] = recall_priors(self.memory, state, update["findings"], emit=emit)  # "Seen before"
        return update

    # -- reason ---------------------------------------------------------------------------
    def reason(self, state: AgentState) -> dict[str, Any]:
        question = state.get("question")
        if not question:
            return self._record(state, self.reasoner.decide(state))
        # Where this question's work starts: its budget and its observations count from here.
        mark = state.get("answering") or {"step": int(state.get("step") or 0),
                                          "observations": len(state.get("observations") or [])}
        update = self._record(state, self.reasoner.answer({**state, "answering": mark}, question))
        return {**update, "answering": mark}

    def _record(self, state: AgentState, d: Decision) -> dict[str, Any]:
        step = int(state.get("step") or 0) + 1
        update: dict[str, Any] = {"step": step, "pending": [{"tool": c.tool, "args": c.args} for c in d.calls],
                                  "proposal": d.propose.model_dump(mode="json") if d.propose else None,
                                  "tokens_in": int(state.get("tokens_in") or 0) + d.tokens_in,
                                  "tokens_out": int(state.get("tokens_out") or 0) + d.tokens_out}
        if d.rejected:
            update["observations"] = d.rejected
            for r in d.rejected:
                emit("critique", f"{r['tool']}: {r['text']}", step=step)
        if d.plan and d.plan != state.get("plan"):
            update["plan"] = d.plan
            emit("plan", "Plan: " + "; ".join(d.plan), step=step)
        if d.hypotheses:
            update["hypotheses"] = [h.model_dump(mode="json") for h in d.hypotheses]
            if state.get("first_hypothesis_s") is None:
                update["first_hypothesis_s"] = round(time.time() - float(state.get("started_at") or time.time()), 3)
            old = {h["statement"] for h in state.get("hypotheses") or []}
            for h in d.hypotheses:
                if h.statement not in old:
                    emit("hypothesis", f"{h.statement} (confidence {h.confidence:.2f})", step=step,
                         category=h.category, evidence=h.evidence[:3])
        if d.conclude:
            update["conclusion"] = {"status": d.conclude.status, "category": d.conclude.category,
                                    "resource": d.conclude.resource, "summary": d.conclude.summary,
                                    "recommendation": d.conclude.recommendation.model_dump(mode="json")
                                    if d.conclude.recommendation else None}
        return update

    def after_reason(self, state: AgentState) -> Literal["act", "propose", "reason", "report"]:
        if state.get("conclusion"):
            return "report"
        if state.get("proposal"):
            return "propose"
        if state.get("pending") and not self._spent(state):
            return "act"
        return "reason" if self._can_retry(state) else "report"

    # -- act / critique -------------------------------------------------------------------
    def act(self, state: AgentState) -> dict[str, Any]:
        calls = list(state.get("pending") or [])
        step = int(state.get("step") or 0)
        for c in calls:
            emit("tool_call", f"{c['tool']}({_args(c['args'])})", step=step, tool=c["tool"], args=c["args"])
        with ThreadPoolExecutor(max_workers=MAX_PARALLEL_TOOLS) as pool:
            results = list(pool.map(lambda c: self.tools.call(c["tool"], c["args"]), calls))
        obs: list[Observation] = []
        for c, r in zip(calls, results):
            obs.append(Observation(step=step, tool=c["tool"], args=c["args"], status=r.status.value, text=r.text,
                                   invocation=r.invocation, elapsed_s=r.elapsed_s, data=_small(r.data)))
            emit("tool_result", _first_lines(r.text, 6), step=step, tool=c["tool"], status=r.status.value,
                 invocation=r.invocation, truncated=r.truncated)
        return {"observations": obs, "pending": []}

    def critique(self, state: AgentState) -> dict[str, Any]:
        hyps = state.get("hypotheses") or []
        if hyps:
            top = hyps[0]
            emit("critique", f"Leading: {top['statement']} ({top['verdict']}, {top['confidence']:.2f}); "
                 f"{len(state.get('observations') or [])} observations so far", step=int(state.get("step") or 0))
        return {}

    def after_critique(self, state: AgentState) -> Literal["reason", "report"]:
        return "report" if self._spent(state) else "reason"

    def _can_retry(self, state: AgentState) -> bool:
        """A step that only produced refused calls gets another turn, within the budget."""
        obs = state.get("observations") or []
        return bool(obs) and obs[-1]["invocation"] == "(not executed)" and not self._spent(state)

    def _spent(self, state: AgentState) -> bool:
        steps = int(state.get("step") or 0) - int((state.get("answering") or {}).get("step") or 0)
        return (steps >= self.settings.max_steps or float(state.get("active_s") or 0.0) >= self.settings.max_seconds
                or int(state.get("tokens_in") or 0) + int(state.get("tokens_out") or 0) >= self.settings.max_llm_tokens)

    # -- the approval gate -------------------------------------------------------------------
    def propose(self, state: AgentState) -> dict[str, Any]:
        action = ProposedAction(**(state.get("proposal") or {}))
        trigger = state.get("trigger") or {}
        plan = self.tools.plan_action(action, incident_id=str(state.get("incident_id")),
                                      proposer=self.reasoner.name, requested_by=trigger.get("user"))
        step = int(state.get("step") or 0)
        if not plan.ok:
            emit("critique", f"Cannot propose {action.action.value}: {plan.error}", step=step)
            return {"proposal": None, "approval": None,
                    "declined": [{"action": action.model_dump(mode="json"), "reason": plan.error}]}
        emit("approval_request", f"Proposed {action.action.value} on {action.target.label() if action.target else '-'}"
             f": {action.rationale}", step=step, approval_id=plan.approval_id, diff=plan.diff,
             action=action.model_dump(mode="json"))
        return {"approval": {"id": plan.approval_id, "diff": plan.diff, "resource_version": plan.resource_version}}

    def after_propose(self, state: AgentState) -> Literal["approve", "reason"]:
        return "approve" if state.get("approval") else "reason"

    def approve(self, state: AgentState) -> dict[str, Any]:
        """Stop for a human. Nothing before interrupt() has side effects: this node re-runs on resume."""
        decision = interrupt({"approval": state.get("approval"), "proposal": state.get("proposal")})
        return {"decision": decision if isinstance(decision, dict) else {"decision": str(decision)}}

    def execute(self, state: AgentState) -> dict[str, Any]:
        decision = state.get("decision") or {}
        action = ProposedAction(**(state.get("proposal") or {}))
        step = int(state.get("step") or 0)
        if decision.get("decision") != "approve":
            emit("action_result", f"{action.action.value} declined by {decision.get('user', 'someone')}", step=step)
            return {"proposal": None, "approval": None, "declined": (state.get("declined") or []) + [
                {"action": action.model_dump(mode="json"), "reason": f"declined by {decision.get('user')}"}]}
        approval = state.get("approval") or {}
        plan = ActionPlan(ok=True, diff=approval.get("diff", ""), resource_version=approval.get("resource_version"),
                          approval_id=approval.get("id"))
        outcome = self.tools.execute_action(action, plan, approver=str(decision.get("user", "")))
        emit("action_result", outcome.text, step=step, ok=outcome.ok, verified=outcome.verified)
        return {"proposal": None, "outcome": {"ok": outcome.ok, "verified": outcome.verified, "text": outcome.text,
                                              "action": action.model_dump(mode="json"),
                                              "approver": decision.get("user")}}

    # -- report ---------------------------------------------------------------------------
    def report(self, state: AgentState) -> dict[str, Any]:
        report = build_report(state, spent=self._spent(state) and not state.get("conclusion"))
        emit("report", report.summary, step=int(state.get("step") or 0), status=report.status.value)
        update: dict[str, Any] = {"report": report.model_dump(mode="json"), "answering": None}
        if not state.get("question"):
            update["incident_summary"] = report.summary  # what follow-ups restate (their answers replace `report`)
            remember_report(self.memory, state, report)  # long-term memory: kept only when it ended
        return update


def _small(data: Any, limit: int = 16_000) -> Any:
    """Keep structured data in the checkpointed state only when it is small and JSON-able (chart points
    are the first thing dropped: the summaries the analyzers read matter more)."""
    try:
        text = json.dumps(data, default=lambda o: o.item() if hasattr(o, "item") else str(o))
    except (TypeError, ValueError):
        return None
    if len(text) > limit and '"chart": [[' in text:
        return _small(_without_points(json.loads(text)), limit)
    return json.loads(text) if len(text) <= limit else None


def _without_points(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _without_points(v) for k, v in data.items() if not (k == "chart" and _is_points(v))}
    if isinstance(data, list):
        return [_without_points(v) for v in data]
    return data


def _is_points(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(p, list) and len(p) == 2 for p in value)


def _args(args: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in args.items() if v not in (None, "", []))


def _first_lines(text: str, n: int) -> str:
    lines = text.splitlines()
    return "\n".join(lines[:n]) + (f"\n… {len(lines) - n} more lines" if len(lines) > n else "")
