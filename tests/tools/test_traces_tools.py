"""The trace tools against the sandbox's real Jaeger HTTP API: search, summary, one trace, and every failure as data."""
from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from tests.conftest import SHARED_SCENARIOS
from tests.tools.conftest import Served, load_doc
from tools.models import ToolResult, ToolStatus
from tools import registry
from tools.registry import REGISTRY, call_tool
from tools.traces import (TRACE_TOOLS, FindTracesArgs, GetTraceArgs, TraceServicesArgs, find_traces, get_trace,
                          trace_services)

PAYMENT = SHARED_SCENARIOS / "payment-bad-rollout.yaml"


def payment_traces(s: Served, **args: Any) -> ToolResult:
    return find_traces(FindTracesArgs(service="payment", **args), s.ctx)


def test_find_traces_owns_the_504s_by_paymens_db_pool_acquire_span(serve_shared: Callable[[Path], Served]) -> None:
    s = serve_shared(PAYMENT)
    r = payment_traces(s)
    assert r.status == ToolStatus.OK, r.text
    origin = r.data["errors"][0]
    assert (origin["service"], origin["operation"], origin["caller"]) == ("payment", "db.pool.acquire", "checkout-web")
    assert origin["messages"] == [{"text": "timeout acquiring connection after 200ms", "count": 24}]
    assert origin["version"] == "2.4.1" and origin["traces"] == 24
    assert r.data["traces"] == 84 and r.data["failed"] == 24 and r.data["failed_status"] == {"504": 24}
    assert "payment db.pool.acquire (called by checkout-web)" in r.text
    assert '"timeout acquiring connection after 200ms" x24' in r.text and "root status 504 x24" in r.text
    lead = r.data["findings"][0]
    assert (lead["service"], lead["kind"], lead["caller"], lead["handled"]) == ("payment", "error", "checkout-web", False)
    assert lead["share"] == pytest.approx(24 / 84, abs=0.001)


def test_find_traces_invocation_is_the_exact_jaeger_query_and_can_be_rerun(serve_shared: Callable[[Path], Served]) -> None:
    s = serve_shared(PAYMENT)
    r = payment_traces(s, minutes=10, limit=50)
    method, _, target = r.invocation.partition(" ")
    assert method == "GET" and target.startswith("/jaeger/api/traces?service=payment&start=")
    query = parse_qs(urlsplit(target).query)
    assert int(query["end"][0]) == int(s.now.timestamp() * 1_000_000)
    assert int(query["end"][0]) - int(query["start"][0]) == 10 * 60 * 1_000_000 and query["limit"] == ["50"]
    import urllib.request
    with urllib.request.urlopen(s.server.url + target, timeout=10) as resp:  # a human rerunning it sees the same traces
        assert len(json.load(resp)["data"]) == r.data["traces"] == 50
    assert r.data["limit_reached"] and "limit 50 reached" in r.text


def test_errors_only_and_min_duration_narrow_the_search_on_the_server(serve_shared: Callable[[Path], Served]) -> None:
    s = serve_shared(PAYMENT)
    errors = payment_traces(s, errors_only=True)
    assert 'tags=%7B%22error%22%3A%22true%22%7D' in errors.invocation
    assert errors.data["traces"] == errors.data["failed"] == 24
    slow = payment_traces(s, min_duration_ms=1000, operation="POST /v1/charges")
    assert "minDuration=1000ms" in slow.invocation and "operation=POST+%2Fv1%2Fcharges" in slow.invocation
    assert slow.data["traces"] == 24 and slow.data["roots"]["p50_ms"] == 2031.0


def test_trace_services_lists_each_service_with_its_operations(serve_shared: Callable[[Path], Served]) -> None:
    r = trace_services(TraceServicesArgs(), serve_shared(PAYMENT).ctx)
    assert r.status == ToolStatus.OK
    assert r.data == {"checkout-web": ["POST /checkout/pay"], "payment": ["POST /v1/charges", "db.pool.acquire"],
                      "payments-db": ["INSERT charges"]}
    assert "payment: POST /v1/charges, db.pool.acquire" in r.text
    assert r.invocation.startswith("GET /jaeger/api/services ; GET /jaeger/api/services/checkout-web/operations")


