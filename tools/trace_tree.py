"""One trace as a tree: self-times, the critical path, where its error originates and which errors were absorbed.

Definitions, as a human reads a trace view:

* A child *blocks* its parent unless it is a FOLLOWS_FROM hand-off or it ends
  well after its parent (more than 5 ms + 5% of the parent's duration): the
  parent did not wait for it (fire-and-forget work), so it is off every path
  that decides the end-to-end latency. Blocking children are clipped to their
  parent's interval (clock skew).
* Self-time: a span's duration minus the union of its blocking children.
* Critical path (as Jaeger's UI computes it): from the root, descend into the
  child that finishes last; when a span has no child left that finishes before
  the current point, the remaining time is its own and the walk climbs back to
  the parent, from that child's start. Each span's share of that walk is its
  `critical_us`; the shares add up to the root's duration. `chain` is the first
  descent: root, then repeatedly the child that ends last.
* Error origin: from a failing root, follow the failing child that ends last
  until a failing span has no failing child: the error starts there.
* Timeouts: a span that failed by giving up (a deadline, a 504) is blamed on
  the span it waited on (`TraceView.waited_on`), not on itself.
* Absorbed errors: a failing span none of whose children fail, below a span
  that succeeded (a retry that worked, a fallback): handled, not the outage.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from tools.jaeger import Span

TIMEOUT_WORDS = re.compile(r"time(d)?[ -]?out|deadline|cancel", re.IGNORECASE)
DETACH_SLACK_US = 5_000
DETACH_SLACK_SHARE = 0.05


@dataclass(slots=True)
class TraceView:
    trace_id: str
    root: Span
    spans: list[Span]
    by_id: dict[str, Span]
    self_us: dict[str, int] = field(default_factory=dict)
    critical_us: dict[str, int] = field(default_factory=dict)
    chain: list[Span] = field(default_factory=list)
    origin: Span | None = None
    absorbed: list[tuple[Span, Span]] = field(default_factory=list)  # (failing span, the span that absorbed it)
    depth: dict[str, int] = field(default_factory=dict)
    blocking: dict[str, list[Span]] = field(default_factory=dict)  # children the span waited for, last end first
    detached: list[Span] = field(default_factory=list)  # children their parent did not wait for (async work)

    @property
    def failed(self) -> bool:
        return self.root.error

    @property
    def duration_us(self) -> int:
        return self.root.duration_us

    def caller_of(self, span: Span) -> str | None:
        """The nearest ancestor's service that is not the span's own: who sees (and reports) its failure."""
        parent = self.by_id.get(span.parent_id or "")
        seen = 0
        while parent is not None and seen < len(self.spans):
            if parent.service != span.service:
                return parent.service
            parent, seen = self.by_id.get(parent.parent_id or ""), seen + 1
        return None

    def waited_on(self, span: Span) -> Span:
        """For a span that failed by giving up (timeout, deadline, cancel): the span it was waiting on.

        Descends while the child that ended last covers at least half of the
        failing span's duration: a caller's deadline error is the callee's
        slowness, so that is where the error is attributed. Any other span is
        returned unchanged.
        """
        if not TIMEOUT_WORDS.search(span.message or "") and span.tags.get("http.status_code") not in ("504", "408"):
            return span
        current, seen = span, 0
        while seen <= len(self.spans):
            kids = self.blocking.get(current.span_id)
            if not kids or kids[0].duration_us * 2 < span.duration_us:
                return current
            current, seen = kids[0], seen + 1
        return current

    def ancestor_tag(self, span: Span, key: str) -> str | None:
        """A tag of the span or of its nearest same-service ancestor (a version is set on the entry span)."""
        current: Span | None = span
        seen = 0
        while current is not None and current.service == span.service and seen <= len(self.spans):
            if key in current.tags:
                return current.tags[key]
            current, seen = self.by_id.get(current.parent_id or ""), seen + 1
        return None


def _detached(child: Span, parent: Span) -> bool:
    slack = DETACH_SLACK_US + DETACH_SLACK_SHARE * parent.duration_us
    return child.follows_from or child.start_us >= parent.end_us or child.end_us > parent.end_us + slack


def _pick_root(spans: Sequence[Span], by_id: dict[str, Span]) -> Span:
    roots = [s for s in spans if s.parent_id is None or s.parent_id not in by_id or s.parent_id == s.span_id]
    return max(roots or spans, key=lambda s: (s.duration_us, -s.start_us))


def build_view(spans: Sequence[Span]) -> TraceView:
    """Analyse one trace's spans (any order); spans unreachable from the root only get a plain self-time."""
    by_id = {s.span_id: s for s in spans}
    root = _pick_root(spans, by_id)
    view = TraceView(trace_id=root.trace_id, root=root, spans=list(spans), by_id=by_id)
    children: dict[str, list[Span]] = {}
    for s in spans:
        if s.parent_id is not None and s.parent_id != s.span_id and s.parent_id in by_id:
            children.setdefault(s.parent_id, []).append(s)
    blocking, clip = _clip_tree(view, children)
    view.blocking = blocking
    for s in spans:
        view.self_us[s.span_id] = _self_time(s, blocking.get(s.span_id, ()), clip=clip)
    _critical_path(view, blocking, clip=clip)
    _errors(view, children, blocking=blocking)
    return view


