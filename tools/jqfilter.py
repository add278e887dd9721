"""jq over a document the caller already fetched (a pod list, say): compile, run guarded, cap the output.

The program runs in a child interpreter (a plain subprocess: safe in a threaded
parent, and independent of how the parent was started) with a wall-clock
timeout and a memory limit, so a runaway program (`last(range(1e12))`,
`[range(1e9)]`) is killed instead of hanging the investigation. Input and
output sizes are capped too. A call costs about 50 ms more than in-process jq;
jq calls are few per investigation.
"""
from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import jq

from tools.errors import InvalidArgs
from tools.models import ToolResult, ToolStatus
from tools.runner import run_tool

MAX_PROGRAM = 2_000  # characters
MAX_INPUT = 8 * 1024 * 1024  # bytes of JSON in
MAX_OUTPUT = 1024 * 1024  # bytes of JSON out, then the program is stopped
MAX_DATA = 256 * 1024  # bytes of output also returned as structured data
MEMORY_LIMIT = 1024 * 1024 * 1024  # address space for the worker, beyond the input


def jq_filter(document: Any, program: str, *, max_tokens: int, source: str = "",
              timeout_s: float = 5.0) -> ToolResult:
    """Run jq `program` over `document`; `source` (the API path it came from) makes the invocation rerunnable."""
    invocation = f"{source} | jq {json.dumps(program)}" if source else f"jq {json.dumps(program)}"
    return run_tool("jq_filter", _filter, invocation=invocation, max_tokens=max_tokens,
                    document=document, program=program, timeout_s=timeout_s)


def _filter(document: Any, program: str, *, timeout_s: float) -> ToolResult:
    if len(program) > MAX_PROGRAM:
        raise InvalidArgs(f"jq program too long ({len(program):,} > {MAX_PROGRAM:,} characters)")
    try:
        jq.compile(program)
    except ValueError as exc:
        raise InvalidArgs(f"jq program does not compile: {_first_line(exc)}") from exc
    text = json.dumps(document, separators=(",", ":"), default=str)
    if len(text) > MAX_INPUT:
        raise InvalidArgs(f"document too large for jq ({len(text) / 2**20:.1f} MB > {MAX_INPUT / 2**20:.0f} MB); "
                          "narrow the list first (namespace, label or field selector)")
    outputs, stopped = _run_guarded(program, text, timeout_s=timeout_s)
    return _result(outputs, stopped=stopped)


def _result(outputs: list[str], *, stopped: bool) -> ToolResult:
    empty = not outputs or outputs in (["null"], ["[]"], ["{}"])
    size = sum(len(o) for o in outputs)
    data = [json.loads(o) for o in outputs] if size <= MAX_DATA else None
    if len(outputs) == 1 and outputs[0].startswith("["):
        items = json.loads(outputs[0])
        lines = [f"{len(items):,} results"] + [json.dumps(i, separators=(",", ":")) for i in items]
    else:
        lines = list(outputs)
    if stopped:
        lines.insert(0, f"[output stopped at {MAX_OUTPUT // 1024:,} KB: narrow the program]")
    return ToolResult(status=ToolStatus.NO_DATA if empty else ToolStatus.OK, invocation="",
                      text="no results" if empty else "\n".join(lines), data=data, truncated=stopped)


# Runs in a fresh interpreter: reads the program (first line, JSON) and the document, writes one JSON answer.
_WORKER = r"""
import json, sys
try:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
except (ImportError, ValueError, OSError):
    pass
import jq
program = json.loads(sys.stdin.readline())
text = sys.stdin.read()
out, size, stopped = [], 0, False
try:
    for value in jq.compile(program).input_text(text):
        item = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        size += len(item)
        if size > int(sys.argv[2]):
            stopped = True
            break
        out.append(item)
    answer = {"outputs": out, "stopped": stopped}
except (ValueError, MemoryError) as exc:
    answer = {"error": (str(exc).strip().splitlines() or [type(exc).__name__])[0]}
sys.stdout.write(json.dumps(answer))
"""


def _run_guarded(program: str, text: str, *, timeout_s: float) -> tuple[list[str], bool]:
    """Run jq in a child interpreter with a memory limit; kill it at the timeout."""
    limit = MEMORY_LIMIT + 8 * len(text)
    try:
        done = subprocess.run([sys.executable, "-c", _WORKER, str(limit), str(MAX_OUTPUT)],
                              input=json.dumps(program) + "\n" + text, capture_output=True, text=True,
                              timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired as exc:
        raise InvalidArgs(f"jq program ran longer than {timeout_s:g} s and was stopped; simplify it "
                          "or filter a smaller document") from exc
    try:
        answer = json.loads(done.stdout)
    except ValueError as exc:
        why = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        raise InvalidArgs(f"jq worker failed ({why}); simplify the program") from exc
    if "error" in answer:
        raise InvalidArgs(f"jq error: {answer['error']}")
    return list(answer["outputs"]), bool(answer["stopped"])


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
