"""Helpers to build realistic scenario YAML (objects, events, logs, metrics)."""
from __future__ import annotations

import copy
import hashlib
import math
import random
import uuid
from datetime import datetime, timedelta, timezone

import yaml

R = random.Random(7)


def seed(s: int) -> None:
    R.seed(s)


def uid() -> str:
    return str(uuid.UUID(int=R.getrandbits(128), version=4))


def hx(n: int) -> str:
    return "".join(R.choice("0123456789abcdef") for _ in range(n))


def sha() -> str:
    return "sha256:" + hx(64)


def cid() -> str:
    return "containerd://" + hx(64)


def suffix(n: int = 5) -> str:
    return "".join(R.choice("bcdfghjklmnpqrstvwxz2456789") for _ in range(n))


class Clock:
    def __init__(self, now: str):
        self.now = datetime.strptime(now, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)

    def t(self, minutes: float = 0, seconds: float = 0) -> str:
        d = self.now + timedelta(minutes=minutes, seconds=seconds)
        return d.strftime("%Y-%m-%dT%H:%M:%SZ")

    def ms(self, minutes: float = 0, seconds: float = 0) -> str:
        d = self.now + timedelta(minutes=minutes, seconds=seconds)
        return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}Z"


def node(c: Clock, name: str, ip: str, *, zone: str, itype: str, labels: dict | None = None,
         created: str, ready: bool = True, ready_cond: dict | None = None, taints: list | None = None,
         kubelet: str = "v1.31.4-eks-aeac579", cpu: str = "8", alloc_cpu: str = "7910m",
         mem: str = "32386340Ki", alloc_mem: str = "31369508Ki", unschedulable: bool = False,
         provider: str = "aws", region: str = "eu-west-1") -> dict:
    hb = c.t(-0.8)
    base = {"lastHeartbeatTime": hb, "lastTransitionTime": created}
    conds = [
        {"type": "MemoryPressure", "status": "False", "reason": "KubeletHasSufficientMemory", "message": "kubelet has sufficient memory available", **base},
        {"type": "DiskPressure", "status": "False", "reason": "KubeletHasNoDiskPressure", "message": "kubelet has no disk pressure", **base},
        {"type": "PIDPressure", "status": "False", "reason": "KubeletHasSufficientPID", "message": "kubelet has sufficient PID available", **base},
        ready_cond or {"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status", **base},
    ]
    lab = {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
           "node.kubernetes.io/instance-type": itype, "topology.kubernetes.io/zone": zone,
           "topology.kubernetes.io/region": region}
    lab.update(labels or {})
    spec: dict = {"providerID": f"aws:///{zone}/i-0{hx(16)}"}
    if taints:
        spec["taints"] = taints
    if unschedulable:
        spec["unschedulable"] = True
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "uid": uid(), "creationTimestamp": created, "labels": lab},
            "spec": spec,
            "status": {"addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
                       "capacity": {"cpu": cpu, "memory": mem, "pods": "58", "ephemeral-storage": "104845292Ki"},
                       "allocatable": {"cpu": alloc_cpu, "memory": alloc_mem, "pods": "58", "ephemeral-storage": "95551679124"},
                       "conditions": conds,
                       "nodeInfo": {"kubeletVersion": kubelet, "kubeProxyVersion": kubelet, "architecture": "amd64",
                                    "operatingSystem": "linux", "osImage": "Amazon Linux 2023.6.20241212",
                                    "containerRuntimeVersion": "containerd://1.7.23", "kernelVersion": "6.1.119-129.201.amzn2023.x86_64",
                                    "machineID": hx(32), "systemUUID": "ec2" + hx(5) + "-" + hx(4) + "-" + hx(4) + "-" + hx(4) + "-" + hx(12),
                                    "bootID": uid()}}}


def namespace(name: str, created: str, labels: dict | None = None) -> dict:
    lab = {"kubernetes.io/metadata.name": name}
    lab.update(labels or {})
    return {"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": name, "uid": uid(), "creationTimestamp": created, "labels": lab},
            "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}


def template_hash() -> str:
    return "".join(R.choice("bcdfghjklmnpqrstvwxz2456789") for _ in range(R.choice([9, 10])))


