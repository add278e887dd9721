"""Many traces summarised as a human reads a trace search: who owns the errors and the time, and since when.

`summarize_spans` groups spans into traces, analyses each one
(`tools.trace_tree`), then aggregates: a trace *fails* when its root span
errors and is *slow* when its root lasts at least twice the 25th percentile
(and 50 ms more), or than the median of the window's first half when that
is lower (a window that is mostly slow); failing or slow traces are *bad*. Errors are attributed to
their origin span (the deepest failing span) and latency to the spans that hold
the critical path in bad traces, net of what the same operation holds in good
ones. A client span with no instrumented callee (a database, a cache, an
external API) is attributed to the dependency its tags name.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tools.jaeger import Span
from tools.trace_tree import TraceView, build_view
from tools.trace_util import dependency_of, ms, pct, stamp_us, tag_contrast

Key = tuple[str, str]  # (service, operation)
TOP = 3
MIN_EARLY_TRACES = 10  # the first half of the window sets the baseline when it holds this many traces
MIN_OWNER_SHARE = 0.05  # a latency owner holds at least this share of a bad trace's time beyond normal
OFF_PATH_SHARE = 0.5  # async spans at least half as long as the request are worth a mention


@dataclass
class TraceSummary:
    """The aggregate; `data` is its JSON form (what a tool result carries and `trace_findings` reads)."""

    service: str | None
    start_us: int
    end_us: int
    views: list[TraceView]
    slow_threshold_us: int
    data: dict[str, Any] = field(default_factory=dict)

    def bad(self, view: TraceView) -> bool:
        return view.failed or view.duration_us >= self.slow_threshold_us


def group_traces(spans: Iterable[Span]) -> list[list[Span]]:
    by_trace: dict[str, list[Span]] = defaultdict(list)
    for span in spans:
        by_trace[span.trace_id].append(span)
    return list(by_trace.values())


def summarize_spans(spans: Sequence[Span], *, service: str | None = None, start_us: int | None = None,
                    end_us: int | None = None, limit: int | None = None) -> TraceSummary:
    """Summarise the traces these spans belong to (a trace search answer, flattened)."""
    views = [build_view(group) for group in group_traces(spans)]
    views.sort(key=lambda v: v.root.start_us)
    durations = sorted(v.duration_us for v in views)
    lo = start_us if start_us is not None else (views[0].root.start_us if views else 0)
    hi = end_us if end_us is not None else max((v.root.end_us for v in views), default=0)
    base = _baseline(views, durations, mid_us=lo + (hi - lo) // 2)
    summary = TraceSummary(service=service, views=views, slow_threshold_us=max(2 * base, base + 50_000),
                           start_us=lo, end_us=hi)
    failed = sum(v.failed for v in views)
    slow_ok = sum(not v.failed and summary.bad(v) for v in views)
    summary.data = {
        "service": service, "window": {"start": stamp_us(summary.start_us), "end": stamp_us(summary.end_us)},
        "traces": len(views), "limit": limit, "limit_reached": bool(limit and len(views) >= limit),
        "spans": len(spans), "failed": failed, "failed_share": _share(failed, len(views)),
        "failed_status": _root_status(views),
        "slow_threshold_ms": ms(summary.slow_threshold_us), "slow_ok": slow_ok,
        "slow_share": _share(slow_ok, len(views)),
        "roots": _roots(views, durations), "own": _own(views, service),
        "errors": _error_origins(summary), "absorbed_errors": _absorbed(views),
        "latency": (latency := _latency_owners(summary)), "latency_shared_tags": _shared_tags(latency),
        "off_path": _off_path(views), "critical_paths": _paths(summary),
        "change": _change(summary),
    }
    return summary


def _baseline(views: list[TraceView], durations: list[int], *, mid_us: int) -> int:
    """A typical healthy duration: the 25th percentile, or the first half's median when that is lower
    (when most of the window is slow, the earlier traces say what normal was)."""
    base = pct(durations, 0.25)
    early = sorted(v.duration_us for v in views if v.root.start_us < mid_us)
    if len(early) >= MIN_EARLY_TRACES:
        base = min(base, pct(early, 0.5))
    return base


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


def _root_status(views: list[TraceView]) -> dict[str, int]:
    codes = Counter(v.root.tags.get("http.status_code") or v.root.tags.get("rpc.grpc.status_code") or "?"
                    for v in views if v.failed)
    return dict(codes.most_common(TOP))


def _stats(values_us: list[int]) -> dict[str, float]:
    values_us.sort()
    return {"p50_ms": ms(pct(values_us, 0.5)), "p95_ms": ms(pct(values_us, 0.95)),
            "max_ms": ms(values_us[-1] if values_us else 0)}


def _roots(views: list[TraceView], durations: list[int]) -> dict[str, Any]:
    ops = Counter(f"{v.root.service} {v.root.operation}" for v in views)
    return {"operations": [{"name": k, "traces": n} for k, n in ops.most_common(TOP)], **_stats(list(durations))}


def _own(views: list[TraceView], service: str | None) -> dict[str, Any] | None:
    """The service's entry spans (its root or a call from another service): how long and how often failing."""
    if service is None:
        return None
    entries = [s for v in views for s in v.spans if s.service == service
               and (v.by_id.get(s.parent_id or "") is None or v.by_id[s.parent_id or ""].service != service)]
    ops = Counter(s.operation for s in entries)
    errors = sum(s.error for s in entries)
    return {"spans": len(entries), "operations": [k for k, _ in ops.most_common(TOP)],
            "error_share": _share(errors, len(entries)), **_stats([s.duration_us for s in entries])}


