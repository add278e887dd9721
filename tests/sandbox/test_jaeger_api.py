"""The sandbox's Jaeger query API: services, operations, search filters, trace by id, expansion of repeats."""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest

from sandbox import jaeger_api
from sandbox.server import SandboxServer
from sandbox.traces import expand
from tests.conftest import SHARED_SCENARIOS
from tests.sandbox.promfixtures import make_world

NOW_US = 1795521600 * 1_000_000  # 2026-11-24T12:00:00Z
SLOW_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACES: list[dict[str, Any]] = [
    {"trace_id": SLOW_ID, "repeat": 4, "every": "15s", "at": "-10m", "spans": [
        {"span_id": "a1", "service": "frontend", "operation": "POST /checkout", "offset_ms": 0, "duration_ms": 2150,
         "error": True, "tags": {"http.status_code": 504}},
        {"span_id": "a2", "parent": "a1", "service": "payment", "operation": "POST /v1/charges", "offset_ms": 12,
         "duration_ms": 2003, "error": True},
        {"span_id": "a3", "parent": "a2", "service": "payment", "operation": "db.pool.acquire", "offset_ms": 14.5,
         "duration_ms": 200, "error": True, "tags": {"error.message": "timeout acquiring connection", "pool.size": 10}},
    ]},
    {"trace_id": "00000000000000000000000000000abc", "at": "-1m", "spans": [
        {"span_id": "b1", "service": "frontend", "operation": "GET /cart", "offset_ms": 0, "duration_ms": 40,
         "tags": {"http.status_code": 200, "ratio": 0.25}},
        {"span_id": "b2", "parent": "b1", "service": "cart", "operation": "GET /v1/cart", "offset_ms": 3, "duration_ms": 30},
    ]},
]


@pytest.fixture()
def world() -> Any:
    return make_world(now="2026-11-24T12:00:00Z", traces=TRACES)


def get(world: Any, path: str, **params: str | list[str]) -> tuple[int, dict[str, Any]]:
    wrapped = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    return jaeger_api.handle("GET", path, wrapped, world)


def search(world: Any, **params: str | list[str]) -> list[dict[str, Any]]:
    status, body = get(world, "/api/traces", **params)
    assert status == 200 and body["errors"] is None, body
    return body["data"]  # type: ignore[no-any-return]


def test_services_and_their_operations_come_from_the_spans(world: Any) -> None:
    assert get(world, "/api/services")[1] == {"data": ["cart", "frontend", "payment"], "total": 3, "limit": 0,
                                              "offset": 0, "errors": None}
    assert get(world, "/api/services/payment/operations")[1]["data"] == ["POST /v1/charges", "db.pool.acquire"]
    assert get(world, "/api/operations", service="cart")[1]["data"] == [{"name": "GET /v1/cart", "spanKind": ""}]


def test_repeat_makes_copies_with_new_stable_ids_shifted_by_every(world: Any) -> None:
    copies = [t for t in expand(TRACES, world.now) if len(t.spans) == 3]
    assert len(copies) == 4
    assert copies[0].trace_id == SLOW_ID  # the first copy keeps the scenario's id
    assert len({t.trace_id for t in copies}) == 4
    assert [t.trace_id for t in copies] == [t.trace_id for t in expand(TRACES, world.now)[:4]]  # deterministic
    first = NOW_US - 600 * 1_000_000
    assert [t.start_us for t in copies] == [first + i * 15_000_000 for i in range(4)]
    assert [s.start_us - copies[2].start_us for s in copies[2].spans] == [0, 12_000, 14_500]


def test_trace_json_has_jaegers_shape(world: Any) -> None:
    status, body = get(world, f"/api/traces/{SLOW_ID}")
    assert status == 200 and body["errors"] is None and len(body["data"]) == 1
    trace = body["data"][0]
    assert trace["traceID"] == SLOW_ID and trace["warnings"] is None
    assert trace["processes"] == {"p1": {"serviceName": "frontend", "tags": []},
                                  "p2": {"serviceName": "payment", "tags": []}}
    root, charge, pool = trace["spans"]
    assert root["references"] == [] and root["processID"] == "p1"
    assert charge["references"] == [{"refType": "CHILD_OF", "traceID": SLOW_ID, "spanID": root["spanID"]}]
    assert charge["processID"] == "p2" and len(charge["spanID"]) == 16
    assert (charge["startTime"], charge["duration"]) == (NOW_US - 600_000_000 + 12_000, 2_003_000)
    assert {"key": "error", "type": "bool", "value": True} in pool["tags"]
    assert {"key": "pool.size", "type": "int64", "value": 10} in pool["tags"]
    assert {"key": "http.status_code", "type": "int64", "value": 504} in root["tags"]
    assert pool["logs"] == [] and pool["warnings"] is None and pool["operationName"] == "db.pool.acquire"


def test_trace_ids_are_matched_as_numbers_like_jaeger(world: Any) -> None:
    assert get(world, "/api/traces/abc")[1]["data"][0]["traceID"] == "abc"
    assert get(world, "/api/traces/0000000000000abc")[0] == 200
    assert get(world, f"/api/traces/{SLOW_ID.upper()}")[0] == 200


