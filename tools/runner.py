"""The one tool runner: time the call, turn every failure into an error result, redact, cap by tokens.

Every tool call goes through `run_tool`, so whatever a tool does, the reasoner
gets one `ToolResult` whose text is redacted and fits its token budget, and
a 403 or a timeout arrives as data it can react to, not as an exception.
This module is one of the three places where `except Exception` lives.
"""
from __future__ import annotations

import inspect
import json
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from tools.budget import DEFAULT_HINT, Keep, cap_text
from tools.errors import InvalidArgs, ToolError
from tools.failures import translate_exception
from tools.models import ToolResult, ToolStatus
from tools.redact import redact, redact_obj

__all__ = ["run_tool", "translate_exception", "finish"]

log = logging.getLogger(__name__)


def run_tool(name: str, fn: Callable[..., ToolResult | Any], /, *, invocation: str | None = None,
             max_tokens: int, keep: Keep = "head", hint: str = DEFAULT_HINT, **kwargs: Any) -> ToolResult:
    """Call `fn(**kwargs)` as tool `name` and return its redacted, capped result (never raises).

    `fn` may return a ToolResult or plain data (text, a list, a dict, a
    pydantic model), which becomes an `ok` result, or `no_data` when empty.
    `invocation` is the rerunnable API path or query; tools that return a
    ToolResult may set their own.
    """
    started = time.monotonic()
    where = invocation or describe_call(name, kwargs)
    try:
        _check_args(name, fn, kwargs)
        result = as_result(fn(**kwargs), invocation=where)
    except Exception as exc:  # noqa: BLE001 - the runner is where any failure becomes data
        error = translate_exception(exc)
        if type(error) is ToolError and not isinstance(exc, ToolError):  # nothing we know: a bug, keep the trace
            log.exception("tool %s failed: %s", name, error)
        else:
            log.warning("tool %s failed: %s", name, error)
        result = ToolResult(status=ToolStatus.ERROR, invocation=where, text=f"{name} failed: {error}")
    return finish(result, name, elapsed_s=time.monotonic() - started, max_tokens=max_tokens, keep=keep, hint=hint)


def finish(result: ToolResult, name: str, *, elapsed_s: float, max_tokens: int, keep: Keep = "head",
           hint: str = DEFAULT_HINT) -> ToolResult:
    """Redact text, data and invocation; cap the text; stamp tool name and time."""
    text, cut = cap_text(redact(result.text), max_tokens, keep=keep, hint=hint)
    return result.model_copy(update={
        "tool": name,
        "text": text,
        "data": redact_obj(result.data),
        "invocation": redact(result.invocation),
        "truncated": result.truncated or cut,
        "elapsed_s": round(elapsed_s, 4),
    })


def as_result(value: Any, *, invocation: str) -> ToolResult:
    """Plain data as a result: empty means no_data; lists render one item per line (so caps cut between items)."""
    if isinstance(value, ToolResult):
        return value if value.invocation else value.model_copy(update={"invocation": invocation})
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    if value is None or (isinstance(value, (str, list, tuple, dict)) and not value):
        return ToolResult(status=ToolStatus.NO_DATA, invocation=invocation, text="no data", data=value)
    if isinstance(value, str):
        return ToolResult(status=ToolStatus.OK, invocation=invocation, text=value)
    if isinstance(value, (list, tuple)):
        text = "\n".join(_json(item) for item in value)
    else:
        text = json.dumps(value, indent=1, default=str, ensure_ascii=False)
    return ToolResult(status=ToolStatus.OK, invocation=invocation, text=text, data=value)


def describe_call(name: str, kwargs: dict[str, Any]) -> str:
    """`name(k=v, ...)` from the plain arguments (clients, settings and such are left out)."""
    shown = [f"{k}={v!r}" for k, v in kwargs.items() if _plain(v)]
    return f"{name}({', '.join(shown)})"


def _plain(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return len(value) <= 20 and all(_plain(v) for v in value)
    return value is None or isinstance(value, (str, int, float, bool))


def _check_args(name: str, fn: Callable[..., Any], kwargs: dict[str, Any]) -> None:
    """A reasoner's malformed call is InvalidArgs (with the signature), not a crash inside the tool."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return
    try:
        signature.bind(**kwargs)
    except TypeError as exc:
        shown = re.sub(r"'([\w\[\]., |]+)'", r"\1", str(signature.replace(return_annotation=inspect.Signature.empty)))
        raise InvalidArgs(f"bad arguments for {name}: {exc}; expected {name}{shown}") from exc


def _json(item: Any) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, BaseModel):
        item = item.model_dump(mode="json")
    return json.dumps(item, separators=(",", ":"), default=str, ensure_ascii=False)