def test_get_trace_renders_the_tree_with_self_times_the_critical_path_and_the_origin(
        serve_shared: Callable[[Path], Served]) -> None:
    s = serve_shared(PAYMENT)
    r = get_trace(GetTraceArgs(trace_id="7c1e4f0a9b2d4e6f8a1b3c5d7e9f0a12"), s.ctx)
    assert r.status == ToolStatus.OK and r.invocation == "GET /jaeger/api/traces/7c1e4f0a9b2d4e6f8a1b3c5d7e9f0a12"
    lines = r.text.splitlines()
    assert lines[0].startswith("trace 7c1e4f0a9b2d4e6f8a1b3c5d7e9f0a12: 3 spans, services checkout-web, payment; 2031ms")
    assert "* checkout-web POST /checkout/pay +0ms 2031ms self 28ms ERROR" in r.text
    assert "*   payment POST /v1/charges +9ms 2003ms self 1803ms ERROR" in r.text
    assert '*     payment db.pool.acquire +11ms 200ms self 200ms ERROR "timeout acquiring connection after 200ms"' in r.text
    assert r.data["origin"] == {"service": "payment", "operation": "db.pool.acquire",
                                "message": "timeout acquiring connection after 200ms"}


def test_get_trace_of_an_unknown_id_is_no_data(serve_shared: Callable[[Path], Served]) -> None:
    r = get_trace(GetTraceArgs(trace_id="00000000000000000000000000abcdef"), serve_shared(PAYMENT).ctx)
    assert r.status == ToolStatus.NO_DATA and "not found" in r.text


def test_an_unknown_service_is_no_data_that_lists_the_known_ones(serve_shared: Callable[[Path], Served]) -> None:
    r = find_traces(FindTracesArgs(service="paymnet"), serve_shared(PAYMENT).ctx)
    assert r.status == ToolStatus.NO_DATA
    assert "no traces of 'paymnet'" in r.text and "services: checkout-web, payment, payments-db" in r.text


def test_without_a_jaeger_url_every_tool_says_tracing_is_not_configured(serve: Callable[..., Served]) -> None:
    s = serve(PAYMENT, jaeger_url=None)
    results = [trace_services(TraceServicesArgs(), s.ctx), payment_traces(s),
               get_trace(GetTraceArgs(trace_id="abc"), s.ctx)]
    for r in results:
        assert r.status == ToolStatus.ERROR and "DEBUGBOT_JAEGER_URL" in r.text and "not configured" in r.text
        assert r.invocation.startswith("GET /api/")


