"""The guarded raw PromQL tool: any read query, after refusing the absurdly expensive ones."""
from __future__ import annotations

from datetime import timedelta

import promql_parser
from pydantic import BaseModel, Field

from tools.context import ToolContext
from tools.errors import InvalidArgs, NotAllowed
from tools.models import ToolResult
from tools.prom_common import PromCall

MAX_RANGE = timedelta(days=7)
BARE_SELECTOR_MAX_RANGE = timedelta(days=1)
MAX_SELECTORS = 12


class PromqlArgs(BaseModel):
    query: str = Field(min_length=1, max_length=2000, description="a PromQL expression")
    range_minutes: int | None = Field(None, ge=1, le=10080,
                                      description="graph it over this many minutes up to now; omit for the value now")


def check_promql(query: str) -> None:
    """Refuse what would scan too much: ranges/offsets over 7d, selectors that name no metric and
    match no label exactly, bare metric names under ranges over 1d, and more than 12 selectors."""
    try:
        expr = promql_parser.parse(query)
    except ValueError as exc:
        raise InvalidArgs(f"query does not parse as PromQL: {exc}") from exc
    problems: list[str] = []
    selectors = 0

    def visit(node: object) -> None:
        nonlocal selectors
        if (isinstance(node, promql_parser.MatrixSelector | promql_parser.SubqueryExpr)
                and node.range is not None and node.range > MAX_RANGE):
            problems.append(f"range [{promql_parser.display_duration(node.range)}] is longer than 7d")
        if isinstance(node, promql_parser.MatrixSelector):
            vs = node.vector_selector
            labels = [m for m in vs.matchers.matchers if m.name != "__name__"]
            if not labels and node.range > BARE_SELECTOR_MAX_RANGE:
                problems.append(f"{vs.name}[{promql_parser.display_duration(node.range)}] has no label selector; narrow it (namespace=..., pod=...)")
        if isinstance(node, promql_parser.VectorSelector):
            selectors += 1
            if node.offset is not None and abs(node.offset) > MAX_RANGE:
                problems.append(f"offset {promql_parser.display_duration(node.offset)} is more than 7d")
            exact = [m for m in node.matchers.matchers if m.op == promql_parser.MatchOp.Equal and m.value]
            if node.name is None and not exact:
                problems.append("a selector names no metric and matches no label exactly")

    promql_parser.walk(expr, visit)
    if selectors > MAX_SELECTORS:
        problems.append(f"{selectors} selectors (at most {MAX_SELECTORS})")
    if problems:
        raise NotAllowed("query refused: " + "; ".join(dict.fromkeys(problems)))


def promql(args: PromqlArgs, ctx: ToolContext) -> ToolResult:
    """Run a read-only PromQL query (guarded against very expensive forms); a range summarises each series."""
    check_promql(args.query)
    call = PromCall(ctx, args.range_minutes or 0)
    if args.range_minutes:
        series = call.range(args.query)
        lines, data = call.render(series)
    else:
        series = call.instant(args.query)
        rows = sorted(((s.labels, s.last) for s in series), key=lambda r: -(r[1] or 0))
        lines = [f"  {_name(labels)}: {value:g}" for labels, value in rows[:20] if value is not None]
        if len(rows) > 20:
            lines.append(f"  ... {len(rows) - 20} more series not shown")
        data = [{"labels": labels, "value": value} for labels, value in rows]
    return call.result(lines or ["  empty result"], data, found=bool(series))


def _name(labels: dict[str, str]) -> str:
    inner = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()) if k != "__name__")
    return f"{labels.get('__name__', '')}{{{inner}}}"
