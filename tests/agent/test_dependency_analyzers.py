"""Dependency detectors: resolving what a workload calls, judging the dependency's own health, failed Jobs.

End-to-end cases run the rules reasoner against scenarios served by the sandbox over real HTTP
(real kubernetes client, real Prometheus API); unit cases build a ClusterView from API-shaped objects.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from agent import api
from agent.analyzers import dependencies as deps_analyzer
from agent.analyzers.jobs import failed_jobs
from agent.cluster import ClusterView
from cli.session import sandbox_session, trigger_of
from sandbox.checks import get_path
from tests.conftest import OWN_SCENARIOS, SHARED_SCENARIOS
from tools.dependency_map import dependencies
from tools.inventory import Inventory
from tools.models import ActionName
from tools.registry import call_tool
from tools.report import ReportStatus

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


def _svc(name: str, ns: str, *, selector: dict[str, str] | None = None, port: int = 80, port_name: str = "http",
         external: str | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"ports": [{"name": port_name, "port": port}], "selector": selector or {"app": name}}
    if external:
        spec = {"type": "ExternalName", "externalName": external}
    return {"kind": "Service", "metadata": {"name": name, "namespace": ns}, "spec": spec}


def _deploy(name: str, ns: str, container: dict[str, Any], volumes: list[Any] | None = None) -> dict[str, Any]:
    return {"kind": "Deployment", "metadata": {"name": name, "namespace": ns},
            "spec": {"replicas": 2, "template": {"metadata": {"labels": {"app": name}},
                                                 "spec": {"containers": [container], "volumes": volumes or []}}}}


# -- resolving dependencies ---------------------------------------------------------------------

def test_dependencies_resolve_hosts_in_env_configmaps_and_protocol_env_names() -> None:
    services = [_svc("orders-db", "shop", port=5432, port_name="postgres"), _svc("cache", "shop", port=6379),
                _svc("broker", "shop", port=5672, port_name="amqp"), _svc("vendor", "shop", external="api.vendor.example"),
                _svc("web", "shop")]
    container = {"name": "web", "env": [{"name": "CACHE_ADDR", "value": "cache:6379"},
                                        {"name": "VENDOR_URL", "value": "https://vendor.shop.svc.cluster.local/v1"},
                                        {"name": "AMQP_URL", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}],
                 "envFrom": [{"configMapRef": {"name": "web-env"}}]}
    cms = [{"kind": "ConfigMap", "metadata": {"name": "web-env", "namespace": "shop"},
            "data": {"DB_HOST": "orders-db.shop.svc.cluster.local"}}]
    found = dependencies(_deploy("web", "shop", container), services=services, configmaps=cms)
    by_name = {d.key[1]: d for d in found}
    assert set(by_name) == {"orders-db", "cache", "broker", "vendor"}  # never its own Service "web"
    assert "ConfigMap web-env" in by_name["orders-db"].link
    assert "AMQP_URL" in by_name["broker"].link
    assert by_name["vendor"].host == "api.vendor.example"


def test_bare_words_and_paths_are_not_taken_for_services() -> None:
    services = [_svc("redis", "shop", port=6379)]
    container = {"name": "app", "command": ["redis-server", "/etc/redis/redis.conf"],
                 "env": [{"name": "MODE", "value": "redis mode"}]}
    assert dependencies(_deploy("app", "shop", container), services=services, configmaps=[]) == []


def test_object_store_urls_are_outside_dependencies() -> None:
    container = {"name": "exporter", "env": [{"name": "BUCKET", "value": "gs://exports-prod"}]}
    found = dependencies(_deploy("exporter", "data", container), services=[], configmaps=[])
    assert [(d.service, d.host) for d in found] == [(None, "exports-prod")]


# -- the observer over dependency_health --------------------------------------------------------

def _health_obs(dep: dict[str, Any], *, workload: str = "api") -> dict[str, Any]:
    return {"step": 1, "tool": "dependency_health", "args": {}, "status": "ok", "text": "", "invocation": "",
            "elapsed_s": 0.0, "data": {"workload": {"kind": "Deployment", "namespace": "shop", "name": workload},
                                       "service_account": "api", "dependencies": [dep]}}


def _dep(*, ratio: float | None, alarms: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"link": "named", "names": ["db.shop.svc", "db"], "external_host": None,
            "service": {"kind": "Service", "namespace": "shop", "name": "db"},
            "backing": {"kind": "StatefulSet", "name": "db"},
            "pods": [{"name": "db-0", "containers": [{"name": "db", "memory_limit": "1Gi", "memory_request": "1Gi",
                                                      "restarts": 0, "last_reason": None}], "claims": ["data-db-0"]}],
            "volumes": [{"name": "data-db-0", "capacity": "50Gi", "requested": "50Gi", "used_ratio": ratio,
                         "used_bytes": 1.0, "capacity_bytes": 53687091200.0}],
            "alarms": alarms or []}


FOCUS = {"workloads": [{"kind": "Deployment", "namespace": "shop", "name": "api"}], "pods": []}


def test_a_full_volume_of_a_dependency_proposes_doubling_its_pvc() -> None:
    found = deps_analyzer.observe(FOCUS, [_health_obs(_dep(ratio=0.97))])  # type: ignore[list-item]
    assert len(found) == 1
    f = found[0]
    assert (f.category, f.resource and f.resource.name) == ("storage", "data-db-0")
    assert f.action is not None and f.action.action is ActionName.PATCH_RESOURCE
    assert f.action.params["patch"]["spec"]["resources"]["requests"]["storage"] == "100Gi"
    assert f.score >= 0.85


def test_a_half_full_quiet_dependency_is_not_blamed() -> None:
    assert deps_analyzer.observe(FOCUS, [_health_obs(_dep(ratio=0.5))]) == []  # type: ignore[list-item]


def test_an_oom_alarm_in_a_dependency_log_doubles_its_memory_limit_and_request() -> None:
    dep = _dep(ratio=0.2, alarms=[{"kind": "oom", "pod": "db-0", "line": "Background saving terminated by signal 9"}])
    found = deps_analyzer.observe(FOCUS, [_health_obs(dep)])  # type: ignore[list-item]
    assert [f.category for f in found] == ["oom_killed"]
    action = found[0].action
    assert action is not None and action.action is ActionName.SET_RESOURCES
    assert action.params == {"container": "db", "limits": {"memory": "2Gi"}, "requests": {"memory": "2Gi"}}


def test_health_of_another_workload_is_not_blamed_on_the_focus() -> None:
    assert deps_analyzer.observe(FOCUS, [_health_obs(_dep(ratio=0.99), workload="other")]) == []  # type: ignore[list-item]


# -- failed Jobs ----------------------------------------------------------------------------------

def _job(name: str, *, failed: bool, start: str) -> dict[str, Any]:
    cond = {"type": "Failed" if failed else "Complete", "status": "True"}
    return {"kind": "Job", "metadata": {"name": name, "namespace": "batch",
                                        "ownerReferences": [{"kind": "CronJob", "name": "nightly", "controller": True}]},
            "status": {"startTime": start, "conditions": [cond]}}


def _job_pod(job: str, reason: str, message: str) -> dict[str, Any]:
    return {"kind": "Pod", "metadata": {"name": f"{job}-x1", "namespace": "batch",
                                        "ownerReferences": [{"kind": "Job", "name": job, "controller": True}]},
            "status": {"containerStatuses": [{"name": "main", "image": "img:2", "state": {"terminated": {
                "exitCode": 128, "reason": reason, "message": message}}}]}}


def _view(objs: list[dict[str, Any]]) -> ClusterView:
    inv = Inventory()
    for o in objs:
        inv.objects.setdefault(o["kind"], []).append(o)
    return ClusterView(inv, now=NOW)


CRON = {"kind": "CronJob", "metadata": {"name": "nightly", "namespace": "batch"}, "spec": {}}


def test_a_cronjob_whose_newest_run_cannot_start_is_a_config_error_on_the_cronjob() -> None:
    objs = [CRON, _job("nightly-1", failed=False, start="2026-11-26T00:30:00Z"),
            _job("nightly-2", failed=True, start="2026-11-27T00:30:00Z"),
            _job_pod("nightly-2", "StartError", 'exec: "/app/run": stat /app/run: no such file or directory')]
    found = failed_jobs(_view(objs))
    assert [(f.category, f.resource and f.resource.kind, f.resource and f.resource.name) for f in found] == [
        ("config_error", "CronJob", "nightly")]
    assert found[0].action is not None and found[0].action.action is ActionName.RECOMMEND_ONLY
    assert any("/app/run" in fact for fact in found[0].facts)


def test_a_failed_run_followed_by_a_success_is_not_reported() -> None:
    objs = [CRON, _job("nightly-1", failed=True, start="2026-11-26T00:30:00Z"),
            _job_pod("nightly-1", "StartError", "no such file or directory"),
            _job("nightly-2", failed=False, start="2026-11-27T00:30:00Z")]
    assert failed_jobs(_view(objs)) == []


# -- end to end through the sandbox ---------------------------------------------------------------

def _investigate(path: object, incident: str) -> Any:
    with sandbox_session(path) as s:  # type: ignore[arg-type]
        return api.investigate(s.graph, incident_id=incident, trigger=trigger_of(s.scenario))


def test_dependency_health_reads_pvc_fill_and_the_dependency_log_over_real_apis() -> None:
    with sandbox_session(OWN_SCENARIOS / "loyalty-points-not-credited-friday-evening.yaml") as s:
        r = call_tool("dependency_health", {"namespace": "loyalty", "kind": "Deployment", "name": "loyalty-api"}, s.ctx)
    assert r.status.value == "ok"
    dep = r.data["dependencies"][0]
    assert dep["backing"] == {"kind": "StatefulSet", "name": "points-db"}
    assert dep["volumes"][0]["used_ratio"] >= 0.99
    assert any(a["kind"] == "disk_full" for a in dep["alarms"])
    assert "kubelet_volume_stats" in r.text


def test_a_database_volume_filled_behind_a_configmap_host_gets_a_pvc_expansion() -> None:
    path = OWN_SCENARIOS / "loyalty-points-not-credited-friday-evening.yaml"
    with sandbox_session(path) as s:
        result = api.investigate(s.graph, incident_id="dep-1", trigger=trigger_of(s.scenario))
        assert result.awaiting_approval
        proposal = result.interrupt["proposal"]
        assert proposal["action"] == ActionName.PATCH_RESOURCE.value
        assert proposal["target"]["name"] == "data-points-db-0"
        pvc = s.server.world.get("PersistentVolumeClaim", "loyalty", "data-points-db-0")
        assert get_path(pvc, "spec.resources.requests.storage") == "20Gi"  # nothing ran before the human
        done = api.resume(s.graph, incident_id="dep-1", decision="approve", user="U1")
        assert done.report.status is ReportStatus.RESOLVED
        pvc = s.server.world.get("PersistentVolumeClaim", "loyalty", "data-points-db-0")
        assert get_path(pvc, "spec.resources.requests.storage") == "40Gi"


def test_a_broker_found_by_its_protocol_port_is_blamed_for_its_full_disk() -> None:
    result = _investigate(OWN_SCENARIOS / "orders-stuck-pending-afternoon.yaml", "dep-2")
    proposal = result.interrupt["proposal"]
    assert proposal["action"] == ActionName.PATCH_RESOURCE.value
    assert proposal["target"] == {"kind": "PersistentVolumeClaim", "namespace": "orders", "name": "data-rabbitmq-0"}


def test_a_cache_whose_snapshots_are_oom_killed_gets_more_memory_not_a_caller_restart() -> None:
    result = _investigate(OWN_SCENARIOS / "cart-writes-failing-this-morning.yaml", "dep-3")
    proposal = result.interrupt["proposal"]
    assert proposal["action"] == ActionName.SET_RESOURCES.value
    assert proposal["target"]["name"] == "cart-redis"
    assert proposal["params"]["limits"]["memory"] == "4Gi"


def test_an_outside_service_failing_is_advice_on_its_service_not_a_rollback() -> None:
    result = _investigate(OWN_SCENARIOS / "payments-failing-overnight-apac.yaml", "dep-4")
    assert not result.awaiting_approval
    assert result.report.category == "dependency_failure"
    assert result.report.resource is not None and result.report.resource.name == "psp-api"
    assert all(not a.mutating for a in result.report.proposed_actions)


def test_a_cloud_permission_denied_is_access_denied_on_the_service_account() -> None:
    result = _investigate(OWN_SCENARIOS / "exports-failing-since-morning.yaml", "dep-5")
    assert result.report.category == "access_denied"
    assert result.report.resource is not None
    assert (result.report.resource.kind, result.report.resource.name) == ("ServiceAccount", "export-worker")


def test_a_nightly_job_that_cannot_start_is_reported_on_its_cronjob() -> None:
    result = _investigate(OWN_SCENARIOS / "invoice-export-nightly-job-failed.yaml", "dep-6")
    assert result.report.category == "config_error"
    assert result.report.resource is not None
    assert (result.report.resource.kind, result.report.resource.name) == ("CronJob", "invoice-export")
    assert "/app/bin/invoice-export" in result.report.text()


def test_a_recovered_incident_with_named_dependencies_stays_no_fault() -> None:
    result = _investigate(SHARED_SCENARIOS / "checkout-recovered-no-fault.yaml", "dep-7")
    assert result.report.status is ReportStatus.NO_FAULT


def test_a_caller_saying_disk_full_blames_an_unmeasured_dependency_volume_but_not_a_measured_roomy_one() -> None:
    said = {"step": 1, "tool": "pod_logs", "args": {"pod": "api-7c9d-x1"}, "status": "ok", "invocation": "",
            "elapsed_s": 0.0, "data": None, "text": "ERROR PG::DiskFull: could not extend file: No space left on device"}
    unmeasured = deps_analyzer.observe(FOCUS, [_health_obs(_dep(ratio=None)), said])  # type: ignore[list-item]
    assert [(f.category, f.score) for f in unmeasured] == [("storage", 0.75)]
    assert deps_analyzer.observe(FOCUS, [_health_obs(_dep(ratio=0.4)), said]) == []  # type: ignore[list-item]
