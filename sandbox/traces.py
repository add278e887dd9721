"""Scenario traces expanded (repeat/every/at, derived ids) into spans, and Jaeger's JSON model of a trace."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sandbox.series import WorldLike, parse_duration_ms, per_version, resolve_ms, to_ms

DEFAULT_EVERY_MS = 10_000  # copies of a repeated trace without `every` start 10 s apart


@dataclass(frozen=True)
class Span:
    trace_id: str
    span_id: str
    parent_id: str | None
    service: str
    operation: str
    start_us: int
    duration_us: int
    tags: tuple[tuple[str, Any], ...]
    warnings: tuple[str, ...] = ()

    def tag_text(self, key: str) -> list[str]:
        """The tag's values as Jaeger compares them in a search (AsString)."""
        return [tag_string(v) for k, v in self.tags if k == key]


@dataclass(frozen=True)
class Trace:
    trace_id: str
    spans: tuple[Span, ...]

    @property
    def start_us(self) -> int:
        return min(s.start_us for s in self.spans)

    @property
    def services(self) -> list[str]:
        return list(dict.fromkeys(s.service for s in self.spans))


def normalise_trace_id(text: str) -> str | None:
    """Jaeger's TraceID.String(): hex without leading zeros in the high half; None if not an id."""
    value = text.strip().lower()
    if not value or len(value) > 32 or any(c not in "0123456789abcdef" for c in value):
        return None
    number = int(value, 16)
    high, low = number >> 64, number & (2**64 - 1)
    return f"{low:x}" if high == 0 else f"{high:x}{low:016x}"


def _digest(text: str, chars: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:chars]


def copy_trace_id(base: str, index: int) -> str:
    """Copy 0 keeps the scenario's id (hashed if it is not hex); copy i gets a stable derived id."""
    if index == 0:
        own = normalise_trace_id(base)
        if own is not None:
            return own
    derived = normalise_trace_id(_digest(f"{base}/{index}", 32))
    assert derived is not None
    return derived


def span_id_for(trace_id: str, label: str) -> str:
    """A 16-hex span id derived from the trace and the scenario's span label (a1, f2, ...)."""
    return _digest(f"{trace_id}/{label}", 16)


def tag_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(value, ".10g")  # Go: strconv.FormatFloat(v, 'g', 10, 64)
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _tags(raw: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    tags = [(str(k), v) for k, v in (raw.get("tags") or {}).items()]
    if raw.get("kind") and not any(k == "span.kind" for k, _ in tags):
        tags.append(("span.kind", str(raw["kind"])))
    if raw.get("error") and not any(k == "error" for k, _ in tags):
        tags.append(("error", True))
    return tuple(tags)


def _spans(raw: Mapping[str, Any], trace_id: str, start_ms: float) -> tuple[Span, ...]:
    labels = {str(s.get("span_id")) for s in raw.get("spans") or []}
    out = []
    for span in raw.get("spans") or []:
        label, parent = str(span.get("span_id")), span.get("parent")
        known = parent is not None and str(parent) in labels
        warnings = () if parent is None or known else (f"invalid parent span IDs={parent}; skipping clock skew adjustment",)
        out.append(Span(
            trace_id=trace_id, span_id=span_id_for(trace_id, label),
            parent_id=span_id_for(trace_id, str(parent)) if known else None,
            service=str(span.get("service", "unknown")), operation=str(span.get("operation", "")),
            start_us=round((start_ms + float(span.get("offset_ms", 0))) * 1000),
            duration_us=round(float(span.get("duration_ms", 0)) * 1000), tags=_tags(span), warnings=warnings))
    return tuple(out)


def expand(raw_traces: Iterable[Mapping[str, Any]], now: datetime) -> list[Trace]:
    """Every copy of every scenario trace, with its own id and start time."""
    now_ms = to_ms(now)
    out = []
    for raw in raw_traces:
        base = str(raw.get("trace_id", ""))
        spans = raw.get("spans") or []
        extent = max((float(s.get("offset_ms", 0)) + float(s.get("duration_ms", 0)) for s in spans), default=0.0)
        first = resolve_ms(raw["at"], now_ms) if raw.get("at") is not None else now_ms - extent
        every = parse_duration_ms(str(raw["every"])) if raw.get("every") is not None else DEFAULT_EVERY_MS
        for index in range(max(1, int(raw.get("repeat") or 1))):
            trace_id = copy_trace_id(base, index)
            out.append(Trace(trace_id, _spans(raw, trace_id, first + index * every)))
    return out


def traces_for(world: WorldLike) -> list[Trace]:
    """The world's traces, expanded once per world version."""
    return per_version(world, "traces", lambda w: expand(list(w.traces), w.now))


def _tag_json(key: str, value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"key": key, "type": "bool", "value": value}
    if isinstance(value, int):
        return {"key": key, "type": "int64", "value": value}
    if isinstance(value, float):
        return {"key": key, "type": "float64", "value": value}
    return {"key": key, "type": "string", "value": tag_string(value)}


def trace_json(trace: Trace) -> dict[str, Any]:
    """The trace in the shape Jaeger's query service returns (its UI model)."""
    processes = {service: f"p{i}" for i, service in enumerate(trace.services, start=1)}
    spans = [{
        "traceID": span.trace_id, "spanID": span.span_id, "flags": 1, "operationName": span.operation,
        "references": ([{"refType": "CHILD_OF", "traceID": span.trace_id, "spanID": span.parent_id}]
                       if span.parent_id else []),
        "startTime": span.start_us, "duration": span.duration_us,
        "tags": [_tag_json(k, v) for k, v in span.tags], "logs": [],
        "processID": processes[span.service], "warnings": list(span.warnings) or None,
    } for span in trace.spans]
    return {"traceID": trace.trace_id, "spans": spans,
            "processes": {pid: {"serviceName": service, "tags": []} for service, pid in processes.items()},
            "warnings": None}
