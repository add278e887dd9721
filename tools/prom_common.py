"""What the Prometheus tools share: the time window, safe selectors, rate windows, and graph-like rendering."""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field

from tools.context import ToolContext
from tools.errors import InvalidArgs, ToolError
from tools.metric_summary import Summary, fmt_value, render, summarize
from tools.models import ToolResult, ToolStatus
from tools.prometheus import PromClient, Series
from tools.timefmt import stamp

MAX_SERIES_SHOWN = 8
CHART_SERIES, CHART_POINTS = 4, 60  # changing series whose points ride along in `data` (for charts)
NAME_PATTERN = r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"


class WindowArgs(BaseModel):
    minutes: int = Field(180, ge=5, le=10080, description="how far back to look, in minutes (max 7 days)")


def escape(value: str) -> str:
    """A PromQL string literal's content."""
    return value.replace("\\", "\\\\").replace('"', '\\"')


def selector(*parts: str, **labels: str | None) -> str:
    """`namespace="prod",pod=~"x"`-style matchers; extra raw parts (already valid) first."""
    out = list(parts) + [f'{k}="{escape(v)}"' for k, v in labels.items() if v is not None]
    return ",".join(out)


def regex_matcher(label: str, pattern: str | None) -> str | None:
    """A `label=~"pattern"` matcher; the pattern is checked to compile (RE2 and Python agree on the basics)."""
    if not pattern:
        return None
    try:
        re.compile(pattern)
    except re.error as exc:
        raise InvalidArgs(f"{label} regex {pattern!r} does not compile: {exc}") from exc
    return f'{label}=~"{escape(pattern)}"'


@dataclass
class PromCall:
    """One tool call against Prometheus: the window, and every PromQL sent (the invocation)."""

    ctx: ToolContext
    minutes: int
    queries: list[str] = field(default_factory=list)

    @property
    def prom(self) -> PromClient:
        if self.ctx.prom is None:
            raise ToolError("no Prometheus is configured: set DEBUGBOT_PROMETHEUS_URL")
        return self.ctx.prom

    @property
    def end(self) -> datetime:
        return self.ctx.now()

    @property
    def start(self) -> datetime:
        return self.end - timedelta(minutes=self.minutes)

    @property
    def step_s(self) -> float:
        """About 120 points per series, in multiples of 15s."""
        return max(15.0, math.ceil(self.minutes * 60 / 120 / 15) * 15)

    @property
    def invocation(self) -> str:
        return " ; ".join(self.queries)

    def range(self, promql: str) -> list[Series]:
        self.queries.append(promql)
        return self.prom.query_range(promql, self.start, self.end, self.step_s)

    def instant(self, promql: str) -> list[Series]:
        self.queries.append(promql)
        return self.prom.query(promql, self.end)

    def rate_window(self, sel: str) -> str:
        """A rate() range of at least 3 scrape intervals (and 2m), so rate() is defined at every step."""
        interval = self.prom.scrape_interval(sel, self.end) or 60.0
        return f"{max(2, math.ceil(3 * interval / 60))}m"

    def render(self, series: list[Series], *, unit: str = "", keys: tuple[str, ...] | None = None,
               suffix: Suffix | None = None) -> tuple[list[str], list[dict[str, Any]]]:
        """`render_series` with this call's clock and window."""
        return render_series(series, now=self.end, unit=unit, keys=keys, suffix=suffix,
                             window_start=self.start if self.minutes > 0 else None)

    def header(self) -> str:
        if self.minutes <= 0:
            return f"at {stamp(self.end)}"
        return f"window {stamp(self.start)} .. {stamp(self.end)} ({self.minutes}m, step {self.step_s:g}s)"

    def result(self, lines: list[str], data: Any, *, found: bool) -> ToolResult:
        status = ToolStatus.OK if found else ToolStatus.NO_DATA
        return ToolResult(status=status, invocation=self.invocation, text="\n".join([self.header(), *lines]),
                          data=data)


