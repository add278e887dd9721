"""Tiny builder for held-out scenario YAML files (objects, logs, metrics) with realistic defaults."""
from __future__ import annotations

import copy
import hashlib
import random
import re
from datetime import datetime, timedelta, timezone
from typing import Any

import yaml

ALPHA = "bcdfghjklmnpqrstvwxz2456789"


def _dur(spec: str) -> timedelta:
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?)([smhd])", spec)
    assert m, spec
    n = float(m.group(1))
    unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}[m.group(2)]
    return timedelta(**{unit: n})


class Scn:
    def __init__(self, sid: str, now: str, seed: int) -> None:
        self.id = sid
        self.now = datetime.fromisoformat(now.replace("Z", "+00:00"))
        self.rng = random.Random(seed)
        self.objects: list[dict[str, Any]] = []
        self.logs: list[dict[str, Any]] = []
        self.metrics: list[dict[str, Any]] = []
        self.traces: list[dict[str, Any]] = []
        self._ev = 0
        self.pod_net: Any = None  # callable(node_index, host_ip) -> pod IP for neighbours

    # ---- time and ids
    def t(self, rel: str) -> str:
        """Absolute RFC 3339 time for a relative offset like -35m, -3d, -90s, or an absolute time."""
        if "T" in rel:
            return rel
        return (self.now + _dur(rel)).strftime("%Y-%m-%dT%H:%M:%SZ")

    def uid(self) -> str:
        h = "%032x" % self.rng.getrandbits(128)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[self.rng.randrange(4)]}{h[17:20]}-{h[20:32]}"

    def hash(self, n: int = 10) -> str:
        return "".join(self.rng.choice(ALPHA) for _ in range(n))

    def hexid(self, n: int = 12) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def add(self, obj: dict[str, Any]) -> dict[str, Any]:
        self.objects.append(obj)
        return obj

    # ---- cluster objects
    def node(self, name: str, *, zone: str, ip: str, cpu: str = "8", mem_ki: int = 32475812,
             itype: str = "m6i.2xlarge", created: str = "-41d", kubelet: str = "v1.31.6",
             arch: str = "amd64", conds: dict[str, tuple[str, str, str, str]] | None = None,
             unschedulable: bool = False, extra_labels: dict[str, str] | None = None) -> dict[str, Any]:
        hb = self.t("-22s")
        born = self.t(created)
        base = {
            "MemoryPressure": ("False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", born),
            "DiskPressure": ("False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", born),
            "PIDPressure": ("False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", born),
            "Ready": ("True", "KubeletReady", "kubelet is posting ready status", born),
        }
        base.update(conds or {})
        alloc_cpu = f"{int(cpu) * 1000 - 90}m"
        labels = {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": arch,
                  "node.kubernetes.io/instance-type": itype, "topology.kubernetes.io/zone": zone,
                  "topology.kubernetes.io/region": zone[:-1]}
        labels.update(extra_labels or {})
        spec: dict[str, Any] = {"providerID": f"aws:///{zone}/i-0{self.hexid(16)}"}
        if unschedulable:
            spec["unschedulable"] = True
            spec["taints"] = [{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule", "timeAdded": self.t("-3h")}]
        ids = self.hexid(32)
        return self.add({
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "uid": self.uid(), "creationTimestamp": born, "labels": labels,
                         "annotations": {"node.alpha.kubernetes.io/ttl": "0", "volumes.kubernetes.io/controller-managed-attach-detach": "true"}},
            "spec": spec,
            "status": {
                "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
                "capacity": {"cpu": cpu, "memory": f"{mem_ki}Ki", "pods": "58", "ephemeral-storage": "104845292Ki"},
                "allocatable": {"cpu": alloc_cpu, "memory": f"{mem_ki - 1100000}Ki", "pods": "58", "ephemeral-storage": "95551679367"},
                "conditions": [{"type": k, "status": v[0], "reason": v[1], "message": v[2],
                                "lastHeartbeatTime": hb, "lastTransitionTime": self.t(v[3])} for k, v in base.items()],
                "nodeInfo": {"kubeletVersion": kubelet, "kubeProxyVersion": kubelet, "architecture": arch,
                             "operatingSystem": "linux", "osImage": "Amazon Linux 2023.6.20250115",
                             "containerRuntimeVersion": "containerd://1.7.25", "kernelVersion": "6.1.124-134.200.amzn2023.x86_64",
                             "machineID": ids, "systemUUID": f"ec2{ids[3:8]}-{ids[8:12]}-{ids[12:16]}-{ids[16:20]}-{ids[20:32]}",
                             "bootID": self.uid()},
            },
        })

    def deployment(self, ns: str, name: str, *, labels: dict[str, str], template: dict[str, Any], revision: int,
                   replicas: int, created: str, generation: int, change_cause: str,
                   status: dict[str, Any], annotations: dict[str, str] | None = None,
                   strategy: dict[str, Any] | None = None) -> dict[str, Any]:
        ann = {"deployment.kubernetes.io/revision": str(revision), "kubernetes.io/change-cause": change_cause}
        ann.update(annotations or {})
        sel = {k: v for k, v in template["metadata"]["labels"].items() if k in ("app", "app.kubernetes.io/name", "app.kubernetes.io/instance")}
        return self.add({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": ns, "uid": self.uid(), "creationTimestamp": self.t(created),
                         "generation": generation, "labels": labels, "annotations": ann},
            "spec": {"replicas": replicas, "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600,
                     "selector": {"matchLabels": sel},
                     "strategy": strategy or {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
                     "template": copy.deepcopy(template)},
            "status": {"observedGeneration": generation, **status},
        })

    def replicaset(self, dep: dict[str, Any], *, phash: str, revision: int, template: dict[str, Any], replicas: int,
                   created: str, change_cause: str, ready: int | None = None, available: int | None = None, add: bool = True) -> dict[str, Any]:
        ns = dep["metadata"]["namespace"]
        tpl = copy.deepcopy(template)
        tpl["metadata"]["labels"] = {**tpl["metadata"]["labels"], "pod-template-hash": phash}
        sel = {**dep["spec"]["selector"]["matchLabels"], "pod-template-hash": phash}
        ready = replicas if ready is None else ready
        available = ready if available is None else available
        st: dict[str, Any] = {"replicas": replicas, "fullyLabeledReplicas": replicas, "observedGeneration": 2 if replicas else 3}
        if ready:
            st["readyReplicas"] = ready
        if available:
            st["availableReplicas"] = available
        maxr = dep["spec"]["replicas"] + max(1, dep["spec"]["replicas"] // 4)
        return (self.add if add else (lambda o: o))({
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": f"{dep['metadata']['name']}-{phash}", "namespace": ns, "uid": self.uid(),
                         "creationTimestamp": self.t(created), "generation": 2 if replicas else 3,
                         "labels": tpl["metadata"]["labels"],
                         "annotations": {"deployment.kubernetes.io/revision": str(revision),
                                         "deployment.kubernetes.io/desired-replicas": str(dep["spec"]["replicas"]),
                                         "deployment.kubernetes.io/max-replicas": str(maxr),
                                         "kubernetes.io/change-cause": change_cause},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": dep["metadata"]["name"],
                                              "uid": dep["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}]},
            "spec": {"replicas": replicas, "selector": {"matchLabels": sel}, "template": tpl},
            "status": st,
        })

    def pod(self, owner: dict[str, Any], *, suffix: str | None = None, node: str | None, ip: str | None,
            created: str, statuses: list[dict[str, Any]], phase: str = "Running", ready: bool = True,
            conditions: list[dict[str, Any]] | None = None, name: str | None = None,
            host_ip: str | None = None, init_statuses: list[dict[str, Any]] | None = None,
            spec_override: dict[str, Any] | None = None, add: bool = True) -> dict[str, Any]:
        ns = owner["metadata"]["namespace"]
        tpl = owner["spec"]["template"]
        pname = name or f"{owner['metadata']['name']}-{suffix or self.hash(5)}"
        spec = copy.deepcopy(tpl["spec"])
        spec.setdefault("restartPolicy", "Always")
        spec.setdefault("terminationGracePeriodSeconds", 30)
        spec.setdefault("dnsPolicy", "ClusterFirst")
        spec.setdefault("schedulerName", "default-scheduler")
        spec.setdefault("enableServiceLinks", True)
        spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
        spec.setdefault("priority", 0)
        spec.setdefault("tolerations", [
            {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
            {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}])
        for c in spec["containers"]:
            c.setdefault("imagePullPolicy", "IfNotPresent")
            c.setdefault("terminationMessagePath", "/dev/termination-log")
            c.setdefault("terminationMessagePolicy", "File")
        if node:
            spec["nodeName"] = node
        spec.update(spec_override or {})
        c_t = self.t(created)
        if conditions is None:
            if node is None:
                conditions = [{"type": "PodScheduled", "status": "False", "lastTransitionTime": c_t,
                               "reason": "Unschedulable", "message": "pending"}]
            else:
                rt = statuses[0].get("state", {}).get("running", {}).get("startedAt", c_t)
                r = "True" if ready else "False"
                conditions = [
                    {"type": "PodReadyToStartContainers", "status": "True", "lastTransitionTime": self._plus(c_t, 2)},
                    {"type": "Initialized", "status": "True", "lastTransitionTime": self._plus(c_t, 1)},
                    {"type": "Ready", "status": r, "lastTransitionTime": self._plus(rt, 11) if ready else rt,
                     **({} if ready else {"reason": "ContainersNotReady", "message": f"containers with unready status: [{statuses[0]['name']}]"})},
                    {"type": "ContainersReady", "status": r, "lastTransitionTime": self._plus(rt, 11) if ready else rt,
                     **({} if ready else {"reason": "ContainersNotReady", "message": f"containers with unready status: [{statuses[0]['name']}]"})},
                    {"type": "PodScheduled", "status": "True", "lastTransitionTime": c_t},
                ]
        status: dict[str, Any] = {"phase": phase, "conditions": conditions, "qosClass": self._qos(spec)}
        if node:
            status.update({"hostIP": host_ip or "10.0.0.1", "hostIPs": [{"ip": host_ip or "10.0.0.1"}],
                           "podIP": ip, "podIPs": [{"ip": ip}] if ip else None, "startTime": c_t,
                           "containerStatuses": statuses})
            if init_statuses:
                status["initContainerStatuses"] = init_statuses
            if not ip:
                del status["podIP"], status["podIPs"]
        kind = owner["kind"]
        return (self.add if add else (lambda o: o))({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": pname, "namespace": ns, "uid": self.uid(), "creationTimestamp": c_t,
                         "generateName": f"{owner['metadata']['name']}-", "labels": tpl["metadata"]["labels"],
                         "ownerReferences": [{"apiVersion": owner["apiVersion"], "kind": kind, "name": owner["metadata"]["name"],
                                              "uid": owner["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}]},
            "spec": spec, "status": status,
        })

    def fresh_pods(self, rs: dict[str, Any], old: list[dict[str, Any]], *, container: str, image: str,
                   started: str = "-40s") -> list[dict[str, Any]]:
        """Pods a controller would make for `rs` after a fix, one per old pod, on the same nodes (not added)."""
        out = []
        for i, p in enumerate(old):
            ip = p["status"].get("podIP") or f"10.99.0.{10 + i}"
            parts = ip.split(".")
            ip = ".".join(parts[:3] + [str((int(parts[3]) + 100) % 250 + 2)])
            out.append(self.pod(rs, node=p["spec"].get("nodeName") or "pending", host_ip=p["status"].get("hostIP"), ip=ip,
                                created=started, add=False,
                                statuses=[self.cstatus(container, image, digest=self.hexid(64),
                                                       state={"running": {"startedAt": self._plus(self.t(started), 3)}})]))
        return out

    def _plus(self, t: str, secs: int) -> str:
        d = datetime.fromisoformat(t.replace("Z", "+00:00")) + timedelta(seconds=secs)
        return d.strftime("%Y-%m-%dT%H:%M:%SZ")

    @staticmethod
    def _qos(spec: dict[str, Any]) -> str:
        c = spec["containers"][0].get("resources", {})
        if not c:
            return "BestEffort"
        if c.get("limits") and c.get("requests") == c.get("limits"):
            return "Guaranteed"
        return "Burstable"

    def cstatus(self, name: str, image: str, *, digest: str, state: dict[str, Any], ready: bool = True,
                restarts: int = 0, last: dict[str, Any] | None = None, started: bool | None = None) -> dict[str, Any]:
        st: dict[str, Any] = {"name": name, "image": image, "imageID": f"{image.rsplit(':', 1)[0]}@sha256:{digest}",
                              "containerID": f"containerd://{self.hexid(64)}", "ready": ready,
                              "started": (("running" in state) if started is None else started),
                              "restartCount": restarts, "state": state}
        if last:
            st["lastState"] = last
        else:
            st["lastState"] = {}
        if "waiting" in state and state["waiting"].get("reason") in ("ErrImagePull", "ImagePullBackOff", "ContainerCreating"):
            st["imageID"] = ""
            del st["containerID"]
        return st

    def service(self, ns: str, name: str, *, selector: dict[str, str], ports: list[dict[str, Any]],
                cluster_ip: str, labels: dict[str, str] | None = None, created: str = "-200d",
                annotations: dict[str, str] | None = None) -> dict[str, Any]:
        md: dict[str, Any] = {"name": name, "namespace": ns, "uid": self.uid(), "creationTimestamp": self.t(created),
                              "labels": labels or {"app": name}}
        if annotations:
            md["annotations"] = annotations
        return self.add({"apiVersion": "v1", "kind": "Service", "metadata": md,
                         "spec": {"type": "ClusterIP", "clusterIP": cluster_ip, "clusterIPs": [cluster_ip],
                                  "internalTrafficPolicy": "Cluster", "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                                  "sessionAffinity": "None", "selector": selector, "ports": ports},
                         "status": {"loadBalancer": {}}})

    def endpoints(self, ns: str, name: str, *, ready: list[dict[str, Any]], not_ready: list[dict[str, Any]] | None = None,
                  ports: list[dict[str, Any]], labels: dict[str, str] | None = None) -> dict[str, Any]:
        """ready / not_ready: list of pod objects."""
        def addr(p: dict[str, Any]) -> dict[str, Any]:
            return {"ip": p["status"]["podIP"], "nodeName": p["spec"]["nodeName"],
                    "targetRef": {"kind": "Pod", "name": p["metadata"]["name"], "namespace": ns, "uid": p["metadata"]["uid"]}}
        subset: dict[str, Any] = {"ports": ports}
        if ready:
            subset["addresses"] = [addr(p) for p in ready]
        if not_ready:
            subset["notReadyAddresses"] = [addr(p) for p in not_ready]
        subsets = [subset] if (ready or not_ready) else []
        obj: dict[str, Any] = {"apiVersion": "v1", "kind": "Endpoints",
                               "metadata": {"name": name, "namespace": ns, "uid": self.uid(), "creationTimestamp": self.t("-200d"),
                                            "labels": labels or {"app": name}}}
        if subsets:
            obj["subsets"] = subsets
        return self.add(obj)

    def event(self, obj: dict[str, Any], *, reason: str, message: str, first: str, last: str | None = None,
              count: int = 1, etype: str = "Normal", component: str = "kubelet", host: str | None = None,
              field_path: str | None = None) -> dict[str, Any]:
        md = obj["metadata"]
        ns = md.get("namespace", "default")
        inv: dict[str, Any] = {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": md["name"], "uid": md["uid"]}
        if md.get("namespace"):
            inv["namespace"] = ns
        if field_path:
            inv["fieldPath"] = field_path
        src: dict[str, Any] = {"component": component}
        if host:
            src["host"] = host
        ft, lt = self.t(first), self.t(last or first)
        return self.add({
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": f"{md['name']}.{self.hexid(16)}", "namespace": ns, "uid": self.uid(), "creationTimestamp": ft},
            "involvedObject": inv, "reason": reason, "message": message, "type": etype, "count": count,
            "firstTimestamp": ft, "lastTimestamp": lt, "source": src, "reportingComponent": component,
            "reportingInstance": host or "",
        })

    # ---- logs and metrics
    def log(self, ns: str, pod: dict[str, Any] | str, lines: list[str], *, previous: bool = False,
            container: str | None = None, repeat: int | None = None, at: str | None = None,
            every: str | None = None) -> None:
        b: dict[str, Any] = {"namespace": ns, "pod": pod if isinstance(pod, str) else pod["metadata"]["name"]}
        if container:
            b["container"] = container
        if previous:
            b["previous"] = True
        b["lines"] = lines
        if repeat:
            b["repeat"] = repeat
        if at:
            b["at"] = at
        if every:
            b["every"] = every
        self.logs.append(b)

    def metric(self, labels: dict[str, str], values: list[float | int | None], *, start: str = "-120m", step: str = "1m") -> None:
        self.metrics.append({"labels": labels, "start": start, "step": step, "values": values})

    def gauge(self, n: int, base: float, jitter: float, *, integer: bool = True) -> list[float | int]:
        out = [base + self.rng.uniform(-jitter, jitter) for _ in range(n)]
        return [int(v) for v in out] if integer else [round(v, 4) for v in out]

    def counter(self, rates: list[float], *, start: float, step_s: int = 60, jitter: float = 0.05,
                integer: bool = True) -> list[float | int]:
        """Cumulative counter from per-second rates (one per step; the first value is `start`)."""
        v = start
        out: list[float | int] = []
        for i, r in enumerate(rates):
            if i:
                v += max(0.0, r * step_s * (1 + self.rng.uniform(-jitter, jitter)))
            out.append(int(v) if integer else round(v, 3))
        return out

    def dump(self, path: str, *, title: str, tags: list[str], trigger: dict[str, Any], truth: dict[str, Any],
             recovery: list[dict[str, Any]] | None = None) -> None:
        doc: dict[str, Any] = {"format": 1, "id": self.id, "title": title, "tags": tags,
                               "now": self.now.strftime("%Y-%m-%dT%H:%M:%SZ"), "trigger": trigger,
                               "cluster": {"objects": self.objects, "logs": self.logs}}
        if self.metrics:
            doc["metrics"] = self.metrics
        if self.traces:
            doc["traces"] = self.traces
        if recovery:
            doc["recovery"] = recovery
        doc["truth"] = truth
        with open(path, "w") as f:
            yaml.dump(doc, f, Dumper=_Dumper, sort_keys=False, width=160, allow_unicode=True, default_flow_style=None)


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = all(not isinstance(x, (dict, list)) for x in data) and not any(isinstance(x, str) and len(x) > 40 for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _list)


def _str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    if len(data) > 100 and " " in data and "\n" not in data and data[0] not in "\"' " :
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=">") if False else dumper.represent_scalar("tag:yaml.org,2002:str", data)
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str)


def container(name: str, image: str, *, port: int = 8080, env: list[dict[str, Any]] | None = None,
              req: dict[str, str] | None = None, lim: dict[str, str] | None = None,
              readiness: dict[str, Any] | None = None, liveness: dict[str, Any] | None = None,
              extra_ports: list[dict[str, Any]] | None = None, **kw: Any) -> dict[str, Any]:
    c: dict[str, Any] = {"name": name, "image": image,
                         "ports": [{"name": "http", "containerPort": port, "protocol": "TCP"}] + (extra_ports or [])}
    if env:
        c["env"] = env
    res: dict[str, Any] = {}
    if req:
        res["requests"] = req
    if lim:
        res["limits"] = lim
    c["resources"] = res
    if readiness:
        c["readinessProbe"] = readiness
    if liveness:
        c["livenessProbe"] = liveness
    c.update(kw)
    return c


def http_probe(path: str, port: Any = "http", *, delay: int = 0, period: int = 10, timeout: int = 1,
               failures: int = 3) -> dict[str, Any]:
    p: dict[str, Any] = {"httpGet": {"path": path, "port": port, "scheme": "HTTP"}, "periodSeconds": period,
                         "timeoutSeconds": timeout, "failureThreshold": failures, "successThreshold": 1}
    if delay:
        p["initialDelaySeconds"] = delay
    return p


def template(labels: dict[str, str], containers: list[dict[str, Any]], **spec: Any) -> dict[str, Any]:
    return {"metadata": {"labels": labels}, "spec": {"containers": containers, **spec}}


def dep_status(S: Scn, *, replicas: int, ready: int, updated: int, rs: str, since: str, created: str,
               progressing: str = "ok", available_since: str | None = None, unavailable: int | None = None,
               total: int | None = None) -> dict[str, Any]:
    """Deployment status with the two usual conditions; progressing: ok | stuck | running."""
    st: dict[str, Any] = {"replicas": total if total is not None else replicas, "updatedReplicas": updated}
    if ready:
        st["readyReplicas"] = ready
        st["availableReplicas"] = ready
    if unavailable:
        st["unavailableReplicas"] = unavailable
    avail_ok = ready >= replicas - max(1, replicas // 4) if replicas else True
    conds = [{"type": "Available", "status": "True" if avail_ok else "False",
              "reason": "MinimumReplicasAvailable" if avail_ok else "MinimumReplicasUnavailable",
              "message": "Deployment has minimum availability." if avail_ok else "Deployment does not have minimum availability.",
              "lastUpdateTime": S.t(available_since or created), "lastTransitionTime": S.t(available_since or created)}]
    if progressing == "ok":
        conds.append({"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
                      "message": f'ReplicaSet "{rs}" has successfully progressed.', "lastUpdateTime": S.t(since), "lastTransitionTime": S.t(created)})
    elif progressing == "running":
        conds.append({"type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated",
                      "message": f'ReplicaSet "{rs}" is progressing.', "lastUpdateTime": S.t(since), "lastTransitionTime": S.t(created)})
    else:
        conds.append({"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
                      "message": f'ReplicaSet "{rs}" has timed out progressing.', "lastUpdateTime": S.t(since), "lastTransitionTime": S.t(since)})
    st["conditions"] = conds
    return st


def rollout_events(S: Scn, dep: dict[str, Any], steps: list[tuple[str, str]]) -> None:
    for t, m in steps:
        S.event(dep, reason="ScalingReplicaSet", message=m, first=t, component="deployment-controller")


def pod_start_events(S: Scn, p: dict[str, Any], *, image: str, container: str, pulled: bool = True) -> None:
    c = p["metadata"]["creationTimestamp"]
    node = p["spec"]["nodeName"]
    ns = p["metadata"]["namespace"]
    fp = f"spec.containers{{{container}}}"
    S.event(p, reason="Scheduled", message=f"Successfully assigned {ns}/{p['metadata']['name']} to {node}", first=c, component="default-scheduler")
    if pulled:
        S.event(p, reason="Pulling", message=f'Pulling image "{image}"', first=c, host=node, field_path=fp)
        S.event(p, reason="Pulled", message=f'Successfully pulled image "{image}" in 2.841s (2.841s including waiting). Image size: 48213377 bytes.', first=S._plus(c, 3), host=node, field_path=fp)
    else:
        S.event(p, reason="Pulled", message=f'Container image "{image}" already present on machine', first=c, host=node, field_path=fp)
    S.event(p, reason="Created", message=f"Created container {container}", first=S._plus(c, 3), host=node, field_path=fp)
    S.event(p, reason="Started", message=f"Started container {container}", first=S._plus(c, 4), host=node, field_path=fp)


def simple_workload(S: Scn, ns: str, name: str, *, image: str, nodes: list[tuple[str, str]], replicas: int, revision: int,
                    age: str, created: str = "-300d", labels: dict[str, str] | None = None, port: int = 8080,
                    req: dict[str, str] | None = None, lim: dict[str, str] | None = None, env: list[dict[str, Any]] | None = None,
                    restarts: list[int] | None = None, lasts: list[dict[str, Any] | None] | None = None,
                    probe: str | None = "/healthz", cause: str | None = None, svc_ip: str | None = None, vpc: bool = False) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """A healthy neighbour: Deployment, current ReplicaSet, running Pods (and a Service when svc_ip)."""
    lbl = labels or {"app": name}
    tpl = template(dict(lbl), [container(name, image, port=port, req=req or {"cpu": "100m", "memory": "128Mi"}, lim=lim or {"memory": "256Mi"},
                                         env=env, readiness=http_probe(probe) if probe else None)])
    phash = S.hash(10 - (S.rng.random() < 0.4))
    cause = cause or f"deploy {name} {image.rsplit(':', 1)[-1]}"
    dep = S.deployment(ns, name, labels=dict(lbl), template=tpl, revision=revision, replicas=replicas, created=created,
                       generation=revision + 3, change_cause=cause,
                       status=dep_status(S, replicas=replicas, ready=replicas, updated=replicas, rs=f"{name}-{phash}", since=age, created=created))
    rs = S.replicaset(dep, phash=phash, revision=revision, template=tpl, replicas=replicas, created=age, change_cause=cause)
    pods = []
    for i in range(replicas):
        node, hip = nodes[i % len(nodes)]
        r = (restarts or [0] * replicas)[i]
        last = (lasts or [None] * replicas)[i]
        start = age if not last else last["terminated"]["finishedAt"]
        ni = i % len(nodes)
        if vpc:
            ip = ".".join(hip.split(".")[:3]) + f".{S.rng.randint(10, 250)}"
        elif S.pod_net:
            ip = S.pod_net(ni, hip)
        else:
            ip = f"10.{60 + i}.{hip.split('.')[-1]}.{S.rng.randint(10, 240)}"
        pods.append(S.pod(rs, node=node, host_ip=hip, ip=ip, created=age,
                          statuses=[S.cstatus(name, image, digest=S.hexid(64), restarts=r, last=last,
                                              state={"running": {"startedAt": S._plus(S.t(start), 3) if "T" not in start else S._plus(start, 3)}})]))
    if svc_ip:
        S.service(ns, name, selector=dict(lbl), ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], cluster_ip=svc_ip, labels=dict(lbl))
        S.endpoints(ns, name, ready=pods, ports=[{"name": "http", "port": port, "protocol": "TCP"}], labels=dict(lbl))
    return dep, rs, pods
