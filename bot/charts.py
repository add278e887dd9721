"""Metric charts for the thread: a PNG of the series a tool fetched, with the change point and the rollout marked."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, datetime

import matplotlib

matplotlib.use("Agg")  # no display; set before anything imports pyplot (this module never does)

from matplotlib.dates import DateFormatter, date2num  # noqa: E402 - after the backend is chosen
from matplotlib.figure import Figure  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
UNIT_SCALE = {"ratio": (100.0, "%"), "bytes": (1 / 2**20, "MiB"), "seconds": (1000.0, "ms"), "per_s": (1.0, "/s")}


@dataclass
class ChartLine:
    """One series: a legend label and its [unix time, value] points (None is a gap)."""

    label: str
    points: list[tuple[float, float | None]]


@dataclass
class MetricChart:
    """What one chart shows; `change_at` and `rollout_at` are unix times, drawn as vertical markers."""

    title: str
    lines: list[ChartLine]
    unit: str = ""  # ratio, bytes, seconds, per_s or ""
    change_at: float | None = None
    rollout_at: float | None = None
    rollout_label: str = "rollout"
    caption: str = ""  # e.g. the PromQL, printed small under the plot
    markers: list[tuple[float, str]] = field(default_factory=list)  # any other (time, label) to mark


def _when(t: float) -> datetime:
    return datetime.fromtimestamp(t, tz=UTC)


def _x(t: float) -> float:
    """matplotlib's date number of a unix time."""
    return float(date2num(_when(t)))  # type: ignore[no-untyped-call]


def render_png(chart: MetricChart, *, width_in: float = 8.0, height_in: float = 3.6, dpi: int = 110) -> bytes:
    """The chart as PNG bytes (matplotlib's object API, so it is safe off the main thread)."""
    scale, unit = UNIT_SCALE.get(chart.unit, (1.0, chart.unit))
    fig = Figure(figsize=(width_in, height_in), dpi=dpi)
    ax = fig.add_subplot(1, 1, 1)
    for line in chart.lines:
        xs = [_x(t) for t, _ in line.points]
        ys = [float("nan") if v is None else v * scale for _, v in line.points]
        ax.plot(xs, ys, linewidth=1.6, label=line.label)
    marks = [(chart.change_at, "change point", "tab:red", "--"), (chart.rollout_at, chart.rollout_label, "tab:purple", ":")]
    marks += [(t, label, "tab:gray", "-.") for t, label in chart.markers]
    for at, label, color, style in marks:
        if at is not None:
            ax.axvline(_x(at), color=color, linestyle=style, linewidth=1.4,
                       label=f"{label} {_when(at):%H:%M}Z")
    ax.set_title(chart.title, fontsize=10)
    ax.set_ylabel(unit)
    ax.grid(True, alpha=0.3)
    ax.xaxis_date(tz=UTC)  # date-aware ticks at round minutes
    ax.xaxis.set_major_formatter(DateFormatter("%H:%M", tz=UTC))  # type: ignore[no-untyped-call]
    ax.legend(fontsize=7, loc="best")
    if chart.caption:
        fig.text(0.01, 0.01, chart.caption[:160], fontsize=6, color="dimgray")
    fig.tight_layout(rect=(0, 0.04 if chart.caption else 0, 1, 1))
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
