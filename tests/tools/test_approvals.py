"""ApprovalStore: once-only decisions under races (threads, processes), expiry, integrity."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fakeredis
import pytest
import redis

from tests.conftest import ROOT
from tools.approvals import (
    ApprovalRecord,
    ApprovalState,
    ApprovalStateError,
    ApprovalStore,
    ConsumeOutcome,
    action_digest,
)
from tools.audit import AuditLog
from tools.models import ActionName, ObjectRef, ProposedAction

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
ROLLBACK = ProposedAction(action=ActionName.ROLLBACK_DEPLOYMENT,
                          target=ObjectRef(kind="Deployment", namespace="shop", name="checkout-api"),
                          params={"to_revision": 3}, rationale="bad image in revision 4")


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture()
def client(redis_url: str) -> Iterator[redis.Redis]:
    c = redis.Redis.from_url(redis_url)
    yield c
    c.close()


@pytest.fixture(params=["real-redis", "fakeredis"])
def any_client(request: pytest.FixtureRequest) -> redis.Redis:
    """Logic tests run on fakeredis (fast) and on a real redis-server (true)."""
    if request.param == "fakeredis":
        return fakeredis.FakeRedis()
    return redis.Redis.from_url(request.getfixturevalue("redis_url"))


@pytest.fixture()
def clock() -> Clock:
    return Clock()


def _store(client: redis.Redis, clock: Clock, **kwargs: object) -> ApprovalStore:
    return ApprovalStore(client, ttl_s=600, clock=clock, **kwargs)  # type: ignore[arg-type]


def _create(store: ApprovalStore, incident: str = "T1-C1-1700000000_1") -> ApprovalRecord:
    return store.create(incident_id=incident, action=ROLLBACK, dry_run_diff="-image: v4\n+image: v3",
                        proposer="debugbot rules reasoner", requested_by="U123",
                        target_resource_version="4711")


def test_a_created_record_reads_back_identical_with_an_unguessable_id(any_client: redis.Redis,
                                                                      clock: Clock) -> None:
    store = _store(any_client, clock)
    record = _create(store)
    ids = {_create(store).id for _ in range(50)}

    assert store.get(record.id) == record
    assert record.state is ApprovalState.PENDING
    assert record.expires_at == T0 + timedelta(seconds=600)
    assert record.action == ROLLBACK and record.target_resource_version == "4711"
    assert len(record.id) >= 22 and len(ids) == 50 and record.id not in ids


def test_the_args_digest_is_sha256_of_canonical_action_target_and_params() -> None:
    canonical = json.dumps({"action": "rollback_deployment", "params": {"to_revision": 3},
                            "target": {"kind": "Deployment", "name": "checkout-api", "namespace": "shop"}},
                           sort_keys=True, separators=(",", ":"))

    assert action_digest(ROLLBACK) == hashlib.sha256(canonical.encode()).hexdigest()


def test_the_second_click_is_told_who_decided_and_when(any_client: redis.Redis, clock: Clock) -> None:
    store = _store(any_client, clock)
    record = _create(store)

    first = store.consume(record.id, user_id="U-alice", decision="approve")
    clock.now += timedelta(seconds=5)
    second = store.consume(record.id, user_id="U-bob", decision="reject")

    assert first.ok and first.record is not None and first.record.state is ApprovalState.APPROVED
    assert second.outcome is ConsumeOutcome.ALREADY_DECIDED and not second.ok
    assert (second.decision, second.decided_by, second.decided_at) == ("approve", "U-alice", T0)
    stored = store.get(record.id)
    assert stored is not None
    assert (stored.state, stored.decided_by, stored.decided_at) == (ApprovalState.APPROVED, "U-alice", T0)


def test_twenty_threads_racing_get_exactly_one_decision(client: redis.Redis) -> None:
    store = ApprovalStore(client, ttl_s=600)
    record = _create(store)
    barrier = threading.Barrier(20)
    results = []

    def click(n: int) -> None:
        barrier.wait()
        results.append(store.consume(record.id, user_id=f"U{n}",
                                     decision="approve" if n % 2 else "reject"))

    threads = [threading.Thread(target=click, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    winners = [r for r in results if r.ok]
    assert len(results) == 20 and len(winners) == 1
    winner = winners[0]
    losers = [r for r in results if not r.ok]
    assert all(r.outcome is ConsumeOutcome.ALREADY_DECIDED for r in losers)
    assert {(r.decided_by, r.decision) for r in losers} == {(winner.decided_by, winner.decision)}
    stored = store.get(record.id)
    assert stored is not None and stored.decided_by == winner.decided_by


RACER = textwrap.dedent('''
    import json, sys, time
    import redis
    from tools.approvals import ApprovalStore
    url, user, start_at, ids = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4].split(",")
    store = ApprovalStore(redis.Redis.from_url(url), ttl_s=600)
    while time.time() < start_at:
        pass
    won = [i for i in ids if store.consume(i, user_id=user, decision="approve").ok]
    print(json.dumps(won))
''')


def test_two_processes_racing_over_forty_approvals_never_both_win_one(client: redis.Redis,
                                                                      redis_url: str,
                                                                      tmp_path: Path) -> None:
    store = ApprovalStore(client, ttl_s=600)
    ids = [_create(store).id for _ in range(40)]
    script = tmp_path / "racer.py"
    script.write_text(RACER)
    start_at = time.time() + 2.0  # both interpreters are up and spinning by then
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, str(script), redis_url, user, str(start_at), ",".join(ids)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for user in ("U-proc-a", "U-proc-b")]
    outputs = [p.communicate(timeout=60) for p in procs]

    assert all(p.returncode == 0 for p in procs), [err for _, err in outputs]
    won_a, won_b = (set(json.loads(out)) for out, _ in outputs)
    assert won_a.isdisjoint(won_b)
    assert won_a | won_b == set(ids)
    for approval_id in ids:
        stored = store.get(approval_id)
        assert stored is not None
        assert stored.decided_by == ("U-proc-a" if approval_id in won_a else "U-proc-b")


def test_a_click_after_expiry_cannot_approve_and_later_clicks_hear_expired(any_client: redis.Redis,
                                                                           clock: Clock) -> None:
    store = _store(any_client, clock)
    record = _create(store)
    clock.now = record.expires_at

    late = store.consume(record.id, user_id="U-alice", decision="approve")
    later = store.consume(record.id, user_id="U-bob", decision="approve", now=T0)  # even a lying clock

    assert late.outcome is ConsumeOutcome.EXPIRED and not late.ok
    assert later.outcome is ConsumeOutcome.EXPIRED and not later.ok
    stored = store.get(record.id)
    assert stored is not None and stored.state is ApprovalState.EXPIRED and stored.decided_by is None


def test_a_click_one_second_before_expiry_still_counts(any_client: redis.Redis, clock: Clock) -> None:
    store = _store(any_client, clock)
    record = _create(store)

    result = store.consume(record.id, user_id="U-alice", decision="reject",
                           now=record.expires_at - timedelta(seconds=1))

    assert result.ok and result.record is not None and result.record.state is ApprovalState.REJECTED


def test_an_undecided_record_past_its_expiry_reads_as_expired(any_client: redis.Redis, clock: Clock) -> None:
    store = _store(any_client, clock)
    record = _create(store)

    before = store.get(record.id)
    clock.now += timedelta(seconds=601)
    after = store.get(record.id)

    assert before is not None and before.state is ApprovalState.PENDING
    assert after is not None and after.state is ApprovalState.EXPIRED


def test_records_outlive_their_expiry_in_redis_but_not_forever(client: redis.Redis, clock: Clock) -> None:
    store = _store(client, clock, retain_s=3600)
    record = _create(store)

    assert 600 < client.ttl(f"debugbot:approval:{record.id}") <= 4200


def test_an_unknown_id_is_reported_as_unknown(any_client: redis.Redis, clock: Clock) -> None:
    store = _store(any_client, clock)

    result = store.consume("not-a-real-id", user_id="U1", decision="approve")

    assert result.outcome is ConsumeOutcome.UNKNOWN and result.record is None
    assert store.get("not-a-real-id") is None


def test_digest_check_catches_a_changed_action_and_an_edited_record(any_client: redis.Redis,
                                                                    clock: Clock) -> None:
    store = _store(any_client, clock)
    record = _create(store)
    other_revision = ROLLBACK.model_copy(update={"params": {"to_revision": 1}})
    other_target = ROLLBACK.model_copy(update={"target": ObjectRef(kind="Deployment", namespace="shop",
                                                                   name="payments-api")})
    reworded = ROLLBACK.model_copy(update={"rationale": "same action, new words"})
    raw = json.loads(any_client.get(f"debugbot:approval:{record.id}") or b"{}")
    raw["action"]["params"]["to_revision"] = 1  # someone with Redis access edits the plan
    any_client.set(f"debugbot:approval:{record.id}", json.dumps(raw))
    edited = store.get(record.id)

    assert store.verify_digest(record, ROLLBACK)
    assert store.verify_digest(record, reworded)
    assert not store.verify_digest(record, other_revision)
    assert not store.verify_digest(record, other_target)
    assert edited is not None and not store.verify_digest(edited, edited.action)


def test_an_approved_record_is_marked_executed_once(any_client: redis.Redis, clock: Clock) -> None:
    store = _store(any_client, clock)
    record = _create(store)
    store.consume(record.id, user_id="U-alice", decision="approve")

    marked = store.mark(record.id, "executed", "rolled back to revision 3; 3/3 ready")

    assert marked.state is ApprovalState.EXECUTED and marked.result.startswith("rolled back")
    assert store.get(record.id) == marked
    with pytest.raises(ApprovalStateError, match="executed, not approved"):
        store.mark(record.id, ApprovalState.FAILED, "again")


def test_a_rejected_or_pending_record_cannot_be_marked_executed(any_client: redis.Redis,
                                                                 clock: Clock) -> None:
    store = _store(any_client, clock)
    rejected, pending = _create(store), _create(store)
    store.consume(rejected.id, user_id="U-alice", decision="reject")

    with pytest.raises(ApprovalStateError, match="rejected"):
        store.mark(rejected.id, "executed", "")
    with pytest.raises(ApprovalStateError, match="pending"):
        store.mark(pending.id, "executed", "")
    with pytest.raises(ApprovalStateError, match="executed or failed"):
        store.mark(pending.id, "approved", "")


def test_a_decision_survives_a_crash_between_marker_and_record_update(any_client: redis.Redis,
                                                                      clock: Clock) -> None:
    store = _store(any_client, clock)
    record = _create(store)
    marker = {"decision": "approve", "by": "U-alice", "at": T0.isoformat()}
    any_client.set(f"debugbot:approval:{record.id}:decided", json.dumps(marker))  # record untouched

    seen = store.get(record.id)
    again = store.consume(record.id, user_id="U-bob", decision="approve")

    assert seen is not None and seen.state is ApprovalState.APPROVED and seen.decided_by == "U-alice"
    assert again.outcome is ConsumeOutcome.ALREADY_DECIDED and again.decided_by == "U-alice"
    assert store.mark(record.id, "executed", "ok").state is ApprovalState.EXECUTED


def test_pending_for_incident_lists_only_open_requests_oldest_first(any_client: redis.Redis,
                                                                    clock: Clock) -> None:
    store = _store(any_client, clock)
    old = _create(store, "inc-1")
    clock.now += timedelta(seconds=30)
    decided = _create(store, "inc-1")
    clock.now += timedelta(seconds=30)
    newest = _create(store, "inc-1")
    _create(store, "inc-2")
    store.consume(decided.id, user_id="U1", decision="reject")

    assert [r.id for r in store.pending_for_incident("inc-1")] == [old.id, newest.id]
    assert [r.id for r in store.pending_for_incident("inc-1", now=old.expires_at)] == [newest.id]
    assert store.pending_for_incident("inc-3") == []


def test_with_an_audit_log_every_transition_is_recorded(any_client: redis.Redis, clock: Clock) -> None:
    audit = AuditLog(any_client, clock=clock)
    store = _store(any_client, clock, audit=audit)
    record = _create(store, "inc-9")
    store.consume(record.id, user_id="U-alice", decision="approve")
    store.consume(record.id, user_id="U-bob", decision="approve")  # a no-op: not an event
    store.mark(record.id, "executed", "done")

    entries = audit.for_incident("inc-9")

    assert [(e.event.value, e.user) for e in entries] == [
        ("proposed", "U123"), ("approved", "U-alice"), ("executed", "U-alice")]
    assert entries[0].diff == "-image: v4\n+image: v3" and entries[1].diff == ""
    assert {e.approval_id for e in entries} == {record.id}
    assert entries[0].target == "Deployment shop/checkout-api"
