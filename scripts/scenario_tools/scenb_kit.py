"""Builders for hand-designed incident scenarios: the Scenario that collects objects, logs, metrics and truth.

Each scenario script (scenb_<name>.py) describes one incident with these builders and writes
scenarios/<id>.yaml. Everything is deterministic: ids, hashes, IPs and noise derive from the
scenario id, so re-running a script reproduces its file byte for byte. Node, pod and workload
builders live in mixins (scenb_nodes, scenb_pods, scenb_workloads); metric shapes in scenb_shapes;
the writer in scenb_yaml.
"""
from __future__ import annotations

import copy
import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable

import yaml

from scenb_base import (OUT_DIR, Clock, Ids, ago, clean_num, crashloop, running, strip_notes, strip_private,  # noqa: F401
                        terminated, waiting)
from scenb_nodes import NodesMixin
from scenb_pods import PodsMixin
from scenb_shapes import (container, counter, gauge, histogram, http_probe, mutate, piecewise, res,  # noqa: F401
                          steps, template)
from scenb_workloads import WorkloadsMixin
from scenb_yaml import dump


class Scenario(NodesMixin, WorkloadsMixin, PodsMixin):
    """Collects objects, logs, metrics and truth for one incident and writes its YAML."""

    def __init__(self, sid: str, *, title: str, now: str, tags: list[str]) -> None:
        self.id = sid
        self.title = title
        self.tags = tags
        self.clock = Clock(now)
        self.ids = Ids(sid)
        self.rng = random.Random(sid)
        self.objects: list[dict] = []
        self.logs: list[dict] = []
        self.metrics: list[dict] = []
        self.traces: list[dict] = []
        self.recovery: list[dict] = []
        self.trigger: dict = {}
        self.truth: dict = {}
        self._ip_next: dict[str, int] = {}
        self.nodes: dict[str, dict] = {}
        self._index: dict[tuple, dict] = {}
        self._comments: dict[int, str] = {}

    # -- basics
    def ts(self, when: str) -> str:
        return self.clock.ts(when)

    def fmt(self, when: str | datetime, pattern: str, *, ms: int | None = None) -> str:
        """Format a time for a log line; %f becomes milliseconds (given or derived)."""
        d = self.clock.dt(when).astimezone(timezone.utc)
        if ms is None:
            ms = d.microsecond // 1000 if d.microsecond else int.from_bytes(self.ids.h("ms", d.isoformat(), pattern), "big") % 1000
        return d.strftime(pattern.replace("%f", f"{ms:03d}"))

    def ticks(self, start: str, end: str, every_s: float, *, jitter: float = 0.0) -> list[datetime]:
        a, b = self.clock.dt(start), self.clock.dt(end)
        out, t, k = [], a, 0
        while t <= b:
            j = (int.from_bytes(self.ids.h("j", start, k), "big") % 1000 / 1000 - 0.5) * jitter * every_s
            out.append(t + timedelta(seconds=j))
            k += 1
            t = a + timedelta(seconds=every_s * k)
        return out

    def add(self, obj: dict, comment: str | None = None) -> dict:
        if comment:
            self._comments[len(self.objects)] = comment
        self.objects.append(obj)
        m = obj["metadata"]
        self._index[(obj["kind"], m.get("namespace"), m["name"])] = obj
        return obj

    JITTER_KINDS = {"Node", "Service", "Endpoints", "Deployment", "StatefulSet", "DaemonSet", "ConfigMap", "Secret",
                    "HorizontalPodAutoscaler", "ResourceQuota", "LimitRange", "NetworkPolicy", "Namespace",
                    "StorageClass", "PersistentVolume", "CronJob", "ServiceAccount", "PodDisruptionBudget", "Ingress"}

    def _jitter(self, kind: str, name: str, created: str) -> datetime:
        """Old, independent objects get irregular creation times (a real cluster has no round numbers)."""
        d = self.clock.dt(created)
        if kind in self.JITTER_KINDS and isinstance(created, str) and created.startswith("-") and (self.clock.now - d).days >= 1:
            h = self.ids.h("jit", kind, name)
            d = d - timedelta(minutes=h[0] % 180, seconds=h[1] % 60)
        return d

    def get(self, kind: str, ns: str | None, name: str) -> dict:
        return self._index[(kind, ns, name)]

    def meta(self, kind: str, name: str, ns: str | None, *, created: str, labels: dict | None = None,
             annotations: dict | None = None, owner: dict | None = None, **extra: Any) -> dict:
        m: dict[str, Any] = {"name": name}
        if ns:
            m["namespace"] = ns
        m["uid"] = self.ids.uid(kind, ns, name)
        m["creationTimestamp"] = self.ts(self._jitter(kind, name, created))
        m.update(extra)
        if labels:
            m["labels"] = labels
        if annotations:
            m["annotations"] = annotations
        if owner:
            m["ownerReferences"] = [self.owner_ref(owner)]
        return m

    @staticmethod
    def owner_ref(owner: dict) -> dict:
        return {"apiVersion": owner["apiVersion"], "kind": owner["kind"], "name": owner["metadata"]["name"],
                "uid": owner["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}

    # -- trigger
    def command(self, text: str, *, channel: str, user: str) -> None:
        self.trigger = {"command": text, "channel": channel, "user": user}

    def alert(self, *, labels: dict, summary: str, description: str, starts: str,
              channel: str | None = None, extra_annotations: dict | None = None) -> None:
        ann = {"summary": summary, "description": description, **(extra_annotations or {})}
        alert = {"status": "firing", "labels": labels, "annotations": ann, "startsAt": self.ts(starts),
                 "endsAt": "0001-01-01T00:00:00Z",
                 "generatorURL": f"http://prometheus.monitoring.svc:9090/graph?g0.expr=ALERTS%7Balertname%3D%22{labels['alertname']}%22%7D",
                 "fingerprint": self.ids.hexs(16, "alert")}
        self.trigger = {"alert": alert}
        if channel:
            self.trigger["channel"] = channel

    # -- services
    def service(self, ns: str, name: str, *, selector: dict | None, ports: list[dict], created: str,
                cluster_ip: str, labels: dict | None = None, pods: Iterable[dict] = (), headless: bool = False,
                svc_type: str = "ClusterIP", annotations: dict | None = None, endpoints: bool = True,
                add: bool = True) -> tuple[dict, dict | None]:
        spec: dict[str, Any] = {"type": svc_type, "clusterIP": "None" if headless else cluster_ip,
                                "clusterIPs": ["None" if headless else cluster_ip], "ipFamilies": ["IPv4"],
                                "ipFamilyPolicy": "SingleStack", "internalTrafficPolicy": "Cluster",
                                "sessionAffinity": "None", "ports": ports}
        if selector is not None:
            spec["selector"] = selector
        svc = {"apiVersion": "v1", "kind": "Service",
               "metadata": self.meta("Service", name, ns, created=created, labels=labels or {}, annotations=annotations),
               "spec": spec, "status": {"loadBalancer": {}}}
        if add:
            self.add(svc)
        ep = None
        if endpoints:
            ep = self.endpoints(svc, pods, created=created, add=add)
        return svc, ep

    def endpoints(self, svc: dict, pods: Iterable[dict], *, created: str, add: bool = True) -> dict:
        ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
        ready, notready = [], []
        for p in pods:
            if p["status"]["phase"] != "Running" or "deletionTimestamp" in p["metadata"]:
                continue
            addr = {"ip": p["status"]["podIP"], "nodeName": p["spec"]["nodeName"],
                    "targetRef": {"kind": "Pod", "name": p["metadata"]["name"], "namespace": ns, "uid": p["metadata"]["uid"]}}
            ok = any(c["type"] == "Ready" and c["status"] == "True" for c in p["status"]["conditions"])
            (ready if ok else notready).append(addr)
        ports = []
        cont_ports = {}
        for p in pods:
            for c in p["spec"]["containers"]:
                for cp in c.get("ports", []):
                    if "name" in cp:
                        cont_ports[cp["name"]] = cp["containerPort"]
        for sp in svc["spec"]["ports"]:
            tp = sp.get("targetPort", sp["port"])
            port = cont_ports.get(tp, tp) if isinstance(tp, str) else tp
            if isinstance(port, str):
                continue
            e = {"port": port, "protocol": sp.get("protocol", "TCP")}
            if "name" in sp:
                e = {"name": sp["name"], **e}
            ports.append(e)
        subset: dict[str, Any] = {}
        if ready:
            subset["addresses"] = sorted(ready, key=lambda a: a["ip"])
        if notready:
            subset["notReadyAddresses"] = sorted(notready, key=lambda a: a["ip"])
        labels = dict(svc["metadata"].get("labels") or {})
        if svc["spec"].get("clusterIP") == "None":
            labels["service.kubernetes.io/headless"] = ""
        ep = {"apiVersion": "v1", "kind": "Endpoints",
              "metadata": self.meta("Endpoints", name, ns, created=created, labels=labels or None,
                                    annotations={"endpoints.kubernetes.io/last-change-trigger-time": self.ts("-1m")} if notready else None),
              "subsets": [dict(subset, ports=ports)] if subset else []}
        if add:
            self.add(ep)
        return ep

    # -- events
    def event(self, obj: dict, reason: str, message: str, *, first: str, last: str | None = None, count: int = 1,
              type: str = "Normal", component: str = "kubelet", host: str | None = None,
              field_path: str | None = None, add: bool = True) -> dict:
        kind = obj["kind"]
        ns = obj["metadata"].get("namespace") or "default"
        name = obj["metadata"]["name"]
        ft = self.clock.dt(first)
        nanos = int(ft.timestamp() * 1e9) + int.from_bytes(self.ids.h("ev", name, reason, first, message)[:3], "big")
        inv: dict[str, Any] = {"kind": kind, "name": name}
        if kind != "Node":
            inv = {"apiVersion": obj["apiVersion"], "kind": kind, "name": name, "namespace": ns,
                   "uid": obj["metadata"]["uid"]}
            if obj["metadata"].get("resourceVersion"):
                inv["resourceVersion"] = obj["metadata"]["resourceVersion"]
        else:
            inv["uid"] = name
        if field_path:
            inv["fieldPath"] = field_path
        if component == "kubelet" and host is None and kind == "Pod":
            host = obj["spec"].get("nodeName")
        if component == "kubelet" and host is None and kind == "Node":
            host = name
        src: dict[str, Any] = {"component": component}
        if host:
            src["host"] = host
        evname = f"{name}.{nanos:x}"
        ev = {"apiVersion": "v1", "kind": "Event",
              "metadata": {"name": evname, "namespace": ns, "uid": self.ids.uid("ev", evname),
                           "creationTimestamp": self.ts(first)},
              "involvedObject": inv, "reason": reason, "message": message, "type": type, "count": count,
              "firstTimestamp": self.ts(first), "lastTimestamp": self.ts(last or first), "source": src}
        if add:
            self.add(ev)
        return ev

    def container_events(self, pod: dict, container: str, *, at: str, pulled: str = "present",
                         pull_s: float = 1.8, size: int = 48_000_000) -> None:
        """Scheduled / Pulling / Pulled / Created / Started for one start of a container."""
        img = next(c["image"] for c in pod["spec"]["containers"] + pod["spec"].get("initContainers", [])
                   if c["name"] == container)
        fp = f"spec.containers{{{container}}}"
        if pulled == "present":
            self.event(pod, "Pulled", f"Container image \"{img}\" already present on machine", first=at, field_path=fp)
        else:
            self.event(pod, "Pulling", f"Pulling image \"{img}\"", first=at, field_path=fp)
            self.event(pod, "Pulled", f"Successfully pulled image \"{img}\" in {pull_s:.3f}s ({pull_s + 0.2:.3f}s including waiting). Image size: {size} bytes.",
                       first=self.dt_after(at, int(pull_s) + 1), field_path=fp)
        self.event(pod, "Created", f"Created container: {container}", first=self.dt_after(at, int(pull_s) + 1), field_path=fp)
        self.event(pod, "Started", f"Started container {container}", first=self.dt_after(at, int(pull_s) + 2), field_path=fp)

    # -- logs, metrics, traces
    def log(self, pod: dict | str, lines: list[str], *, ns: str | None = None, container: str | None = None,
            previous: bool = False, repeat: int | None = None, at: str | None = None, every: str | None = None) -> dict:
        if isinstance(pod, dict):
            ns, pname = pod["metadata"]["namespace"], pod["metadata"]["name"]
        else:
            pname = pod
        b: dict[str, Any] = {"namespace": ns, "pod": pname}
        if container:
            b["container"] = container
        if previous:
            b["previous"] = True
        if at:
            b["at"] = at
        if every:
            b["every"] = every
        if repeat:
            b["repeat"] = repeat
        b["lines"] = lines
        self.logs.append(b)
        return b

    def series(self, labels: dict, values: list, *, start: str, step: str, add: bool = True) -> dict:
        s = {"labels": labels, "start": start, "step": step, "values": [clean_num(v) for v in values]}
        if add:
            self.metrics.append(s)
        return s

    def noise(self, key: object, n: int) -> list[float]:
        r = random.Random(self.ids.h("noise", json.dumps(key, sort_keys=True, default=str)))
        return [r.gauss(0, 1) for _ in range(n)]

    def trace(self, trace_id: str, spans: list[dict], *, at: str, repeat: int | None = None,
              every: str | None = None) -> None:
        t: dict[str, Any] = {"trace_id": trace_id}
        if repeat:
            t["repeat"] = repeat
        if every:
            t["every"] = every
        t["at"] = at
        t["spans"] = spans
        self.traces.append(t)

    # -- generic objects and shortcuts
    def obj(self, api: str, kind: str, name: str, ns: str | None, *, created: str, labels: dict | None = None,
            annotations: dict | None = None, owner: dict | None = None, add: bool = True, comment: str | None = None,
            meta_extra: dict | None = None, **body: Any) -> dict:
        o = {"apiVersion": api, "kind": kind,
             "metadata": self.meta(kind, name, ns, created=created, labels=labels, annotations=annotations, owner=owner,
                                   **(meta_extra or {}))}
        o.update(body)
        if add:
            self.add(o, comment)
        return o

    # -- output
    def doc(self) -> dict:
        self.finish_workloads()
        d: dict[str, Any] = {"format": 1, "id": self.id, "title": self.title, "tags": self.tags,
                             "now": self.clock.now_s, "trigger": self.trigger,
                             "cluster": {"objects": [strip_private(o) for o in self.objects], "logs": self.logs}}
        if self.metrics:
            d["metrics"] = self.metrics
        if self.traces:
            d["traces"] = self.traces
        if self.recovery:
            d["recovery"] = [strip_private(r) for r in self.recovery]
        d["truth"] = self.truth
        return d

    def write(self) -> Path:
        d = self.doc()
        text = dump(d, comments={id(d["cluster"]["objects"][i]): c for i, c in self._comments.items()},
                    flow_kinds=getattr(self, "flow_kinds", None))
        back = yaml.safe_load(text)
        if strip_notes(back) != strip_notes(json.loads(json.dumps(d))):
            raise SystemExit(f"{self.id}: YAML round trip changed the data")
        path = OUT_DIR / f"{self.id}.yaml"
        path.write_text(text)
        return path
