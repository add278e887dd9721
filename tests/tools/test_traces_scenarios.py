"""The trace tools on the trace scenarios: the critical path and the deepest failing service are right, red herrings stay out."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import OWN_SCENARIOS
from tests.tools.conftest import Served
from tools.models import ToolStatus
from tools.traces import FindTracesArgs, GetTraceArgs, find_traces, get_trace

Serve = Callable[[Path], Served]


def summary(serve_shared: Serve, scenario: str, service: str, **args: Any) -> dict[str, Any]:
    r = find_traces(FindTracesArgs(service=service, **args), serve_shared(OWN_SCENARIOS / f"{scenario}.yaml").ctx)
    assert r.status == ToolStatus.OK, r.text
    data: dict[str, Any] = r.data
    data["text"] = r.text
    return data


def leads(data: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    return [(f["kind"], f["service"], f["operation"], f["handled"]) for f in data["findings"]]


def test_ledger_slowdown_is_owned_by_ledgers_own_span_not_the_caller_or_the_database(serve_shared: Serve) -> None:
    data = summary(serve_shared, "checkout-pay-slow-since-late-morning", "checkout", minutes=90)
    owner = data["latency"][0]
    assert (owner["service"], owner["operation"], owner["caller"]) == ("ledger", "BalanceChainVerifier.verify", "checkout")
    assert owner["version"] == "3.2.0" and owner["normal_ms"] is not None and owner["excess_ms"] > 1800
    assert not any(row["service"] in ("ledger-db", "checkout") for row in data["latency"])
    # the 504s are checkout giving up: blamed on what it waited for
    origin = data["errors"][0]
    assert (origin["service"], origin["timed_out_in"]) == ("ledger", "checkout POST ledger")
    assert data["change"]["first_slow"].startswith("2026-12-03T11:05")
    assert data["change"]["before"]["slow_share"] == 0 and data["change"]["after"]["slow_share"] > 0.8
    assert leads(data)[0][:2] == ("error", "ledger") and leads(data)[1][:2] == ("latency", "ledger")


def test_ledger_balance_reads_on_the_same_version_are_fast(serve_shared: Serve) -> None:
    data = summary(serve_shared, "checkout-pay-slow-since-late-morning", "ledger", operation="GET /v1/balances/{account}")
    assert data["roots"]["max_ms"] < 50 and data["findings"] == []


def test_a_uniformly_slow_window_still_names_the_hop_without_a_baseline(serve_shared: Serve) -> None:
    data = summary(serve_shared, "product-search-slow-monday-morning", "search-api")  # 30m: all slow, none failing
    assert data["slow_ok"] == 0 and data["failed"] == 0
    latency = [f for f in data["findings"] if f["kind"] == "latency"]
    assert [(f["service"], f["operation"], f["contrast"]) for f in latency] == [("search-api", "Ranker.score", False)]
    assert "no faster traces in the window to compare" in data["text"]


def test_quote_errors_originate_two_hops_down_in_the_tax_engine(serve_shared: Serve) -> None:
    data = summary(serve_shared, "cart-quotes-failing-after-lunch", "storefront-bff", minutes=120)
    origin = data["errors"][0]
    assert (origin["service"], origin["operation"], origin["caller"]) == ("tax-engine", "RulesBundle.lookup", "pricing")
    assert origin["traces"] == data["failed"] and data["failed_status"] == {"502": data["failed"]}
    texts = {m["text"] for m in origin["messages"]}
    assert texts == {"no tax rule for region ES-CN in bundle rules-2026.12", "no tax rule for region PT-30 in bundle rules-2026.12"}
    assert {"key": "tax.region", "value": "ES-CN", "share_bad": 0.667, "share_good": 0.0} in origin["tags"]
    failing_path = data["critical_paths"][-1]
    assert failing_path["why"] == "latest failing" and failing_path["chain"][-1] == "tax-engine RulesBundle.lookup"
    assert data["change"]["first_failed"] == "2026-12-08T13:12:00Z"
    assert [f["service"] for f in data["findings"] if f["kind"] == "error"] == ["tax-engine"]


def test_a_slow_cache_is_blamed_as_the_dependency_of_its_client_span(serve_shared: Serve) -> None:
    data = summary(serve_shared, "profile-pages-slow-during-morning-peak", "profile-api", minutes=120)
    owner = data["latency"][0]
    assert (owner["service"], owner["dependency"], owner["caller"]) == ("profile-cache", True, "profile-api")
    assert owner["operation"] == "redis GET" and owner["normal_ms"] < 5 and owner["share"] > 0.9
    assert owner["version"] is None  # profile-api's version says nothing about the cache
    absorbed = data["absorbed_errors"][0]
    assert absorbed["service"] == "profile-cache" and absorbed["root_failed"] == 0
    assert leads(data) == [("latency", "profile-cache", "redis GET", False), ("error", "profile-cache", "redis GET", True)]
    assert data["change"]["first_slow"] == "2026-12-10T08:16:00Z"


def test_retried_inventory_errors_are_absorbed_and_the_failures_start_in_shipping_rates(serve_shared: Serve) -> None:
    data = summary(serve_shared, "web-checkout-5xx-friday-afternoon", "web-checkout", minutes=60)
    origin = data["errors"][0]
    assert (origin["service"], origin["operation"], origin["caller"]) == ("shipping-rates", "POST /v1/rates", "web-checkout")
    assert len(data["errors"]) == 1 and origin["timed_out_in"] == "web-checkout POST shipping-rates"
    assert {m["text"] for m in origin["messages"]} == {"request queue full (256/256)",
                                                      "Get rates: context deadline exceeded (SHIPPING_RATES_TIMEOUT=3s)"}
    herring = data["absorbed_errors"][0]
    assert (herring["service"], herring["caller"], herring["absorbed_by"]) == (
        "inventory-db", "inventory", "inventory POST /v1/reservations")
    unhandled = {f["service"] for f in data["findings"] if not f["handled"]}
    assert unhandled == {"shipping-rates"}
    assert "absorbed errors (a caller retried or handled them): dependency inventory-db" in data["text"]


def test_inventory_retries_were_there_before_the_incident_too(serve_shared: Serve) -> None:
    data = summary(serve_shared, "web-checkout-5xx-friday-afternoon", "web-checkout", minutes=180)
    assert data["change"]["before"]["failed_share"] == 0
    early_retries = [f for f in data["findings"] if f["handled"] and f["service"] == "inventory-db"]
    assert early_retries and data["absorbed_errors"][0]["traces"] > data["failed"]


def test_async_prefetch_is_off_the_critical_path_and_search_api_owns_the_time(serve_shared: Serve) -> None:
    data = summary(serve_shared, "product-search-slow-monday-morning", "search-api", minutes=240)
    owner = data["latency"][0]
    assert (owner["service"], owner["operation"], owner["caller"]) == ("search-api", "Ranker.score", None)
    assert {row["service"] for row in data["latency"]} <= {"search-api"}
    off = data["off_path"][0]
    assert (off["service"], off["operation"]) == ("recs-engine", "POST /v1/related/prefetch") and off["mean_ms"] > 1000
    path_services = {s["service"] for p in data["critical_paths"] for s in p["path"]}
    assert "recs-engine" not in path_services and "search-os" in path_services
    assert data["change"]["first_slow"] == "2026-12-14T08:32:00Z"  # an hour before the recs-engine model change


def test_get_trace_marks_the_async_span_off_the_critical_path(serve_shared: Serve) -> None:
    s = serve_shared(OWN_SCENARIOS / "product-search-slow-monday-morning.yaml")
    r = find_traces(FindTracesArgs(service="search-api", minutes=10), s.ctx)
    tree = get_trace(GetTraceArgs(trace_id=r.data["critical_paths"][0]["trace_id"]), s.ctx).text
    ranker = next(line for line in tree.splitlines() if "Ranker.score" in line)
    prefetch = next(line for line in tree.splitlines() if "POST /v1/related/prefetch" in line)
    assert ranker.startswith("*") and "self 780ms" in ranker
    assert prefetch.startswith(" ") and "1860ms" in prefetch


def test_a_recovered_overnight_slowdown_shows_no_lead_now_and_the_recovery_over_a_longer_window(
        serve_shared: Serve) -> None:
    now = summary(serve_shared, "payouts-slow-overnight-recovered", "payouts-api")
    assert now["failed"] == 0 and now["findings"] == [] and now["absorbed_errors"] == []
    night = summary(serve_shared, "payouts-slow-overnight-recovered", "payouts-api", minutes=300)
    change = night["change"]
    assert change["first_slow"] == "2026-12-16T03:05:00Z" and change["last_slow"] == "2026-12-16T03:44:00Z"
    assert change["after"]["slow_share"] == 0 and change["before"]["slow_share"] > 0.2
    owner = night["latency"][0]
    assert (owner["service"], owner["dependency"], owner["caller"]) == ("sepa-gateway", True, "bank-connector")
