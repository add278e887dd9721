"""Raw inventory: the cluster's objects in API form (as `kubectl get -o json`), Secrets' values never read.

Analyzers read objects exactly as the API serves them, so they work on a real
cluster and on the sandbox alike. Every list is one traced GET through `Kube`
(the exact paths are kept in `sources`), with errors kept as data.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kubernetes import client as k8s

from tools.errors import Forbidden, ToolError
from tools.k8s_client import Kube
from tools.redact import redact_obj

# kind -> (API group path, plural). Secrets are deliberately absent: only their metadata is listed.
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
# Who may do what (RBAC): read where the install may list them; a refusal is not an inventory error.
OPTIONAL: dict[str, tuple[str, str]] = {
    "Role": ("/apis/rbac.authorization.k8s.io/v1", "roles"),
    "RoleBinding": ("/apis/rbac.authorization.k8s.io/v1", "rolebindings"),
}
CLUSTER: dict[str, tuple[str, str]] = {
    "Node": ("/api/v1", "nodes"), "Namespace": ("/api/v1", "namespaces"),  # labels decide NetworkPolicies
    "PersistentVolume": ("/api/v1", "persistentvolumes"),
    "StorageClass": ("/apis/storage.k8s.io/v1", "storageclasses"),
}


@dataclass
class Inventory:
    """Objects by kind, in API form, redacted; `sources` are the exact API paths read."""

    objects: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    _by_ns: dict[tuple[str, str | None], list[dict[str, Any]]] | None = field(default=None, repr=False)
    _by_name: dict[tuple[str, str | None, str], dict[str, Any]] | None = field(default=None, repr=False)

    def _index(self) -> None:
        self._by_ns, self._by_name = {}, {}
        for kind, items in self.objects.items():
            for o in items:
                meta = o.get("metadata", {})
                self._by_ns.setdefault((kind, meta.get("namespace")), []).append(o)
                self._by_name[(kind, meta.get("namespace"), meta.get("name", ""))] = o

    def of(self, kind: str, namespace: str | None = None) -> list[dict[str, Any]]:
        if namespace is None:
            return self.objects.get(kind, [])
        if self._by_ns is None:
            self._index()
        assert self._by_ns is not None
        return self._by_ns.get((kind, namespace), [])

    def get(self, kind: str, namespace: str | None, name: str) -> dict[str, Any] | None:
        if self._by_name is None:
            self._index()
        assert self._by_name is not None
        return self._by_name.get((kind, namespace, name))


def _list(kube: Kube, inv: Inventory, kind: str, path: str, *, optional: bool = False) -> None:
    try:
        items = kube.items(path)
    except Forbidden as exc:
        if not optional:
            inv.errors.append(f"{kind}: {exc}")
        return
    except ToolError as exc:
        inv.errors.append(f"{kind}: {exc}")
        return
    for item in items:
        item.setdefault("kind", kind)
        if kind in _WORKLOADS:  # who last wrote which spec field (a hand-run scale, a patch): top-level keys only
            meta = item.get("metadata") or {}
            meta["managedFields"] = [_spec_record(mf) for mf in meta.get("managedFields") or [] if isinstance(mf, dict)]
        elif kind != "ConfigMap":  # who changed which key when: kept only where analyzers read it
            item.get("metadata", {}).pop("managedFields", None)
        _redact_in_place(item)
    inv.objects.setdefault(kind, []).extend(items)


def _secret_metadata(kube: Kube, inv: Inventory, path: str) -> None:
    """Secrets' metadata only (when they were written, by whom): values are neither asked for nor kept.

    Needs `list secrets`, which a read-only install may not grant: a refusal is not an inventory error.
    """
    try:
        items = kube.metadata_items(path)
    except Forbidden:
        return
    except ToolError as exc:
        inv.errors.append(f"Secret: {exc}")
        return
    for item in items:
        meta = item["metadata"]
        meta["managedFields"] = [_write_record(mf) for mf in meta.get("managedFields") or [] if isinstance(mf, dict)]
        annotations = {k: v for k, v in (meta.get("annotations") or {}).items() if "last-applied" not in k}
        meta["annotations"] = redact_obj(annotations)
        inv.objects.setdefault("Secret", []).append({"kind": "Secret", "metadata": meta})


_WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet")


def _spec_record(mf: dict[str, Any]) -> dict[str, Any]:
    """Who wrote which top-level spec fields when, through which subresource; nothing below the field names."""
    spec = (mf.get("fieldsV1") or {}).get("f:spec") or {}
    return {"manager": mf.get("manager"), "operation": mf.get("operation"), "time": mf.get("time"),
            "subresource": mf.get("subresource"), "fieldsV1": {"f:spec": {k: {} for k in spec}}}


def _write_record(mf: dict[str, Any]) -> dict[str, Any]:
    """Who wrote which data keys when; the field set only ever names keys, never values."""
    keys = [k.removeprefix("f:") for part in ("f:data", "f:stringData")
            for k in ((mf.get("fieldsV1") or {}).get(part) or {})]
    return {"manager": mf.get("manager"), "operation": mf.get("operation"), "time": mf.get("time"),
            "fieldsV1": {"f:data": {f"f:{k}": {} for k in keys}} if keys else {}}


def _pod_specs(item: dict[str, Any]) -> list[dict[str, Any]]:
    spec = item.get("spec") or {}
    tmpl = spec.get("template") or ((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") or {}
    return [s for s in (spec if item.get("kind") == "Pod" else None, tmpl.get("spec")) if isinstance(s, dict)]


def _redact_in_place(item: dict[str, Any]) -> None:
    """Redact the fields that can carry credentials (env, args, annotations, data, messages).

    A deep walk of every field of 5,000 pods costs seconds; credentials live in
    these few places, and everything else (statuses, labels, specs' numbers) is
    structure. Secrets are never listed at all.
    """
    meta = item.get("metadata") or {}
    if meta.get("annotations"):
        meta["annotations"] = redact_obj(meta["annotations"])
    for key in ("data", "message", "note"):
        if key in item:
            item[key] = redact_obj(item[key])
    for spec in _pod_specs(item):
        for c in (spec.get("containers") or []) + (spec.get("initContainers") or []):
            for key in ("env", "args", "command"):
                if c.get(key):
                    c[key] = redact_obj(c[key])


def fetch_inventory(api: k8s.ApiClient, *, namespaces: list[str] | None = None,
                    timeout_s: float = 10.0) -> Inventory:
    """List every kind analyzers use in `namespaces` (None: all namespaces)."""
    inv = Inventory()
    kube = Kube(api, timeout_s)
    for kind, (group, plural) in NAMESPACED.items():
        scopes: list[str | None] = list(namespaces) if namespaces else [None]
        for ns in scopes:
            _list(kube, inv, kind, f"{group}/namespaces/{ns}/{plural}" if ns else f"{group}/{plural}")
    for kind, (group, plural) in OPTIONAL.items():
        for ns in (list(namespaces) if namespaces else [None]):
            _list(kube, inv, kind, f"{group}/namespaces/{ns}/{plural}" if ns else f"{group}/{plural}", optional=True)
    for kind, (group, plural) in CLUSTER.items():
        _list(kube, inv, kind, f"{group}/{plural}")
    for ns in (list(namespaces) if namespaces else [None]):
        _secret_metadata(kube, inv, f"/api/v1/namespaces/{ns}/secrets" if ns else "/api/v1/secrets")
    inv.sources = [f"GET {c}" for c in kube.calls]
    return inv
