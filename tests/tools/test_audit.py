"""AuditLog: entries written to Redis streams and read back whole, in order, per incident."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import fakeredis
import pytest
import redis

from tools.audit import AuditEvent, AuditLog
from tools.models import ActionName, ObjectRef, ProposedAction

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
SCALE = ProposedAction(action=ActionName.SCALE_WORKLOAD, params={"replicas": 4},
                       target=ObjectRef(kind="Deployment", namespace="shop", name="cart"))


@pytest.fixture()
def client(redis_url: str) -> Iterator[redis.Redis]:
    c = redis.Redis.from_url(redis_url)
    yield c
    c.close()


def test_entries_read_back_in_write_order_with_every_field(client: redis.Redis) -> None:
    log = AuditLog(client)
    events = ["proposed", "refused_unauthorised", "approved", "executed", "verified"]
    for n, event in enumerate(events):
        log.record(event, incident_id="inc-1", approval_id="ap-1", action=SCALE, user=f"U{n}",
                   diff="-replicas: 2\n+replicas: 4" if event == "proposed" else "",
                   outcome=f"outcome {n}", ts=T0 + timedelta(seconds=n))

    entries = log.recent(10)

    assert [e.event.value for e in entries] == events
    assert [e.ts for e in entries] == [T0 + timedelta(seconds=n) for n in range(5)]
    assert entries[0].diff == "-replicas: 2\n+replicas: 4"
    first = entries[0]
    assert (first.incident_id, first.approval_id, first.action, first.target, first.user, first.outcome) == (
        "inc-1", "ap-1", "scale_workload", "Deployment shop/cart", "U0", "outcome 0")
    assert [e.id for e in entries] == sorted((e.id for e in entries),
                                             key=lambda i: tuple(int(p) for p in i.split("-")))


def test_recent_returns_the_last_n_oldest_first(client: redis.Redis) -> None:
    log = AuditLog(client)
    for n in range(12):
        log.record(AuditEvent.PROPOSED, incident_id=f"inc-{n}")

    assert [e.incident_id for e in log.recent(3)] == ["inc-9", "inc-10", "inc-11"]


def test_for_incident_returns_only_that_incidents_entries(client: redis.Redis) -> None:
    log = AuditLog(client)
    for n in range(6):
        log.record("proposed", incident_id="inc-a" if n % 2 else "inc-b", outcome=str(n))

    assert [e.outcome for e in log.for_incident("inc-a")] == ["1", "3", "5"]
    assert [e.outcome for e in log.for_incident("inc-a", limit=2)] == ["3", "5"]
    assert log.for_incident("inc-none") == []
    assert 0 < client.ttl("debugbot:audit:incident:inc-a") <= 180 * 86_400


def test_the_main_stream_is_capped_near_its_maxlen(client: redis.Redis) -> None:
    log = AuditLog(client, maxlen=100)
    for n in range(1000):
        log.record("executed", incident_id="inc-1", outcome=str(n))

    assert 100 <= len(log) <= 200  # MAXLEN ~ trims whole stream nodes (100 entries each)
    assert [e.outcome for e in log.recent(2)] == ["998", "999"]


def test_missing_optional_fields_read_back_as_none(client: redis.Redis) -> None:
    log = AuditLog(client)
    log.record("expired", incident_id="inc-1")

    (entry,) = log.recent(1)

    assert (entry.approval_id, entry.action, entry.target, entry.user) == (None, None, None, None)
    assert entry.diff == "" and entry.outcome == ""


def test_an_unknown_event_name_is_refused_before_anything_is_written() -> None:
    log = AuditLog(fakeredis.FakeRedis())

    with pytest.raises(ValueError):
        log.record("deployed", incident_id="inc-1")
    assert len(log) == 0


def test_a_target_given_as_text_is_stored_as_is() -> None:
    log = AuditLog(fakeredis.FakeRedis(), clock=lambda: T0)
    log.record("refused_unauthorised", incident_id="inc-1", action="delete_pod",
               target="Pod shop/cart-1", user="U-mallory")

    (entry,) = log.for_incident("inc-1")

    assert (entry.action, entry.target, entry.user, entry.ts) == ("delete_pod", "Pod shop/cart-1",
                                                                 "U-mallory", T0)
