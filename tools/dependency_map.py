"""Which Services and outside hosts a pod template depends on: hosts in env, args and ConfigMaps, and
protocol hints in env names (DATABASE_URL, AMQP_URL...) matched to the ports Services expose."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

Obj = dict[str, Any]

# protocol words (in env names or values) -> the ports their servers listen on
PROTOCOL_PORTS: dict[str, tuple[int, ...]] = {
    "redis": (6379,), "postgres": (5432,), "postgresql": (5432,), "pg": (5432,), "database": (5432, 3306),
    "db": (5432, 3306), "mysql": (3306,), "mariadb": (3306,), "amqp": (5672,), "rabbitmq": (5672,),
    "rabbit": (5672,), "kafka": (9092,), "mongo": (27017,), "mongodb": (27017,), "memcached": (11211,),
    "elasticsearch": (9200,), "opensearch": (9200,), "nats": (4222,), "zookeeper": (2181,),
    "cassandra": (9042,), "clickhouse": (9000, 8123),
}
_HOST = re.compile(r"(?:^|[/@\s,=;\"'(])([a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*)(?::(\d{2,5}))?(?=$|[/\s,;?\"')])", re.I)
_BUCKETS = ("gs", "s3", "s3a", "abfs", "abfss", "wasbs", "az")  # object-store URLs name a bucket, not a host
_URL = re.compile(r"\b([a-z][a-z0-9+.-]*)://(?:[^@/\s]+@)?([a-z0-9][a-z0-9.-]*[a-z0-9])", re.I)


@dataclass
class Dependency:
    """One thing the workload calls: an in-cluster Service, or an outside host."""

    link: str  # how we know: "named in env X", "AMQP_URL -> port 5672"
    service: Obj | None = None
    host: str | None = None  # the external host (ExternalName target or a URL outside the cluster)
    names: list[str] = field(default_factory=list)  # strings that identify it in log lines

    @property
    def key(self) -> tuple[str, str]:
        if self.service is not None:
            m = self.service.get("metadata") or {}
            return str(m.get("namespace")), str(m.get("name"))
        return "", str(self.host)


def pod_spec_of(workload: Obj) -> Obj:
    """The pod template's spec of a Deployment/StatefulSet/DaemonSet/Job/CronJob (or a Pod's own spec)."""
    spec = workload.get("spec") or {}
    if workload.get("kind") == "Pod":
        return spec
    if workload.get("kind") == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    return ((spec.get("template") or {}).get("spec")) or {}


def _texts(spec: Obj, configmaps: list[Obj]) -> list[tuple[str, str]]:
    """(where, text) for every env value, command and arg, and the data of ConfigMaps the pods read."""
    out: list[tuple[str, str]] = []
    used: set[str] = set()
    for c in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        out += [(f"env {e.get('name')}", str(e["value"])) for e in c.get("env") or [] if e.get("value")]
        out += [("command", " ".join(map(str, (c.get("command") or []) + (c.get("args") or []))))]
        used |= {str((e.get("configMapRef") or {}).get("name")) for e in c.get("envFrom") or []}
        used |= {str(((e.get("valueFrom") or {}).get("configMapKeyRef") or {}).get("name"))
                 for e in c.get("env") or []}
    used |= {str((v.get("configMap") or {}).get("name")) for v in spec.get("volumes") or []}
    for cm in configmaps:
        name = (cm.get("metadata") or {}).get("name")
        if name in used:
            out += [(f"ConfigMap {name} key {k}", str(v)) for k, v in (cm.get("data") or {}).items()]
    return out


def _env_words(spec: Obj) -> list[tuple[str, str]]:
    """(env name, protocol word) for env names such as DATABASE_URL or AMQP_URL (values may be Secrets)."""
    out = []
    for c in spec.get("containers") or []:
        for e in c.get("env") or []:
            for word in re.split(r"[_\W]+", str(e.get("name", "")).lower()):
                if word in PROTOCOL_PORTS:
                    out.append((str(e.get("name")), word))
    return out


def _service_for_host(host: str, namespace: str, services: list[Obj]) -> Obj | None:
    parts = host.lower().split(".")
    name = parts[0]
    ns = parts[1] if len(parts) > 1 else namespace
    if len(parts) > 2 and parts[2] != "svc":
        return None
    if len(parts) == 2 and not any((s.get("metadata") or {}).get("namespace") == ns for s in services):
        return None
    for s in services:
        m = s.get("metadata") or {}
        if m.get("name") == name and m.get("namespace") == ns:
            return s
    return None


def _exposes(service: Obj, ports: tuple[int, ...], word: str) -> bool:
    for p in (service.get("spec") or {}).get("ports") or []:
        if p.get("port") in ports or p.get("targetPort") in ports or word in str(p.get("name", "")).lower():
            return True
    return False


def _selects(service: Obj, spec_labels: dict[str, str]) -> bool:
    sel = (service.get("spec") or {}).get("selector") or {}
    return bool(sel) and all(spec_labels.get(k) == v for k, v in sel.items())


def service_names(service: Obj) -> list[str]:
    m = service.get("metadata") or {}
    name, ns = str(m.get("name")), str(m.get("namespace"))
    out = [f"{name}.{ns}.svc", f"{name}.{ns}", name]
    ext = (service.get("spec") or {}).get("externalName")
    return ([str(ext)] if ext else []) + out


def dependencies(workload: Obj, *, services: list[Obj], configmaps: list[Obj]) -> list[Dependency]:
    """The workload's dependencies, named ones first, then Services matched by protocol."""
    ns = str((workload.get("metadata") or {}).get("namespace"))
    spec = pod_spec_of(workload)
    labels = ((workload.get("spec") or {}).get("template") or {}).get("metadata", {}).get("labels") or {}
    found: dict[tuple[str, str], Dependency] = {}

    def add(dep: Dependency) -> None:
        if dep.service is not None and _selects(dep.service, labels):
            return  # its own Service
        found.setdefault(dep.key, dep)

    for where, text in _texts(spec, configmaps):
        for m in _HOST.finditer(text):
            if "." not in m.group(1) and not m.group(2) and m.group(1) != text.strip():
                continue  # a bare word names a Service only with a port or as the whole value
            svc = _service_for_host(m.group(1), ns, services)
            if svc is not None:
                add(Dependency(f"named in {where}", service=svc, names=service_names(svc)))
        for m in _URL.finditer(text):
            host = m.group(2).lower()
            if ("." in host or m.group(1).lower() in _BUCKETS) and ".svc" not in host and _service_for_host(host, ns, services) is None:
                add(Dependency(f"{m.group(1)}:// URL in {where}", host=host, names=[host]))
    for env, word in _env_words(spec):
        for svc in services:
            if (svc.get("metadata") or {}).get("namespace") == ns and _exposes(svc, PROTOCOL_PORTS[word], word):
                add(Dependency(f"{env} ({word}) matches a port of the Service", service=svc,
                               names=service_names(svc)))
    for dep in found.values():
        ext = ((dep.service or {}).get("spec") or {}).get("externalName")
        if ext:
            dep.host = str(ext)
    return list(found.values())
