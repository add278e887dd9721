"""PromQL queries for the sandbox: instant and range evaluation answered in Prometheus's JSON `data` shape."""
from __future__ import annotations

from typing import Any

from sandbox.promql_ast import Node, RangeSel, Str, Subquery, parse
from sandbox.promql_eval import Evaluator
from sandbox.promql_values import (
    PromQLError, RangeSeries, Sample, Scalar, String, Unsupported, Value, check_unique,
)
from sandbox.series import Labels, SeriesStore, format_ts, format_value

__all__ = ["PromQLError", "Unsupported", "instant_query", "range_query"]
MAX_POINTS = 11_000


def instant_query(store: SeriesStore, query: str, ts_ms: int) -> dict[str, Any]:
    """The query's value at one time (the simulated clock unless the caller gave `time`)."""
    node = parse(query)
    value = Evaluator(store, start_ms=ts_ms, end_ms=ts_ms).eval(node, ts_ms)
    if _static_kind(node) == "range vector":
        return {"resultType": "matrix", "result": [_series_json(s) for s in value]}  # type: ignore[arg-type,union-attr]
    return value_json(value, ts_ms)


def _static_kind(node: Node) -> str:
    if isinstance(node, (RangeSel, Subquery)):
        return "range vector"
    if isinstance(node, Str):
        return "string"
    return ""


def range_query(store: SeriesStore, query: str, *, start_ms: int, end_ms: int, step_ms: int) -> dict[str, Any]:
    """Evaluate at start, start+step, ... <= end and gather the samples into series (a matrix)."""
    if step_ms <= 0:
        raise PromQLError("zero or negative query resolution step widths are not accepted. Try a positive integer")
    if end_ms < start_ms:
        raise PromQLError("end timestamp must not be before start time")
    if (end_ms - start_ms) // step_ms > MAX_POINTS:
        raise PromQLError("exceeded maximum resolution of 11,000 points per timeseries. "
                          "Try decreasing the query resolution (?step=XX)")
    node = parse(query)
    kind = _static_kind(node)
    if kind:
        raise PromQLError(f'invalid expression type "{kind}" for range query, must be Scalar or instant Vector')
    evaluator = Evaluator(store, start_ms=start_ms, end_ms=end_ms)
    series: dict[Labels, RangeSeries] = {}
    for ts in range(start_ms, end_ms + 1, step_ms):
        value = evaluator.eval(node, ts)
        samples = [Sample((), value.value)] if isinstance(value, Scalar) else check_unique(value)  # type: ignore[arg-type]
        for sample in samples:
            out = series.setdefault(sample.labels, RangeSeries(sample.labels))
            out.ts.append(ts)
            out.vals.append(sample.value)
    result = [_series_json(s) for _, s in sorted(series.items())]
    return {"resultType": "matrix", "result": result}


def _series_json(series: RangeSeries) -> dict[str, Any]:
    return {"metric": dict(series.labels),
            "values": [[format_ts(t), format_value(v)] for t, v in zip(series.ts, series.vals)]}


def value_json(value: Value, ts_ms: int) -> dict[str, Any]:
    """Prometheus's `data` object for an instant query's value."""
    if isinstance(value, Scalar):
        return {"resultType": "scalar", "result": [format_ts(ts_ms), format_value(value.value)]}
    if isinstance(value, String):
        return {"resultType": "string", "result": [format_ts(ts_ms), value.value]}
    if any(isinstance(x, RangeSeries) for x in value):
        return {"resultType": "matrix", "result": [_series_json(s) for s in value]}  # type: ignore[arg-type]
    vector = check_unique(value)  # type: ignore[arg-type]
    return {"resultType": "vector",
            "result": [{"metric": dict(s.labels), "value": [format_ts(ts_ms), format_value(s.value)]} for s in vector]}
