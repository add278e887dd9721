"""Approval records for proposed mutations: decided exactly once, expiring, tamper-evident.

Keys (prefix "debugbot"):

    debugbot:approval:{id}                  the record (JSON), kept ttl_s + retain_s
    debugbot:approval:{id}:decided          the decision marker, written once with SET NX
    debugbot:approvals:incident:{incident}  set of approval ids of an incident

The NX marker is the single source of truth for the decision: whoever sets
it first wins (a double click, two approvers, two processes); everyone else
is told who decided and when. A click after `expires_at` races for the same
marker with decision "expired", so a late click can never approve. The
record is then updated to match; `get` folds the marker in, so a crash
between the two steps cannot lose a decision. Who may approve is decided by
the bot (its approver list), not here.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from enum import Enum
from typing import TYPE_CHECKING, Literal

import redis
from pydantic import BaseModel

from tools.models import ProposedAction

if TYPE_CHECKING:
    from tools.audit import AuditLog

Decision = Literal["approve", "reject"]


class ApprovalState(str, Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"
    EXECUTED = "executed"
    FAILED = "failed"


class ApprovalStateError(ValueError):
    """A transition the record's state does not allow (e.g. executing a rejected action)."""


class ApprovalRecord(BaseModel):
    id: str
    incident_id: str
    action: ProposedAction
    args_digest: str
    dry_run_diff: str = ""
    proposer: str
    requested_by: str | None = None
    created_at: datetime
    expires_at: datetime
    state: ApprovalState = ApprovalState.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None
    target_resource_version: str | None = None
    result: str = ""


class ConsumeOutcome(str, Enum):
    OK = "ok"
    ALREADY_DECIDED = "already_decided"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


class ConsumeResult(BaseModel):
    """What one click got. On ALREADY_DECIDED, decision/decided_by/decided_at are the winner's."""

    outcome: ConsumeOutcome
    record: ApprovalRecord | None = None
    decision: Literal["approve", "reject", "expired"] | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is ConsumeOutcome.OK


class _Marker(BaseModel):
    decision: Literal["approve", "reject", "expired"]
    by: str | None = None
    at: datetime


_STATE_OF = {"approve": ApprovalState.APPROVED, "reject": ApprovalState.REJECTED,
             "expired": ApprovalState.EXPIRED}


def action_digest(action: ProposedAction) -> str:
    """sha256 of the canonical JSON of action, target and params (the rationale is not signed)."""
    body = action.model_dump(mode="json", include={"action", "target", "params"})
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _fold(record: ApprovalRecord, marker: _Marker | None) -> ApprovalRecord:
    """The record as the marker says it was decided (only a pending record takes it)."""
    if marker is None or record.state is not ApprovalState.PENDING:
        return record
    return record.model_copy(update={
        "state": _STATE_OF[marker.decision],
        "decided_by": marker.by if marker.decision != "expired" else None,
        "decided_at": marker.at})


