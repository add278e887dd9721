"""Generic detectors for incidents written by people who never saw the reasoner: ports, start-up, rotations, leaks."""
from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml

from agent.analyzers import recurring, routing, secrets, startup
from agent.cluster import ClusterView
from agent.reasoners.rules_confirm import confirm_stale_secret, confirm_startup
from cli.eval import run_one
from cli.session import sandbox_session
from tests.conftest import OWN_SCENARIOS
from tools.inventory import Inventory

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=timezone.utc)
RESTARTED = 'spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]'


def _t(minutes: float) -> str:
    return (NOW + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _view(*objects: dict[str, Any]) -> ClusterView:
    inv = Inventory()
    for o in objects:
        inv.objects.setdefault(o["kind"], []).append(o)
    return ClusterView(inv, now=NOW)


def _container(**extra: Any) -> dict[str, Any]:
    return {"name": "app", "image": "registry.example/app:1.0", **extra}


def _workload(name: str, container: dict[str, Any], *, ns: str = "fin", rs_age_min: float = 20 * 1440) -> list[Any]:
    """A Deployment, its one ReplicaSet; pods are added by the caller."""
    labels = {"app": name}
    tmpl = {"metadata": {"labels": labels}, "spec": {"containers": [container]}}
    dep = {"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": name, "namespace": ns, "uid": f"{name}-d", "creationTimestamp": _t(-40 * 1440),
                        "annotations": {"deployment.kubernetes.io/revision": "4"}},
           "spec": {"replicas": 2, "selector": {"matchLabels": labels}, "template": tmpl},
           "status": {"replicas": 2, "readyReplicas": 1, "availableReplicas": 1, "updatedReplicas": 2}}
    rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
          "metadata": {"name": f"{name}-5d8f", "namespace": ns, "uid": f"{name}-rs",
                       "creationTimestamp": _t(-rs_age_min), "labels": {**labels, "pod-template-hash": "5d8f"},
                       "annotations": {"deployment.kubernetes.io/revision": "4"},
                       "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": name,
                                            "uid": f"{name}-d", "controller": True}]},
          "spec": {"replicas": 2, "selector": {"matchLabels": {**labels, "pod-template-hash": "5d8f"}},
                   "template": tmpl},
          "status": {"replicas": 2, "readyReplicas": 1}}
    return [dep, rs]


def _pod(name: str, suffix: str, container: dict[str, Any], status: dict[str, Any], *, ns: str = "fin",
         started_min: float = -2 * 1440) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": f"{name}-5d8f-{suffix}", "namespace": ns, "uid": f"{name}-{suffix}",
                         "creationTimestamp": _t(started_min), "labels": {"app": name, "pod-template-hash": "5d8f"},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": f"{name}-5d8f",
                                              "uid": f"{name}-rs", "controller": True}]},
            "spec": {"containers": [container], "nodeName": "node-a"},
            "status": {"phase": "Running", "startTime": _t(started_min), "podIP": "10.0.0.9",
                       "containerStatuses": [{"name": "app", "image": container["image"], "imageID": "",
                                              "ready": False, "restartCount": 0, **status}]}}


# -- Service port --------------------------------------------------------------------------------------------

_PORTS = [{"name": "http", "containerPort": 8080}, {"name": "grpc", "containerPort": 9090},
          {"name": "admin", "containerPort": 9102}]


def _service(ports: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "perks", "namespace": "fin"},
            "spec": {"selector": {"app": "perks"}, "ports": ports}}


def _serving(ports: list[dict[str, Any]]) -> ClusterView:
    c = _container(ports=_PORTS)
    pod = _pod("perks", "a", c, {"ready": True, "state": {"running": {"startedAt": _t(-600)}}})
    return _view(*_workload("perks", c), pod, _service(ports))