def _blame(view: TraceView, span: Span) -> tuple[str, str | None, bool]:
    """(service to blame, the caller that reports it, whether it is an uninstrumented dependency)."""
    dep = dependency_of(view, span)
    if dep is not None:
        return dep, span.service, True
    return span.service, view.caller_of(span), False


def _error_origins(summary: TraceSummary) -> list[dict[str, Any]]:
    """Failing traces grouped by where the error starts (a timeout: by the span that was waited on)."""
    groups: dict[Key, list[tuple[TraceView, Span, Span]]] = defaultdict(list)
    for view in summary.views:
        if view.failed and view.origin is not None:
            target = view.waited_on(view.origin)
            groups[(target.service, target.operation)].append((view, view.origin, target))
    good = [v for v in summary.views if not v.failed]
    out = []
    for (svc, op), hits in sorted(groups.items(), key=lambda kv: -len(kv[1]))[:TOP]:
        out.append(_origin_entry((svc, op), hits, good=good, total=len(summary.views)))
    return out


def _origin_entry(key: Key, hits: list[tuple[TraceView, Span, Span]], *, good: list[TraceView],
                  total: int) -> dict[str, Any]:
    svc, op = key
    view, origin, target = hits[-1]
    blamed = _blame(view, target)
    if target is not origin and not blamed[2]:
        blamed = (blamed[0], origin.service if origin.service != target.service else blamed[1], False)
    messages = Counter(o.message or _status_text(o) for _, o, _ in hits)
    versions = Counter(None if blamed[2] else v.ancestor_tag(t, "service.version") for v, _, t in hits)
    gave_up = Counter(f"{o.service} {o.operation}" for _, o, t in hits if o is not t)
    peers = [s for v in good for s in v.spans if s.service == svc and s.operation == op]
    return {"service": blamed[0], "operation": op, "span_service": svc, "caller": blamed[1],
            "dependency": blamed[2], "traces": len(hits), "share": _share(len(hits), total),
            "messages": [{"text": m, "count": n} for m, n in messages.most_common(TOP) if m],
            "timed_out_in": gave_up.most_common(1)[0][0] if gave_up else None,
            "timed_out": sum(gave_up.values()),
            "version": versions.most_common(1)[0][0], "tags": tag_contrast([t for _, _, t in hits], peers),
            "example_trace": view.trace_id, "first": stamp_us(hits[0][0].root.start_us),
            "last": stamp_us(view.root.start_us)}


def _status_text(span: Span) -> str:
    code = span.tags.get("http.status_code") or span.tags.get("rpc.grpc.status_code")
    return f"status {code}" if code else ""


