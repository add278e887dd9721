"""Run, resume and follow up an investigation: the one loop callers (worker, CLI, eval) use."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command

from agent.reporting import build_report
from agent.state import AgentState
from tools.report import ProgressEvent, Report, ReportStatus

OnEvent = Callable[[ProgressEvent], None]


@dataclass
class RunResult:
    report: Report
    interrupt: dict[str, Any] | None  # the approval request when the graph stopped for a human

    @property
    def awaiting_approval(self) -> bool:
        return self.interrupt is not None


def _config(incident_id: str, recursion_limit: int) -> dict[str, Any]:
    return {"configurable": {"thread_id": incident_id}, "recursion_limit": recursion_limit}


def _drive(graph: CompiledStateGraph[Any, Any, Any, Any], payload: Any, config: dict[str, Any],
           on_event: OnEvent | None) -> RunResult:
    """One loop for every entry: stream custom events to the callback, then read where the graph stopped."""
    for mode, chunk in graph.stream(payload, config, stream_mode=["custom", "updates"]):  # type: ignore[call-overload]
        if mode == "custom" and on_event is not None:
            on_event(ProgressEvent(**chunk))
    snap = graph.get_state(config)  # type: ignore[arg-type]
    values: AgentState = snap.values  # type: ignore[assignment]
    interrupts = [i for t in snap.tasks for i in t.interrupts]
    if interrupts:
        report = build_report({**values, "conclusion": {
            "status": ReportStatus.AWAITING_APPROVAL.value,
            "category": (values.get("hypotheses") or [{}])[0].get("category"),
            "resource": (values.get("hypotheses") or [{}])[0].get("resource"),
            "summary": "Awaiting approval: " + ((values.get("hypotheses") or [{}])[0].get("statement") or "")}})
        return RunResult(report=report, interrupt=dict(interrupts[0].value or {}))
    final = values.get("report")
    return RunResult(report=Report(**final) if final else build_report(values), interrupt=None)


def investigate(graph: CompiledStateGraph[Any, Any, Any, Any], *, incident_id: str, trigger: dict[str, Any],
                on_event: OnEvent | None = None, recursion_limit: int = 100) -> RunResult:
    state: AgentState = {"incident_id": incident_id, "trigger": trigger, "question": None}
    return _drive(graph, state, _config(incident_id, recursion_limit), on_event)


def resume(graph: CompiledStateGraph[Any, Any, Any, Any], *, incident_id: str, decision: str, user: str,
           on_event: OnEvent | None = None, recursion_limit: int = 100) -> RunResult:
    """Continue after the human's click: decision is "approve" or "reject"."""
    return _drive(graph, Command(resume={"decision": decision, "user": user}),
                  _config(incident_id, recursion_limit), on_event)


def proceed(graph: CompiledStateGraph[Any, Any, Any, Any], *, incident_id: str, on_event: OnEvent | None = None,
            recursion_limit: int = 100) -> RunResult:
    """Carry on from the last checkpoint (after a worker died): the interrupted node runs again."""
    return _drive(graph, None, _config(incident_id, recursion_limit), on_event)


def follow_up(graph: CompiledStateGraph[Any, Any, Any, Any], *, incident_id: str, question: str,
              on_event: OnEvent | None = None, recursion_limit: int = 100) -> RunResult:
    """Answer a question in the thread from the checkpointed state of the same incident."""
    config = _config(incident_id, recursion_limit)
    snap = graph.get_state(config)  # type: ignore[arg-type]
    if not snap.values:
        raise LookupError(f"no investigation is stored for {incident_id}")
    graph.update_state(config, {"question": question, "conclusion": None}, as_node="perceive")  # type: ignore[arg-type]
    return _drive(graph, None, config, on_event)
