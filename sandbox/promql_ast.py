"""Parse PromQL with promql-parser and lower it to the small AST the sandbox evaluates (or refuse it)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Union

import promql_parser as pp

from sandbox.promql_values import PromQLError, Unsupported
from sandbox.series import METRIC_NAME, LabelMatcher, MatchOp, to_ms

RANGE_FUNCTIONS = frozenset({
    "rate", "increase", "irate", "delta", "idelta", "deriv", "predict_linear", "changes", "resets",
    "avg_over_time", "min_over_time", "max_over_time", "sum_over_time", "count_over_time",
    "last_over_time", "present_over_time", "stddev_over_time", "stdvar_over_time",
    "quantile_over_time", "absent_over_time",
})
INSTANT_FUNCTIONS = frozenset({
    "abs", "ceil", "floor", "exp", "ln", "log2", "log10", "sqrt", "sgn", "round",
    "clamp", "clamp_min", "clamp_max", "histogram_quantile", "scalar", "vector", "time",
    "sort", "sort_desc", "absent",
})
AGGREGATIONS = frozenset({
    "sum", "avg", "min", "max", "count", "group", "stddev", "stdvar", "topk", "bottomk",
    "quantile", "count_values",
})
# promql-parser's enums are not hashable: look them up by equality
_MATCH_OPS = [(pp.MatchOp.Equal, MatchOp.EQUAL), (pp.MatchOp.NotEqual, MatchOp.NOT_EQUAL),
              (pp.MatchOp.Re, MatchOp.REGEX), (pp.MatchOp.NotRe, MatchOp.NOT_REGEX)]


@dataclass(frozen=True)
class At:
    """An `@` modifier: a fixed time in ms, or the query's start()/end()."""

    kind: str  # "at" | "start" | "end"
    ms: int = 0


@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class Str:
    value: str


@dataclass(frozen=True)
class Selector:
    matchers: tuple[LabelMatcher, ...]
    offset_ms: int = 0
    at: At | None = None


@dataclass(frozen=True)
class RangeSel:
    selector: Selector
    range_ms: int


@dataclass(frozen=True)
class Subquery:
    expr: Node
    range_ms: int
    step_ms: int | None
    offset_ms: int = 0
    at: At | None = None


@dataclass(frozen=True)
class Neg:
    expr: Node


@dataclass(frozen=True)
class Func:
    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Aggregate:
    op: str
    expr: Node
    param: Node | None
    grouping: tuple[str, ...]
    without: bool


@dataclass(frozen=True)
class Binary:
    op: str
    lhs: Node
    rhs: Node
    return_bool: bool = False
    card: str = "one-to-one"  # one-to-one | many-to-one | one-to-many | many-to-many
    on: bool = False
    matching: tuple[str, ...] = ()
    include: tuple[str, ...] = ()


Node = Union[Num, Str, Selector, RangeSel, Subquery, Neg, Func, Aggregate, Binary]
_CARDS = [(pp.VectorMatchCardinality.OneToOne, "one-to-one"), (pp.VectorMatchCardinality.ManyToOne, "many-to-one"),
          (pp.VectorMatchCardinality.OneToMany, "one-to-many"), (pp.VectorMatchCardinality.ManyToMany, "many-to-many")]


def _lookup(pairs: list[tuple[Any, Any]], key: Any) -> Any:
    for candidate, value in pairs:
        if candidate == key:
            return value
    raise Unsupported(f"parser value {key!r}")


def parse(query: str) -> Node:
    """The query's AST; a parse error is bad_data with the parser's message, outside the subset Unsupported."""
    if not query.strip():
        raise PromQLError("invalid parameter \"query\": 1:1: parse error: no expression found in input")
    try:
        expr = pp.parse(query)
    except ValueError as exc:
        raise PromQLError(f"invalid parameter \"query\": parse error: {exc}") from exc
    return lower(expr)


def _ms(delta: timedelta | None) -> int:
    return 0 if delta is None else round(delta / timedelta(milliseconds=1))


def _at(at: Any) -> At | None:
    if at is None:
        return None
    if at.type == pp.AtModifierType.Start:
        return At("start")
    if at.type == pp.AtModifierType.End:
        return At("end")
    return At("at", to_ms(at.at))


def _selector(node: pp.VectorSelector) -> Selector:
    if node.matchers.or_matchers:
        raise Unsupported("'or' inside a label selector")
    try:
        matchers = [LabelMatcher.make(m.name, _lookup(_MATCH_OPS, m.op), m.value) for m in node.matchers.matchers]
    except ValueError as exc:
        raise Unsupported(str(exc)) from exc
    if node.name is not None and not any(m.name == METRIC_NAME for m in matchers):
        matchers.insert(0, LabelMatcher.make(METRIC_NAME, MatchOp.EQUAL, node.name))
    return Selector(tuple(matchers), _ms(node.offset), _at(node.at))


def _lower_call(node: pp.Call) -> Node:
    name = node.func.name
    if name not in RANGE_FUNCTIONS and name not in INSTANT_FUNCTIONS:
        raise Unsupported(f"function {name}()")
    return Func(name, tuple(lower(arg) for arg in node.args))


def _lower_aggregate(node: pp.AggregateExpr) -> Node:
    op = str(node.op)
    if op not in AGGREGATIONS:
        raise Unsupported(f"aggregation {op}")
    mod = node.modifier
    without = mod is not None and mod.type == pp.AggModifierType.Without
    param = lower(node.param) if node.param is not None else None
    grouping = tuple(mod.labels) if mod is not None else ()
    return Aggregate(op, lower(node.expr), param, grouping, without)


def _lower_binary(node: pp.BinaryExpr) -> Node:
    mod = node.modifier
    lhs, rhs = lower(node.lhs), lower(node.rhs)
    if mod is None:
        return Binary(str(node.op), lhs, rhs)
    matching = mod.matching
    return Binary(str(node.op), lhs, rhs, return_bool=bool(mod.return_bool), card=_lookup(_CARDS, mod.card),
                  on=matching is not None and matching.type == pp.LabelModifierType.Include,
                  matching=tuple(matching.labels) if matching is not None else (),
                  include=tuple(mod.group_labels or ()))


def lower(node: Any) -> Node:
    """Translate one promql-parser node (recursively)."""
    if isinstance(node, pp.ParenExpr):
        return lower(node.expr)
    if isinstance(node, pp.NumberLiteral):
        return Num(float(node.val))
    if isinstance(node, pp.StringLiteral):
        return Str(node.val)
    if isinstance(node, pp.VectorSelector):
        return _selector(node)
    if isinstance(node, pp.MatrixSelector):
        return RangeSel(_selector(node.vector_selector), _ms(node.range))
    if isinstance(node, pp.SubqueryExpr):
        step = _ms(node.step) if node.step is not None else None
        return Subquery(lower(node.expr), _ms(node.range), step, _ms(node.offset), _at(node.at))
    if isinstance(node, pp.UnaryExpr):
        return Neg(lower(node.expr))
    if isinstance(node, pp.Call):
        return _lower_call(node)
    if isinstance(node, pp.AggregateExpr):
        return _lower_aggregate(node)
    if isinstance(node, pp.BinaryExpr):
        return _lower_binary(node)
    raise Unsupported(f"expression {type(node).__name__}")
