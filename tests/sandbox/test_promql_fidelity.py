"""Our PromQL answers match a real Prometheus 2.42 over every shared scenario's series."""
from __future__ import annotations

import re
import shutil
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sandbox import prom_api
from sandbox.series import build_store, to_ms
from tests.conftest import shared_scenarios
from tests.sandbox.promfixtures import (
    RealPrometheus, compare, make_world, openmetrics, pack_shifts, seconds, world_from_scenario,
)

SCENARIOS = shared_scenarios()
GROUP_LABELS = ("namespace", "pod", "service", "status", "status_code", "container", "instance", "device", "node")
pytestmark = pytest.mark.skipif(shutil.which("prometheus") is None or shutil.which("promtool") is None,
                                reason="prometheus and promtool are needed (make test installs them)")


# a hand-made world full of ties: which series topk/bottomk keep then depends on Go's heap order
TIES = make_world(now="2026-11-24T12:00:00Z", metrics=[
    {"labels": {"__name__": "tied", "id": f"s{i:02d}", "g": str(i % 2)}, "start": "-1m", "step": "1m", "values": [v, v]}
    for i, v in enumerate([5, 5, 5, 7, 5, 9, 5, 7, 3, 3, 9, 1])])
SHIFTS = pack_shifts([*(world_from_scenario(p) for p in SCENARIOS), TIES])


def shift_of(path: Path) -> int:
    return SHIFTS[SCENARIOS.index(path)]


@pytest.fixture(scope="module")
def real_prom() -> Iterator[RealPrometheus]:
    """One real Prometheus for the module: every scenario's series laid end to end in time (see pack_shifts)."""
    worlds = [(world_from_scenario(p), shift_of(p)) for p in SCENARIOS] + [(TIES, SHIFTS[-1])]
    server = RealPrometheus(openmetrics([world]) for world in worlds)
    server.start()
    yield server
    server.stop()


def _metric_labels(world: Any) -> dict[str, dict[str, set[str]]]:
    """metric name -> label name -> values seen."""
    out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for series in build_store(world.metrics, world.now).series:
        labels = dict(series.labels)
        for key, value in labels.items():
            out[labels["__name__"]][key].add(value)
    return out


def _per_metric(name: str, labels: dict[str, set[str]]) -> list[str]:
    groups = [g for g in GROUP_LABELS if g in labels][:3]
    by = ", ".join(groups) or "job"
    some_label = groups[0] if groups else None
    queries = [
        name, f"rate({name}[5m])", f"increase({name}[1h])", f"irate({name}[5m])", f"delta({name}[15m])",
        f"deriv({name}[10m])", f"max_over_time({name}[1h])", f"avg_over_time({name}[30m])",
        f"min_over_time({name}[1h])", f"last_over_time({name}[10m])", f"count_over_time({name}[20m])",
        f"sum by ({by}) (rate({name}[5m]))", f"sum without (pod) ({name})", f"avg by ({by}) ({name})",
        f"max by ({by}) (increase({name}[30m]))", f"count({name})", f"topk(3, {name})",
        f"bottomk(2, rate({name}[5m]))", f"{name} > 0", f"rate({name}[5m]) > bool 0.5",
        f"-{name} * 2 + 1", f"rate({name}[5m] offset 10m)", f"max_over_time(rate({name}[5m])[30m:1m])",
        f"quantile(0.9, {name})", f"stddev by ({by}) ({name})", f"{name} / {name}",
        f"sum_over_time({name}[7m]) % 7", f"changes({name}[1h])", f"resets({name}[1h])",
    ]
    if some_label:
        value = sorted(labels[some_label])[0]
        queries += [f'{name}{{{some_label}=~"{value[:3]}.*"}}', f'{name}{{{some_label}!="{value}"}}',
                    f'count by ({some_label}) ({name}{{{some_label}!~"{value[:2]}.+"}})']
    return queries


def _cross_metric(metrics: dict[str, dict[str, set[str]]]) -> list[str]:
    queries = []
    for name, labels in metrics.items():
        if name.endswith("_bucket") and "le" in labels:
            by = ", ".join(g for g in ("service", "namespace") if g in labels)
            queries += [f"histogram_quantile(0.99, sum by (le{', ' + by if by else ''}) (rate({name}[5m])))",
                        f"histogram_quantile(0.5, rate({name}[5m]))",
                        f"histogram_quantile(0.9, sum by (le) (increase({name}[1h])))"]
        if name.endswith("_sum") and name[:-4] + "_count" in metrics:
            base = name[:-4]
            queries.append(f"sum by (namespace) (rate({base}_sum[5m])) / sum by (namespace) (rate({base}_count[5m]))")
        for status in ("status", "status_code"):
            if status in labels and "namespace" in labels:
                queries.append(f'sum by (namespace) (rate({name}{{{status}=~"5.."}}[5m])) '
                               f"/ sum by (namespace) (rate({name}[5m]))")
    if "container_memory_working_set_bytes" in metrics and "kube_pod_container_resource_limits" in metrics:
        queries += [
            "container_memory_working_set_bytes / on (namespace, pod, container) "
            'kube_pod_container_resource_limits{resource="memory"}',
            "max by (namespace, pod, container) (max_over_time(container_memory_working_set_bytes[2h])) "
            '/ on (namespace, pod, container) group_left kube_pod_container_resource_limits{resource="memory"}',
        ]
    return queries


