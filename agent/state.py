"""The graph's state: everything checkpointed per incident, JSON-serialisable."""
from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict


class Observation(TypedDict):
    step: int
    tool: str
    args: dict[str, Any]
    status: str
    text: str
    invocation: str
    elapsed_s: float
    data: Any  # the tool's structured data when small (analyzers read it), else None


class AgentState(TypedDict, total=False):
    incident_id: str
    trigger: dict[str, Any]  # {"text": str} or {"alert": {...}}, plus channel/user
    question: str | None  # a follow-up asked in the thread
    focus: dict[str, Any]
    findings: list[dict[str, Any]]  # Finding.as_dict(), ranked
    plan: list[str]
    observations: Annotated[list[Observation], operator.add]
    pending: list[dict[str, Any]]  # tool calls chosen by the reasoner, run by `act`
    hypotheses: list[dict[str, Any]]  # tools.report.Hypothesis dumps
    proposal: dict[str, Any] | None  # ProposedAction dump awaiting the approval gate
    approval: dict[str, Any] | None  # {"id", "diff", "resource_version"} from planning
    decision: dict[str, Any] | None  # {"decision": "approve"|"reject", "user": ...}
    outcome: dict[str, Any] | None  # execution + verification result
    conclusion: dict[str, Any] | None  # reasoner's final word: status, category, resource, summary
    declined: list[dict[str, Any]]
    step: int
    tokens_in: int
    tokens_out: int
    started_at: float
    active_s: float  # seconds spent running nodes (the time budget), not wall time since started_at
    answering: dict[str, Any] | None  # {"step", "observations"} when the current follow-up question began
    first_hypothesis_s: float | None
    report: dict[str, Any] | None
    priors: list[dict[str, Any]]  # similar past incidents recalled at perceive (agent/memory): rank, not evidence
    incident_summary: str | None  # the investigation's own summary, kept while follow-ups replace `report`
