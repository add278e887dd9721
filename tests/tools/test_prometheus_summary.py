"""metric_summary on synthetic series: steps, ramps, trends, spikes, flat lines, gaps."""
from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest

from tools.metric_summary import find_change, fmt_value, render, summarize

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
T0 = NOW.timestamp() - 3600
TIMES = [T0 + 60 * i for i in range(61)]
RNG = np.random.default_rng(7)


def noisy(values: list[float], sd: float) -> list[float]:
    return [v + float(RNG.normal(0, sd)) for v in values]


def test_step_up_is_found_at_the_step_with_levels_before_and_after() -> None:
    values = noisy([1.0 if i < 40 else 6.0 for i in range(61)], 0.1)
    s = summarize(TIMES, values)
    assert s is not None and s.change is not None
    assert s.change.shape == "step"
    assert s.change.at == datetime.fromtimestamp(TIMES[40], tz=UTC)
    assert s.change.before == pytest.approx(1.0, abs=0.1)
    assert s.change.after == pytest.approx(6.0, abs=0.1)
    assert s.baseline == pytest.approx(1.0, abs=0.1)
    assert not s.flat


def test_step_down_is_reported_as_down() -> None:
    s = summarize(TIMES, [3.0] * 30 + [1.0] * 31)
    assert s is not None and s.change is not None
    assert s.change.after < s.change.before
    assert "stepped down 3 -> 1" in render(s, now=NOW)


def test_ramp_that_starts_mid_window_is_dated_at_its_start() -> None:
    values = noisy([100.0 if i < 30 else 100.0 + 3 * (i - 30) for i in range(61)], 0.5)
    s = summarize(TIMES, values)
    assert s is not None and s.change is not None
    assert s.change.shape == "ramp"
    assert abs(s.change.at.timestamp() - TIMES[30]) <= 3 * 60
    assert s.slope_per_hour > 0
    assert "started to ramp up" in render(s, now=NOW)


def test_steady_trend_over_the_whole_window_has_a_slope_but_no_change_point() -> None:
    s = summarize(TIMES, noisy([100.0 + 2 * i for i in range(61)], 0.5))
    assert s is not None
    assert s.change is None
    assert s.slope_per_hour == pytest.approx(120.0, rel=0.05)
    assert not s.flat


def test_flat_series_is_called_flat_even_with_noise() -> None:
    for values in ([5.0] * 61, noisy([10.0] * 61, 0.05), noisy([10.0] * 61, 2.0), [0.0] * 61):
        s = summarize(TIMES, values)
        assert s is not None and s.flat, values[:5]
        assert render(s, now=NOW).startswith("flat at")


def test_spike_that_came_back_is_recovered_with_the_time_it_came_back() -> None:
    values = [1.0 + (9.0 if 20 <= i < 30 else 0.0) for i in range(61)]
    s = summarize(TIMES, values)
    assert s is not None and not s.flat
    assert s.peak == 10.0 and s.peak_at == datetime.fromtimestamp(TIMES[20], tz=UTC)
    assert s.recovered_at == datetime.fromtimestamp(TIMES[30], tz=UTC)
    assert "recovered" in render(s, now=NOW) and "(30m ago)" in render(s, now=NOW)


def test_sawtooth_is_not_flat() -> None:
    s = summarize(TIMES, [700.0 + (i % 20) * 10 for i in range(61)])
    assert s is not None and not s.flat


def test_sawtooth_reports_its_drops_and_the_climb_between_them() -> None:
    values = [700.0 + 10 * (i % 20) for i in range(61)]  # +10 per minute, reset every 20 minutes
    s = summarize(TIMES, values)
    assert s is not None
    assert s.drops == tuple(datetime.fromtimestamp(TIMES[i], tz=UTC) for i in (20, 40, 60))
    assert s.slope_between_drops == pytest.approx(600.0, rel=0.01)
    assert s.change is None
    assert "sharp drops at 2026-01-01T11:20:00Z" in render(s, now=NOW)


def test_gaps_and_non_finite_values_are_dropped() -> None:
    values: list[float | None] = [None, math.nan, 1.0, 1.0, math.inf, 1.0, 5.0, 5.0, 5.0, 5.0]
    s = summarize(TIMES[:10], values)
    assert s is not None and s.points == 7
    assert summarize(TIMES[:3], [None, None, math.nan]) is None


def test_short_series_get_no_change_point() -> None:
    t = np_array(TIMES[:4])
    assert find_change(t, np_array([1.0, 1.0, 9.0, 9.0])) is None


def np_array(values: list[float]) -> "np.ndarray[tuple[int], np.dtype[np.float64]]":
    return np.array(values, dtype=float)


def test_values_render_in_their_units() -> None:
    assert fmt_value(256 * 2**20, "bytes") == "256Mi"
    assert fmt_value(2**30, "bytes") == "1Gi"
    assert fmt_value(627048448, "bytes") == "598Mi"
    assert fmt_value(0.0432, "ratio") == "4.32%"
    assert fmt_value(2.31, "seconds") == "2.31s"
    assert fmt_value(6.2, "per_s") == "6.2/s"


def test_render_gives_relative_and_absolute_times() -> None:
    s = summarize(TIMES, [1.0] * 40 + [6.0] * 21)
    assert s is not None
    text = render(s, now=NOW)
    assert "changed at 2026-01-01T11:40:00Z (20m ago)" in text
    assert "baseline 1" in text and "now 6" in text
