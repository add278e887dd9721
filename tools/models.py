"""Data that crosses package boundaries: tool results, actions, evidence."""
from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import BaseModel, Field


class ToolStatus(str, Enum):
    OK = "ok"
    NO_DATA = "no_data"
    ERROR = "error"


class ToolResult(BaseModel):
    """The one envelope every tool returns; errors are data, not exceptions."""

    tool: str = ""
    status: ToolStatus
    invocation: str  # exact API path or PromQL, rerunnable by a human
    text: str  # what the reasoner sees: redacted, capped
    data: Any = None
    truncated: bool = False
    elapsed_s: float = 0.0


class ActionName(str, Enum):
    """The closed set of actions (contract). Only these can ever be proposed."""

    ROLLBACK_DEPLOYMENT = "rollback_deployment"
    RESTART_WORKLOAD = "restart_workload"
    SCALE_WORKLOAD = "scale_workload"
    DELETE_POD = "delete_pod"
    SET_RESOURCES = "set_resources"
    PATCH_RESOURCE = "patch_resource"
    RECOMMEND_ONLY = "recommend_only"


# Decided in code, never by a model: which actions change the cluster.
MUTATING_ACTIONS: frozenset[ActionName] = frozenset(ActionName) - {ActionName.RECOMMEND_ONLY}


class ObjectRef(BaseModel):
    kind: str
    namespace: str | None = None
    name: str

    def label(self) -> str:
        ns = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind} {ns}{self.name}"


class ProposedAction(BaseModel):
    """An action as a reasoner proposes it: typed target and params, plus why."""

    action: ActionName
    target: ObjectRef | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    rationale: str = ""

    @property
    def mutating(self) -> bool:
        return self.action in MUTATING_ACTIONS


class Evidence(BaseModel):
    """One fact with the tool invocation that shows it."""

    fact: str
    invocation: str = ""
    tool: str = ""
