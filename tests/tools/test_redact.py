"""Redaction: no planted secret survives, ordinary log lines and identifiers do."""
from __future__ import annotations

import base64
import binascii
import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import shared_scenarios
from tests.tools.corpus.loggen import benign_lines
from tools.redact import redact, redact_many, redact_obj

CORPUS = yaml.safe_load((Path(__file__).parent / "corpus" / "secrets.yaml").read_text())
FALSE_POSITIVE_LIMIT = 0.005  # see test_benign_log_lines_are_almost_never_touched


def _strings(obj: Any) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for k, v in obj.items() for s in [str(k), *_strings(v)]]
    if isinstance(obj, (list, tuple)):
        return [s for v in obj for s in _strings(v)]
    return []


def _leaks(output: str, secret: str, *, context: str, public: list[str]) -> list[str]:
    """8-character windows of the secret found in the output, except those the input shows elsewhere
    (outside the secret) or that are declared public structure."""
    elsewhere = context.replace(secret, "\0")
    windows = {secret[i:i + 8] for i in range(max(1, len(secret) - 7))}
    return sorted(w for w in windows
                  if w in output and w not in elsewhere and not any(w in p for p in public))


def _outputs(entry: dict[str, Any]) -> tuple[str, list[str]]:
    """The input as text, and every redacted form of it that must be clean."""
    if "text" in entry:
        text = entry["text"]
        as_obj = "\n".join(_strings(redact_obj({"message": text, "lines": [text]})))
        return text, [redact(text), redact_many([text, "x"])[0], as_obj]
    return "\n".join(_strings(entry["object"])), ["\n".join(_strings(redact_obj(entry["object"])))]


def test_corpus_plants_at_least_forty_secrets_in_varied_contexts() -> None:
    secrets = [s for e in CORPUS for s in (e.get("secrets") or [e["secret"]])]
    assert len(secrets) >= 40
    assert sum("object" in e for e in CORPUS) >= 10 and sum("text" in e for e in CORPUS) >= 30


@pytest.mark.parametrize("entry", CORPUS, ids=[e["id"] for e in CORPUS])
def test_no_planted_secret_survives_redaction(entry: dict[str, Any]) -> None:
    context, outputs = _outputs(entry)
    for secret in entry.get("secrets") or [entry["secret"]]:
        assert secret in context, "the corpus entry must contain its secret"
        for output in outputs:
            assert _leaks(output, secret, context=context, public=entry.get("public", [])) == [], output
    if "kind" in entry:
        assert all(f"[REDACTED:{entry['kind']}]" in out for out in outputs)


def test_redaction_is_idempotent() -> None:
    for entry in CORPUS:
        if "text" in entry:
            once = redact(entry["text"])
            assert redact(once) == once


def test_benign_log_lines_are_almost_never_touched() -> None:
    """False positives on 10,000 ordinary lines stay under 0.5%.

    The limit: a redacted benign value costs the reasoner one fact in a line;
    at 0.5% that is under one line per 200-line excerpt, while every measure
    that would push it to zero (dropping key-based rules) would leak real
    secrets. The generator deliberately includes secret-sounding but benign
    fields (max_tokens, secretName, auth=ok, token buckets, bearer-token errors).
    """
    lines = benign_lines(10_000, seed=7)
    changed = [(a, b) for a, b in zip(lines, redact_many(lines)) if a != b]
    rate = len(changed) / len(lines)
    print(f"\nredaction false positives: {len(changed)} of {len(lines):,} lines ({rate:.3%})")
    for _before, after in changed[:10]:
        print("  changed:", after[:200])
    assert rate < FALSE_POSITIVE_LIMIT


@pytest.mark.parametrize("text", [
    "pod-template-hash=7d4b9c8f6 uid=5d1c0a3e-0005-4c1e-9a01-000000000005",
    "image registry.example.com/payment@sha256:9f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c",
    "trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7 request_id=req-88412",
    "10.244.1.17:8080 -> 10.0.0.2:53 at 2026-11-24T14:30:40.123Z took 2003ms",
    "payment-7d4b9c8f6-x2kqj on ip-10-30-1-45.eu-west-1.compute.internal v2.4.1 go1.25.3",
    'Couldn\'t get secret prod/db-creds: secret "db-creds" not found',
    "token bucket refilled tokens=50 capacity=100 max_tokens=900 auth=ok secret=inventory-db",
    "E1124 authentication.go:73] \"Unable to authenticate the request\" err=\"[invalid bearer token]\"",
    'FATAL:  password authentication failed for user "reporting"',
    "secretKeyRef: {name: inventory-db, key: url}",
    "Basic authentication disabled; Bearer tokens required",
    "https://auth.example.com/oauth/token?grant_type=client_credentials",
    "valueFrom: secretKeyRef name=orders-db key=password",
    "DB_PASSWORD:  <set to the key 'password' in secret 'orders-db'>  Optional: false",
])
def test_ordinary_identifiers_and_secret_words_survive(text: str) -> None:
    assert redact(text) == text


def test_redact_many_matches_redact_line_by_line() -> None:
    texts = benign_lines(500, seed=3) + [e["text"] for e in CORPUS if "text" in e] + ["", "x"]
    assert redact_many(texts) == [redact(t) for t in texts]


def test_redact_obj_leaves_its_input_unchanged_and_keeps_shape() -> None:
    entry = next(e for e in CORPUS if e["id"] == "secret-last-applied-annotation")
    original = copy.deepcopy(entry["object"])
    cleaned = redact_obj(entry["object"])
    assert entry["object"] == original
    assert set(cleaned["data"]) == set(original["data"])  # keys say what the Secret holds
    assert cleaned["metadata"]["name"] == "orders-db"


def test_env_entries_keep_references_and_ordinary_values() -> None:
    env = [{"name": "DATABASE_URL", "valueFrom": {"secretKeyRef": {"name": "inventory-db", "key": "url"}}},
           {"name": "LOG_LEVEL", "value": "info"}, {"name": "SECRET_NAME", "value": "inventory-db"},
           {"name": "API_TOKEN", "value": "0ElabQ86ibwnMI8nAWLygX9Ouft9UmDL1PTAXAWT"}]
    cleaned = redact_obj(env)
    assert cleaned[:3] == env[:3]
    assert cleaned[3] == {"name": "API_TOKEN", "value": "[REDACTED:token]"}


def _decoded(value: str) -> str:
    try:
        return base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return ""


@pytest.mark.parametrize("path", shared_scenarios(), ids=lambda p: p.stem)
def test_scenario_secrets_never_survive_objects_or_logs(path: Path) -> None:
    """Every value of every Secret in a shared scenario (base64 and decoded) is gone after redaction."""
    scenario = yaml.safe_load(path.read_text())
    objects = scenario["cluster"]["objects"]
    planted = [v for o in objects if o.get("kind") == "Secret"
               for v in (o.get("data") or {}).values() if isinstance(v, str) and len(v) >= 8]
    planted += [d for d in map(_decoded, planted) if len(d) >= 8]
    if not planted:
        pytest.skip("no Secret values in this scenario")
    shown = "\n".join(_strings(redact_obj(objects)))
    shown += "\n".join(redact(line) for block in scenario["cluster"].get("logs", []) for line in block["lines"])
    for secret in planted:
        assert secret not in shown
