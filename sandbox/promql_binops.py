"""PromQL binary operators: arithmetic, comparisons and set operators with Prometheus's vector matching."""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from sandbox.promql_ast import Binary
from sandbox.promql_values import (
    ExecutionError, PromQLError, Sample, Scalar, Value, Vector, check_unique, drop_name,
    get_label, keep_labels, labels_text, set_label, without_labels,
)
from sandbox.series import METRIC_NAME, Labels

if TYPE_CHECKING:
    from sandbox.promql_eval import Evaluator

COMPARISONS = frozenset({"==", "!=", ">", "<", ">=", "<="})
SET_OPS = frozenset({"and", "or", "unless"})
DROPS_NAME = frozenset({"+", "-", "*", "/", "%", "^"})  # shouldDropMetricName in Prometheus 2.42


def _div(a: float, b: float) -> float:
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def _mod(a: float, b: float) -> float:
    if b == 0 or math.isinf(a) or math.isnan(a) or math.isnan(b):
        return math.nan
    return math.fmod(a, b)


def _pow(a: float, b: float) -> float:
    try:
        return math.pow(a, b)
    except OverflowError:
        return math.inf if a > 0 or float(b).is_integer() and b % 2 == 0 else -math.inf
    except ValueError:  # 0 ** negative in Go is +Inf (or -Inf for -0 and odd powers); negative ** fraction NaN
        if a == 0:
            odd = float(b).is_integer() and b % 2 == 1
            return -math.inf if odd and math.copysign(1.0, a) < 0 else math.inf
        return math.nan


ARITH: dict[str, Callable[[float, float], float]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": _div,
    "%": _mod,
    "^": _pow,
    "atan2": math.atan2,
}
COMPARE: dict[str, Callable[[float, float], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
}


def element(op: str, lhs: float, rhs: float) -> tuple[float, bool]:
    """vectorElemBinop: the value and whether a comparison keeps the element."""
    if op in COMPARE:
        return lhs, COMPARE[op](lhs, rhs)
    return ARITH[op](lhs, rhs), True


def binary(ev: Evaluator, node: Binary, ts: int) -> Value:
    lhs, rhs = ev.eval(node.lhs, ts), ev.eval(node.rhs, ts)
    if isinstance(lhs, Scalar) and isinstance(rhs, Scalar):
        value, keep = element(node.op, lhs.value, rhs.value)
        return Scalar((1.0 if keep else 0.0) if node.op in COMPARISONS else value)
    if node.op in SET_OPS:
        return set_operation(node, _vector(lhs), _vector(rhs))
    if isinstance(rhs, Scalar):
        return check_unique(vector_scalar(node, _vector(lhs), rhs.value, swap=False))
    if isinstance(lhs, Scalar):
        return check_unique(vector_scalar(node, _vector(rhs), lhs.value, swap=True))
    return check_unique(vector_vector(node, _vector(lhs), _vector(rhs)))


def _vector(value: Value) -> Vector:
    if not isinstance(value, list) or any(not isinstance(x, Sample) for x in value):
        raise PromQLError("binary operators need scalars or instant vectors")
    return value  # type: ignore[return-value]


def vector_scalar(node: Binary, vector: Vector, scalar: float, *, swap: bool) -> Vector:
    out: Vector = []
    for sample in vector:
        lv, rv = (scalar, sample.value) if swap else (sample.value, scalar)
        value, keep = element(node.op, lv, rv)
        if node.op in COMPARISONS and swap:
            value = rv
        if node.return_bool:
            value, keep = (1.0 if keep else 0.0), True
        if keep:
            drop = node.op in DROPS_NAME or node.return_bool
            out.append(Sample(drop_name(sample.labels) if drop else sample.labels, value))
    return out


def signature(node: Binary) -> Callable[[Labels], Labels]:
    """The labels two elements must share to match: on(...) keeps those, else all but ignoring(...) and the name."""
    if node.on:
        return lambda labels: keep_labels(labels, node.matching)
    ignored = (*node.matching, METRIC_NAME)
    return lambda labels: without_labels(labels, ignored)


def set_operation(node: Binary, lhs: Vector, rhs: Vector) -> Vector:
    sig = signature(node)
    if node.op == "and":
        if not lhs or not rhs:
            return []
        right = {sig(s.labels) for s in rhs}
        return [s for s in lhs if sig(s.labels) in right]
    if node.op == "or":
        left = {sig(s.labels) for s in lhs}
        return lhs + [s for s in rhs if sig(s.labels) not in left]
    right = {sig(s.labels) for s in rhs} if lhs and rhs else set()
    return [s for s in lhs if sig(s.labels) not in right]


def _result_labels(node: Binary, many: Labels, one: Labels) -> Labels:
    """resultMetric: drop the name for arithmetic, keep on()/drop ignoring() labels, copy group_x labels."""
    labels = drop_name(many) if node.op in DROPS_NAME else many
    if node.card == "one-to-one":
        labels = keep_labels(labels, node.matching) if node.on else without_labels(labels, node.matching)
    for name in node.include:
        labels = set_label(labels, name, get_label(one, name))
    if node.return_bool:
        labels = drop_name(labels)
    return labels


def _index_one_side(node: Binary, one_side: Vector) -> dict[Labels, Sample]:
    sig = signature(node)
    index: dict[Labels, Sample] = {}
    for sample in one_side:
        key = sig(sample.labels)
        if key in index:
            side = "left" if node.card == "one-to-many" else "right"
            raise ExecutionError(
                f"found duplicate series for the match group {labels_text(key)} on the {side} hand-side of the "
                f"operation: [{labels_text(sample.labels)}, {labels_text(index[key].labels)}];many-to-many "
                "matching not allowed: matching labels must be unique on one side")
        index[key] = sample
    return index


def vector_vector(node: Binary, lhs: Vector, rhs: Vector) -> Vector:
    """VectorBinop: one-to-one, or many-to-one / one-to-many with group_left / group_right."""
    if node.card == "many-to-many":
        raise PromQLError("many-to-many matching is only allowed for set operators")
    many, one = (rhs, lhs) if node.card == "one-to-many" else (lhs, rhs)
    sig = signature(node)
    index = _index_one_side(node, one)
    matched: dict[Labels, set[Labels]] = {}
    out: Vector = []
    for sample in many:
        key = sig(sample.labels)
        partner = index.get(key)
        if partner is None:
            continue
        lv, rv = (partner.value, sample.value) if node.card == "one-to-many" else (sample.value, partner.value)
        value, keep = element(node.op, lv, rv)
        if node.return_bool:
            value, keep = (1.0 if keep else 0.0), True
        if not keep:
            continue
        labels = _result_labels(node, sample.labels, partner.labels)
        _check_match(node, matched, key, labels)
        out.append(Sample(labels, value))
    return out


def _check_match(node: Binary, matched: dict[Labels, set[Labels]], key: Labels, labels: Labels) -> None:
    seen = matched.setdefault(key, set())
    if node.card == "one-to-one" and seen:
        raise ExecutionError("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)")
    if labels in seen:
        raise ExecutionError("multiple matches for labels: grouping labels must ensure unique matches")
    seen.add(labels)
