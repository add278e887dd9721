"""Compact YAML writer for scenarios: block style for structure, flow style for small leaves, as the examples."""
from __future__ import annotations

import json
import re
from typing import Any

import yaml


_PLAIN_OK: dict[str, bool] = {}
_FLOW_CHARS = set(",[]{}#&*!|>'\"%@`")


def scalar(v: Any) -> str:
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        s = repr(v)
        if "e" in s:
            mant, exp = s.split("e")
            if "." not in mant:
                mant += ".0"
            if exp[0] not in "+-":
                exp = "+" + exp
            s = f"{mant}e{exp}"
        return s
    s = str(v)
    if _plain(s):
        return s
    return json.dumps(s)


_SIMPLE = re.compile(r"^[A-Za-z_/][A-Za-z0-9_./-]*$")
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"}


def _plain(s: str) -> bool:
    if s in _PLAIN_OK:
        return _PLAIN_OK[s]
    if _SIMPLE.match(s) and s.lower() not in _RESERVED:
        _PLAIN_OK[s] = True
        return True
    ok = bool(s) and s == s.strip() and not (set(s) & _FLOW_CHARS) and ": " not in s and " #" not in s \
        and not s.startswith(("-", "?", ":", "~")) and "\n" not in s and not s.endswith(":")
    if ok:
        try:
            ok = yaml.safe_load(f"k: {s}") == {"k": s} and yaml.safe_load(f"{{k: {s}}}") == {"k": s} \
                and yaml.safe_load(f"[{s}]") == [s]
        except yaml.YAMLError:
            ok = False
    _PLAIN_OK[s] = ok
    return ok


def flow(v: Any) -> str:
    if isinstance(v, dict):
        if not v:
            return "{}"
        return "{" + ", ".join(f"{scalar(k)}: {flow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        if not v:
            return "[]"
        return "[" + ", ".join(flow(x) for x in v) + "]"
    return scalar(v)


FORCE_FLOW = {"values", "labels", "matchLabels", "tags", "nodeInfo"}
FORCE_BLOCK = {"lines", "objects", "logs", "metrics", "recovery", "upsert", "evidence", "containers",
               "initContainers", "containerStatuses", "initContainerStatuses", "subsets", "spans", "accepted",
               "forbidden", "checks", "when", "aliases", "traces", "rules", "remediation", "alert", "apply",
               "template", "conditions", "cluster", "truth", "trigger",
               "volumeClaimTemplates", "env", "items", "ingress", "egress", "delete", "jobTemplate"}
BLOCK_ITEMS = {"objects", "upsert", "containers", "initContainers", "containerStatuses", "initContainerStatuses",
               "logs", "metrics", "recovery", "traces", "subsets", "rules", "volumeClaimTemplates", "ingress", "egress"}
WIDTH = 330


FLOW_KINDS: set[str] = set()


def dump(d: Any, *, comments: dict[int, str] | None = None, flow_kinds: set[str] | None = None) -> str:
    """Block style for structure, flow style for small leaves; objects of flow_kinds go on one line."""
    FLOW_KINDS.clear()
    FLOW_KINDS.update(flow_kinds or ())
    out: list[str] = []
    _emit(d, 0, out, key=None, comments=comments or {})
    return "\n".join(out) + "\n"


def _emit(v: Any, ind: int, out: list[str], *, key: str | None, comments: dict[int, str]) -> None:
    pad = " " * ind
    if isinstance(v, dict):
        for k, x in v.items():
            _emit_kv(k, x, ind, out, comments)
        return
    for x in v:
        if id(x) in comments:
            out.append(f"{pad}# {comments[id(x)]}")
        if isinstance(x, dict) and x:
            f = flow(x)
            if x.get("kind") in FLOW_KINDS or (key not in BLOCK_ITEMS and len(pad) + 2 + len(f) <= WIDTH):
                out.append(f"{pad}- {f}")
                continue
            sub: list[str] = []
            _emit(x, ind + 2, sub, key=None, comments=comments)
            sub[0] = f"{pad}- " + sub[0][ind + 2:]
            out.extend(sub)
        elif key == "lines" and isinstance(x, str):
            out.append(f"{pad}- {json.dumps(x)}")
        else:
            out.append(f"{pad}- {flow(x)}")


def _emit_kv(k: str, x: Any, ind: int, out: list[str], comments: dict[int, str]) -> None:
    pad = " " * ind
    ks = scalar(k)
    if k == "notes" and isinstance(x, str):
        out.append(f"{pad}{ks}: >")
        for para_i, para in enumerate(x.split("\n")):
            if para_i:
                out.append("")
            line = ""
            for word in para.split(" "):
                if line and len(line) + 1 + len(word) > 110:
                    out.append(f"{pad}  {line}")
                    line = word
                else:
                    line = f"{line} {word}" if line else word
            if line:
                out.append(f"{pad}  {line}")
        return
    if isinstance(x, (dict, list)) and x:
        f = flow(x)
        fits = len(pad) + len(ks) + 2 + len(f) <= WIDTH
        if k in FORCE_FLOW or (fits and k not in FORCE_BLOCK and ind >= 2):
            out.append(f"{pad}{ks}: {f}")
            return
        out.append(f"{pad}{ks}:")
        _emit(x, ind + 2, out, key=k, comments=comments)
    else:
        out.append(f"{pad}{ks}: {flow(x)}")
