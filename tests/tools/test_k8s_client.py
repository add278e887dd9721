"""The Kubernetes client from settings, and invocations a human can rerun byte for byte."""
from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import SHARED_SCENARIOS
from tests.tools.conftest import Served
from tools.context import build_context
from tools.k8s_client import Kube, encode_path
from tools.registry import call_tool
from tools.settings import Settings, SettingsError

PAYMENT = SHARED_SCENARIOS / "payment-bad-rollout.yaml"


def test_a_bad_kubeconfig_fails_at_start_naming_the_variable(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="DEBUGBOT_KUBECONFIG"):
        build_context(Settings(kubeconfig=str(tmp_path / "missing")))
    broken = tmp_path / "broken"
    broken.write_text("apiVersion: v1\nkind: Config\ncontexts: []\n")
    with pytest.raises(SettingsError, match="DEBUGBOT_KUBECONFIG"):
        build_context(Settings(kubeconfig=str(broken), kube_context="nope"))


def test_the_sandbox_kubeconfig_gives_a_working_client(serve_shared: Callable[[Path], Served]) -> None:
    s = serve_shared(PAYMENT)
    kube = s.ctx.kube()
    dep = kube.get("/apis/apps/v1/namespaces/prod/deployments/payment")
    assert dep["metadata"]["name"] == "payment"
    assert kube.calls == ["/apis/apps/v1/namespaces/prod/deployments/payment"]
    assert kube.bytes_read > 100


def test_query_strings_are_encoded_as_sent() -> None:
    assert encode_path("/api/v1/pods", {"labelSelector": "app=payment,tier in (a,b)", "previous": True,
                                        "sinceSeconds": None}) == \
        "/api/v1/pods?labelSelector=app%3Dpayment%2Ctier+in+%28a%2Cb%29&previous=true"
    assert encode_path("/api/v1/pods", {}) == "/api/v1/pods"


def test_every_invocation_reruns_to_the_same_documents(serve_shared: Callable[[Path], Served]) -> None:
    s = serve_shared(PAYMENT)
    r = call_tool("workload_status", {"kind": "Deployment", "namespace": "prod", "name": "payment"}, s.ctx)
    paths = [part.removeprefix("GET ") for part in r.invocation.split(" ; ")]
    assert paths[1] == "/api/v1/namespaces/prod/pods?labelSelector=app%3Dpayment"
    kube = Kube(s.ctx.k8s, 5.0)
    for path in paths:
        with urllib.request.urlopen(s.server.url + path, timeout=5) as resp:  # noqa: S310 - loopback
            assert json.loads(resp.read()) == kube.get(path)
    assert len(r.data["pods"]) == 2
