"""Failures are data: 403, 404, 500, timeouts and bad arguments come back as error results with a clear message."""
from __future__ import annotations

import time
from collections.abc import Callable

from tests.conftest import SHARED_SCENARIOS, free_port
from tests.tools.conftest import Served
from tests.tools.test_k8s_evidence import sre_plan
from tools.context import ToolContext
from tools.models import ToolStatus
from tools.registry import call_tool
from tools.settings import Settings
from tools.snapshot import collect_snapshot

PAYMENT = SHARED_SCENARIOS / "payment-bad-rollout.yaml"
INVENTORY = SHARED_SCENARIOS / "inventory-crashloop-missing-env.yaml"
DEPLOYMENT = {"kind": "Deployment", "namespace": "prod", "name": "payment"}


def test_injected_403_becomes_a_forbidden_error_naming_the_path_and_the_reason(serve: Callable[..., Served]) -> None:
    s = serve(PAYMENT)
    s.server.inject(r"/api/v1/namespaces/prod/pods\?", status=403,
                    message='pods is forbidden: User "debugbot" cannot list resource "pods" in namespace "prod"')
    r = call_tool("workload_status", DEPLOYMENT, s.ctx)
    assert r.status == ToolStatus.ERROR
    assert "forbidden (403)" in r.text
    assert "GET /api/v1/namespaces/prod/pods?labelSelector=app%3Dpayment" in r.text
    assert 'cannot list resource "pods"' in r.text


def test_missing_object_is_a_not_found_error(serve: Callable[..., Served]) -> None:
    s = serve(PAYMENT)
    r = call_tool("rollout_history", {"namespace": "prod", "deployment": "no-such-thing"}, s.ctx)
    assert r.status == ToolStatus.ERROR
    assert "not found (404)" in r.text and "/deployments/no-such-thing" in r.text


def test_injected_500_is_an_error_with_the_servers_message(serve: Callable[..., Served]) -> None:
    s = serve(PAYMENT)
    s.server.inject(r"/api/v1/namespaces/prod/events", status=500, message="etcdserver: request timed out")
    r = call_tool("events", {"namespace": "prod"}, s.ctx)
    assert r.status == ToolStatus.ERROR
    assert "API server error (500)" in r.text and "etcdserver: request timed out" in r.text


def test_slow_api_server_becomes_a_timeout_error_within_the_timeout(serve: Callable[..., Served]) -> None:
    s = serve(PAYMENT, k8s_timeout_s=0.5)
    s.server.inject(r"/apis/apps/v1/namespaces/prod/deployments/payment", status=None, delay_s=5)
    started = time.monotonic()
    r = call_tool("workload_status", DEPLOYMENT, s.ctx)
    assert time.monotonic() - started < 3
    assert r.status == ToolStatus.ERROR
    assert "timeout" in r.text and "0.5s" in r.text


def test_prometheus_500_and_timeout_become_error_results(serve: Callable[..., Served]) -> None:
    s = serve(PAYMENT, prom_timeout_s=0.5)
    s.server.inject(r"/prometheus/api/v1/series", status=503, message="query queue full", times=1)
    r = call_tool("error_rate", {"namespace": "prod", "service": "payment"}, s.ctx)
    assert r.status == ToolStatus.ERROR and "503" in r.text and "query queue full" in r.text
    s.server.inject(r"/prometheus/api/v1/", status=None, delay_s=5)
    started = time.monotonic()
    r = call_tool("promql", {"query": 'up{job="x"}'}, s.ctx)
    assert time.monotonic() - started < 3
    assert r.status == ToolStatus.ERROR and "timeout" in r.text


def test_unreachable_prometheus_is_an_error_saying_so(serve: Callable[..., Served]) -> None:
    s = serve(PAYMENT, prometheus_url=f"http://127.0.0.1:{free_port()}")
    r = call_tool("restarts", {"namespace": "prod"}, s.ctx)
    assert r.status == ToolStatus.ERROR and "cannot reach Prometheus" in r.text


def test_no_tool_reads_secrets_so_a_cluster_that_forbids_them_changes_nothing(serve: Callable[..., Served]) -> None:
    s = serve(INVENTORY, forbid_secrets=True)
    results = sre_plan(s.doc, lambda tool, args: call_tool(tool, args, s.ctx))
    assert [r.text for r in results if r.status == ToolStatus.ERROR] == []
    snap = collect_snapshot(s.ctx, ["retail"])
    assert snap["errors"] == [] and not [p for p in snap["sources"] if "secret" in p]
    refused = call_tool("k8s_jq", {"kind": "Secret", "namespace": "retail", "program": "."}, s.ctx)
    assert refused.status == ToolStatus.ERROR and "Secrets are never read" in refused.text


def test_invalid_args_name_each_bad_field_and_why(serve: Callable[..., Served]) -> None:
    s = serve(PAYMENT)
    r = call_tool("workload_status", {"kind": "Deploymnt", "namespace": "Prod!", "nme": "payment"}, s.ctx)
    assert r.status == ToolStatus.ERROR
    fields = {p["field"] for p in r.data["invalid_args"]}
    assert fields == {"kind", "namespace", "name", "nme"}
    assert "nme: unknown field" in r.text and "name: Field required" in r.text
    assert "namespace: String should match pattern" in r.text
    bad_type = call_tool("pod_logs", {"namespace": "prod", "pod": "p", "tail_lines": "lots"}, s.ctx)
    assert bad_type.status == ToolStatus.ERROR and "tail_lines" in bad_type.text


def test_unknown_tool_is_an_error_listing_the_known_ones(serve: Callable[..., Served]) -> None:
    s = serve(PAYMENT)
    r = call_tool("rollback_deployment", {"namespace": "prod"}, s.ctx)
    assert r.status == ToolStatus.ERROR and "unknown tool" in r.text and "rollout_history" in r.text


def test_without_a_kubernetes_api_tools_say_what_to_set() -> None:
    ctx = ToolContext(settings=Settings(), k8s=None, prom=None, jaeger_url=None)
    r = call_tool("events", {"namespace": "prod"}, ctx)
    assert r.status == ToolStatus.ERROR and "DEBUGBOT_KUBECONFIG" in r.text
    p = call_tool("restarts", {"namespace": "prod"}, ctx)
    assert p.status == ToolStatus.ERROR and "DEBUGBOT_PROMETHEUS_URL" in p.text


def test_namespaces_outside_the_allowed_list_are_refused(serve: Callable[..., Served]) -> None:
    s = serve(PAYMENT, allowed_namespaces="staging")
    r = call_tool("events", {"namespace": "prod"}, s.ctx)
    assert r.status == ToolStatus.ERROR and "DEBUGBOT_ALLOWED_NAMESPACES" in r.text
    found = call_tool("find_workloads", {"query": "payment"}, s.ctx)
    assert found.status == ToolStatus.NO_DATA and "prod" not in found.text
