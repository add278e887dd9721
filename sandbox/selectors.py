"""Label and field selectors as the API server parses and applies them."""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Obj = dict[str, Any]
Predicate = Callable[[Obj], bool]


class SelectorError(ValueError):
    """A selector the API server would refuse with 400 BadRequest."""


_LABEL_TERM = re.compile(
    r"^\s*(?P<neg>!)?\s*(?P<key>[A-Za-z0-9][-A-Za-z0-9_./]*)\s*"
    r"(?:(?P<op>==|=|!=)\s*(?P<value>[-A-Za-z0-9_.]*)"
    r"|\s(?P<setop>in|notin)\s*\((?P<values>[^)]*)\)"
    r")?\s*$")

# Field selectors each kind supports beyond metadata.name and metadata.namespace.
FIELDS: dict[str, set[str]] = {
    "Pod": {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
            "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs",
            "status.nominatedNodeName"},
    "Event": {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
              "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
              "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type",
              "regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid",
              "regarding.apiVersion", "regarding.resourceVersion", "regarding.fieldPath",
              "reportingController", "deprecatedSource.component"},
    "Secret": {"type"},
    "Node": {"spec.unschedulable"},
    "Namespace": {"status.phase"},
    "ReplicaSet": {"status.replicas"},
    "ReplicationController": {"status.replicas"},
    "Job": {"status.successful"},
    "PersistentVolumeClaim": set(),
}
# events.k8s.io field names map onto the stored core/v1 Event.
_EVENT_ALIASES = {"regarding": "involvedObject", "reportingController": "reportingComponent",
                  "deprecatedSource.component": "source"}


def _split_terms(text: str) -> list[str]:
    """Split on commas that are not inside `in (...)` parentheses."""
    terms, depth, cur = [], 0, ""
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            terms.append(cur)
            cur = ""
        else:
            cur += ch
    terms.append(cur)
    return [t for t in terms if t.strip()]


def _label_term(term: str) -> Predicate:
    m = _LABEL_TERM.match(term)
    if not m or (m.group("neg") and (m.group("op") or m.group("setop"))):
        raise SelectorError(f"unable to parse requirement: {term.strip()!r}")
    key = m.group("key")
    if m.group("neg"):
        return lambda labels: key not in labels
    if m.group("setop"):
        values = {v.strip() for v in m.group("values").split(",") if v.strip()}
        if m.group("setop") == "in":
            return lambda labels: labels.get(key) in values
        return lambda labels: labels.get(key) not in values
    if m.group("op") == "!=":
        value = m.group("value")
        return lambda labels: labels.get(key) != value
    if m.group("op"):
        value = m.group("value")
        return lambda labels: labels.get(key) == value
    return lambda labels: key in labels


def label_selector(text: str | None) -> Predicate:
    """`app=x,tier!=db,env in (a,b),!canary` as a predicate over objects."""
    if not text or not text.strip():
        return lambda obj: True
    terms = [_label_term(t) for t in _split_terms(text)]

    def match(obj: Obj) -> bool:
        labels = (obj.get("metadata") or {}).get("labels") or {}
        return all(t(labels) for t in terms)
    return match


def _field_value(obj: Obj, field: str) -> str:
    if obj.get("kind") == "Event":
        for alias, real in _EVENT_ALIASES.items():
            if field == alias or field.startswith(alias + "."):
                field = real + field[len(alias):]
        if field == "source":
            field = "source.component"
    cur: Any = obj
    for part in field.split("."):
        cur = cur.get(part) if isinstance(cur, dict) else None
    if isinstance(cur, bool):
        return "true" if cur else "false"
    if isinstance(cur, list):  # status.podIPs
        return ",".join(str(x.get("ip", x)) if isinstance(x, dict) else str(x) for x in cur)
    return "" if cur is None else str(cur)


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


def field_selector(text: str | None, kind: str) -> Predicate:
    """`involvedObject.name=x,status.phase!=Running`; unsupported fields raise SelectorError."""
    if not text or not text.strip():
        return lambda obj: True
    allowed = {"metadata.name", "metadata.namespace"} | FIELDS.get(kind, set())
    terms: list[tuple[str, bool, str]] = []
    for raw in re.split(r"(?<!\\),", text):
        m = re.match(r"^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$", raw)
        if not m:
            raise SelectorError(f"invalid selector: {text!r}; can't understand {raw!r}")
        if m.group(1) not in allowed:
            raise SelectorError(f'field label not supported: {m.group(1)}')
        terms.append((m.group(1), m.group(2) != "!=", _unescape(m.group(3))))

    def match(obj: Obj) -> bool:
        return all((_field_value(obj, f) == v) == eq for f, eq, v in terms)
    return match


def selector_string(selector: Any) -> str:
    """A LabelSelector (matchLabels/matchExpressions) or a plain map as selector text."""
    if not isinstance(selector, dict):
        return ""
    if "matchLabels" not in selector and "matchExpressions" not in selector:
        return ",".join(f"{k}={v}" for k, v in sorted(selector.items()))
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expr in selector.get("matchExpressions") or []:
        op, key, values = expr.get("operator"), expr.get("key"), expr.get("values") or []
        if op == "In":
            parts.append(f"{key} in ({','.join(sorted(values))})")
        elif op == "NotIn":
            parts.append(f"{key} notin ({','.join(sorted(values))})")
        elif op == "Exists":
            parts.append(str(key))
        elif op == "DoesNotExist":
            parts.append(f"!{key}")
    return ",".join(parts)
