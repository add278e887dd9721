"""The rules reasoner's core: memory shapes, traces, config edits picked up at restart, CPU contention, red herrings."""
from __future__ import annotations

from typing import Any

import pytest

from agent.evidence import growing
from agent.reasoners.rules_traces import _kind_of
from cli.eval import run_one
from cli.session import sandbox_session
from tests.conftest import OWN_SCENARIOS
from tools.metric_summary import summarize
from tools.models import ToolStatus
from tools.prom_common import summary_data

MI = 2.0**20
LIMIT = 256 * MI


def _row(values: list[float], *, step_s: float = 60.0, limit: float = LIMIT) -> dict[str, Any]:
    s = summarize([i * step_s for i in range(len(values))], values)
    assert s is not None
    return {**summary_data({"pod": "w-1"}, s), "limit": limit}


def _eval(name: str, *, traces: bool = True) -> dict[str, Any]:
    return run_one(OWN_SCENARIOS / f"{name}.yaml", reasoner="rules", transcript=None, traces=traces)


# -- memory shapes ------------------------------------------------------------------------------------------

def test_short_spikes_to_the_limit_from_a_flat_level_are_not_a_leak() -> None:
    values = [95 * MI] * 60
    for i in (7, 19, 23, 31, 42, 55):
        values[i] = 250 * MI
    assert not growing(_row(values))


def test_a_level_climbing_toward_the_limit_is_a_leak() -> None:
    values = [(120 + 1.5 * i) * MI for i in range(90)]  # 90 Mi/h, 3 Mi below the limit after 90 min
    assert growing(_row(values))


def test_a_short_sawtooth_is_judged_by_the_climb_within_each_cycle() -> None:
    cycle = [(100 + 10 * i) * MI for i in range(15)]  # 100 -> 240 Mi in 15 min, then killed
    values = cycle * 4
    row = _row(values)
    assert row["drops"] >= 3
    assert growing(row)


def test_a_sawtooth_of_flat_cycles_ending_in_spikes_is_not_a_leak() -> None:
    cycle = [100 * MI] * 14 + [255 * MI]
    assert not growing(_row(cycle * 4))


def test_pods_map_to_their_controller_kind_by_name() -> None:
    assert _kind_of("cache", ["cache-0", "cache-1"]) == "StatefulSet"
    assert _kind_of("api", ["api-7c9f8d6b5-x2k4q"]) == "Deployment"
    assert _kind_of("agent", ["agent-x2k4q"]) == "DaemonSet"
    assert _kind_of("api", []) is None


# -- Prometheus request metrics under other names ------------------------------------------------------------

def test_latency_quantile_reads_a_summary_with_a_quantile_label() -> None:
    with sandbox_session(OWN_SCENARIOS / "search-ranker-latency-lunchtime.yaml") as s:
        r = s.toolbox.call("latency_quantile", {"namespace": "search", "service": "search-ranker"})
    assert r.status is ToolStatus.OK
    assert 'quantile="0.99"' in r.invocation
    assert "stepped up" in r.text


def test_latency_and_errors_are_found_under_an_application_specific_metric_name() -> None:
    with sandbox_session(OWN_SCENARIOS / "fx-quotes-alert-sunday-morning.yaml") as s:
        lat = s.toolbox.call("latency_quantile", {"namespace": "fx", "service": "fx-quotes"})
        err = s.toolbox.call("error_rate", {"namespace": "fx", "service": "fx-quotes"})
    assert lat.status is ToolStatus.OK and "histogram_quantile" in lat.invocation
    assert err.status is ToolStatus.OK and "_requests_total" in err.text


# -- end to end through the sandbox -------------------------------------------------------------------------

def test_failing_spans_in_a_rolled_out_downstream_service_blame_it_not_its_caller() -> None:
    row = _eval("cart-quotes-failing-after-lunch")
    assert row["action"]["action"] == "rollback_deployment"
    assert row["action"]["target"]["name"] == "tax-engine"
    assert row["passed"]


