"""RedisSaver behaviour beyond the conformance suite: key layout, blobs, writes, TTL, async."""
from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
import redis
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import ChannelVersions
from langgraph.checkpoint.conformance.test_utils import generate_checkpoint, generate_metadata
from langgraph.checkpoint.serde.types import ERROR, INTERRUPT

from agent.checkpoint import RedisSaver


@pytest.fixture()
def client(redis_url: str) -> redis.Redis:
    return redis.Redis.from_url(redis_url)


def _put(saver: RedisSaver, thread_id: str, values: dict[str, Any], versions: ChannelVersions, *,
         new: ChannelVersions, parent: RunnableConfig | None = None, ns: str = "",
         **metadata: Any) -> RunnableConfig:
    config: RunnableConfig = {"configurable": {"thread_id": thread_id, "checkpoint_ns": ns}}
    if parent is not None:
        config["configurable"]["checkpoint_id"] = parent["configurable"]["checkpoint_id"]
    checkpoint = generate_checkpoint(channel_values=values, channel_versions=versions)
    return saver.put(config, checkpoint, generate_metadata(**metadata), new)


def test_every_key_of_a_thread_sits_under_its_incident_prefix(client: redis.Redis) -> None:
    saver = RedisSaver(client)
    first = _put(saver, "T1-C9-1700000000_1", {"obs": "x"}, {"obs": 1}, new={"obs": 1})
    saver.put_writes(first, [("obs", "y")], "task-1")

    thread_keys = {k.decode() for k in client.keys("*") if k != b"debugbot:ckpt:threads"}

    assert thread_keys and all(k.startswith("debugbot:ckpt:T1-C9-1700000000_1:") for k in thread_keys)


def test_an_unchanged_large_channel_is_stored_once_across_forty_steps(client: redis.Redis) -> None:
    saver = RedisSaver(client)
    big = "container oom-killed; " * 500  # ~11 KB
    versions: dict[str, Any] = {"observations": 1, "step": 1}
    parent = _put(saver, "inc", {"observations": big, "step": 0}, dict(versions), new=dict(versions))
    for step in range(1, 40):
        versions["step"] = step + 1
        parent = _put(saver, "inc", {"observations": big, "step": step}, dict(versions),
                      new={"step": step + 1}, parent=parent)

    fields = client.hkeys("debugbot:ckpt:inc:blobs:")
    assert sum(f.startswith(b"observations\x00") for f in fields) == 1
    assert sum(f.startswith(b"step\x00") for f in fields) == 40
    latest = saver.get_tuple({"configurable": {"thread_id": "inc", "checkpoint_ns": ""}})
    assert latest is not None
    assert latest.checkpoint["channel_values"] == {"observations": big, "step": 39}


def test_pending_writes_come_back_in_task_path_order_not_insert_order(client: redis.Redis) -> None:
    saver = RedisSaver(client)
    stored = _put(saver, "inc", {}, {}, new={})
    saver.put_writes(stored, [("steps", "second")], "task-b", task_path="~__pregel_pull, b")
    saver.put_writes(stored, [("steps", "first")], "task-a", task_path="~__pregel_pull, a")
    saver.put_writes(stored, [("steps", "input")], "task-z")  # no path: sorts first

    found = saver.get_tuple(stored)

    assert found is not None and found.pending_writes is not None
    assert [w[2] for w in found.pending_writes] == ["input", "first", "second"]


def test_special_channel_writes_overwrite_while_regular_writes_are_kept_once(client: redis.Redis) -> None:
    saver = RedisSaver(client)
    stored = _put(saver, "inc", {}, {}, new={})
    saver.put_writes(stored, [("steps", "original"), (ERROR, "timeout 1")], "task-1")
    saver.put_writes(stored, [("steps", "retried"), (ERROR, "timeout 2"), (INTERRUPT, "ask")], "task-1")

    found = saver.get_tuple(stored)

    assert found is not None and found.pending_writes is not None
    by_channel = {w[1]: w[2] for w in found.pending_writes}
    assert by_channel == {"steps": "original", ERROR: "timeout 2", INTERRUPT: "ask"}


def test_thread_and_namespace_names_with_colons_never_share_keys(client: redis.Redis) -> None:
    saver = RedisSaver(client)
    _put(saver, "a:idx:b", {"v": "thread with colons"}, {"v": 1}, new={"v": 1})
    _put(saver, "a", {"v": "namespace with colons"}, {"v": 1}, new={"v": 1}, ns="b:idx:")

    one = saver.get_tuple({"configurable": {"thread_id": "a:idx:b", "checkpoint_ns": ""}})
    two = saver.get_tuple({"configurable": {"thread_id": "a", "checkpoint_ns": "b:idx:"}})

    assert one is not None and one.checkpoint["channel_values"] == {"v": "thread with colons"}
    assert two is not None and two.checkpoint["channel_values"] == {"v": "namespace with colons"}
    assert saver.get_tuple({"configurable": {"thread_id": "a", "checkpoint_ns": ""}}) is None


