"""Secrets in structured text: `key=value`, `"key": "value"`, `key: value`, YAML lines and block scalars,
and the `data` of Kubernetes Secret manifests printed as YAML or JSON.

The key decides (see `tools/redact_keys.py`); the form decides how much is the
value: a bare token, a quoted string, the rest of a YAML line, or the indented
lines of a YAML block scalar.
"""
from __future__ import annotations

import re

from tools.redact_keys import benign_value, key_kind, marker

KEYWORDS = ("pass", "pwd", "secret", "token", "cred", "auth", "key", "cookie", "sig", "conn", "dsn")
# A key/value pair, matched from the keyword on (the rest of the key is found by looking back).
PAIR = re.compile(
    r"(?P<k>(?i:pass|pwd|secret|token|cred|auth|key|cookie|sig|conn|dsn)[\w.-]*)(?P<q>\\?[\"']?)"
    r"(?P<sep>[ \t]*(?:=|:)[ \t]*)(?P<scheme>(?i:bearer|basic|token|digest|negotiate)[ \t]+)?"
    r"(?P<v>\\\"[^\"\\\n]*\\\"|\"(?:[^\"\\\n]|\\.)*\"|'[^'\n]*'|(?![\[{])[^\s,;&)\]}\"'<>]+)")
# A name/value entry (env vars, headers) written as JSON, a YAML flow map, or two YAML lines:
# {"name":"DB_PASSWORD","value":"..."}, {name: DB_PASSWORD, value: ...}, - name: X_TOKEN\n  value: ...
_ENV_PAIR = (r"""(?i)(?<![\w-])name\\?["']?[ \t]*[:=][ \t]*\\?["']?(?P<k>[A-Za-z_][\w.-]*)\\?["']?[ \t]*,?[ \t]*"""
             r"""{newline}\\?["']?value\\?["']?[ \t]*[:=][ \t]*"""
             r"""(?P<v>\\"[^"\\\n]*\\"|"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|(?![\[{])[^\s,}\]]+)""")
ENV_PAIR = {False: re.compile(_ENV_PAIR.replace("{newline}", "")),  # one line: JSON, flow maps
            True: re.compile(_ENV_PAIR.replace("{newline}", r"(?:\r?\n[ \t]*)?"))}  # also `- name: X` / `value: Y`
_YAML_INDENT = re.compile(r"[ \t]*(?:-[ \t]+)?")
_BLOCK_SCALAR = frozenset({"|", ">", "|-", ">-", "|+", ">+"})
_SCHEMES = {"bearer": "bearer", "basic": "basic-auth"}


def pair_change(m: re.Match[str], *, multiline: bool) -> tuple[int, int, str] | None:
    """(start, end, replacement) for a secret value, or None to keep the pair as it is."""
    text = m.string
    kstart = key_start(text, m.start())
    kind = key_kind(text[kstart:m.end("k")])
    if kind is None:
        return None
    line_start = text.rfind("\n", 0, kstart) + 1
    yaml = (not m.group("q") and ":" in m.group("sep") and m.group("v")[:1] not in ("'", '"', "\\")
            and _YAML_INDENT.fullmatch(text, line_start, kstart) is not None)
    if yaml:
        return _yaml_change(text, m, kind, indent=kstart - line_start if multiline else -1)
    value, quote = _unquote(m.group("v"))
    if value.startswith("[REDACTED"):
        return None
    scheme = m.group("scheme")
    if scheme:
        kind = _SCHEMES.get(scheme.strip().lower(), kind)
    strict = bool(scheme or quote or m.group("q") or "=" in m.group("sep"))
    if benign_value(value, kind, strict=strict):
        return None
    return m.start("v"), m.end("v"), quote + marker(kind) + quote


def env_pair_change(m: re.Match[str]) -> tuple[int, int, str] | None:
    """The value of a name/value entry whose name names a secret (`DB_PASSWORD`, `X-Auth-Token`)."""
    kind = key_kind(m.group("k"))
    if kind is None:
        return None
    value, quote = _unquote(m.group("v"))
    if value.startswith("[REDACTED") or benign_value(value, kind, strict=True):
        return None
    return m.start("v"), m.end("v"), quote + marker(kind) + quote


