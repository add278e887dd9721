"""Log compression: redact, fold stack traces, mine templates with drain3, keep every error, fit a token budget.

A 100k-line log becomes a few dozen lines: one per message template with its
count, severity, first and last time, and (for errors and warnings) an example.
Templates are ordered by severity then count. When the budget is short,
INFO/DEBUG templates go first, then examples, then warnings; error templates
are cut only when they alone overflow, and the note says how many.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from drain3 import TemplateMiner
from drain3.masking import MaskingInstruction
from drain3.template_miner_config import TemplateMinerConfig

from tools.budget import count_tokens
from tools.logparse import LineInfo, Severity, line_time, parse_line
from tools.logrender import render
from tools.redact import redact

MAX_BODY = 400  # characters of a message that take part in template mining
_MASKS = [
    (r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b", "UUID"),
    (r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?(?![\w.])", "IP"),
    (r"\b(?:sha256:|0x)?(?=[0-9a-f]*\d)[0-9a-f]{8,}\b", "HEX"),
    (r"(?<![\w.])(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+(?![\w.])", "DURATION"),
    (r"\b(?=[A-Za-z_]*\d)(?=\d*[A-Za-z_])[A-Za-z0-9_]{6,}\b", "ID"),
    (r"(?<![\w.])[-+]?\d+(?:[.,]\d+)*(?![\w.])", "NUM"),
]
_DIGIT = re.compile(r"\d")
_CONTINUATION = re.compile(r"[ \t]|Caused by:|\.\.\. \d+ (?:more|common frames omitted)|goroutine \d+ \[")
_EXCEPTION = re.compile(r"Traceback \(most recent call last\):|(?:[\w$]+\.)*[\w$]*(?:Exception|Error)(?::|$)")


@dataclass
class LogTemplate:
    """One message shape and everything known about the lines that had it."""

    template: str
    count: int
    severity: Severity
    first_ts: datetime | None  # time of its first occurrence
    last_ts: datetime | None  # ... and of its last
    example: str  # the first message that had it (redacted, no time), with its stack's root cause
    last_example: str = ""  # ... and the last one (values that drift show a trend)
    stack_lines: int = 0  # continuation lines folded into these records


@dataclass
class CompressedLogs:
    text: str
    templates: list[LogTemplate]
    raw_bytes: int
    raw_lines: int
    tokens: int
    truncated: bool = False
    cut_templates: dict[str, int] = field(default_factory=dict)  # severity -> templates not shown

    @property
    def returned_bytes(self) -> int:
        return len(self.text.encode("utf-8"))

    @property
    def ratio(self) -> float:
        return self.raw_bytes / max(self.returned_bytes, 1)


@dataclass
class _Record:
    head: str
    info: LineInfo
    extra: list[str] = field(default_factory=list)


def compress_logs(lines: list[str], *, max_tokens: int, year: int | None = None,
                  hint: str = "narrow with since/grep") -> CompressedLogs:
    """Compress `lines` (one container's log, oldest first) into at most `max_tokens` tokens."""
    raw_bytes = sum(len(line.encode("utf-8")) + 1 for line in lines)
    clean_text = redact("\n".join(lines)) if lines else ""
    clean = clean_text.split("\n") if lines else []
    templates = _mine(_fold(clean), year=year or datetime.now(UTC).year)
    templates.sort(key=lambda t: (t.severity.rank, -t.count, t.first_ts or datetime.max.replace(tzinfo=UTC)))
    text, cut = render(templates, raw_lines=len(lines), raw_bytes=raw_bytes, max_tokens=max_tokens, hint=hint)
    if len(clean_text) <= len(text) * 2 and count_tokens(clean_text) <= min(count_tokens(text), max_tokens):
        text, cut = clean_text, {}  # a short log says more as itself than as templates
    return CompressedLogs(text=text, templates=templates, raw_bytes=raw_bytes, raw_lines=len(lines),
                          tokens=count_tokens(text), truncated=bool(cut), cut_templates=cut)


def _fold(lines: list[str]) -> list[_Record]:
    """One record per log event: stack traces and other continuation lines join the line before.

    An exception line (`java.lang.X: ...`, `Traceback ...`, `ValueError: ...`)
    joins a warning/error record or a record already holding a stack; otherwise
    it starts an error record of its own.
    """
    records: list[_Record] = []
    for line in lines:
        if not line.strip():
            continue
        current = records[-1] if records else None
        exception = not line[0].isdigit() and _EXCEPTION.match(line) is not None  # timestamped: neither
        if current is not None and not line[0].isdigit() and (_CONTINUATION.match(line) or (
                exception and (current.info.severity.must_keep or current.extra))):
            current.extra.append(line)
            continue
        info = parse_line(line)
        if exception and not info.explicit:
            info.severity = Severity.ERROR
        records.append(_Record(line, info))
    return records


def _miner() -> TemplateMiner:
    config = TemplateMinerConfig()
    config.drain_sim_th = 0.5
    config.drain_depth = 4
    config.masking_instructions = [MaskingInstruction(pattern, name) for pattern, name in _MASKS]
    config.parametrize_numeric_tokens = True
    return TemplateMiner(config=config)


def _mine(records: list[_Record], *, year: int) -> list[LogTemplate]:
    """Group records by (drain cluster, severity); templates are read once all lines are in."""
    miner = _miner()
    by_shape: dict[str, int] = {}  # a message with its digit-bearing words blanked -> cluster
    by_masked: dict[str, int] = {}  # a masked message -> cluster
    found: dict[tuple[int, Severity], _Group] = {}
    for rec in records:
        body = _mining_text(rec)
        shape = " ".join("#" if _DIGIT.search(word) else word for word in body.split())
        cluster_id = by_shape.get(shape)
        if cluster_id is None:
            masked = miner.masker.mask(body)
            cluster_id = by_masked.get(masked)
            if cluster_id is None:
                cluster_id = by_masked[masked] = int(miner.add_log_message(body)["cluster_id"])
            by_shape[shape] = cluster_id
        group = found.setdefault((cluster_id, rec.info.severity), _Group(first=rec, last=rec))
        group.add(rec)
    clusters: dict[int, Any] = {c.cluster_id: c for c in miner.drain.clusters}
    return [group.template(str(clusters[cid].get_template()), sev, year=year)
            for (cid, sev), group in found.items()]


def _mining_text(rec: _Record) -> str:
    """The message, plus the root-cause exception of a folded stack, so distinct failures stay distinct."""
    cause = _root_cause(rec)
    return rec.info.body[:MAX_BODY] + (f" | {cause[:200]}" if cause else "")


def _root_cause(rec: _Record) -> str:
    if not rec.extra:
        return ""
    causes = [line.strip() for line in rec.extra if _EXCEPTION.match(line.strip()) or line.startswith("Caused by:")]
    return causes[-1] if causes else ""


@dataclass
class _Group:
    """The records of one template: counted as they come, times read from the first and last only."""

    first: _Record
    last: _Record
    count: int = 0
    stack_lines: int = 0

    def add(self, rec: _Record) -> None:
        self.count += 1
        self.stack_lines += len(rec.extra)
        self.last = rec

    def template(self, text: str, severity: Severity, *, year: int) -> LogTemplate:
        return LogTemplate(template=text, count=self.count, severity=severity,
                           first_ts=line_time(self.first.head, year=year),
                           last_ts=line_time(self.last.head, year=year),
                           example=_example(self.first), last_example=_example(self.last),
                           stack_lines=self.stack_lines)


def _example(rec: _Record) -> str:
    """The message as written (redacted, without its time), plus the root cause of a folded stack."""
    cause = _root_cause(rec)
    return rec.info.body + (f" | {cause}" if cause else "")