def test_a_ttl_is_set_on_every_key_the_saver_writes(client: redis.Redis) -> None:
    saver = RedisSaver(client, ttl_s=3600)
    stored = _put(saver, "inc", {"v": 1}, {"v": 1}, new={"v": 1}, run_id="run-1")
    saver.put_writes(stored, [("v", 2)], "task-1")

    ttls = {k.decode(): client.ttl(k) for k in client.keys("debugbot:ckpt:inc:*")}
    ttls["run"] = client.ttl("debugbot:ckpt:run:run-1")

    assert len(ttls) >= 7
    assert all(0 < ttl <= 3600 for ttl in ttls.values()), ttls


def test_without_a_ttl_nothing_expires(client: redis.Redis) -> None:
    saver = RedisSaver(client)
    _put(saver, "inc", {"v": 1}, {"v": 1}, new={"v": 1})

    assert {client.ttl(k) for k in client.keys("debugbot:ckpt:*")} == {-1}


def test_list_without_a_config_spans_threads_and_honours_limit(client: redis.Redis) -> None:
    saver = RedisSaver(client)
    for thread_id in ("inc-1", "inc-2", "inc-3"):
        _put(saver, thread_id, {}, {}, new={}, source="input")

    everything = list(saver.list(None))
    limited = list(saver.list(None, limit=2))
    filtered = list(saver.list(None, filter={"source": "loop"}))

    assert sorted(t.config["configurable"]["thread_id"] for t in everything) == ["inc-1", "inc-2", "inc-3"]
    assert len(limited) == 2
    assert filtered == []


def test_listing_pages_through_more_checkpoints_than_one_round_trip_holds(client: redis.Redis) -> None:
    saver = RedisSaver(client)
    parent = None
    ids = []
    for step in range(150):
        parent = _put(saver, "inc", {}, {}, new={}, parent=parent, step=step)
        ids.append(parent["configurable"]["checkpoint_id"])

    listed = [t.checkpoint["id"] for t in saver.list({"configurable": {"thread_id": "inc"}})]
    before = list(saver.list({"configurable": {"thread_id": "inc"}},
                             before={"configurable": {"checkpoint_id": ids[100]}}, limit=3))

    assert listed == ids[::-1]
    assert [t.metadata["step"] for t in before] == [99, 98, 97]


def test_versions_increase_as_text_so_the_index_order_is_the_write_order() -> None:
    saver = RedisSaver(redis.Redis())  # no command is sent
    versions = [saver.get_next_version(None, None)]
    for _ in range(12):
        versions.append(saver.get_next_version(versions[-1], None))

    assert versions == sorted(versions)
    assert versions[-1].startswith(f"{13:032}.")


def test_a_client_that_decodes_replies_is_refused() -> None:
    with pytest.raises(ValueError, match="decode_responses"):
        RedisSaver(redis.Redis(decode_responses=True))


def test_async_methods_see_what_sync_methods_wrote(client: redis.Redis) -> None:
    saver = RedisSaver(client)
    stored = _put(saver, "inc", {"v": "sync"}, {"v": 1}, new={"v": 1})

    async def scenario() -> tuple[Any, int, Any]:
        await saver.aput_writes(stored, [("v", "async write")], "task-1")
        found = await saver.aget_tuple(stored)
        count = len([t async for t in saver.alist({"configurable": {"thread_id": "inc"}})])
        await saver.adelete_thread("inc")
        return found, count, await saver.aget_tuple(stored)

    found, count, gone = asyncio.run(scenario())

    assert found.checkpoint["channel_values"] == {"v": "sync"}
    assert found.pending_writes == [("task-1", "v", "async write")]
    assert count == 1
    assert gone is None


def test_prune_keeps_the_latest_checkpoint_and_only_the_blobs_it_needs(client: redis.Redis) -> None:
    saver = RedisSaver(client)
    parent = _put(saver, "inc", {"v": "old"}, {"v": 1}, new={"v": 1})
    parent = _put(saver, "inc", {"v": "new"}, {"v": 2}, new={"v": 2}, parent=parent)

    saver.prune(["inc"], strategy="keep_latest")

    assert client.hkeys("debugbot:ckpt:inc:blobs:") == [b"v\x002"]
    remaining = list(saver.list({"configurable": {"thread_id": "inc"}}))
    assert [t.checkpoint["channel_values"] for t in remaining] == [{"v": "new"}]


def test_a_thread_past_its_ttl_is_gone_and_forgotten_by_list(client: redis.Redis) -> None:
    saver = RedisSaver(client, ttl_s=1)
    _put(saver, "short-lived", {"v": 1}, {"v": 1}, new={"v": 1})
    _put(RedisSaver(client), "kept", {"v": 1}, {"v": 1}, new={"v": 1})

    time.sleep(2.1)

    assert saver.get_tuple({"configurable": {"thread_id": "short-lived", "checkpoint_ns": ""}}) is None
    assert [t.config["configurable"]["thread_id"] for t in saver.list(None)] == ["kept"]
    assert client.smembers("debugbot:ckpt:threads") == {b"kept"}