class Workload:
    """A Deployment with one ReplicaSet per revision; pods are added per ReplicaSet."""

    def __init__(self, ns: str, name: str, *, created: str, labels: dict, selector: dict,
                 replicas: int, strategy: dict | None = None, annotations: dict | None = None):
        self.ns, self.name, self.uid = ns, name, uid()
        self.created, self.labels, self.selector = created, labels, selector
        self.replicas, self.annotations = replicas, annotations or {}
        self.strategy = strategy or {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}
        self.revs: list[dict] = []
        self.pods: list[dict] = []

    def revision(self, rev: int, spec: dict, *, created: str, cause: str | None = None,
                 tmpl_labels: dict | None = None, tmpl_annotations: dict | None = None, h: str | None = None) -> str:
        h = h or template_hash()
        labels = dict(self.selector)
        labels.update(tmpl_labels or {})
        meta: dict = {"labels": labels}
        if tmpl_annotations:
            meta["annotations"] = tmpl_annotations
        self.revs.append({"rev": rev, "hash": h, "spec": spec, "created": created, "cause": cause,
                          "meta": meta, "uid": uid()})
        return f"{self.name}-{h}"

    def rs_name(self, rev: int) -> str:
        return f"{self.name}-{next(r['hash'] for r in self.revs if r['rev'] == rev)}"

    def pod(self, rev: int, *, node: str, host_ip: str, pod_ip: str, created: str, statuses: list[dict],
            phase: str = "Running", ready: bool = True, name: str | None = None, conditions: list | None = None,
            deletion: str | None = None, spec_override: dict | None = None) -> dict:
        r = next(x for x in self.revs if x["rev"] == rev)
        pname = name or f"{self.name}-{r['hash']}-{suffix()}"
        spec = copy.deepcopy(spec_override or r["spec"])
        spec["nodeName"] = node
        labels = dict(r["meta"]["labels"])
        labels["pod-template-hash"] = r["hash"]
        meta = {"name": pname, "namespace": self.ns, "uid": uid(), "creationTimestamp": created,
                "labels": labels,
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": f"{self.name}-{r['hash']}",
                                     "uid": r["uid"], "controller": True, "blockOwnerDeletion": True}]}
        if r["meta"].get("annotations"):
            meta["annotations"] = dict(r["meta"]["annotations"])
        if deletion:
            meta["deletionTimestamp"] = deletion
            meta["deletionGracePeriodSeconds"] = spec.get("terminationGracePeriodSeconds", 30)
        started = min((s.get("_start", created) for s in statuses), default=created)
        conds = conditions or [
            {"type": "PodReadyToStartContainers", "status": "True", "lastTransitionTime": started},
            {"type": "Initialized", "status": "True", "lastTransitionTime": created},
            {"type": "Ready", "status": "True" if ready else "False", "lastTransitionTime": started,
             **({} if ready else {"reason": "ContainersNotReady", "message": "containers with unready status: [" + ",".join(s["name"] for s in statuses if not s["ready"]) + "]"})},
            {"type": "ContainersReady", "status": "True" if ready else "False", "lastTransitionTime": started,
             **({} if ready else {"reason": "ContainersNotReady", "message": "containers with unready status: [" + ",".join(s["name"] for s in statuses if not s["ready"]) + "]"})},
            {"type": "PodScheduled", "status": "True", "lastTransitionTime": created},
        ]
        sts = [{k: v for k, v in s.items() if not k.startswith("_")} for s in statuses]
        p = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec,
             "status": {"phase": phase, "qosClass": qos(spec), "hostIP": host_ip, "hostIPs": [{"ip": host_ip}],
                        "podIP": pod_ip, "podIPs": [{"ip": pod_ip}], "startTime": created,
                        "conditions": conds, "containerStatuses": sts}}
        self.pods.append(p)
        return p

    def objects(self, *, current: int, status: dict | None = None, gen: int | None = None,
                rs_replicas: dict | None = None, managed: list | None = None) -> list[dict]:
        cur = next(r for r in self.revs if r["rev"] == current)
        ann = {"deployment.kubernetes.io/revision": str(current)}
        if cur["cause"]:
            ann["kubernetes.io/change-cause"] = cur["cause"]
        ann.update(self.annotations)
        g = gen or current + 3
        dmeta = {"name": self.name, "namespace": self.ns, "uid": self.uid, "creationTimestamp": self.created,
                 "generation": g, "labels": self.labels, "annotations": ann}
        if managed:
            dmeta["managedFields"] = managed
        n_ready = sum(1 for p in self.pods if p["metadata"]["ownerReferences"][0]["name"].endswith(cur["hash"])
                      and all(s["ready"] for s in p["status"]["containerStatuses"]) and "deletionTimestamp" not in p["metadata"])
        st = status or {
            "observedGeneration": g, "replicas": self.replicas, "updatedReplicas": self.replicas,
            "readyReplicas": n_ready, "availableReplicas": n_ready,
            "conditions": [
                {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
                 "message": f"ReplicaSet \"{self.name}-{cur['hash']}\" has successfully progressed.",
                 "lastUpdateTime": cur["created"], "lastTransitionTime": self.created},
                {"type": "Available", "status": "True" if n_ready >= self.replicas - max(1, self.replicas // 4) else "False",
                 "reason": "MinimumReplicasAvailable" if n_ready >= self.replicas - max(1, self.replicas // 4) else "MinimumReplicasUnavailable",
                 "message": "Deployment has minimum availability." if n_ready >= self.replicas - max(1, self.replicas // 4) else "Deployment does not have minimum availability.",
                 "lastUpdateTime": cur["created"], "lastTransitionTime": cur["created"]}]}
        if n_ready == 0 and self.replicas:
            st.pop("readyReplicas", None)
            st.pop("availableReplicas", None)
            st["unavailableReplicas"] = self.replicas
        if self.replicas == 0:
            for k in ("readyReplicas", "availableReplicas", "unavailableReplicas"):
                st.pop(k, None)
            st["replicas"] = 0
            st["updatedReplicas"] = 0
        dep = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": dmeta,
               "spec": {"replicas": self.replicas, "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600,
                        "selector": {"matchLabels": self.selector}, "strategy": self.strategy,
                        "template": {"metadata": copy.deepcopy(cur["meta"]), "spec": copy.deepcopy(cur["spec"])}},
               "status": st}
        out = [dep]
        for r in self.revs:
            want = (rs_replicas or {}).get(r["rev"], self.replicas if r["rev"] == current else 0)
            labels = dict(r["meta"]["labels"])
            labels["pod-template-hash"] = r["hash"]
            tmeta = copy.deepcopy(r["meta"])
            tmeta["labels"] = labels
            rann = {"deployment.kubernetes.io/revision": str(r["rev"]), "deployment.kubernetes.io/desired-replicas": str(want),
                    "deployment.kubernetes.io/max-replicas": str(want + max(1, math.ceil(want * 0.25)))}
            if r["cause"]:
                rann["kubernetes.io/change-cause"] = r["cause"]
            mine = [p for p in self.pods if p["metadata"]["ownerReferences"][0]["name"] == f"{self.name}-{r['hash']}"
                    and "deletionTimestamp" not in p["metadata"]]
            ready = sum(1 for p in mine if all(s["ready"] for s in p["status"]["containerStatuses"]))
            rst = {"replicas": len(mine), "fullyLabeledReplicas": len(mine), "observedGeneration": 1 if r["rev"] != current else 2}
            if ready:
                rst["readyReplicas"] = ready
                rst["availableReplicas"] = ready
            sel = dict(self.selector)
            sel["pod-template-hash"] = r["hash"]
            out.append({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                        "metadata": {"name": f"{self.name}-{r['hash']}", "namespace": self.ns, "uid": r["uid"],
                                     "creationTimestamp": r["created"], "generation": 1 if r["rev"] != current else 2,
                                     "labels": labels, "annotations": rann,
                                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": self.name,
                                                          "uid": self.uid, "controller": True, "blockOwnerDeletion": True}]},
                        "spec": {"replicas": want, "selector": {"matchLabels": sel},
                                 "template": {"metadata": tmeta, "spec": copy.deepcopy(r["spec"])}},
                        "status": rst})
        return out + self.pods


