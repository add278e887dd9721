"""Confirmations the rules reasoner applies to analyzer findings with what the tools showed.

Each takes a finding and the observations, and raises (or lowers) its score with the facts that moved it.
"""
from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from agent.evidence import log_signals, metric_rows, rises_after
from agent.findings import Finding

CONFIRMED = 0.6
# Parts of config values too common to tie an error line to an edit.
_GENERIC = {"http", "https", "tcp", "udp", "svc", "cluster", "local", "true", "false", "default", "none", "info"}


def confirm_restart_pickup(f: Finding, observations: list[Any]) -> None:
    """Confirmed when the restarted pods fail, more so when their errors name an edited value."""
    if f.affected is None:
        return
    sigs = [s for s in log_signals(observations, pod_prefix=f.affected.name + "-") if s.category]
    if not sigs:
        return
    f.score = min(0.9, f.score + 0.25)
    f.facts += [f"since the restart {f.affected.name} logs: {s.line}" for s in sigs[:2]]
    tokens = {t for v in f.data.get("values", []) for t in re.split(r"[\s:/,=@]+", str(v))
              if len(t) >= 3 and t.lower() not in _GENERIC}
    named = [t for t in sorted(tokens) if any(re.search(rf"\b{re.escape(t)}\b", s.line) for s in sigs)]
    if named:
        f.score = min(0.9, f.score + 0.15)
        f.facts.append(f"the errors name the edited value(s): {', '.join(named[:3])}")


def confirm_stale_secret(f: Finding, observations: list[Any]) -> None:
    """Confirmed when the pods holding the old copy log rejected credentials after the Secret was rewritten."""
    if f.affected is None:
        return
    since = str(f.data.get("written_at", ""))[:19]
    sigs = [s for s in log_signals(observations, pod_prefix=f.affected.name + "-")
            if s.name == "credentials rejected"]
    after = [s for s in sigs if not (m := _STAMP.search(s.line)) or m.group(0) >= since]
    if after:
        f.score = min(0.9, f.score + 0.4)
        f.facts += [f"since the rotation {f.affected.name} logs: {s.line}" for s in after[:2]]


def confirm_recurring(f: Finding, observations: list[Any]) -> None:
    """The previous run's log says why the pods die: running out of memory makes the recurring crash a leak."""
    if f.affected is None:
        return
    sigs = log_signals(observations, pod_prefix=f.affected.name + "-")
    oom = [s for s in sigs if s.category == "oom_killed"]
    if oom:
        f.category = "memory_leak"
        f.summary = f"{f.affected.label()} leaks memory: each pod runs out of memory after hours and dies"
        f.score = min(0.9, f.score + 0.1)
        f.facts += [f"the previous run of {f.affected.name} ended with: {s.line}" for s in oom[:2]]
    f.facts += [f"{f.affected.name} logs: {s.line}" for s in sigs if s.category != "oom_killed"][:2]


def confirm_startup(f: Finding, observations: list[Any]) -> None:
    """A start-up that fails on something (a refused dependency, bad config) needs that fixed, not more time."""
    if f.affected is None:
        return
    failing = [s for s in log_signals(observations, pod_prefix=f.affected.name + "-") if s.category]
    if failing:
        f.score = round(f.score * 0.6, 3)
        f.against.append(f"the start-up fails on something, not only slowly: {failing[0].line}")


_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")


def confirm_node_contention(f: Finding, observations: list[Any]) -> None:
    """Confirmed when the neighbour's pod on that node lost CPU when the batch pod started, and its latency rose."""
    if f.affected is None or f.onset is None:
        return
    since = (f.onset - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S")
    rows = metric_rows(observations, "cpu_vs_limit", pod_prefix=f.affected.name + "-")
    starved = [r for r in rows if r["labels"].get("pod") == f.data.get("pod") and (r.get("change") or {}).get("at")
               and r["change"]["at"] >= since and r["change"]["after"] < 0.8 * r["change"]["before"]]
    if starved:
        c = starved[0]["change"]
        others = len(rows) - 1
        f.score = min(0.9, f.score + 0.2)
        f.facts.append(f"CPU used by {f.data.get('pod')} on {f.data.get('node')} fell from {c['before']:.2f} to "
                       f"{c['after']:.2f} cores at {c['at']}" + (f"; the {others} other pod(s) on other nodes did "
                                                                 "not" if others > 0 else ""))
    rises = rises_after(observations, service=f.affected.name, since=since)
    if rises and starved:
        f.score = min(0.9, f.score + 0.2)
        f.facts += rises[:2]


def unsteady_latency(f: Finding, observations: list[Any]) -> None:
    """No rise in the window is no proof of no impact when the latency swings: the harm may predate the window."""
    assert f.affected is not None
    series = [r for o in observations if o["tool"] == "latency_quantile" and o["status"] == "ok"
              and o["args"].get("service") == f.affected.name and isinstance(o.get("data"), dict)
              for r in o["data"].get("series") or [] if isinstance(r, dict)]
    swings = [r for r in series
              if not r.get("flat") and float(r.get("peak") or 0) >= 1.5 * float(r.get("low") or 0) > 0]
    if swings:
        r = swings[0]
        f.against = [a for a in f.against if "no rise" not in a]
        f.score = max(f.score, 0.7)
        f.facts.append(f"p99 latency swings between {float(r['low']):.3g}s and {float(r['peak']):.3g}s in the window "
                       "(not flat): the throttling shows in what users see")


def superseded(findings: list[Finding]) -> None:
    """A restart that only brought in an edited ConfigMap is not a bad rollout: rolling back changes nothing."""
    for f in findings:
        if f.analyzer != "config.restart" or f.score < CONFIRMED:
            continue
        for other in findings:
            if other.analyzer == "rollout.recent" and other.affected == f.affected:
                other.score = round(other.score * 0.5, 3)
                other.against.append("that revision only restarted the pods: a rollback re-creates the same "
                                     "template, which reads the same edited ConfigMap")


def confirm_zero_count(f: Finding, observations: list[Any]) -> None:
    """A workload scaled to zero goes back to the most replicas the metrics saw it run with over the last day."""
    if f.action is None or f.data.get("known_count") or not f.confirm_with:
        return
    query = f.confirm_with[0].args.get("query")
    values = [float(row.get("value") or 0) for ob in observations
              if ob["tool"] == "promql" and ob["args"].get("query") == query and isinstance(ob.get("data"), list)
              for row in ob["data"] if isinstance(row, dict)]
    count = int(max(values, default=0))
    if count > 0:
        f.action = f.action.model_copy(update={"params": {"replicas": count},
                                               "rationale": f"restore the {count} replicas it ran with until it "
                                                            f"was scaled to zero"})
        f.facts.append(f"the replica count was {count} within the last day before it dropped to 0")
        f.score = min(0.9, f.score + 0.05)
