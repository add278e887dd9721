"""Writes for the gated actions through the official client: read, list, PATCH and DELETE, dry run or real.

Every call goes through the typed API classes of `kubernetes.client` (with
`_preload_content=False`, so objects come back as the JSON the API server
sent, not as generated models) and every library error is translated here,
at entry, into the `tools.errors` tree with the verb and the target named.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import Any

import urllib3
from kubernetes import client as k8s
from kubernetes.client.exceptions import ApiException

from tools.errors import Conflict, Forbidden, InvalidArgs, NotFound, ToolError, UpstreamError, UpstreamTimeout
from tools.models import ObjectRef

Obj = dict[str, Any]


class PatchType(str, Enum):
    JSON = "application/json-patch+json"
    MERGE = "application/merge-patch+json"
    STRATEGIC = "application/strategic-merge-patch+json"


@dataclass(frozen=True)
class WriteKind:
    """A kind the actions may touch: its API class and the stem of its method names."""

    kind: str
    api: type
    stem: str  # read_<stem>, patch_<stem>, delete_<stem>, patch_<stem>_scale
    namespaced: bool = True


_KINDS = (
    WriteKind("Deployment", k8s.AppsV1Api, "namespaced_deployment"),
    WriteKind("StatefulSet", k8s.AppsV1Api, "namespaced_stateful_set"),
    WriteKind("DaemonSet", k8s.AppsV1Api, "namespaced_daemon_set"),
    WriteKind("ReplicaSet", k8s.AppsV1Api, "namespaced_replica_set"),
    WriteKind("Pod", k8s.CoreV1Api, "namespaced_pod"),
    WriteKind("Service", k8s.CoreV1Api, "namespaced_service"),
    WriteKind("ConfigMap", k8s.CoreV1Api, "namespaced_config_map"),
    WriteKind("Secret", k8s.CoreV1Api, "namespaced_secret"),
    WriteKind("ServiceAccount", k8s.CoreV1Api, "namespaced_service_account"),
    WriteKind("PersistentVolumeClaim", k8s.CoreV1Api, "namespaced_persistent_volume_claim"),
    WriteKind("Node", k8s.CoreV1Api, "node", namespaced=False),
    WriteKind("HorizontalPodAutoscaler", k8s.AutoscalingV2Api, "namespaced_horizontal_pod_autoscaler"),
    WriteKind("Job", k8s.BatchV1Api, "namespaced_job"),
    WriteKind("CronJob", k8s.BatchV1Api, "namespaced_cron_job"),
    WriteKind("Ingress", k8s.NetworkingV1Api, "namespaced_ingress"),
    WriteKind("NetworkPolicy", k8s.NetworkingV1Api, "namespaced_network_policy"),
    WriteKind("PodDisruptionBudget", k8s.PolicyV1Api, "namespaced_pod_disruption_budget"),
    WriteKind("Role", k8s.RbacAuthorizationV1Api, "namespaced_role"),
    WriteKind("RoleBinding", k8s.RbacAuthorizationV1Api, "namespaced_role_binding"),
    WriteKind("ClusterRole", k8s.RbacAuthorizationV1Api, "cluster_role", namespaced=False),
    WriteKind("ClusterRoleBinding", k8s.RbacAuthorizationV1Api, "cluster_role_binding", namespaced=False),
)
_BY_NAME = {k.kind.lower(): k for k in _KINDS}


def write_kind(kind: str) -> WriteKind:
    """The kind by its name (any case); an unknown kind is refused with the list of known ones."""
    found = _BY_NAME.get(kind.strip().lower())
    if found is None:
        raise InvalidArgs(f"actions cannot touch kind {kind!r}; known kinds: "
                          + ", ".join(k.kind for k in _KINDS))
    return found


def label(ref: ObjectRef) -> str:
    return f"{ref.kind} {ref.namespace}/{ref.name}" if ref.namespace else f"{ref.kind} {ref.name}"


class Kube:
    """One ApiClient, one timeout; every method returns the JSON document the server answered."""

    def __init__(self, api: k8s.ApiClient | None, timeout_s: float) -> None:
        if api is None:
            raise ToolError("no Kubernetes API is configured: set DEBUGBOT_KUBECONFIG "
                            "(and DEBUGBOT_KUBE_CONTEXT) or DEBUGBOT_IN_CLUSTER=true")
        self.api = api
        self.timeout_s = timeout_s

    def _call(self, what: str, ref: ObjectRef, verb: str, suffix: str = "", **kwargs: Any) -> Obj:
        kind = write_kind(ref.kind)
        fn = getattr(kind.api(self.api), f"{verb}_{kind.stem}{suffix}")
        args = (ref.name, ref.namespace) if kind.namespaced else (ref.name,)
        try:
            resp = fn(*args, _preload_content=False, _request_timeout=(self.timeout_s, self.timeout_s), **kwargs)
            doc = json.loads(resp.data or b"{}")
        except ApiException as exc:
            raise translate(what, exc.status or 0, exc.body or exc.reason or "") from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise _network(what, exc, self.timeout_s) from exc
        except ValueError as exc:
            raise UpstreamError(f"{what}: the API server sent something that is not JSON") from exc
        return doc if isinstance(doc, dict) else {}

    def read(self, ref: ObjectRef) -> Obj:
        return self._call(f"reading {label(ref)}", ref, "read")

    def patch(self, ref: ObjectRef, body: Any, *, patch_type: PatchType, dry_run: bool,
              subresource: str | None = None) -> Obj:
        verb = "dry-run patching" if dry_run else "patching"
        sub = f"_{subresource}" if subresource else ""
        return self._call(f"{verb} {label(ref)}{'/' + subresource if subresource else ''}", ref, "patch", sub,
                          body=body,
                          dry_run="All" if dry_run else None, _content_type=patch_type.value)

    def delete(self, ref: ObjectRef, *, dry_run: bool, resource_version: str | None,
               uid: str | None) -> Obj:
        pre = k8s.V1Preconditions(resource_version=resource_version, uid=uid)
        verb = "dry-run deleting" if dry_run else "deleting"
        return self._call(f"{verb} {label(ref)}", ref, "delete",
                          body=k8s.V1DeleteOptions(preconditions=pre), dry_run="All" if dry_run else None)

    def list_replica_sets(self, namespace: str, label_selector: str | None) -> list[Obj]:
        what = f"listing ReplicaSets in {namespace}"
        try:
            resp: Any = k8s.AppsV1Api(self.api).list_namespaced_replica_set(
                namespace, label_selector=label_selector, _preload_content=False,
                _request_timeout=(self.timeout_s, self.timeout_s))
            items = json.loads(resp.data or b"{}").get("items") or []
        except ApiException as exc:
            raise translate(what, exc.status or 0, exc.body or exc.reason or "") from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise _network(what, exc, self.timeout_s) from exc
        return [i for i in items if isinstance(i, dict)]


def _status_message(body: str | bytes) -> str:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    try:
        doc = json.loads(text)
        if isinstance(doc, dict) and doc.get("message"):
            return str(doc["message"])
    except ValueError:
        pass
    return text.strip()[:300] or "(empty body)"


def translate(what: str, status: int, body: str | bytes) -> UpstreamError:
    """An API server answer as a typed error whose message says what to do next."""
    msg = _status_message(body)
    if status in (401, 403):
        return Forbidden(f"the API server refused {what} ({status}): {msg}; debugbot's executor role "
                         "needs that permission", status=status)
    if status == 404:
        return NotFound(f"not found (404) when {what}: {msg}; it may have been deleted or renamed",
                        status=status)
    if status == 409:
        return Conflict(f"conflict (409) when {what}: the object changed since it was read: {msg}",
                        status=status)
    if status in (408, 504):
        return UpstreamTimeout(f"timeout ({status}) when {what}: {msg}", status=status)
    if status == 422:
        return UpstreamError(f"the API server rejected the change as invalid (422) when {what}: {msg}",
                             status=status)
    return UpstreamError(f"API server error ({status}) when {what}: {msg}", status=status)


def _network(what: str, exc: Exception, timeout_s: float) -> UpstreamError:
    reason = getattr(exc, "reason", None) or exc
    timeouts = (urllib3.exceptions.TimeoutError, TimeoutError)
    if isinstance(exc, timeouts) or isinstance(reason, timeouts):
        return UpstreamTimeout(f"timeout: the API server did not answer within {timeout_s:g}s when {what}")
    return UpstreamError(f"cannot reach the API server when {what}: {reason}")
