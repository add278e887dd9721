"""Kubernetes API access for the read tools: the ApiClient from settings, and one traced GET.

Every read goes through `Kube.get`, which builds the exact request path (with
its query string) itself, so the `invocation` a tool reports is byte for byte
what was sent, and a human can rerun it with `kubectl get --raw`. Library
errors are translated here, at entry, into the `tools.errors` tree.
"""
from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import urllib3
from kubernetes import client as k8s
from kubernetes import config as k8s_config
from kubernetes.client.exceptions import ApiException
from kubernetes.config.config_exception import ConfigException

from tools.errors import Forbidden, NotFound, ToolError, UpstreamError, UpstreamTimeout
from tools.settings import Settings, SettingsError

QueryValue = str | int | bool | None
METADATA_LIST = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"


def build_api_client(settings: Settings) -> k8s.ApiClient | None:
    """The ApiClient for settings: in-cluster, an explicit kubeconfig/context, the default kubeconfig, or None.

    An explicit but unusable kubeconfig fails at start (SettingsError naming
    the variable); no configuration at all gives None, and every Kubernetes
    tool then answers with an error saying what to set.
    """
    cfg = k8s.Configuration()
    try:
        if settings.in_cluster:
            k8s_config.load_incluster_config(client_configuration=cfg)  # type: ignore[no-untyped-call]
        elif settings.kubeconfig or settings.kube_context:
            k8s_config.load_kube_config(  # type: ignore[no-untyped-call]
                config_file=settings.kubeconfig, context=settings.kube_context,
                client_configuration=cfg, persist_config=False)
        elif os.path.exists(os.path.expanduser(k8s_config.KUBE_CONFIG_DEFAULT_LOCATION)):
            k8s_config.load_kube_config(client_configuration=cfg,  # type: ignore[no-untyped-call]
                                        persist_config=False)
        else:
            return None
    except (ConfigException, OSError, ValueError) as exc:
        var = "DEBUGBOT_IN_CLUSTER" if settings.in_cluster else "DEBUGBOT_KUBECONFIG/DEBUGBOT_KUBE_CONTEXT"
        raise SettingsError(f"{var}: cannot load Kubernetes configuration: {exc}") from exc
    # One connect retry, never a read retry: a slow API server becomes a timeout result quickly.
    cfg.retries = urllib3.Retry(total=1, connect=1, read=0, status=0, redirect=0)
    return k8s.ApiClient(cfg)


def encode_path(path: str, params: Mapping[str, QueryValue] | None = None) -> str:
    """The path with its query string, as sent (booleans as true/false, None dropped)."""
    if not params:
        return path
    pairs = [(k, str(v).lower() if isinstance(v, bool) else str(v)) for k, v in params.items() if v is not None]
    return f"{path}?{urlencode(pairs)}" if pairs else path


@dataclass
class Kube:
    """One tool call's view of the API server: GETs with a timeout, recording every path read."""

    api: k8s.ApiClient | None
    timeout_s: float
    calls: list[str] = field(default_factory=list)
    bytes_read: int = 0

    @property
    def invocation(self) -> str:
        return " ; ".join(f"GET {c}" for c in self.calls)

    def get(self, path: str, params: Mapping[str, QueryValue] | None = None) -> dict[str, Any]:
        """GET a JSON document (an object or a list)."""
        raw = self._get_raw(encode_path(path, params), accept="application/json")
        try:
            doc = json.loads(raw)
        except ValueError as exc:
            raise UpstreamError(f"GET {path}: the API server sent something that is not JSON") from exc
        if not isinstance(doc, dict):
            raise UpstreamError(f"GET {path}: expected a JSON object")
        return doc

    def get_text(self, path: str, params: Mapping[str, QueryValue] | None = None) -> str:
        """GET a text body (pod logs)."""
        return self._get_raw(encode_path(path, params), accept="text/plain, */*").decode("utf-8", "replace")

    def items(self, path: str, params: Mapping[str, QueryValue] | None = None) -> list[dict[str, Any]]:
        items = self.get(path, params).get("items") or []
        return [i for i in items if isinstance(i, dict)]

    def metadata_items(self, path: str) -> list[dict[str, Any]]:
        """List only the objects' metadata (PartialObjectMetadataList): a Secret's values never cross the wire."""
        raw = self._get_raw(path, accept=METADATA_LIST)
        try:
            doc = json.loads(raw)
        except ValueError as exc:
            raise UpstreamError(f"GET {path}: the API server sent something that is not JSON") from exc
        if not isinstance(doc, dict) or doc.get("kind") != "PartialObjectMetadataList":
            raise UpstreamError(f"GET {path}: the API server did not answer with metadata only")
        return [{"metadata": i.get("metadata") or {}} for i in doc.get("items") or [] if isinstance(i, dict)]

    def _get_raw(self, full_path: str, *, accept: str) -> bytes:
        if self.api is None:
            raise ToolError("no Kubernetes API is configured: set DEBUGBOT_KUBECONFIG "
                            "(and DEBUGBOT_KUBE_CONTEXT) or DEBUGBOT_IN_CLUSTER=true")
        self.calls.append(full_path)
        method, url, headers, _, _ = self.api.param_serialize(
            "GET", full_path, header_params={"Accept": accept}, auth_settings=["BearerToken"])
        try:
            resp = self.api.call_api(method, url, header_params=headers,
                                     _request_timeout=(self.timeout_s, self.timeout_s))
            body: bytes = resp.read() or b""  # type: ignore[no-untyped-call]
        except ApiException as exc:
            raise _translate(full_path, exc.status or 0, exc.body or exc.reason or "") from exc
        except (urllib3.exceptions.TimeoutError, urllib3.exceptions.MaxRetryError,
                urllib3.exceptions.ProtocolError) as exc:
            raise _translate_network(full_path, exc, self.timeout_s) from exc
        self.bytes_read += len(body)
        if not 200 <= resp.status <= 299:
            raise _translate(full_path, resp.status, body.decode("utf-8", "replace"))
        return body


def _status_message(body: str | bytes) -> str:
    """The `message` of a Kubernetes Status body, or the body itself (first 300 chars)."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        doc = json.loads(text)
        if isinstance(doc, dict) and doc.get("message"):
            return str(doc["message"])
    except ValueError:
        pass
    return text.strip()[:300] or "(empty body)"


def _translate(path: str, status: int, body: str | bytes) -> UpstreamError:
    msg = _status_message(body)
    where = f"GET {path}"
    if status in (401, 403):
        return Forbidden(f"forbidden ({status}) on {where}: {msg}", status=status)
    if status == 404:
        return NotFound(f"not found (404) on {where}: {msg}", status=status)
    if status == 400:
        return UpstreamError(f"the API server refused (400) {where}: {msg}", status=status)
    if status in (408, 504):
        return UpstreamTimeout(f"timeout ({status}) on {where}: {msg}", status=status)
    return UpstreamError(f"API server error ({status}) on {where}: {msg}", status=status)


def _translate_network(path: str, exc: Exception, timeout_s: float) -> UpstreamError:
    reason = getattr(exc, "reason", None) or exc
    if isinstance(exc, urllib3.exceptions.TimeoutError) or isinstance(reason, urllib3.exceptions.TimeoutError):
        return UpstreamTimeout(f"timeout: the API server did not answer GET {path} within {timeout_s:g}s")
    return UpstreamError(f"cannot reach the API server for GET {path}: {reason}")
