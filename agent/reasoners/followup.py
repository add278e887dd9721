"""Answering a follow-up question in an incident thread without an LLM."""
from __future__ import annotations

from agent.reasoner import Conclusion, Decision
from agent.state import AgentState
from tools.report import ReportStatus


def answer(state: AgentState, question: str) -> Decision:
    report = state.get("report") or {}
    summary = report.get("summary") or "No finished investigation to answer from yet."
    return Decision(conclude=Conclusion(status=str(report.get("status") or ReportStatus.INCONCLUSIVE.value),
                                        category=report.get("category"), resource=report.get("resource"),
                                        summary=f"Q: {question}\nFrom the investigation: {summary}"))
