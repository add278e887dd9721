"""Compressed logs as text: one line per template, most severe first, packed into a token budget."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from tools.budget import cap_text, count_tokens

if TYPE_CHECKING:
    from tools.logcompress import LogTemplate

MAX_SHOWN = 300  # characters of a template or an example


def render(templates: list[LogTemplate], *, raw_lines: int, raw_bytes: int, max_tokens: int,
           hint: str) -> tuple[str, dict[str, int]]:
    """(text, templates cut per severity), templates ordered most severe first.

    Chooses the richest form that shows every template: all with first/last
    examples, examples for errors and warnings only, or one line each. When
    not all fit, INFO/DEBUG templates are dropped before any error or warning
    loses its line; only when errors alone overflow are some cut (the note
    says how many)."""
    header = _header(templates, raw_lines=raw_lines, raw_bytes=raw_bytes)
    must = sum(1 for t in templates if t.severity.must_keep)
    levels = [[_full(t) for t in templates],  # everything with first/last examples
              [_full(t) if t.severity.must_keep else _compact(t) for t in templates],  # examples for errors
              [_full(t, last=False) if t.severity.must_keep else _compact(t) for t in templates],
              [_compact(t) for t in templates]]  # one line each
    packed = [_pack(header, blocks, templates, max_tokens=max_tokens, hint=hint) for blocks in levels]
    complete = [p for p in packed if p[1] == len(templates)]
    keeps_errors = [p for p in packed[1:] if p[1] >= must]
    text, shown = (complete or keeps_errors or packed[-1:])[0]
    return text, _cut(templates[shown:])


def _pack(header: str, blocks: list[str], templates: list[LogTemplate], *, max_tokens: int,
          hint: str) -> tuple[str, int]:
    """Header plus as many leading blocks as fit with the cut note: (text, blocks shown)."""
    sizes = [count_tokens(b) + 1 for b in blocks]
    room = max_tokens - count_tokens(header) - count_tokens(_note(templates, len(templates) // 2, hint)) - 2
    shown = 0
    while shown < len(blocks) and sizes[shown] <= room:
        room -= sizes[shown]
        shown += 1
    while True:
        note = _note(templates, shown, hint) if shown < len(templates) else ""
        text = "\n".join([header, *blocks[:shown], *([note] if note else [])])
        if count_tokens(text) <= max_tokens:
            return text, shown
        if shown == 0:
            return cap_text(text, max_tokens)[0], 0
        shown -= 1


def _header(templates: list[LogTemplate], *, raw_lines: int, raw_bytes: int) -> str:
    by_sev: dict[str, int] = {}
    for t in templates:
        by_sev[t.severity.value] = by_sev.get(t.severity.value, 0) + 1
    kinds = ", ".join(f"{n} {sev}" for sev, n in by_sev.items())
    times = [ts for t in templates for ts in (t.first_ts, t.last_ts) if ts is not None]
    span = f"; {_stamp(min(times))} .. {_stamp(max(times))}" if times else ""
    return (f"{raw_lines:,} log lines ({_size(raw_bytes)}) in {len(templates)} templates ({kinds}){span}; "
            "by severity then count; <*>, <NUM>, <UUID>... stand for values that vary")


def _line(t: LogTemplate, text: str) -> str:
    when = _stamp(t.first_ts)
    if t.count > 1 and t.last_ts is not None and t.last_ts != t.first_ts:
        when = f"{when}..{_stamp(t.last_ts)}"
    stack = f" (+{t.stack_lines:,} stack lines)" if t.stack_lines else ""
    return f"{t.severity.value.upper()} x{t.count:,} {when} {_clip(text)}{stack}"


def _full(t: LogTemplate, *, last: bool = True) -> str:
    """The template with its first example, and its last when it differs (a value that drifts)."""
    if t.count == 1:
        return _line(t, t.example)
    if t.example.split() == t.template.split() and t.last_example == t.example:
        return _line(t, t.template)  # nothing varies: the template says it all
    block = f"{_line(t, t.template)}\n  first: {_clip(t.example)}"
    return block + (f"\n  last: {_clip(t.last_example)}" if last and t.last_example != t.example else "")


def _compact(t: LogTemplate) -> str:
    return _line(t, t.example if t.count == 1 else t.template)


def _cut(cut: list[LogTemplate]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for t in cut:
        counts[t.severity.value] = counts.get(t.severity.value, 0) + 1
    return counts


def _note(templates: list[LogTemplate], shown: int, hint: str) -> str:
    cut = templates[shown:]
    kinds = ", ".join(f"{n} {sev}" for sev, n in _cut(cut).items())
    lines = sum(t.count for t in cut)
    urgent = any(t.severity.must_keep for t in cut)
    why = "; the budget cannot hold every error/warning template" if urgent else ""
    return f"[cut: {len(cut):,} templates ({kinds}; {lines:,} lines) not shown{why}; {hint}]"


def _stamp(ts: datetime | None) -> str:
    return "?" if ts is None else ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def _size(n: int) -> str:
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


def _clip(text: str) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 3] + "..."

