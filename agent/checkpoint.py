"""LangGraph checkpointer on plain Redis 7 (hashes, sets, sorted sets): state lives only in Redis.

Keyed by thread id (the incident id) as `agent/checkpoint_keys.py` lays out.
Channel values are stored once per (channel, version), like InMemorySaver's
blobs, so a large unchanged channel is not rewritten at every step. Writes
go in one MULTI/EXEC per call, so a reader never sees half a checkpoint.
The async methods run the sync code in a worker thread (`asyncio.to_thread`):
the product is sync (Bolt, RQ) and one client serves both.
"""
from __future__ import annotations

import asyncio
import builtins
import random
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

import redis
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    WRITES_IDX_MAP,
    BaseCheckpointSaver,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    PendingWrite,
    get_checkpoint_id,
    get_checkpoint_metadata,
    writes_sort_key,
)
from langgraph.checkpoint.serde.base import SerializerProtocol

from agent.checkpoint_keys import (
    ThreadKeys,
    as_text,
    blob_field,
    pack,
    pack_write,
    parse_write_field,
    threads_key,
    unpack,
    unpack_write,
    write_field,
)
from agent.checkpoint_maintenance import MaintenanceMixin

_PAGE = 64  # checkpoint ids fetched per round trip while listing


def _config(thread_id: str, ns: str, checkpoint_id: str) -> RunnableConfig:
    return {"configurable": {"thread_id": thread_id, "checkpoint_ns": ns,
                             "checkpoint_id": checkpoint_id}}


def _matches(metadata: CheckpointMetadata, filter: dict[str, Any] | None) -> bool:
    return not filter or all(metadata.get(k) == v for k, v in filter.items())