def test_a_service_port_aimed_at_a_closed_port_is_pointed_back_at_the_container_port_of_its_name() -> None:
    view = _serving([{"name": "http", "port": 80, "targetPort": 8081}, {"name": "grpc", "port": 9090,
                                                                          "targetPort": 9090}])
    [f] = [f for f in routing.analyze(view) if f.analyzer == "routing.port"]
    assert f.category == "service_routing" and f.resource.name == "perks"
    assert f.action is not None
    assert f.action.params["patch"]["spec"]["ports"][0] == {"name": "http", "port": 80, "targetPort": 8080}
    assert f.action.params["patch"]["spec"]["ports"][1]["targetPort"] == 9090


def test_an_unnamed_service_port_takes_the_only_container_port_no_other_service_port_uses() -> None:
    view = _serving([{"port": 80, "targetPort": 8081}, {"port": 9090, "targetPort": "grpc"},
                     {"port": 9102, "targetPort": "admin"}])
    [f] = [f for f in routing.analyze(view) if f.analyzer == "routing.port"]
    assert f.action is not None and f.action.params["patch"]["spec"]["ports"][0]["targetPort"] == 8080


def test_a_wrong_port_with_several_candidates_is_not_guessed_and_a_right_one_is_left_alone() -> None:
    assert not [f for f in routing.analyze(_serving([{"port": 80, "targetPort": 8081}]))
                if f.analyzer == "routing.port"]
    assert not [f for f in routing.analyze(_serving([{"name": "web", "port": 80, "targetPort": "http"}]))
                if f.analyzer == "routing.port"]


# -- liveness kills during start-up ------------------------------------------------------------------------

_LIVENESS = {"httpGet": {"path": "/healthz", "port": "http"}, "initialDelaySeconds": 10, "periodSeconds": 5,
             "failureThreshold": 3}


def _killed_after(seconds: float, container: dict[str, Any]) -> ClusterView:
    last = {"terminated": {"exitCode": 143, "reason": "Error", "startedAt": _t(-3),
                           "finishedAt": _t(-3 + seconds / 60)}}
    status = {"restartCount": 9, "lastState": last,
              "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s"}}}
    pods = [_pod("quiz", s, container, status) for s in ("a", "b")]
    kill = {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "k1", "namespace": "fin"}, "reason": "Killing",
            "involvedObject": {"kind": "Pod", "name": pods[0]["metadata"]["name"], "namespace": "fin"},
            "message": "Container app failed liveness probe, will be restarted", "count": 9,
            "lastTimestamp": _t(-2), "firstTimestamp": _t(-60), "type": "Normal"}
    return _view(*_workload("quiz", container), *pods, kill)


def test_a_liveness_probe_that_kills_containers_at_its_budget_gets_a_startup_probe_with_the_same_check() -> None:
    [f] = startup.analyze(_killed_after(27, _container(livenessProbe=_LIVENESS)))
    assert f.category == "probe_failure" and f.resource.name == "quiz" and f.score >= 0.8
    assert f.action is not None and f.action.action.value == "patch_resource"
    [c] = f.action.params["patch"]["spec"]["template"]["spec"]["containers"]
    assert c["name"] == "app"
    assert c["startupProbe"] == {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 5,
                                 "failureThreshold": 60}
    assert "startupProbe" in " ".join(f.facts) and "143" in " ".join(f.facts)


def test_a_container_that_ran_for_long_before_the_liveness_kill_or_has_a_startup_probe_is_not_this_case() -> None:
    assert not startup.analyze(_killed_after(3600, _container(livenessProbe=_LIVENESS)))
    with_startup = _container(livenessProbe=_LIVENESS, startupProbe={**_LIVENESS, "failureThreshold": 30})
    assert not startup.analyze(_killed_after(27, with_startup))


# -- a rotated Secret still held in env ---------------------------------------------------------------------

