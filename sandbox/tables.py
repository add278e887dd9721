"""meta.k8s.io Tables, as the API server prints them for `kubectl get` (server-side printing)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sandbox.scenario import parse_time

Obj = dict[str, Any]
Column = tuple[str, str, int]  # name, type, priority (1: only with -o wide)
Printer = tuple[list[Column], Callable[[Obj, datetime], list[Any]]]
PRINTERS: dict[str, Printer] = {}


def human_duration(seconds: float) -> str:
    """k8s.io/apimachinery's duration.HumanDuration, as the AGE column shows it."""
    s = int(seconds)
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < 120:
        return f"{s}s"
    minutes, hours = s // 60, s // 3600
    if minutes < 10:
        return f"{minutes}m" if s % 60 == 0 else f"{minutes}m{s % 60}s"
    if minutes < 180:
        return f"{minutes}m"
    if hours < 8:
        return f"{hours}h" if minutes % 60 == 0 else f"{hours}h{minutes % 60}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        return f"{hours // 24}d" if hours % 24 == 0 else f"{hours // 24}d{hours % 24}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if days == 0 else f"{hours // 24 // 365}y{days}d"
    return f"{hours // 24 // 365}y"


def age(value: Any, now: datetime) -> str:
    if not value:
        return "<unknown>"
    try:
        return human_duration((now - parse_time(value)).total_seconds())
    except ValueError:
        return "<unknown>"


def printer(kind: str, columns: list[Column]) -> Callable[[Callable[[Obj, datetime], list[Any]]], Callable[[Obj, datetime], list[Any]]]:
    def register(fn: Callable[[Obj, datetime], list[Any]]) -> Callable[[Obj, datetime], list[Any]]:
        PRINTERS[kind] = (columns, fn)
        return fn
    return register


def _meta_row(obj: Obj, now: datetime) -> list[Any]:
    return [obj["metadata"].get("name", ""), obj["metadata"].get("creationTimestamp", "")]


_DEFAULT: Printer = ([("Name", "string", 0), ("Created At", "date", 0)], _meta_row)


def partial_metadata(obj: Obj, api_version: str) -> Obj:
    return {"kind": "PartialObjectMetadata", "apiVersion": api_version, "metadata": obj.get("metadata", {})}


def table(kind: str, objects: list[Obj], *, now: datetime, resource_version: str,
          api_version: str = "meta.k8s.io/v1", include: str = "Metadata") -> Obj:
    """A Table of these objects; `include` is the request's includeObject (None|Metadata|Object)."""
    import sandbox.tables_core  # noqa: F401  (these register the per-kind printers)
    import sandbox.tables_kinds  # noqa: F401

    columns, cells = PRINTERS.get(kind, _DEFAULT)
    rows = []
    for obj in objects:
        row: Obj = {"cells": cells(obj, now)}
        if include == "Object":
            row["object"] = obj
        elif include != "None":
            row["object"] = partial_metadata(obj, api_version)
        rows.append(row)
    defs = [{"name": n, "type": t, "format": "name" if n == "Name" else "", "description": n,
             "priority": p} for n, t, p in columns]
    return {"kind": "Table", "apiVersion": api_version, "metadata": {"resourceVersion": resource_version},
            "columnDefinitions": defs, "rows": rows}
