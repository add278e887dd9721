"""The metric chart renderer: a real PNG, with the change point and the rollout drawn where they happened."""
from __future__ import annotations

import io
import struct

import numpy as np
from matplotlib.image import imread

from bot.charts import PNG_MAGIC, ChartLine, MetricChart, render_png

T0 = 1_795_528_800.0  # 2026-11-24T14:00:00Z


def _chart(**kw: object) -> MetricChart:
    points: list[tuple[float, float | None]] = [(T0 + 60 * i, 0.001 if i < 30 else 0.4) for i in range(60)]
    points[10] = (points[10][0], None)  # a scrape gap
    return MetricChart(title="error_rate (ratio_5xx) of payment", lines=[ChartLine("5xx share", points)],
                       unit="ratio", **kw)  # type: ignore[arg-type]


def _pixels(png: bytes, rgb: tuple[int, int, int], tol: int = 40) -> int:
    """How many pixels are close to one colour."""
    img = (imread(io.BytesIO(png), format="png")[:, :, :3] * 255).astype(int)
    return int(np.sum(np.all(np.abs(img - np.array(rgb)) < tol, axis=2)))


def test_a_chart_is_a_png_of_the_requested_size_with_the_series_drawn() -> None:
    png = render_png(_chart(), width_in=8, height_in=3.6, dpi=100)

    assert png.startswith(PNG_MAGIC) and len(png) > 10_000
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert (width, height) == (800, 360)
    assert _pixels(png, (31, 119, 180)) > 300  # matplotlib's first line colour, tab:blue


def test_the_change_point_and_the_rollout_are_drawn_only_when_known() -> None:
    bare = render_png(_chart())
    marked = render_png(_chart(change_at=T0 + 30 * 60, rollout_at=T0 + 28 * 60))

    assert _pixels(bare, (214, 39, 40)) == 0 and _pixels(bare, (148, 103, 189)) == 0
    assert _pixels(marked, (214, 39, 40)) > 100  # tab:red, the change point
    assert _pixels(marked, (148, 103, 189)) > 50  # tab:purple, the rollout


def test_the_change_point_is_drawn_at_its_time_on_the_axis() -> None:
    early = imread(io.BytesIO(render_png(_chart(change_at=T0 + 5 * 60))), format="png")
    late = imread(io.BytesIO(render_png(_chart(change_at=T0 + 55 * 60))), format="png")

    def red_column(img: np.ndarray) -> float:
        rgb = (img[:, :, :3] * 255).astype(int)
        cols = np.where(np.all(np.abs(rgb - np.array((214, 39, 40))) < 40, axis=2))[1]
        return float(np.median(cols))

    assert red_column(early) < red_column(late) - 300
