"""Prometheus tools against the sandbox's Prometheus API: named templates, discovery, the guarded raw query."""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import SHARED_SCENARIOS
from tests.tools.conftest import Served, obj, write_scenario
from tools.errors import UpstreamError
from tools.models import ToolResult, ToolStatus
from tools.prom_raw import check_promql
from tools.registry import call_tool

PAYMENT = SHARED_SCENARIOS / "payment-bad-rollout.yaml"
NIGHTLY = SHARED_SCENARIOS / "payment-nightly-gc-batch.yaml"
SEARCH = SHARED_SCENARIOS / "search-oomkilled-limit.yaml"
INVENTORY = SHARED_SCENARIOS / "inventory-crashloop-missing-env.yaml"
COREDNS = SHARED_SCENARIOS / "coredns-mtu-after-upgrade.yaml"


def ok(tool: str, args: dict[str, object], s: Served) -> ToolResult:
    r = call_tool(tool, args, s.ctx)
    assert r.status == ToolStatus.OK, r.text
    return r


def test_error_rate_discovers_the_metric_and_dates_the_rise_of_504s(serve_shared: Callable[[Path], Served]) -> None:
    s = serve_shared(PAYMENT)
    r = ok("error_rate", {"namespace": "prod", "service": "payment"}, s)
    assert r.data["metric"] == "http_server_requests_seconds_count"
    assert 'sum by (status) (rate(http_server_requests_seconds_count{namespace="prod",service="payment"}' in r.invocation
    line_504 = next(line for line in r.text.splitlines() if "status=504" in line)
    assert "stepped up" in line_504
    rise = next(row for row in r.data["by_status"] if row["labels"].get("status") == "504")
    assert rise["change"]["at"].startswith("2026-11-24T14:0")  # the counter jumps between 14:00 and 14:05
    assert "5xx codes: 504" in r.text


def test_latency_quantile_uses_the_histogram_and_finds_the_2am_step(serve_shared: Callable[[Path], Served]) -> None:
    s = serve_shared(NIGHTLY)
    r = ok("latency_quantile", {"namespace": "payments", "service": "payment", "q": 0.99, "minutes": 360}, s)
    assert "histogram_quantile(0.99, sum by (le) (rate(http_server_requests_seconds_bucket" in r.invocation
    assert "changed at 2026-11-26T02:0" in r.text and "stepped up" in r.text


def test_memory_vs_limit_shows_usage_against_the_limit(serve_shared: Callable[[Path], Served]) -> None:
    s = serve_shared(SEARCH)
    r = ok("memory_vs_limit", {"namespace": "search", "pod_regex": "search-api-.*", "minutes": 120}, s)
    assert 'pod=~"search-api-.*"' in r.invocation
    assert "limit 256Mi" in r.text and "limit 1Gi" in r.text
    new = next(row for row in r.data if row["labels"]["pod"].startswith("search-api-6f9d8c7b5d"))
    assert new["limit"] == 256 * 2**20 and new["peak"] > 0.9 * new["limit"]


def test_memory_limit_falls_back_to_the_pod_spec(serve: Callable[..., Served], tmp_path: Path) -> None:
    pod = obj("Pod", "cache-0", "data", spec={"containers": [{"name": "redis", "image": "redis:7", "resources": {
        "limits": {"memory": "1Gi"}}}]}, status={"phase": "Running"})
    series = {"labels": {"__name__": "container_memory_working_set_bytes", "namespace": "data", "pod": "cache-0",
                         "container": "redis"}, "start": "-60m", "step": "1m", "values": [5e8 + 5e6 * i for i in range(61)]}
    s = serve(write_scenario(tmp_path, "spec-limit", [pod], metrics=[series]))
    r = ok("memory_vs_limit", {"namespace": "data", "minutes": 60}, s)
    assert "GET /api/v1/namespaces/data/pods" in r.invocation
    assert "limit 1Gi" in r.text and "trend increasing" in r.text


def _counter(name: str, per_s: list[float], **labels: str) -> dict[str, object]:
    """A cumulative counter sampled every minute for 60 minutes, growing by per_s[i] per second."""
    values, total = [], 0.0
    for rate in per_s:
        total += rate * 60
        values.append(round(total, 3))
    return {"labels": {"__name__": name, **labels}, "start": "-60m", "step": "1m", "values": values}


def test_cpu_usage_against_its_limit_and_throttling(serve: Callable[..., Served], tmp_path: Path) -> None:
    pod = obj("Pod", "api-0", "svc", spec={"containers": [{"name": "api", "image": "api:1"}]}, status={"phase": "Running"})
    who = {"namespace": "svc", "pod": "api-0", "container": "api"}
    busy = [0.2] * 30 + [0.95] * 31  # cores: from 0.2 to 0.95 of a 1-core limit at -30m
    metrics = [_counter("container_cpu_usage_seconds_total", busy, **who),
               _counter("container_cpu_cfs_periods_total", [10.0] * 61, **who),
               _counter("container_cpu_cfs_throttled_periods_total", [0.0] * 30 + [6.0] * 31, **who),
               {"labels": {"__name__": "kube_pod_container_resource_limits", "resource": "cpu", "unit": "core", **who},
                "start": "-60m", "step": "1m", "values": [1] * 61}]
    s = serve(write_scenario(tmp_path, "cpu-bound", [pod], metrics=metrics))
    cpu = ok("cpu_vs_limit", {"namespace": "svc", "minutes": 60}, s)
    assert "stepped up 0.2 cores -> 0.95 cores" in cpu.text and "limit 1 cores" in cpu.text
    assert "now 95% of limit" in cpu.text and "changed at 2026-01-01T11:3" in cpu.text
    throttled = ok("cpu_throttling", {"namespace": "svc", "minutes": 60}, s)
    assert "stepped up 0% -> 60%" in throttled.text


