"""What a human sees on a graph, as numbers: baseline, peak, current, when it changed, trend, flat.

The change point is found by least squares over three shapes fitted to the
whole series, each in O(n) per candidate split with cumulative sums:

* constant: one mean (the null shape: "flat");
* step: two means, split at k (the largest mean shift, i.e. the arg-max of
  the CUSUM statistic |S_k - k/n * S_n| weighted by the segment sizes);
* hinge: flat until t_k, then a straight line (a ramp that starts at t_k).

The shape with the smallest squared error wins when it explains at least
half of the variance the constant leaves and the shift is larger than both
10% of the level and three times the noise (MAD of first differences); a
hinge that starts in the first tenth of the window is reported as a trend
over the whole window instead of a change. The trend slope is ordinary least
squares over all points, per hour. A series that rose and came back near its
baseline is called "recovered".
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from tools.timefmt import ago, duration, stamp

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Change:
    at: datetime
    before: float
    after: float
    shape: str  # "step" or "ramp"


@dataclass(frozen=True)
class Summary:
    points: int
    start: datetime
    end: datetime
    baseline: float
    peak: float
    peak_at: datetime
    low: float
    low_at: datetime
    current: float
    change: Change | None
    slope_per_hour: float
    flat: bool
    noise: float
    recovered_at: datetime | None
    drops: tuple[datetime, ...] = ()  # sharp falls (a restart, a reset, an OOM kill)
    slope_between_drops: float | None = None  # per hour: the climb of a sawtooth
    level_slope: float = 0.0  # per hour: how the typical level (not the spikes) moves, first third to last


def _sse_step(y: Array) -> tuple[int, float]:
    """Best split for two means: (k, SSE); k is the first index of the second segment."""
    n = len(y)
    c1, c2 = np.cumsum(y), np.cumsum(y * y)
    k = np.arange(2, n - 1)
    left = c2[k - 1] - c1[k - 1] ** 2 / k
    right = (c2[-1] - c2[k - 1]) - (c1[-1] - c1[k - 1]) ** 2 / (n - k)
    sse = left + right
    i = int(np.argmin(sse))
    return int(k[i]), float(sse[i])


def _sse_hinge(t: Array, y: Array) -> tuple[int, float]:
    """Best knot for 'flat, then a line': (k, SSE) with the knot at t[k] (closed-form fit per knot)."""
    best_k, best = 0, math.inf
    syy = float(np.sum((y - y.mean()) ** 2))
    for k in range(0, len(y) - 2):
        x = np.maximum(0.0, t - t[k])
        xc = x - x.mean()
        sxx = float(np.dot(xc, xc))
        if sxx <= 0:
            continue
        sxy = float(np.dot(xc, y - y.mean()))
        sse = syy - sxy * sxy / sxx
        if sse < best - 1e-12 * max(syy, 1.0):
            best_k, best = k, sse
    return best_k, max(best, 0.0)


def _hinge_fit(t: Array, y: Array, k: int) -> tuple[float, float]:
    """(level before the knot, slope after it) of the hinge fitted at knot k."""
    x = np.maximum(0.0, t - t[k])
    xc = x - x.mean()
    b = float(np.dot(xc, y - y.mean()) / np.dot(xc, xc))
    return float(y.mean() - b * x.mean()), b


def _noise(y: Array) -> float:
    """Robust point-to-point noise: MAD of first differences, scaled to a standard deviation."""
    if len(y) < 3:
        return 0.0
    d = np.diff(y)
    return float(np.median(np.abs(d - np.median(d))) / 0.6745 / math.sqrt(2))


def _to_dt(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=UTC)


def _onset(y: Array, k: int, before: float, after: float) -> int:
    """Where a (possibly smeared) step starts: the first point of the run before k that left the old level.

    A rate over a window turns a step into a short ramp; an engineer reads the
    change at the foot of that ramp, not its middle.
    """
    tol = 0.1 * abs(after - before)
    i = k
    while i > 1 and abs(y[i - 1] - before) > tol:
        i -= 1
    return i


def find_change(t: Array, y: Array) -> Change | None:
    """The significant change in a series (see module docstring), or None."""
    n = len(y)
    if n < 5:
        return None
    sse0 = float(np.sum((y - y.mean()) ** 2))
    if sse0 <= 0:
        return None
    ks, sse_s = _sse_step(y)
    kh, sse_h = _sse_hinge(t, y)
    if min(sse_s, sse_h) > 0.5 * sse0:
        return None
    if sse_s <= sse_h:
        before, after = float(np.median(y[:ks])), float(np.median(y[ks:]))
        at, shape = t[_onset(y, ks, before, after)], "step"
    else:
        if t[kh] - t[0] < 0.1 * (t[-1] - t[0]):
            return None  # a trend over the whole window, not a change
        level, slope = _hinge_fit(t, y, kh)
        before, after, at, shape = level, level + slope * float(t[-1] - t[kh]), t[kh], "ramp"
    shift = abs(after - before)
    if shift < 0.1 * max(abs(before), abs(after)) or shift < 3 * _noise(y):
        return None
    return Change(at=_to_dt(float(at)), before=before, after=after, shape=shape)


def summarize(times: Sequence[float], values: Sequence[float | None]) -> Summary | None:
    """Summarise one series of (unix time, value); gaps (None, NaN, inf) are dropped. None if empty."""
    pts = [(float(ts), float(v)) for ts, v in zip(times, values)
           if v is not None and math.isfinite(float(v))]
    if not pts:
        return None
    t = np.array([p[0] for p in pts])
    y = np.array([p[1] for p in pts])
    change = find_change(t, y)
    drops, climb = _sawtooth(t, y)
    if change is not None and drops and change.after < change.before:
        change = None  # the fall is a reset of a sawtooth, reported as a drop, not a new level
    if change is not None:
        base_part = y[t < change.at.timestamp()]
    else:
        base_part = y[: max(3, len(y) // 3)]
    baseline = float(np.median(base_part)) if len(base_part) else float(y[0])
    span_h = (t[-1] - t[0]) / 3600.0
    slope = float(np.polyfit(t / 3600.0, y, 1)[0]) if len(y) >= 2 and span_h > 0 else 0.0
    scale = max(abs(float(np.median(y))), float(np.max(np.abs(y))) * 1e-3, 1e-12)
    noise = _noise(y)
    ip, il = int(np.argmax(y)), int(np.argmin(y))
    excursion = max(float(y[ip]) - baseline, baseline - float(y[il]))
    spike = excursion > max(6 * noise, 0.5 * scale)
    flat = (change is None and not spike and abs(slope * span_h) <= max(0.1 * scale, 3 * noise)
            and float(np.ptp(y)) <= max(0.2 * scale, 6 * noise))
    return Summary(points=len(y), start=_to_dt(t[0]), end=_to_dt(t[-1]), baseline=baseline,
                   peak=float(y[ip]), peak_at=_to_dt(t[ip]), low=float(y[il]), low_at=_to_dt(t[il]),
                   current=float(y[-1]), change=change, slope_per_hour=slope, flat=flat, noise=noise,
                   recovered_at=None if flat else _recovered_at(t, y, baseline, ip),
                   drops=drops, slope_between_drops=climb, level_slope=_level_slope(t, y))


def _level_slope(t: Array, y: Array) -> float:
    """Per hour, from the median of the first third to the median of the last: short spikes do not move it."""
    n = len(y) // 3
    if n < 2:
        return 0.0
    hours = (float(np.median(t[-n:])) - float(np.median(t[:n]))) / 3600.0
    return (float(np.median(y[-n:])) - float(np.median(y[:n]))) / hours if hours > 0 else 0.0


def _sawtooth(t: Array, y: Array) -> tuple[tuple[datetime, ...], float | None]:
    """A sawtooth: sharp falls (one step losing over half the range) with climbs between them that make up
    the range again; returns the falls and the median climb per hour (nothing for a plain step down)."""
    if len(y) < 6:
        return (), None
    span = float(np.ptp(y))
    falls = [i for i in range(1, len(y)) if span > 0 and y[i] - y[i - 1] < -0.5 * span]
    if not falls:
        return (), None
    slopes, hours = [], []
    for a, b in zip([0, *falls], [*falls, len(y)]):
        if b - a >= 3 and t[b - 1] > t[a]:
            # the median step, not a fitted line: a flat stretch ending in one spike does not climb
            steps = np.diff(y[a:b]) / (np.diff(t[a:b]) / 3600.0)
            slopes.append(float(np.median(steps)))
            hours.append(float(t[b - 1] - t[a]) / 3600.0)
    if not slopes or float(np.median(slopes)) * float(np.median(hours)) < 0.3 * span:
        return (), None
    return tuple(_to_dt(float(t[i])) for i in falls), float(np.median(slopes))


def _recovered_at(t: Array, y: Array, baseline: float, ip: int) -> datetime | None:
    """When a series that rose well above its baseline came back near it and stayed there."""
    rise = float(y[ip]) - baseline
    if rise <= 0.5 * max(abs(baseline), 1e-12) or ip >= len(y) - 1:
        return None
    near = np.abs(y[ip + 1:] - baseline) <= 0.25 * rise
    if not near[-1]:
        return None
    away = np.nonzero(~near)[0]
    first = ip + 1 + (int(away[-1]) + 1 if len(away) else 0)
    return _to_dt(float(t[first]))


def fmt_value(value: float, unit: str = "") -> str:
    """A value in its unit, three significant digits: 598Mi, 1.91Gi, 6.2/s, 4.3%, 2.31s."""
    if unit == "bytes":
        for div, suffix in ((2**40, "Ti"), (2**30, "Gi"), (2**20, "Mi"), (2**10, "Ki")):
            if abs(value) >= div:
                return f"{value / div:.3g}{suffix}"
        return f"{value:.0f}B"
    if unit == "ratio":
        return f"{value * 100:.3g}%"
    text = f"{value:.3g}" if value != 0 else "0"
    return {"seconds": f"{text}s", "per_s": f"{text}/s", "cores": f"{text} cores"}.get(unit, text)


def render(summary: Summary, *, now: datetime, unit: str = "", window_start: datetime | None = None) -> str:
    """One line per series, as an engineer would read the graph (saying when a series starts late)."""
    def v(x: float) -> str:
        return fmt_value(x, unit)

    window = duration((summary.end - summary.start).total_seconds())
    if window_start is not None and (summary.start - window_start).total_seconds() > 0.1 * (now - window_start).total_seconds():
        window += f" (series starts {stamp(summary.start)}, {ago(summary.start, now)})"
    if summary.flat:
        spread = f" (noise +-{v(summary.noise)})" if summary.noise > 0.02 * abs(summary.current) else ""
        return f"flat at {v(summary.current)}{spread} over {window}, no change"
    parts = [f"baseline {v(summary.baseline)}",
             f"peak {v(summary.peak)} at {stamp(summary.peak_at)} ({ago(summary.peak_at, now)})"]
    if summary.baseline - summary.low > max(6 * summary.noise, 0.2 * abs(summary.baseline)):
        parts.append(f"low {v(summary.low)} at {stamp(summary.low_at)} ({ago(summary.low_at, now)})")
    parts.append(f"now {v(summary.current)}")
    c = summary.change
    if c is not None:
        verb = "stepped" if c.shape == "step" else "started to ramp"
        direction = "up" if c.after > c.before else "down"
        parts.append(f"changed at {stamp(c.at)} ({ago(c.at, now)}): {verb} {direction} "
                     f"{v(c.before)} -> {v(c.after)}")
    if summary.drops:
        climb = summary.slope_between_drops
        parts.append(f"sharp drops at {', '.join(stamp(d) for d in summary.drops[:5])}"
                     + (f", climbing {v(climb)}/h between drops" if climb is not None else ""))
    trend = "increasing" if summary.slope_per_hour > 0 else "decreasing"
    parts.append(f"trend {trend} {v(summary.slope_per_hour)}/h over {window}" if c is None else f"over {window}")
    if summary.recovered_at is not None:
        parts.append(f"recovered: back near baseline since {stamp(summary.recovered_at)} "
                     f"({ago(summary.recovered_at, now)})")
    return "; ".join(parts)
