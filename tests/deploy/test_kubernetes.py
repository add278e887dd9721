"""deploy/ manifests: valid for Kubernetes 1.31, locked-down pods, probes, policies, settings that load."""
from __future__ import annotations

from pathlib import Path

import kubernetes_validate
import pytest
import redis
from rq import Queue

from tests.deploy.manifests import DEPLOY, Doc, find, load_docs, manifest_files, pod_spec, render
from tools.settings import Settings, load_settings

K8S_VERSION = "1.31.0"
CRD_GROUPS = ("keda.sh/",)  # not in the Kubernetes schemas; only ever in deploy/optional/
WORKLOADS = ("Deployment", "StatefulSet")


@pytest.fixture(scope="module")
def base() -> list[Doc]:
    return render(DEPLOY)


def validate(doc: Doc) -> None:
    kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


@pytest.mark.parametrize("path", manifest_files(), ids=lambda p: str(p.relative_to(DEPLOY)))
def test_manifest_file_validates_against_the_kubernetes_schemas(path: Path) -> None:
    docs = load_docs(path)
    assert docs, f"{path} holds no document"
    for doc in docs:
        if doc["apiVersion"].startswith(CRD_GROUPS):
            assert path.parent.name == "optional", f"{doc['kind']} needs a CRD: keep it in deploy/optional/"
            continue
        validate(doc)


@pytest.mark.parametrize("folder", ["", "overlays/read-only"])
def test_kustomize_renders_objects_that_all_validate(folder: str) -> None:
    docs = render(DEPLOY / folder)
    for doc in docs:
        validate(doc)
    kinds = {d["kind"] for d in docs}
    assert {"Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ConfigMap", "Service",
            "Deployment", "StatefulSet", "NetworkPolicy"} <= kinds
    assert "Secret" not in kinds, "kubectl apply -k must never overwrite the real Secret with the template"


def test_validation_rejects_a_broken_manifest() -> None:
    bad = load_docs(DEPLOY / "base" / "worker.yaml")[0]
    bad["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        validate(bad)


def containers(docs: list[Doc]) -> list[tuple[Doc, Doc]]:
    return [(w, c) for w in docs if w["kind"] in WORKLOADS for c in pod_spec(w)["containers"]]


def test_every_container_runs_locked_down_with_requests_and_limits(base: list[Doc]) -> None:
    found = containers(base)
    assert len(found) == 3
    for workload, c in found:
        pod_sc = pod_spec(workload)["securityContext"]
        sc = c["securityContext"]
        assert pod_sc["runAsNonRoot"] is True and pod_sc["runAsUser"] != 0
        assert pod_sc["seccompProfile"]["type"] == "RuntimeDefault"
        assert sc["readOnlyRootFilesystem"] is True
        assert sc["allowPrivilegeEscalation"] is False
        assert sc["capabilities"]["drop"] == ["ALL"]
        for kind in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(c["resources"][kind]), (c["name"], kind)


def test_debugbot_pods_run_as_the_image_user_with_a_writable_tmp(base: list[Doc]) -> None:
    from tests.deploy.dockerfile import parse
    from tests.conftest import ROOT

    user = parse(ROOT / "Dockerfile").stage("runtime").all("USER")[-1].args.split(":")[0]
    for name in ("debugbot-bot", "debugbot-worker"):
        spec = pod_spec(find(base, "Deployment", name))
        assert str(spec["securityContext"]["runAsUser"]) == user
        (c,) = spec["containers"]
        assert c["image"].startswith("ghcr.io/your-org/debugbot:"), "kustomize images: did not apply"
        assert any(m["mountPath"] == "/tmp" for m in c["volumeMounts"])
        assert [e["configMapRef"]["name"] for e in c["envFrom"] if "configMapRef" in e] == ["debugbot-config"]
        assert [e["secretRef"]["name"] for e in c["envFrom"] if "secretRef" in e] == ["debugbot-secrets"]


def test_bot_probes_hit_healthz_and_readyz_on_the_configured_port(base: list[Doc]) -> None:
    (c,) = pod_spec(find(base, "Deployment", "debugbot-bot"))["containers"]
    port = int(find(base, "ConfigMap", "debugbot-config")["data"]["DEBUGBOT_HTTP_PORT"])
    assert c["ports"] == [{"name": "http", "containerPort": port}]
    assert c["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert c["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    svc = find(base, "Service", "debugbot-bot")
    assert svc["spec"]["ports"][0]["targetPort"] == "http"
    assert svc["spec"]["selector"].items() <= find(base, "Deployment", "debugbot-bot")["spec"]["template"][
        "metadata"]["labels"].items()


def test_workers_have_two_replicas_an_exec_liveness_probe_and_time_to_finish_a_job(base: list[Doc]) -> None:
    worker = find(base, "Deployment", "debugbot-worker")
    assert worker["spec"]["replicas"] == 2
    spec = pod_spec(worker)
    (c,) = spec["containers"]
    assert c["args"] == ["worker"]
    metrics_port = int(find(base, "ConfigMap", "debugbot-config")["data"]["DEBUGBOT_WORKER_METRICS_PORT"])
    assert c["ports"] == [{"name": "metrics", "containerPort": metrics_port}]
    annotations = worker["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/port"] == str(metrics_port) and annotations["prometheus.io/path"] == "/metrics"
    assert c["livenessProbe"]["exec"]["command"][:2] == ["python", "-c"]
    timeout_s = int(find(base, "ConfigMap", "debugbot-config")["data"]["DEBUGBOT_MAX_SECONDS"])
    assert spec["terminationGracePeriodSeconds"] > timeout_s


def test_redis_persists_with_append_only_on_a_volume_claim(base: list[Doc]) -> None:
    sts = find(base, "StatefulSet", "debugbot-redis")
    (c,) = pod_spec(sts)["containers"]
    assert "--appendonly" in c["args"] and c["args"][c["args"].index("--appendonly") + 1] == "yes"
    assert c["args"][c["args"].index("--maxmemory-policy") + 1] == "noeviction"
    (claim,) = sts["spec"]["volumeClaimTemplates"]
    assert c["volumeMounts"] == [{"name": claim["metadata"]["name"], "mountPath": "/data"}]
    url = find(base, "ConfigMap", "debugbot-config")["data"]["DEBUGBOT_REDIS_URL"]
    svc = find(base, "Service", "debugbot-redis")
    assert url.startswith(f"redis://{svc['metadata']['name']}.{svc['metadata']['namespace']}.svc:6379/")


def policy(docs: list[Doc], name: str) -> Doc:
    spec: Doc = find(docs, "NetworkPolicy", name)["spec"]
    return spec


def egress_ports(spec: Doc) -> set[int]:
    return {p["port"] for rule in spec.get("egress") or [] for p in rule.get("ports") or []}


def test_network_policies_deny_by_default_and_open_only_what_each_part_needs(base: list[Doc]) -> None:
    deny = policy(base, "debugbot-default-deny")
    assert deny["podSelector"] == {} and set(deny["policyTypes"]) == {"Ingress", "Egress"}
    assert "ingress" not in deny and "egress" not in deny
    bot = policy(base, "debugbot-bot")
    assert [p["port"] for rule in bot["ingress"] for p in rule["ports"]] == [3000]
    assert egress_ports(bot) == {53, 6379, 443}
    worker = policy(base, "debugbot-worker")
    assert [p["port"] for rule in worker["ingress"] for p in rule["ports"]] == [9102]  # /metrics only
    assert {53, 6379, 443, 6443, 9090} <= egress_ports(worker)
    red = policy(base, "debugbot-redis")
    assert [p["port"] for rule in red["ingress"] for p in rule["ports"]] == [6379]
    assert red["ingress"][0]["from"] == [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "debugbot"}}}]
    assert red["egress"] == []


