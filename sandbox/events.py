"""Events served through both APIs: core/v1 as stored, events.k8s.io/v1 converted."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox.scenario import parse_time

Obj = dict[str, Any]


def micro_time(value: str | datetime) -> str:
    """MicroTime, as events.k8s.io writes eventTime: `2026-11-24T14:00:05.000000Z`."""
    return parse_time(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def to_events_v1(ev: Obj) -> Obj:
    """A core/v1 Event as events.k8s.io/v1 shows it (regarding, note, deprecated*).

    A real server answers `eventTime: null` for events recorded through core/v1; the
    official Python client refuses that, so the sandbox fills it from the event's times.
    """
    meta = ev.get("metadata") or {}
    when = (ev.get("eventTime") or ev.get("firstTimestamp") or ev.get("lastTimestamp")
            or meta.get("creationTimestamp"))
    source = ev.get("source") or {}
    out: Obj = {
        "apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": meta,
        "eventTime": micro_time(when) if when else None,
        "reportingController": ev.get("reportingComponent") or source.get("component", ""),
        "reportingInstance": ev.get("reportingInstance") or source.get("host", ""),
        "action": ev.get("action", ""), "reason": ev.get("reason", ""),
        "regarding": ev.get("involvedObject") or {}, "note": ev.get("message", ""),
        "type": ev.get("type", ""),
    }
    optional = {"related": ev.get("related"), "series": ev.get("series"),
                "deprecatedSource": source or None,
                "deprecatedFirstTimestamp": ev.get("firstTimestamp"),
                "deprecatedLastTimestamp": ev.get("lastTimestamp"),
                "deprecatedCount": ev.get("count")}
    out.update({k: v for k, v in optional.items() if v is not None})
    return out


def from_events_v1(ev: Obj) -> Obj:
    """An events.k8s.io/v1 Event (a client's write) as the stored core/v1 form."""
    out: Obj = {"apiVersion": "v1", "kind": "Event", "metadata": ev.get("metadata") or {},
                "involvedObject": ev.get("regarding") or {}, "reason": ev.get("reason", ""),
                "message": ev.get("note", ""), "type": ev.get("type", "")}
    mapping = {"related": "related", "series": "series", "eventTime": "eventTime",
               "deprecatedSource": "source", "deprecatedFirstTimestamp": "firstTimestamp",
               "deprecatedLastTimestamp": "lastTimestamp", "deprecatedCount": "count",
               "reportingController": "reportingComponent", "reportingInstance": "reportingInstance",
               "action": "action"}
    out.update({core: ev[v1] for v1, core in mapping.items() if ev.get(v1) is not None})
    return out
