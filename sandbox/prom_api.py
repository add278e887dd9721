"""The sandbox's Prometheus HTTP API (/api/v1/query, query_range, series, labels, label values, buildinfo)."""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any

import promql_parser as pp

from sandbox.promql import instant_query, range_query
from sandbox.promql_ast import Selector, parse
from sandbox.promql_values import PromQLError
from sandbox.series import Series, WorldLike, parse_rfc3339, store_for, to_ms

Params = Mapping[str, Sequence[str]]
Response = tuple[int, dict[str, Any]]
MIN_MS, MAX_MS = -(2**63) // 1000, (2**63 - 1) // 1000
BUILD_INFO = {"version": "2.42.0", "revision": "debugbot-sandbox", "branch": "HEAD", "buildUser": "debugbot",
              "buildDate": "20230201-00:00:00", "goVersion": "go1.19.5"}
_LABEL_VALUES = re.compile(r"^/api/v1/label/([^/]+)/values$")
_LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


class BadParam(PromQLError):
    """A request parameter Prometheus would refuse (bad_data, 400)."""


def _one(params: Params, name: str) -> str | None:
    values = params.get(name)
    return values[0] if values else None


def parse_time_param(params: Params, name: str, default: int | None = None) -> int:
    """Prometheus's parseTime: unix seconds (ms precision) or RFC 3339, in ms."""
    text = _one(params, name)
    if text is None or text == "":
        if default is not None:
            return default
        raise BadParam(f'invalid parameter "{name}": cannot parse "" to a valid timestamp')
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not math.isnan(seconds) and not math.isinf(seconds):
        whole = math.trunc(seconds)
        return whole * 1000 + round((seconds - whole) * 1000)
    try:
        return to_ms(parse_rfc3339(text))
    except ValueError:
        raise BadParam(f'invalid parameter "{name}": cannot parse "{text}" to a valid timestamp') from None


def parse_step_param(params: Params, name: str = "step") -> int:
    """Prometheus's parseDuration: float seconds or a duration such as 1m or 1h30m, in ms."""
    text = _one(params, name) or ""
    try:
        seconds = float(text)
        if math.isnan(seconds) or math.isinf(seconds):
            raise ValueError(text)
        return int(seconds * 1000)
    except ValueError:
        pass
    try:
        return int(pp.parse_duration(text) / timedelta(milliseconds=1))
    except (ValueError, OverflowError):
        raise BadParam(f'invalid parameter "{name}": cannot parse "{text}" to a valid duration') from None


def _query(params: Params, world: WorldLike) -> dict[str, Any]:
    ts = parse_time_param(params, "time", default=to_ms(world.now))
    return instant_query(store_for(world), _one(params, "query") or "", ts)


def _query_range(params: Params, world: WorldLike) -> dict[str, Any]:
    start = parse_time_param(params, "start")
    end = parse_time_param(params, "end")
    step = parse_step_param(params)
    return range_query(store_for(world), _one(params, "query") or "", start_ms=start, end_ms=end, step_ms=step)


def _matched_series(params: Params, world: WorldLike, *, required: bool) -> list[Series]:
    """Series with a sample in [start, end] that any match[] selector selects (all when none given)."""
    start = parse_time_param(params, "start", default=MIN_MS)
    end = parse_time_param(params, "end", default=MAX_MS)
    selectors = list(params.get("match[]") or [])
    if required and not selectors:
        raise BadParam("no match[] parameter provided")
    store = store_for(world)
    chosen: dict[int, Series] = {}
    for text in selectors:
        node = parse(text)
        if not isinstance(node, Selector):
            raise BadParam(f'invalid parameter "match[]": {text!r} is not a series selector')
        chosen.update((id(s), s) for s in store.select(node.matchers))
    candidates = chosen.values() if selectors else store.series
    return sorted((s for s in candidates if s.window(start, end)[0]), key=lambda s: s.labels)


def _series(params: Params, world: WorldLike) -> list[dict[str, str]]:
    return [dict(s.labels) for s in _matched_series(params, world, required=True)]


def _labels(params: Params, world: WorldLike) -> list[str]:
    return sorted({name for s in _matched_series(params, world, required=False) for name, _ in s.labels})


def _label_values(name: str, params: Params, world: WorldLike) -> list[str]:
    if not _LABEL_NAME.match(name):
        raise BadParam(f'invalid label name: "{name}"')
    values = {s.get(name) for s in _matched_series(params, world, required=False)}
    return sorted(v for v in values if v)


ROUTES: dict[str, Callable[[Params, WorldLike], Any]] = {
    "/api/v1/query": _query,
    "/api/v1/query_range": _query_range,
    "/api/v1/series": _series,
    "/api/v1/labels": _labels,
    "/api/v1/status/buildinfo": lambda params, world: dict(BUILD_INFO),
    "/api/v1/metadata": lambda params, world: {},
}


def error(status: int, error_type: str, message: str) -> Response:
    return status, {"status": "error", "errorType": error_type, "error": message}


def handle(method: str, path: str, params: Params, world: WorldLike) -> Response:
    """Answer one request under /prometheus/ (path relative to it) as Prometheus would."""
    if method.upper() not in ("GET", "POST"):
        return error(405, "bad_data", f"method {method} not allowed")
    route = ROUTES.get(path.rstrip("/") or "/")
    label = _LABEL_VALUES.match(path)
    if route is None and label is None:
        return error(404, "not_found", f"unknown path {path}")
    try:
        data = route(params, world) if route is not None else _label_values(label.group(1), params, world)  # type: ignore[union-attr]
    except PromQLError as exc:
        return error(exc.status, exc.error_type, str(exc))
    return 200, {"status": "success", "data": data}