def test_jaeger_down_is_an_error_result_naming_the_url(serve: Callable[..., Served]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again at once: nothing listens there
    s = serve(PAYMENT, jaeger_url=f"http://127.0.0.1:{port}/jaeger")
    r = payment_traces(s)
    assert r.status == ToolStatus.ERROR
    assert f"cannot reach Jaeger at http://127.0.0.1:{port}/jaeger" in r.text
    assert r.invocation.startswith("GET /jaeger/api/traces?service=payment")


def test_a_jaeger_500_is_an_error_result_with_jaegers_message(serve: Callable[..., Served]) -> None:
    s = serve(PAYMENT)
    s.server.inject(r"^/jaeger/api/traces\?", status=500, message="storage backend unavailable")
    r = payment_traces(s)
    assert r.status == ToolStatus.ERROR
    assert "Jaeger /api/traces answered 500: storage backend unavailable" in r.text


def test_a_jaeger_that_hangs_is_a_timeout_error_result(serve: Callable[..., Served]) -> None:
    s = serve(PAYMENT, jaeger_timeout_s=0.3)
    s.server.inject(r"^/jaeger/api/services", status=None, delay_s=5)
    r = trace_services(TraceServicesArgs(), s.ctx)
    assert r.status == ToolStatus.ERROR and "timeout: Jaeger did not answer /api/services within 0.3s" in r.text
    assert r.elapsed_s < 3


def test_secrets_in_span_messages_and_tags_are_redacted(serve: Callable[..., Served], tmp_path: Path) -> None:
    doc = load_doc(PAYMENT)
    secret = "sk_live_51HqLyjWDarjtT1zdp7dcXYZabcdefghij"
    doc["traces"] = [{"trace_id": "aa01", "repeat": 3, "at": "-2m", "spans": [
        {"span_id": "a", "service": "payment", "operation": "POST /v1/charges", "offset_ms": 0, "duration_ms": 90,
         "error": True, "tags": {"error.message": f"card processor rejected key {secret}",
                                 "http.url": "https://svc:hunter2pass@psp.example/v1"}}]}]
    path = tmp_path / "payment-bad-rollout.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    r = payment_traces(serve(path))
    dumped = r.text + json.dumps(r.data)
    assert r.status == ToolStatus.OK and r.data["failed"] == 3
    assert secret not in dumped and "hunter2pass" not in dumped
    assert "card processor rejected key [REDACTED" in r.text


def test_trace_tools_are_exposed_for_registration_with_clean_schemas() -> None:
    names = [fn.__name__ for fn, _ in TRACE_TOOLS]
    assert names == ["trace_services", "find_traces", "get_trace"]
    for fn, args in TRACE_TOOLS:
        doc = (fn.__doc__ or "").strip().split("\n\n")[0]
        assert 20 < len(" ".join(doc.split())) < 400
        assert args.model_json_schema()["type"] == "object"
    assert FindTracesArgs.model_json_schema()["required"] == ["service"]


@pytest.mark.skipif("find_traces" not in REGISTRY, reason="trace tools not registered in tools/registry.py yet")
def test_registered_find_traces_runs_through_the_registry(serve_shared: Callable[[Path], Served]) -> None:
    s = serve_shared(PAYMENT)
    r = call_tool("find_traces", {"service": "payment"}, s.ctx)
    assert r.status == ToolStatus.OK and r.tool == "find_traces"
    assert "payment db.pool.acquire" in r.text
    bad = call_tool("get_trace", {"trace_id": "not-hex"}, s.ctx)
    assert bad.status == ToolStatus.ERROR and "trace_id" in bad.text


def test_the_tools_run_through_call_tool_once_registered(serve_shared: Callable[[Path], Served],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """What the lead's registration will do (`_spec(fn, args)` for each entry), without editing registry.py."""
    specs = {spec.name: spec for spec in (registry._spec(fn, args) for fn, args in TRACE_TOOLS)}
    monkeypatch.setattr(registry, "REGISTRY", {**registry.REGISTRY, **specs})
    s = serve_shared(PAYMENT)
    r = registry.call_tool("find_traces", {"service": "payment", "errors_only": True}, s.ctx)
    assert r.status == ToolStatus.OK and r.tool == "find_traces" and r.elapsed_s > 0
    assert r.invocation.startswith("GET /jaeger/api/traces?service=payment")
    assert "payment db.pool.acquire" in r.text
    bad = registry.call_tool("get_trace", {"trace_id": "not-hex"}, s.ctx)
    assert bad.status == ToolStatus.ERROR and "trace_id" in bad.text
    unknown = registry.call_tool("find_traces", {"service": "payment", "window": 5}, s.ctx)
    assert unknown.status == ToolStatus.ERROR and "window: unknown field" in unknown.text
    schema = registry.openai_tool_schemas(["find_traces"])[0]["function"]
    assert schema["parameters"]["required"] == ["service"]
    assert schema["description"].startswith("Search traces of one service in a window ending now")