def qos(spec: dict) -> str:
    cs = spec.get("containers", [])
    if all(c.get("resources", {}).get("limits") and c["resources"].get("requests") == c["resources"].get("limits") for c in cs):
        return "Guaranteed"
    if any(c.get("resources") for c in cs):
        return "Burstable"
    return "BestEffort"


def running(name: str, image: str, started: str, *, restarts: int = 0, last: dict | None = None,
            ready: bool = True) -> dict:
    return {"name": name, "ready": ready, "started": True, "restartCount": restarts, "image": image,
            "imageID": image.rsplit(":", 1)[0] + "@" + sha(), "containerID": cid(),
            "lastState": last or {}, "state": {"running": {"startedAt": started}}, "_start": started}


def waiting(name: str, image: str, *, reason: str, message: str, restarts: int, last: dict | None) -> dict:
    return {"name": name, "ready": False, "started": False, "restartCount": restarts, "image": image,
            "imageID": image.rsplit(":", 1)[0] + "@" + sha(), "containerID": cid(),
            "lastState": last or {}, "state": {"waiting": {"reason": reason, "message": message}}}


def terminated(exit_code: int, reason: str, started: str, finished: str) -> dict:
    return {"terminated": {"exitCode": exit_code, "reason": reason, "startedAt": started, "finishedAt": finished,
                           "containerID": cid()}}


