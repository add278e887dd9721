"""Append-only audit log of approvals and actions, in Redis streams.

Every entry goes to `debugbot:audit` (capped with MAXLEN ~ maxlen) and, in the
same MULTI, to `debugbot:audit:incident:{incident_id}` (capped smaller, with a
TTL), so `for_incident` reads one short stream instead of scanning the log.
Diffs arrive already redacted; this layer only stores them.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from enum import Enum
from typing import Any

import redis
from pydantic import BaseModel

from tools.models import ObjectRef, ProposedAction


class AuditEvent(str, Enum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"
    REFUSED_UNAUTHORISED = "refused_unauthorised"
    EXPIRED = "expired"
    EXECUTED = "executed"
    FAILED = "failed"
    VERIFIED = "verified"


class AuditEntry(BaseModel):
    id: str  # stream entry id ("<ms>-<seq>"): the order of the log
    event: AuditEvent
    incident_id: str
    approval_id: str | None = None
    action: str | None = None
    target: str | None = None
    user: str | None = None
    diff: str = ""
    outcome: str = ""
    ts: datetime


_FIELDS = ("event", "incident_id", "approval_id", "action", "target", "user", "diff", "outcome", "ts")


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


def _entries(rows: Any) -> list[AuditEntry]:
    """Stream rows [(id, {field: value})] as entries; redis-py types them loosely."""
    return [_entry(entry_id, fields) for entry_id, fields in rows or []]


def _entry(entry_id: bytes | str, fields: dict[bytes | str, bytes | str]) -> AuditEntry:
    values = {_text(k): _text(v) for k, v in fields.items()}
    optional = {k: values.get(k) or None for k in ("approval_id", "action", "target", "user")}
    return AuditEntry(id=_text(entry_id), event=AuditEvent(values["event"]),
                      incident_id=values["incident_id"], diff=values.get("diff", ""),
                      outcome=values.get("outcome", ""), ts=datetime.fromisoformat(values["ts"]),
                      **optional)


class AuditLog:
    """Write audit entries and read them back in the order they were written."""

    def __init__(self, client: redis.Redis, *, prefix: str = "debugbot", maxlen: int = 100_000,
                 incident_maxlen: int = 1_000, incident_ttl_s: int = 180 * 86_400,
                 clock: Callable[[], datetime] = _utcnow) -> None:
        self.client = client
        self.key = f"{prefix}:audit"
        self.maxlen = maxlen
        self.incident_maxlen = incident_maxlen
        self.incident_ttl_s = incident_ttl_s
        self.clock = clock

    def _incident_key(self, incident_id: str) -> str:
        return f"{self.key}:incident:{incident_id}"

    def record(self, event: AuditEvent | str, *, incident_id: str, approval_id: str | None = None,
               action: ProposedAction | str | None = None, target: ObjectRef | str | None = None,
               user: str | None = None, diff: str = "", outcome: str = "",
               ts: datetime | None = None) -> str:
        """Append one entry; returns its id in the main log. A ProposedAction fills action and target."""
        if isinstance(action, ProposedAction):
            target = target if target is not None else action.target
            action = action.action.value
        fields = {
            "event": AuditEvent(event).value,
            "incident_id": incident_id,
            "approval_id": approval_id or "",
            "action": action or "",
            "target": target.label() if isinstance(target, ObjectRef) else target or "",
            "user": user or "",
            "diff": diff,
            "outcome": outcome,
            "ts": (ts or self.clock()).isoformat(),
        }
        pipe = self.client.pipeline(transaction=True)
        pipe.xadd(self.key, fields, maxlen=self.maxlen, approximate=True)  # type: ignore[arg-type]
        pipe.xadd(self._incident_key(incident_id), fields,  # type: ignore[arg-type]
                  maxlen=self.incident_maxlen, approximate=True)
        pipe.expire(self._incident_key(incident_id), self.incident_ttl_s)
        entry_id, _, _ = pipe.execute()
        return _text(entry_id)

    def recent(self, n: int = 50) -> list[AuditEntry]:
        """The last n entries of the whole log, oldest first."""
        return _entries(reversed(self.client.xrevrange(self.key, count=n) or []))

    def for_incident(self, incident_id: str, *, limit: int | None = None) -> list[AuditEntry]:
        """An incident's entries, oldest first (the last `limit` if given)."""
        key = self._incident_key(incident_id)
        if limit is None:
            return _entries(self.client.xrange(key))
        return _entries(reversed(self.client.xrevrange(key, count=limit) or []))

    def __len__(self) -> int:
        return int(self.client.xlen(self.key))
