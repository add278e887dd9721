"""The reasoner protocol both implementations (rules, llm) plug into."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from agent.findings import ToolCall
from agent.state import AgentState, Observation
from tools.models import ProposedAction
from tools.report import Hypothesis


@dataclass
class Conclusion:
    status: str  # a ReportStatus value
    category: str | None
    resource: dict[str, Any] | None
    summary: str
    recommendation: ProposedAction | None = None


@dataclass
class Decision:
    """One reasoning step: call tools, propose an action, or conclude (exactly one of them)."""

    calls: list[ToolCall] = field(default_factory=list)
    propose: ProposedAction | None = None
    conclude: Conclusion | None = None
    hypotheses: list[Hypothesis] = field(default_factory=list)
    plan: list[str] = field(default_factory=list)
    rejected: list[Observation] = field(default_factory=list)  # guard refusals, fed back as observations
    tokens_in: int = 0
    tokens_out: int = 0


class Reasoner(Protocol):
    name: str

    def decide(self, state: AgentState) -> Decision:
        """Choose the next step from the state (findings, observations, decisions so far)."""
        ...

    def answer(self, state: AgentState, question: str) -> Decision:
        """Answer a follow-up: conclude with the answer, or ask for tools first."""
        ...
