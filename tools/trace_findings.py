"""Leads for a reasoner from a trace summary: which service owns the failures or the time, and who only reports them.

Each finding is a plain dict:

    {"service", "operation", "kind": "error" | "latency", "share", "message", "caller",
     "dependency", "handled", "contrast", "version", "timed_out_in", "tags", "evidence"}

`service` is where the problem is: the deepest failing span's service (or
the dependency a client span called, when the callee has no spans of its
own), or the service holding the critical-path time beyond normal. `caller`
is the service that sees and reports it, a weaker root-cause candidate.
`share` is the share of all traces read that the problem affects; `tags`
holds the tag values that set the bad spans apart from good ones (a version,
a region, a node or zone).
Unhandled errors come first, then latency, then errors that a retry or a
fallback absorbed (`handled: true`: context, rarely the cause). A latency
lead with `contrast: false` had no faster traces in the window to compare
with (the whole window is slow): only a hop holding most of a long request
(500 ms) is reported then, or of one that got much slower across the
window (p95 three times its early traces'); a longer window says what
normal was.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MIN_EXCESS_MS = 50.0
MIN_TIME_SHARE = 0.2
# With no normal traces to compare against, only a hop that holds most of a long request is a lead.
MIN_UNCONTRASTED_MS = 500.0
MIN_UNCONTRASTED_SHARE = 0.5
# ... or, when the window's own traces got that much slower across it, any hop holding most of the time.
WORSENED_P95 = 3.0
MIN_BEFORE_TRACES = 3


def _where(row: Mapping[str, Any]) -> str:
    if row["dependency"]:
        return f"dependency {row['service']} (called from {row['span_service']} {row['operation']})"
    return f"{row['service']} {row['operation']}"


def _finding(row: Mapping[str, Any], *, kind: str, share: float, message: str, handled: bool,
             evidence: str) -> dict[str, Any]:
    return {"service": row["service"], "operation": row["operation"], "kind": kind, "share": share,
            "contrast": kind != "latency" or row.get("normal_ms") is not None,
            "message": message, "caller": row["caller"], "dependency": row["dependency"], "handled": handled,
            "version": row.get("version"), "timed_out_in": row.get("timed_out_in"),
            "tags": {t["key"]: t["value"] for t in row.get("tags") or [] if t["share_good"] is not None},
            "evidence": evidence}


def _first_message(row: Mapping[str, Any]) -> str:
    messages = row.get("messages") or []
    return str(messages[0]["text"]) if messages else ""


def _errors(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = []
    for row in data.get("errors") or []:
        msg = _first_message(row)
        caller = f", reported by {row['caller']}" if row["caller"] else ""
        if row.get("timed_out_in"):
            caller = f"; in {row['timed_out']} of them {row['timed_out_in']} timed out waiting on it" + caller
        evidence = (f"{row['traces']} of {data['traces']} traces fail; the deepest failing span is {_where(row)}"
                    + (f': "{msg}"' if msg else "") + caller)
        out.append(_finding(row, kind="error", share=row["share"], message=msg, handled=False, evidence=evidence))
    return out


def _worsened(data: Mapping[str, Any]) -> bool:
    """The traces of the window got much slower across it (p95 after >= 3x before): the earlier ones are normal."""
    change = data.get("change") or {}
    before, after = change.get("before") or {}, change.get("after") or {}
    p95_before, p95_after = float(before.get("p95_ms") or 0.0), float(after.get("p95_ms") or 0.0)
    return int(before.get("traces") or 0) >= MIN_BEFORE_TRACES and p95_before > 0 \
        and p95_after >= WORSENED_P95 * p95_before


def _uncontrasted_lead(row: Mapping[str, Any], *, worsened: bool) -> bool:
    """With no faster traces to compare: a hop holding most of a long request, or of a request that got slow."""
    ms, share = float(row["critical_ms"]), float(row["share"])
    floor = MIN_EXCESS_MS if worsened else MIN_UNCONTRASTED_MS
    return ms >= floor and share >= MIN_UNCONTRASTED_SHARE


def _latency(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    traces = data.get("traces") or 0
    bad = (data.get("failed") or 0) + (data.get("slow_ok") or 0)
    worsened = _worsened(data)
    out = []
    for row in data.get("latency") or []:
        contrast = row["normal_ms"] is not None
        if (row["excess_ms"] < MIN_EXCESS_MS or row["share"] < MIN_TIME_SHARE) if contrast else \
                not _uncontrasted_lead(row, worsened=worsened):
            continue
        normal = f" (normal {row['normal_ms']:g}ms)" if row["normal_ms"] is not None else ""
        which = "slow or failing" if contrast else "read"
        msg = (f"holds {row['critical_ms']:g}ms of the critical path per {which} trace{normal}, "
               f"{row['share'] * 100:.0f}% of their end-to-end time")
        affected = bad if contrast else traces
        scope = f"{bad} of {traces} traces are slow or failing" if contrast else f"in all {traces} traces read"
        evidence = f"{scope}; {_where(row)} {msg}"
        out.append(_finding(row, kind="latency", share=round(affected / traces, 3) if traces else 0.0, message=msg,
                            handled=False, evidence=evidence))
    return out


def _absorbed(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = []
    for row in data.get("absorbed_errors") or []:
        msg = _first_message(row)
        evidence = (f"{_where(row)} fails in {row['traces']} traces but {row['absorbed_by']} absorbs it "
                    f"(retried or handled); {row['root_failed']} of those traces failed anyway")
        out.append(_finding(row, kind="error", share=row["share"], message=msg, handled=True, evidence=evidence))
    return out


def trace_findings(summary: Any) -> list[dict[str, Any]]:
    """Structured leads from a `find_traces` result's data (or a TraceSummary), strongest first."""
    data: Mapping[str, Any] = getattr(summary, "data", summary) or {}
    if not data.get("traces"):
        return []
    return _errors(data) + _latency(data) + _absorbed(data)
