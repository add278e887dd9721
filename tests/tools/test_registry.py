"""The registry: every read tool has a clean schema, and call_tool validates, runs and never raises."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
from pydantic import BaseModel

from tests.conftest import SHARED_SCENARIOS
from tests.tools.conftest import Served
from tools.context import ToolContext
from tools.models import MUTATING_ACTIONS, ToolResult, ToolStatus
from tools.registry import REGISTRY, ToolSpec, call_tool, openai_tool_schemas
from tools.settings import Settings

EXPECTED = {"find_workloads", "workload_status", "pod_detail", "events", "pod_logs", "rollout_history",
            "service_routing", "network_policies", "nodes", "hpa_status", "resource_quotas", "pvc_status",
            "config_maps", "k8s_jq", "error_rate", "latency_quantile", "restarts", "memory_vs_limit",
            "cpu_vs_limit", "cpu_throttling", "gc_time", "network_drops", "promql",
            "trace_services", "find_traces", "get_trace", "dependency_health", "cluster_dns", "node_network",
            "network_reachability"}


def test_registry_holds_every_read_tool_and_no_action() -> None:
    assert set(REGISTRY) == EXPECTED
    assert not {a.value for a in MUTATING_ACTIONS} & set(REGISTRY)
    assert all(not spec.mutating and spec.name == name for name, spec in REGISTRY.items())


def test_openai_schemas_are_function_tools_with_object_parameters() -> None:
    schemas = openai_tool_schemas()
    assert len(schemas) == len(REGISTRY)
    for schema in schemas:
        fn = schema["function"]
        assert schema["type"] == "function" and fn["name"] in REGISTRY
        assert 20 < len(fn["description"]) < 400, fn["name"]
        assert fn["parameters"]["type"] == "object"
        assert "title" not in json.dumps(fn["parameters"]).replace('"title": {', "")
    required = {s["function"]["name"]: s["function"]["parameters"].get("required", []) for s in schemas}
    assert sorted(required["workload_status"]) == ["kind", "name", "namespace"]
    assert required["nodes"] == []
    assert [s["function"]["name"] for s in openai_tool_schemas(["events", "promql"])] == ["events", "promql"]


class _Boom(BaseModel):
    n: int = 1


def _explodes(args: _Boom, ctx: ToolContext) -> ToolResult:
    raise RuntimeError(f"unexpected failure {args.n}")


@pytest.fixture()
def exploding_tool() -> Iterator[str]:
    REGISTRY["explodes"] = ToolSpec(name="explodes", description="raises", args=_Boom, fn=_explodes)
    yield "explodes"
    del REGISTRY["explodes"]


def test_call_tool_turns_an_unexpected_exception_into_an_error_result(exploding_tool: str) -> None:
    ctx = ToolContext(settings=Settings(), k8s=None, prom=None, jaeger_url=None)
    r = call_tool(exploding_tool, {"n": 3}, ctx)
    assert r.status == ToolStatus.ERROR and "unexpected failure 3" in r.text
    assert r.tool == "explodes" and r.invocation == "explodes({'n': 3})" and r.elapsed_s >= 0


def test_results_are_stamped_capped_and_timed(serve: Callable[..., Served]) -> None:
    s = serve(SHARED_SCENARIOS / "inventory-crashloop-missing-env.yaml", tool_output_tokens=120)
    r = call_tool("events", {"namespace": "retail"}, s.ctx)
    assert r.status == ToolStatus.OK and r.tool == "events"
    assert r.truncated and "[cut:" in r.text
    assert r.invocation == "GET /api/v1/namespaces/retail/events"
    assert 0 < r.elapsed_s < 5
