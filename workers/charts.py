"""Which metric observations a report rests on, as charts: the points the tool fetched, its change point, the rollout.

A metric observation is charted when the report names it (an evidence invocation, a
fact or the summary quoting its invocation) and one of its series changed in the
window: a flat line says nothing a sentence does not.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.charts import ChartLine, MetricChart
from tools.report import Report

MAX_CHARTS = 2  # per post: the thread is for people, not a dashboard
MAX_LINES = 4
UNITS = {("error_rate", "ratio_5xx"): "ratio", ("error_rate", "by_status"): "per_s", ("memory_vs_limit", ""): "bytes",
         ("latency_quantile", "series"): "seconds", ("cpu_throttling", ""): "ratio", ("restarts", ""): ""}


def metric_charts(values: dict[str, Any], report: Report, *,
                  limit: int | None = MAX_CHARTS) -> list[tuple[str, MetricChart]]:
    """(a key naming the observation, its chart) for each metric observation the report names, most telling
    first: those of the leading hypothesis, then the latest."""
    named = _named_text(report)
    found: list[tuple[int, int, str, MetricChart]] = []
    for ob in values.get("observations") or []:
        if ob.get("status") != "ok" or not ob.get("invocation") or ob["invocation"][:160] not in named:
            continue
        chart = observation_chart(ob, findings=values.get("findings") or [])
        if chart is not None:
            rank = 0 if ob["invocation"][:160] in _top_hypothesis_text(report) else 1
            found.append((rank, -int(ob.get("step") or 0), f"{ob.get('step')}:{ob['tool']}:{ob['invocation']}", chart))
    found.sort(key=lambda f: (f[0], f[1]))
    return [(key, chart) for _, _, key, chart in found[:limit]]


def observation_chart(ob: dict[str, Any], *, findings: list[dict[str, Any]]) -> MetricChart | None:
    """The chart of one metric observation's first group of series with a change point, else None."""
    queries = [q for q in ob["invocation"].split(" ; ") if not q.startswith(("series ", "GET "))]
    for index, (group, rows) in enumerate(_groups(ob.get("data"))):
        plotted = [r for r in rows if isinstance(r.get("chart"), list) and len(r["chart"]) >= 2]
        changed = next((r for r in plotted if r.get("change")), None)
        if changed is None:
            continue
        lines = [ChartLine(label=_label(r["labels"]) or ob["tool"], points=[(p[0], p[1]) for p in r["chart"]])
                 for r in plotted[:MAX_LINES]]
        start, end = lines[0].points[0][0], lines[0].points[-1][0]
        change_at = _unix(changed["change"].get("at"))
        rollout_at, label = _rollout(findings, ob, start=start, end=end)
        subject = ob.get("args", {}).get("service") or ob.get("args", {}).get("pod_regex") or ""
        title = f"{ob['tool']}{f' ({group})' if group else ''}{f' of {subject}' if subject else ''}"
        return MetricChart(title=title, lines=lines,
                           unit=UNITS.get((ob["tool"], group), ""), change_at=change_at, rollout_at=rollout_at,
                           rollout_label=label, caption=queries[min(index, len(queries) - 1)] if queries else "")
    return None


def _groups(data: Any) -> list[tuple[str, list[dict[str, Any]]]]:
    """Series rows by group: a tool's data is a list of rows, or a dict of named lists of rows."""
    if isinstance(data, list):
        return [("", [r for r in data if isinstance(r, dict) and "labels" in r])]
    if isinstance(data, dict):
        return [(str(k), [r for r in v if isinstance(r, dict) and "labels" in r])
                for k, v in data.items() if isinstance(v, list)]
    return []


def _rollout(findings: list[dict[str, Any]], ob: dict[str, Any], *, start: float,
             end: float) -> tuple[float | None, str]:
    """The onset of the rollout finding about this observation's subject (else the top finding's), if in view."""
    args = ob.get("args") or {}
    subject = str(args.get("service") or args.get("pod") or str(args.get("pod_regex") or "").split("-.*")[0])

    def about(f: dict[str, Any]) -> bool:
        names = {(f.get(k) or {}).get("name") for k in ("affected", "resource")}
        return bool(subject) and any(n and (subject == n or subject.startswith(n + "-")) for n in names)

    rollouts = [f for f in findings if str(f.get("analyzer", "")).startswith("rollout") and f.get("onset")]
    for f, label in [(f, "rollout") for f in rollouts if about(f)] + [(f, "onset") for f in findings[:1]]:
        at = _unix(f.get("onset"))
        if at is not None and start <= at <= end:
            return at, label
    return None, "rollout"


def _named_text(report: Report) -> str:
    parts = [report.summary] + [e.invocation + " " + e.fact for e in report.evidence]
    return "\n".join(parts + [_top_hypothesis_text(report)])


def _top_hypothesis_text(report: Report) -> str:
    return "\n".join(e for h in report.hypotheses[:1] for e in h.evidence)


def _label(labels: dict[str, str]) -> str:
    return " ".join(f"{k}={v}" for k, v in sorted(labels.items()) if k != "__name__")


def _unix(stamp: Any) -> float | None:
    if not stamp:
        return None
    try:
        return datetime.fromisoformat(str(stamp).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None
