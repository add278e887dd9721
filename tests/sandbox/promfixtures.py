"""Test helpers for the Prometheus/Jaeger sandbox: stand-in worlds, OpenMetrics export, a real Prometheus."""
from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import tempfile
import threading
import time
import types
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from sandbox.series import METRIC_NAME, Labels, build_store, parse_rfc3339, to_ms
from tests.conftest import free_port


def make_world(*, now: datetime | str, metrics: list[dict[str, Any]] | None = None,
               traces: list[dict[str, Any]] | None = None) -> types.SimpleNamespace:
    """A stand-in for the sandbox World with the attributes prom_api/jaeger_api read."""
    moment = parse_rfc3339(now) if isinstance(now, str) else now
    return types.SimpleNamespace(now=moment, metrics=list(metrics or []), traces=list(traces or []),
                                 version=1, lock=threading.RLock())


def world_from_scenario(path: Path) -> types.SimpleNamespace:
    doc = yaml.safe_load(path.read_text())
    now = doc["now"]
    return make_world(now=now if isinstance(now, datetime) else str(now),
                      metrics=doc.get("metrics") or [], traces=doc.get("traces") or [])


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _om_value(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(value)


def _rows(worlds: Iterable[tuple[Any, int]]) -> Iterable[tuple[str, Labels, int, float]]:
    for world, shift in worlds:
        for series in build_store(world.metrics, world.now).series:
            name = dict(series.labels)[METRIC_NAME]
            rest = tuple(p for p in series.labels if p[0] != METRIC_NAME)
            yield from ((name, rest, t + shift, v) for t, v in zip(series.ts, series.vals))


def _render(rows: list[tuple[str, Labels, int, float]]) -> str:
    """One OpenMetrics text: families contiguous (OpenMetrics requires it), typed `unknown`, then # EOF."""
    lines, family = [], None
    for name, labels, ts, value in sorted(rows, key=lambda r: (r[0], r[1], r[2])):
        if name != family:
            lines.append(f"# TYPE {name} unknown")
            family = name
        inner = ",".join(f'{k}="{_escape(v)}"' for k, v in labels)
        body = f"{name}{{{inner}}}" if inner else name
        lines.append(f"{body} {_om_value(value)} {ts / 1000:.3f}")
    lines.append("# EOF")
    return "\n".join(lines) + "\n"


def openmetrics(worlds: Iterable[tuple[Any, int]]) -> str:
    """Series of several worlds as one OpenMetrics text, each world shifted by its offset (ms)."""
    return _render(list(_rows(worlds)))


class RealPrometheus:
    """A real prometheus 2.x on loopback, serving blocks that promtool built from OpenMetrics texts.

    promtool re-reads its whole input for every 2h block it writes, so each text (one per world)
    gets its own promtool run, in parallel; the blocks are then gathered into one TSDB directory.
    """

    def __init__(self, texts: Iterable[str]) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="debugbot-prom-"))
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.inputs = []
        for i, text in enumerate(texts):
            path = self.dir / f"data-{i}.om"
            path.write_text(text)
            self.inputs.append(path)
        (self.dir / "prometheus.yml").write_text("global: {}\nscrape_configs: []\n")

    def _build_blocks(self, tsdb: Path) -> None:
        def run(src: Path) -> Path:
            out = self.dir / f"blocks-{src.stem}"
            subprocess.run(["promtool", "tsdb", "create-blocks-from", "openmetrics", "-q", str(src), str(out)],
                           check=True, capture_output=True, timeout=300)
            return out
        tsdb.mkdir()
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 4) as pool:
            for out in pool.map(run, self.inputs):
                for block in out.iterdir():
                    block.rename(tsdb / block.name)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        tsdb = self.dir / "tsdb"
        self._build_blocks(tsdb)
        log = (self.dir / "prometheus.log").open("wb")
        self.proc = subprocess.Popen(
            ["prometheus", f"--config.file={self.dir / 'prometheus.yml'}", f"--storage.tsdb.path={tsdb}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--storage.tsdb.retention.time=100y"],
            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/-/ready", timeout=1) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        raise RuntimeError(f"prometheus did not become ready: {(self.dir / 'prometheus.log').read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
            self.proc = None
        shutil.rmtree(self.dir, ignore_errors=True)

    def get(self, path: str, params: Mapping[str, str]) -> dict[str, Any]:
        url = f"{self.url}{path}?{urllib.parse.urlencode(params)}"
        try:
            with urllib.request.urlopen(url, timeout=30) as resp:
                return json.loads(resp.read())  # type: ignore[no-any-return]
        except urllib.error.HTTPError as exc:
            return json.loads(exc.read())  # type: ignore[no-any-return]


def seconds(ms: int) -> str:
    return f"{ms / 1000:.3f}"


HOUR_MS = 3_600_000


def pack_shifts(worlds: Iterable[Any], *, gap_ms: int = 24 * HOUR_MS) -> list[int]:
    """Shifts (whole hours, so subquery steps stay aligned) that lay worlds end to end in one TSDB.

    Each world's samples start a day after the previous world's last sample, so no query's lookback
    reaches another world, and the TSDB spans as few 2h blocks as possible (promtool and prometheus
    both slow down with the span).
    """
    shifts: list[int] = []
    cursor = 0
    for world in worlds:
        times = [t for s in build_store(world.metrics, world.now).series for t in s.ts] or [to_ms(world.now)]
        first, last = min(times), max(max(times), to_ms(world.now))
        shift = -((-(cursor + gap_ms - first)) // HOUR_MS) * HOUR_MS if shifts else 0
        shifts.append(shift)
        cursor = last + shift
    return shifts


def _close(a: str, b: str, rel: float = 1e-6) -> bool:
    x, y = float(a), float(b)
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    if math.isinf(x) or math.isinf(y):
        return x == y
    return abs(x - y) <= rel * max(abs(x), abs(y)) or abs(x - y) < 1e-12


def _key(metric: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(metric.items()))


def _points(values: list[list[Any]], shift_ms: int) -> list[tuple[int, str]]:
    return [(round(float(t) * 1000) - shift_ms, v) for t, v in values]


def _compare_matrix(ours: list[dict[str, Any]], theirs: list[dict[str, Any]], shift_ms: int) -> str | None:
    mine = {_key(s["metric"]): _points(s["values"], 0) for s in ours}
    real = {_key(s["metric"]): _points(s["values"], shift_ms) for s in theirs}
    if set(mine) != set(real):
        return f"label sets differ: only ours {sorted(set(mine) - set(real))[:3]}, only real {sorted(set(real) - set(mine))[:3]}"
    for key, points in real.items():
        if [t for t, _ in points] != [t for t, _ in mine[key]]:
            return f"timestamps differ for {dict(key)}"
        bad = [(t, a, b) for (t, a), (_, b) in zip(mine[key], points) if not _close(a, b)]
        if bad:
            return f"values differ for {dict(key)}: ours/real {bad[:3]}"
    return None


def compare(ours: Mapping[str, Any], theirs: Mapping[str, Any], shift_ms: int) -> str | None:
    """None when our answer matches the real Prometheus's (values within 1e-6 relative), else why not."""
    if theirs["status"] != "success" or ours["status"] != "success":
        if theirs["status"] == ours["status"] and theirs.get("errorType") == ours.get("errorType"):
            return None
        return f"status ours={ours.get('status')} {ours.get('error', '')} real={theirs.get('status')} {theirs.get('error', '')}"
    mine, real = ours["data"], theirs["data"]
    if mine["resultType"] != real["resultType"]:
        return f"resultType ours={mine['resultType']} real={real['resultType']}"
    if real["resultType"] == "matrix":
        return _compare_matrix(mine["result"], real["result"], shift_ms)
    if real["resultType"] in ("scalar", "string"):
        (t1, a), (t2, b) = mine["result"], real["result"]
        ok = round(float(t2) * 1000) - shift_ms == round(float(t1) * 1000) and _close(a, b)
        return None if ok else f"scalar ours={mine['result']} real={real['result']}"
    as_matrix = [[{"metric": s["metric"], "values": [s["value"]]} for s in side] for side in (mine["result"], real["result"])]
    return _compare_matrix(as_matrix[0], as_matrix[1], shift_ms)
