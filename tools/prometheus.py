"""Prometheus HTTP API client: instant and range queries, series discovery, scrape-interval probing.

Plain `urllib` (no extra dependency). Every failure is translated at entry:
HTTP 401/403 -> Forbidden, 4xx/5xx -> UpstreamError with Prometheus's own
error text, no answer in `timeout_s` -> UpstreamTimeout.
"""
from __future__ import annotations

import json
import math
import socket
import statistics
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from tools.errors import Forbidden, UpstreamError, UpstreamTimeout


@dataclass(frozen=True)
class Series:
    """One result series: its labels and its points (a vector result is a one-point series)."""

    labels: dict[str, str]
    times: list[float]
    values: list[float | None]

    @property
    def last(self) -> float | None:
        vals = [v for v in self.values if v is not None]
        return vals[-1] if vals else None


def _num(text: Any) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _parse_result(data: dict[str, Any]) -> list[Series]:
    kind, result = data.get("resultType"), data.get("result") or []
    if kind == "scalar":
        return [Series({}, [float(result[0])], [_num(result[1])])]
    out = []
    for item in result:
        labels = {str(k): str(v) for k, v in (item.get("metric") or {}).items()}
        pairs = item.get("values") or ([item["value"]] if "value" in item else [])
        out.append(Series(labels, [float(p[0]) for p in pairs], [_num(p[1]) for p in pairs]))
    return out


class PromClient:
    """A thin client over /api/v1/{query,query_range,series}."""

    def __init__(self, base_url: str, *, timeout_s: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self._intervals: dict[str, float | None] = {}

    def query(self, promql: str, time: datetime | None = None) -> list[Series]:
        params = {"query": promql} | ({"time": f"{time.timestamp():.3f}"} if time else {})
        return _parse_result(self._get("/api/v1/query", params))

    def query_range(self, promql: str, start: datetime, end: datetime, step_s: float) -> list[Series]:
        params = {"query": promql, "start": f"{start.timestamp():.3f}", "end": f"{end.timestamp():.3f}",
                  "step": f"{max(step_s, 1.0):g}"}
        return _parse_result(self._get("/api/v1/query_range", params))

    def series(self, match: str, start: datetime, end: datetime) -> list[dict[str, str]]:
        """The label sets of the series a selector matches in [start, end] (no samples read)."""
        params = {"match[]": match, "start": f"{start.timestamp():.3f}", "end": f"{end.timestamp():.3f}"}
        data = self._get("/api/v1/series", params)
        return [{str(k): str(v) for k, v in item.items()} for item in data] if isinstance(data, list) else []

    def scrape_interval(self, selector: str, at: datetime) -> float | None:
        """Median spacing of raw samples of `selector` over the last 3h before `at` (None: under 2 samples)."""
        if selector not in self._intervals:
            gaps: list[float] = []
            for s in self.query(f"{selector}[3h]", at):
                gaps += [b - a for a, b in zip(s.times, s.times[1:]) if b > a]
            self._intervals[selector] = statistics.median(gaps) if gaps else None
        return self._intervals[selector]

    def _get(self, endpoint: str, params: dict[str, str]) -> Any:
        url = f"{self.base_url}{endpoint}?{urlencode(params)}"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout_s) as resp:  # noqa: S310 - URL from settings
                body = resp.read()
        except urllib.error.HTTPError as exc:
            raise _http_error(endpoint, exc) from exc
        except (TimeoutError, socket.timeout) as exc:
            raise UpstreamTimeout(f"timeout: Prometheus did not answer {endpoint} within {self.timeout_s:g}s") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                raise UpstreamTimeout(f"timeout: Prometheus did not answer {endpoint} "
                                      f"within {self.timeout_s:g}s") from exc
            raise UpstreamError(f"cannot reach Prometheus at {self.base_url}: {exc.reason}") from exc
        try:
            doc = json.loads(body)
        except ValueError as exc:
            raise UpstreamError(f"Prometheus {endpoint} sent something that is not JSON") from exc
        if doc.get("status") != "success":
            raise UpstreamError(f"Prometheus {endpoint}: {doc.get('errorType', 'error')}: {doc.get('error', '')}")
        return doc.get("data")


def _http_error(endpoint: str, exc: urllib.error.HTTPError) -> UpstreamError:
    try:
        doc = json.loads(exc.read() or b"{}")
        detail = f"{doc.get('errorType', '')}: {doc.get('error', '')}".strip(": ")
    except ValueError:
        detail = ""
    msg = f"Prometheus {endpoint} answered {exc.code}" + (f": {detail}" if detail else f" {exc.reason}")
    if exc.code in (401, 403):
        return Forbidden(msg, status=exc.code)
    if exc.code in (408, 503, 504) and "timeout" in detail.lower():
        return UpstreamTimeout(msg, status=exc.code)
    return UpstreamError(msg, status=exc.code)