class RedisSaver(MaintenanceMixin, BaseCheckpointSaver[str]):
    """A BaseCheckpointSaver whose every byte is in one Redis; safe across processes."""

    def __init__(self, client: redis.Redis, *, prefix: str = "debugbot", ttl_s: int | None = None,
                 serde: SerializerProtocol | None = None) -> None:
        super().__init__(serde=serde)
        if client.get_connection_kwargs().get("decode_responses"):
            raise ValueError("RedisSaver needs a client with decode_responses=False (values are bytes)")
        self.client = client
        self.prefix = f"{prefix}:ckpt"
        self.ttl_s = ttl_s

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "debugbot", ttl_s: int | None = None) -> RedisSaver:
        return cls(redis.Redis.from_url(url), prefix=prefix, ttl_s=ttl_s)

    def keys_for(self, thread_id: str) -> ThreadKeys:
        return ThreadKeys(self.prefix, thread_id)

    # ---- write side -------------------------------------------------------------------------

    def put(self, config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata,
            new_versions: ChannelVersions) -> RunnableConfig:
        """Store a checkpoint, and the values of the channels whose version is new."""
        conf = config["configurable"]
        thread_id, ns = str(conf["thread_id"]), str(conf.get("checkpoint_ns", ""))
        keys = self.keys_for(thread_id)
        stored: dict[str, Any] = dict(checkpoint)
        values: dict[str, Any] = stored.pop("channel_values")
        blobs = {blob_field(ch, ver): pack(self.serde.dumps_typed(values[ch]) if ch in values
                                           else ("empty", b""))
                 for ch, ver in new_versions.items()}
        merged = get_checkpoint_metadata(config, metadata)
        record = {
            "checkpoint": pack(self.serde.dumps_typed(stored)),
            "metadata": pack(self.serde.dumps_typed(merged)),
            "parent": conf.get("checkpoint_id") or "",
        }
        cp_key = keys.checkpoint(ns, checkpoint["id"])
        touched = [cp_key, keys.index(ns), keys.namespaces, keys.blobs(ns)]
        pipe = self.client.pipeline(transaction=True)
        if blobs:
            pipe.hset(keys.blobs(ns), mapping=blobs)  # type: ignore[arg-type]
        pipe.hset(cp_key, mapping=record)  # type: ignore[arg-type]
        pipe.zadd(keys.index(ns), {checkpoint["id"]: 0})
        pipe.sadd(keys.namespaces, ns)
        self._register(pipe, keys, touched)
        self._index_run(pipe, keys, merged, (ns, checkpoint["id"]))
        pipe.execute()
        return _config(thread_id, ns, checkpoint["id"])

    def put_writes(self, config: RunnableConfig, writes: Sequence[tuple[str, Any]], task_id: str,
                   task_path: str = "") -> None:
        """Store a task's writes against a checkpoint; a retried task does not duplicate them.

        Special channels (__error__, __interrupt__, ...) take their fixed negative
        index from WRITES_IDX_MAP and overwrite; regular writes are set once.
        """
        conf = config["configurable"]
        thread_id, ns = str(conf["thread_id"]), str(conf.get("checkpoint_ns", ""))
        keys = self.keys_for(thread_id)
        wkey = keys.writes(ns, str(conf["checkpoint_id"]))
        pipe = self.client.pipeline(transaction=True)
        for idx, (channel, value) in enumerate(writes):
            widx = WRITES_IDX_MAP.get(channel, idx)
            field = write_field(task_id, widx)
            payload = pack_write(task_path=task_path, channel=channel,
                                 typed=self.serde.dumps_typed(value))
            if widx >= 0:
                pipe.hsetnx(wkey, field, payload)
            else:
                pipe.hset(wkey, field, payload)
        self._register(pipe, keys, [wkey])
        pipe.execute()

    def delete_thread(self, thread_id: str) -> None:
        """Remove everything stored for a thread: O(number of its keys)."""
        keys = self.keys_for(thread_id)
        members = self.client.smembers(keys.registry)
        pipe = self.client.pipeline(transaction=True)
        if members:
            pipe.unlink(*members)
        pipe.unlink(keys.registry, keys.namespaces)
        pipe.srem(threads_key(self.prefix), thread_id)
        pipe.execute()

    def _register(self, pipe: Any, keys: ThreadKeys, touched: builtins.list[str]) -> None:
        """Record keys in the thread's registry and refresh the optional TTL on them."""
        pipe.sadd(keys.registry, *touched)
        pipe.sadd(threads_key(self.prefix), keys.thread_id)
        if self.ttl_s:
            for key in (*touched, keys.registry, keys.namespaces):
                pipe.expire(key, self.ttl_s)

    # ---- read side --------------------------------------------------------------------------

    def get_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        """The checkpoint named in config, or the thread's latest in that namespace."""
        conf = config["configurable"]
        keys = self.keys_for(str(conf["thread_id"]))
        ns = str(conf.get("checkpoint_ns", ""))
        checkpoint_id = get_checkpoint_id(config)
        if checkpoint_id is not None:
            return self._load(keys, ns, checkpoint_id)
        for cid in self._ids(keys, ns, before=None):
            found = self._load(keys, ns, cid)
            if found is not None:  # a TTL may have taken an old id's hash: skip it
                return found
        return None

    def list(self, config: RunnableConfig | None, *, filter: dict[str, Any] | None = None,
             before: RunnableConfig | None = None, limit: int | None = None,
             ) -> Iterator[CheckpointTuple]:
        """Checkpoints newest first, by thread, namespace, metadata filter, `before` and `limit`."""
        before_id = get_checkpoint_id(before) if before else None
        remaining = limit
        for keys, ns, cid in self._refs(config, before_id):
            if remaining is not None and remaining <= 0:
                return
            found = self._load(keys, ns, cid, filter=filter)
            if found is None:
                continue
            if remaining is not None:
                remaining -= 1
            yield found

    def _refs(self, config: RunnableConfig | None, before_id: str | None,
              ) -> Iterator[tuple[ThreadKeys, str, str]]:
        conf = config["configurable"] if config else {}
        if "thread_id" in conf:
            threads = [str(conf["thread_id"])]
        else:
            threads = sorted(as_text(t) for t in self.client.smembers(threads_key(self.prefix)))
        wanted_id = get_checkpoint_id(config) if config else None
        for thread_id in threads:
            keys = self.keys_for(thread_id)
            if conf.get("checkpoint_ns") is not None:
                namespaces = [str(conf["checkpoint_ns"])]
            else:
                namespaces = sorted(as_text(n) for n in self.client.smembers(keys.namespaces))
                if not namespaces and "thread_id" not in conf:  # expired by TTL: forget it
                    self.client.srem(threads_key(self.prefix), thread_id)
            for ns in namespaces:
                for cid in self._ids(keys, ns, before=before_id):
                    if wanted_id is None or cid == wanted_id:
                        yield keys, ns, cid

    def _ids(self, keys: ThreadKeys, ns: str, *, before: str | None) -> Iterator[str]:
        """Checkpoint ids of one namespace, newest first, paged."""
        top = f"({before}" if before else "+"
        start = 0
        while True:
            page = self.client.zrevrangebylex(keys.index(ns), top, "-", start=start, num=_PAGE)
            yield from (as_text(cid) for cid in page)
            if len(page) < _PAGE:
                return
            start += _PAGE

    def _load(self, keys: ThreadKeys, ns: str, checkpoint_id: str, *,
              filter: dict[str, Any] | None = None) -> CheckpointTuple | None:
        """Reassemble one checkpoint from its hash, its writes and the channel blobs."""
        pipe = self.client.pipeline(transaction=False)
        pipe.hgetall(keys.checkpoint(ns, checkpoint_id))
        pipe.hgetall(keys.writes(ns, checkpoint_id))
        record, writes = pipe.execute()
        if not record:
            return None
        metadata: CheckpointMetadata = self.serde.loads_typed(unpack(record[b"metadata"]))
        if not _matches(metadata, filter):
            return None
        checkpoint: Checkpoint = self.serde.loads_typed(unpack(record[b"checkpoint"]))
        values = self._load_blobs(keys, ns, checkpoint["channel_versions"])
        parent = as_text(record[b"parent"])
        return CheckpointTuple(
            config=_config(keys.thread_id, ns, checkpoint_id),
            checkpoint={**checkpoint, "channel_values": values},
            metadata=metadata,
            parent_config=_config(keys.thread_id, ns, parent) if parent else None,
            pending_writes=self._pending(writes),
        )

    def _load_blobs(self, keys: ThreadKeys, ns: str, versions: ChannelVersions) -> dict[str, Any]:
        channels = builtins.list(versions)
        if not channels:
            return {}
        raws = self.client.hmget(keys.blobs(ns), [blob_field(ch, versions[ch]) for ch in channels])
        values: dict[str, Any] = {}
        for channel, raw in zip(channels, raws):
            if raw is None:
                continue
            typed = unpack(raw)
            if typed[0] != "empty":
                values[channel] = self.serde.loads_typed(typed)
        return values

    def _pending(self, writes: dict[bytes, bytes]) -> builtins.list[PendingWrite]:
        """Pending writes in the order a super-step applies them (writes_sort_key)."""
        rows = []
        for field, raw in writes.items():
            task_id, idx = parse_write_field(field)
            task_path, channel, typed = unpack_write(raw)
            rows.append((writes_sort_key(task_path, task_id, idx), task_id, channel, typed))
        rows.sort(key=lambda row: row[0])
        return [(task_id, channel, self.serde.loads_typed(typed))
                for _, task_id, channel, typed in rows]

    # ---- versions and async -----------------------------------------------------------------

    def get_next_version(self, current: str | None, channel: None) -> str:
        """Zero-padded counter plus a random tail: increasing as text, unique across forks."""
        number = 0 if current is None else int(str(current).split(".")[0])
        return f"{number + 1:032}.{random.random():016}"

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        return await asyncio.to_thread(self.get_tuple, config)

    async def alist(self, config: RunnableConfig | None, *, filter: dict[str, Any] | None = None,
                    before: RunnableConfig | None = None, limit: int | None = None,
                    ) -> AsyncIterator[CheckpointTuple]:
        found = await asyncio.to_thread(
            lambda: builtins.list(self.list(config, filter=filter, before=before, limit=limit)))
        for item in found:
            yield item

    async def aput(self, config: RunnableConfig, checkpoint: Checkpoint,
                   metadata: CheckpointMetadata, new_versions: ChannelVersions) -> RunnableConfig:
        return await asyncio.to_thread(self.put, config, checkpoint, metadata, new_versions)

    async def aput_writes(self, config: RunnableConfig, writes: Sequence[tuple[str, Any]],
                          task_id: str, task_path: str = "") -> None:
        await asyncio.to_thread(self.put_writes, config, writes, task_id, task_path)

    async def adelete_thread(self, thread_id: str) -> None:
        await asyncio.to_thread(self.delete_thread, thread_id)
