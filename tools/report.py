"""The investigation's result (Report contract) and the progress events streamed while it runs."""
from __future__ import annotations

from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, Field

from tools.models import Evidence, ObjectRef, ProposedAction


class ReportStatus(str, Enum):
    RESOLVED = "resolved"
    AWAITING_APPROVAL = "awaiting_approval"
    NO_FAULT = "no_fault"
    INCONCLUSIVE = "inconclusive"
    ESCALATED = "escalated"
    ABORTED = "aborted"


class Verdict(str, Enum):
    CONFIRMED = "confirmed"
    REFUTED = "refuted"
    OPEN = "open"


class Hypothesis(BaseModel):
    statement: str
    category: str = ""
    resource: ObjectRef | None = None
    confidence: float = 0.0
    evidence: list[str] = Field(default_factory=list)
    against: list[str] = Field(default_factory=list)
    verdict: Verdict = Verdict.OPEN


class Usage(BaseModel):
    steps: int = 0
    tool_calls: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    first_hypothesis_s: float | None = None
    total_s: float = 0.0


class Report(BaseModel):
    status: ReportStatus
    category: str | None = None
    resource: ObjectRef | None = None
    summary: str = ""
    hypotheses: list[Hypothesis] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    proposed_actions: list[ProposedAction] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)

    def text(self) -> str:
        """Everything a human (and the scorer) reads of the report, as plain text."""
        lines = [self.summary]
        lines += [f"{h.statement} ({h.verdict.value}, {h.confidence:.2f}): " + "; ".join(h.evidence)
                  for h in self.hypotheses]
        lines += [e.fact for e in self.evidence]
        lines += [f"{a.action.value} {a.target.label() if a.target else ''} {a.params} {a.rationale}"
                  for a in self.proposed_actions]
        return "\n".join(lines)


ProgressKind = Literal["hypothesis", "tool_call", "tool_result", "plan", "critique",
                       "approval_request", "action_result", "report", "recall"]


class ProgressEvent(BaseModel):
    """A small, already redacted event a node emits on LangGraph's custom stream."""

    kind: ProgressKind
    text: str
    data: dict[str, Any] = Field(default_factory=dict)
    step: int = 0