def series_name(labels: dict[str, str], keys: tuple[str, ...] | None = None) -> str:
    """`pod=x container=y` (only `keys` when given; __name__ dropped)."""
    items = [(k, labels[k]) for k in (keys or tuple(sorted(labels))) if k in labels and k != "__name__"]
    return " ".join(f"{k}={v}" for k, v in items) or "(all)"


def _interest(s: Summary) -> tuple[int, float]:
    return (0 if s.flat else 1, abs(s.peak))


Suffix = Callable[[dict[str, str], Summary], str]


def render_series(series: list[Series], *, now: datetime, unit: str = "", keys: tuple[str, ...] | None = None,
                  limit: int = MAX_SERIES_SHOWN, window_start: datetime | None = None,
                  suffix: Suffix | None = None) -> tuple[list[str], list[dict[str, Any]]]:
    """One line per changing series (most interesting first, at most `limit`), then one line per flat level
    listing the series that sit there; `suffix(labels, summary)` adds per-series context (a limit, say)."""
    def extra(s: Series, sm: Summary) -> str:
        return f"; {suffix(s.labels, sm)}" if suffix is not None and suffix(s.labels, sm) else ""

    rows: list[tuple[Series, Summary]] = []
    for s in series:
        summary = summarize(s.times, s.values)
        if summary is not None:
            rows.append((s, summary))
    rows.sort(key=lambda r: _interest(r[1]), reverse=True)
    moving = [r for r in rows if not r[1].flat]
    lines = [f"  {series_name(s.labels, keys)}: {render(sm, now=now, unit=unit, window_start=window_start)}"
             f"{extra(s, sm)}" for s, sm in moving[:limit]]
    if len(moving) > limit:
        lines.append(f"  ... {len(moving) - limit} more changing series not shown")
    flat: dict[str, list[str]] = {}
    for s, sm in rows:
        if sm.flat:
            flat.setdefault(fmt_value(sm.current, unit), []).append(series_name(s.labels, keys) + extra(s, sm))
    for value, names in flat.items():
        shown = ", ".join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")
        lines.append(f"  flat at {value} (no change): {shown}")
    data = [summary_data(s.labels, sm) for s, sm in rows]
    for row, (s, _) in zip(data, moving[:CHART_SERIES]):
        row["chart"] = chart_points(s)
    return lines, data


def chart_points(s: Series, limit: int = CHART_POINTS) -> list[list[float | None]]:
    """The series thinned to at most `limit` [unix time, value] pairs (4 significant digits), for a chart."""
    every = max(1, math.ceil(len(s.times) / limit))
    return [[int(t), None if v is None else float(f"{v:.4g}")] for t, v in zip(s.times[::every], s.values[::every])]


def summary_data(labels: dict[str, str], s: Summary) -> dict[str, Any]:
    """The structured form of one series' summary, for analyzers."""
    change = None if s.change is None else {"at": stamp(s.change.at), "before": s.change.before,
                                            "after": s.change.after, "shape": s.change.shape}
    return {"labels": labels, "points": s.points, "baseline": s.baseline, "peak": s.peak,
            "peak_at": stamp(s.peak_at), "low": s.low, "current": s.current, "change": change,
            "slope_per_hour": s.slope_per_hour, "flat": s.flat,
            "recovered_at": stamp(s.recovered_at) if s.recovered_at else None,
            "drops": len(s.drops), "climb_per_hour": s.slope_between_drops, "level_slope_per_hour": s.level_slope,
            "hours": round((s.end - s.start).total_seconds() / 3600.0, 3)}


def last_values(series: list[Series], keys: tuple[str, ...]) -> dict[tuple[str, ...], float]:
    """The last value of each series, keyed by the given labels."""
    out: dict[tuple[str, ...], float] = {}
    for s in series:
        if s.last is not None:
            out[tuple(s.labels.get(k, "") for k in keys)] = s.last
    return out


def pct(value: float, of: float) -> str:
    return f"{100 * value / of:.0f}%" if of else "?"


__all__ = ["WindowArgs", "PromCall", "selector", "regex_matcher", "render_series", "series_name",
           "last_values", "fmt_value", "pct", "NAME_PATTERN", "summary_data"]
