"""The official langgraph-checkpoint-conformance suite against RedisSaver on a real redis-server."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import pytest
import redis
from langgraph.checkpoint.conformance import checkpointer_test, validate
from langgraph.checkpoint.conformance.capabilities import BASE_CAPABILITIES, EXTENDED_CAPABILITIES
from langgraph.checkpoint.conformance.report import CapabilityReport
from langgraph.checkpoint.conformance.spec import (
    test_copy_thread,
    test_delete_for_runs,
    test_delete_thread,
    test_get_tuple,
    test_list,
    test_prune,
    test_put,
    test_put_writes,
)

from agent.checkpoint import RedisSaver

SUITE_SIZES = {
    "put": len(test_put.ALL_PUT_TESTS),
    "put_writes": len(test_put_writes.ALL_PUT_WRITES_TESTS),
    "get_tuple": len(test_get_tuple.ALL_GET_TUPLE_TESTS),
    "list": len(test_list.ALL_LIST_TESTS),
    "delete_thread": len(test_delete_thread.ALL_DELETE_THREAD_TESTS),
    "delete_for_runs": len(test_delete_for_runs.ALL_DELETE_FOR_RUNS_TESTS),
    "copy_thread": len(test_copy_thread.ALL_COPY_THREAD_TESTS),
    "prune": len(test_prune.ALL_PRUNE_TESTS),
}


def _validate(url: str, capabilities: set[str]) -> CapabilityReport:
    client = redis.Redis.from_url(url)

    @checkpointer_test(name="RedisSaver")
    async def fresh_saver() -> AsyncGenerator[RedisSaver, None]:
        client.flushdb()  # each capability suite starts on an empty database
        yield RedisSaver(client)

    try:
        return asyncio.run(validate(fresh_saver, capabilities=capabilities))
    finally:
        client.close()


def _assert_all_ran_and_passed(report: CapabilityReport, capabilities: set[str]) -> None:
    for name in capabilities:
        result = report.results[name]
        assert result.detected, f"{name} not detected as implemented"
        assert result.failures == [], f"{name}: {result.failures}"
        assert (result.tests_passed, result.tests_failed) == (SUITE_SIZES[name], 0), name


def test_redis_saver_passes_the_base_conformance_suite(redis_url: str) -> None:
    base = {c.value for c in BASE_CAPABILITIES}
    report = _validate(redis_url, base)
    _assert_all_ran_and_passed(report, base)
    assert report.passed_all_base()
    assert sum(report.results[c].tests_passed for c in base) == 58


def test_redis_saver_passes_the_extended_conformance_suite(redis_url: str) -> None:
    extended = {c.value for c in EXTENDED_CAPABILITIES}
    report = _validate(redis_url, extended)
    _assert_all_ran_and_passed(report, extended)


@pytest.mark.parametrize("capability", sorted(SUITE_SIZES))
def test_every_capability_is_detected_on_the_saver_type(capability: str, redis_url: str) -> None:
    from langgraph.checkpoint.conformance.capabilities import DetectedCapabilities

    saver = RedisSaver(redis.Redis.from_url(redis_url))
    assert capability in {c.value for c in DetectedCapabilities.from_instance(saver).detected}