def _rotation(env: list[dict[str, Any]] | None = None, volumes: bool = False, written_min: float = -40) -> ClusterView:
    c = _container(env=env if env is not None else [
        {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "ledger-db", "key": "password"}}}])
    secret = {"kind": "Secret", "metadata": {"name": "ledger-db", "namespace": "fin", "managedFields": [
        {"manager": "vault-agent", "operation": "Update", "time": _t(written_min),
         "fieldsV1": {"f:data": {"f:password": {}}}}]}}
    pods = [_pod("ledger", s, c, {"ready": s == "a", "state": {"running": {"startedAt": _t(-2 * 1440)}}})
            for s in ("a", "b")]
    objs = _workload("ledger", c)
    if volumes:
        objs[0]["spec"]["template"]["spec"]["volumes"] = [{"name": "creds", "secret": {"secretName": "ledger-db"}}]
    return _view(*objs, *pods, secret)


def test_pods_started_before_a_secret_they_copy_into_env_was_rewritten_are_restarted() -> None:
    [f] = secrets.analyze(_rotation())
    assert f.category == "dependency_failure" and f.resource.kind == "Deployment" and f.resource.name == "ledger"
    assert f.action is not None and f.action.action.value == "restart_workload"
    assert f.score < 0.6  # a lead until the pods' logs show the credentials rejected
    assert "vault-agent" in f.facts[0] and "DB_PASSWORD" in f.facts[1]


def test_a_secret_read_as_a_file_or_rewritten_before_the_pods_started_is_no_stale_copy() -> None:
    assert not secrets.analyze(_rotation(env=[], volumes=True))
    assert not secrets.analyze(_rotation(written_min=-3 * 1440))


def _logs(pod: str, *lines: str) -> list[Any]:
    return [{"tool": "pod_logs", "status": "ok", "args": {"pod": pod}, "text": "\n".join(lines),
             "invocation": f"GET /api/v1/namespaces/fin/pods/{pod}/log", "data": None}]


def test_a_rotation_is_confirmed_only_by_credentials_rejected_after_it() -> None:
    before, after = secrets.analyze(_rotation())[0], secrets.analyze(_rotation())[0]
    confirm_stale_secret(before, _logs("ledger-5d8f-b", f"{_t(-50)} ERROR password authentication failed for user"))
    confirm_stale_secret(after, _logs("ledger-5d8f-b", f"{_t(-10)} ERROR password authentication failed for user"))
    assert before.score < 0.6 <= after.score
    assert any("password authentication failed" in fact for fact in after.facts)


def test_a_start_up_that_fails_on_a_refused_dependency_is_not_given_more_time() -> None:
    slow, stuck = (startup.analyze(_killed_after(27, _container(livenessProbe=_LIVENESS)))[0] for _ in range(2))
    confirm_startup(slow, _logs("quiz-5d8f-a", "INFO warming cache 40%", "INFO warming cache 80%"))
    confirm_startup(stuck, _logs("quiz-5d8f-a", "ERROR could not connect to postgres: connection refused"))
    assert slow.score >= 0.8 and not slow.against
    assert stuck.score < 0.6 and "connection refused" in stuck.against[0]


# -- crashes every few hours after a rollout ---------------------------------------------------------------

def _recurring(run_min: float, *, rollout_days: float, ended_min: float = -60) -> ClusterView:
    c = _container()
    last = {"terminated": {"exitCode": 134, "reason": "Error", "startedAt": _t(ended_min - run_min),
                           "finishedAt": _t(ended_min)}}
    pods = [_pod("gw", s, c, {"ready": True, "restartCount": 12, "lastState": last,
                              "state": {"running": {"startedAt": _t(-59)}}}) for s in ("a", "b")]
    objs = _workload("gw", c, rs_age_min=rollout_days * 1440)
    old = {**objs[1], "metadata": {**objs[1]["metadata"], "name": "gw-11aa", "uid": "gw-old",
                                   "creationTimestamp": _t(-30 * 1440),
                                   "annotations": {"deployment.kubernetes.io/revision": "3"}}}
    old["spec"] = {**old["spec"], "replicas": 0, "template": {
        "metadata": {"labels": {"app": "gw"}}, "spec": {"containers": [_container(image="registry.example/app:0.9")]}}}
    return _view(*objs, old, *pods)