def _more_functions(name: str, labels: dict[str, set[str]]) -> list[str]:
    """Less common functions and operators, asked for a few metrics per scenario."""
    group = next((g for g in GROUP_LABELS if g in labels), "job")
    return [
        f"abs(-{name})", f"round({name} / 3, 0.5)", f"clamp_max(rate({name}[5m]), 1)", f"clamp_min({name}, 10)",
        f"clamp({name}, 1, 100)", f"sqrt({name})", f"ln({name})", f"ceil(rate({name}[5m]))",
        f"sort_desc({name})", f'count_values("v", {name})', f"idelta({name}[10m])", f"stdvar_over_time({name}[1h])",
        f"quantile_over_time(0.9, {name}[1h])", f"present_over_time({name}[5m])", f"predict_linear({name}[30m], 3600)",
        f"{name} @ NOW-1200", f"rate({name}[5m] @ NOW-600)", f"absent({name}{{{group}=\"nope\"}})",
        f"absent_over_time({name}[5m])", f"{name} and {name} > 1", f"{name} or vector(0)", f"{name} unless {name} > 1",
        f"sum by ({group}) ({name}) / ignoring ({group}) group_left sum({name})",
        f"sum({name}) / on () group_right sum by ({group}) ({name})", f"group by ({group}) ({name})",
        f"{name} == bool on ({group}) group_left max by ({group}) ({name})", f"sum({name}) > bool 1",
        f"min_over_time(max by ({group}) ({name})[20m:3m] offset 4m)", f"{name} atan2 1", f"{name} ^ 0.5",
    ]


def fidelity_queries(world: Any) -> list[str]:
    metrics = _metric_labels(world)
    queries = [q for name in sorted(metrics) for q in _per_metric(name, metrics[name])]
    queries += [q for name in sorted(metrics)[:5] for q in _more_functions(name, metrics[name])]
    # (time() is left out: it is the one answer the shift changes)
    return queries + _cross_metric(metrics) + ["vector(1) + 2", "1 > bool 2", "scalar(vector(3)) * 2"]


def _at(query: str, now_ms: int) -> str:
    """Fill `@ NOW-600` placeholders: `@` takes absolute times, which the shift must move too."""
    return re.sub(r"NOW-(\d+)", lambda m: str(now_ms // 1000 - int(m.group(1))), query)


def _ask_both(real: RealPrometheus, world: Any, shift: int, path: str, params: dict[str, str],
              real_params: dict[str, str]) -> tuple[str | None, bool]:
    """How our answer differs from the real one (None: it does not), and whether the real one had data."""
    _, ours = prom_api.handle("GET", path, {k: [v] for k, v in params.items()}, world)
    theirs = real.get(path, real_params)
    has_data = theirs.get("status") == "success" and bool(theirs["data"]["result"])
    return compare(ours, theirs, shift), has_data


@pytest.mark.parametrize("index", range(len(SCENARIOS)), ids=[p.stem for p in SCENARIOS])
def test_instant_queries_match_real_prometheus_at_several_times(real_prom: RealPrometheus, index: int) -> None:
    world, shift = world_from_scenario(SCENARIOS[index]), shift_of(SCENARIOS[index])
    if not world.metrics:
        pytest.skip("this scenario has no metrics")
    now = to_ms(world.now)
    failures, asked, answered = [], 0, 0
    for query in fidelity_queries(world):
        for offset_ms in (0, -33 * 60_000 - 17_000):
            ts = now + offset_ms  # at now the `time` parameter is left out: the simulated clock is the default
            params = {"query": _at(query, now)} | ({"time": seconds(ts)} if offset_ms else {})
            real_params = {"query": _at(query, now + shift), "time": seconds(ts + shift)}
            problem, data = _ask_both(real_prom, world, shift, "/api/v1/query", params, real_params)
            asked += 1
            answered += bool(data)
            if problem:
                failures.append(f"{query} @ {offset_ms / 1000:+.0f}s: {problem}")
    assert not failures, f"{len(failures)}/{asked} differ:\n" + "\n".join(failures[:25])
    assert answered > asked / 2, f"only {answered}/{asked} queries returned data: the comparison proves little"


@pytest.mark.parametrize("index", range(len(SCENARIOS)), ids=[p.stem for p in SCENARIOS])
def test_range_queries_match_real_prometheus(real_prom: RealPrometheus, index: int) -> None:
    world, shift = world_from_scenario(SCENARIOS[index]), shift_of(SCENARIOS[index])
    now = to_ms(world.now)
    metrics = _metric_labels(world)
    failures = []
    for name in sorted(metrics)[:8]:
        for query, span_ms, step in ((f"rate({name}[5m])", 3_600_000, "60"), (f"sum by (namespace) ({name})", 5_400_000, "37s"),
                                     (f"max_over_time({name}[10m]) > 0", 1_800_000, "2m")):
            start, end = now - span_ms, now
            params = {"query": query, "start": seconds(start), "end": seconds(end), "step": step}
            real = dict(params, start=seconds(start + shift), end=seconds(end + shift))
            problem, _ = _ask_both(real_prom, world, shift, "/api/v1/query_range", params, real)
            if problem:
                failures.append(f"{query} [{step}]: {problem}")
    assert not failures, "\n".join(failures[:25])


def test_topk_and_bottomk_keep_the_same_tied_series_as_prometheus(real_prom: RealPrometheus) -> None:
    now, shift = to_ms(TIES.now), SHIFTS[-1]
    failures = []
    for k in range(1, 8):
        for query in (f"topk({k}, tied)", f"bottomk({k}, tied)", f"topk by (g) ({k}, tied)", f"bottomk by (g) ({k}, tied)"):
            problem, _ = _ask_both(real_prom, TIES, shift, "/api/v1/query", {"query": query},
                                   {"query": query, "time": seconds(now + shift)})
            if problem:
                failures.append(f"{query}: {problem}")
    assert not failures, "\n".join(failures)

