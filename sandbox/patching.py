"""The three PATCH forms: JSON patch (RFC 6902), merge patch (RFC 7386), strategic merge."""
from __future__ import annotations

import copy
from typing import Any

Obj = dict[str, Any]


class PatchError(ValueError):
    """A patch that parses but cannot be applied (the API server answers 422)."""


# ---- JSON patch ------------------------------------------------------------------------
def _pointer(path: Any) -> list[str]:
    if not isinstance(path, str) or (path and not path.startswith("/")):
        raise PatchError(f"invalid JSON pointer: {path!r}")
    return [p.replace("~1", "/").replace("~0", "~") for p in path.split("/")[1:]]


def _index(container: list[Any], token: str, *, insert: bool) -> int:
    if token == "-" and insert:
        return len(container)
    if not token.isdigit() or (len(token) > 1 and token.startswith("0")):
        raise PatchError(f"invalid array index: {token!r}")
    i = int(token)
    if i > len(container) or (i == len(container) and not insert):
        raise PatchError(f"array index out of range: {i}")
    return i


def _parent(doc: Any, tokens: list[str], path: str) -> Any:
    cur = doc
    for tok in tokens[:-1]:
        if isinstance(cur, dict) and tok in cur:
            cur = cur[tok]
        elif isinstance(cur, list):
            cur = cur[_index(cur, tok, insert=False)]
        else:
            raise PatchError(f"path {path!r} does not exist: missing {tok!r}")
    return cur


def _get(doc: Any, path: str) -> Any:
    tokens = _pointer(path)
    if not tokens:
        return doc
    parent, last = _parent(doc, tokens, path), tokens[-1]
    if isinstance(parent, dict):
        if last not in parent:
            raise PatchError(f"path {path!r} does not exist")
        return parent[last]
    if isinstance(parent, list):
        return parent[_index(parent, last, insert=False)]
    raise PatchError(f"path {path!r} does not exist")


def _add(doc: Any, path: str, value: Any) -> Any:
    tokens = _pointer(path)
    if not tokens:
        return value
    parent, last = _parent(doc, tokens, path), tokens[-1]
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list):
        parent.insert(_index(parent, last, insert=True), value)
    else:
        raise PatchError(f"cannot add at {path!r}: the parent is not an object or array")
    return doc


def _remove(doc: Any, path: str) -> Any:
    tokens = _pointer(path)
    if not tokens:
        raise PatchError("cannot remove the whole document")
    parent, last = _parent(doc, tokens, path), tokens[-1]
    if isinstance(parent, dict) and last in parent:
        del parent[last]
    elif isinstance(parent, list):
        del parent[_index(parent, last, insert=False)]
    else:
        raise PatchError(f"unable to remove nonexistent key: {last}: missing value")
    return doc


def _json_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)


def json_patch(doc: Obj, ops: Any) -> Obj:
    """Apply RFC 6902 operations to a copy; raise PatchError like the API server's 422."""
    if not isinstance(ops, list):
        raise PatchError("a JSON patch must be a list of operations")
    out: Any = copy.deepcopy(doc)
    for i, op in enumerate(ops):
        if not isinstance(op, dict) or "path" not in op:
            raise PatchError(f"operation {i}: needs op and path")
        kind, path = op.get("op"), op["path"]
        if kind in ("add", "replace", "test") and "value" not in op:
            raise PatchError(f"operation {i} ({kind}): missing value")
        if kind == "add":
            out = _add(out, path, copy.deepcopy(op["value"]))
        elif kind == "remove":
            out = _remove(out, path)
        elif kind == "replace":
            _get(out, path)
            out = _add(_remove(out, path), path, copy.deepcopy(op["value"])) if _pointer(path) \
                else copy.deepcopy(op["value"])
        elif kind in ("move", "copy"):
            value = copy.deepcopy(_get(out, str(op.get("from"))))
            if kind == "move":
                out = _remove(out, str(op.get("from")))
            out = _add(out, path, value)
        elif kind == "test":
            if not _json_equal(_get(out, path), op["value"]):
                raise PatchError(f"testing value {path} failed: test failed")
        else:
            raise PatchError(f"Unexpected kind: {kind}")
    if not isinstance(out, dict):
        raise PatchError("the patched document is not an object")
    return dict(out)


