"""The text rules of redaction: secret formats, credentials in URLs and headers, secret key/value pairs.

Every rule is tried only where one of its needles (a plain substring: `xox`,
`AKIA`, `://`, `password`...) occurs, found with `str.find`, and works on a
whole block of lines at once. So redacting 100k log lines costs a few dozen
C-speed scans instead of a Python loop of regexes per line. In block mode no
rule adds, removes or crosses a newline (so joined strings split back); the
multi-line forms (PEM blocks, Secret manifests, YAML block scalars, two-line
`name:`/`value:` entries) apply only to a text redacted as one piece.
"""
from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from tools.redact_keys import benign_value, key_kind, marker
from tools.redact_pairs import ENV_PAIR, KEYWORDS, PAIR, env_pair_change, pair_change, redact_secret_manifest

# A private key block: BEGIN line, base64 chunks separated by (escaped) newlines or blanks,
# encryption headers, END line. An unterminated block ends where the base64 does.
_PEM_SEP = r"(?:\\+n|\r?\n|[ \t])*"
_PEM = re.compile(
    r"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----"
    r"(?:" + _PEM_SEP + r"(?:[A-Za-z0-9+/=]{4,}(?=\\+n|\r?\n|[ \t]|$|-----|\\?\"|')|Proc-Type:[^\n]*|DEK-Info:[^\n]*))*"
    r"(?:" + _PEM_SEP + r"-----END \1-----)?", re.M)
_SECRET_KIND = re.compile(r"""kind\\?["']?[ \t]*:[ \t]*\\?["']?Secret\b""")

_W = r"(?<![\w-])"  # the token starts a word


@dataclass(frozen=True)
class _Rule:
    """A pattern tried only where one of its needles occurs; `replace` gives (start, end, new) or None."""

    needles: tuple[str, ...]
    pattern: re.Pattern[str]
    replace: Callable[[re.Match[str]], tuple[int, int, str] | None]
    fold: bool = False  # needles are lowercase and searched case-insensitively
    back: Callable[[str, int], int] | None = None  # where the match starts, from the needle's position

    def apply(self, text: str) -> str:
        hay = _lower(text) if self.fold else text
        positions = [p for needle in self.needles if needle in hay for p in _find_all(hay, needle)]
        if not positions:
            return text
        if len(self.needles) > 1:
            positions = sorted(set(positions))
        out: list[str] = []
        done = 0
        for pos in positions:
            start = self.back(text, pos) if self.back else pos
            if start < done or (m := self.pattern.match(text, start)) is None:
                continue
            change = self.replace(m)
            if change is not None:
                out.append(text[done:change[0]])
                out.append(change[2])
                done = change[1]
        return "".join(out) + text[done:] if out else text


def _find_all(hay: str, needle: str) -> list[int]:
    found: list[int] = []
    i = hay.find(needle)
    while i >= 0:
        found.append(i)
        i = hay.find(needle, i + 1)
    return found


def _lower(text: str) -> str:
    """Lowercase with positions kept (a few Unicode letters grow when lowercased)."""
    low = text.lower()
    return low if len(low) == len(text) else "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _scheme_start(text: str, pos: int) -> int:
    """Start of the URL scheme that ends at `pos` (the `://`)."""
    start = pos
    while start > 0 and pos - start < 20 and (text[start - 1].isalnum() or text[start - 1] in "+.-"):
        start -= 1
    return start


def _flag_start(text: str, pos: int) -> int:
    """Start of the command-line flag around `pos` (`--client-secret` from its `-secret`)."""
    start = pos
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "-"):
        start -= 1
    return start


def _value_change(kind: str, *, loose: bool = False) -> Callable[[re.Match[str]], tuple[int, int, str] | None]:
    """Replace group `v` with the marker unless the value is harmless."""
    def change(m: re.Match[str]) -> tuple[int, int, str] | None:
        value = m.group("v")
        if value.startswith("[REDACTED") or benign_value(value, kind, strict=not loose):
            return None
        return m.start("v"), m.end("v"), marker(kind)
    return change