def test_gc_time_shows_longer_pauses_without_more_collections(serve_shared: Callable[[Path], Served]) -> None:
    s = serve_shared(NIGHTLY)
    r = ok("gc_time", {"namespace": "payments", "pod_regex": "payment-.*", "minutes": 360}, s)
    avg = r.data["average GC pause"]
    payment = [row for row in avg if row["labels"]["pod"].startswith("payment-6c9d")]
    assert len(payment) == 2 and all(row["change"]["at"].startswith("2026-11-26T02:0") for row in payment)
    assert all(row["change"]["after"] > 5 * row["change"]["before"] for row in payment)
    webhooks = next(row for row in avg if row["labels"]["pod"].startswith("payment-webhooks"))
    assert webhooks["flat"]
    assert "G1 Old Gen" in r.text


def test_restarts_counts_increases_and_when_they_happened(serve_shared: Callable[[Path], Served]) -> None:
    s = serve_shared(INVENTORY)
    r = ok("restarts", {"namespace": "retail", "pod_regex": "inventory-.*", "minutes": 60}, s)
    top = r.data[0]
    assert top["labels"]["pod"].startswith("inventory-5d8f7c9b4-") and top["increase"] >= 3
    assert "restarts in window" in r.text and "last at 2026-11-25T09:" in r.text


def test_network_drops_names_nodes_and_shows_mtus(serve_shared: Callable[[Path], Served]) -> None:
    s = serve_shared(COREDNS)
    r = ok("network_drops", {"minutes": 1440}, s)
    assert "vxlan.calico mtu 1450: pool-a-1, pool-a-2, pool-a-3" in r.text
    assert "vxlan.calico mtu 9001: pool-b-7x2kq, pool-b-9mfhd" in r.text
    assert "node=pool-b-9mfhd instance=10.0.12.57:9100" in r.text


def test_promql_summarises_a_range_and_lists_an_instant_vector(serve_shared: Callable[[Path], Served]) -> None:
    s = serve_shared(PAYMENT)
    q = 'sum by (status) (rate(http_server_requests_seconds_count{namespace="prod"}[10m]))'
    ranged = ok("promql", {"query": q, "range_minutes": 60}, s)
    assert ranged.invocation == q and "status=504" in ranged.text and "changed at" in ranged.text
    instant = ok("promql", {"query": 'http_server_requests_seconds_count{namespace="prod"}'}, s)
    assert instant.text.startswith("at 2026-11-24T14:32:00Z")
    assert 'status="504"' in instant.text and "13100" in instant.text


@pytest.mark.parametrize("query, why", [
    ("sum(rate(http_requests_total[8d]))", "longer than 7d"),
    ('{__name__=~".+"}', "names no metric"),
    ("rate(container_cpu_usage_seconds_total[2d])", "has no label selector"),
    ('up{job="x"} offset 30d', "more than 7d"),
    ("sum(", "does not parse"),
])
def test_promql_refuses_absurdly_expensive_or_broken_queries(query: str, why: str, serve_shared: Callable[[Path], Served]) -> None:
    s = serve_shared(PAYMENT)
    r = call_tool("promql", {"query": query}, s.ctx)
    assert r.status == ToolStatus.ERROR and why in r.text


def test_promql_guard_lets_ordinary_queries_through() -> None:
    for q in ('up', 'rate(node_netstat_Udp_InErrors{instance="a"}[2d])', "sum by (pod) (rate(x[5m])) / 2"):
        check_promql(q)


def test_unknown_service_is_no_data_that_says_what_was_looked_for(serve_shared: Callable[[Path], Served]) -> None:
    s = serve_shared(PAYMENT)
    r = call_tool("error_rate", {"namespace": "prod", "service": "nothing-here"}, s.ctx)
    assert r.status == ToolStatus.NO_DATA and "http_requests_total" in r.text and "series {" in r.invocation


def test_prom_client_reports_the_servers_error_text(serve_shared: Callable[[Path], Served]) -> None:
    s = serve_shared(PAYMENT)
    assert s.ctx.prom is not None
    with pytest.raises(UpstreamError) as err:
        s.ctx.prom.query("sum(rate(foo[5m])) by", s.now)
    assert "Prometheus /api/v1/query answered 400" in str(err.value) and "bad_data" in str(err.value)
    series = s.ctx.prom.query_range('http_server_requests_seconds_count{status="504"}', s.now - timedelta(minutes=30),
                                    s.now, 300)
    assert [v for v in series[0].values][-1] == 13100
