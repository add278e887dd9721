"""Network detectors: cluster DNS, NetworkPolicy reachability, node network outliers (unit and through the sandbox)."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from agent import api
from agent.analyzers import network, netpol
from agent.cluster import ClusterView
from agent.state import Observation
from cli.session import sandbox_session, trigger_of
from tests.conftest import OWN_SCENARIOS
from tools.inventory import Inventory
from tools.net_dns import suspect
from tools.registry import call_tool

NOW = datetime(2026, 11, 25, 10, 30, tzinfo=UTC)


def _view(*objs: dict[str, Any]) -> ClusterView:
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for o in objs:
        by_kind.setdefault(o["kind"], []).append(o)
    return ClusterView(Inventory(objects=by_kind), now=NOW)


def _ns(name: str, **labels: str) -> dict[str, Any]:
    return {"kind": "Namespace", "metadata": {"name": name, "labels": labels}}


def _pod(ns: str, name: str, labels: dict[str, str], env: dict[str, str] | None = None,
         port: int = 8080) -> dict[str, Any]:
    return {"kind": "Pod", "metadata": {"namespace": ns, "name": name, "labels": labels},
            "spec": {"nodeName": "n1", "containers": [{"name": "app", "env": [{"name": k, "value": v}
                                                                              for k, v in (env or {}).items()],
                                                       "ports": [{"name": "http", "containerPort": port}]}]},
            "status": {"phase": "Running", "startTime": "2026-11-01T00:00:00Z"}}


def _svc(ns: str, name: str, selector: dict[str, str], port: int = 8080) -> dict[str, Any]:
    return {"kind": "Service", "metadata": {"namespace": ns, "name": name},
            "spec": {"selector": selector, "ports": [{"port": port, "targetPort": "http", "protocol": "TCP"}]}}


def _policy(ns: str, name: str, pods: dict[str, str], peers: list[dict[str, Any]] | None,
            created: str = "2026-11-25T10:00:00Z") -> dict[str, Any]:
    spec: dict[str, Any] = {"podSelector": {"matchLabels": pods}, "policyTypes": ["Ingress"]}
    if peers is not None:
        spec["ingress"] = [{"from": peers, "ports": [{"port": 8080, "protocol": "TCP"}]}]
    return {"kind": "NetworkPolicy", "metadata": {"namespace": ns, "name": name, "creationTimestamp": created},
            "spec": spec}


def _scoring_world(*policies: dict[str, Any]) -> ClusterView:
    return _view(_ns("scoring", team="risk"), _ns("shop", tier="web"), _ns("billing", **{"scoring/client": "yes"}),
                 _pod("scoring", "scorer-1", {"app": "scorer"}), _svc("scoring", "scorer", {"app": "scorer"}),
                 _pod("shop", "cart-1", {"app": "cart"}, {"SCORER": "http://scorer.scoring.svc:8080/score"}),
                 _pod("billing", "invoice-1", {"app": "invoice"}, {"SCORER_ADDR": "scorer.scoring:8080"}),
                 *policies)


def test_a_new_policy_that_admits_only_labelled_namespaces_blocks_the_unlabelled_caller() -> None:
    view = _scoring_world(_policy("scoring", "deny-all", {}, None),
                          _policy("scoring", "allow-clients", {"app": "scorer"},
                                  [{"namespaceSelector": {"matchLabels": {"scoring/client": "yes"}}}]))
    found = netpol.policy_findings(view)
    assert [(f.resource.name if f.resource else "", f.affected.name if f.affected else "") for f in found] \
        == [("allow-clients", "cart-1")]
    assert found[0].category == "network_policy" and found[0].score >= 0.7
    assert found[0].action is not None and found[0].action.action.value == "recommend_only"
    assert any("scoring/client" in fact for fact in found[0].facts)


def test_callers_admitted_by_pod_and_namespace_selectors_raise_nothing() -> None:
    view = _scoring_world(_policy("scoring", "allow", {"app": "scorer"}, [
        {"namespaceSelector": {"matchLabels": {"tier": "web"}}, "podSelector": {"matchLabels": {"app": "cart"}}},
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "billing"}}}]))
    assert netpol.policy_findings(view) == []


def test_a_long_standing_policy_is_only_a_weak_lead() -> None:
    view = _scoring_world(_policy("scoring", "deny-all", {}, None, created="2025-01-01T00:00:00Z"))
    found = netpol.policy_findings(view)
    assert {f.affected.name for f in found if f.affected} == {"cart-1", "invoice-1"}
    assert all(f.score < 0.5 and f.resource and f.resource.name == "deny-all" for f in found)


def test_an_egress_lockdown_of_the_caller_namespace_blocks_its_calls_out() -> None:
    lockdown = {"kind": "NetworkPolicy", "metadata": {"namespace": "shop", "name": "egress-dns-only",
                                                      "creationTimestamp": "2026-11-25T09:00:00Z"},
                "spec": {"podSelector": {}, "policyTypes": ["Egress"], "egress": [
                    {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}}],
                     "ports": [{"port": 53, "protocol": "UDP"}]}]}}
    found = netpol.policy_findings(_scoring_world(lockdown))
    assert [(f.resource.name if f.resource else "", f.affected.name if f.affected else "", f.data["direction"])
            for f in found] == [("egress-dns-only", "cart-1", "Egress")]
    opened = dict(lockdown, spec=dict(lockdown["spec"], egress=[*lockdown["spec"]["egress"], {
        "to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "scoring"}}}]}]))
    assert netpol.policy_findings(_scoring_world(opened)) == []


def _obs(tool: str, data: Any, *, args: dict[str, Any] | None = None, text: str = "") -> Observation:
    return Observation(step=1, tool=tool, args=args or {}, status="ok", text=text, invocation=tool,
                       elapsed_s=0.0, data=data)


def _net(outlier_node: str, suspects: list[dict[str, Any]], metric: str = "NIC receive errors/s") -> dict[str, Any]:
    return {"outliers": [{"node": outlier_node, "metric": metric, "value": 50.0, "others": 0.0, "since": None}],
            "suspects": suspects}


FOCUS = {"workloads": [{"kind": "Deployment", "namespace": "shop", "name": "cart"}],
         "pods": [{"name": "cart-a", "node": "n1"}, {"name": "cart-b", "node": "n2"}]}


def test_a_nic_outlier_under_the_focus_blames_the_node() -> None:
    found = network.observe(FOCUS, [_obs("node_network", _net("n2", []))])
    assert [(f.category, f.resource.kind if f.resource else "", f.resource.name if f.resource else "")
            for f in found] == [("network_degradation", "Node", "n2")]
    assert found[0].score >= 0.6


def test_a_node_outlier_away_from_the_focus_is_ignored() -> None:
    assert network.observe(FOCUS, [_obs("node_network", _net("n9", []))]) == []


def test_a_traffic_shaper_living_only_on_the_sick_nodes_is_the_culprit() -> None:
    shaper = {"kind": "DaemonSet", "namespace": "chaos", "name": "shaper", "nodes": ["n2"], "hot_nodes": ["n2"],
              "all_nodes_of_workload": ["n2"], "net_admin": True, "started_at": "x", "tx_bytes_per_s": 0.0}
    everywhere = dict(shaper, name="cni", all_nodes_of_workload=["n1", "n2", "n3"])
    found = network.observe(FOCUS, [_obs("node_network", _net("n2", [everywhere, shaper]))])
    assert found[0].resource is not None and found[0].resource.name == "shaper"
    assert found[0].category == "network_degradation"


def test_a_batch_job_flooding_a_saturated_link_is_contention() -> None:
    job = {"kind": "CronJob", "namespace": "backup", "name": "mirror", "nodes": ["n2"], "hot_nodes": ["n2"],
           "net_admin": False, "started_at": "x", "tx_bytes_per_s": 1.1e9}
    net = _net("n2", [job], metric=network.SATURATED)
    found = network.observe(FOCUS, [_obs("node_network", net)])
    assert [(f.category, f.resource.name if f.resource else "") for f in found] == [("resource_contention", "mirror")]
    itself = dict(job, kind="Deployment", namespace="shop", name="cart")  # the victim is no culprit of its own load
    found = network.observe(FOCUS, [_obs("node_network", _net("n2", [itself], metric=network.SATURATED))])
    assert [(f.category, f.resource.kind if f.resource else "") for f in found] == [("network_degradation", "Node")]


def test_broken_cluster_dns_is_confirmed_only_by_lookup_errors_in_the_focus() -> None:
    dns = {"healthy": False, "ready": 0, "not_ready": 2, "crashing": [], "configmaps": [], "crash_lines": [],
           "service": {"namespace": "kube-system", "name": "kube-dns", "cluster_ip": "10.0.0.10"},
           "suspect": {"kind": "ConfigMap", "namespace": "kube-system", "name": "dns-config"}}
    quiet = _obs("pod_logs", None, args={"pod": "cart-a"}, text="GET /health 200")
    lookup = _obs("pod_logs", None, args={"pod": "cart-a"}, text="dial tcp: lookup db.shop.svc on 10.0.0.10:53: "
                                                                   "no such host")
    assert network.observe(FOCUS, [_obs("cluster_dns", dns), quiet]) == []
    found = network.observe(FOCUS, [_obs("cluster_dns", dns), lookup])
    assert [(f.category, f.resource.name if f.resource else "") for f in found] == [("dns_failure", "dns-config")]


def test_healthy_cluster_dns_raises_nothing_at_perceive() -> None:
    svc = {"kind": "Service", "metadata": {"namespace": "kube-system", "name": "kube-dns",
                                           "labels": {"k8s-app": "kube-dns"}},
           "spec": {"selector": {"k8s-app": "kube-dns"}, "ports": [{"port": 53}]}}
    ep = {"kind": "Endpoints", "metadata": {"namespace": "kube-system", "name": "kube-dns"},
          "subsets": [{"addresses": [{"ip": "10.1.0.5"}]}]}
    dns_pod = _pod("kube-system", "coredns-1", {"k8s-app": "kube-dns"})
    dns_pod["status"]["containerStatuses"] = [{"name": "app", "ready": True, "restartCount": 0,
                                               "state": {"running": {}}}]
    assert network.analyze(_view(svc, ep, dns_pod)) == []


def test_crashing_cluster_dns_blames_its_freshly_edited_configmap_for_each_workload_that_resolves_names() -> None:
    svc = {"kind": "Service", "metadata": {"namespace": "kube-system", "name": "kube-dns",
                                           "labels": {"k8s-app": "kube-dns"}},
           "spec": {"selector": {"k8s-app": "kube-dns"}, "ports": [{"port": 53}]}}
    ep = {"kind": "Endpoints", "metadata": {"namespace": "kube-system", "name": "kube-dns"},
          "subsets": [{"notReadyAddresses": [{"ip": "10.1.0.5"}]}]}
    dns_pod = _pod("kube-system", "coredns-1", {"k8s-app": "kube-dns"})
    dns_pod["spec"]["volumes"] = [{"name": "cfg", "configMap": {"name": "dns-config"}}]
    dns_pod["status"]["containerStatuses"] = [{"name": "app", "ready": False, "restartCount": 5,
                                               "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                                               "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}}}]
    cm = {"kind": "ConfigMap", "metadata": {"namespace": "kube-system", "name": "dns-config",
                                            "creationTimestamp": "2025-01-01T00:00:00Z",
                                            "managedFields": [{"manager": "kubectl-edit", "time": "2026-11-25T09:50:00Z"}]}}
    app = _pod("shop", "cart-1", {"app": "cart"}, {"DB": "postgres://orders-db.shop.svc.cluster.local:5432/orders"})
    no_names = _pod("shop", "static-1", {"app": "static"}, {"MODE": "prod"})
    found = network.analyze(_view(svc, ep, dns_pod, cm, app, no_names))
    assert {(f.category, f.resource.name if f.resource else "") for f in found} == {("dns_failure", "dns-config")}
    assert sorted(f.affected.name if f.affected else "-" for f in found) == ["-", "cart-1"]
    assert all(any(c.tool == "cluster_dns" for c in f.confirm_with) for f in found)


def test_oom_killed_dns_pods_get_more_memory_not_a_config_blame() -> None:
    health = {"healthy": False, "ready": 0, "not_ready": 2, "service": {"namespace": "kube-system", "name": "kube-dns"},
              "crashing": [{"pod": "coredns-1", "container": "coredns", "reason": "OOMKilled", "exit_code": 137,
                            "restarts": 4, "memory_limit": "170Mi"}],
              "configmaps": [{"namespace": "kube-system", "name": "coredns", "changed_at": "2025-01-01T00:00:00Z",
                              "recent": False}],
              "workload": {"kind": "Deployment", "namespace": "kube-system", "name": "coredns"}}
    blame = suspect(health, [])
    assert blame == {"kind": "Deployment", "namespace": "kube-system", "name": "coredns"}
    action = network._dns_action(blame, [], crashing=health["crashing"])
    assert action.action.value == "set_resources" and action.params["limits"] == {"memory": "340Mi"}
    fresh_edit = dict(health, crashing=[dict(health["crashing"][0], reason="Error", exit_code=1)],
                      configmaps=[dict(health["configmaps"][0], recent=True)])
    assert suspect(fresh_edit, [])["kind"] == "ConfigMap"


# -- through the sandbox ---------------------------------------------------------------------------
CASES = [
    ("prod-eu-database-unreachable-since-node-refresh", "dns_failure", "ConfigMap", "coredns"),
    ("payment-authorisations-skip-fraud-check", "network_policy", "NetworkPolicy", "allow-fraud-score-clients"),
    ("restaurant-menus-slow-since-yesterday-afternoon", "network_degradation", "DaemonSet", "gameday-agent"),
    ("tracking-events-lag-climbing", "network_degradation", "Node", "bm-k8s-10"),
    ("order-events-producer-timeouts-mid-morning", "resource_contention", "CronJob", "minio-mirror"),
    ("statement-exports-timing-out-since-early-morning", "network_policy", "NetworkPolicy", "restrict-egress"),
    ("suggest-api-lookup-timeouts-early-morning", "dns_failure", "ConfigMap", "coredns"),
]


@pytest.mark.parametrize(("scenario", "category", "kind", "name"), CASES)
def test_investigation_finds_the_network_root_cause_and_only_advises(scenario: str, category: str, kind: str,
                                                                      name: str) -> None:
    path: Path = OWN_SCENARIOS / f"{scenario}.yaml"
    with sandbox_session(path) as s:
        result = api.investigate(s.graph, incident_id=f"net-{scenario[:20]}", trigger=trigger_of(s.scenario))
    report = result.report
    assert not result.awaiting_approval
    assert (report.category, report.resource.kind if report.resource else None,
            report.resource.name if report.resource else None) == (category, kind, name)
    assert report.proposed_actions and report.proposed_actions[0].action.value == "recommend_only"


def test_cluster_dns_tool_reads_the_crash_and_the_last_config_edit_over_http() -> None:
    with sandbox_session(OWN_SCENARIOS / "prod-eu-database-unreachable-since-node-refresh.yaml") as s:
        r = call_tool("cluster_dns", {}, s.ctx)
    assert r.status.value == "ok"
    assert r.data["ready"] == 0 and r.data["suspect"]["kind"] == "ConfigMap"
    assert "forwad" in r.text and "kubectl-edit" in r.text


def test_node_network_tool_names_nodes_by_instance_ip_and_finds_the_flooding_pod() -> None:
    with sandbox_session(OWN_SCENARIOS / "order-events-producer-timeouts-mid-morning.yaml") as s:
        r = call_tool("node_network", {}, s.ctx)
    assert r.status.value == "ok"
    assert {o["node"] for o in r.data["outliers"]} == {"kafka-node-2"}
    assert r.data["suspects"][0]["name"] == "minio-mirror"


def test_reachability_tool_reads_namespace_labels_and_names_the_blocking_policy() -> None:
    with sandbox_session(OWN_SCENARIOS / "payment-authorisations-skip-fraud-check.yaml") as s:
        pod = s.server.world.list("Pod", "payment-gateway")[0]["metadata"]["name"]  # type: ignore[attr-defined]
        blocked = call_tool("network_reachability", {"namespace": "payment-gateway", "pod": pod,
                                                     "service_namespace": "antifraud", "service": "fraud-score"}, s.ctx)
        checkout = s.server.world.list("Pod", "checkout")[0]["metadata"]["name"]  # type: ignore[attr-defined]
        allowed = call_tool("network_reachability", {"namespace": "checkout", "pod": checkout,
                                                     "service_namespace": "antifraud", "service": "fraud-score"}, s.ctx)
    assert blocked.data["state"] == "denied" and blocked.data["blocking"]["name"] == "allow-fraud-score-clients"
    assert allowed.data["state"] == "allowed"


def test_node_network_tool_shows_what_a_traffic_shaper_runs_and_in_which_zone() -> None:
    with sandbox_session(OWN_SCENARIOS / "restaurant-menus-slow-since-yesterday-afternoon.yaml") as s:
        r = call_tool("node_network", {}, s.ctx)
    shaper = r.data["suspects"][0]
    assert shaper["kind"] == "DaemonSet" and shaper["net_admin"] and "netem" in shaper["runs"]
    assert set(shaper["all_nodes_of_workload"]) == {o["node"] for o in r.data["outliers"]}
    assert all(o["zone"] == "us-east-2c" for o in r.data["outliers"])