def _absorbed(views: list[TraceView]) -> list[dict[str, Any]]:
    """Errors that did not reach the root (retried, or a fallback answered): context, rarely the cause."""
    groups: dict[Key, list[tuple[TraceView, Span, Span]]] = defaultdict(list)
    for view in views:
        seen: set[Key] = set()
        for span, absorber in view.absorbed:
            key = (span.service, span.operation)
            if key not in seen:
                seen.add(key)
                groups[key].append((view, span, absorber))
    out = []
    for (svc, op), hits in sorted(groups.items(), key=lambda kv: -len(kv[1]))[:TOP]:
        blamed = Counter(_blame(v, s) for v, s, _ in hits).most_common(1)[0][0]
        absorbers = Counter(f"{a.service} {a.operation}" for _, _, a in hits)
        messages = Counter(s.message or _status_text(s) for _, s, _ in hits)
        out.append({"service": blamed[0], "operation": op, "span_service": svc, "caller": blamed[1],
                    "dependency": blamed[2], "traces": len(hits), "share": _share(len(hits), len(views)),
                    "root_failed": sum(v.failed for v, _, _ in hits), "absorbed_by": absorbers.most_common(1)[0][0],
                    "messages": [{"text": m, "count": n} for m, n in messages.most_common(TOP) if m]})
    return out


def _critical_by_key(views: Sequence[TraceView]) -> dict[Key, tuple[int, list[Span]]]:
    out: dict[Key, tuple[int, list[Span]]] = {}
    for view in views:
        for span_id, us in view.critical_us.items():
            span = view.by_id[span_id]
            total, spans = out.get((span.service, span.operation), (0, []))
            spans.append(span)
            out[(span.service, span.operation)] = (total + us, spans)
    return out


def _latency_owners(summary: TraceSummary) -> list[dict[str, Any]]:
    """Who holds the critical path in bad traces, beyond what the same operation holds in good ones.

    With no bad traces (or no good ones) there is nothing to contrast with:
    then `normal_ms` is None and the rows say where the time goes in all of them.
    """
    bad = [v for v in summary.views if summary.bad(v)]
    good = [v for v in summary.views if not summary.bad(v)]
    if not bad:  # uniformly slow or uniformly fine: no contrast, say where the time goes in all of them
        bad, good = summary.views, []
    if not bad:
        return []
    in_bad, in_good = _critical_by_key(bad), _critical_by_key(good)
    mean_bad_total = sum(v.duration_us for v in bad) / len(bad)
    rows = []
    for key, (total, spans) in in_bad.items():
        mean_bad = total / len(bad)
        mean_good = in_good.get(key, (0, []))[0] / len(good) if good else 0.0
        rows.append((mean_bad - mean_good, mean_bad, mean_good, key, spans))
    rows.sort(key=lambda r: r[0], reverse=True)
    out = []
    for excess, mean_bad, mean_good, (svc, op), spans in rows[:TOP]:
        if excess < max(1000.0, MIN_OWNER_SHARE * mean_bad_total):
            break
        view = next(v for v in bad if v.by_id.get(spans[0].span_id) is spans[0])
        blamed = _blame(view, spans[0])
        out.append({"service": blamed[0], "operation": op, "span_service": svc, "caller": blamed[1],
                    "dependency": blamed[2], "bad_traces": len(bad), "critical_ms": ms(mean_bad),
                    "normal_ms": ms(mean_good) if good else None, "excess_ms": ms(excess),
                    "share": round(mean_bad / mean_bad_total, 3) if mean_bad_total else 0.0,
                    "version": None if blamed[2] else view.ancestor_tag(spans[0], "service.version"),
                    "tags": tag_contrast(spans, in_good[(svc, op)][1]) if (svc, op) in in_good else []})
    return out


