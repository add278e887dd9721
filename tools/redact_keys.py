"""Which keys name a secret, and which values under them are harmless (redaction's judgement calls).

A key names a secret when its last word (or last two) is one of a closed set:
`DB_PASSWORD`, `apiKey`, `client_secret`, `x-auth-token`, `AccountKey`.
Keys that merely mention a secret keep their value: `secretName`,
`secretKeyRef`, `max_tokens`, `token_file`, `auth_method`.

Under such a key a value is redacted unless it is a placeholder (`true`,
`null`, `***`, `${VAR}`, `<set to the key ...>`). For keys other than
passwords a value that plainly is not a credential is kept too: a file path, a
URL (credentials inside URLs have their own rule), or a plain word or
Kubernetes-style name (`auth=failed`, `secret: inventory-db`,
`secret=prod/payments-tls`); real tokens and keys are never plain lowercase
words.
"""
from __future__ import annotations

import re
from functools import lru_cache

_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")

_LAST_WORD = {
    "password": "password", "passwd": "password", "pwd": "password", "passphrase": "password",
    "pass": "password", "secret": "secret", "secretkey": "secret", "secretid": "secret",
    "token": "token", "credential": "credentials", "credentials": "credentials", "creds": "credentials",
    "auth": "auth", "authorization": "auth", "apikey": "api-key", "accesskey": "access-key",
    "privatekey": "private-key", "cookie": "cookie", "sig": "signature", "signature": "signature",
    "dsn": "connection-string", "connectionstring": "connection-string", "connstr": "connection-string",
}
_LAST_TWO = {
    ("api", "key"): "api-key", ("access", "key"): "access-key", ("secret", "key"): "secret",
    ("private", "key"): "private-key", ("account", "key"): "access-key", ("signing", "key"): "secret",
    ("encryption", "key"): "secret", ("master", "key"): "secret", ("license", "key"): "api-key",
    ("auth", "key"): "api-key", ("shared", "key"): "secret", ("client", "key"): "private-key",
    ("tls", "key"): "private-key", ("ssh", "key"): "private-key", ("secret", "id"): "secret",
    ("connection", "string"): "connection-string", ("conn", "str"): "connection-string",
    ("conn", "string"): "connection-string", ("webhook", "url"): "webhook-url",
}
_AWS_SECRET = ("secret", "access", "key")

_PLACEHOLDERS = frozenset({
    "", "true", "false", "yes", "no", "on", "off", "null", "none", "nil", "undefined", "enabled",
    "disabled", "required", "optional", "set", "unset", "empty", "redacted", "masked", "hidden", "n/a",
    "-", "<none>", "<unset>", "<redacted>", "[redacted]", "[filtered]", "filtered", "xxx",
})
_PLACEHOLDER_PREFIXES = ("[REDACTED", "${", "{{", "$(", "%(", "<")
_MASKED = re.compile(r"[*x•.\-_#]+", re.I)
# A plain word or a Kubernetes-style name, optionally namespaced: failed, inventory-db, prod/payments-tls.
_WORDISH = re.compile(r"(?:[a-z0-9]+(?:-[a-z0-9]+)*/)?[a-z]+(?:[-_][a-z]+)*(?:-\d{1,3})?|[A-Z][a-z]+")
_PATH_OR_URL = re.compile(r"(?:/|\./|~/|[a-zA-Z][a-zA-Z0-9+.-]{1,20}://)")


def marker(kind: str) -> str:
    """The replacement text: says what was there, holds nothing of it."""
    return f"[REDACTED:{kind}]"


@lru_cache(maxsize=8192)
def key_kind(key: str) -> str | None:
    """The secret kind a key names (`password`, `token`, `api-key`, ...), or None for an ordinary key."""
    words = [w.lower() for w in _WORDS.findall(key)]
    if not words:
        return None
    if tuple(words[-3:]) == _AWS_SECRET:
        return "aws-secret"
    if len(words) >= 2 and (two := _LAST_TWO.get((words[-2], words[-1]))) is not None:
        return two
    return _LAST_WORD.get(words[-1]) or _LAST_WORD.get("".join(words[-2:]))


def benign_value(value: str, kind: str, *, strict: bool) -> bool:
    """True when the value under a secret-naming key is not itself a secret.

    `strict` is for structured forms (`k=v`, quoted JSON, YAML, objects): any
    value that is not obviously harmless goes. Loose prose (`token: unexpected
    status`) must also look like a credential: 8+ characters of at least two
    character classes.
    """
    v = value.strip()
    if v.lower() in _PLACEHOLDERS or v.startswith(_PLACEHOLDER_PREFIXES) or _MASKED.fullmatch(v):
        return True
    if kind == "password":
        return False
    if _PATH_OR_URL.match(v) or _WORDISH.fullmatch(v):
        return True
    return not strict and not looks_like_credential(v)


def looks_like_credential(value: str) -> bool:
    """8+ characters, no spaces, at least two of lower/upper/digit/symbol."""
    if len(value) < 8 or any(c.isspace() for c in value):
        return False
    classes = (any(c.islower() for c in value), any(c.isupper() for c in value),
               any(c.isdigit() for c in value), any(not c.isalnum() for c in value))
    return sum(classes) >= 2
