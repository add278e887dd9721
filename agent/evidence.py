"""Reading tool observations for signals: error lines in logs, dependency failures, changes in metrics."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from agent.findings import Finding
from agent.state import Observation
from tools.models import ActionName, ObjectRef, ProposedAction
from tools.trace_findings import trace_findings

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
    ("out of memory", "oom_killed", re.compile(
        r"out of memory|OutOfMemory|heap limit|oom[- ]?kill|Perhaps out of memory|Cannot allocate memory", re.I)),
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


LEAK_HORIZON_H = 24.0  # a level still climbing that would reach the limit within a day


def growing(row: dict[str, Any]) -> bool:
    """Memory that climbs steadily toward its limit: the shape of a leak, not of a limit that is too small.

    In a sawtooth (climb, kill, restart) the growth that counts is the climb within each cycle, however short
    the cycles; without one, the typical level (medians, not the spikes) must rise by a tenth of the limit
    or more over the window and be on course to reach the limit within a day. Short spikes to the limit
    from a flat level are a workload that needs more memory than it may use, not a leak.
    """
    limit = float(row.get("limit") or 0.0)
    if not limit or row.get("flat") or int(row.get("points") or 0) < 10:
        return False
    if row.get("drops"):
        return float(row.get("climb_per_hour") or 0.0) > 0
    level = float(row.get("level_slope_per_hour") or 0.0)
    if level <= 0:
        return False
    rise = level * float(row.get("hours") or 0.0)
    headroom = limit - float(row.get("current") or 0.0)
    return rise >= 0.1 * limit and headroom / level <= LEAK_HORIZON_H


def series_rows(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, dict):
        if "change" in data and "labels" in data:
            return [data]
        return [r for v in data.values() for r in series_rows(v)]
    if isinstance(data, list):
        return [r for v in data for r in series_rows(v)]
    return []


def rises_after(observations: list[Observation], *, service: str, since: str) -> list[str]:
    """Error-rate and latency series of `service` that stepped or ramped up at or after `since` (RFC 3339)."""
    out: list[str] = []
    for ob in observations:
        if ob["tool"] not in ("error_rate", "latency_quantile") or ob["args"].get("service") != service:
            continue
        for row in series_rows(ob.get("data")):
            change = row.get("change") or {}
            if change.get("at") and change["at"] >= since[:19] and change.get("after", 0) > change.get("before", 0):
                out.append(f"{ob['tool']} of {service} rose at {change['at']}: {change['before']:.3g} -> "
                           f"{change['after']:.3g} ({ob['invocation'][:160]})")
    return out


def trace_leads(observations: list[Observation], *, share: float = 0.05) -> list[tuple[str, dict[str, Any]]]:
    """(traced service, lead) for the unhandled leads of each find_traces observation that touch `share` of traces."""
    out: list[tuple[str, dict[str, Any]]] = []
    for ob in observations:
        if ob["tool"] != "find_traces" or ob["status"] != "ok" or not isinstance(ob.get("data"), dict):
            continue
        for lead in trace_findings(ob["data"])[:2]:
            if not lead.get("handled") and float(lead.get("share") or 0) >= share:
                out.append((str(ob["args"].get("service", "")), lead))
    return out


def leak_findings(focus: dict[str, Any], observations: list[Observation], known: list[Finding]) -> list[Finding]:
    """The workload in focus whose memory climbs toward its limit (no OOM finding about it yet): a leak.

    Worker processes killed inside a container (a pre-fork server's SIGKILLed worker) restart nothing the
    API shows; the memory graph and the log line are the whole evidence.
    """
    workloads = focus.get("workloads") or []
    if not workloads:
        return []
    w = workloads[0]
    target = ObjectRef(kind=w["kind"], namespace=w["namespace"], name=w["name"])
    if any(f.affected == target and f.category in ("oom_killed", "memory_leak") for f in known):
        return []
    rows = metric_rows(observations, "memory_vs_limit", pod_prefix=target.name + "-")
    leaking = [r for r in rows if growing(r)]
    if not rows or 2 * len(leaking) < len(rows):
        return []
    r = max(leaking, key=lambda x: float(x.get("current") or 0) / float(x["limit"]))
    facts = [f"memory of {len(leaking)} of {len(rows)} containers of {target.name} climbs toward the limit: "
             f"{r['labels'].get('pod')} at {float(r['current']) / 2**20:.0f}Mi of {float(r['limit']) / 2**20:.0f}Mi, "
             f"rising {float(r.get('level_slope_per_hour') or r.get('climb_per_hour') or 0) / 2**20:.0f}Mi/h"]
    oom = [s for s in log_signals(observations, pod_prefix=target.name + "-") if s.category == "oom_killed"]
    facts += [f"{target.name} logs: {s.line}" for s in oom[:2]]
    drops = any(r.get("drops") for r in leaking)  # without a kill seen, a climb may be a cache warming up
    return [Finding("observed.leak", "memory_leak", target, 0.75 if oom else 0.62 if drops else 0.5,
                    f"{target.label()} leaks memory: it climbs toward the limit until processes are killed",
                    facts, affected=target, action=ProposedAction(
                        action=ActionName.RESTART_WORKLOAD, target=target,
                        rationale="a rolling restart frees the leaked memory now; the leak itself needs a code or "
                                  "config fix (bound the cache or buffer that grows), and a bigger limit only "
                                  "delays the next kill"))]