def _shared_tags(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Telling tags every latency owner has in common (a pod, a node, a zone): then the hops are not the cause."""
    if len(rows) < 2:
        return []
    first = rows[0]["tags"]
    keys = [(t["key"], t["value"]) for t in first]
    common = [k for k in keys if all(any((t["key"], t["value"]) == k for t in row["tags"]) for row in rows[1:])]
    return [t for t in first if (t["key"], t["value"]) in common]


def _off_path(views: list[TraceView]) -> list[dict[str, Any]]:
    """Long async work the request did not wait for: it looks slow in a trace view but costs the caller nothing."""
    groups: dict[Key, list[tuple[TraceView, Span]]] = defaultdict(list)
    for view in views:
        for span in view.detached:
            groups[(span.service, span.operation)].append((view, span))
    out = []
    for (svc, op), hits in sorted(groups.items(), key=lambda kv: -sum(s.duration_us for _, s in kv[1]))[:TOP]:
        mean = sum(s.duration_us for _, s in hits) / len(hits)
        mean_root = sum(v.duration_us for v, _ in hits) / len(hits)
        if mean >= OFF_PATH_SHARE * mean_root:
            view, span = hits[0]
            parent = view.by_id[span.parent_id or ""]
            out.append({"service": svc, "operation": op, "traces": len(hits), "mean_ms": ms(mean),
                        "root_mean_ms": ms(mean_root), "parent": f"{parent.service} {parent.operation}"})
    return out


def _paths(summary: TraceSummary) -> list[dict[str, Any]]:
    """The critical path of the slowest trace, and of the latest failing one when that is another trace."""
    if not summary.views:
        return []
    chosen = [("slowest", max(summary.views, key=lambda v: v.duration_us))]
    failing = [v for v in summary.views if v.failed]
    if failing and _shape(failing[-1]) != _shape(chosen[0][1]):
        chosen.append(("latest failing", failing[-1]))
    return [path_entry(why, v) for why, v in chosen]


def _shape(view: TraceView) -> list[tuple[str, str, bool]]:
    return [(s.service, s.operation, s.error) for s in view.chain]


def path_entry(why: str, view: TraceView) -> dict[str, Any]:
    """The spans on the critical path in start order (with depth), and the chain of last-ending children."""
    on_path = sorted((view.by_id[sid] for sid, us in view.critical_us.items() if us > 0),
                     key=lambda s: (s.start_us, view.depth.get(s.span_id, 0)))
    return {"why": why, "trace_id": view.trace_id, "start": stamp_us(view.root.start_us),
            "duration_ms": ms(view.duration_us), "failed": view.failed,
            "chain": [f"{s.service} {s.operation}" for s in view.chain],
            "path": [{"service": s.service, "operation": s.operation, "depth": view.depth.get(s.span_id, 0),
                      "duration_ms": ms(s.duration_us), "self_ms": ms(view.self_us.get(s.span_id, 0)),
                      "critical_ms": ms(view.critical_us.get(s.span_id, 0)),
                      "error": s.error, "message": s.message} for s in on_path]}


def _half(views: list[TraceView], summary: TraceSummary) -> dict[str, Any]:
    durations = sorted(v.duration_us for v in views)
    return {"traces": len(views), "failed_share": _share(sum(v.failed for v in views), len(views)),
            "slow_share": _share(sum(not v.failed and summary.bad(v) for v in views), len(views)),
            "p95_ms": ms(pct(durations, 0.95)) if views else None}


def _change(summary: TraceSummary) -> dict[str, Any]:
    """First half against second half of the window, and when failing and slow traces first and last appear."""
    mid = summary.start_us + (summary.end_us - summary.start_us) // 2
    quiet = summary.start_us + (summary.end_us - summary.start_us) // 10
    views = summary.views
    failed = [v.root.start_us for v in views if v.failed]
    slow = [v.root.start_us for v in views if not v.failed and summary.bad(v)]
    return {"split": stamp_us(mid),
            "before": _half([v for v in views if v.root.start_us < mid], summary),
            "after": _half([v for v in views if v.root.start_us >= mid], summary),
            "earliest_trace": stamp_us(views[0].root.start_us) if views else None,
            "first_failed": stamp_us(failed[0]) if failed else None,
            "last_failed": stamp_us(failed[-1]) if failed else None,
            "first_slow": stamp_us(slow[0]) if slow else None, "last_slow": stamp_us(slow[-1]) if slow else None,
            "bad_from_start": bool(views) and summary.bad(views[0]),
            "quiet_until": stamp_us(views[0].root.start_us) if views and views[0].root.start_us > quiet else None}
