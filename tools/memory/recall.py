"""Long-term memory of past incidents: remember a finished one, recall the ones like a new one, forget."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import openai
import redis
from pydantic import ValidationError

from tools.memory.embed import Embedder, EmbeddingError, make_embedder, text_features
from tools.memory.index import VectorIndex
from tools.memory.record import REMEMBERED, MemoryRecord, build_record
from tools.memory.signature import features
from tools.memory.store import MemoryStore
from tools.report import Report
from tools.settings import Settings

# what a memory operation may raise; callers treat memory as optional and carry on without it
MEMORY_ERRORS = (redis.RedisError, OSError, RuntimeError, ValueError, ValidationError, EmbeddingError,
                 openai.OpenAIError)
TOP_K = 3
HISTORY_K = 10
TEXT_THRESHOLD = 0.01  # a few typed words never look much like a whole incident: show the nearest ones


@dataclass
class Match:
    record: MemoryRecord
    similarity: float


class LongTermMemory:
    def __init__(self, store: MemoryStore, embedder: Embedder, *, index_path: str | None = None,
                 threshold: float = 0.75, top_k: int = TOP_K) -> None:
        self.store, self.embedder, self.threshold, self.top_k = store, embedder, threshold, top_k
        self.index = VectorIndex(store, embedder, path=index_path)

    @classmethod
    def from_settings(cls, settings: Settings, client: redis.Redis) -> LongTermMemory:
        return cls(MemoryStore(client, retention_days=settings.memory_retention_days), make_embedder(settings),
                   index_path=settings.memory_index_path, threshold=settings.memory_threshold)

    def remember(self, state: Mapping[str, Any], report: Report) -> MemoryRecord | None:
        """Store a finished investigation (resolved, no_fault, inconclusive); other outcomes are not kept."""
        if report.status not in REMEMBERED or not state.get("incident_id"):
            return None
        record = build_record(state, report)
        vector = self.embedder.embed([record.features])[0]
        self.store.put(record, vector.tobytes(), embedder=self.embedder.name)
        self.store.purge()
        return record

    def recall(self, trigger: dict[str, Any] | None, findings: list[dict[str, Any]], *,
               exclude: str | None = None) -> list[Match]:
        """Past incidents like the one perceive sees now, above the threshold, best first."""
        return self.similar(features(trigger, findings), k=self.top_k, threshold=self.threshold, exclude=exclude)

    def history(self, text: str, *, channel: str | None = None, limit: int = HISTORY_K) -> list[Match]:
        """`/debug history [text]`: the nearest past incidents to the text, else the latest ones."""
        if not text.strip():
            return [Match(r, 1.0) for r in self.store.recent(channel=channel, limit=limit)]
        return self.similar(text_features(text), k=limit, threshold=TEXT_THRESHOLD, channel=channel)

    def similar(self, feats: dict[str, float], *, k: int, threshold: float, exclude: str | None = None,
                channel: str | None = None) -> list[Match]:
        if not feats:
            return []
        self.index.sync()
        vector = self.embedder.embed([feats])[0]
        wide = k + 1 if channel is None else max(50, k * 10)  # filtering by channel needs a wider net
        found = [(i, s) for i, s in self.index.search(vector, wide) if s >= threshold]
        matches = []
        for record, (_, sim) in zip(self.store.get_many([i for i, _ in found]), found):
            if record is None or record.incident_id == exclude or (channel and record.channel != channel):
                continue
            matches.append(Match(record, round(sim, 4)))
        return matches[:k]

    def forget(self, incident_id: str) -> bool:
        found = self.store.forget(incident_id)
        self.index.sync()
        return found
