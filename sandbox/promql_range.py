"""Range-vector functions as Prometheus 2.42 computes them: rate/increase extrapolation, *_over_time, deriv."""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sandbox.promql_histogram import quantile

@dataclass(frozen=True)
class Window:
    """What a range function sees besides the samples: the range's bounds and the evaluation time."""

    lo: int
    hi: int
    range_ms: int
    eval_ts: int
    param: float = math.nan


RangeFn = Callable[[Sequence[int], Sequence[float], Window], "float | None"]


def extrapolated_rate(ts: Sequence[int], vals: Sequence[float], w: Window, *,
                      counter: bool, rate: bool) -> float | None:
    """rate/increase/delta exactly as extrapolatedRate in Prometheus: resets, 1.1x rule, zero point."""
    if len(vals) < 2:
        return None
    result = vals[-1] - vals[0]
    if counter:
        for prev, cur in zip(vals, vals[1:]):
            if cur < prev:
                result += prev
    to_start = (ts[0] - w.lo) / 1000
    to_end = (w.hi - ts[-1]) / 1000
    sampled = (ts[-1] - ts[0]) / 1000
    average = sampled / (len(vals) - 1)
    if counter and result > 0 and vals[0] >= 0:
        to_zero = sampled * (vals[0] / result)
        if to_zero < to_start:
            to_start = to_zero
    threshold = average * 1.1
    interval = sampled
    interval += to_start if to_start < threshold else average / 2
    interval += to_end if to_end < threshold else average / 2
    factor = interval / sampled
    if rate:
        factor /= w.range_ms / 1000
    return result * factor


def instant_value(ts: Sequence[int], vals: Sequence[float], *, rate: bool) -> float | None:
    """irate/idelta: the last two samples only."""
    if len(vals) < 2:
        return None
    last, prev = vals[-1], vals[-2]
    result = last if rate and last < prev else last - prev
    interval = ts[-1] - ts[-2]
    if interval == 0:
        return None
    return result / (interval / 1000) if rate else result


def linear_regression(ts: Sequence[int], vals: Sequence[float], intercept_ms: int) -> tuple[float, float]:
    if all(v == vals[0] for v in vals):
        return (math.nan, math.nan) if math.isinf(vals[0]) else (0.0, vals[0])
    n = float(len(vals))
    xs = [(t - intercept_ms) / 1000 for t in ts]
    sum_x, sum_y = math.fsum(xs), math.fsum(vals)
    sum_xy = math.fsum(x * y for x, y in zip(xs, vals))
    sum_x2 = math.fsum(x * x for x in xs)
    cov_xy = sum_xy - sum_x * sum_y / n
    var_x = sum_x2 - sum_x * sum_x / n
    slope = cov_xy / var_x if var_x != 0 else math.nan
    return slope, sum_y / n - slope * sum_x / n


def _mean(vals: Sequence[float]) -> float:
    """avg_over_time: Prometheus's incremental mean (with its guard for infinities)."""
    mean, count = vals[0], 1
    for v in vals[1:]:
        count += 1
        if math.isinf(mean) and ((math.isinf(v) and (mean > 0) == (v > 0)) or not (math.isinf(v) or math.isnan(v))):
            continue
        mean += v / count - mean / count
    return mean


def _variance(vals: Sequence[float]) -> float:
    mean, aux = 0.0, 0.0
    for count, v in enumerate(vals, start=1):
        delta = v - mean
        mean += delta / count
        aux += delta * (v - mean)
    return aux / len(vals)


def _fold(fn: Callable[[float, float], float]) -> Callable[[Sequence[float]], float]:
    def run(vals: Sequence[float]) -> float:
        acc = vals[0]
        for v in vals[1:]:
            acc = fn(acc, v)
        return acc
    return run


def _max_over(acc: float, v: float) -> float:
    return v if v > acc or math.isnan(acc) else acc


def _min_over(acc: float, v: float) -> float:
    return v if v < acc or math.isnan(acc) else acc


def _changes(vals: Sequence[float]) -> float:
    return float(sum(1 for a, b in zip(vals, vals[1:]) if b != a and not (math.isnan(a) and math.isnan(b))))


def _over_time(fn: Callable[[Sequence[float]], float]) -> RangeFn:
    return lambda ts, vals, w: fn(vals) if vals else None


RANGE: dict[str, RangeFn] = {
    "rate": lambda ts, v, w: extrapolated_rate(ts, v, w, counter=True, rate=True),
    "increase": lambda ts, v, w: extrapolated_rate(ts, v, w, counter=True, rate=False),
    "delta": lambda ts, v, w: extrapolated_rate(ts, v, w, counter=False, rate=False),
    "irate": lambda ts, v, w: instant_value(ts, v, rate=True),
    "idelta": lambda ts, v, w: instant_value(ts, v, rate=False),
    "deriv": lambda ts, v, w: linear_regression(ts, v, ts[0])[0] if len(v) >= 2 else None,
    "predict_linear": lambda ts, v, w: _predict(ts, v, w) if len(v) >= 2 else None,
    "changes": _over_time(_changes),
    "resets": _over_time(lambda v: float(sum(1 for a, b in zip(v, v[1:]) if b < a))),
    "avg_over_time": _over_time(_mean),
    "min_over_time": _over_time(_fold(_min_over)),
    "max_over_time": _over_time(_fold(_max_over)),
    "sum_over_time": _over_time(math.fsum),
    "count_over_time": _over_time(lambda v: float(len(v))),
    "last_over_time": _over_time(lambda v: v[-1]),
    "present_over_time": _over_time(lambda v: 1.0),
    "stdvar_over_time": _over_time(_variance),
    "stddev_over_time": _over_time(lambda v: math.sqrt(_variance(v))),
    "quantile_over_time": lambda ts, v, w: quantile(w.param, list(v)) if v else None,
}


def _predict(ts: Sequence[int], vals: Sequence[float], w: Window) -> float:
    slope, intercept = linear_regression(ts, vals, w.eval_ts)
    return intercept + slope * w.param
