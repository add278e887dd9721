"""The Kubernetes kinds the read tools may fetch, their REST paths and short names (Secrets are not among them)."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from tools.errors import InvalidArgs, NotAllowed


@dataclass(frozen=True)
class KindInfo:
    kind: str
    group_version: str  # "v1" (core) or "apps/v1"
    plural: str
    namespaced: bool = True

    @property
    def prefix(self) -> str:
        return "/api/v1" if self.group_version == "v1" else f"/apis/{self.group_version}"

    def path(self, namespace: str | None = None, name: str | None = None) -> str:
        """The collection (or one object's) path, namespaced when a namespace is given."""
        base = self.prefix
        if self.namespaced and namespace:
            base += f"/namespaces/{quote(namespace, safe='')}"
        base += f"/{self.plural}"
        return base + (f"/{quote(name, safe='')}" if name else "")


_KINDS: tuple[KindInfo, ...] = (
    KindInfo("Pod", "v1", "pods"),
    KindInfo("Service", "v1", "services"),
    KindInfo("Endpoints", "v1", "endpoints"),
    KindInfo("Event", "v1", "events"),
    KindInfo("ConfigMap", "v1", "configmaps"),
    KindInfo("PersistentVolumeClaim", "v1", "persistentvolumeclaims"),
    KindInfo("ResourceQuota", "v1", "resourcequotas"),
    KindInfo("LimitRange", "v1", "limitranges"),
    KindInfo("ServiceAccount", "v1", "serviceaccounts"),
    KindInfo("Node", "v1", "nodes", namespaced=False),
    KindInfo("Namespace", "v1", "namespaces", namespaced=False),
    KindInfo("PersistentVolume", "v1", "persistentvolumes", namespaced=False),
    KindInfo("Deployment", "apps/v1", "deployments"),
    KindInfo("ReplicaSet", "apps/v1", "replicasets"),
    KindInfo("StatefulSet", "apps/v1", "statefulsets"),
    KindInfo("DaemonSet", "apps/v1", "daemonsets"),
    KindInfo("Job", "batch/v1", "jobs"),
    KindInfo("CronJob", "batch/v1", "cronjobs"),
    KindInfo("HorizontalPodAutoscaler", "autoscaling/v2", "horizontalpodautoscalers"),
    KindInfo("Ingress", "networking.k8s.io/v1", "ingresses"),
    KindInfo("NetworkPolicy", "networking.k8s.io/v1", "networkpolicies"),
    KindInfo("StorageClass", "storage.k8s.io/v1", "storageclasses", namespaced=False),
    KindInfo("PodDisruptionBudget", "policy/v1", "poddisruptionbudgets"),
)

_SHORT = {
    "po": "Pod", "svc": "Service", "ep": "Endpoints", "ev": "Event", "cm": "ConfigMap",
    "pvc": "PersistentVolumeClaim", "quota": "ResourceQuota", "limits": "LimitRange",
    "sa": "ServiceAccount", "no": "Node", "ns": "Namespace", "pv": "PersistentVolume",
    "deploy": "Deployment", "rs": "ReplicaSet", "sts": "StatefulSet", "ds": "DaemonSet",
    "cj": "CronJob", "hpa": "HorizontalPodAutoscaler", "ing": "Ingress",
    "netpol": "NetworkPolicy", "sc": "StorageClass", "pdb": "PodDisruptionBudget",
}

_BY_NAME: dict[str, KindInfo] = {}
for _info in _KINDS:
    for _alias in (_info.kind, _info.plural, _info.plural.rstrip("s")):
        _BY_NAME[_alias.lower()] = _info
for _short, _kind in _SHORT.items():
    _BY_NAME[_short] = _BY_NAME[_kind.lower()]

FORBIDDEN_KINDS = frozenset({"secret", "secrets"})

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob")


def kind_info(kind: str) -> KindInfo:
    """Resolve a kind, plural or short name ("deploy", "sts", "hpa"); Secrets are refused."""
    key = kind.strip().lower()
    if key in FORBIDDEN_KINDS:
        raise NotAllowed("Secrets are never read by the investigation tools")
    try:
        return _BY_NAME[key]
    except KeyError:
        known = ", ".join(sorted(i.kind for i in _KINDS))
        raise InvalidArgs(f"unknown kind {kind!r}; known kinds: {known}") from None


def fetchable_kinds() -> list[str]:
    return [info.kind for info in _KINDS]