def event(ns: str, kind: str, name: str, *, reason: str, message: str, first: str, last: str | None = None,
          count: int = 1, type: str = "Normal", component: str = "kubelet", host: str | None = None,
          obj_uid: str | None = None, field: str | None = None, api: str = "v1") -> dict:
    inv: dict = {"apiVersion": api, "kind": kind, "name": name}
    if kind not in ("Node",):
        inv["namespace"] = ns
    if obj_uid:
        inv["uid"] = obj_uid
    if field:
        inv["fieldPath"] = field
    src: dict = {"component": component}
    if host:
        src["host"] = host
    return {"apiVersion": "v1", "kind": "Event",
            "metadata": {"name": f"{name}.{hx(16)}", "namespace": ns, "uid": uid(), "creationTimestamp": first},
            "involvedObject": inv, "reason": reason, "message": message, "type": type, "count": count,
            "firstTimestamp": first, "lastTimestamp": last or first, "source": src,
            "reportingComponent": component, "reportingInstance": host or ""}


def service(ns: str, name: str, *, created: str, selector: dict, ports: list[dict], cluster_ip: str,
            labels: dict | None = None) -> dict:
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": ns, "uid": uid(), "creationTimestamp": created, "labels": labels or selector},
            "spec": {"type": "ClusterIP", "clusterIP": cluster_ip, "clusterIPs": [cluster_ip], "selector": selector,
                     "ports": ports, "sessionAffinity": "None", "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                     "internalTrafficPolicy": "Cluster"},
            "status": {"loadBalancer": {}}}


def endpoints(ns: str, name: str, *, created: str, pods: list[dict], ports: list[dict], labels: dict | None = None) -> dict:
    ready = [p for p in pods if all(s["ready"] for s in p["status"]["containerStatuses"]) and "deletionTimestamp" not in p["metadata"]]
    notready = [p for p in pods if p not in ready]

    def addr(p: dict) -> dict:
        return {"ip": p["status"]["podIP"], "nodeName": p["spec"]["nodeName"],
                "targetRef": {"kind": "Pod", "name": p["metadata"]["name"], "namespace": ns, "uid": p["metadata"]["uid"]}}
    subset: dict = {"ports": ports}
    if ready:
        subset["addresses"] = [addr(p) for p in ready]
    if notready:
        subset["notReadyAddresses"] = [addr(p) for p in notready]
    return {"apiVersion": "v1", "kind": "Endpoints",
            "metadata": {"name": name, "namespace": ns, "uid": uid(), "creationTimestamp": created, "labels": labels or {}},
            "subsets": [subset] if (ready or notready) else []}


