"""What the graph needs from the outside world, behind one small interface (tools/ does the work)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from tools.inventory import Inventory
from tools.models import ProposedAction, ToolResult


@dataclass
class ActionPlan:
    ok: bool
    diff: str
    resource_version: str | None = None
    error: str = ""
    approval_id: str | None = None


@dataclass
class ActionOutcome:
    ok: bool
    text: str
    verified: bool = False
    data: dict[str, Any] | None = None


class Toolbox(Protocol):
    def now(self) -> datetime: ...

    def inventory(self, namespaces: list[str] | None) -> Inventory: ...

    def call(self, tool: str, args: dict[str, Any]) -> ToolResult: ...

    def plan_action(self, action: ProposedAction, *, incident_id: str, proposer: str,
                    requested_by: str | None) -> ActionPlan: ...

    def execute_action(self, action: ProposedAction, plan: ActionPlan, *, approver: str) -> ActionOutcome: ...
