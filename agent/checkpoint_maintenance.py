"""Housekeeping for the Redis checkpointer: prune old steps, copy a thread, delete by run."""
from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator, Sequence
from typing import Any

import redis
from langgraph.checkpoint.base import CheckpointMetadata
from langgraph.checkpoint.serde.base import SerializerProtocol

from agent.checkpoint_keys import (
    ThreadKeys,
    as_text,
    blob_field,
    encode_part,
    threads_key,
    unpack,
)


class MaintenanceMixin:
    """The optional BaseCheckpointSaver extensions, on the key layout of checkpoint_keys.

    Not DeltaChannel-aware: `prune("keep_latest")` keeps the latest checkpoint
    of each namespace with the blobs it references, which is complete for
    ordinary channels (our graph uses no DeltaChannel).
    """

    client: redis.Redis
    prefix: str
    ttl_s: int | None
    serde: SerializerProtocol

    def keys_for(self, thread_id: str) -> ThreadKeys:
        raise NotImplementedError

    def _ids(self, keys: ThreadKeys, ns: str, *, before: str | None) -> Iterator[str]:
        raise NotImplementedError

    def delete_thread(self, thread_id: str) -> None:
        raise NotImplementedError

    def _run_key(self, run_id: str) -> str:
        return f"{self.prefix}:run:{encode_part(run_id)}"

    def _index_run(self, pipe: Any, keys: ThreadKeys, metadata: CheckpointMetadata,
                   ref: tuple[str, str]) -> None:
        """Remember which checkpoint a run wrote, so delete_for_runs needs no scan."""
        run_id = metadata.get("run_id")
        if not run_id:
            return
        run_key = self._run_key(str(run_id))
        pipe.sadd(run_key, json.dumps([keys.thread_id, *ref]))
        pipe.sadd(keys.registry, run_key)  # a run belongs to one thread: dies with it
        if self.ttl_s:
            pipe.expire(run_key, self.ttl_s)

    def delete_for_runs(self, run_ids: Sequence[str]) -> None:
        """Drop the checkpoints (and their writes) that the given runs wrote."""
        for run_id in run_ids:
            run_key = self._run_key(run_id)
            pipe = self.client.pipeline(transaction=True)
            for member in self.client.smembers(run_key):
                thread_id, ns, cid = json.loads(member)
                keys = self.keys_for(thread_id)
                pipe.unlink(keys.checkpoint(ns, cid), keys.writes(ns, cid))
                pipe.zrem(keys.index(ns), cid)
                pipe.srem(keys.registry, keys.checkpoint(ns, cid), keys.writes(ns, cid))
            pipe.unlink(run_key)
            pipe.execute()

    def prune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        """`keep_latest`: per namespace, only the newest checkpoint and its blobs stay.
        `delete`: the threads go entirely."""
        if strategy not in ("keep_latest", "delete"):
            raise ValueError(f"unknown prune strategy {strategy!r}")
        for thread_id in thread_ids:
            if strategy == "delete":
                self.delete_thread(thread_id)
                continue
            keys = self.keys_for(thread_id)
            for raw_ns in self.client.smembers(keys.namespaces):
                self._keep_latest(keys, as_text(raw_ns))

    def _keep_latest(self, keys: ThreadKeys, ns: str) -> None:
        ids = list(self._ids(keys, ns, before=None))
        if not ids:
            return
        latest, old = ids[0], ids[1:]
        raw = self.client.hget(keys.checkpoint(ns, latest), "checkpoint")
        versions = self.serde.loads_typed(unpack(raw))["channel_versions"] if raw else {}
        wanted = {blob_field(ch, ver) for ch, ver in versions.items()}
        stale = [f for f in self.client.hkeys(keys.blobs(ns)) if f not in wanted]
        dead = [k for cid in old for k in (keys.checkpoint(ns, cid), keys.writes(ns, cid))]
        pipe = self.client.pipeline(transaction=True)
        if old:
            pipe.zrem(keys.index(ns), *old)
            pipe.unlink(*dead)
            pipe.srem(keys.registry, *dead)
        if stale:
            pipe.hdel(keys.blobs(ns), *stale)
        pipe.execute()

    def copy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        """Copy every checkpoint, write and blob of one thread to another (server-side COPY)."""
        src, dst = self.keys_for(source_thread_id), self.keys_for(target_thread_id)
        members = [as_text(m) for m in self.client.smembers(src.registry)]
        pairs = [(k, dst.base + k[len(src.base):]) for k in members if k.startswith(src.base + ":")]
        pairs.append((src.namespaces, dst.namespaces))
        if not self.client.exists(src.namespaces):
            return
        pipe = self.client.pipeline(transaction=True)
        for old, new in pairs:
            pipe.copy(old, new, replace=True)
            if self.ttl_s:
                pipe.expire(new, self.ttl_s)
        pipe.sadd(dst.registry, *(new for _, new in pairs))
        pipe.sadd(threads_key(self.prefix), target_thread_id)
        pipe.execute()

    async def adelete_for_runs(self, run_ids: Sequence[str]) -> None:
        await asyncio.to_thread(self.delete_for_runs, run_ids)

    async def aprune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        await asyncio.to_thread(self.prune, thread_ids, strategy=strategy)

    async def acopy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        await asyncio.to_thread(self.copy_thread, source_thread_id, target_thread_id)
