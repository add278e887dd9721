"""collect_snapshot: compact, normalised, redacted, bounded, with the exact paths it read and Secrets never read."""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED_SCENARIOS, shared_scenarios
from tests.tools.conftest import Served, obj, planted_secrets, write_scenario
from tools.errors import NotAllowed
from tools.snapshot import MAX_EVENT_GROUPS, MAX_PODS_PER_OWNER, collect_snapshot

KEYS = {"collected_at", "namespaces", "nodes", "workloads", "replicasets", "pods", "services", "events", "hpas",
        "quotas", "limitranges", "pvcs", "netpols", "ingresses", "configmaps", "sources", "capped", "errors"}


def _namespaces(doc: dict[str, Any]) -> list[str]:
    return sorted({o["metadata"]["namespace"] for o in doc["cluster"]["objects"] if o["metadata"].get("namespace")})


@pytest.mark.parametrize("path", shared_scenarios(), ids=lambda p: p.stem)
def test_snapshot_of_each_scenario_is_normalised_and_never_holds_a_secret(
        path: Path, serve_shared: Callable[[Path], Served]) -> None:
    s = serve_shared(path)
    namespaces = _namespaces(s.doc)
    snap = collect_snapshot(s.ctx, namespaces)
    assert KEYS <= set(snap)
    text = json.dumps(snap)
    assert snap["errors"] == []
    assert all(src.startswith("GET /") and "secret" not in src for src in snap["sources"])
    assert "GET /api/v1/nodes" in snap["sources"]
    for ns in namespaces:
        assert f"GET /api/v1/namespaces/{ns}/pods" in snap["sources"]
    for secret in planted_secrets(s.doc):
        assert secret not in text
    pods = {p["name"]: p for p in snap["pods"]}
    for o in s.doc["cluster"]["objects"]:
        if o["kind"] == "Pod":
            statuses = (o.get("status") or {}).get("containerStatuses") or []
            got = pods[o["metadata"]["name"]]
            assert [c["restarts"] for c in got["containers"]] == [c.get("restartCount", 0) for c in statuses]
            for c, raw in zip(got["containers"], statuses):
                if (raw.get("lastState") or {}).get("terminated"):
                    assert c["last_state"]["reason"] == raw["lastState"]["terminated"].get("reason")
    assert {n["name"] for n in snap["nodes"]} == {o["metadata"]["name"] for o in s.doc["cluster"]["objects"]
                                                  if o["kind"] == "Node"}
    assert len(text) < 200_000


def test_snapshot_is_bounded_and_says_what_it_cut(serve: Callable[..., Served], tmp_path: Path) -> None:
    owner = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "big-1", "uid": "uid-replicaset-big-1",
              "controller": True}]
    pods = [obj("Pod", f"big-1-{i:03d}", "bulk", metadata={"ownerReferences": owner},
                spec={"containers": [{"name": "c", "image": "x"}]},
                status={"phase": "Running", "containerStatuses": [{"name": "c", "ready": i != 7, "restartCount": 0,
                                                                   "image": "x", "imageID": "x", "state": {}}]})
            for i in range(MAX_PODS_PER_OWNER + 15)]
    events = [obj("Event", f"ev-{i}", "bulk", involvedObject={"kind": "Pod", "name": f"big-1-{i:03d}",
                                                              "namespace": "bulk"},
                  reason="Unhealthy", message="Readiness probe failed", type="Warning", count=1,
                  firstTimestamp="2026-01-01T11:00:00Z", lastTimestamp=f"2026-01-01T11:{i % 60:02d}:00Z")
              for i in range(MAX_EVENT_GROUPS + 10)]
    rs = obj("ReplicaSet", "big-1", "bulk", api="apps/v1", spec={
        "replicas": len(pods), "selector": {"matchLabels": {"app": "big"}},
        "template": {"metadata": {"labels": {"app": "big"}}, "spec": {"containers": [{"name": "c", "image": "x"}]}}})
    s = serve(write_scenario(tmp_path, "bulk", [rs, *pods, *events]))
    snap = collect_snapshot(s.ctx, ["bulk"])
    assert len(snap["pods"]) == MAX_PODS_PER_OWNER
    assert "big-1-007" in {p["name"] for p in snap["pods"]}  # the unready one is kept
    assert len(snap["events"]) == MAX_EVENT_GROUPS
    assert any("pods of ReplicaSet/big-1" in c for c in snap["capped"])
    assert any("events in bulk" in c for c in snap["capped"])


def test_a_failed_read_is_kept_as_an_error_and_the_rest_is_collected(serve: Callable[..., Served]) -> None:
    s = serve(SHARED_SCENARIOS / "search-oomkilled-limit.yaml")
    s.server.inject(r"/horizontalpodautoscalers", status=403, message="hpa is forbidden")
    snap = collect_snapshot(s.ctx, ["search"])
    assert len(snap["errors"]) == 1 and "HorizontalPodAutoscaler in search" in snap["errors"][0]
    assert "hpa is forbidden" in snap["errors"][0]
    assert snap["hpas"] == [] and snap["pods"]


def test_snapshot_refuses_namespaces_that_are_not_allowed(serve: Callable[..., Served]) -> None:
    s = serve(SHARED_SCENARIOS / "payment-bad-rollout.yaml", allowed_namespaces="prod")
    with pytest.raises(NotAllowed):
        collect_snapshot(s.ctx, ["prod", "kube-system"])
