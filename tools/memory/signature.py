"""What makes two incidents alike: weighted features of their category-bearing signals.

The features come from what perceive knows before any tool runs (the trigger and the ranked
analyzer findings), so a new investigation and a stored one are described the same way:
categories and analyzers, change fields (`containers[].image`), exit codes and reasons
(`CrashLoopBackOff`, `OOMKilled`), and the words of the finding templates. Object names, numbers
and versions are left out: a near-variant in another namespace should look the same.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from tools.redact import redact

MAX_FINDINGS = 3
MIN_SCORE, STRONG = 0.3, 0.6  # findings below MIN_SCORE are not features; STRONG ones count fully
TRIGGER_WEIGHT = 1.0
MAX_WORD = 24
_CHANGED = re.compile(r"changed in revision \S+: ([\w.\[\]-]+)")
_BRACKETS = re.compile(r"\[[^\]]*\]")
_EXIT = re.compile(r"exit code (\d+)")
_REASON = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-zA-Z]*)+\b")
_WORD = re.compile(r"[A-Za-z][A-Za-z_-]{2,}")
_STOP = frozenset("the and for with from that this was were are has have not its into than then when since "
                  "after before over under out of".split())


def _names(findings: list[dict[str, Any]]) -> set[str]:
    """Parts of the object names in the findings: never a feature (they differ between variants)."""
    parts: set[str] = set()
    for f in findings:
        for ref in (f.get("resource"), f.get("affected")):
            if isinstance(ref, dict):
                for piece in (ref.get("name") or "", ref.get("namespace") or ""):
                    parts.update(p.lower() for p in re.split(r"[-_.]", str(piece)) if p)
    return parts


def words(text: str, names: set[str]) -> list[str]:
    """Template words of a text, after redaction: a secret never becomes a feature."""
    out = []
    for w in _WORD.findall(redact(text)):
        low = w.lower()
        if low in _STOP or low in names or "-" in w or len(w) > MAX_WORD or low == "redacted":
            continue
        out.append(low)
    return out


Feats = defaultdict[str, float]


def _add(into: Feats, other: dict[str, float], weight: float = 1.0) -> None:
    for key, value in other.items():
        into[key] += value * weight


def _fact_features(fact: str, names: set[str]) -> Feats:
    feats: Feats = defaultdict(float)
    for path in _CHANGED.findall(fact):
        feats["changed:" + _BRACKETS.sub("[]", path)] += 3
    for code in _EXIT.findall(fact):
        feats["exit:" + code] += 3
    for reason in _REASON.findall(fact):
        feats["reason:" + reason] += 2
    for w in words(fact, names):
        feats["w:" + w] += 0.5
    return feats


def features(trigger: dict[str, Any] | None, findings: list[dict[str, Any]]) -> dict[str, float]:
    """Weighted features of one incident; the leading finding counts most."""
    feats: Feats = defaultdict(float)
    top = [f for f in findings if float(f.get("score") or 0) >= MIN_SCORE][:MAX_FINDINGS]
    names = _names(findings[:MAX_FINDINGS * 2])
    for rank, f in enumerate(top):
        # a finding counts by its strength: weak generic leads (an old rollout) must not make
        # every quiet incident look like every other one
        weight = min(1.0, float(f.get("score") or 0) / STRONG) / (1 + rank)
        f_feats: Feats = defaultdict(float, {f"cat:{f.get('category')}": 6.0, f"an:{f.get('analyzer')}": 4.0})
        for w in words(str(f.get("summary") or ""), names):
            f_feats[f"w:{w}"] += 0.5
        for fact in list(f.get("facts") or [])[:6]:
            _add(f_feats, _fact_features(str(fact), names))
        action = (f.get("action") or {}).get("action")
        if action:
            f_feats[f"act:{action}"] += 2
        _add(feats, f_feats, weight)
    for w in words(trigger_text(trigger), names):
        feats["t:" + w] += TRIGGER_WEIGHT
    return dict(feats)


def trigger_text(trigger: dict[str, Any] | None) -> str:
    """The words of a trigger: the command text, or an alert's name, summary and description."""
    trigger = trigger or {}
    if isinstance(trigger.get("alert"), dict):
        alert = trigger["alert"]
        labels, notes = alert.get("labels") or {}, alert.get("annotations") or {}
        return " ".join(str(x) for x in (labels.get("alertname"), notes.get("summary"), notes.get("description"))
                        if x)
    return str(trigger.get("text") or "")


def as_text(feats: dict[str, float]) -> str:
    """The features as one line, heaviest first: what a text embedding model reads."""
    ordered = sorted(feats.items(), key=lambda kv: (-kv[1], kv[0]))
    return " ".join(k.split(":", 1)[1].replace("_", " ") for k, _ in ordered[:60])
