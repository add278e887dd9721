"""The sandbox's PromQL evaluator on small hand-made series, with answers worked out by hand."""
from __future__ import annotations

from typing import Any

import pytest

from sandbox.promql import instant_query, range_query
from sandbox.promql_values import PromQLError
from sandbox.series import store_for, to_ms
from tests.sandbox.promfixtures import make_world

NOW = "2026-11-24T12:00:00Z"
MIN = 60_000


def series(name: str, values: list[Any], *, start: str = "-10m", step: str = "1m", **labels: str) -> dict[str, Any]:
    return {"labels": {"__name__": name, **labels}, "start": start, "step": step, "values": values}


METRICS = [
    # a counter that resets between -7m (30) and -6m (5); samples every minute from -10m to now
    series("reqs_total", [0, 10, 20, 30, 5, 15, 25, 35, 45, 55, 65], ns="shop", pod="api-1"),
    series("reqs_total", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], ns="shop", pod="api-2"),
    series("reqs_total", [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20], ns="pay", pod="web-api"),
    # a counter born two minutes ago at 1
    series("young_total", [1, 11, 21], start="-2m"),
    # a gauge that stopped reporting ten minutes ago
    series("temp", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] + [None] * 10, start="-20m", ns="shop"),
    series("mem", [100, 200], start="-1m", ns="shop", pod="api-1"),
    series("mem", [300, 400], start="-1m", ns="shop", pod="api-2"),
    series("limit", [1000], start="0m", ns="shop", pod="api-1"),
    series("limit", [800], start="0m", ns="shop", pod="api-2"),
    series("limit", [500], start="0m", ns="shop", pod="api-3"),
    *[series("lat_bucket", [count], start="0m", le=le, svc="pay")
      for le, count in (("0.1", 50), ("0.5", 80), ("1", 95), ("+Inf", 100))],
]


@pytest.fixture()
def world() -> Any:
    return make_world(now=NOW, metrics=METRICS)


def ask(world: Any, query: str, *, at_ms: int = 0) -> dict[str, Any]:
    return instant_query(store_for(world), query, to_ms(world.now) + at_ms)


def values(world: Any, query: str, *, at_ms: int = 0) -> dict[str, float]:
    """label text -> value, e.g. {'{ns="shop",pod="api-1"}': 0.25}."""
    data = ask(world, query, at_ms=at_ms)
    assert data["resultType"] == "vector"
    out = {}
    for sample in data["result"]:
        key = "{" + ",".join(f'{k}="{v}"' for k, v in sorted(sample["metric"].items())) + "}"
        out[key] = float(sample["value"][1])
    return out


def test_rate_over_a_full_window_is_the_plain_slope(world: Any) -> None:
    # window [-5m, 0] holds 15..65: +50 over 300 s, samples on both edges so nothing is extrapolated
    assert values(world, 'rate(reqs_total{pod="api-1"}[5m])') == {'{ns="shop",pod="api-1"}': pytest.approx(50 / 300)}


def test_increase_adds_back_what_a_counter_reset_lost(world: Any) -> None:
    # window [-8m, 0]: 20, 30, 5, ..., 65 -> (65 - 20) + 30 lost at the reset = 75
    assert values(world, 'increase(reqs_total{pod="api-1"}[8m])') == {'{ns="shop",pod="api-1"}': pytest.approx(75)}


def test_increase_extrapolates_to_the_window_edges(world: Any) -> None:
    # at -30s the window [-5m30s, -30s] holds -5m..-1m (15..55): +40 over 240 s, 30 s short on each side
    # (under 1.1 x the 60 s interval), so extrapolate over 300 s: 40 * 300 / 240 = 50
    got = values(world, 'increase(reqs_total{pod="api-1"}[5m])', at_ms=-30_000)
    assert got == {'{ns="shop",pod="api-1"}': pytest.approx(50)}


def test_increase_of_a_new_counter_stops_extrapolating_at_zero(world: Any) -> None:
    # 1, 11, 21 over 120 s: the start edge is 180 s away but the counter would hit zero 6 s earlier,
    # so the range counts 120 + 6 s: 20 * 126 / 120 = 21
    assert values(world, "increase(young_total[5m])") == {"{}": pytest.approx(21)}


def test_delta_extrapolates_half_an_interval_when_the_edge_is_far(world: Any) -> None:
    # a gauge has no zero point: the start edge (180 s) is beyond 1.1 x 60 s, so add 30 s: 20 * 150 / 120
    assert values(world, "delta(young_total[5m])") == {"{}": pytest.approx(25)}


def test_instant_selector_goes_stale_after_five_minutes(world: Any) -> None:
    assert values(world, "temp") == {}
    assert values(world, "temp", at_ms=-6 * MIN) == {'{__name__="temp",ns="shop"}': 11}
    assert values(world, "temp", at_ms=-15 * MIN + 1) == {'{__name__="temp",ns="shop"}': 6}


