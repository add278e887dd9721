"""PromQL aggregation operators (sum, avg, topk, quantile, ...) with by/without grouping, as Prometheus 2.42."""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sandbox.promql_ast import Aggregate
from sandbox.promql_histogram import quantile
from sandbox.promql_values import (
    PromQLError, Sample, String, Vector, keep_labels, set_label, without_labels,
)
from sandbox.series import METRIC_NAME, Labels, format_value

if TYPE_CHECKING:
    from sandbox.promql_eval import Evaluator

_LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


@dataclass
class Group:
    labels: Labels
    value: float
    mean: float
    count: int = 1
    members: list[Sample] = field(default_factory=list)


def _add_avg(group: Group, v: float) -> None:
    group.count += 1
    if math.isinf(group.mean):
        if math.isinf(v) and (group.mean > 0) == (v > 0):
            return
        if not math.isinf(v) and not math.isnan(v):
            return
    group.mean += v / group.count - group.mean / group.count


def _add_var(group: Group, v: float) -> None:
    group.count += 1
    delta = v - group.mean
    group.mean += delta / group.count
    group.value += delta * (v - group.mean)


def _add_max(group: Group, v: float) -> None:
    if group.value < v or math.isnan(group.value):
        group.value = v


def _add_min(group: Group, v: float) -> None:
    if group.value > v or math.isnan(group.value):
        group.value = v


def _add_sum(group: Group, v: float) -> None:
    group.value += v


def _add_count(group: Group, v: float) -> None:
    group.count += 1


ADD: dict[str, Callable[[Group, float], None]] = {
    "sum": _add_sum, "avg": _add_avg, "max": _add_max, "min": _add_min, "count": _add_count,
    "count_values": _add_count, "group": lambda g, v: None, "stddev": _add_var, "stdvar": _add_var,
}
RESULT: dict[str, Callable[[Group], float]] = {
    "sum": lambda g: g.value, "avg": lambda g: g.mean, "max": lambda g: g.value, "min": lambda g: g.value,
    "count": lambda g: float(g.count), "count_values": lambda g: float(g.count), "group": lambda g: 1.0,
    "stdvar": lambda g: g.value / g.count, "stddev": lambda g: math.sqrt(g.value / g.count),
}


def _grouping_key(node: Aggregate, labels: Labels, grouping: tuple[str, ...]) -> Labels:
    if node.without:
        return without_labels(labels, (*grouping, METRIC_NAME))
    return keep_labels(labels, grouping)


def aggregate(ev: Evaluator, node: Aggregate, ts: int) -> Vector:
    vector = ev.eval_vector(node.expr, ts)
    grouping = node.grouping
    if node.op == "count_values":
        param = ev.eval(node.param, ts) if node.param is not None else None
        if not isinstance(param, String) or not _LABEL_NAME.match(param.value):
            raise PromQLError(f"invalid label name {getattr(param, 'value', '')!r}")
        vector = [Sample(set_label(s.labels, param.value, format_value(s.value)), s.value) for s in vector]
        grouping = grouping if node.without else (*grouping, param.value)
    if node.op in ("topk", "bottomk", "quantile"):
        return _ranked(ev, node, vector, ts)
    groups: dict[Labels, Group] = {}
    for sample in vector:
        key = _grouping_key(node, sample.labels, grouping)
        group = groups.get(key)
        if group is None:
            first = 0.0 if node.op in ("stddev", "stdvar") else sample.value
            groups[key] = Group(key, first, sample.value)
        else:
            ADD[node.op](group, sample.value)
    return [Sample(g.labels, RESULT[node.op](g)) for g in groups.values()]


def _ranked(ev: Evaluator, node: Aggregate, vector: Vector, ts: int) -> Vector:
    """topk/bottomk keep the chosen samples whole (name included); quantile aggregates the group."""
    assert node.param is not None
    param = ev.eval_scalar(node.param, ts)
    groups: dict[Labels, list[Sample]] = {}
    for sample in vector:
        groups.setdefault(_grouping_key(node, sample.labels, node.grouping), []).append(sample)
    if node.op == "quantile":
        return [Sample(key, quantile(param, [s.value for s in members])) for key, members in groups.items()]
    if math.isnan(param) or param < 1:
        return []
    k = int(param) if not math.isinf(param) else len(vector)
    out: Vector = []
    for members in groups.values():
        out.extend(_top(members, k, top=node.op == "topk"))
    return out


def _less(a: Sample, b: Sample, *, top: bool) -> bool:
    """vectorByValueHeap (topk) / vectorByReverseValueHeap (bottomk): NaN sorts first."""
    if math.isnan(a.value):
        return True
    return a.value < b.value if top else a.value > b.value


def _up(heap: list[Sample], j: int, *, top: bool) -> None:
    while j > 0:
        parent = (j - 1) // 2
        if not _less(heap[j], heap[parent], top=top):
            break
        heap[parent], heap[j] = heap[j], heap[parent]
        j = parent


def _down(heap: list[Sample], i: int, n: int, *, top: bool) -> None:
    while 2 * i + 1 < n:
        j = 2 * i + 1
        if j + 1 < n and _less(heap[j + 1], heap[j], top=top):
            j += 1
        if not _less(heap[j], heap[i], top=top):
            break
        heap[i], heap[j] = heap[j], heap[i]
        i = j


def _top(members: list[Sample], k: int, *, top: bool) -> list[Sample]:
    """topk/bottomk with Go's container/heap, as Prometheus 2.42 runs it, so ties keep the same series."""
    heap = [members[0]]
    for sample in members[1:]:
        root = heap[0].value
        better = sample.value > root if top else sample.value < root
        if len(heap) < k or better or math.isnan(root):
            if len(heap) == k:
                heap[0], heap[-1] = heap[-1], heap[0]  # heap.Pop: swap the root out, sift down, drop it
                _down(heap, 0, len(heap) - 1, top=top)
                heap.pop()
            heap.append(sample)
            _up(heap, len(heap) - 1, top=top)
    ordered = sorted(heap, key=lambda s: (not math.isnan(s.value), s.value))
    return ordered if not top else ordered[::-1]
