"""jq over a fetched pod list: real programs, errors as data, runaway programs stopped, output capped."""
from __future__ import annotations

import time
from typing import Any

import pytest

import tools.jqfilter as jqfilter
from tools.budget import count_tokens
from tools.jqfilter import jq_filter
from tools.models import ToolStatus

PODS_PER_NODE_WITH_RESTARTS = (
    '[.[] | select(any(.status.containerStatuses[]; .restartCount > 3)) '
    '| {node: .spec.nodeName, pod: .metadata.name}] | group_by(.node) '
    '| map({node: .[0].node, pods: map(.pod) | sort})')


def _pod(name: str, node: str, restarts: int, *, env: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"metadata": {"name": name, "namespace": "prod"},
            "spec": {"nodeName": node, "containers": [{"name": "app", "env": env or []}]},
            "status": {"phase": "Running", "containerStatuses": [{"name": "app", "restartCount": restarts}]}}


PODS = [_pod("payment-1", "worker-a", 7), _pod("payment-2", "worker-b", 0), _pod("orders-1", "worker-a", 4),
        _pod("search-1", "worker-c", 12), _pod("cart-1", "worker-b", 3),
        _pod("ledger-1", "worker-c", 0, env=[{"name": "DB_PASSWORD", "value": "Tangerine-Ladder-8841"}])]


def test_pods_per_node_with_more_than_three_restarts() -> None:
    result = jq_filter(PODS, PODS_PER_NODE_WITH_RESTARTS, max_tokens=300, source="GET /api/v1/namespaces/prod/pods")
    assert result.status is ToolStatus.OK and result.tool == "jq_filter"
    assert result.data == [[{"node": "worker-a", "pods": ["orders-1", "payment-1"]},
                            {"node": "worker-c", "pods": ["search-1"]}]]
    assert result.text.splitlines() == ["2 results", '{"node":"worker-a","pods":["orders-1","payment-1"]}',
                                        '{"node":"worker-c","pods":["search-1"]}']
    assert result.invocation.startswith("GET /api/v1/namespaces/prod/pods | jq ")


def test_several_outputs_come_one_per_line() -> None:
    result = jq_filter(PODS, '.[] | select(.status.containerStatuses[0].restartCount == 0) | .metadata.name',
                       max_tokens=100)
    assert result.text.splitlines() == ['"payment-2"', '"ledger-1"']


def test_a_program_that_does_not_compile_is_an_error_result() -> None:
    result = jq_filter(PODS, '.[] | select(.restartCount >', max_tokens=100)
    assert result.status is ToolStatus.ERROR
    assert result.text.startswith("jq_filter failed: jq program does not compile: jq: error: syntax error")


def test_a_runtime_error_is_an_error_result() -> None:
    result = jq_filter(PODS, '.[] | .metadata.name | .x', max_tokens=100)
    assert result.status is ToolStatus.ERROR and "Cannot index string" in result.text


def test_a_runaway_program_is_stopped_at_the_timeout() -> None:
    started = time.monotonic()
    result = jq_filter(PODS, 'last(range(1e12))', max_tokens=100, timeout_s=1.0)
    assert time.monotonic() - started < 5
    assert result.status is ToolStatus.ERROR and "ran longer than 1 s" in result.text


def test_no_match_is_no_data() -> None:
    result = jq_filter(PODS, '[.[] | select(.spec.nodeName == "worker-z")]', max_tokens=100)
    assert result.status is ToolStatus.NO_DATA and result.text == "no results"


def test_output_is_capped_by_tokens_and_by_size() -> None:
    many = [_pod(f"p-{i}", f"n-{i % 7}", i) for i in range(400)]
    result = jq_filter(many, '.[] | {pod: .metadata.name, node: .spec.nodeName}', max_tokens=120)
    assert result.truncated and count_tokens(result.text) <= 120
    huge = jq_filter(PODS, 'range(2000) | "x" * 1000', max_tokens=120)
    assert huge.truncated and huge.data is None
    assert huge.text.startswith("[output stopped at 1,024 KB: narrow the program]")


def test_a_too_large_document_is_refused_before_running(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jqfilter, "MAX_INPUT", 500)
    result = jq_filter(PODS, '.', max_tokens=100)
    assert result.status is ToolStatus.ERROR and "document too large" in result.text


def test_secrets_in_the_document_never_reach_the_output() -> None:
    result = jq_filter(PODS, '.[].spec.containers[].env[]', max_tokens=200)
    assert "Tangerine-Ladder-8841" not in result.model_dump_json()
    assert '"value":"[REDACTED:password]"' in result.text
