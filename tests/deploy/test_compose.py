"""docker-compose.yml: valid Compose, Redis with persistence, a bot, scalable workers, a sandbox profile, documented env."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.conftest import ROOT
from tests.deploy.compose import raw, services
from tests.deploy.manifests import DEPLOY, find, load_docs, pod_spec
from tools.settings import Settings, load_settings

SCHEMA = json.loads((Path(__file__).parent / "compose_schema" / "compose-spec.json").read_text())
DEBUGBOT_SERVICES = ("bot", "worker", "sandbox", "bot-sandbox", "worker-sandbox")
ENV_EXAMPLE = ROOT / ".env.example"


def schema_errors(doc: object) -> list[str]:
    validator = jsonschema.Draft7Validator(SCHEMA)  # its $schema URI is a draft one jsonschema does not know
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]


def test_compose_file_validates_against_the_compose_spec_schema() -> None:
    assert schema_errors(raw()) == []


def test_schema_check_catches_a_misspelt_key() -> None:
    broken = raw()
    broken["services"]["worker"]["helthcheck"] = broken["services"]["worker"].pop("healthcheck")
    assert any("helthcheck" in e for e in schema_errors(broken))


def test_redis_keeps_its_data_in_an_append_only_volume() -> None:
    redis = services()["redis"]
    assert redis["image"] == "redis:7-alpine"
    assert redis["command"][redis["command"].index("--appendonly") + 1] == "yes"
    volume = redis["volumes"][0].split(":")
    assert volume[1] == "/data" and volume[0] in raw()["volumes"]
    assert redis["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]


def test_bot_serves_on_3000_once_redis_is_healthy() -> None:
    bot = services()["bot"]
    assert bot["command"] == ["serve"]
    assert bot["ports"] == ["3000:3000"]
    assert bot["environment"]["DEBUGBOT_HTTP_PORT"] == "3000"
    assert bot["depends_on"]["redis"]["condition"] == "service_healthy"


def test_workers_scale_no_fixed_name_no_host_port_and_a_health_check() -> None:
    worker = services()["worker"]
    assert worker["command"] == ["worker"]
    assert "container_name" not in worker and "ports" not in worker and "hostname" not in worker
    assert worker["healthcheck"]["test"][:3] == ["CMD", "python", "-c"]
    assert worker["environment"]["DEBUGBOT_REDIS_URL"].startswith("redis://redis:6379/")
    assert worker["stop_grace_period"]


def test_compose_and_kubernetes_check_a_worker_the_same_way() -> None:
    compose_check = services()["worker"]["healthcheck"]["test"][1:]
    worker = next(d for d in load_docs(DEPLOY / "base" / "worker.yaml") if d["kind"] == "Deployment")
    (container,) = pod_spec(worker)["containers"]
    assert container["livenessProbe"]["exec"]["command"] == compose_check


def test_every_debugbot_service_uses_the_one_image_the_env_file_and_a_read_only_root() -> None:
    found = services()
    images = {found[name]["image"] for name in DEBUGBOT_SERVICES}
    assert len(images) == 1
    for name in DEBUGBOT_SERVICES:
        svc = found[name]
        assert svc["env_file"] == ".env" and svc["build"] == "."
        assert svc["read_only"] is True and "/tmp" in svc["tmpfs"] and svc["cap_drop"] == ["ALL"]
        assert "container_name" not in svc


def test_sandbox_profile_serves_the_payment_scenario_to_a_bot_and_workers_beside_it() -> None:
    found = services()
    sandbox = found["sandbox"]
    assert sandbox["profiles"] == ["sandbox"]
    assert sandbox["command"] == ["sim", "/scenarios/payment-bad-rollout.yaml", "--port", "8001",
                                  "--kubeconfig", "/shared/kubeconfig"]
    for name in ("bot-sandbox", "worker-sandbox"):
        svc = found[name]
        assert svc["profiles"] == ["sandbox"]
        assert svc["network_mode"] == "service:sandbox", "`debugbot sim` listens on 127.0.0.1 only"
        env = svc["environment"]
        assert env["DEBUGBOT_KUBECONFIG"] == "/shared/kubeconfig"
        assert env["DEBUGBOT_PROMETHEUS_URL"] == "http://127.0.0.1:8001/prometheus"
        assert svc["depends_on"]["sandbox"]["condition"] == "service_healthy"
        assert "ports" not in svc
    assert any(p.endswith(":3000") for p in sandbox["ports"]), "bot-sandbox's port is published by sandbox"
    for name in ("redis", "bot", "worker"):
        assert "profiles" not in found[name]
    scenario = ROOT.parent / "shared" / "scenarios" / "payment-bad-rollout.yaml"
    mount = sandbox["volumes"][0].split(":")
    assert (ROOT / mount[0]).resolve() == scenario.parent.resolve() and scenario.exists()


def test_compose_overrides_only_real_settings() -> None:
    known = {f"DEBUGBOT_{name.upper()}" for name in Settings.model_fields}
    for name in DEBUGBOT_SERVICES:
        assert set(services()[name].get("environment") or {}) <= known, name


def env_example_lines() -> tuple[dict[str, str], set[str]]:
    """(the variables set, every variable named on a `VAR=` line, commented or not)."""
    active: dict[str, str] = {}
    named: set[str] = set()
    for line in ENV_EXAMPLE.read_text().splitlines():
        m = re.match(r"^\s*(#\s*)?(DEBUGBOT_[A-Z0-9_]+)=(.*)$", line)
        if m:
            named.add(m.group(2))
            if not m.group(1):
                active[m.group(2)] = m.group(3)
    return active, named


def test_env_example_documents_every_setting() -> None:
    _, named = env_example_lines()
    missing = {f"DEBUGBOT_{n.upper()}" for n in Settings.model_fields} - named
    assert not missing, f"add to .env.example: {sorted(missing)}"


def test_env_example_loads_as_settings_and_holds_no_real_secret(tmp_path: Path) -> None:
    active, _ = env_example_lines()
    (tmp_path / ".env").write_text(ENV_EXAMPLE.read_text())
    settings = load_settings(_env_file=str(tmp_path / ".env"))
    assert settings.slack_app_token is None, "an example must not switch Socket Mode on"
    assert settings.slack_bot_token is not None and "replace-me" in settings.slack_bot_token.get_secret_value()
    for key, value in active.items():
        if any(word in key for word in ("TOKEN", "SECRET", "KEY")):
            assert value == "" or "replace-me" in value, key


def test_compose_worker_kubeconfig_path_is_ignored_by_git_and_docker() -> None:
    worker = services()["worker"]
    (mount,) = worker["volumes"]
    assert mount["bind"]["create_host_path"] is False
    assert mount["target"] == worker["environment"]["DEBUGBOT_KUBECONFIG"]
    assert "/var/" in (ROOT / ".gitignore").read_text().split() and mount["source"].startswith("./var/")