def test_unknown_and_malformed_trace_ids(world: Any) -> None:
    assert get(world, "/api/traces/1234") == (404, {"data": None, "total": 0, "limit": 0, "offset": 0,
                                                    "errors": [{"code": 404, "msg": "trace not found"}]})
    status, body = get(world, "/api/traces/not-an-id")
    assert status == 400 and "invalid syntax" in body["errors"][0]["msg"]


def test_search_needs_a_service(world: Any) -> None:
    status, body = get(world, "/api/traces")
    assert status == 400 and body["errors"] == [{"code": 400, "msg": "parameter 'service' is required"}]


def test_search_by_service_and_operation(world: Any) -> None:
    assert len(search(world, service="frontend")) == 5
    assert len(search(world, service="payment")) == 4
    assert [t["traceID"] for t in search(world, service="frontend", operation="GET /cart")] == ["abc"]
    assert search(world, service="cart", operation="POST /v1/charges") == []


def test_search_by_tags_json_object_of_strings(world: Any) -> None:
    assert len(search(world, service="payment", tags='{"error":"true"}')) == 4
    assert search(world, service="cart", tags='{"error":"true"}') == []
    assert len(search(world, service="frontend", tags='{"http.status_code":"504"}')) == 4
    assert len(search(world, service="frontend", tag="http.status_code:200")) == 1
    assert len(search(world, service="frontend", tags='{"ratio":"0.25"}')) == 1
    # every condition must hold on one span: the 504 is on frontend's span, not payment's
    assert search(world, service="payment", tags='{"http.status_code":"504"}') == []
    status, body = get(world, "/api/traces", service="payment", tags='{"error":true}')
    assert status == 400 and body["errors"][0]["msg"].startswith("malformed 'tags' parameter")


def test_search_by_duration_bounds(world: Any) -> None:
    assert len(search(world, service="payment", minDuration="1.2s")) == 4
    assert search(world, service="frontend", minDuration="2.2s") == []
    assert len(search(world, service="payment", operation="db.pool.acquire", maxDuration="500ms")) == 4
    assert len(search(world, service="frontend", maxDuration="100ms")) == 1
    status, body = get(world, "/api/traces", service="payment", minDuration="2s", maxDuration="1s")
    assert status == 400 and body["errors"][0]["msg"] == "'maxDuration' should be greater than 'minDuration'"
    status, body = get(world, "/api/traces", service="payment", minDuration="soon")
    assert status == 400 and "unable to parse param 'minDuration'" in body["errors"][0]["msg"]


def test_search_by_time_window_in_microseconds_and_limit_newest_first(world: Any) -> None:
    window = {"start": str(NOW_US - 600_000_000 + 10_000_000), "end": str(NOW_US - 600_000_000 + 40_000_000)}
    assert len(search(world, service="payment", **window)) == 2  # copies at +15 s and +30 s
    newest = search(world, service="frontend", limit="2")
    assert [t["traceID"] for t in newest][0] == "abc"
    assert len(newest) == 2 and newest[1]["spans"][0]["startTime"] == NOW_US - 600_000_000 + 45_000_000
    assert search(world, service="frontend", end=str(NOW_US - 3600_000_000)) == []


def test_search_by_trace_ids_skips_the_other_filters(world: Any) -> None:
    found = search(world, traceID=[SLOW_ID, "abc"])
    assert sorted(t["traceID"] for t in found) == sorted([SLOW_ID, "abc"])


def test_dependencies_count_calls_between_services(world: Any) -> None:
    assert get(world, "/api/dependencies")[1]["data"] == [
        {"parent": "frontend", "child": "cart", "callCount": 1},
        {"parent": "frontend", "child": "payment", "callCount": 4}]


def test_a_changed_world_is_seen_once_its_version_moves(world: Any) -> None:
    assert get(world, "/api/services")[1]["total"] == 3
    with world.lock:
        world.traces = TRACES[1:]
        world.version += 1
    assert get(world, "/api/services")[1]["data"] == ["cart", "frontend"]


def test_the_sandbox_server_serves_jaeger_over_real_http(serve: Callable[..., SandboxServer]) -> None:
    server = serve(SHARED_SCENARIOS / "payment-bad-rollout.yaml")
    query = urllib.parse.urlencode({"service": "payment", "tags": '{"error":"true"}', "limit": "5"})
    with urllib.request.urlopen(f"{server.jaeger_url}/api/traces?{query}", timeout=10) as resp:
        body = json.loads(resp.read())
    assert resp.status == 200 and len(body["data"]) == 5
    for trace in body["data"]:
        payment_spans = [s for s in trace["spans"] if trace["processes"][s["processID"]]["serviceName"] == "payment"]
        assert any({"key": "error", "type": "bool", "value": True} in s["tags"] for s in payment_spans)
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{server.jaeger_url}/api/traces/ffffffffffffffffffffffffffffffff", timeout=10)
    assert caught.value.code == 404
    assert json.loads(caught.value.read())["errors"] == [{"code": 404, "msg": "trace not found"}]