def test_pods_of_a_recent_revision_dying_every_few_hours_are_rolled_back() -> None:
    [f] = recurring.analyze(_recurring(6 * 60, rollout_days=4))
    assert f.action is not None and f.action.action.value == "rollback_deployment"
    assert f.action.params == {"revision": 3}
    assert "134" in f.facts[1] and "not OOMKilled" in f.facts[1]


def test_short_runs_are_a_crash_loop_a_day_old_crash_is_over_and_old_revisions_get_only_advice() -> None:
    assert not recurring.analyze(_recurring(2, rollout_days=4))
    assert not recurring.analyze(_recurring(6 * 60, rollout_days=4, ended_min=-2 * 1440))
    [f] = recurring.analyze(_recurring(6 * 60, rollout_days=60))
    assert f.action is not None and f.action.action.value == "recommend_only" and f.score < 0.6


# -- end to end, through the sandbox -----------------------------------------------------------------------

def _scenario(tmp: Path) -> Path:
    c = _container(env=[{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "ledger-db",
                                                                                 "key": "password"}}}])
    objs = _workload("ledger", c)
    pods = [_pod("ledger", s, c, {"ready": s == "a", "state": {"running": {"startedAt": _t(-2 * 1440)}}})
            for s in ("a", "b")]
    secret = {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
              "metadata": {"name": "ledger-db", "namespace": "fin", "creationTimestamp": _t(-90 * 1440),
                           "annotations": {"vault.example/last-rotated": _t(-40)}},
              "data": {"password": base64.b64encode(b"n3w-s3cr3t-v4lue").decode()}}
    lines = [f"{_t(-30 + i)} ERROR db: FATAL: password authentication failed for user \"ledger\"" for i in range(5)]
    doc = {"format": 1, "id": "ledger-rotation", "title": "rotated db password still held in env", "now": _t(0),
           "trigger": {"command": "ledger errors"},
           "cluster": {"objects": [*objs, *pods, secret],
                       "logs": [{"pod": p["metadata"]["name"], "namespace": "fin", "container": "app",
                                 "lines": lines} for p in pods]},
           "truth": {"category": "dependency_failure", "resource": {"kind": "Deployment", "namespace": "fin",
                                                                    "name": "ledger"},
                     "evidence": ["password authentication failed"],
                     "remediation": {"accepted": [{"action": "restart_workload", "target": {
                         "kind": "Deployment", "namespace": "fin", "name": "ledger"}}],
                         "checks": [{"kind": "Deployment", "namespace": "fin", "name": "ledger", "exists": True,
                                     "path": RESTARTED}]}}}
    path = tmp / "ledger-rotation.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def test_the_inventory_reads_secret_metadata_over_http_and_never_their_values(tmp_path: Path) -> None:
    with sandbox_session(_scenario(tmp_path)) as s:
        inv = s.toolbox.inventory(None)
    [secret] = inv.of("Secret", "fin")
    assert secret["metadata"]["annotations"]["vault.example/last-rotated"] == _t(-40)
    assert "data" not in secret and "n3w-s3cr3t" not in str(inv.objects) and "bjN3LXMzY3Iz" not in str(inv.objects)
    assert any(src.endswith("/secrets") for src in inv.sources)


def test_a_rotated_password_still_held_in_env_ends_in_a_restart_of_its_consumer(tmp_path: Path) -> None:
    row = run_one(_scenario(tmp_path), reasoner="rules", transcript=None)
    assert row["category"] == "dependency_failure"
    assert row["resource"] == {"kind": "Deployment", "namespace": "fin", "name": "ledger"}
    assert row["action"]["action"] == "restart_workload"
    assert row["passed"] and row["verified"]


def test_a_gateway_dying_every_six_hours_since_its_release_is_rolled_back_as_a_leak() -> None:
    row = run_one(OWN_SCENARIOS / "ws-gateway-disconnects-every-few-hours.yaml", reasoner="rules", transcript=None)
    assert row["passed"] and row["category"] == "memory_leak"
    assert row["action"]["action"] == "rollback_deployment"
