"""HTTP check against an allow-list: status, latency and a short redacted body excerpt. Read-only.

Only GET and HEAD, only to hosts or URL prefixes in `DEBUGBOT_HTTP_CHECK_ALLOW`
(host globs such as `*.svc.cluster.local`, `127.0.0.1:8080`, or prefixes such
as `https://status.example.com/`). Redirects are reported, never followed (the
next hop might be off the list). Environment proxies are ignored: a check of
an in-cluster Service must not detour through an egress proxy.
"""
from __future__ import annotations

import fnmatch
import http.client
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from tools.errors import InvalidArgs, NotAllowed, UpstreamError, UpstreamTimeout
from tools.models import ToolResult, ToolStatus
from tools.runner import run_tool
from tools.settings import Settings

BODY_LIMIT = 16 * 1024  # bytes read from the body, at most
EXCERPT_CHARS = 2000  # characters of it shown
_HEADERS = ("content-type", "content-length", "location", "retry-after", "server", "www-authenticate")


def http_check(url: str, *, settings: Settings, method: str = "GET") -> ToolResult:
    """One request to an allow-listed URL; every outcome (refusal, timeout, 503) is a result."""
    return run_tool("http_check", _check, invocation=f"{method.upper()} {url}",
                    max_tokens=settings.tool_output_tokens, url=url, settings=settings, method=method)


def _check(url: str, *, settings: Settings, method: str) -> ToolResult:
    method = method.upper()
    if method not in ("GET", "HEAD"):
        raise InvalidArgs(f"method {method} is not allowed: http_check is read-only (GET or HEAD)")
    target = urlsplit(url)
    if target.scheme not in ("http", "https") or not target.hostname:
        raise InvalidArgs(f"not an http(s) URL: {url!r}")
    if target.username is not None or target.password is not None:
        raise InvalidArgs("credentials in the URL are not allowed")
    if not allowed(url, settings.http_check_allow):
        raise NotAllowed(f"{target.hostname} is not allow-listed for http_check; an operator can add it to "
                         f"DEBUGBOT_HTTP_CHECK_ALLOW (host globs or URL prefixes; now: "
                         f"{', '.join(settings.http_check_allow) or 'empty'})")
    answer = _request(url, method=method, timeout_s=settings.http_check_timeout_s)
    return ToolResult(status=ToolStatus.OK, invocation=f"{method} {url}", text=answer.describe(url, method),
                      data=answer.data(url, method))


def allowed(url: str, allow: list[str]) -> bool:
    """True when the URL's host matches a host glob, or the URL starts with an allowed prefix
    at a path boundary (so `https://a.example.com/` does not admit `https://a.example.com.evil/`)."""
    target = urlsplit(url)
    host = (target.hostname or "").lower()
    hostport = f"{host}:{target.port}" if target.port else host
    for entry in (e.strip() for e in allow if e.strip()):
        if "://" in entry:
            prefix = entry.lower()
            if url.lower().startswith(prefix) and (
                    prefix.endswith("/") or len(url) == len(prefix) or url[len(prefix)] in "/?#"):
                return True
        elif fnmatch.fnmatchcase(host, entry.lower()) or fnmatch.fnmatchcase(hostport, entry.lower()):
            return True
    return False


@dataclass
class _Answer:
    status: int
    reason: str
    latency_ms: float
    headers: dict[str, str]
    body: bytes
    body_truncated: bool

    def describe(self, url: str, method: str) -> str:
        head = f"{method} {url} -> {self.status} {self.reason} in {self.latency_ms:.0f} ms"
        shown = {k: v for k, v in self.headers.items() if k != "content-length"}
        lines = [head, *(f"{k}: {v}" for k, v in shown.items())]
        if 300 <= self.status < 400 and "location" in self.headers:
            lines.append("(redirect not followed)")
        if self.body:
            text = self.body.decode("utf-8", "replace")
            more = "+" if self.body_truncated else ""
            excerpt = text[:EXCERPT_CHARS]
            cut = f" (first {len(excerpt):,} characters)" if len(text) > len(excerpt) or more else ""
            lines.append(f"body, {len(self.body):,}{more} bytes{cut}:")
            lines.append(excerpt)
        return "\n".join(lines)

    def data(self, url: str, method: str) -> dict[str, Any]:
        return {"url": url, "method": method, "status": self.status, "reason": self.reason,
                "latency_ms": round(self.latency_ms, 1), "headers": self.headers,
                "body_bytes_read": len(self.body), "body_truncated": self.body_truncated}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def _request(url: str, *, method: str, timeout_s: float) -> _Answer:
    request = urllib.request.Request(url, method=method, headers={"User-Agent": "debugbot-http-check/1"})
    started = time.monotonic()
    try:
        response: http.client.HTTPResponse | urllib.error.HTTPError = _OPENER.open(request, timeout=timeout_s)
    except urllib.error.HTTPError as err:  # 4xx/5xx and unfollowed 3xx are answers, not failures
        response = err
    except (TimeoutError, urllib.error.URLError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError):
            raise UpstreamTimeout(f"no answer from {url} within {timeout_s:g} s "
                                  "(DEBUGBOT_HTTP_CHECK_TIMEOUT_S)") from exc
        raise UpstreamError(f"cannot connect to {urlsplit(url).netloc}: {reason}") from exc
    try:
        latency_ms = (time.monotonic() - started) * 1000
        body = b"" if method == "HEAD" else _read(response, timeout_s=timeout_s, url=url)
        headers = {k.lower(): v for k, v in response.headers.items() if k.lower() in _HEADERS}
        return _Answer(status=int(response.status or 0), reason=str(response.reason or ""), latency_ms=latency_ms,
                       headers=headers, body=body[:BODY_LIMIT], body_truncated=len(body) > BODY_LIMIT)
    finally:
        response.close()


def _read(response: Any, *, timeout_s: float, url: str) -> bytes:
    try:
        return bytes(response.read(BODY_LIMIT + 1))
    except TimeoutError as exc:
        raise UpstreamTimeout(f"{url} answered but its body did not arrive within {timeout_s:g} s") from exc
