"""Compact YAML writer for scenario files: block style outside, flow style for small maps (helper scenA)."""
from __future__ import annotations

import json
import re
import textwrap
from typing import Any

import yaml

WIDTH = 250
_PLAIN = re.compile(r"^[A-Za-z_/][A-Za-z0-9_./()+-]*( [A-Za-z0-9_./()+-]+)*$")
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_./-]*$")


class Comment(str):
    """A `# ...` line inside a block list; dropped when the file is read back."""


class Folded(str):
    """A long text written as a folded block scalar (`>`)."""


def scalar(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return _float(v)
    s = str(v)
    if re.match(r"^-\d+[smh]$", s):
        return s
    if _PLAIN.match(s) and s not in ("-",):
        try:
            if yaml.safe_load(s) == s:
                return s
        except yaml.YAMLError:
            pass
    return json.dumps(s, ensure_ascii=False)


def _float(v: float) -> str:
    s = repr(float(v))
    if "e" in s:
        mant, exp = s.split("e")
        if "." not in mant:
            mant += ".0"
        if exp[0] not in "+-":
            exp = "+" + exp
        s = f"{mant}e{exp}"
    return s


def key(k: Any) -> str:
    s = str(k)
    if _KEY.match(s):
        try:
            if yaml.safe_load(s) == s:
                return s
        except yaml.YAMLError:
            pass
    return json.dumps(s)


def flow(v: Any) -> str | None:
    """The one-line flow form, or None when v cannot be written on one line."""
    if isinstance(v, (Comment, Folded)):
        return None
    if isinstance(v, dict):
        parts = []
        for k, x in v.items():
            f = flow(x)
            if f is None:
                return None
            parts.append(f"{key(k)}: {f}")
        return "{" + ", ".join(parts) + "}"
    if isinstance(v, list):
        parts = []
        for x in v:
            f = flow(x)
            if f is None:
                return None
            parts.append(f)
        return "[" + ", ".join(parts) + "]"
    if isinstance(v, str) and "\n" in v:
        return None
    return scalar(v)


def _multiline(s: str, pad: str) -> list[str]:
    chomp = "" if s.endswith("\n") and not s.endswith("\n\n") else "-" if not s.endswith("\n") else "+"
    body = s[:-1] if s.endswith("\n") else s
    return [f"|{chomp}"] + [(pad + ln) if ln else "" for ln in body.split("\n")]


def _folded(s: str, pad: str) -> list[str]:
    out = [">"]
    paras = s.strip().split("\n\n")
    for i, p in enumerate(paras):
        if i:
            out.append("")
        for ln in textwrap.wrap(" ".join(p.split()), width=110, break_on_hyphens=False, break_long_words=False):
            out.append(pad + ln)
    return out


def block_map(d: dict, indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for k, v in d.items():
        head = f"{pad}{key(k)}:"
        if isinstance(v, Folded):
            ml = _folded(v, pad + "  ")
            lines.append(f"{head} {ml[0]}")
            lines.extend(ml[1:])
            continue
        if isinstance(v, str) and "\n" in v:
            ml = _multiline(v, pad + "  ")
            lines.append(f"{head} {ml[0]}")
            lines.extend(ml[1:])
            continue
        f = flow(v)
        scalar_like = not isinstance(v, (dict, list))
        flat_map = isinstance(v, dict) and all(not isinstance(x, (dict, list)) for x in v.values()) and len(f or "") < 700
        numbers = isinstance(v, list) and all(x is None or (isinstance(x, (int, float)) and not isinstance(x, bool)) for x in v)
        if f is not None and (scalar_like or not v or len(head) + 1 + len(f) <= WIDTH or numbers or flat_map):
            lines.append(f"{head} {f}")
        elif isinstance(v, dict):
            lines.append(head)
            lines.extend(block_map(v, indent + 2))
        else:
            lines.append(head)
            lines.extend(block_list(v, indent + 2))
    return lines


def block_list(items: list, indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for it in items:
        if isinstance(it, Comment):
            lines.append(f"{pad}# {it}")
            continue
        f = flow(it)
        if f is not None and len(pad) + 2 + len(f) <= WIDTH:
            lines.append(f"{pad}- {f}")
        elif isinstance(it, dict):
            sub = block_map(it, indent + 2)
            sub[0] = f"{pad}- {sub[0].lstrip()}"
            lines.extend(sub)
        elif isinstance(it, list):
            sub = block_list(it, indent + 2)
            sub[0] = f"{pad}- {sub[0].lstrip()}"
            lines.extend(sub)
        else:
            lines.append(f"{pad}- {f if f is not None else scalar(it)}")
    return lines


def dump(doc: dict) -> str:
    return "\n".join(block_map(doc, 0)) + "\n"


def strip_comments(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: strip_comments(x) for k, x in v.items()}
    if isinstance(v, list):
        return [strip_comments(x) for x in v if not isinstance(x, Comment)]
    if isinstance(v, (Folded,)):
        return str(v)
    return v