def _clip_tree(view: TraceView, children: dict[str, list[Span]]) -> tuple[dict[str, list[Span]],
                                                                           dict[str, tuple[int, int]]]:
    """Top-down from the root: blocking children (sorted by clipped end, last first) and clipped intervals."""
    root = view.root
    clip = {root.span_id: (root.start_us, root.end_us)}
    blocking: dict[str, list[Span]] = {}
    view.depth[root.span_id] = 0
    stack = [root]
    while stack:
        span = stack.pop()
        lo, hi = clip[span.span_id]
        kept = []
        for child in children.get(span.span_id, ()):
            if child.span_id in clip:
                continue  # a malformed trace with a cycle: visit each span once
            view.depth[child.span_id] = view.depth[span.span_id] + 1
            if _detached(child, span):
                clip[child.span_id] = (child.start_us, child.end_us)
                view.detached.append(child)
            else:
                start = min(max(child.start_us, lo), hi)
                clip[child.span_id] = (start, max(start, min(child.end_us, hi)))
                kept.append(child)
            stack.append(child)
        if kept:
            kept.sort(key=lambda c: clip[c.span_id][1], reverse=True)
            blocking[span.span_id] = kept
    return blocking, clip


def _self_time(span: Span, kids: Sequence[Span], *, clip: dict[str, tuple[int, int]]) -> int:
    if not kids:
        return span.duration_us
    covered, cur_lo, cur_hi = 0, -1, -1
    for lo, hi in sorted(clip[k.span_id] for k in kids):
        if lo > cur_hi:
            covered += cur_hi - cur_lo
            cur_lo, cur_hi = lo, hi
        elif hi > cur_hi:
            cur_hi = hi
    covered += cur_hi - cur_lo
    return max(0, span.duration_us - covered)


def _critical_path(view: TraceView, blocking: dict[str, list[Span]], *, clip: dict[str, tuple[int, int]]) -> None:
    root = view.root
    out = view.critical_us
    cur, bound = root, clip[root.span_id][1]
    descending = True
    for _ in range(4 * len(view.spans) + 4):  # each step descends or climbs: bounded by the tree
        child = next((c for c in blocking.get(cur.span_id, ())
                      if clip[c.span_id][1] <= bound and clip[c.span_id][0] < bound), None)
        if child is not None:
            end = clip[child.span_id][1]
            out[cur.span_id] = out.get(cur.span_id, 0) + bound - end
            if descending:
                view.chain.append(cur)
            cur, bound = child, end
            continue
        if descending:
            view.chain.append(cur)
            descending = False
        out[cur.span_id] = out.get(cur.span_id, 0) + bound - clip[cur.span_id][0]
        if cur is root:
            return
        bound, cur = clip[cur.span_id][0], view.by_id[cur.parent_id or ""]


def _errors(view: TraceView, children: dict[str, list[Span]], *, blocking: dict[str, list[Span]]) -> None:
    if view.root.error:
        cur = view.root
        while True:
            failing = [c for c in blocking.get(cur.span_id, ()) if c.error]
            if not failing:
                break
            cur = max(failing, key=lambda c: (c.end_us, c.duration_us))
        view.origin = cur
    for span in view.spans:
        if not span.error or any(c.error for c in children.get(span.span_id, ())):
            continue
        absorber = _first_healthy_ancestor(view, span)
        if absorber is not None:
            view.absorbed.append((span, absorber))


def _first_healthy_ancestor(view: TraceView, span: Span) -> Span | None:
    parent, seen = view.by_id.get(span.parent_id or ""), 0
    while parent is not None and seen < len(view.spans):
        if not parent.error:
            return parent
        parent, seen = view.by_id.get(parent.parent_id or ""), seen + 1
    return None
