"""PromQL function calls: range functions over windows, and instant ones (math, clamp, histogram_quantile...)."""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from sandbox.promql_ast import Func, RangeSel, Selector
from sandbox.promql_histogram import histogram_quantile
from sandbox.promql_range import RANGE, Window
from sandbox.promql_values import (
    PromQLError, Sample, Scalar, Value, Vector, check_unique, drop_name,
)
from sandbox.series import METRIC_NAME, Labels, MatchOp

if TYPE_CHECKING:
    from sandbox.promql_eval import Evaluator


def go_max(a: float, b: float) -> float:
    """Go's math.Max: NaN wins."""
    return math.nan if math.isnan(a) or math.isnan(b) else max(a, b)


def go_min(a: float, b: float) -> float:
    return math.nan if math.isnan(a) or math.isnan(b) else min(a, b)

def _safe(fn: Callable[[float], float], *, domain: float = math.nan) -> Callable[[float], float]:
    """A math function with Go's float semantics: no exceptions, NaN/Inf instead."""
    def run(x: float) -> float:
        try:
            return fn(x)
        except OverflowError:
            return math.inf
        except ValueError:
            return domain
    return run


def _log(base_log: Callable[[float], float]) -> Callable[[float], float]:
    def run(x: float) -> float:
        if math.isnan(x) or x < 0:
            return math.nan
        return -math.inf if x == 0 else base_log(x)
    return run


def _integral(fn: Callable[[float], int]) -> Callable[[float], float]:
    return lambda x: x if math.isnan(x) or math.isinf(x) else float(fn(x))


SIMPLE: dict[str, Callable[[float], float]] = {
    "abs": abs,
    "ceil": _integral(math.ceil),
    "floor": _integral(math.floor),
    "exp": _safe(math.exp),
    "ln": _log(math.log),
    "log2": _log(math.log2),
    "log10": _log(math.log10),
    "sqrt": lambda x: math.nan if x < 0 else math.sqrt(x),
    "sgn": lambda x: -1.0 if x < 0 else (1.0 if x > 0 else x),
}


def _round(x: float, nearest: float) -> float:
    inverse = 1.0 / nearest
    return _integral(math.floor)(x * inverse + 0.5) / inverse


def _map(vector: Vector, fn: Callable[[float], float]) -> Vector:
    return check_unique([Sample(drop_name(s.labels), fn(s.value)) for s in vector])


def _absent_labels(node: object) -> Labels:
    """absent(): the labels of the selector's equality matchers (a name matched twice is dropped)."""
    if isinstance(node, RangeSel):
        node = node.selector
    if not isinstance(node, Selector):
        return ()
    labels: dict[str, str] = {}
    seen: set[str] = set()
    for m in node.matchers:
        if m.name == METRIC_NAME:
            continue
        if m.op is MatchOp.EQUAL and m.name not in seen:
            labels[m.name] = m.value
            seen.add(m.name)
        else:
            labels.pop(m.name, None)
    return tuple(sorted((k, v) for k, v in labels.items() if v != ""))


def _call_range(ev: Evaluator, node: Func, ts: int) -> Vector:
    arg_index = 1 if node.name == "quantile_over_time" else 0
    matrix, lo, hi = ev.eval_matrix(node.args[arg_index], ts)
    param = math.nan
    if node.name == "quantile_over_time":
        param = ev.eval_scalar(node.args[0], ts)
    elif node.name == "predict_linear":
        param = ev.eval_scalar(node.args[1], ts)
    if node.name == "absent_over_time":
        return [] if matrix else [Sample(_absent_labels(node.args[0]), 1.0)]
    target = node.args[arg_index]
    at = target.selector.at if isinstance(target, RangeSel) else getattr(target, "at", None)
    window = Window(lo, hi, hi - lo, ev.ref_time(at, ts), param)
    fn = RANGE[node.name]
    keep_name = node.name == "last_over_time"  # Prometheus 2.x keeps the name for this one only
    out: Vector = []
    for series in matrix:
        value = fn(series.ts, series.vals, window)
        if value is not None:
            out.append(Sample(series.labels if keep_name else drop_name(series.labels), value))
    return check_unique(out)


def _call_instant(ev: Evaluator, node: Func, ts: int) -> Value:
    name, args = node.name, node.args
    if name == "time":
        return Scalar(ts / 1000)
    if name == "vector":
        return [Sample((), ev.eval_scalar(args[0], ts))]
    if name == "scalar":
        vector = ev.eval_vector(args[0], ts)
        return Scalar(vector[0].value if len(vector) == 1 else math.nan)
    if name == "histogram_quantile":
        q = ev.eval_scalar(args[0], ts)
        return check_unique(histogram_quantile(q, ev.eval_vector(args[1], ts)))
    vector = ev.eval_vector(args[0], ts)
    if name in SIMPLE:
        return _map(vector, SIMPLE[name])
    if name == "absent":
        return [] if vector else [Sample(_absent_labels(args[0]), 1.0)]
    if name in ("sort", "sort_desc"):
        return _sort(vector, descending=name == "sort_desc")
    return _call_clamp(ev, node, ts, vector)


def _call_clamp(ev: Evaluator, node: Func, ts: int, vector: Vector) -> Vector:
    scalars = [ev.eval_scalar(arg, ts) for arg in node.args[1:]]
    if node.name == "round":
        nearest = scalars[0] if scalars else 1.0
        return _map(vector, lambda x: _round(x, nearest))
    if node.name == "clamp_min":
        return _map(vector, lambda x: go_max(x, scalars[0]))
    if node.name == "clamp_max":
        return _map(vector, lambda x: go_min(x, scalars[0]))
    if node.name == "clamp":
        low, high = scalars
        if high < low:
            return []
        return _map(vector, lambda x: go_max(low, go_min(high, x)))
    raise PromQLError(f"function {node.name}() is not implemented")


def _sort(vector: Vector, *, descending: bool) -> Vector:
    """sort()/sort_desc() keep names; NaNs go last, as Prometheus orders them."""
    numbers = sorted((s for s in vector if not math.isnan(s.value)), key=lambda s: s.value, reverse=descending)
    return numbers + [s for s in vector if math.isnan(s.value)]


def call(ev: Evaluator, node: Func, ts: int) -> Value:
    if node.name in RANGE or node.name == "absent_over_time":
        return _call_range(ev, node, ts)
    return _call_instant(ev, node, ts)
