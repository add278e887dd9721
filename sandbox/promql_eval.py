"""Evaluate the sandbox PromQL AST at one timestamp, with Prometheus 2.x selection semantics."""
from __future__ import annotations

from dataclasses import dataclass, field

from sandbox import promql_binops, promql_functions
from sandbox.promql_aggregate import aggregate
from sandbox.promql_ast import (
    Aggregate, At, Binary, Func, Neg, Node, Num, RangeSel, Selector, Str, Subquery,
)
from sandbox.promql_values import (
    Matrix, PromQLError, RangeSeries, Sample, Scalar, String, Unsupported, Value, Vector,
    check_unique, drop_name,
)
from sandbox.series import Labels, Series, SeriesStore

DEFAULT_SUBQUERY_STEP_MS = 60_000  # Prometheus's default global evaluation_interval


@dataclass
class Evaluator:
    """One query's evaluation: the store, the query's start/end (for @ start()/end()) and memos."""

    store: SeriesStore
    start_ms: int
    end_ms: int
    _selected: dict[Selector, list[Series]] = field(default_factory=dict)
    _memo: dict[tuple[int, int], Value] = field(default_factory=dict)

    def eval(self, node: Node, ts: int) -> Value:
        if isinstance(node, Num):
            return Scalar(node.value)
        if isinstance(node, Str):
            return String(node.value)
        if isinstance(node, Selector):
            return self.instant(node, ts)
        if isinstance(node, RangeSel):
            return self.range(node, ts)
        if isinstance(node, Subquery):
            return self.subquery(node, ts)
        if isinstance(node, Neg):
            return self.negate(self.eval(node.expr, ts))
        if isinstance(node, Func):
            return promql_functions.call(self, node, ts)
        if isinstance(node, Aggregate):
            return aggregate(self, node, ts)
        if isinstance(node, Binary):
            return promql_binops.binary(self, node, ts)
        raise Unsupported(f"expression {type(node).__name__}")

    def eval_vector(self, node: Node, ts: int) -> Vector:
        value = self.eval(node, ts)
        if not isinstance(value, list) or any(not isinstance(x, Sample) for x in value):
            raise PromQLError(f"expected an instant vector, got {type(value).__name__}")
        return value  # type: ignore[return-value]

    def eval_scalar(self, node: Node, ts: int) -> float:
        value = self.eval(node, ts)
        if not isinstance(value, Scalar):
            raise PromQLError(f"expected a scalar, got {type(value).__name__}")
        return value.value

    def eval_matrix(self, node: Node, ts: int) -> tuple[Matrix, int, int]:
        """A range argument with its window (lo, hi) in ms, as range functions need it."""
        if isinstance(node, RangeSel):
            hi = self.ref_time(node.selector.at, ts) - node.selector.offset_ms
            return self.range(node, ts), hi - node.range_ms, hi
        if isinstance(node, Subquery):
            hi = self.ref_time(node.at, ts) - node.offset_ms
            return self.subquery(node, ts), hi - node.range_ms, hi
        raise PromQLError("expected a range vector")

    def ref_time(self, at: At | None, ts: int) -> int:
        if at is None:
            return ts
        return {"at": at.ms, "start": self.start_ms, "end": self.end_ms}[at.kind]

    def select(self, selector: Selector) -> list[Series]:
        hit = self._selected.get(selector)
        if hit is None:
            hit = self._selected[selector] = self.store.select(selector.matchers)
        return hit

    def instant(self, selector: Selector, ts: int) -> Vector:
        ref = self.ref_time(selector.at, ts) - selector.offset_ms
        out: Vector = []
        for series in self.select(selector):
            found = series.latest(ref)
            if found is not None:
                out.append(Sample(series.labels, found[1], found[0]))
        return out

    def range(self, node: RangeSel, ts: int) -> Matrix:
        hi = self.ref_time(node.selector.at, ts) - node.selector.offset_ms
        out: Matrix = []
        for series in self.select(node.selector):
            times, vals = series.window(hi - node.range_ms, hi)
            if times:
                out.append(RangeSeries(series.labels, list(times), list(vals)))
        return out

    def subquery(self, node: Subquery, ts: int) -> Matrix:
        """Inner expression at every multiple of the step inside [ref - range, ref]."""
        hi = self.ref_time(node.at, ts) - node.offset_ms
        step = node.step_ms or DEFAULT_SUBQUERY_STEP_MS
        first = -((-(hi - node.range_ms)) // step) * step
        by_labels: dict[Labels, RangeSeries] = {}
        for t in range(first, hi + 1, step):
            for sample in self._memo_vector(node.expr, t):
                series = by_labels.setdefault(sample.labels, RangeSeries(sample.labels))
                series.ts.append(t)
                series.vals.append(sample.value)
        return list(by_labels.values())

    def _memo_vector(self, node: Node, t: int) -> Vector:
        key = (id(node), t)
        if key not in self._memo:
            self._memo[key] = self.eval_vector(node, t)
        return self._memo[key]  # type: ignore[return-value]

    def negate(self, value: Value) -> Value:
        if isinstance(value, Scalar):
            return Scalar(-value.value)
        if isinstance(value, list) and all(isinstance(x, Sample) for x in value):
            return check_unique([Sample(drop_name(s.labels), -s.value) for s in value])  # type: ignore[union-attr]
        raise PromQLError("unary minus needs a scalar or an instant vector")
