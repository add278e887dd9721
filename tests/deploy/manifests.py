"""Loading the deploy/ manifests: each YAML file's documents, and what `kubectl kustomize` renders."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
Doc = dict[str, Any]


def manifest_files() -> list[Path]:
    """Every Kubernetes manifest under deploy/ (kustomization files are kustomize's, not the API's)."""
    return sorted(p for p in DEPLOY.rglob("*.yaml") if p.name != "kustomization.yaml")


def load_docs(path: Path) -> list[Doc]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d is not None]


def render(directory: Path) -> list[Doc]:
    """What `kubectl apply -k directory` would send."""
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl is not installed: run `make services` (scripts/ensure-services.sh)"
    out = subprocess.run([kubectl, "kustomize", str(directory)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return [d for d in yaml.safe_load_all(out.stdout) if d is not None]


def find(docs: list[Doc], kind: str, name: str, namespace: str | None = None) -> Doc:
    hits = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name
            and (namespace is None or d["metadata"].get("namespace") == namespace)]
    assert len(hits) == 1, f"expected one {kind} {namespace or ''}/{name}, found {len(hits)}"
    return hits[0]


def pod_spec(workload: Doc) -> Doc:
    spec: Doc = workload["spec"]["template"]["spec"]
    return spec


def rules_of_subject(docs: list[Doc], sa: str, namespace: str = "debugbot") -> list[tuple[str | None, Doc]]:
    """(namespace or None for cluster-wide, rule) for every rule bound to a ServiceAccount."""
    found: list[tuple[str | None, Doc]] = []
    for binding in (d for d in docs if d["kind"] in ("RoleBinding", "ClusterRoleBinding")):
        if not any(s.get("kind") == "ServiceAccount" and s["name"] == sa and s.get("namespace") == namespace
                   for s in binding.get("subjects") or []):
            continue
        ref = binding["roleRef"]
        scope = binding["metadata"].get("namespace") if binding["kind"] == "RoleBinding" else None
        role_ns = scope if ref["kind"] == "Role" else None
        role = find(docs, ref["kind"], ref["name"], role_ns)
        found.extend((scope, rule) for rule in role.get("rules") or [])
    return found
