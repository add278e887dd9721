"""RBAC in deploy/: a read-only investigator with no Secrets, a namespaced executor, a bot with no access."""
from __future__ import annotations

import pytest

from tests.deploy.manifests import DEPLOY, Doc, find, load_docs, pod_spec, render, rules_of_subject
from tools.k8s_kinds import kind_info
from tools.settings import DEFAULT_PATCH_ALLOWLIST

WRITE_VERBS = {"create", "update", "patch", "delete", "deletecollection", "escalate", "bind", "impersonate", "*"}
READ_VERBS = {"get", "list", "watch"}


@pytest.fixture(scope="module")
def base() -> list[Doc]:
    return render(DEPLOY)


@pytest.fixture(scope="module")
def read_only() -> list[Doc]:
    return render(DEPLOY / "overlays" / "read-only")


def grants(rules: list[Doc], group: str, resource: str, verb: str) -> bool:
    return any((group in r.get("apiGroups", []) or "*" in r.get("apiGroups", []))
               and (resource in r.get("resources", []) or "*" in r.get("resources", []))
               and (verb in r.get("verbs", []) or "*" in r.get("verbs", []))
               for r in rules)


def test_investigator_cluster_role_only_reads_and_never_secrets(base: list[Doc]) -> None:
    role = find(base, "ClusterRole", "debugbot-investigator")
    for rule in role["rules"]:
        assert set(rule["verbs"]) <= READ_VERBS, rule
        assert "secrets" not in rule["resources"] and "*" not in rule["resources"], rule
        assert "*" not in rule["apiGroups"], rule
        assert not rule.get("nonResourceURLs") and not rule.get("resourceNames"), rule


def test_investigator_can_read_every_kind_the_read_tools_fetch(base: list[Doc]) -> None:
    from tools.k8s_kinds import fetchable_kinds

    rules = find(base, "ClusterRole", "debugbot-investigator")["rules"]
    for kind in fetchable_kinds():
        info = kind_info(kind)
        group = "" if info.group_version == "v1" else info.group_version.split("/")[0]
        for verb in ("get", "list"):
            assert grants(rules, group, info.plural, verb), f"{verb} {group}/{info.plural} ({kind})"
    assert grants(rules, "", "pods/log", "get")
    assert grants(rules, "events.k8s.io", "events", "list")


def test_investigator_identity_is_bound_to_reads_only(base: list[Doc]) -> None:
    bound = rules_of_subject(base, "debugbot-investigator")
    assert bound, "debugbot-investigator is bound to nothing"
    assert all(scope is None and set(rule["verbs"]) <= READ_VERBS for scope, rule in bound)


def test_executor_role_is_namespaced_and_grants_only_what_the_actions_write(base: list[Doc]) -> None:
    role = find(base, "Role", "debugbot-executor", "default")
    granted = {(g, res, v) for r in role["rules"] for g in r["apiGroups"] for res in r["resources"] for v in r["verbs"]}
    writes = {(g, res, v) for g, res, v in granted if v in WRITE_VERBS}
    assert writes == {
        ("apps", "deployments", "patch"), ("apps", "statefulsets", "patch"), ("apps", "daemonsets", "patch"),
        ("apps", "deployments/scale", "patch"), ("apps", "statefulsets/scale", "patch"),
        ("", "pods", "delete"),
        ("", "services", "patch"), ("", "persistentvolumeclaims", "patch"), ("", "configmaps", "patch"),
        ("autoscaling", "horizontalpodautoscalers", "patch"),
    }
    assert {v for _, _, v in granted} <= {"get", "patch", "delete"}
    assert not any("secrets" in r["resources"] or "*" in r["resources"] for r in role["rules"])
    assert not [d for d in base if d["kind"] == "ClusterRole" and any(
        set(r["verbs"]) & WRITE_VERBS for r in d["rules"])], "a cluster-wide role writes"


def test_executor_role_covers_every_kind_of_the_default_patch_allowlist(base: list[Doc]) -> None:
    rules = find(base, "Role", "debugbot-executor", "default")["rules"]
    for kind in sorted({entry.split(":", 1)[0] for entry in DEFAULT_PATCH_ALLOWLIST}):
        info = kind_info(kind)
        group = "" if info.group_version == "v1" else info.group_version.split("/")[0]
        assert grants(rules, group, info.plural, "patch"), f"patch_resource on {kind} would get a 403"


def test_workers_run_as_the_executor_with_writes_only_in_the_allowed_namespaces(base: list[Doc]) -> None:
    worker = pod_spec(find(base, "Deployment", "debugbot-worker"))
    assert worker["serviceAccountName"] == "debugbot-executor"
    assert worker["automountServiceAccountToken"] is True
    allowed = find(base, "ConfigMap", "debugbot-config")["data"]["DEBUGBOT_ALLOWED_NAMESPACES"].split(",")
    for scope, rule in rules_of_subject(base, "debugbot-executor"):
        if set(rule["verbs"]) & WRITE_VERBS:
            assert scope in allowed, f"writes in {scope!r}, outside DEBUGBOT_ALLOWED_NAMESPACES {allowed}"
    assert {scope for scope, _ in rules_of_subject(base, "debugbot-executor")} == {None, *allowed}


def test_bot_has_no_kubernetes_access_and_no_token(base: list[Doc]) -> None:
    spec = pod_spec(find(base, "Deployment", "debugbot-bot"))
    assert spec["serviceAccountName"] == "debugbot-bot"
    assert spec["automountServiceAccountToken"] is False
    assert rules_of_subject(base, "debugbot-bot") == []


def test_read_only_overlay_leaves_the_workers_no_write_permission(read_only: list[Doc]) -> None:
    spec = pod_spec(find(read_only, "Deployment", "debugbot-worker"))
    account = spec["serviceAccountName"]
    assert account == "debugbot-investigator"
    assert all(set(rule["verbs"]) <= READ_VERBS for _, rule in rules_of_subject(read_only, account))
    assert not [d for d in read_only if d["kind"] in ("Role", "RoleBinding")]


def test_the_executor_namespace_file_applies_to_any_namespace() -> None:
    docs = load_docs(DEPLOY / "base" / "executor-namespace" / "role.yaml")
    assert {d["kind"] for d in docs} == {"Role", "RoleBinding"}
    assert all("namespace" not in d["metadata"] for d in docs), "`kubectl apply -n NS -f` needs no namespace"
    binding = next(d for d in docs if d["kind"] == "RoleBinding")
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "debugbot-executor", "namespace": "debugbot"}]
