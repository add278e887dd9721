"""A human-readable diff of two versions of one object: only the leaves that changed.

Lists of named things (containers, env, volumes, ports) are matched by name,
so a line reads `spec.template.spec.containers[payment].env[DB_POOL_TIMEOUT_MS]: 200 -> 2000`;
maps use their keys, `metadata.annotations[kubernetes.io/change-cause]: a -> b`.
Bookkeeping the API server changes on every write (resourceVersion,
generation, managedFields, status) is left out.
"""
from __future__ import annotations

import json
from typing import Any

_MISSING = object()
_IGNORED = {"metadata.resourceVersion", "metadata.generation", "metadata.managedFields",
            "metadata.creationTimestamp", "metadata.uid", "metadata.selfLink", "status",
            "metadata.deletionTimestamp", "metadata.deletionGracePeriodSeconds"}
_KEYED_MAPS = {"labels", "annotations", "nodeSelector", "data", "selector", "matchLabels", "limits", "requests"}
_LIST_KEYS = ("name", "mountPath", "containerPort", "port", "devicePath", "ip")
MAX_VALUE_CHARS = 160


def render(value: Any) -> str:
    """A value as one short line: "(none)" when absent, JSON for maps and lists."""
    if value is _MISSING or value is None:
        return "(none)"
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, separators=(",", ":"))
    return text if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS - 3] + "..."


def _unique(items: list[Any], key: str) -> bool:
    values = [str(i.get(key)) for i in items if i.get(key) is not None]
    return len(values) == len(items) and len(set(values)) == len(values)


def _list_key(old: list[Any], new: list[Any]) -> str | None:
    """The field that names the items of both lists (containers by name), if there is one."""
    if not (old or new) or not all(isinstance(i, dict) for i in old + new):
        return None
    return next((k for k in _LIST_KEYS if _unique(old, k) and _unique(new, k)), None)


def _env_value(item: Any) -> Any:
    """An env entry shown by its value (or its source), not as a map."""
    if isinstance(item, dict) and set(item) <= {"name", "value"}:
        return item.get("value", "")
    return {k: v for k, v in item.items() if k != "name"} if isinstance(item, dict) else item


def _diff_lists(path: str, old: list[Any], new: list[Any], out: list[str]) -> None:
    key = _list_key(old, new)
    if key is None:
        if old != new:
            out.append(f"{path}: {render(old)} -> {render(new)}")
        return
    o = {str(i[key]): i for i in old}
    n = {str(i[key]): i for i in new}
    order = list(o) + [k for k in n if k not in o]
    for k in order:
        sub = f"{path}[{k}]"
        if path.endswith("env"):
            ov = _env_value(o[k]) if k in o else _MISSING
            nv = _env_value(n[k]) if k in n else _MISSING
            if ov != nv:
                out.append(f"{sub}: {render(ov)} -> {render(nv)}")
            continue
        _diff(sub, o.get(k, _MISSING), n.get(k, _MISSING), out)


def _diff(path: str, old: Any, new: Any, out: list[str]) -> None:
    if path in _IGNORED or old == new:
        return
    if isinstance(new, dict) and (old is _MISSING or old is None):
        old = {}  # a map added: one line per key, not one JSON blob
    elif isinstance(old, dict) and (new is _MISSING or new is None):
        new = {}
    if isinstance(old, dict) and isinstance(new, dict):
        keyed = path.rsplit(".", 1)[-1] in _KEYED_MAPS
        for k in list(old) + [k for k in new if k not in old]:
            sub = f"{path}[{k}]" if keyed else (f"{path}.{k}" if path else k)
            _diff(sub, old.get(k, _MISSING), new.get(k, _MISSING), out)
        return
    if isinstance(old, list) and isinstance(new, list):
        _diff_lists(path, old, new, out)
        return
    out.append(f"{path}: {render(old)} -> {render(new)}")


def object_diff(old: Any, new: Any, *, prefix: str = "") -> list[str]:
    """One line per changed leaf, "path: old -> new", in the order the fields appear."""
    out: list[str] = []
    _diff(prefix, old, new, out)
    return out