def _yaml_change(text: str, m: re.Match[str], kind: str, *, indent: int) -> tuple[int, int, str] | None:
    """A YAML `key: value` line: the value runs to the end of the line, or is a block scalar
    below it (only when `indent` >= 0, the key's indentation)."""
    start = m.start("scheme") if m.group("scheme") else m.start("v")
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    value = text[start:end].rstrip()
    if value in _BLOCK_SCALAR and indent >= 0:
        return start, _block_end(text, end, indent), marker(kind)
    scheme, _, rest = value.partition(" ")
    scheme_kind = _SCHEMES.get(scheme.lower()) if rest.strip() else None
    keep = ""
    if scheme_kind is not None:
        kind, value, keep = scheme_kind, rest.strip(), scheme + " "
    if benign_value(value, kind, strict=True):
        return None
    return start, start + len(text[start:end].rstrip()), keep + marker(kind)


def _block_end(text: str, pos: int, indent: int) -> int:
    """End of a YAML block scalar that starts after `pos`: the following lines indented deeper than the key."""
    end = pos
    while end < len(text):
        nxt = text.find("\n", end + 1)
        line = text[end + 1: len(text) if nxt < 0 else nxt]
        if line.strip() and len(line) - len(line.lstrip(" \t")) <= indent:
            break
        end = len(text) if nxt < 0 else nxt
    return end


def _unquote(raw: str) -> tuple[str, str]:
    for quote in ('\\"', '"', "'"):
        if len(raw) >= 2 * len(quote) and raw.startswith(quote) and raw.endswith(quote):
            return raw[len(quote):-len(quote)], quote
    return raw, ""


# --- Kubernetes Secret manifests written as text (kubectl -o yaml/json, last-applied annotations) ---

_YAML_DATA_BLOCK = re.compile(r"^([ \t]*)(data|stringData):[ \t]*$")
_YAML_DATA_FLOW = re.compile(r"^([ \t]*(?:data|stringData):[ \t]*)\{(.*)\}[ \t]*$")
_FLOW_ITEM = re.compile(r"([\w.-]+|\"[^\"]*\"|'[^']*')([ \t]*:[ \t]*)(\"[^\"]*\"|'[^']*'|[^,}]+)")
_JSON_DATA = re.compile(r"(\\?\"(?:data|stringData)\\?\"[ \t]*:[ \t]*\{)([^{}]*)(\})")
_JSON_ITEM = re.compile(r"(\\?\"[^\"\\]+\\?\"[ \t]*:[ \t]*)(\\?\")[^\"\\]*\\?\"")


def redact_secret_manifest(text: str) -> str:
    """Blank every value of the `data:`/`stringData:` maps in text that describes a Secret."""
    text = _JSON_DATA.sub(lambda m: m.group(1) + _JSON_ITEM.sub(_json_item, m.group(2)) + m.group(3), text)
    out: list[str] = []
    block_indent: int | None = None
    for line in text.split("\n"):
        indent = len(line) - len(line.lstrip(" \t"))
        if block_indent is not None and line.strip() and indent > block_indent:
            key, sep, _ = line.partition(":")
            out.append(f"{key}{sep} {marker('secret-data')}" if sep else line)
            continue
        block_indent = None
        if (m := _YAML_DATA_BLOCK.match(line)) is not None:
            block_indent = len(m.group(1))
        elif (f := _YAML_DATA_FLOW.match(line)) is not None:
            items = _FLOW_ITEM.sub(lambda i: i.group(1) + i.group(2) + marker("secret-data"), f.group(2))
            line = f.group(1) + "{" + items + "}"
        out.append(line)
    return "\n".join(out)


def _json_item(m: re.Match[str]) -> str:
    quote = m.group(2)
    return f"{m.group(1)}{quote}{marker('secret-data')}{quote}"


def key_start(text: str, pos: int) -> int:
    """Start of the key whose keyword begins at `pos` (`client_` in `client_secret`, `--` in `--token`)."""
    start = pos
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_.-"):
        start -= 1
    return start
