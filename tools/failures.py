"""Library exceptions translated into the tool error tree, with messages a human can act on.

`translate_exception` is called at the edge of every tool (and by the runner
for anything a tool let through): a Kubernetes `ApiException` becomes
Forbidden/NotFound/Conflict/UpstreamTimeout/UpstreamError by status, with
the API server's own Status message; urllib3, requests, urllib and socket
timeouts become UpstreamTimeout; refused connections become UpstreamError.
"""
from __future__ import annotations

import json
import re
import socket
import urllib.error
from typing import Any

from tools.errors import Conflict, Forbidden, NotFound, ToolError, UpstreamError, UpstreamTimeout

_RBAC = re.compile(r'User "(?P<user>[^"]+)" cannot (?P<verb>[\w-]+) resource "(?P<resource>[^"]+)"'
                   r'(?: in API group "(?P<group>[^"]*)")?(?: in the namespace "(?P<ns>[^"]+)"| at the cluster scope)?')


def translate_exception(exc: BaseException) -> ToolError:
    """The ToolError that says what went wrong upstream; a ToolError is returned as it is."""
    if isinstance(exc, ToolError):
        return exc
    status = _api_status(exc)
    if status is not None:
        return _from_status(status, reason=str(getattr(exc, "reason", "") or ""), message=_api_message(exc))
    timeout = _timeout_text(exc)
    if timeout is not None:
        return UpstreamTimeout(timeout)
    if isinstance(exc, urllib.error.HTTPError):
        return _from_status(exc.code, reason=str(exc.reason), message=_read_body(exc))
    connect = _connect_text(exc)
    if connect is not None:
        return UpstreamError(connect)
    return ToolError(f"unexpected {type(exc).__name__}: {exc}")


def _api_status(exc: BaseException) -> int | None:
    try:
        from kubernetes.client.exceptions import ApiException
    except ImportError:  # pragma: no cover - kubernetes is a dependency
        return None
    if isinstance(exc, ApiException):
        return int(exc.status or 0)
    return None


def _api_message(exc: BaseException) -> str:
    """The `message` of the Status object in the body, else the raw body, else the reason."""
    body: Any = getattr(exc, "body", None)
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str) and body.strip():
        try:
            parsed = json.loads(body)
        except ValueError:
            return body.strip()[:500]
        if isinstance(parsed, dict) and parsed.get("message"):
            return str(parsed["message"])
    return str(getattr(exc, "reason", "") or "")


def _from_status(status: int, *, reason: str, message: str) -> ToolError:
    detail = message or reason or "no detail"
    if status in (401, 403):
        return Forbidden(_forbidden_text(status, detail), status=status)
    if status == 404:
        return NotFound(f"not found (404): {detail}", status=status)
    if status == 409:
        return Conflict(f"conflict (409): {detail}; the object changed since it was read, read it again",
                        status=status)
    if status in (408, 504):
        return UpstreamTimeout(f"upstream timed out ({status}): {detail}", status=status)
    if status == 429:
        return UpstreamError(f"rate limited (429): {detail}; wait and retry less often", status=status)
    if status == 0:
        return UpstreamError(f"no HTTP answer: {detail}", status=None)
    return UpstreamError(f"{reason or 'error'} ({status}): {detail}", status=status)


def _forbidden_text(status: int, detail: str) -> str:
    if status == 401:
        return f"unauthorized (401): the API server does not accept the investigator's credentials: {detail}"
    m = _RBAC.search(detail)
    if m is None:
        return f"forbidden (403): {detail}"
    user = m["user"]
    if user.startswith("system:serviceaccount:"):
        ns, _, name = user.removeprefix("system:serviceaccount:").partition(":")
        user = f"service account {ns}/{name}"
    group = f" (API group {m['group']})" if m["group"] else ""
    where = f" in namespace {m['ns']}" if m["ns"] else " cluster-wide"
    return (f"forbidden: {user} may not {m['verb']} {m['resource']}{group}{where} (403); "
            "its RBAC role does not grant it")


def _timeout_text(exc: BaseException) -> str | None:
    import requests
    import urllib3

    for err in _causes(exc):
        if isinstance(err, urllib3.exceptions.NewConnectionError):
            return None  # urllib3 files "refused" under ConnectTimeoutError: it is a connect failure
        if isinstance(err, (urllib3.exceptions.TimeoutError, requests.exceptions.Timeout, socket.timeout,
                            TimeoutError)):
            return f"no answer in time: {str(err).removeprefix('None: ')}"
        if isinstance(err, urllib.error.URLError) and isinstance(err.reason, (socket.timeout, TimeoutError)):
            return f"no answer in time: {err.reason}"
    return None


def _connect_text(exc: BaseException) -> str | None:
    import requests
    import urllib3

    for err in _causes(exc):
        if isinstance(err, urllib3.exceptions.MaxRetryError) and err.reason is not None:
            return f"cannot reach {err.url or 'the server'}: {err.reason}"
        if isinstance(err, (urllib3.exceptions.HTTPError, requests.exceptions.ConnectionError, ConnectionError,
                            urllib.error.URLError, OSError)):
            return f"cannot reach the server: {getattr(err, 'reason', None) or err}"
    return None


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception, its `reason` (urllib3 wraps the real error there) and its causes."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain and len(chain) < 8:
        chain.append(current)
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException) and reason not in chain:
            chain.append(reason)
        current = current.__cause__ or current.__context__
    return chain


def _read_body(exc: urllib.error.HTTPError) -> str:
    try:
        return exc.read(2000).decode("utf-8", "replace").strip()
    except (OSError, ValueError):
        return ""
