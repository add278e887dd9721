"""The sandbox's Jaeger query HTTP API: services, operations, trace search, trace by id, dependencies."""
from __future__ import annotations

import json
import re
from urllib.parse import unquote
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sandbox.series import WorldLike, to_ms
from sandbox.traces import Trace, normalise_trace_id, trace_json, traces_for

Params = Mapping[str, Sequence[str]]
Response = tuple[int, dict[str, Any]]
DEFAULT_LIMIT = 100
DEFAULT_LOOKBACK_US = 2 * 24 * 3600 * 1_000_000  # Jaeger query's default search window: 2 days
DEFAULT_DEPENDENCY_LOOKBACK_MS = 24 * 3600 * 1000
_GO_UNITS_US = {"ns": 0.001, "us": 1.0, "µs": 1.0, "μs": 1.0, "ms": 1000.0, "s": 1e6, "m": 6e7, "h": 3.6e9}
_GO_PART = re.compile(r"(\d*\.?\d*)([^\d.]*)")
_OPERATIONS = re.compile(r"^/api/services/([^/]+)/operations$")
_TRACE = re.compile(r"^/api/traces/([^/]+)$")


class JaegerError(Exception):
    def __init__(self, code: int, msg: str) -> None:
        super().__init__(msg)
        self.code, self.msg = code, msg


def body(data: Any, *, total: int = 0) -> dict[str, Any]:
    return {"data": data, "total": total, "limit": 0, "offset": 0, "errors": None}


def error(code: int, msg: str) -> Response:
    return code, {"data": None, "total": 0, "limit": 0, "offset": 0, "errors": [{"code": code, "msg": msg}]}


def parse_go_duration(text: str) -> int:
    """Go's time.ParseDuration ("1.2s", "500ms", "1m30s"), in microseconds."""
    raw, value, sign = text, text, 1
    if value[:1] in "+-" and value:
        sign, value = (-1 if value[0] == "-" else 1), value[1:]
    if value == "0":
        return 0
    if not value:
        raise ValueError(f'time: invalid duration "{raw}"')
    total, pos = 0.0, 0
    while pos < len(value):
        match = _GO_PART.match(value, pos)
        number, unit = (match.group(1), match.group(2)) if match else ("", "")
        if number in ("", "."):
            raise ValueError(f'time: invalid duration "{raw}"')
        if not unit:
            raise ValueError(f'time: missing unit in duration "{raw}"')
        if unit not in _GO_UNITS_US:
            raise ValueError(f'time: unknown unit "{unit}" in duration "{raw}"')
        total += float(number) * _GO_UNITS_US[unit]
        pos = match.end() if match else len(value)
    return sign * round(total)


@dataclass
class Query:
    """TraceQueryParameters: every condition must hold for one span of a matching trace."""

    service: str
    operation: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    start_us: int = 0
    end_us: int = 0
    min_us: int = 0
    max_us: int = 0
    limit: int = DEFAULT_LIMIT

    def matches(self, trace: Trace) -> bool:
        return any(
            span.service == self.service
            and (not self.operation or span.operation == self.operation)
            and (not self.min_us or span.duration_us >= self.min_us)
            and (not self.max_us or span.duration_us <= self.max_us)
            and self.start_us <= span.start_us <= self.end_us
            and all(value in span.tag_text(key) for key, value in self.tags.items())
            for span in trace.spans)


def _one(params: Params, name: str) -> str:
    values = params.get(name)
    return values[0] if values else ""


def _int_param(params: Params, name: str, default: int, *, wrap: bool = True) -> int:
    """strconv.ParseInt of one parameter; Jaeger wraps the error for times but not for `limit`."""
    text = _one(params, name)
    if text == "":
        return default
    try:
        return int(text, 10)
    except ValueError:
        msg = f'strconv.ParseInt: parsing "{text}": invalid syntax'
        raise JaegerError(400, f"unable to parse param '{name}': {msg}" if wrap else msg) from None


def _duration_param(params: Params, name: str) -> int:
    text = _one(params, name)
    if text == "":
        return 0
    try:
        return parse_go_duration(text)
    except ValueError as exc:
        raise JaegerError(400, f"unable to parse param '{name}': {exc}") from None


def parse_tags(params: Params) -> dict[str, str]:
    """`tag=key:value` (repeatable) and `tags={"key":"value"}` (a JSON object of strings), as Jaeger reads them."""
    tags: dict[str, str] = {}
    for tag in params.get("tag") or []:
        parts = tag.split(":")
        if len(parts) <= 1:
            raise JaegerError(400, f"malformed 'tag' parameter, expecting key:value, received: {tag}")
        tags[parts[0]] = ":".join(parts[1:])
    for text in params.get("tags") or []:
        try:
            parsed = json.loads(text)
        except ValueError as exc:
            raise JaegerError(400, f"malformed 'tags' parameter, cannot unmarshal JSON: {exc}") from None
        if not isinstance(parsed, dict) or not all(isinstance(v, str) for v in parsed.values()):
            raise JaegerError(400, "malformed 'tags' parameter, cannot unmarshal JSON: "
                                   "json: cannot unmarshal into Go value of type map[string]string")
        tags.update(parsed)
    return tags


