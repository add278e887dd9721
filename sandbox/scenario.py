"""A scenario file (../shared/scenarios/FORMAT.md) loaded, validated and typed."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml

_DURATION = re.compile(r"^(-?)(\d+(?:\.\d+)?)(ms|s|m|h|d)$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


class ScenarioError(Exception):
    """A scenario the sandbox refuses; one line per problem: `<file>: <path>: <reason>`."""

    def __init__(self, file: str | Path, problems: list[str]) -> None:
        self.file = str(file)
        self.problems = list(problems)
        super().__init__("\n".join(f"{self.file}: {p}" for p in self.problems))


@dataclass
class Scenario:
    id: str
    path: Path
    now: datetime
    title: str
    trigger: dict[str, Any]
    objects: list[dict[str, Any]]
    logs: list[dict[str, Any]]
    metrics: list[dict[str, Any]]
    traces: list[dict[str, Any]]
    recovery: list[dict[str, Any]]
    truth: dict[str, Any]
    raw: dict[str, Any] = field(repr=False)


def parse_duration(text: str) -> timedelta:
    """`-60m`, `15s`, `2h` (one unit, as FORMAT.md asks) into a timedelta."""
    m = _DURATION.match(str(text).strip())
    if not m:
        raise ValueError(f"not a duration like -60m, 15s, 2h: {text!r}")
    seconds = float(m.group(2)) * _UNIT_SECONDS[m.group(3)]
    return timedelta(seconds=-seconds if m.group(1) else seconds)


def is_duration(text: object) -> bool:
    return isinstance(text, str) and bool(_DURATION.match(text.strip()))


def parse_time(value: str | datetime) -> datetime:
    """An RFC 3339 time (or a YAML datetime) as an aware UTC datetime."""
    if isinstance(value, datetime):
        dt = value
    else:
        dt = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00").replace("z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def resolve_time(text: str | datetime, now: datetime) -> datetime:
    """A relative duration (`-30m`, from `now`) or an absolute RFC 3339 time."""
    if isinstance(text, str) and is_duration(text):
        return now + parse_duration(text)
    return parse_time(text)


def format_time(dt: datetime) -> str:
    """RFC 3339 in UTC with a Z, seconds precision, as the API server writes metadata times."""
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _plain(value: Any) -> Any:
    """YAML gives datetimes for unquoted times; the API speaks strings."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return format_time(parse_time(value))
    if isinstance(value, date):
        return value.isoformat()
    return value


def _fast_json(text: str) -> Any:
    """JSON is YAML, and a large generated file parses far faster as JSON; None if it is not JSON."""
    if not text.lstrip().startswith("{"):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def read_document(path: Path) -> dict[str, Any]:
    """The file as plain JSON-like data, or a ScenarioError that names the YAML problem."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise ScenarioError(path, [f"cannot read: {exc.strerror or exc}"]) from exc
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        doc = _fast_json(text)
        if doc is None:
            doc = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f"line {mark.line + 1}, column {mark.column + 1}: "
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError(path, [f"{where}not valid YAML: {reason}"]) from exc
    if not isinstance(doc, dict):
        raise ScenarioError(path, ["(top level): the file is not a mapping"])
    plain: dict[str, Any] = _plain(doc)
    return plain


def load_scenario(path: str | Path, *, validate: bool = True) -> Scenario:
    """Read, validate (as ../shared/tools/check_scenario.py does) and type one scenario file."""
    from sandbox.validate_doc import document_problems  # imports the client's models: late

    p = Path(path)
    doc = read_document(p)
    if validate:
        problems = document_problems(doc, p)
        if problems:
            raise ScenarioError(path, problems)
    cluster = doc.get("cluster") or {}
    return Scenario(
        id=str(doc.get("id", p.stem)), path=p, now=parse_time(doc["now"]),
        title=str(doc.get("title", "")), trigger=dict(doc.get("trigger") or {}),
        objects=list(cluster.get("objects") or []), logs=list(cluster.get("logs") or []),
        metrics=list(doc.get("metrics") or []), traces=list(doc.get("traces") or []),
        recovery=list(doc.get("recovery") or []), truth=dict(doc.get("truth") or {}), raw=doc)
