"""Nothing unredacted is stored: the planted secrets of the redaction corpus never reach Redis or the index file."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import redis

from tools.memory import LongTermMemory
from tools.memory.embed import HashedEmbedder
from tools.memory.store import MemoryStore
from tests.memory.helpers import finding, report_for
from tests.tools.test_redact import CORPUS, _leaks
from tools.models import Evidence

TEXT_ENTRIES = [e for e in CORPUS if "text" in e]


def _dump(client: redis.Redis) -> str:
    """Every key and value in the database, as text."""
    parts: list[str] = []
    for key in client.keys("*"):
        kind = client.type(key).decode()
        parts.append(key.decode(errors="replace"))
        if kind == "string":
            values: list[Any] = [client.get(key)]
        elif kind == "hash":
            values = [x for kv in client.hgetall(key).items() for x in kv]
        elif kind == "zset":
            values = list(client.zrange(key, 0, -1))
        else:
            values = [client.dump(key)]
        parts += [v.decode(errors="replace") if isinstance(v, bytes) else str(v) for v in values]
    return "\n".join(parts)


def _planted(i: int, text: str) -> dict[str, Any]:
    leak = finding("config_error", "pods.crashloop", "api", [text, "last exit code 1 (Error)"])
    return {"incident_id": f"inc-T1-C1-17000{i:05d}_000100", "trigger": {"text": text}, "findings": [leak]}


def test_the_corpus_has_secrets_in_text_contexts_to_plant() -> None:
    assert len(TEXT_ENTRIES) >= 30


def _store_one(client: redis.Redis, index: Path, i: int, entry: dict[str, Any]) -> str:
    """Remember one incident full of the entry's secret; everything then in Redis and the index file."""
    client.flushall()
    mem = LongTermMemory(MemoryStore(client), HashedEmbedder(), index_path=str(index))
    state = _planted(i, entry["text"])
    report = report_for(state)  # type: ignore[arg-type]
    report.summary = f"Deployment prod/api fails: {entry['text']}"
    report.evidence.append(Evidence(fact=entry["text"], invocation="GET /api/v1/namespaces/prod/pods/api/log"))
    assert mem.remember(state, report) is not None  # type: ignore[arg-type]
    mem.index.sync()
    return _dump(client) + index.read_bytes().decode(errors="replace")


def test_no_planted_secret_nor_any_8_character_piece_of_one_is_stored(redis_url: str, tmp_path: Path) -> None:
    client = redis.Redis.from_url(redis_url)
    leaks, redacted = {}, 0
    for i, entry in enumerate(TEXT_ENTRIES):  # one at a time: another entry's context may hold the same words
        stored = _store_one(client, tmp_path / f"memory-{i}.faiss", i, entry)
        redacted += "[REDACTED:" in stored
        for secret in entry.get("secrets") or [entry["secret"]]:
            found = _leaks(stored, secret, context=entry["text"], public=entry.get("public") or [])
            if found:
                leaks[entry["id"]] = found
    assert leaks == {}
    assert redacted == len(TEXT_ENTRIES)  # every secret was there, and was replaced
