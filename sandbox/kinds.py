"""The built-in Kubernetes resource types the sandbox serves: group, version, plural, scope."""
from __future__ import annotations

from dataclasses import dataclass, field

ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


@dataclass(frozen=True)
class ResourceType:
    """One resource as discovery describes it (`pods` in core/v1, `deployments` in apps/v1)."""

    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool = True
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subresources: tuple[str, ...] = ()
    stored_as: str = ""  # another kind whose objects this type views (events.k8s.io Event)
    singular: str = field(default="", compare=False)

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def group_resource(self) -> str:
        """`deployments.apps`, `pods`: how the API server names it in messages."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def store_kind(self) -> str:
        return self.stored_as or self.kind


def _r(group: str, version: str, kind: str, plural: str, *, cluster: bool = False,
       short: str = "", cats: str = "", subs: str = "", stored_as: str = "") -> ResourceType:
    return ResourceType(group=group, version=version, kind=kind, plural=plural,
                        namespaced=not cluster, short_names=tuple(short.split()),
                        categories=tuple(cats.split()), subresources=tuple(subs.split()),
                        stored_as=stored_as, singular=kind.lower())


RESOURCES: tuple[ResourceType, ...] = (
    _r("", "v1", "Pod", "pods", short="po", cats="all", subs="log status"),
    _r("", "v1", "Service", "services", short="svc", cats="all", subs="status"),
    _r("", "v1", "Endpoints", "endpoints", short="ep"),
    _r("", "v1", "Event", "events", short="ev"),
    _r("", "v1", "ConfigMap", "configmaps", short="cm"),
    _r("", "v1", "Secret", "secrets"),
    _r("", "v1", "Node", "nodes", cluster=True, short="no", subs="status"),
    _r("", "v1", "Namespace", "namespaces", cluster=True, short="ns", subs="status"),
    _r("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", short="pvc", subs="status"),
    _r("", "v1", "PersistentVolume", "persistentvolumes", cluster=True, short="pv", subs="status"),
    _r("", "v1", "ResourceQuota", "resourcequotas", short="quota", subs="status"),
    _r("", "v1", "LimitRange", "limitranges", short="limits"),
    _r("", "v1", "ServiceAccount", "serviceaccounts", short="sa"),
    _r("", "v1", "ReplicationController", "replicationcontrollers", short="rc", cats="all",
       subs="scale status"),
    _r("", "v1", "PodTemplate", "podtemplates"),
    _r("apps", "v1", "Deployment", "deployments", short="deploy", cats="all", subs="scale status"),
    _r("apps", "v1", "ReplicaSet", "replicasets", short="rs", cats="all", subs="scale status"),
    _r("apps", "v1", "StatefulSet", "statefulsets", short="sts", cats="all", subs="scale status"),
    _r("apps", "v1", "DaemonSet", "daemonsets", short="ds", cats="all", subs="status"),
    _r("apps", "v1", "ControllerRevision", "controllerrevisions"),
    _r("batch", "v1", "Job", "jobs", cats="all", subs="status"),
    _r("batch", "v1", "CronJob", "cronjobs", short="cj", cats="all", subs="status"),
    _r("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", short="hpa",
       cats="all", subs="status"),
    _r("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", short="netpol"),
    _r("networking.k8s.io", "v1", "Ingress", "ingresses", short="ing", subs="status"),
    _r("networking.k8s.io", "v1", "IngressClass", "ingressclasses", cluster=True),
    _r("storage.k8s.io", "v1", "StorageClass", "storageclasses", cluster=True, short="sc"),
    _r("storage.k8s.io", "v1", "CSIDriver", "csidrivers", cluster=True),
    _r("storage.k8s.io", "v1", "CSINode", "csinodes", cluster=True),
    _r("storage.k8s.io", "v1", "VolumeAttachment", "volumeattachments", cluster=True),
    _r("rbac.authorization.k8s.io", "v1", "Role", "roles"),
    _r("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings"),
    _r("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", cluster=True),
    _r("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", cluster=True),
    _r("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", short="pdb", subs="status"),
    _r("events.k8s.io", "v1", "Event", "events", short="ev", stored_as="Event"),
    _r("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices"),
    _r("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", cluster=True, short="pc"),
    _r("coordination.k8s.io", "v1", "Lease", "leases"),
    _r("node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", cluster=True),
    _r("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions",
       cluster=True, short="crd crds", subs="status"),
    _r("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration",
       "validatingwebhookconfigurations", cluster=True),
    _r("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration",
       "mutatingwebhookconfigurations", cluster=True),
)

_BY_PATH = {(r.group, r.version, r.plural): r for r in RESOURCES}
_BY_KIND = {r.kind: r for r in RESOURCES if not r.stored_as}
_BY_API = {(r.api_version, r.kind): r for r in RESOURCES}


def by_path(group: str, version: str, plural: str) -> ResourceType | None:
    return _BY_PATH.get((group, version, plural))


def by_kind(kind: str) -> ResourceType | None:
    """The type that stores objects of this kind (core Event for both Event APIs)."""
    return _BY_KIND.get(kind)


def by_api_version(api_version: str, kind: str) -> ResourceType | None:
    return _BY_API.get((api_version, kind))


def group_versions() -> list[tuple[str, str]]:
    """Every (group, version) served, core first, in a stable order."""
    seen: list[tuple[str, str]] = []
    for r in RESOURCES:
        if (r.group, r.version) not in seen:
            seen.append((r.group, r.version))
    return seen


def is_namespaced(kind: str) -> bool:
    rt = by_kind(kind)
    return rt.namespaced if rt else True
