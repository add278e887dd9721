"""Raw inventory: the cluster's objects in API form (as `kubectl get -o json`), Secrets never read.

Analyzers read objects exactly as the API serves them, so they work on a real
cluster and on the sandbox alike. Every list is one traced GET through `Kube`
(the exact paths are kept in `sources`), with errors kept as data.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kubernetes import client as k8s

from tools.errors import ToolError
from tools.k8s_client import Kube
from tools.redact import redact_obj

# kind -> (API group path, plural). Secrets are deliberately absent.
NAMESPACED: dict[str, tuple[str, str]] = {
    "Pod": ("/api/v1", "pods"), "Event": ("/api/v1", "events"), "Service": ("/api/v1", "services"),
    "Endpoints": ("/api/v1", "endpoints"), "ConfigMap": ("/api/v1", "configmaps"),
    "PersistentVolumeClaim": ("/api/v1", "persistentvolumeclaims"),
    "ResourceQuota": ("/api/v1", "resourcequotas"), "LimitRange": ("/api/v1", "limitranges"),
    "Deployment": ("/apis/apps/v1", "deployments"), "ReplicaSet": ("/apis/apps/v1", "replicasets"),
    "StatefulSet": ("/apis/apps/v1", "statefulsets"), "DaemonSet": ("/apis/apps/v1", "daemonsets"),
    "Job": ("/apis/batch/v1", "jobs"), "CronJob": ("/apis/batch/v1", "cronjobs"),
    "HorizontalPodAutoscaler": ("/apis/autoscaling/v2", "horizontalpodautoscalers"),
    "NetworkPolicy": ("/apis/networking.k8s.io/v1", "networkpolicies"),
    "Ingress": ("/apis/networking.k8s.io/v1", "ingresses"),
}
CLUSTER: dict[str, tuple[str, str]] = {
    "Node": ("/api/v1", "nodes"), "PersistentVolume": ("/api/v1", "persistentvolumes"),
    "StorageClass": ("/apis/storage.k8s.io/v1", "storageclasses"),
}


@dataclass
class Inventory:
    """Objects by kind, in API form, redacted; `sources` are the exact API paths read."""

    objects: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def of(self, kind: str, namespace: str | None = None) -> list[dict[str, Any]]:
        items = self.objects.get(kind, [])
        if namespace is None:
            return items
        return [o for o in items if o.get("metadata", {}).get("namespace") == namespace]

    def get(self, kind: str, namespace: str | None, name: str) -> dict[str, Any] | None:
        for obj in self.of(kind, namespace):
            if obj.get("metadata", {}).get("name") == name:
                return obj
        return None


def _list(kube: Kube, inv: Inventory, kind: str, path: str) -> None:
    try:
        items = kube.items(path)
    except ToolError as exc:
        inv.errors.append(f"{kind}: {exc}")
        return
    for item in items:
        item.setdefault("kind", kind)
        if kind != "ConfigMap":  # who changed which key when: kept only where analyzers read it
            item.get("metadata", {}).pop("managedFields", None)
    inv.objects.setdefault(kind, []).extend(redact_obj(items))


def fetch_inventory(api: k8s.ApiClient, *, namespaces: list[str] | None = None,
                    timeout_s: float = 10.0) -> Inventory:
    """List every kind analyzers use in `namespaces` (None: all namespaces)."""
    inv = Inventory()
    kube = Kube(api, timeout_s)
    for kind, (group, plural) in NAMESPACED.items():
        for ns in namespaces or [None]:
            _list(kube, inv, kind, f"{group}/namespaces/{ns}/{plural}" if ns else f"{group}/{plural}")
    for kind, (group, plural) in CLUSTER.items():
        _list(kube, inv, kind, f"{group}/{plural}")
    inv.sources = [f"GET {c}" for c in kube.calls]
    return inv