def _basic(m: re.Match[str]) -> tuple[int, int, str] | None:
    """Basic credentials only when they decode to `user:password`, so 'Basic plan' survives."""
    blob = m.group("v")
    try:
        decoded = base64.b64decode(blob + "=" * (-len(blob) % 4), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if ":" not in decoded or not decoded.isprintable():
        return None
    return m.start("v"), m.end("v"), marker("basic-auth")


def _cli_flag(m: re.Match[str]) -> tuple[int, int, str] | None:
    kind = key_kind(m.group("k"))
    return None if kind is None else _value_change(kind)(m)


def _format(kind: str, needles: tuple[str, ...], pattern: str) -> _Rule:
    """A secret recognisable by its shape alone: the whole match goes."""
    return _Rule(needles, re.compile(pattern), lambda m: (m.start(), m.end(), marker(kind)))


_AWS_PREFIXES = ("AKIA", "ASIA")  # access key ids (long-term, temporary); AROA/AIDA... are ids, not credentials
_CLI_NEEDLES = ("-pass", "-token", "-api", "-secret")

_RULES: list[_Rule] = [
    _format("slack-webhook", ("https://hooks.slack.com/",),
            r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/-]{8,}"),
    _format("slack-token", ("xox",), _W + r"xox[abposre]-[A-Za-z0-9-]{10,}"),
    _format("slack-token", ("xapp-",), _W + r"xapp-\d-[A-Za-z0-9-]{10,}"),
    _format("github-token", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), _W + r"gh[pousr]_[A-Za-z0-9]{30,}"),
    _format("github-token", ("github_pat_",), _W + r"github_pat_[A-Za-z0-9_]{30,}"),
    _format("gitlab-token", ("glpat-",), _W + r"glpat-[A-Za-z0-9_-]{20,}"),
    _format("aws-key", _AWS_PREFIXES,
            r"(?<![A-Z0-9])(?:" + "|".join(_AWS_PREFIXES) + r")[A-Z0-9]{16}(?![A-Z0-9])"),
    _format("gcp-api-key", ("AIza",), _W + r"AIza[0-9A-Za-z_-]{35}"),
    _format("gcp-oauth-token", ("ya29.",), _W + r"ya29\.[0-9A-Za-z_-]{20,}"),
    _format("stripe-key", ("sk_live_", "sk_test_", "rk_live_", "rk_test_"),
            _W + r"[sr]k_(?:live|test)_[0-9A-Za-z]{16,}"),
    _format("stripe-webhook-secret", ("whsec_",), _W + r"whsec_[0-9A-Za-z]{20,}"),
    _format("openai-key", ("sk-",), _W + r"sk-(?:proj-|svcacct-|admin-|ant-)?(?=[A-Za-z0-9_-]*\d)"
                                    r"(?=[A-Za-z0-9_-]*[A-Z])[A-Za-z0-9_-]{20,}"),
    _format("npm-token", ("npm_",), _W + r"npm_[A-Za-z0-9]{36}\b"),
    _format("sendgrid-key", ("SG.",), _W + r"SG\.[\w-]{16,}\.[\w-]{16,}"),
    _format("huggingface-token", ("hf_",), _W + r"hf_[A-Za-z0-9]{30,}"),
    _format("jwt", ("eyJ",), _W + r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    _Rule(("[REDACTED:aws-key]",), re.compile(
        r"\[REDACTED:aws-key\][ \t:,;=|\"'/]{1,6}(?P<v>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"),
        lambda m: (m.start("v"), m.end("v"), marker("aws-secret"))),
    _Rule(("://",), re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]{0,19}://[^\s/@:\"'<>\[\]]*:(?!\[REDACTED)"
                               r"(?P<v>[^\s/@\"'<>]+)@(?=[\w.\[-])"),
          lambda m: (m.start("v"), m.end("v"), marker("url-credentials")), back=_scheme_start),
    _Rule(("://",), re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]{0,19}://(?=[A-Za-z0-9_-]*\d)(?P<v>[A-Za-z0-9_-]{20,})@"
                               r"(?=[\w.-])"),
          lambda m: (m.start("v"), m.end("v"), marker("url-credentials")), back=_scheme_start),
    _Rule(("cookie",), re.compile(r"(?i)(?<!\w)cookie[ \t]*:[ \t]*(?P<v>[^\r\n\"]*[^\s\"])"),
          _value_change("cookie", loose=True), fold=True),
    # RFC 6750 b64token: "=" only as padding at the end
    _Rule(("bearer",), re.compile(r"(?i)(?<!\w)bearer[ \t]+(?=[A-Za-z0-9._~+/-]*(?:\d|[A-Z][a-z]|[a-z][A-Z]))"
                                  r"(?P<v>[A-Za-z0-9._~+/-]{12,}=*)(?![\w=])"),
          lambda m: (m.start("v"), m.end("v"), marker("bearer")), fold=True),
    _Rule(("basic",), re.compile(r"(?i)(?<!\w)basic[ \t]+(?P<v>[A-Za-z0-9+/]{8,}={0,2})(?![\w+/=])"),
          _basic, fold=True),
    _Rule(_CLI_NEEDLES, re.compile(r"(?<![\w-])(?P<k>--?(?:password|passwd|token|api-key|apikey|secret|"
                                   r"client-secret))[ \t]+(?P<v>(?!-)[^\s\"']+)"),
          _cli_flag, fold=True, back=lambda text, pos: _flag_start(text, pos)),
]
_ENV_PAIRS = {multiline: _Rule(("name",), ENV_PAIR[multiline], env_pair_change, fold=True)
              for multiline in (False, True)}
_PAIRS = {multiline: _Rule(KEYWORDS, PAIR, partial(pair_change, multiline=multiline), fold=True)
          for multiline in (False, True)}


def redact_text(text: str) -> str:
    """All rules, including the multi-line ones (PEM blocks, Secret manifests)."""
    if "-----BEGIN" in text:
        text = _PEM.sub(lambda _m: marker("pem"), text)
    if "Secret" in text and _SECRET_KIND.search(text):
        text = redact_secret_manifest(text)
    return redact_block(text, multiline=True)


def redact_block(text: str, *, multiline: bool = False) -> str:
    """The line-local rules over one or many lines at once.

    Without `multiline` no newline is added or removed, so a block of joined
    strings splits back into as many; with it, a YAML block scalar under a
    secret key (`password: |`) loses its indented lines too.
    """
    for rule in _RULES:
        text = rule.apply(text)
    return _PAIRS[multiline].apply(_ENV_PAIRS[multiline].apply(text))
