"""Sandbox fixtures: running servers, official clients bound to them, kubectl, tiny scenarios."""
from __future__ import annotations

import copy
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from kubernetes import client, config

from sandbox.server import SandboxServer
from tests.conftest import SHARED_SCENARIOS

PAYMENT = SHARED_SCENARIOS / "payment-bad-rollout.yaml"
NOW = "2026-11-24T14:32:00Z"


@pytest.fixture()
def serve() -> Iterator[Callable[..., SandboxServer]]:
    """Start a SandboxServer for a scenario; every one started is stopped after the test."""
    started: list[SandboxServer] = []

    def start(scenario: Any, **kwargs: Any) -> SandboxServer:
        server = SandboxServer(scenario, **kwargs).start()
        started.append(server)
        return server
    yield start
    for server in started:
        server.stop()


def api_client(server: SandboxServer, tmp_path: Path) -> client.ApiClient:
    """The official client, configured by the official kubeconfig loader from the sandbox's file."""
    path = server.write_kubeconfig(tmp_path / f"kubeconfig-{server.port}")
    return config.new_client_from_config(config_file=str(path))


@pytest.fixture()
def payment(serve: Callable[..., SandboxServer]) -> SandboxServer:
    return serve(PAYMENT)


@pytest.fixture()
def payment_client(payment: SandboxServer, tmp_path: Path) -> client.ApiClient:
    return api_client(payment, tmp_path)


class Kubectl:
    """The real kubectl against one sandbox, with its own discovery cache."""

    def __init__(self, kubeconfig: Path, cache: Path) -> None:
        self.kubeconfig, self.cache = kubeconfig, cache

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = ["kubectl", "--kubeconfig", str(self.kubeconfig), "--cache-dir", str(self.cache), *args]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        if check and proc.returncode != 0:
            raise AssertionError(f"{' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
        return proc

    def __call__(self, *args: str) -> str:
        return self.run(*args).stdout


@pytest.fixture()
def kubectl_for(tmp_path: Path) -> Callable[[SandboxServer], Kubectl]:
    def make(server: SandboxServer) -> Kubectl:
        return Kubectl(server.write_kubeconfig(tmp_path / f"kc-{server.port}"), tmp_path / f"cache-{server.port}")
    return make


def pod(name: str, *, containers: list[str], namespace: str = "lab", status: dict[str, Any] | None = None,
        init: list[str] | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"nodeName": "node-1", "containers": [{"name": c, "image": f"example/{c}:1"} for c in containers]}
    if init:
        spec["initContainers"] = [{"name": c, "image": f"example/{c}:1"} for c in init]
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": namespace, "creationTimestamp": "2026-11-24T14:00:00Z",
                         "labels": {"app": name.split("-")[0]}},
            "spec": spec, "status": status or {"phase": "Running", "startTime": "2026-11-24T14:00:00Z"}}


def running(name: str, started: str = "2026-11-24T14:00:01Z", **extra: Any) -> dict[str, Any]:
    return {"name": name, "image": f"example/{name}:1", "imageID": "", "ready": True, "restartCount": 0,
            "state": {"running": {"startedAt": started}}, **extra}


def write_scenario(tmp_path: Path, scenario_id: str, *, objects: list[dict[str, Any]],
                   logs: list[dict[str, Any]] | None = None, **top: Any) -> Path:
    """A small valid scenario file (one node plus `objects`), for cases the examples lack."""
    node = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-1", "creationTimestamp": "2026-10-01T00:00:00Z"},
            "status": {"conditions": [{"type": "Ready", "status": "True"}]}}
    doc = {"format": 1, "id": scenario_id, "title": "a test scenario", "now": NOW,
           "trigger": {"command": "something is wrong"},
           "cluster": {"objects": [node, *copy.deepcopy(objects)], "logs": logs or []},
           "truth": {"category": "no_fault", "resource": None, "evidence": ["nothing"],
                     "remediation": {"accepted": [{"action": "recommend_only"}]}}, **top}
    path = tmp_path / f"{scenario_id}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path
