"""Trace summaries and single traces as the compact text a reasoner reads (most telling lines first)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from tools.jaeger import Span
from tools.timefmt import ago, parse_time
from tools.trace_tree import TraceView
from tools.trace_util import ms, stamp_us

MAX_TREE_LINES = 150
MAX_PATH_LINES = 12
SHOWN_TAGS = ("http.status_code", "rpc.grpc.status_code", "peer.service", "net.peer.name", "db.system",
              "service.version", "k8s.pod.name", "retry.attempt")


def _pct(share: float) -> str:
    return f"{share * 100:.0f}%"


def _when(text: str | None, now: datetime) -> str:
    return f"{text} ({ago(parse_time(text), now)})" if text else "?"


def _tags(tags: list[dict[str, Any]]) -> str:
    parts = [f"{t['key']}={t['value']} ({_pct(t['share_bad'])} of bad"
             + (f", {_pct(t['share_good'])} of good)" if t["share_good"] is not None else ")") for t in tags]
    return "; ".join(parts)


def _who(row: dict[str, Any]) -> str:
    where = f"{row['service']} {row['operation']}"
    if row["dependency"]:
        where = f"dependency {row['service']} (called by {row['span_service']} {row['operation']})"
    elif row["caller"]:
        where += f" (called by {row['caller']})"
    return where + (f", version {row['version']}" if row.get("version") else "")


def _error_lines(data: dict[str, Any]) -> list[str]:
    lines = []
    if data["errors"]:
        lines.append("errors originate in (deepest failing span of failing traces):")
    for row in data["errors"]:
        gave_up = (f"; in {row['timed_out']} of them {row['timed_out_in']} gave up waiting on it"
                   if row["timed_out_in"] else "")
        lines.append(f"  {_who(row)}: {row['traces']} traces ({_pct(row['share'])} of all){gave_up}")
        lines += [f'    "{m["text"]}" x{m["count"]}' for m in row["messages"]]
        if row["tags"]:
            lines.append(f"    tags: {_tags(row['tags'])}")
    for row in data["absorbed_errors"]:
        lines.append(f"absorbed errors (a caller retried or handled them): {_who(row)} failed in {row['traces']} "
                     f"traces ({_pct(row['share'])}), absorbed by {row['absorbed_by']}; "
                     f"{row['root_failed']} of those traces failed anyway"
                     + (f'; "{row["messages"][0]["text"]}"' if row["messages"] else ""))
    return lines


def _latency_lines(data: dict[str, Any]) -> list[str]:
    if not data["latency"]:
        return []
    contrast = data["latency"][0]["normal_ms"] is not None
    lines = ["latency held on the critical path of bad traces (mean per bad trace, vs good traces):" if contrast else
             "where the time goes on the critical path (mean per trace; no faster traces in the window to compare):"]
    shared = data["latency_shared_tags"]
    for row in data["latency"]:
        normal = f"normal {row['normal_ms']:g}ms, " if row["normal_ms"] is not None else ""
        own = [t for t in row["tags"] if t not in shared]
        lines.append(f"  {_who(row)}: {row['critical_ms']:g}ms ({normal}+{row['excess_ms']:g}ms; "
                     f"{_pct(row['share'])} of end-to-end)" + (f"; tags: {_tags(own)}" if own else ""))
    if shared:
        lines.append(f"  every hop above is slow only where {_tags(shared)}: the slowness follows the caller's "
                     "pod, node or zone, not one dependency")
    return lines


def _path_lines(path: dict[str, Any], now: datetime) -> list[str]:
    state = "failed" if path["failed"] else "ok"
    lines = [f"critical path of the {path['why']} trace {path['trace_id']} ({path['duration_ms']:g}ms, {state}, "
             f"{_when(path['start'], now)}), time on the path per span:"]
    for s in path["path"][:MAX_PATH_LINES]:
        err = (' ERROR' + (f' "{s["message"]}"' if s["message"] else "")) if s["error"] else ""
        lines.append(f"  {'  ' * s['depth']}{s['service']} {s['operation']} {s['duration_ms']:g}ms, "
                     f"on path {s['critical_ms']:g}ms{err}")
    if len(path["path"]) > MAX_PATH_LINES:
        lines.append(f"  ... {len(path['path']) - MAX_PATH_LINES} more spans on the path (get_trace shows them all)")
    return lines


def _change_lines(change: dict[str, Any], now: datetime) -> list[str]:
    def half(h: dict[str, Any]) -> str:
        if not h["traces"]:
            return "no traces"
        return (f"{h['traces']} traces, {_pct(h['failed_share'])} failing, {_pct(h['slow_share'])} slow, "
                f"p95 {h['p95_ms']:g}ms")
    lines = [f"change over the window: before {change['split']}: {half(change['before'])}; "
             f"after: {half(change['after'])}"]
    marks = [f"{label} {_when(change[key], now)}" for key, label in (
        ("first_failed", "first failing trace"), ("last_failed", "last failing"),
        ("first_slow", "first slow trace"), ("last_slow", "last slow")) if change[key]]
    if marks:
        lines.append("  " + "; ".join(marks))
    if change["quiet_until"]:
        lines.append(f"  no traces read before {change['quiet_until']} in this window")
    elif change["bad_from_start"]:
        lines.append(f"  already bad in the earliest trace read ({change['earliest_trace']}): it began before")
    return lines


def _codes(data: dict[str, Any]) -> str:
    codes = data["failed_status"]
    return ("; root status " + ", ".join(f"{c} x{n}" for c, n in codes.items())) if codes else ""


def render_summary(data: dict[str, Any], *, minutes: int, now: datetime) -> str:
    """The find_traces text: counts, latency, error origins, latency owners, critical paths, change."""
    roots, own = data["roots"], data["own"]
    head = (f"traces of {data['service']} in the last {minutes}m ({data['window']['start']} .. "
            f"{data['window']['end']}): {data['traces']} traces, {data['spans']} spans")
    if data["limit_reached"]:
        head += f" (limit {data['limit']} reached: only the newest; narrow the window or filter)"
    lines = [head,
             f"failing (root span error): {data['failed']} ({_pct(data['failed_share'])}{_codes(data)}); slow but ok "
             f"(>= {data['slow_threshold_ms']:g}ms): {data['slow_ok']} ({_pct(data['slow_share'])})",
             f"end-to-end ({', '.join(o['name'] for o in roots['operations'])}): p50 {roots['p50_ms']:g}ms, "
             f"p95 {roots['p95_ms']:g}ms, max {roots['max_ms']:g}ms"]
    if own and own["spans"]:
        lines.append(f"{data['service']}'s own entry spans ({', '.join(own['operations'])}): p50 {own['p50_ms']:g}ms, "
                     f"p95 {own['p95_ms']:g}ms, max {own['max_ms']:g}ms, {_pct(own['error_share'])} with errors")
    lines += _error_lines(data) + _latency_lines(data)
    for row in data["off_path"]:
        lines.append(f"off the critical path (async, not waited for): {row['service']} {row['operation']} "
                     f"mean {row['mean_ms']:g}ms vs {row['root_mean_ms']:g}ms end-to-end, in {row['traces']} traces "
                     f"(started by {row['parent']})")
    lines += _change_lines(data["change"], now)
    for path in data["critical_paths"]:
        lines += _path_lines(path, now)
    return "\n".join(lines)


def _span_line(view: TraceView, span: Span, *, depth: int, on_path: set[str]) -> str:
    offset = ms(span.start_us - view.root.start_us)
    tags = " ".join(f"{k}={span.tags[k][:60]}" for k in SHOWN_TAGS if k in span.tags)
    err = (" ERROR" + (f' "{span.message[:200]}"' if span.message else "")) if span.error else ""
    mark = "*" if span.span_id in on_path else " "
    return (f"{mark} {'  ' * depth}{span.service} {span.operation} +{offset:g}ms {ms(span.duration_us):g}ms "
            f"self {ms(view.self_us.get(span.span_id, 0)):g}ms{err}" + (f" [{tags}]" if tags else ""))


def render_tree(view: TraceView, *, now: datetime, children: Callable[[Span], list[Span]]) -> str:
    """One trace, indented parent to child by start time; `*` marks the critical path."""
    services = list(dict.fromkeys(s.service for s in view.spans))
    on_path = {sid for sid, us in view.critical_us.items() if us > 0}
    lines = [f"trace {view.trace_id}: {len(view.spans)} spans, services {', '.join(services)}; "
             f"{ms(view.duration_us):g}ms, started {_when(stamp_us(view.root.start_us), now)}; "
             f"{'FAILED' if view.failed else 'ok'}",
             "(* on the critical path; +offset from the trace start; duration; self-time)"]
    stack: list[tuple[Span, int]] = [(view.root, 0)]
    shown: set[str] = set()
    while stack and len(lines) < MAX_TREE_LINES:
        span, depth = stack.pop()
        shown.add(span.span_id)
        lines.append(_span_line(view, span, depth=depth, on_path=on_path))
        stack += [(c, depth + 1) for c in sorted(children(span), key=lambda c: c.start_us, reverse=True)]
    hidden = len(view.spans) - len(shown)
    if hidden:
        lines.append(f"... {hidden} more spans not shown (deep or detached from the root)")
    if view.origin is not None:
        o = view.origin
        lines.append(f"error origin: {o.service} {o.operation}" + (f': "{o.message}"' if o.message else ""))
    for span, absorber in view.absorbed:
        lines.append(f"absorbed error: {span.service} {span.operation} failed, {absorber.service} "
                     f"{absorber.operation} succeeded anyway")
    return "\n".join(lines)
