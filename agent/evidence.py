"""Reading tool observations for signals: error lines in logs, dependency failures, changes in metrics."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from agent.state import Observation

# (signal, category it points at, pattern)
_LOG_SIGNALS: list[tuple[str, str, re.Pattern[str]]] = [
    ("missing configuration", "config_error", re.compile(
        r"(environment variable|env var)\S* \S+ (is )?(not set|missing|required)|required (environment|config)"
        r"|missing required|unknown (flag|option)|invalid (value|config)|failed to (parse|load) config"
        r"|no such file or directory|could not read config|configuration error", re.I)),
    ("credentials rejected", "dependency_failure", re.compile(
        r"password authentication failed|authentication failed|access denied for user|invalid credentials"
        r"|NOAUTH|WRONGPASS|SASL authentication|401 Unauthorized", re.I)),
    ("dependency unreachable", "dependency_failure", re.compile(
        r"connection refused|ECONNREFUSED|could not connect|no route to host|connection reset"
        r"|broker.*not available|upstream connect error", re.I)),
    ("name resolution failing", "dns_failure", re.compile(
        r"no such host|SERVFAIL|Temporary failure in name resolution|getaddrinfo|NXDOMAIN"
        r"|lookup \S+ on \S+:53", re.I)),
    ("access forbidden", "access_denied", re.compile(
        r"is forbidden: User|AccessDenied|403 Forbidden|PermissionDenied|not authorized to perform", re.I)),
    ("disk full", "storage", re.compile(r"No space left on device|disk quota exceeded|ENOSPC", re.I)),
    ("request failures", "", re.compile(
        r"\b(ERROR|FATAL|panic|Exception|Traceback)\b|timeout|timed out|deadline exceeded|\b5\d\d\b", re.I)),
]


@dataclass
class Signal:
    name: str
    category: str
    line: str
    tool: str
    invocation: str


def log_signals(observations: list[Observation], *, pod_prefix: str | None = None) -> list[Signal]:
    """Signals found in pod_logs observations (optionally only for pods whose name starts with pod_prefix)."""
    out: list[Signal] = []
    for ob in observations:
        if ob["tool"] != "pod_logs" or ob["status"] != "ok":
            continue
        if pod_prefix and not str(ob["args"].get("pod", "")).startswith(pod_prefix):
            continue
        for line in ob["text"].splitlines():
            for name, category, pattern in _LOG_SIGNALS:
                if pattern.search(line):
                    out.append(Signal(name, category, line.strip()[:240], ob["tool"], ob["invocation"]))
                    break
    return out


def observation_facts(observations: list[Observation], *, limit: int = 12) -> list[tuple[str, str]]:
    """The first informative line of each ok observation, with its invocation."""
    out: list[tuple[str, str]] = []
    for ob in observations:
        if ob["status"] != "ok":
            continue
        lines = [ln.strip() for ln in ob["text"].splitlines() if ln.strip()]
        if lines:
            out.append((" | ".join(lines[:3])[:400], ob["invocation"]))
    return out[:limit]


def metric_rows(observations: list[Observation], tool: str, *, pod_prefix: str | None = None) -> list[dict[str, Any]]:
    """Summary rows (baseline, peak, change, slope, limit...) of a metric tool's observations."""
    rows: list[dict[str, Any]] = []
    for ob in observations:
        if ob["tool"] != tool or ob["status"] != "ok" or not isinstance(ob.get("data"), list):
            continue
        for row in ob["data"]:
            if isinstance(row, dict) and (pod_prefix is None
                                          or str(row.get("labels", {}).get("pod", "")).startswith(pod_prefix)):
                rows.append(row)
    return rows


def growing(row: dict[str, Any]) -> bool:
    """Memory that climbs steadily toward its limit: the shape of a leak, not of a limit that is too small."""
    limit, slope = row.get("limit"), float(row.get("slope_per_hour") or 0.0)
    span = float(row.get("peak") or 0.0) - float(row.get("low") or 0.0)
    return bool(limit) and slope > 0 and not row.get("flat") and span > 0.25 * float(limit or 0) \
        and int(row.get("points") or 0) >= 10


def _rows(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, dict):
        if "change" in data and "labels" in data:
            return [data]
        return [r for v in data.values() for r in _rows(v)]
    if isinstance(data, list):
        return [r for v in data for r in _rows(v)]
    return []


def rises_after(observations: list[Observation], *, service: str, since: str) -> list[str]:
    """Error-rate and latency series of `service` that stepped or ramped up at or after `since` (RFC 3339)."""
    out: list[str] = []
    for ob in observations:
        if ob["tool"] not in ("error_rate", "latency_quantile") or ob["args"].get("service") != service:
            continue
        for row in _rows(ob.get("data")):
            change = row.get("change") or {}
            if change.get("at") and change["at"] >= since[:19] and change.get("after", 0) > change.get("before", 0):
                out.append(f"{ob['tool']} of {service} rose at {change['at']}: {change['before']:.3g} -> "
                           f"{change['after']:.3g} ({ob['invocation'][:160]})")
    return out