# ---- merge patch -----------------------------------------------------------------------
def merge_patch(doc: Any, patch: Any) -> Any:
    """RFC 7386: maps merge, null deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(doc) if isinstance(doc, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


# ---- strategic merge patch -------------------------------------------------------------
_NAME_KEYED = {"containers", "initContainers", "ephemeralContainers", "env", "volumes",
               "imagePullSecrets", "resourceClaims", "schedulingGates"}
_OTHER_KEYS = {"volumeMounts": "mountPath", "volumeDevices": "devicePath", "hostAliases": "ip",
               "topologySpreadConstraints": "topologyKey", "conditions": "type",
               "ownerReferences": "uid"}
_CONTAINER_LISTS = {"containers", "initContainers", "ephemeralContainers"}
_PRIMITIVE_SETS = {"finalizers"}


def merge_key(kind: str, path: tuple[str, ...]) -> str | None:
    """The patchMergeKey of the list at `path`, as the Go types declare it; None: replace."""
    field = path[-1]
    if field in _NAME_KEYED:
        return "name"
    if field in _OTHER_KEYS:
        return _OTHER_KEYS[field]
    if field == "ports":
        if len(path) > 1 and path[-2] in _CONTAINER_LISTS:
            return "containerPort"
        if kind == "Service" and path == ("spec", "ports"):
            return "port"
    return None


def strategic_merge(doc: Any, patch: Any, *, kind: str, path: tuple[str, ...] = ()) -> Any:
    """kubectl's strategic merge for built-in kinds: lists merge by their merge keys,
    null deletes, `$patch: replace|delete` and `$deleteFromPrimitiveList/` directives."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    directive = patch.get("$patch")
    if directive == "replace":
        return {k: copy.deepcopy(v) for k, v in patch.items() if k != "$patch"}
    if directive == "delete":
        return None
    if directive is not None:
        raise PatchError(f"unknown patch type: {directive!r}")
    out = dict(doc) if isinstance(doc, dict) else {}
    for k, v in patch.items():
        if k.startswith("$setElementOrder/") or k == "$retainKeys":
            continue
        if k.startswith("$deleteFromPrimitiveList/"):
            field = k.split("/", 1)[1]
            out[field] = [x for x in out.get(field) or [] if x not in (v or [])]
        elif v is None:
            out.pop(k, None)
        elif isinstance(v, list):
            out[k] = _merge_list(out.get(k), v, kind=kind, path=path + (k,))
        else:
            merged = strategic_merge(out.get(k), v, kind=kind, path=path + (k,))
            if merged is None:
                out.pop(k, None)
            else:
                out[k] = merged
    retain = patch.get("$retainKeys")
    if isinstance(retain, list):
        out = {k: v for k, v in out.items() if k in retain}
    return out


def _merge_list(old: Any, items: list[Any], *, kind: str, path: tuple[str, ...]) -> list[Any]:
    current = list(old) if isinstance(old, list) else []
    if any(isinstance(i, dict) and i.get("$patch") == "replace" for i in items):
        return [copy.deepcopy(i) for i in items if not (isinstance(i, dict) and "$patch" in i)]
    if path[-1] in _PRIMITIVE_SETS:
        return current + [copy.deepcopy(i) for i in items if i not in current]
    key = merge_key(kind, path)
    if key is None:
        return [copy.deepcopy(i) for i in items]
    for item in items:
        if not isinstance(item, dict) or key not in item:
            raise PatchError(f"map: {item!r} does not contain declared merge key: {key}")
        found = next((n for n, e in enumerate(current)
                      if isinstance(e, dict) and e.get(key) == item[key]), None)
        if item.get("$patch") == "delete":
            current = [e for e in current if not (isinstance(e, dict) and e.get(key) == item[key])]
        elif found is None:
            current.append(strategic_merge({}, item, kind=kind, path=path))
        else:
            current[found] = strategic_merge(current[found], item, kind=kind, path=path)
    return current
