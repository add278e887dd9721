"""Trace read tools over a Jaeger-compatible query API: services, trace search with a summary, one trace as a tree.

Each tool returns one envelope whose `invocation` is the exact request path
and query string (rerunnable with curl against the configured URL). Upstream
failures (down, 5xx, timeout) come back as error results; a deployment with
no tracing configured gets an error result naming DEBUGBOT_JAEGER_URL.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tools.context import ToolContext
from tools.errors import NotFound, ToolError
from tools.jaeger import JaegerClient, Span, parse_trace, parse_traces
from tools.models import ToolResult, ToolStatus
from tools.redact import redact, redact_obj
from tools.trace_findings import trace_findings
from tools.trace_render import render_summary, render_tree
from tools.trace_summary import path_entry, summarize_spans
from tools.trace_tree import build_view

__all__ = ["TRACE_TOOLS", "FindTracesArgs", "GetTraceArgs", "TraceServicesArgs", "find_traces", "get_trace",
           "trace_findings", "trace_services"]

NOT_CONFIGURED = ("tracing is not configured: set DEBUGBOT_JAEGER_URL to a Jaeger-compatible query URL "
                  "(Jaeger query, or Grafana Tempo's Jaeger endpoint)")
_NAME = r"^[^\x00-\x1f]{1,200}$"


class TraceServicesArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FindTracesArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    service: str = Field(pattern=_NAME, description="service name as the tracer reports it, e.g. payment")
    operation: str | None = Field(None, pattern=_NAME,
                                  description="only spans of this operation, e.g. 'POST /v1/charges'")
    minutes: int = Field(30, ge=1, le=10080, description="window ending now, in minutes")
    errors_only: bool = Field(False, description="only traces where a span of the service has error=true")
    min_duration_ms: int | None = Field(None, ge=0,
                                        description="only traces with a span of the service at least this long")
    tags: dict[str, str] | None = Field(None,
                                        description='span tags that must match, e.g. {"http.status_code": "504"}')
    limit: int = Field(200, ge=1, le=1500, description="at most this many traces (newest first)")


class GetTraceArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    trace_id: str = Field(pattern=r"^[0-9a-fA-F]{1,32}$", description="trace id (hex)")


def _client(ctx: ToolContext) -> JaegerClient:
    return JaegerClient(ctx.jaeger_url or "", timeout_s=ctx.settings.jaeger_timeout_s)


def _error(invocation: str, text: str) -> ToolResult:
    return ToolResult(status=ToolStatus.ERROR, invocation=invocation, text=text)


def _done(invocation: str, text: str, *, data: Any, status: ToolStatus = ToolStatus.OK) -> ToolResult:
    return ToolResult(status=status, invocation=invocation, text=redact(text), data=redact_obj(data))


def trace_services(args: TraceServicesArgs, ctx: ToolContext) -> ToolResult:
    """Services that report traces, with their operations (span names), from the tracing backend."""
    client = _client(ctx)
    paths = [client.path("/api/services")]
    if not ctx.jaeger_url:
        return _error(f"GET {paths[0]}", NOT_CONFIGURED)
    try:
        services = sorted(client.services())
        ops: dict[str, list[str]] = {}
        for name in services:
            paths.append(client.path(f"/api/services/{name}/operations"))
            ops[name] = sorted(client.operations(name))
    except ToolError as exc:
        return _error(" ; ".join(f"GET {p}" for p in paths), f"trace_services failed: {exc}")
    invocation = " ; ".join(f"GET {p}" for p in paths)
    if not services:
        return _done(invocation, "the tracing backend knows no services", data={}, status=ToolStatus.NO_DATA)
    text = "\n".join(f"{name}: {', '.join(ops[name]) or '(no operations)'}" for name in services)
    return _done(invocation, f"{len(services)} services report traces:\n{text}", data=ops)


def _search_params(args: FindTracesArgs, ctx: ToolContext) -> dict[str, str]:
    end = ctx.now()
    start = end - timedelta(minutes=args.minutes)
    tags = dict(args.tags or {}) | ({"error": "true"} if args.errors_only else {})
    params = {"service": args.service} | ({"operation": args.operation} if args.operation else {})
    params |= {"tags": json.dumps(tags, separators=(",", ":"))} if tags else {}
    params |= {"start": str(int(start.timestamp() * 1_000_000)), "end": str(int(end.timestamp() * 1_000_000))}
    params |= {"minDuration": f"{args.min_duration_ms}ms"} if args.min_duration_ms else {}
    return params | {"limit": str(args.limit)}


def find_traces(args: FindTracesArgs, ctx: ToolContext) -> ToolResult:
    """Search traces of one service in a window ending now and summarise them as a trace view would.

    Counts and failing share; end-to-end and the service's own latency
    (p50/p95/max); where errors originate (the deepest failing span, and the
    caller that reports it); which service and operation hold the latency on
    the critical path; errors that retries absorbed; the critical path of the
    slowest and of the latest failing trace; first half vs second half of the
    window and when failures began.
    """
    client = _client(ctx)
    params = _search_params(args, ctx)
    invocation = f"GET {client.path('/api/traces', params)}"
    if not ctx.jaeger_url:
        return _error(invocation, NOT_CONFIGURED)
    try:
        spans = parse_traces(client.search(params))
        known = None if spans else client.services()
    except ToolError as exc:
        return _error(invocation, f"find_traces failed: {exc}")
    if not spans:
        return _no_traces(args, invocation + f" ; GET {client.path('/api/services')}", known=known or [])
    summary = summarize_spans(spans, service=args.service, start_us=int(params["start"]),
                              end_us=int(params["end"]), limit=args.limit)
    data = summary.data | {"query": {k: v for k, v in args.model_dump().items() if v not in (None, False)}}
    data["findings"] = trace_findings(data)
    return _done(invocation, render_summary(data, minutes=args.minutes, now=ctx.now()), data=data)


def _no_traces(args: FindTracesArgs, invocation: str, *, known: list[str]) -> ToolResult:
    filters = [f for f, on in (("errors only", args.errors_only), (f"operation {args.operation!r}", args.operation),
                               (f"at least {args.min_duration_ms}ms", args.min_duration_ms),
                               (f"tags {args.tags}", args.tags)) if on]
    where = f"no traces of {args.service!r} in the last {args.minutes}m"
    where += f" ({', '.join(filters)})" if filters else ""
    if args.service not in known:
        where += f"; the backend knows no service of that name; services: {', '.join(sorted(known)) or 'none'}"
    return _done(invocation, where, data={"traces": 0, "services": sorted(known)}, status=ToolStatus.NO_DATA)


def _children_of(spans: list[Span]) -> Callable[[Span], list[Span]]:
    kids: dict[str, list[Span]] = {}
    for s in spans:
        if s.parent_id and s.parent_id != s.span_id:
            kids.setdefault(s.parent_id, []).append(s)
    return lambda span: kids.get(span.span_id, [])


def get_trace(args: GetTraceArgs, ctx: ToolContext) -> ToolResult:
    """One trace by id as an indented span tree: durations, self-times, errors, the critical path marked."""
    client = _client(ctx)
    invocation = f"GET {client.path(f'/api/traces/{args.trace_id}')}"
    if not ctx.jaeger_url:
        return _error(invocation, NOT_CONFIGURED)
    try:
        docs = client.trace(args.trace_id)
    except NotFound:
        return _done(invocation, f"trace {args.trace_id} not found (expired or never sampled)", data=None,
                     status=ToolStatus.NO_DATA)
    except ToolError as exc:
        return _error(invocation, f"get_trace failed: {exc}")
    spans = parse_trace(docs[0]) if docs else []
    if not spans:
        return _done(invocation, f"trace {args.trace_id} has no spans", data=None, status=ToolStatus.NO_DATA)
    view = build_view(spans)
    data = path_entry("requested", view) | {"spans_total": len(spans),
                                            "origin": None if view.origin is None else {
                                                "service": view.origin.service, "operation": view.origin.operation,
                                                "message": view.origin.message}}
    return _done(invocation, render_tree(view, now=ctx.now(), children=_children_of(spans)), data=data)


TRACE_TOOLS: list[tuple[Callable[[Any, ToolContext], ToolResult], type[BaseModel]]] = [
    (trace_services, TraceServicesArgs),
    (find_traces, FindTracesArgs),
    (get_trace, GetTraceArgs),
]
