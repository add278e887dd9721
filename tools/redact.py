"""Secret redaction for everything a tool returns: text (logs, events, bodies) and API objects.

A secret is replaced by `[REDACTED:<kind>]` (slack-token, aws-key, jwt, pem,
bearer, password, url-credentials, secret-data, ...): the kind tells the
reader what was there, never a hash or a fragment of it. Two layers work
together:

* formats that are secrets wherever they appear (vendor token prefixes, JWTs,
  PEM private keys, credentials inside URLs, Basic/Bearer credentials), in
`tools/redact_text.py`;
* values under keys that name a secret (`password=`, `"api_key": ...`,
  `DB_PASSWORD: ...`, `{name: X_TOKEN, value: ...}`, a Secret's `data`), with
  the judgement of which keys and values count in `tools/redact_keys.py`.

Ordinary identifiers (UUIDs, digests, trace ids, IPs, pod names) match
neither layer, so they survive.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from tools.redact_keys import benign_value, key_kind, marker
from tools.redact_text import redact_block, redact_text

__all__ = ["redact", "redact_many", "redact_obj", "marker"]

_SECRET_TYPES = ("Opaque", "kubernetes.io/", "bootstrap.kubernetes.io/", "helm.sh/release")
_SECRET_DATA_KEYS = ("data", "stringData", "string_data")


def redact(text: str) -> str:
    """Replace every secret in `text`; everything else is kept byte for byte."""
    return redact_text(text) if text else text


def redact_many(texts: Sequence[str]) -> list[str]:
    """`[redact(t) for t in texts]`, but one pass over all the single-line ones together."""
    out = list(texts)
    batch = [i for i, t in enumerate(texts)
             if t and "\n" not in t and "-----BEGIN" not in t and "Secret" not in t]
    cleaned = redact_block("\n".join(texts[i] for i in batch)).split("\n") if batch else []
    if len(cleaned) != len(batch):  # cannot happen: the block rules keep newlines; stay safe anyway
        cleaned = [redact(texts[i]) for i in batch]
    for i, text in zip(batch, cleaned):
        out[i] = text
    batched = set(batch)
    for i, text in enumerate(texts):
        if i not in batched and text:
            out[i] = redact(text)
    return out


def redact_obj(obj: Any) -> Any:
    """A redacted copy of a JSON-like object (dicts, lists, strings); the input is not changed.

    One walk builds the copy, deciding secret keys, Secret data and env
    entries on the spot and noting where every other string landed; then all
    those strings are scanned in one batch and written back.
    """
    walker = _Walker()
    out = walker.walk(obj, None)
    for (container, key, _text), clean in zip(walker.pending, redact_many([p[2] for p in walker.pending])):
        container[key] = clean
    return out


class _Walker:
    def __init__(self) -> None:
        self.pending: list[tuple[Any, Any, str]] = []  # (container, key or index, text to scan)

    def walk(self, obj: Any, under: str | None) -> Any:
        if isinstance(obj, str):  # only at the top: strings inside containers go through _put
            return marker(under) if under is not None and not benign_value(obj, under, strict=True) else redact(obj)
        if isinstance(obj, dict):
            return self._dict(obj, under)
        if isinstance(obj, list):
            out: list[Any] = []
            for index, item in enumerate(obj):
                self._put(out, index, item, under, append=True)
            return out
        if isinstance(obj, tuple):
            return tuple(redact_obj(list(obj)) if under is None else self.walk(list(obj), under))
        if under == "password" and isinstance(obj, (int, float)) and not isinstance(obj, bool):
            return marker(under)
        return obj

    def _put(self, container: Any, key: Any, value: Any, under: str | None, *, append: bool = False) -> None:
        """Place the redacted form of `value` at container[key], scanning strings later in one batch."""
        if isinstance(value, str) and (under is None or benign_value(value, under, strict=True)):
            self.pending.append((container, key, value))
            result: Any = value
        else:
            result = self.walk(value, under)
        if append:
            container.append(result)
        else:
            container[key] = result

    def _dict(self, obj: dict[Any, Any], under: str | None) -> dict[Any, Any]:
        secret_obj = _is_k8s_secret(obj)
        name = obj.get("name")
        env_kind = key_kind(name) if isinstance(name, str) and "value" in obj else None
        out: dict[Any, Any] = {}
        for key, value in obj.items():
            if secret_obj and key in _SECRET_DATA_KEYS and isinstance(value, dict):
                out[key] = {k: marker("secret-data") for k in value}
            elif env_kind is not None and key == "value":
                self._put(out, key, value, env_kind)
            elif key == "annotations" and isinstance(value, dict):
                out[key] = {k: _annotation(v) for k, v in value.items()}
            else:
                self._put(out, key, value, (key_kind(key) if isinstance(key, str) else None) or under)
        return out


def _is_k8s_secret(obj: dict[Any, Any]) -> bool:
    """A Secret by kind, or (list items from the Python client carry no kind) by its type and data."""
    kind = obj.get("kind")
    if kind is not None:
        return str(kind) == "Secret"
    if "data" not in obj and "stringData" not in obj and "string_data" not in obj:
        return False
    secret_type = obj.get("type")
    return isinstance(secret_type, str) and secret_type.startswith(_SECRET_TYPES)


def _annotation(value: Any) -> Any:
    """Annotations are scanned as text; JSON ones (last-applied-configuration) as the objects they hold."""
    if not isinstance(value, str) or value.strip()[:1] not in ("{", "["):
        return redact_obj(value)
    try:
        parsed = json.loads(value)
    except ValueError:
        return redact(value)
    cleaned = redact_obj(parsed)
    if cleaned == parsed:
        return value
    return json.dumps(cleaned, separators=(",", ":")) + ("\n" if value.endswith("\n") else "")
