"""What analyzers produce: a candidate root cause with its evidence and the fix it implies."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tools.models import ObjectRef, ProposedAction


@dataclass
class ToolCall:
    tool: str
    args: dict[str, Any]

    def key(self) -> str:
        return f"{self.tool}:{sorted(self.args.items())}"


@dataclass
class Finding:
    """A candidate root cause. `score` in 0..1 is how strongly the evidence points at it."""

    analyzer: str
    category: str
    resource: ObjectRef | None
    score: float
    summary: str
    facts: list[str] = field(default_factory=list)
    against: list[str] = field(default_factory=list)
    action: ProposedAction | None = None
    affected: ObjectRef | None = None
    onset: datetime | None = None
    confirm_with: list[ToolCall] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "analyzer": self.analyzer, "category": self.category,
            "resource": self.resource.model_dump() if self.resource else None,
            "score": round(self.score, 3), "summary": self.summary, "facts": self.facts,
            "against": self.against,
            "action": self.action.model_dump(mode="json") if self.action else None,
            "affected": self.affected.model_dump() if self.affected else None,
            "onset": self.onset.isoformat() if self.onset else None,
            "confirm_with": [{"tool": c.tool, "args": c.args} for c in self.confirm_with],
            "data": self.data,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Finding":
        return cls(
            analyzer=d["analyzer"], category=d["category"],
            resource=ObjectRef(**d["resource"]) if d.get("resource") else None,
            score=d["score"], summary=d["summary"], facts=list(d.get("facts", [])),
            against=list(d.get("against", [])),
            action=ProposedAction(**d["action"]) if d.get("action") else None,
            affected=ObjectRef(**d["affected"]) if d.get("affected") else None,
            onset=datetime.fromisoformat(d["onset"]) if d.get("onset") else None,
            confirm_with=[ToolCall(c["tool"], c["args"]) for c in d.get("confirm_with", [])],
            data=dict(d.get("data") or {}),
        )