def test_regex_matchers_are_fully_anchored(world: Any) -> None:
    assert values(world, 'reqs_total{pod=~"api"}') == {}
    assert sorted(values(world, 'reqs_total{pod=~"api-.*"}')) == [
        '{__name__="reqs_total",ns="shop",pod="api-1"}', '{__name__="reqs_total",ns="shop",pod="api-2"}']
    assert list(values(world, 'reqs_total{pod!~"api.*"}')) == ['{__name__="reqs_total",ns="pay",pod="web-api"}']
    assert list(values(world, 'reqs_total{pod=~"(?i)API-1"}')) == ['{__name__="reqs_total",ns="shop",pod="api-1"}']
    assert len(values(world, 'reqs_total{pod!="api-1",missing=""}')) == 2


def test_sum_by_and_without_group_as_prometheus_does(world: Any) -> None:
    assert values(world, "sum by (ns) (reqs_total)") == {'{ns="shop"}': 75, '{ns="pay"}': 20}
    assert values(world, "sum without (pod) (reqs_total)") == {'{ns="shop"}': 75, '{ns="pay"}': 20}
    assert values(world, "count(reqs_total)") == {"{}": 3}
    assert values(world, "avg by (ns) (mem)") == {'{ns="shop"}': 300}


def test_topk_keeps_whole_series_and_bottomk_the_smallest(world: Any) -> None:
    data = ask(world, "topk(2, reqs_total)")
    assert [(s["metric"]["pod"], s["value"][1]) for s in data["result"]] == [("api-1", "65"), ("web-api", "20")]
    assert data["result"][0]["metric"]["__name__"] == "reqs_total"
    assert values(world, "bottomk(1, reqs_total)") == {'{__name__="reqs_total",ns="shop",pod="api-2"}': 10}


def test_topk_breaks_ties_as_prometheus_heap_does() -> None:
    # Go's heap: a, b, c (all 5) fill it; 7 evicts the root, which is a, the first one in
    tied = make_world(now=NOW, metrics=[series("t", [v], start="0m", id=i) for i, v in zip("abcd", [5, 5, 5, 7])])
    assert sorted(values(tied, "topk(3, t)")) == ['{__name__="t",id="b"}', '{__name__="t",id="c"}', '{__name__="t",id="d"}']


def test_histogram_quantile_interpolates_inside_the_bucket(world: Any) -> None:
    # 90th of 100 falls in (0.5, 1] which holds 15 (80 -> 95): 0.5 + 0.5 * 10 / 15
    assert values(world, "histogram_quantile(0.9, lat_bucket)") == {'{svc="pay"}': pytest.approx(0.5 + 0.5 * 10 / 15)}
    assert values(world, "histogram_quantile(0.3, lat_bucket)") == {'{svc="pay"}': pytest.approx(0.06)}
    assert values(world, "histogram_quantile(0.99, lat_bucket)") == {'{svc="pay"}': 1}  # +Inf bucket: highest bound


def test_vector_scalar_arithmetic_drops_the_name(world: Any) -> None:
    assert values(world, "mem * 2") == {'{ns="shop",pod="api-1"}': 400, '{ns="shop",pod="api-2"}': 800}
    assert values(world, "1000 - mem") == {'{ns="shop",pod="api-1"}': 800, '{ns="shop",pod="api-2"}': 600}
    assert values(world, "(mem + 100) / 10 % 7") == {'{ns="shop",pod="api-1"}': 2, '{ns="shop",pod="api-2"}': 1}


def test_comparisons_filter_or_with_bool_answer_zero_and_one(world: Any) -> None:
    assert values(world, "mem > 250") == {'{__name__="mem",ns="shop",pod="api-2"}': 400}
    assert values(world, "250 < mem") == {'{__name__="mem",ns="shop",pod="api-2"}': 400}
    assert values(world, "mem > bool 250") == {'{ns="shop",pod="api-1"}': 0, '{ns="shop",pod="api-2"}': 1}
    assert ask(world, "2 > bool 1")["result"][1] == "1"


def test_vector_matching_is_one_to_one_on_the_shared_labels(world: Any) -> None:
    assert values(world, "mem / limit") == {'{ns="shop",pod="api-1"}': 0.2, '{ns="shop",pod="api-2"}': 0.5}
    assert values(world, "mem / on (pod) limit") == {'{pod="api-1"}': 0.2, '{pod="api-2"}': 0.5}
    assert values(world, "mem / ignoring (ns) limit") == {'{pod="api-1"}': 0.2, '{pod="api-2"}': 0.5}
    ratio = values(world, "limit / on (ns) group_left sum by (ns) (mem)")
    assert ratio == {'{ns="shop",pod="api-1"}': 1000 / 600, '{ns="shop",pod="api-2"}': 800 / 600,
                     '{ns="shop",pod="api-3"}': 500 / 600}


