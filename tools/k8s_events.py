"""Kubernetes events, grouped and deduped by (object, reason, message template), newest first."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import Field

from tools.context import ToolContext
from tools.k8s_common import NAME_PATTERN, NamespacedArgs, Obj, clip, meta
from tools.k8s_kinds import kind_info
from tools.models import ToolResult, ToolStatus
from tools.redact import redact
from tools.timefmt import ago, parse_time, stamp

MAX_GROUPS = 40
_VARIABLE = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"
                       r"|\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b|\b0x[0-9a-f]+\b|\d+(?:\.\d+)?")


class EventsArgs(NamespacedArgs):
    kind: str | None = Field(None, description="involved object kind, e.g. Pod, Deployment, Node")
    name: str | None = Field(None, pattern=NAME_PATTERN, description="involved object name")
    since_minutes: int | None = Field(None, ge=1, le=43200, description="only events last seen this recently")
    types: list[Literal["Normal", "Warning"]] | None = Field(None, description="e.g. ['Warning']")


@dataclass
class EventGroup:
    obj: str
    reason: str
    type: str
    message: str  # the latest message of the group (redacted)
    count: int = 0
    first: datetime | None = None
    last: datetime | None = None
    source: str = ""

    def data(self) -> dict[str, Any]:
        return {"object": self.obj, "reason": self.reason, "type": self.type, "message": self.message,
                "count": self.count, "first_seen": stamp(self.first), "last_seen": stamp(self.last),
                "source": self.source}


def template(message: str) -> str:
    """The message with numbers, IPs and UIDs masked, so repeats of one event collapse."""
    return _VARIABLE.sub("#", message)


def _times(ev: Obj) -> tuple[datetime | None, datetime | None, int]:
    series = ev.get("series") or {}
    first = parse_time(ev.get("firstTimestamp")) or parse_time(ev.get("eventTime")) \
        or parse_time(meta(ev).get("creationTimestamp"))
    last = (parse_time(series.get("lastObservedTime")) or parse_time(ev.get("lastTimestamp"))
            or parse_time(ev.get("eventTime")) or first)
    count = int(series.get("count") or ev.get("count") or 1)
    return first, last, count


def group_events(items: list[Obj]) -> list[EventGroup]:
    """Dedupe by (object, reason, message template); counts add up; newest last-seen first."""
    groups: dict[tuple[str, str, str], EventGroup] = {}
    for ev in items:
        inv = ev.get("involvedObject") or ev.get("regarding") or {}
        obj = f"{inv.get('kind', '?')}/{inv.get('name', '?')}"
        msg = str(ev.get("message") or ev.get("note") or "").strip()
        key = (obj, str(ev.get("reason", "")), template(msg))
        first, last, count = _times(ev)
        g = groups.get(key)
        if g is None:
            src = ev.get("source") or {}
            g = groups[key] = EventGroup(obj=obj, reason=key[1], type=str(ev.get("type", "")), message=redact(msg),
                                         source=str(src.get("component") or ev.get("reportingController") or ""))
        g.count += count
        if first and (g.first is None or first < g.first):
            g.first = first
        if last and (g.last is None or last >= g.last):
            g.last, g.message = last, redact(msg)
    return sorted(groups.values(), key=lambda g: g.last.timestamp() if g.last else 0.0, reverse=True)


def event_lines(groups: list[EventGroup], now: datetime, *, limit: int = MAX_GROUPS) -> list[str]:
    lines = []
    for g in groups[:limit]:
        span = f", first {ago(g.first, now)}" if g.count > 1 and g.first and g.first != g.last else ""
        lines.append(f"{ago(g.last, now)} ({stamp(g.last)}) x{g.count} {g.type} {g.reason} {g.obj}: "
                     f"{clip(g.message, 400)}{span}")
    if len(groups) > limit:
        lines.append(f"... {len(groups) - limit} older event groups not shown")
    return lines


def field_selector(kind: str | None, name: str | None) -> str | None:
    parts = ([f"involvedObject.kind={kind_info(kind).kind}"] if kind else []) + \
            ([f"involvedObject.name={name}"] if name else [])
    return ",".join(parts) or None


def events(args: EventsArgs, ctx: ToolContext) -> ToolResult:
    """Events in a namespace (optionally of one object), grouped and deduped, newest first, with counts."""
    ctx.check_namespace(args.namespace)
    kube, now = ctx.kube(), ctx.now()
    items = kube.items(f"/api/v1/namespaces/{args.namespace}/events",
                       {"fieldSelector": field_selector(args.kind, args.name)})
    groups = group_events(items)
    if args.types:
        groups = [g for g in groups if g.type in args.types]
    if args.since_minutes:
        cutoff = now - timedelta(minutes=args.since_minutes)
        groups = [g for g in groups if g.last and g.last >= cutoff]
    what = f"{args.kind or ''}{'/' if args.kind and args.name else ''}{args.name or ''}".strip("/") or "all objects"
    head = f"events in {args.namespace} for {what}: {len(groups)} groups from {len(items)} events (newest first)"
    status = ToolStatus.OK if groups else ToolStatus.NO_DATA
    return ToolResult(status=status, invocation=kube.invocation, text="\n".join([head, *event_lines(groups, now)]),
                      data=[g.data() for g in groups[:MAX_GROUPS]])
