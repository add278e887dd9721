"""verify() and the diff: bounded polling against the sandbox, and readable field-level changes."""
from __future__ import annotations

import time
from pathlib import Path

from tests.tools.conftest_actions import served
from tools.actions.base import Mutation
from tools.actions.diff import object_diff
from tools.actions.kube import Kube
from tools.actions.verify import readiness, verify
from tools.models import ObjectRef

PAYMENT = ObjectRef(kind="Deployment", namespace="prod", name="payment")


def test_verify_gives_up_after_the_timeout_when_the_change_never_shows(tmp_path: Path) -> None:
    with served("payment-bad-rollout", tmp_path) as (_, ctx):
        never = Mutation(ref=PAYMENT, summary="x", holds=lambda obj: False, expect="replicas = 9")
        started = time.monotonic()
        check = verify(never, Kube(ctx.k8s, 2.0), timeout_s=1.0)
        elapsed = time.monotonic() - started
    assert not check.verified and "replicas = 9 not seen within 1s" in check.text
    assert 0.9 <= elapsed < 2.5


def test_verify_reports_why_it_could_not_look_again(tmp_path: Path) -> None:
    with served("payment-bad-rollout", tmp_path) as (server, ctx):
        server.inject(r"/deployments/payment", status=500, method="GET")
        check = verify(Mutation(ref=PAYMENT, summary="x", holds=lambda obj: True, expect="e"),
                       Kube(ctx.k8s, 2.0), timeout_s=0.2)
    assert not check.verified and "could not look again" in check.text and "500" in check.text


def test_verify_counts_a_missing_object_as_gone(tmp_path: Path) -> None:
    with served("payment-bad-rollout", tmp_path) as (_, ctx):
        gone = ObjectRef(kind="Pod", namespace="prod", name="no-such-pod")
        check = verify(Mutation(ref=gone, summary="x", holds=lambda obj: obj is None, expect="pod gone"),
                       Kube(ctx.k8s, 2.0), timeout_s=0)
    assert check.verified and check.text == "pod gone"


def test_readiness_reads_deployments_daemonsets_and_rollouts_in_progress() -> None:
    assert readiness({"kind": "Deployment", "spec": {"replicas": 3}, "status": {"readyReplicas": 2}}) == "2/3 ready"
    assert readiness({"kind": "DaemonSet", "status": {"numberReady": 4, "desiredNumberScheduled": 5}}) == \
        "4/5 ready"
    assert readiness({"kind": "Deployment", "metadata": {"generation": 3}, "spec": {"replicas": 1},
                      "status": {"readyReplicas": 1, "observedGeneration": 2}}) == "1/1 ready (rollout in progress)"


def test_diff_names_containers_env_and_annotations_and_skips_bookkeeping() -> None:
    old = {"metadata": {"resourceVersion": "1", "annotations": {"a/b": "x"}},
           "spec": {"template": {"spec": {"containers": [
               {"name": "web", "image": "web:1", "env": [{"name": "MODE", "value": "slow"}]},
               {"name": "side", "image": "side:1"}]}}}, "status": {"readyReplicas": 1}}
    new = {"metadata": {"resourceVersion": "2", "annotations": {"a/b": "y"}},
           "spec": {"template": {"spec": {"containers": [
               {"name": "web", "image": "web:2", "env": [{"name": "MODE", "value": "fast"}]},
               {"name": "side", "image": "side:1"}]}}}, "status": {"readyReplicas": 0}}
    assert object_diff(old, new) == [
        "metadata.annotations[a/b]: x -> y",
        "spec.template.spec.containers[web].image: web:1 -> web:2",
        "spec.template.spec.containers[web].env[MODE]: slow -> fast",
    ]
