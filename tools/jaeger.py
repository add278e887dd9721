"""Jaeger query HTTP API client (Jaeger, or Tempo's Jaeger-compatible endpoint) and its span model.

Plain `urllib`, like the Prometheus client. Every failure is translated at
entry: 401/403 -> Forbidden, 404 -> NotFound, other 4xx/5xx -> UpstreamError
with Jaeger's own `errors[].msg`, no answer in `timeout_s` -> UpstreamTimeout,
nobody listening -> UpstreamError naming the URL.
"""
from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from tools.errors import Forbidden, NotFound, UpstreamError, UpstreamTimeout

_MESSAGE_TAGS = ("error.message", "exception.message", "otel.status_description", "error.object", "message")
_MESSAGE_LOG_FIELDS = ("message", "error.object", "exception.message", "error.message", "error.kind")


@dataclass(slots=True)
class Span:
    """One span as the summaries need it: tree links, service, timing, and whether and why it failed."""

    trace_id: str
    span_id: str
    parent_id: str | None
    service: str
    operation: str
    start_us: int
    duration_us: int
    error: bool
    tags: dict[str, str]
    message: str = ""
    follows_from: bool = False  # the parent does not wait for it (an async hand-off)

    @property
    def end_us(self) -> int:
        return self.start_us + self.duration_us


class JaegerClient:
    """GET the query API under `base_url` (e.g. http://jaeger-query:16686, or a prefix like .../jaeger)."""

    def __init__(self, base_url: str, *, timeout_s: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s

    def path(self, endpoint: str, params: Mapping[str, str] | None = None) -> str:
        """The request's path and query string, rerunnable against the same host."""
        query = f"?{urlencode(params)}" if params else ""
        return f"{urlsplit(self.base_url).path}{endpoint}{query}"

    def services(self) -> list[str]:
        return [str(s) for s in self.get("/api/services") or []]

    def operations(self, service: str) -> list[str]:
        data = self.get(f"/api/services/{quote(service, safe='')}/operations") or []
        return [str(op["name"]) if isinstance(op, dict) else str(op) for op in data]

    def search(self, params: Mapping[str, str]) -> list[dict[str, Any]]:
        return list(self.get("/api/traces", params) or [])

    def trace(self, trace_id: str) -> list[dict[str, Any]]:
        return list(self.get(f"/api/traces/{quote(trace_id, safe='')}") or [])

    def get(self, endpoint: str, params: Mapping[str, str] | None = None) -> Any:
        """The `data` of one answer; any failure becomes a ToolError subclass."""
        query = f"?{urlencode(params)}" if params else ""
        try:
            with urllib.request.urlopen(f"{self.base_url}{endpoint}{query}",  # noqa: S310 - URL from settings
                                        timeout=self.timeout_s) as resp:
                body = resp.read()
        except urllib.error.HTTPError as exc:
            raise _http_error(endpoint, exc) from exc
        except (TimeoutError, socket.timeout) as exc:
            raise self._timeout(endpoint) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                raise self._timeout(endpoint) from exc
            raise UpstreamError(f"cannot reach Jaeger at {self.base_url}: {exc.reason}") from exc
        try:
            doc = json.loads(body)
        except ValueError as exc:
            raise UpstreamError(f"Jaeger {endpoint} sent something that is not JSON") from exc
        if not isinstance(doc, dict):
            raise UpstreamError(f"Jaeger {endpoint} sent JSON without a `data` field")
        if doc.get("errors"):
            raise UpstreamError(f"Jaeger {endpoint}: {_messages(doc)}")
        return doc.get("data")

    def _timeout(self, endpoint: str) -> UpstreamTimeout:
        return UpstreamTimeout(f"timeout: Jaeger did not answer {endpoint} within {self.timeout_s:g}s")


def _messages(doc: Mapping[str, Any]) -> str:
    errors = doc.get("errors") or []
    texts = [str(e.get("msg", e)) if isinstance(e, dict) else str(e) for e in errors]
    return "; ".join(texts) or str(doc.get("error") or "")


def _http_error(endpoint: str, exc: urllib.error.HTTPError) -> UpstreamError:
    try:
        doc = json.loads(exc.read() or b"{}")
        detail = _messages(doc) if isinstance(doc, dict) else ""
    except ValueError:
        detail = ""
    msg = f"Jaeger {endpoint} answered {exc.code}" + (f": {detail}" if detail else f" {exc.reason}")
    if exc.code in (401, 403):
        return Forbidden(msg, status=exc.code)
    if exc.code == 404:
        return NotFound(msg, status=exc.code)
    if exc.code in (408, 504):
        return UpstreamTimeout(msg, status=exc.code)
    return UpstreamError(msg, status=exc.code)


# ---- Jaeger's JSON model -> Span -----------------------------------------------------------------

def _tag_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _is_error(tags: Mapping[str, str]) -> bool:
    if tags.get("error") == "true" or tags.get("otel.status_code") == "ERROR":
        return True
    code = tags.get("http.status_code") or tags.get("http.response.status_code") or ""
    return code.isdigit() and int(code) >= 500


def _message(tags: Mapping[str, str], logs: Iterable[Mapping[str, Any]]) -> str:
    for key in _MESSAGE_TAGS:
        if tags.get(key):
            return tags[key]
    for entry in logs:
        fields = {f.get("key"): f.get("value") for f in entry.get("fields") or []}
        for key in _MESSAGE_LOG_FIELDS:
            if fields.get(key):
                return str(fields[key])
    return ""


def _parent(raw: Mapping[str, Any]) -> tuple[str | None, bool]:
    refs = raw.get("references") or []
    child_of = [r for r in refs if r.get("refType", "CHILD_OF") == "CHILD_OF"]
    chosen = child_of[0] if child_of else (refs[0] if refs else None)
    if chosen is not None:
        return str(chosen.get("spanID")), not child_of
    parent = raw.get("parentSpanID")
    return (str(parent), False) if parent else (None, False)


def parse_trace(doc: Mapping[str, Any]) -> list[Span]:
    """The spans of one trace in Jaeger's UI model (`spans`, `processes`, `references`)."""
    services = {pid: str((p or {}).get("serviceName", "unknown")) for pid, p in (doc.get("processes") or {}).items()}
    out = []
    for raw in doc.get("spans") or []:
        tags = {str(t.get("key")): _tag_text(t.get("value")) for t in raw.get("tags") or []}
        parent, follows = _parent(raw)
        out.append(Span(trace_id=str(raw.get("traceID") or doc.get("traceID") or ""), span_id=str(raw.get("spanID")),
                        parent_id=parent, service=services.get(str(raw.get("processID")), "unknown"),
                        operation=str(raw.get("operationName", "")), start_us=int(raw.get("startTime") or 0),
                        duration_us=int(raw.get("duration") or 0), error=_is_error(tags), tags=tags,
                        message=_message(tags, raw.get("logs") or []), follows_from=follows))
    return out


def parse_traces(data: Iterable[Mapping[str, Any]]) -> list[Span]:
    """Every span of every trace in a search answer's `data`."""
    return [span for doc in data for span in parse_trace(doc)]