def parse_query(params: Params, now_us: int) -> Query:
    service = _one(params, "service")
    if not service:
        raise JaegerError(400, "parameter 'service' is required")
    query = Query(service=service, operation=_one(params, "operation"), tags=parse_tags(params),
                  start_us=_int_param(params, "start", now_us - DEFAULT_LOOKBACK_US),
                  end_us=_int_param(params, "end", now_us),
                  min_us=_duration_param(params, "minDuration"), max_us=_duration_param(params, "maxDuration"),
                  limit=_int_param(params, "limit", DEFAULT_LIMIT, wrap=False))
    if query.min_us and query.max_us and query.max_us < query.min_us:
        raise JaegerError(400, "'maxDuration' should be greater than 'minDuration'")
    return query


def _search(params: Params, world: WorldLike) -> Response:
    traces = traces_for(world)
    wanted = [_trace_id_param(t) for t in params.get("traceID") or []]
    if wanted:
        found = [t for t in traces if t.trace_id in wanted]
        return 200, body([trace_json(t) for t in found])
    query = parse_query(params, to_ms(world.now) * 1000)
    hits = sorted((t for t in traces if query.matches(t)), key=lambda t: t.start_us, reverse=True)
    return 200, body([trace_json(t) for t in (hits[:query.limit] if query.limit > 0 else hits)])


def _trace_id_param(text: str) -> str:
    wanted = normalise_trace_id(text)
    if wanted is None:
        raise JaegerError(400, f'cannot parse traceID param: strconv.ParseUint: parsing "{text}": invalid syntax')
    return wanted


def _trace(trace_id: str, world: WorldLike) -> Response:
    wanted = normalise_trace_id(trace_id)
    if wanted is None:
        raise JaegerError(400, f'strconv.ParseUint: parsing "{trace_id}": invalid syntax')
    for trace in traces_for(world):
        if trace.trace_id == wanted:
            return 200, body([trace_json(trace)], total=1)
    raise JaegerError(404, "trace not found")


def _services(params: Params, world: WorldLike) -> Response:
    names = sorted({s.service for t in traces_for(world) for s in t.spans})
    return 200, body(names, total=len(names))


def _operation_names(service: str, world: WorldLike) -> list[str]:
    return sorted({s.operation for t in traces_for(world) for s in t.spans if s.service == service})


def _operations(params: Params, world: WorldLike) -> Response:
    service = _one(params, "service")
    if not service:
        raise JaegerError(400, "parameter 'service' is required")
    ops = [{"name": name, "spanKind": ""} for name in _operation_names(service, world)]
    return 200, body(ops, total=len(ops))


def _dependencies(params: Params, world: WorldLike) -> Response:
    """Service call counts in [endTs - lookback, endTs] (ms): a span whose parent is another service's is a call."""
    end_ms = _int_param(params, "endTs", to_ms(world.now))
    start_ms = end_ms - _int_param(params, "lookback", DEFAULT_DEPENDENCY_LOOKBACK_MS)
    calls: Counter[tuple[str, str]] = Counter()
    for trace in traces_for(world):
        by_id = {s.span_id: s for s in trace.spans}
        for span in trace.spans:
            parent = by_id.get(span.parent_id or "")
            inside = start_ms * 1000 <= span.start_us <= end_ms * 1000
            if inside and parent is not None and parent.service != span.service:
                calls[(parent.service, span.service)] += 1
    data = [{"parent": p, "child": c, "callCount": n} for (p, c), n in sorted(calls.items())]
    return 200, body(data)


ROUTES: dict[str, Callable[[Params, WorldLike], Response]] = {
    "/api/services": _services, "/api/operations": _operations, "/api/traces": _search,
    "/api/dependencies": _dependencies,
}


def handle(method: str, path: str, params: Params, world: WorldLike) -> Response:
    """Answer one request under /jaeger/ (path relative to it) as Jaeger's query service would."""
    if method.upper() != "GET":
        return error(405, f"method {method} not allowed")
    path = path.rstrip("/") or "/"
    try:
        if path in ROUTES:
            return ROUTES[path](params, world)
        if (ops := _OPERATIONS.match(path)) is not None:
            names = _operation_names(unquote(ops.group(1)), world)
            return 200, body(names, total=len(names))
        if (trace := _TRACE.match(path)) is not None:
            return _trace(unquote(trace.group(1)), world)
    except JaegerError as exc:
        return error(exc.code, exc.msg)
    return error(404, f"404 page not found: {path}")