class ApprovalStore:
    """Create, read, decide once, and close out approval records in Redis."""

    def __init__(self, client: redis.Redis, *, ttl_s: int, prefix: str = "debugbot",
                 retain_s: int = 7 * 86_400, clock: Callable[[], datetime] = _utcnow,
                 audit: AuditLog | None = None) -> None:
        self.client = client
        self.ttl_s = ttl_s
        self.prefix = prefix
        self.keep_s = ttl_s + retain_s  # records outlive expiry so a late click hears "expired"
        self.clock = clock
        self.audit = audit

    def _key(self, approval_id: str) -> str:
        return f"{self.prefix}:approval:{approval_id}"

    def _incident_key(self, incident_id: str) -> str:
        return f"{self.prefix}:approvals:incident:{incident_id}"

    def create(self, *, incident_id: str, action: ProposedAction, dry_run_diff: str = "",
               proposer: str, requested_by: str | None = None,
               target_resource_version: str | None = None, now: datetime | None = None,
               ) -> ApprovalRecord:
        """Store a pending record under a fresh unguessable id."""
        created = now or self.clock()
        record = ApprovalRecord(
            id=secrets.token_urlsafe(18), incident_id=incident_id, action=action,
            args_digest=action_digest(action), dry_run_diff=dry_run_diff, proposer=proposer,
            requested_by=requested_by, created_at=created,
            expires_at=created + timedelta(seconds=self.ttl_s),
            target_resource_version=target_resource_version)
        pipe = self.client.pipeline(transaction=True)
        pipe.set(self._key(record.id), record.model_dump_json(), ex=self.keep_s, nx=True)
        pipe.sadd(self._incident_key(incident_id), record.id)
        pipe.expire(self._incident_key(incident_id), self.keep_s)
        stored, _, _ = pipe.execute()
        if not stored:  # 144 random bits colliding: refuse rather than overwrite
            raise ApprovalStateError("approval id collision")
        self._audit("proposed", record, user=requested_by, outcome="pending", diff=record.dry_run_diff)
        return record

    def get(self, approval_id: str, *, now: datetime | None = None) -> ApprovalRecord | None:
        """The record with its decision folded in; a pending one past expiry reads as expired."""
        raw, marker = self.client.mget(self._key(approval_id), self._key(approval_id) + ":decided")
        if raw is None:
            return None
        record = _fold(ApprovalRecord.model_validate_json(raw),
                       _Marker.model_validate_json(marker) if marker else None)
        if record.state is ApprovalState.PENDING and (now or self.clock()) >= record.expires_at:
            return record.model_copy(update={"state": ApprovalState.EXPIRED})
        return record

    def consume(self, approval_id: str, *, user_id: str, decision: Decision,
                now: datetime | None = None) -> ConsumeResult:
        """Take the decision exactly once (SET NX). Only one caller ever gets OK."""
        when = now or self.clock()
        raw = self.client.get(self._key(approval_id))
        if raw is None:
            return ConsumeResult(outcome=ConsumeOutcome.UNKNOWN)
        record = ApprovalRecord.model_validate_json(raw)
        verdict = decision if when < record.expires_at else "expired"
        mine = _Marker(decision=verdict, by=user_id, at=when)
        won = self.client.set(self._key(approval_id) + ":decided", mine.model_dump_json(),
                              nx=True, ex=self.keep_s)
        if not won:
            return self._lost(approval_id, record)
        record = self._update(approval_id, lambda r: _fold(r, mine))
        self._audit("approved" if verdict == "approve" else "rejected" if verdict == "reject"
                    else "expired", record, user=user_id, outcome=verdict)
        outcome = ConsumeOutcome.OK if verdict != "expired" else ConsumeOutcome.EXPIRED
        return ConsumeResult(outcome=outcome, record=record, decision=verdict,
                             decided_by=mine.by, decided_at=when)

    def _lost(self, approval_id: str, record: ApprovalRecord) -> ConsumeResult:
        raw = self.client.get(self._key(approval_id) + ":decided")
        if raw is None:  # the marker expired with the record between two reads
            return ConsumeResult(outcome=ConsumeOutcome.UNKNOWN)
        winner = _Marker.model_validate_json(raw)
        outcome = ConsumeOutcome.EXPIRED if winner.decision == "expired" else ConsumeOutcome.ALREADY_DECIDED
        return ConsumeResult(outcome=outcome, record=_fold(record, winner), decision=winner.decision,
                             decided_by=winner.by, decided_at=winner.at)

    def mark(self, approval_id: str, state: ApprovalState | str, result: str = "") -> ApprovalRecord:
        """Close out an approved record as executed or failed, once."""
        target = ApprovalState(state)
        if target not in (ApprovalState.EXECUTED, ApprovalState.FAILED):
            raise ApprovalStateError(f"mark() sets executed or failed, not {target.value}")
        marker_raw = self.client.get(self._key(approval_id) + ":decided")
        marker = _Marker.model_validate_json(marker_raw) if marker_raw else None

        def close(record: ApprovalRecord) -> ApprovalRecord:
            current = _fold(record, marker)
            if current.state is not ApprovalState.APPROVED:
                raise ApprovalStateError(f"approval {approval_id} is {current.state.value}, not approved")
            return current.model_copy(update={"state": target, "result": result})

        record = self._update(approval_id, close)
        self._audit(target.value, record, user=record.decided_by, outcome=result)
        return record

    def verify_digest(self, record: ApprovalRecord, action: ProposedAction) -> bool:
        """True only if `action` is the approved one and the stored record was not edited."""
        expected = record.args_digest
        return (hmac.compare_digest(expected, action_digest(action))
                and hmac.compare_digest(expected, action_digest(record.action)))

    def pending_for_incident(self, incident_id: str, *, now: datetime | None = None,
                             ) -> list[ApprovalRecord]:
        """Undecided, unexpired records of an incident, oldest first."""
        ids = sorted(i.decode() if isinstance(i, bytes) else str(i)
                     for i in self.client.smembers(self._incident_key(incident_id)))
        records = [self.get(approval_id, now=now) for approval_id in ids]
        gone = [i for i, r in zip(ids, records) if r is None]
        if gone:
            self.client.srem(self._incident_key(incident_id), *gone)
        pending = [r for r in records if r is not None and r.state is ApprovalState.PENDING]
        return sorted(pending, key=lambda r: r.created_at)

    def _update(self, approval_id: str, change: Callable[[ApprovalRecord], ApprovalRecord],
                ) -> ApprovalRecord:
        """Read-modify-write of one record under WATCH, retried on a concurrent write."""
        key = self._key(approval_id)
        with self.client.pipeline(transaction=True) as pipe:
            while True:
                try:
                    pipe.watch(key)  # type: ignore[no-untyped-call]
                    raw = pipe.get(key)
                    if raw is None:
                        raise ApprovalStateError(f"unknown approval {approval_id}")
                    record = change(ApprovalRecord.model_validate_json(raw))
                    pipe.multi()
                    pipe.set(key, record.model_dump_json(), keepttl=True)
                    pipe.execute()
                    return record
                except redis.WatchError:
                    continue

    def _audit(self, event: str, record: ApprovalRecord, *, user: str | None, outcome: str,
               diff: str = "") -> None:
        """With an AuditLog attached, every transition this store makes is logged (diff once)."""
        if self.audit is not None:
            self.audit.record(event, incident_id=record.incident_id, approval_id=record.id,
                              action=record.action, user=user, diff=diff, outcome=outcome)
