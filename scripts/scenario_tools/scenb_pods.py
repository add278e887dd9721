"""Pods with full container statuses, and workload status derived from the pods that exist."""
from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from scenb_base import DEFAULT_TOLERATIONS, image_id, qos_class


class PodsMixin:
    """Pod objects (owner-specific labels, default tolerations, status) and finish_workloads()."""

    def pod(self, owner: dict, *, node: str | None, created: str, states: dict[str, dict],
            restarts: dict[str, int] | None = None, last: dict[str, dict] | None = None,
            name: str | None = None, phase: str | None = None, pending_message: str | None = None,
            ip: str | None = None, add: bool = True, deleting: str | None = None,
            init_states: dict[str, dict] | None = None, status_extra: dict | None = None,
            conditions_extra: list | None = None, ready_since: str | None = None) -> dict:
        kind = owner["kind"]
        ns = owner["metadata"]["namespace"]
        tmpl = owner["spec"]["template"]
        labels = dict(tmpl["metadata"].get("labels", {}))
        if kind == "ReplicaSet":
            name = name or f"{owner['metadata']['name']}-{self.ids.alnum(5, 'pod', owner['metadata']['name'], created, node, len(self.objects))}"
        elif kind == "StatefulSet":
            labels.update({"apps.kubernetes.io/pod-index": name.rsplit("-", 1)[1],
                           "controller-revision-hash": owner["_rev"], "statefulset.kubernetes.io/pod-name": name})
        elif kind == "DaemonSet":
            name = name or f"{owner['metadata']['name']}-{self.ids.alnum(5, 'ds', owner['metadata']['name'], node)}"
            labels.update({"controller-revision-hash": owner["_rev"], "pod-template-generation": "1"})
        elif kind == "Job":
            name = name or f"{owner['metadata']['name']}-{self.ids.alnum(5, 'job', owner['metadata']['name'], created)}"
            labels.update({"batch.kubernetes.io/controller-uid": owner["metadata"]["uid"],
                           "batch.kubernetes.io/job-name": owner["metadata"]["name"],
                           "controller-uid": owner["metadata"]["uid"], "job-name": owner["metadata"]["name"]})
        spec = copy.deepcopy(tmpl["spec"])
        spec.setdefault("restartPolicy", "Always")
        spec.setdefault("dnsPolicy", "ClusterFirst")
        spec.setdefault("serviceAccountName", "default")
        spec.setdefault("terminationGracePeriodSeconds", 30)
        tol = list(spec.get("tolerations", []))
        if kind == "DaemonSet":
            tol += [{"key": k, "operator": "Exists", "effect": e} for k, e in (
                ("node.kubernetes.io/not-ready", "NoExecute"), ("node.kubernetes.io/unreachable", "NoExecute"),
                ("node.kubernetes.io/disk-pressure", "NoSchedule"), ("node.kubernetes.io/memory-pressure", "NoSchedule"))]
        else:
            tol += DEFAULT_TOLERATIONS
        spec["tolerations"] = tol
        if node:
            spec["nodeName"] = node
        meta = self.meta("Pod", name, ns, created=created, labels=labels, owner=owner,
                         annotations=tmpl["metadata"].get("annotations"))
        if deleting:
            meta["deletionTimestamp"] = self.ts(deleting)
            meta["deletionGracePeriodSeconds"] = spec["terminationGracePeriodSeconds"]
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
        pod["status"] = self._pod_status(pod, node=node, created=created, states=states, restarts=restarts or {},
                                         last=last or {}, phase=phase, pending_message=pending_message, ip=ip,
                                         init_states=init_states or {}, ready_since=ready_since)
        if status_extra:
            pod["status"].update(status_extra)
        if conditions_extra:
            pod["status"]["conditions"] = conditions_extra + pod["status"]["conditions"]
        if add:
            self.add(pod)
        return pod

    def _cstatus(self, pod: dict, c: dict, st: dict, restarts: int, last: dict | None, *, init: bool = False) -> dict:
        name = c["name"]
        pname, ns, uid = pod["metadata"]["name"], pod["metadata"]["namespace"], pod["metadata"]["uid"]
        cs: dict[str, Any] = {"name": name, "image": c["image"], "imageID": image_id(c["image"])}
        kind = st["_state"]
        if kind == "running":
            cs["state"] = {"running": {"startedAt": self.ts(st["since"])}}
            cs["ready"] = st["ready"]
            cs["started"] = True
        elif kind == "crashloop":
            cs["state"] = {"waiting": {"reason": "CrashLoopBackOff",
                                       "message": f"back-off {st['backoff']} restarting failed container={name} pod={pname}_{ns}({uid})"}}
            cs["ready"] = False
            cs["started"] = False
        elif kind == "waiting":
            w = {"reason": st["reason"]}
            if st.get("message"):
                w["message"] = st["message"]
            cs["state"] = {"waiting": w}
            cs["ready"] = False
            cs["started"] = False
        elif kind == "terminated":
            t = {"exitCode": st["code"], "reason": st["reason"], "startedAt": self.ts(st["start"]),
                 "finishedAt": self.ts(st["end"]), "containerID": f"containerd://{self.ids.hexs(64, 'cid', pname, name, st['end'])}"}
            if st.get("message"):
                t["message"] = st["message"]
            cs["state"] = {"terminated": t}
            cs["ready"] = False
            cs["started"] = False
        if kind in ("running", "terminated"):
            cs["containerID"] = f"containerd://{self.ids.hexs(64, 'cid', pname, name, restarts)}"
        elif last:  # waiting after a crash: the status still names the last (terminated) container
            cs["containerID"] = f"containerd://{self.ids.hexs(64, 'cid', pname, name, restarts - 1)}"
        cs["restartCount"] = restarts
        if last:
            t = {"exitCode": last["code"], "reason": last["reason"], "startedAt": self.ts(last["start"]),
                 "finishedAt": self.ts(last["end"]), "containerID": f"containerd://{self.ids.hexs(64, 'cid', pname, name, restarts - 1)}"}
            if last.get("message"):
                t["message"] = last["message"]
            cs["lastState"] = {"terminated": t}
        else:
            cs["lastState"] = {}
        if kind == "waiting" and st.get("reason") in ("ContainerCreating", "PodInitializing"):
            cs.pop("imageID", None)
            cs["image"] = c["image"]
        return dict(sorted(cs.items(), key=lambda kv: ["name", "state", "lastState", "ready", "restartCount",
                                                        "image", "imageID", "containerID", "started"].index(kv[0])))

    def _pod_status(self, pod: dict, *, node: str | None, created: str, states: dict, restarts: dict, last: dict,
                    phase: str | None, pending_message: str | None, ip: str | None, init_states: dict,
                    ready_since: str | None) -> dict:
        spec = pod["spec"]
        cts = self.ts(created)
        if node is None:
            return {"phase": "Pending", "qosClass": qos_class(spec),
                    "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                                    "message": pending_message or "", "lastProbeTime": None,
                                    "lastTransitionTime": cts}]}
        statuses = [self._cstatus(pod, c, states[c["name"]], restarts.get(c["name"], 0), last.get(c["name"]))
                    for c in spec["containers"]]
        all_ready = all(s["ready"] for s in statuses)
        any_running = any("running" in s["state"] for s in statuses)
        if phase is None:
            phase = "Running" if any_running or any(r for r in restarts.values()) else "Pending"
        sched = self.dt_after(created, 1)
        rt = self.ts(ready_since) if ready_since else self._ready_time(statuses, created)
        conds = [
            {"type": "PodReadyToStartContainers", "status": "True" if phase != "Pending" or any_running else "False", "lastProbeTime": None, "lastTransitionTime": self.dt_after(created, 2)},
            {"type": "Initialized", "status": "True", "lastProbeTime": None, "lastTransitionTime": self.dt_after(created, 1)},
            {"type": "Ready", "status": "True" if all_ready else "False", "lastProbeTime": None, "lastTransitionTime": rt},
            {"type": "ContainersReady", "status": "True" if all_ready else "False", "lastProbeTime": None, "lastTransitionTime": rt},
            {"type": "PodScheduled", "status": "True", "lastProbeTime": None, "lastTransitionTime": sched},
        ]
        if not all_ready:
            bad = [s["name"] for s in statuses if not s["ready"]]
            for c in conds[2:4]:
                c["reason"] = "ContainersNotReady"
                c["message"] = f"containers with unready status: [{' '.join(bad)}]"
        nodeobj = self.nodes.get(node)
        host_ip = nodeobj["_ip"] if nodeobj else None
        if spec.get("hostNetwork"):
            ip = host_ip
        ip = ip or self.pod_ip(node)
        st: dict[str, Any] = {"phase": phase, "conditions": conds, "hostIP": host_ip, "hostIPs": [{"ip": host_ip}],
                              "podIP": ip, "podIPs": [{"ip": ip}], "startTime": cts, "qosClass": qos_class(spec)}
        if init_states:
            st["initContainerStatuses"] = [self._cstatus(pod, c, init_states[c["name"]], 0, None, init=True)
                                           for c in spec.get("initContainers", [])]
        st["containerStatuses"] = statuses
        return st

    def dt_after(self, created: str, seconds: int) -> str:
        return self.clock.ts(self.clock.dt(created) + timedelta(seconds=seconds))

    def _ready_time(self, statuses: list, created: str) -> str:
        starts = [s["state"]["running"]["startedAt"] for s in statuses if "running" in s["state"]]
        if starts and all(s["ready"] for s in statuses):
            return self.clock.ts(self.clock.dt(max(starts)) + timedelta(seconds=self.rng.randint(6, 14)))
        fins = [s["lastState"]["terminated"]["finishedAt"] for s in statuses if s.get("lastState")]
        return max(fins) if fins else (max(starts) if starts else self.dt_after(created, 2))

    def finish_workloads(self) -> None:
        """Fill ReplicaSet/Deployment/StatefulSet/DaemonSet status from the pods that exist."""
        pods = [o for o in self.objects if o["kind"] == "Pod"]

        def owned(obj: dict) -> list[dict]:
            uid = obj["metadata"]["uid"]
            return [p for p in pods if any(r["uid"] == uid for r in p["metadata"].get("ownerReferences", []))
                    and p["status"]["phase"] in ("Running", "Pending") and "deletionTimestamp" not in p["metadata"]]

        def ready(p: dict) -> bool:
            return any(c["type"] == "Ready" and c["status"] == "True" for c in p["status"].get("conditions", []))

        for obj in self.objects:
            if obj["kind"] == "ReplicaSet":
                ps = owned(obj)
                st = obj["status"]
                if ps or st.get("replicas"):
                    nready = sum(ready(p) for p in ps)
                    st.update({"replicas": len(ps), "fullyLabeledReplicas": len(ps)})
                    if nready:
                        st.update({"readyReplicas": nready, "availableReplicas": nready})
                else:
                    st["replicas"] = 0
        for obj in self.objects:
            if obj["kind"] == "Deployment" and not obj["status"]:
                rss = obj["_rs"]
                allp = [p for rs in rss for p in owned(rs)]
                newp = owned(rss[-1])
                nready = sum(ready(p) for p in allp)
                obj["status"] = {"observedGeneration": obj["metadata"]["generation"], "replicas": len(allp),
                                 "updatedReplicas": len(newp), "readyReplicas": nready, "availableReplicas": nready}
                if len(allp) - nready > 0:
                    obj["status"]["unavailableReplicas"] = max(0, obj["spec"]["replicas"] - nready)
                if not nready:
                    obj["status"].pop("readyReplicas")
                    obj["status"].pop("availableReplicas")
            elif obj["kind"] == "StatefulSet" and not obj["status"]:
                ps = owned(obj)
                nready = sum(ready(p) for p in ps)
                obj["status"] = {"observedGeneration": obj["metadata"]["generation"], "replicas": len(ps),
                                 "readyReplicas": nready, "currentReplicas": len(ps), "updatedReplicas": len(ps),
                                 "availableReplicas": nready, "currentRevision": obj["_rev"], "updateRevision": obj["_rev"],
                                 "collisionCount": 0}