def test_many_to_many_matching_is_an_execution_error(world: Any) -> None:
    with pytest.raises(PromQLError) as caught:
        ask(world, "limit / on (ns) mem")
    assert caught.value.status == 422 and "many-to-many matching not allowed" in str(caught.value)


def test_functions_drop_the_name_except_last_over_time(world: Any) -> None:
    assert list(values(world, "max_over_time(mem[5m])")) == ['{ns="shop",pod="api-1"}', '{ns="shop",pod="api-2"}']
    assert '{__name__="mem",ns="shop",pod="api-1"}' in values(world, "last_over_time(mem[5m])")
    assert values(world, 'clamp_max(mem{pod="api-2"}, 350)') == {'{ns="shop",pod="api-2"}': 350}
    assert values(world, 'abs(-mem{pod="api-1"})') == {'{ns="shop",pod="api-1"}': 200}


def test_over_time_functions_see_every_sample_in_the_range(world: Any) -> None:
    pod = '{pod="api-1"}'
    assert values(world, f"avg_over_time(reqs_total{pod}[2m])") == {'{ns="shop",pod="api-1"}': 55}
    assert values(world, f"count_over_time(reqs_total{pod}[10m])") == {'{ns="shop",pod="api-1"}': 11}
    assert values(world, f"min_over_time(reqs_total{pod}[10m])") == {'{ns="shop",pod="api-1"}': 0}
    assert values(world, f"sum_over_time(reqs_total{pod}[1m])") == {'{ns="shop",pod="api-1"}': 120}
    assert values(world, f"resets(reqs_total{pod}[10m])") == {'{ns="shop",pod="api-1"}': 1}


def test_offset_moves_the_selection_back(world: Any) -> None:
    assert values(world, 'reqs_total{pod="api-1"} offset 3m') == {'{__name__="reqs_total",ns="shop",pod="api-1"}': 35}


def test_instant_query_of_a_range_selector_answers_a_matrix_of_raw_samples(world: Any) -> None:
    data = ask(world, "mem[5m]")
    assert data["resultType"] == "matrix"
    assert data["result"][0]["values"] == [[to_ms(world.now) // 1000 - 60, "100"], [to_ms(world.now) // 1000, "200"]]


def test_scalar_results_are_scalars(world: Any) -> None:
    data = ask(world, "scalar(sum(mem)) * 2")
    assert data == {"resultType": "scalar", "result": [to_ms(world.now) // 1000, "1200"]}


def test_range_query_evaluates_every_step_into_a_matrix(world: Any) -> None:
    now = to_ms(world.now)
    data = range_query(store_for(world), 'reqs_total{pod="api-2"}', start_ms=now - 2 * MIN, end_ms=now, step_ms=MIN)
    assert data["resultType"] == "matrix"
    assert data["result"] == [{"metric": {"__name__": "reqs_total", "ns": "shop", "pod": "api-2"},
                               "values": [[now // 1000 - 120, "8"], [now // 1000 - 60, "9"], [now // 1000, "10"]]}]


def test_values_are_formatted_like_go_without_exponents(world: Any) -> None:
    assert ask(world, "vector(1e21)")["result"][0]["value"][1] == "1000000000000000000000"
    assert ask(world, "vector(1.5e-7)")["result"][0]["value"][1] == "0.00000015"
    assert ask(world, "vector(0) / 0")["result"][0]["value"][1] == "NaN"
    assert ask(world, "vector(-1) / 0")["result"][0]["value"][1] == "-Inf"


@pytest.mark.parametrize("query, what", [
    ('label_replace(mem, "a", "$1", "pod", "(.*)")', "function label_replace()"),
    ("timestamp(mem)", "function timestamp()"),
    ('mem{pod=~"[[:alpha:]]+"}', "regex '[[:alpha:]]+' uses RE2 syntax the sandbox does not translate"),
    ('mem{pod="api-1" or pod="api-2"}', "'or' inside a label selector"),
])
def test_queries_outside_the_subset_are_refused_not_guessed(world: Any, query: str, what: str) -> None:
    with pytest.raises(PromQLError) as caught:
        ask(world, query)
    assert caught.value.status == 400 and caught.value.error_type == "bad_data"
    assert str(caught.value) == f"unsupported in the debugbot sandbox: {what}"


def test_a_parse_error_is_bad_data_with_the_parsers_message(world: Any) -> None:
    with pytest.raises(PromQLError) as caught:
        ask(world, "sum(rate(mem[5m])")
    assert caught.value.error_type == "bad_data" and "unclosed left parenthesis" in str(caught.value)
