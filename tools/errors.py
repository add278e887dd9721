"""The one error tree of the tool layer.

    ToolError
    ├── UpstreamError          the API server, Prometheus or Jaeger answered badly
    │   ├── UpstreamTimeout    ... or not at all in time
    │   ├── Forbidden          ... with 401/403
    │   ├── NotFound           ... with 404
    │   └── Conflict           ... with 409 (a stale resourceVersion)
    ├── InvalidArgs            the caller (a reasoner) asked for something malformed
    └── NotAllowed             policy refuses it (namespace, kind, field, host)

Code inside `tools/` raises these; `tools/runner.py` turns any of them (and
anything else) into a `ToolResult(status=error)` carrying the message.
"""
from __future__ import annotations


class ToolError(Exception):
    """Base of every error a tool raises on purpose."""


class UpstreamError(ToolError):
    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class UpstreamTimeout(UpstreamError):
    pass


class Forbidden(UpstreamError):
    pass


class NotFound(UpstreamError):
    pass


class Conflict(UpstreamError):
    pass


class InvalidArgs(ToolError):
    pass


class NotAllowed(ToolError):
    pass