def test_network_policies_select_the_pods_they_are_written_for(base: list[Doc]) -> None:
    for name, workload in (("debugbot-bot", "debugbot-bot"), ("debugbot-worker", "debugbot-worker")):
        labels = find(base, "Deployment", workload)["spec"]["template"]["metadata"]["labels"]
        assert policy(base, name)["podSelector"]["matchLabels"].items() <= labels.items()
    redis_labels = find(base, "StatefulSet", "debugbot-redis")["spec"]["template"]["metadata"]["labels"]
    assert policy(base, "debugbot-redis")["podSelector"]["matchLabels"].items() <= redis_labels.items()


def test_config_map_holds_only_settings_and_they_load(base: list[Doc], monkeypatch: pytest.MonkeyPatch) -> None:
    data = find(base, "ConfigMap", "debugbot-config")["data"]
    known = {f"DEBUGBOT_{name.upper()}" for name in Settings.model_fields}
    assert set(data) <= known, set(data) - known
    for key, value in data.items():
        monkeypatch.setenv(key, value)
    settings = load_settings()
    assert settings.in_cluster is True and settings.queue_name == data["DEBUGBOT_QUEUE_NAME"]
    assert settings.allowed_namespaces == data["DEBUGBOT_ALLOWED_NAMESPACES"].split(",")


def test_secret_template_names_only_secret_settings_and_carries_no_value() -> None:
    (secret,) = load_docs(DEPLOY / "secret.template.yaml")
    assert secret["metadata"]["name"] == "debugbot-secrets"
    validate(secret)
    secret_fields = {f"DEBUGBOT_{n.upper()}" for n, f in Settings.model_fields.items() if "SecretStr" in str(f.annotation)}
    assert set(secret["stringData"]) <= secret_fields
    assert {"DEBUGBOT_SLACK_BOT_TOKEN", "DEBUGBOT_SLACK_SIGNING_SECRET"} <= set(secret["stringData"])
    assert all(v == "" for v in secret["stringData"].values())
    assert "data" not in secret


def test_keda_scaler_watches_the_redis_list_rq_fills(base: list[Doc], redis_url: str) -> None:
    (scaled, _) = load_docs(DEPLOY / "optional" / "keda-scaledobject.yaml")
    (trigger,) = scaled["spec"]["triggers"]
    config = find(base, "ConfigMap", "debugbot-config")["data"]
    assert scaled["spec"]["scaleTargetRef"]["name"] == "debugbot-worker"
    assert config["DEBUGBOT_REDIS_URL"].split("//")[1].startswith(trigger["metadata"]["address"])
    client = redis.Redis.from_url(redis_url)
    queue = Queue(config["DEBUGBOT_QUEUE_NAME"], connection=client)
    for n in range(3):
        queue.enqueue_call("workers.jobs.investigate", args=({"n": n},))
    assert client.llen(trigger["metadata"]["listName"]) == 3
    assert int(trigger["metadata"]["listLength"]) >= 1
    assert scaled["spec"]["minReplicaCount"] >= 1, "running jobs are not in the list: never scale to zero"
