"""What planning and executing an action return: plain data, never an exception."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from tools.models import ProposedAction

NO_CHANGE = "no change (advice only)"


@dataclass
class ActionPlanResult:
    """A dry-run-checked proposal: the diff for the approval card and the resourceVersion it was made on."""

    ok: bool
    action: ProposedAction
    diff: str  # "path: old -> new" per changed field
    resource_version: str | None
    error: str = ""
    dry_run_object: dict[str, Any] | None = None
    noop: bool = False  # ok is False because there is nothing to change

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, so a plan can wait in Redis between the card and the click."""
        data = asdict(self)
        data["action"] = self.action.model_dump(mode="json")
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ActionPlanResult:
        return cls(**{**data, "action": ProposedAction.model_validate(data["action"])})


@dataclass
class ActionOutcome:
    ok: bool
    text: str  # one or two sentences for the Slack thread
    verified: bool
    details: dict[str, Any] = field(default_factory=dict)
