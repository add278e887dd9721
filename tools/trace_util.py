"""Small helpers of the trace summaries: units, percentiles, dependency names from span tags, telling tags."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from tools.jaeger import Span
from tools.timefmt import stamp

# Tags that say which remote the span talked to, most specific first.
PEER_TAGS = ("peer.service", "net.peer.name", "server.address", "net.peer.host", "db.instance", "messaging.system",
             "db.system")
CLIENT_KINDS = ("client", "producer")
_BORING = frozenset({"error", "span.kind", "otel.status_code", "otel.status_description", "internal.span.format",
                     "otel.library.name", "otel.library.version", "otel.scope.name", "otel.scope.version",
                     "error.message", "exception.message", "exception.stacktrace", "error.object", "message",
                     "sampler.type", "sampler.param", "thread.id", "thread.name",
                     # what the operation is, the same on every span of it: no contrast to find there
                     "db.system", "db.operation", "db.name", "peer.service", "net.peer.name", "net.peer.port",
                     "server.address", "server.port", "http.method", "http.request.method", "http.route",
                     "messaging.system", "messaging.destination.name", "code.function", "code.namespace"})


def ms(us: float) -> float:
    return round(us / 1000, 1)


def pct(sorted_values: Sequence[int], q: float) -> int:
    """Nearest-rank percentile of an already sorted list (0 when empty)."""
    if not sorted_values:
        return 0
    index = min(len(sorted_values) - 1, max(0, int(q * len(sorted_values) + 0.999999) - 1))
    return sorted_values[index]


def stamp_us(us: int) -> str:
    return stamp(datetime.fromtimestamp(us / 1_000_000, UTC))


def _host_name(host: str) -> str:
    """A Kubernetes service DNS name -> the service; any other host stays whole."""
    host = host.strip().lower().rstrip(".")
    parts = host.split(".")
    if len(parts) == 1 or ".svc" in f".{host}" or host.endswith(".cluster.local"):
        return parts[0]
    return host


def peer_name(span: Span) -> str | None:
    """The remote a client span talked to, from its tags (peer.service, host names, URL, db system)."""
    tags = span.tags
    for key in PEER_TAGS:
        value = tags.get(key)
        if value:
            return value if key in ("peer.service", "messaging.system", "db.system") else _host_name(value)
    url = tags.get("http.url") or tags.get("url.full")
    if url:
        host = urlsplit(url).hostname
        return _host_name(host) if host else None
    return None


def dependency_of(view: Any, span: Span) -> str | None:
    """The dependency a span's time or error belongs to, when the callee left no span of its own.

    A span with an instrumented child in another service is not a dependency
    call: that child (the callee) carries its own time and errors. A server or
    internal span is the service's own work.
    """
    kind = span.tags.get("span.kind", "")
    if kind and kind not in CLIENT_KINDS:
        return None
    peer = peer_name(span)
    if peer is None or peer == span.service:
        return None
    for other in view.spans:
        if other.parent_id == span.span_id and other.service != span.service:
            return None
    return peer


def tag_contrast(bad: Sequence[Span], good: Sequence[Span], *, top: int = 4) -> list[dict[str, Any]]:
    """Tag values common on the bad spans, with how common the same value is on good spans of the same operation.

    A value on every bad span and few good ones (a version, a zone, a node)
    is what tells them apart; ids and other high-cardinality tags are skipped.
    """
    if not bad:
        return []
    values: dict[str, Counter[str]] = {}
    for span in bad:
        for key, value in span.tags.items():
            if key not in _BORING and len(value) <= 120:
                values.setdefault(key, Counter())[value] += 1
    rows = []
    for key, counter in values.items():
        if len(counter) > max(5, len(bad) // 2):
            continue
        value, count = counter.most_common(1)[0]
        share_bad = count / len(bad)
        share_good = sum(1 for s in good if s.tags.get(key) == value) / len(good) if good else None
        if share_bad < 0.5 or share_bad - (share_good or 0.0) < 0.3:
            continue
        rows.append((share_bad - (share_good or 0.0), share_bad, {
            "key": key, "value": value, "share_bad": round(share_bad, 3),
            "share_good": None if share_good is None else round(share_good, 3)}))
    rows.sort(key=lambda r: (r[0], r[1]), reverse=True)
    return [row for _, _, row in rows[:top]]
