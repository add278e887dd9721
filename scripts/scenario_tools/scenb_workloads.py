"""Deployments with one ReplicaSet per revision, StatefulSets, DaemonSets, healthy neighbours and fixed rollouts."""
from __future__ import annotations

import copy
import json
import math
from datetime import timedelta
from typing import Any

from scenb_base import running, strip_private
from scenb_shapes import container, http_probe, res, template


class WorkloadsMixin:
    """Controllers and their rollout history; app() for neighbours, recover_deployment() for recovery items."""

    # -- workloads
    def deployment(self, ns: str, name: str, *, labels: dict, selector: dict, revisions: list[dict],
                   replicas: int, created: str, strategy: dict | None = None, status: dict | None = None,
                   generation: int | None = None, extra_annotations: dict | None = None,
                   progress_deadline: int = 600, add: bool = True) -> dict:
        """revisions: [{rev, created, template, cause, replicas?}], oldest first; the last is current."""
        cur = revisions[-1]
        ann = {"deployment.kubernetes.io/revision": str(cur["rev"])}
        if cur.get("cause"):
            ann["kubernetes.io/change-cause"] = cur["cause"]
        ann.update(extra_annotations or {})
        dep = {
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": self.meta("Deployment", name, ns, created=created, labels=labels, annotations=ann,
                                  generation=generation or cur["rev"] + 3),
            "spec": {"replicas": replicas, "revisionHistoryLimit": 10, "progressDeadlineSeconds": progress_deadline,
                     "selector": {"matchLabels": selector},
                     "strategy": strategy or {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
                     "template": copy.deepcopy(cur["template"])},
            "status": status or {},
        }
        dep["_rs"] = []
        if add:
            self.add(dep)
        for r in revisions:
            rs = self.replicaset(dep, r, replicas=r.get("replicas", replicas if r is cur else 0), add=add)
            dep["_rs"].append(rs)
        return dep

    def template_hash(self, template: dict) -> str:
        key = json.dumps(template, sort_keys=True)
        return self.ids.alnum(10 if self.ids.h("len", key)[0] % 10 < 7 else 9, key)

    def replicaset(self, dep: dict, r: dict, *, replicas: int, add: bool = True) -> dict:
        h = r.get("hash") or self.template_hash(r["template"])
        name = f"{dep['metadata']['name']}-{h}"
        tmpl = copy.deepcopy(r["template"])
        tmpl["metadata"]["labels"] = {**tmpl["metadata"].get("labels", {}), "pod-template-hash": h}
        surge = dep["spec"]["strategy"].get("rollingUpdate", {}).get("maxSurge", "25%")
        dr = dep["spec"]["replicas"]
        extra = math.ceil(dr * int(surge[:-1]) / 100) if isinstance(surge, str) else int(surge)
        ann = {"deployment.kubernetes.io/desired-replicas": str(dr),
               "deployment.kubernetes.io/max-replicas": str(dr + extra),
               "deployment.kubernetes.io/revision": str(r["rev"])}
        if r.get("cause"):
            ann["kubernetes.io/change-cause"] = r["cause"]
        if r.get("history"):
            ann["deployment.kubernetes.io/revision-history"] = r["history"]
        rs = {
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": self.meta("ReplicaSet", name, dep["metadata"]["namespace"], created=r["created"],
                                  labels={**dep["spec"]["selector"]["matchLabels"], **{k: v for k, v in tmpl["metadata"]["labels"].items()}},
                                  annotations=ann, owner=dep, generation=r.get("generation", 2 if replicas == 0 else 1)),
            "spec": {"replicas": replicas,
                     "selector": {"matchLabels": {**dep["spec"]["selector"]["matchLabels"], "pod-template-hash": h}},
                     "template": tmpl},
            "status": {"replicas": 0, "observedGeneration": r.get("generation", 2 if replicas == 0 else 1)},
        }
        rs["_hash"] = h
        rs["_rev"] = r["rev"]
        if add:
            self.add(rs)
        return rs

    def statefulset(self, ns: str, name: str, *, labels: dict, selector: dict, template: dict, replicas: int,
                    created: str, service: str, claims: list | None = None, revision: str | None = None,
                    status: dict | None = None, add: bool = True) -> dict:
        rev = revision or f"{name}-{self.ids.alnum(10, 'sts', name)}"
        sts = {
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": self.meta("StatefulSet", name, ns, created=created, labels=labels, generation=4),
            "spec": {"replicas": replicas, "serviceName": service, "podManagementPolicy": "OrderedReady",
                     "selector": {"matchLabels": selector}, "template": copy.deepcopy(template),
                     "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
                     "revisionHistoryLimit": 10},
            "status": status or {},
        }
        if claims:
            sts["spec"]["volumeClaimTemplates"] = claims
            sts["spec"]["persistentVolumeClaimRetentionPolicy"] = {"whenDeleted": "Retain", "whenScaled": "Retain"}
        sts["_rev"] = rev
        if add:
            self.add(sts)
        return sts

    def daemonset(self, ns: str, name: str, *, labels: dict, template: dict, created: str,
                  status: dict, add: bool = True, generation: int = 1) -> dict:
        ds = {"apiVersion": "apps/v1", "kind": "DaemonSet",
              "metadata": self.meta("DaemonSet", name, ns, created=created, labels=labels,
                                    annotations={"deprecated.daemonset.template.generation": str(generation)},
                                    generation=generation),
              "spec": {"selector": {"matchLabels": template["metadata"]["labels"]}, "template": copy.deepcopy(template),
                       "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
                       "revisionHistoryLimit": 10},
              "status": status}
        ds["_rev"] = self.ids.alnum(10, "ds", name)
        if add:
            self.add(ds)
        return ds

    def app(self, ns: str, name: str, image: str, *, nodes: list[str], created: str, port: int = 8080,
            labels: dict | None = None, rev: int = 3, rev_created: str | None = None, cause: str | None = None,
            env: list | None = None, resources: dict | None = None, probe: str | None = "/healthz",
            cluster_ip: str, svc_port: int | None = None, team: str | None = None, pod_created: str | None = None,
            extra_spec: dict | None = None, container_extra: dict | None = None, service: bool = True,
            pod_overrides: dict | None = None, svc_labels: dict | None = None) -> dict:
        """A healthy neighbour: Deployment, one ReplicaSet, Running pods, Service, Endpoints."""
        sel = labels or {"app": name}
        c = container(name, image, ports=[{"name": "http", "containerPort": port, "protocol": "TCP"}],
                      **({"env": env} if env else {}), resources=resources or res("100m", "128Mi", None, "256Mi"),
                      **({"readinessProbe": http_probe(probe, "http", period=10, timeout=2)} if probe else {}),
                      **(container_extra or {}))
        t = template(dict(sel), [c], **(extra_spec or {}))
        rc = rev_created or created
        dep = self.deployment(ns, name, labels={**sel, **({"team": team} if team else {})}, selector=sel,
                              revisions=[{"rev": rev, "created": rc, "template": t, "cause": cause}],
                              replicas=len(nodes), created=created)
        pcs = pod_created if isinstance(pod_created, list) else [self.dt_after(pod_created or rc, 2 * i) for i in range(len(nodes))]
        pods = []
        for i, n in enumerate(nodes):
            ov = dict((pod_overrides or {}).get(i, {}))
            started = ov.pop("started", None) or self.dt_after(pcs[i], 3 + i % 3)
            pods.append(self.pod(dep["_rs"][0], node=n, created=pcs[i], states={name: running(started)}, **ov))
        dep["_pods"] = pods
        if service:
            svc, ep = self.service(ns, name, selector=sel, ports=[{"name": "http", "port": svc_port or port, "targetPort": "http", "protocol": "TCP"}],
                                   created=created, cluster_ip=cluster_ip, labels=svc_labels or sel, pods=pods)
            dep["_svc"] = svc
        return dep

    def recover_deployment(self, dep: dict, *, template: dict, nodes: list[str], cause: str | None, start: str = "+20s",
                           reuse_rs: dict | None = None, svc: dict | None = None, every_s: int = 20,
                           extra_pods: list[dict] | None = None) -> dict:
        """Objects after a fixing rollout: the Deployment on a new (or re-used) ReplicaSet with Ready pods."""
        ns, name = dep["metadata"]["namespace"], dep["metadata"]["name"]
        cur = int(dep["metadata"]["annotations"]["deployment.kubernetes.io/revision"])
        d = copy.deepcopy(strip_private(dep))
        d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = str(cur + 1)
        if cause:
            d["metadata"]["annotations"]["kubernetes.io/change-cause"] = cause
        else:
            d["metadata"]["annotations"].pop("kubernetes.io/change-cause", None)
        d["metadata"]["generation"] = dep["metadata"]["generation"] + 1
        d["spec"]["template"] = copy.deepcopy(template)
        if reuse_rs is not None:
            rs = copy.deepcopy(strip_private(reuse_rs))
            hist = rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
            rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = str(cur + 1)
            rs["metadata"]["annotations"]["deployment.kubernetes.io/revision-history"] = hist
            rs["metadata"]["generation"] = rs["metadata"].get("generation", 1) + 1
            rs["_hash"] = reuse_rs["_hash"]
        else:
            rs = self.replicaset(dep, {"rev": cur + 1, "created": start, "template": template, "cause": cause},
                                 replicas=dep["spec"]["replicas"], add=False)
        rs["spec"]["replicas"] = dep["spec"]["replicas"]
        owner = dict(rs, apiVersion="apps/v1", kind="ReplicaSet")
        pods = []
        for i, n in enumerate(nodes):
            at = self.clock.ts(self.clock.dt(start) + timedelta(seconds=2 + every_s * i))
            pods.append(self.pod(owner, node=n, created=at, states={c["name"]: running(self.dt_after(at, 3)) for c in template["spec"]["containers"]},
                                 add=False, name=f"{rs['metadata']['name']}-{self.ids.alnum(5, 'rpod', name, i)}"))
        nready = len(pods)
        rs["status"] = {"replicas": nready, "fullyLabeledReplicas": nready, "readyReplicas": nready,
                        "availableReplicas": nready, "observedGeneration": rs["metadata"].get("generation", 1)}
        d["status"] = {"observedGeneration": d["metadata"]["generation"], "replicas": nready, "updatedReplicas": nready,
                       "readyReplicas": nready, "availableReplicas": nready,
                       "conditions": [
                           {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
                            "message": "Deployment has minimum availability.", "lastUpdateTime": self.ts(start),
                            "lastTransitionTime": self.ts(start)},
                           {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
                            "message": f"ReplicaSet \"{rs['metadata']['name']}\" has successfully progressed.",
                            "lastUpdateTime": self.dt_after(start, 5 + every_s * len(nodes)), "lastTransitionTime": self.ts(start)}]}
        upsert = [d, rs]
        for old in dep["_rs"]:
            if reuse_rs is not None and old["metadata"]["name"] == reuse_rs["metadata"]["name"]:
                continue
            if old["spec"]["replicas"] or old["status"].get("replicas"):
                o = copy.deepcopy(strip_private(old))
                o["spec"]["replicas"] = 0
                o["status"] = {"replicas": 0, "observedGeneration": o["metadata"].get("generation", 1) + 1}
                o["metadata"]["generation"] = o["metadata"].get("generation", 1) + 1
                upsert.append(o)
        upsert += pods
        old_pods = [o for o in self.objects if o["kind"] == "Pod" and o["metadata"]["namespace"] == ns and any(
            r["name"] in {x["metadata"]["name"] for x in dep["_rs"]} for r in o["metadata"].get("ownerReferences", []))]
        if svc is not None:
            upsert.append(self.endpoints(svc, pods + (extra_pods or []), created=svc["metadata"]["creationTimestamp"], add=False))
        return {"upsert": upsert, "delete": [{"kind": "Pod", "namespace": ns, "name": p["metadata"]["name"]} for p in old_pods],
                "pods": pods}