def series(name: str, labels: dict, start: str, step: str, values: list) -> dict:
    lab = {"__name__": name}
    lab.update(labels)
    return {"labels": lab, "start": start, "step": step, "values": values}


def noisy(base: float, n: int, jitter: float, *, integer: bool = True) -> list:
    out = []
    for _ in range(n):
        v = base * (1 + R.uniform(-jitter, jitter))
        out.append(int(v) if integer else round(v, 4))
    return out


def counter(rates: list[float], step_s: float, *, start: float = 0.0, integer: bool = True,
            jitter: float = 0.05) -> list:
    """Cumulative counter from per-second rates (one per step)."""
    out, v = [], start
    for r in rates:
        v += max(0.0, r * (1 + R.uniform(-jitter, jitter))) * step_s
        out.append(int(v) if integer else round(v, 3))
    return out


def histogram(name: str, labels: dict, start: str, step: str, step_s: float, rates: list[float],
              fractions: list[list[float]], les: list[str]) -> list[dict]:
    """Cumulative `_bucket` series: fractions[i][j] = share of requests <= les[j] at step i."""
    out = []
    for j, le in enumerate(les + ["+Inf"]):
        per = [r * (fractions[i][j] if j < len(les) else 1.0) for i, r in enumerate(rates)]
        vals, v = [], 0.0
        for x in per:
            v += x * step_s
            vals.append(int(v))
        lab = dict(labels)
        lab["le"] = le
        out.append(series(name + "_bucket", lab, start, step, vals))
    cnt = dict(labels)
    vals, v = [], 0.0
    for r in rates:
        v += r * step_s
        vals.append(int(v))
    out.append(series(name + "_count", cnt, start, step, vals))
    return out


class _Dumper(yaml.SafeDumper):
    pass


def _str_rep(dumper, data):
    if "\n" in data and len(data) > 60:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str_rep)


def dump(doc: dict, path: str) -> None:
    with open(path, "w") as f:
        yaml.dump(doc, f, Dumper=_Dumper, sort_keys=False, width=4000, default_flow_style=None, allow_unicode=True)


def three_nodes(c: Clock, prefix: str, region: str, *, group: str, itype: str = "m6i.2xlarge", created: str = "2026-11-10T06:40:12Z") -> list[dict]:
    out = []
    for i, z in enumerate("abc"):
        ip = f"{prefix}.{(i + 1) * 16 + 3}.{40 + i * 37}"
        name = f"ip-{ip.replace('.', '-')}.{region}.compute.internal"
        out.append(node(c, name, ip, zone=f"{region}{z}", itype=itype, created=created, region=region,
                        labels={"eks.amazonaws.com/nodegroup": group}))
    return out


def nref(n: dict) -> tuple[str, str]:
    return n["metadata"]["name"], n["status"]["addresses"][0]["address"]


def pip(host_ip: str, k: int) -> str:
    a = host_ip.split(".")
    return f"{a[0]}.{a[1]}.{a[2]}.{(int(a[3]) * 7 + k * 13) % 250 + 3}"


def simple(ns: str, name: str, img: str, *, nodes: list, rev: int, rev_created: str, created: str,
           replicas: int, port: int | None = 8080, cpu: str = "100m", mem: str = "256Mi") -> tuple["Workload", list[dict]]:
    w = Workload(ns, name, created=created, labels={"app.kubernetes.io/name": name}, selector={"app.kubernetes.io/name": name}, replicas=replicas)
    ctr: dict = {"name": name, "image": img, "resources": {"requests": {"cpu": cpu, "memory": mem}, "limits": {"memory": mem}}}
    if port:
        ctr["ports"] = [{"name": "http", "containerPort": port, "protocol": "TCP"}]
        ctr["readinessProbe"] = {"httpGet": {"path": "/healthz", "port": "http", "scheme": "HTTP"}, "periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3}
    w.revision(rev, {"containers": [ctr]}, created=rev_created)
    pods = []
    for i in range(replicas):
        nn, ip = nref(nodes[i % len(nodes)])
        pods.append(w.pod(rev, node=nn, host_ip=ip, pod_ip=pip(ip, i + len(name)), created=rev_created,
                          statuses=[running(name, img, rev_created)]))
    return w, pods
