"""Remembered incidents in plain Redis: the records, their vectors, and the ids FAISS knows them by.

Redis is the source of truth; the FAISS index is a cache rebuilt from it. Keys (prefix `debugbot:memory`):
`rec:<incident>` hash {json, vec, emb, num} expiring after the retention period; `nums` hash
num -> incident (the int64 ids of the index); `by_time` and `chan:<channel>` sorted sets by creation
time; `seq` the last num handed out; `gen` bumped on every change, so an index knows it is stale.
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

import redis

from tools.memory.record import MemoryRecord

PREFIX = "debugbot:memory"


@dataclass
class StoredVector:
    num: int
    incident_id: str
    vector: bytes | None
    embedder: str
    record: MemoryRecord | None


def _s(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value or "")


class MemoryStore:
    def __init__(self, client: redis.Redis, *, retention_days: int = 180, prefix: str = PREFIX) -> None:
        self.r, self.prefix, self.retention_s = client, prefix, int(retention_days * 86400)

    def _k(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    def put(self, record: MemoryRecord, vector: bytes, *, embedder: str) -> int:
        """Store (or replace) one incident's record and vector; returns its index id."""
        key = self._k("rec", record.incident_id)
        old = self.r.hget(key, "num")
        num = int(old) if old is not None else int(self.r.incr(self._k("seq")))
        ttl = max(1, int(record.created_at + self.retention_s - time.time()))
        pipe = self.r.pipeline(transaction=True)
        pipe.hset(key, mapping={"json": record.model_dump_json(), "vec": vector, "emb": embedder, "num": num})
        pipe.expire(key, ttl)
        pipe.hset(self._k("nums"), str(num), record.incident_id)
        pipe.zadd(self._k("by_time"), {record.incident_id: record.created_at})
        if record.channel:
            pipe.zadd(self._k("chan", record.channel), {record.incident_id: record.created_at})
        pipe.incr(self._k("gen"))
        pipe.execute()
        return num

    def replace_vector(self, incident_id: str, vector: bytes, *, embedder: str) -> None:
        self.r.hset(self._k("rec", incident_id), mapping={"vec": vector, "emb": embedder})

    def get_many(self, incidents: list[str]) -> list[MemoryRecord | None]:
        pipe = self.r.pipeline(transaction=False)
        for incident in incidents:
            pipe.hget(self._k("rec", incident), "json")
        return [MemoryRecord.model_validate_json(raw) if raw else None for raw in pipe.execute()]

    def get(self, incident_id: str) -> MemoryRecord | None:
        return self.get_many([incident_id])[0]

    def forget(self, incident_id: str) -> bool:
        """Delete one incident everywhere in Redis; the indexes drop it at their next sync."""
        key = self._k("rec", incident_id)
        raw = self.r.hmget(key, ["num", "json"])
        num, record = raw[0], MemoryRecord.model_validate_json(raw[1]) if raw[1] else None
        pipe = self.r.pipeline(transaction=True)
        pipe.delete(key)
        pipe.zrem(self._k("by_time"), incident_id)
        if record is not None and record.channel:
            pipe.zrem(self._k("chan", record.channel), incident_id)
        if num is not None:
            pipe.hdel(self._k("nums"), _s(num))
        pipe.incr(self._k("gen"))
        removed = pipe.execute()[0]
        return bool(removed) or num is not None

    def purge(self, *, now: float | None = None) -> int:
        """Forget everything older than the retention period (the records themselves expire on their own)."""
        cutoff = (now if now is not None else time.time()) - self.retention_s
        old = [_s(m) for m in self.r.zrangebyscore(self._k("by_time"), "-inf", cutoff)]
        for incident in old:
            self.forget(incident)
        return len(old)

    def generation(self) -> tuple[str, int]:
        """(epoch, gen): the epoch changes when the store is wiped, gen on every change."""
        epoch, gen = self.r.mget([self._k("epoch"), self._k("gen")])
        if epoch is None:  # a new (or wiped) store: name it once, whoever comes first
            self.r.set(self._k("epoch"), uuid.uuid4().hex, nx=True)
            epoch, gen = self.r.mget([self._k("epoch"), self._k("gen")])
        return _s(epoch), int(gen or 0)

    def entries(self) -> dict[int, str]:
        """Every index id and its incident."""
        return {int(k): _s(v) for k, v in self.r.hgetall(self._k("nums")).items()}

    def vectors(self, entries: dict[int, str]) -> list[StoredVector]:
        pipe = self.r.pipeline(transaction=False)
        items = list(entries.items())
        for _, incident in items:
            pipe.hmget(self._k("rec", incident), ["vec", "emb", "json"])
        out = []
        for (num, incident), (vec, emb, raw) in zip(items, pipe.execute()):
            record = MemoryRecord.model_validate_json(raw) if raw else None
            out.append(StoredVector(num, incident, vec, _s(emb), record))
        return out

    def recent(self, *, channel: str | None = None, limit: int = 10) -> list[MemoryRecord]:
        key = self._k("chan", channel) if channel else self._k("by_time")
        ids = [_s(m) for m in self.r.zrevrange(key, 0, limit - 1)]
        return [r for r in self.get_many(ids) if r is not None]

    def count(self) -> int:
        return int(self.r.zcard(self._k("by_time")))