def test_without_traces_the_same_incident_is_blamed_on_the_caller() -> None:
    """Issue #10: the traces are what moves the diagnosis from the caller to the failing service."""
    row = _eval("cart-quotes-failing-after-lunch", traces=False)
    assert not row["passed"]
    assert (row["resource"] or {}).get("name") != "tax-engine"


def test_a_configmap_edit_picked_up_by_a_rollout_restart_is_the_root_cause_not_the_rollout() -> None:
    row = _eval("session-gateway-logins-failing-after-config-edit")
    assert row["category"] == "config_error"
    assert row["resource"]["kind"] == "ConfigMap"
    assert row["action"] is None  # advice only: a rollback would re-read the same ConfigMap


def test_memory_spikes_at_a_small_limit_get_a_bigger_limit_not_a_leak_restart() -> None:
    row = _eval("photo-resizer-restarting-since-wednesday")
    assert row["category"] == "oom_killed"
    assert row["action"]["action"] == "set_resources"


def test_memory_climbing_until_workers_are_killed_is_a_leak() -> None:
    row = _eval("report-api-errors-every-few-hours")
    assert row["category"] == "memory_leak"
    assert row["action"]["action"] == "restart_workload"


def test_latency_held_by_a_throttled_dependency_is_diagnosed_on_the_dependency() -> None:
    row = _eval("profile-pages-slow-during-morning-peak")
    assert row["category"] == "cpu_saturation"
    assert row["resource"] == {"kind": "StatefulSet", "namespace": "accounts", "name": "profile-cache"}
    assert row["action"]["action"] == "set_resources"


def test_a_batch_job_without_cpu_limit_on_the_same_node_is_the_contention() -> None:
    row = _eval("search-ranker-latency-lunchtime")
    assert row["category"] == "resource_contention"
    assert row["resource"]["kind"] == "Job"
    assert row["action"] is None


def test_throttling_with_flat_latency_is_no_incident() -> None:
    row = _eval("fx-quotes-alert-sunday-morning")
    assert row["category"] == "no_fault"
    assert row["action"] is None


NEW_SCENARIOS = ["invoice-downloads-slow-renderer-throttled", "notifier-push-fails-after-configmap-edit"]


@pytest.mark.parametrize("name", NEW_SCENARIOS)
def test_this_module_s_new_scenarios_pass(name: str) -> None:
    row = _eval(name)
    assert row["passed"], row


def test_the_renderer_scenario_needs_its_traces() -> None:
    """Without the traces nothing points from invoice-api to the throttled renderer behind it."""
    row = _eval("invoice-downloads-slow-renderer-throttled", traces=False)
    assert not row["passed"]


# -- trace leads without faster traces to compare ------------------------------------------------------------

def _uncontrasted(p95_before: float, p95_after: float) -> dict[str, Any]:
    row = {"service": "cache", "operation": "GET", "span_service": "api", "dependency": True, "caller": "api",
           "normal_ms": None, "critical_ms": 360.0, "excess_ms": 360.0, "share": 0.97, "tags": []}
    return {"traces": 40, "failed": 0, "slow_ok": 0, "latency": [row], "errors": [], "absorbed_errors": [],
            "change": {"before": {"traces": 8, "p95_ms": p95_before}, "after": {"traces": 32, "p95_ms": p95_after}}}


def test_a_hop_holding_a_normal_short_request_is_no_lead() -> None:
    from tools.trace_findings import trace_findings

    assert trace_findings(_uncontrasted(400.0, 410.0)) == []


def test_a_hop_holding_a_request_that_got_slow_across_the_window_is_the_lead() -> None:
    from tools.trace_findings import trace_findings

    leads = trace_findings(_uncontrasted(17.0, 516.0))
    assert [(lead["service"], lead["kind"]) for lead in leads] == [("cache", "latency")]
