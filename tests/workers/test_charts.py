"""Which observations become charts: metric evidence the report names, with a change, marked with the rollout."""
from __future__ import annotations

from typing import Any

from tools.models import Evidence
from tools.report import Report, ReportStatus
from workers.charts import metric_charts, observation_chart

T0 = 1_795_528_800  # 2026-11-24T14:00:00Z
INV = 'series {...} ; sum(rate(x{status=~"5.."}[5m])) / sum(rate(x[5m])) ; sum by (status) (rate(x[5m]))'


def _row(labels: dict[str, str], *, change: str | None, step: float = 0.4) -> dict[str, Any]:
    points = [[T0 - 1800 + 60 * i, 0.0 if i < 30 else step] for i in range(60)]
    return {"labels": labels, "flat": change is None, "chart": points,
            "change": {"at": change, "before": 0.0, "after": step, "shape": "step"} if change else None}


def _error_rate(*, ratio_change: str | None, status_change: str | None, step: int = 1) -> dict[str, Any]:
    return {"step": step, "tool": "error_rate", "args": {"namespace": "prod", "service": "payment"}, "status": "ok",
            "invocation": INV, "text": "...", "data": {
                "metric": "x", "ratio_5xx": [_row({}, change=ratio_change)],
                "by_status": [_row({"status": "200"}, change=status_change), _row({"status": "504"}, change=None)]}}


ROLLOUT = {"analyzer": "rollout.recent", "onset": "2026-11-24T14:00:05+00:00", "score": 0.5,
           "affected": {"kind": "Deployment", "namespace": "prod", "name": "payment"}, "resource": None}


def _report(*invocations: str) -> Report:
    return Report(status=ReportStatus.ESCALATED, summary="s",
                  evidence=[Evidence(fact="5xx share rose", invocation=i) for i in invocations])


def test_the_first_changed_group_is_charted_with_its_change_point_and_the_rollout_of_that_service() -> None:
    chart = observation_chart(_error_rate(ratio_change="2026-11-24T14:02:00Z", status_change=None),
                              findings=[ROLLOUT])

    assert chart is not None
    assert chart.title == "error_rate (ratio_5xx) of payment" and chart.unit == "ratio"
    assert chart.change_at == T0 + 120 and chart.rollout_at == T0 + 5 and chart.rollout_label == "rollout"
    assert chart.caption == 'sum(rate(x{status=~"5.."}[5m])) / sum(rate(x[5m]))'  # the query behind the lines


def test_a_group_without_a_change_is_skipped_for_the_next_one() -> None:
    chart = observation_chart(_error_rate(ratio_change=None, status_change="2026-11-24T14:02:00Z"), findings=[])

    assert chart is not None and chart.title == "error_rate (by_status) of payment" and chart.unit == "per_s"
    assert [line.label for line in chart.lines] == ["status=200", "status=504"]
    assert chart.caption == "sum by (status) (rate(x[5m]))" and chart.rollout_at is None


def test_flat_metrics_and_metrics_the_report_does_not_name_are_not_charted() -> None:
    flat = _error_rate(ratio_change=None, status_change=None)
    changed = _error_rate(ratio_change="2026-11-24T14:02:00Z", status_change=None)

    assert observation_chart(flat, findings=[]) is None
    assert metric_charts({"observations": [changed]}, _report("GET /api/v1/pods")) == []
    assert metric_charts({"observations": [flat]}, _report(INV)) == []
    charts = metric_charts({"observations": [changed], "findings": [ROLLOUT]}, _report(INV))
    assert [c.title for _, c in charts] == ["error_rate (ratio_5xx) of payment"]


def test_a_later_observation_of_the_same_query_is_charted_under_its_own_key() -> None:
    first = _error_rate(ratio_change="2026-11-24T14:02:00Z", status_change=None, step=1)
    again = _error_rate(ratio_change="2026-11-24T14:02:00Z", status_change=None, step=5)

    keys = [key for key, _ in metric_charts({"observations": [first, again]}, _report(INV), limit=None)]

    assert len(keys) == 2 and keys[0].startswith("5:")  # the latest first
