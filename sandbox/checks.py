"""FORMAT.md "Checks": paths into objects, the six operators, any_of, quantities by value."""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

Lookup = Callable[[str, "str | None", str], "dict[str, Any] | None"]

_TOKEN = re.compile(r"""\.?([A-Za-z_$][\w$\-]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\['([^']*)'\]""")
_QUANTITY = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$")
_SUFFIX = {
    "Ki": Decimal(2) ** 10, "Mi": Decimal(2) ** 20, "Gi": Decimal(2) ** 30,
    "Ti": Decimal(2) ** 40, "Pi": Decimal(2) ** 50, "Ei": Decimal(2) ** 60,
    "n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "k": Decimal(10) ** 3,
    "M": Decimal(10) ** 6, "G": Decimal(10) ** 9, "T": Decimal(10) ** 12,
    "P": Decimal(10) ** 15, "E": Decimal(10) ** 18,
}
_MISSING = object()


class HasGet(Protocol):
    def get(self, kind: str, namespace: str | None, name: str) -> dict[str, Any] | None: ...


def parse_path(path: str) -> list[str | int]:
    """`spec.containers[0].image`, `metadata.annotations["a/b"]` into keys and indexes."""
    parts: list[str | int] = []
    pos = 0
    while pos < len(path):
        m = _TOKEN.match(path, pos)
        if not m or m.end() == pos:
            raise ValueError(f"bad path {path!r} at {path[pos:]!r}")
        name, index, dq, sq = m.groups()
        if index is not None:
            parts.append(int(index))
        elif dq is not None:
            parts.append(re.sub(r"\\(.)", r"\1", dq))
        else:
            parts.append(name if name is not None else sq)
        pos = m.end()
    return parts


def get_path(obj: Any, path: str) -> Any:
    """The value at a check path, or None when any step is missing."""
    value = _walk(obj, parse_path(path))
    return None if value is _MISSING else value


def _walk(obj: Any, parts: list[str | int]) -> Any:
    cur = obj
    for part in parts:
        if isinstance(part, int):
            if not isinstance(cur, list) or part >= len(cur):
                return _MISSING
            cur = cur[part]
        elif isinstance(cur, dict) and part in cur:
            cur = cur[part]
        else:
            return _MISSING
    return cur


def parse_quantity(value: Any) -> Decimal | None:
    """A number or a Kubernetes quantity (`512Mi`, `250m`, `1e3`) as a Decimal; None if neither."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    m = _QUANTITY.match(str(value).strip())
    if not m:
        return None
    try:
        number = Decimal(m.group(1))
    except InvalidOperation:
        return None
    if m.group(2):
        return number * (Decimal(10) ** int(m.group(2)[1:]))
    return number * _SUFFIX[m.group(3)] if m.group(3) else number


def string_form(value: Any) -> str:
    """How `matches` sees a value: YAML-ish scalars, JSON for maps and lists."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _typed_equal(a: Any, b: Any) -> bool:
    """YAML equality as typed: 3 is not "3", and true is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and bool(a == b)


def _compare(value: Any, bound: Any, *, at_least: bool) -> bool:
    have, want = parse_quantity(value), parse_quantity(bound)
    if have is None or want is None:
        return False
    return have >= want if at_least else have <= want


def _holds_on(value: Any, check: dict[str, Any]) -> bool:
    present = value is not _MISSING and value is not None
    if "exists" in check:
        return present == bool(check["exists"])
    if "not_equals" in check:
        return not (present and _typed_equal(value, check["not_equals"]))
    if not present:
        return False
    if "equals" in check:
        return _typed_equal(value, check["equals"])
    if "matches" in check:
        return re.search(str(check["matches"]), string_form(value)) is not None
    if "at_least" in check:
        return _compare(value, check["at_least"], at_least=True)
    if "at_most" in check:
        return _compare(value, check["at_most"], at_least=False)
    raise ValueError(f"check has no operator: {check}")


def check_holds(check: dict[str, Any], world_or_lookup: HasGet | Lookup) -> bool:
    """Whether one check (or an any_of group) holds against the current objects.

    A missing object makes every operator false except `exists: false`.
    """
    if "any_of" in check:
        return any(check_holds(c, world_or_lookup) for c in check["any_of"])
    lookup: Lookup = world_or_lookup if callable(world_or_lookup) else world_or_lookup.get
    obj = lookup(str(check["kind"]), check.get("namespace"), str(check["name"]))
    if obj is None:
        return "exists" in check and not bool(check["exists"])
    return _holds_on(_walk(obj, parse_path(str(check["path"]))), check)


def all_hold(checks: list[dict[str, Any]], world_or_lookup: HasGet | Lookup) -> bool:
    return all(check_holds(c, world_or_lookup) for c in checks)
