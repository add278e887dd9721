"""Generate a large, valid scenario (thousands of pods and events) for the sandbox benchmark.

    python bench/gen_scenario.py OUT_DIR [--pods 5000] [--events 20000] [--namespaces 25]

The file is written as JSON (which is YAML) so that it loads fast; it is never committed.
"""
from __future__ import annotations

import argparse
import json
import random
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

NOW = datetime(2026, 11, 24, 14, 32, tzinfo=timezone.utc)
Obj = dict[str, Any]


def ts(minutes_ago: float) -> str:
    return (NOW - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def container(name: str, image: str) -> Obj:
    return {"name": name, "image": image, "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
            "env": [{"name": "LOG_LEVEL", "value": "info"}, {"name": "SERVICE_NAME", "value": name}],
            "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
            "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 10}}


def workload(ns: str, app: str, replicas: int, rng: random.Random) -> list[Obj]:
    """A Deployment, its ReplicaSet and its Pods, linked by owner references."""
    image, pod_hash = f"registry.example.com/{app}:1.{rng.randint(0, 40)}.0", f"{rng.getrandbits(32):08x}"[:9]
    dep_uid, rs_uid = uid(rng), uid(rng)
    labels = {"app": app}
    template: Obj = {"metadata": {"labels": {**labels, "pod-template-hash": pod_hash}}, "spec": {"containers": [container(app, image)]}}
    dep = {"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": app, "namespace": ns, "uid": dep_uid, "creationTimestamp": ts(90000), "generation": 3,
                        "labels": labels, "annotations": {"deployment.kubernetes.io/revision": "3"}},
           "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                    "template": {"metadata": {"labels": labels}, "spec": {"containers": [container(app, image)]}}},
           "status": {"replicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas,
                      "updatedReplicas": replicas, "observedGeneration": 3}}
    owner = {"apiVersion": "apps/v1", "kind": "Deployment", "name": app, "uid": dep_uid, "controller": True}
    rs: Obj = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
          "metadata": {"name": f"{app}-{pod_hash}", "namespace": ns, "uid": rs_uid, "creationTimestamp": ts(9000),
                       "labels": template["metadata"]["labels"], "ownerReferences": [owner],
                       "annotations": {"deployment.kubernetes.io/revision": "3"}},
          "spec": {"replicas": replicas, "selector": {"matchLabels": template["metadata"]["labels"]}, "template": template},
          "status": {"replicas": replicas, "readyReplicas": replicas}}
    rs_owner = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs["metadata"]["name"], "uid": rs_uid, "controller": True}
    pods = [pod(ns, f"{app}-{pod_hash}-{i:05d}", template, rs_owner, image, rng) for i in range(replicas)]
    return [dep, rs, *pods]


def pod(ns: str, name: str, template: Obj, owner: Obj, image: str, rng: random.Random) -> Obj:
    started = ts(rng.randint(10, 9000))
    app = template["spec"]["containers"][0]["name"]
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": ns, "uid": uid(rng), "creationTimestamp": started,
                         "labels": template["metadata"]["labels"], "ownerReferences": [owner]},
            "spec": {"nodeName": f"node-{rng.randint(0, 49):02d}", "containers": template["spec"]["containers"]},
            "status": {"phase": "Running", "podIP": f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
                       "startTime": started,
                       "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": started}],
                       "containerStatuses": [{"name": app, "ready": True, "started": True, "restartCount": rng.choice([0, 0, 0, 1]),
                                              "image": image, "imageID": f"{image}@sha256:{rng.getrandbits(64):016x}",
                                              "state": {"running": {"startedAt": started}}}]}}


def event(ns: str, target: Obj, index: int, rng: random.Random) -> Obj:
    reason, kind, message = rng.choice([("Pulled", "Normal", "Container image already present on machine"),
                                        ("Started", "Normal", "Started container"),
                                        ("Unhealthy", "Warning", "Readiness probe failed: HTTP probe failed with statuscode: 503"),
                                        ("BackOff", "Warning", "Back-off restarting failed container")])
    first = ts(rng.randint(1, 600))
    return {"apiVersion": "v1", "kind": "Event",
            "metadata": {"name": f"{target['metadata']['name']}.{index:08x}", "namespace": ns, "uid": uid(rng),
                         "creationTimestamp": first},
            "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": target["metadata"]["name"], "namespace": ns,
                               "uid": target["metadata"]["uid"]},
            "reason": reason, "message": message, "type": kind, "count": rng.randint(1, 20),
            "firstTimestamp": first, "lastTimestamp": first, "source": {"component": "kubelet"}}


def build(*, pods: int, events: int, namespaces: int, seed: int = 7) -> Obj:
    rng = random.Random(seed)
    nodes = [{"apiVersion": "v1", "kind": "Node", "metadata": {"name": f"node-{i:02d}", "creationTimestamp": ts(200000)},
              "status": {"conditions": [{"type": "Ready", "status": "True"}],
                         "nodeInfo": {"kubeletVersion": "v1.31.4", "osImage": "Ubuntu 24.04.1 LTS", "architecture": "amd64",
                                      "operatingSystem": "linux", "containerRuntimeVersion": "containerd://1.7.24",
                                      "kernelVersion": "6.8.0-49-generic", "kubeProxyVersion": "v1.31.4",
                                      "machineID": f"m{i}", "systemUUID": f"s{i}", "bootID": f"b{i}"}}} for i in range(50)]
    objects: list[Obj] = list(nodes)
    made = 0
    while made < pods:
        replicas = min(5, pods - made)
        objects += workload(f"team-{(made // 5) % namespaces:02d}", f"svc-{made // 5:04d}", replicas, rng)
        made += replicas
    all_pods = [o for o in objects if o["kind"] == "Pod"]
    for i in range(events):
        target = all_pods[i % len(all_pods)]
        objects.append(event(target["metadata"]["namespace"], target, i, rng))
    first = all_pods[0]
    return {"format": 1, "id": f"bench-{pods}-pods", "title": "benchmark: a large healthy cluster", "now": ts(0),
            "trigger": {"command": "is anything wrong?"},
            "cluster": {"objects": objects, "logs": [{"namespace": first["metadata"]["namespace"], "pod": first["metadata"]["name"],
                                                      "at": "-60m", "every": "1s", "repeat": 1000, "lines": ["GET /healthz 200"]}]},
            "metrics": [{"labels": {"__name__": "up", "job": "kubelet"}, "start": "-60m", "step": "1m", "values": [1] * 61}],
            "truth": {"category": "no_fault", "resource": None, "evidence": ["healthy"],
                      "remediation": {"accepted": [{"action": "recommend_only"}]}}}


def generate(directory: str | Path, *, pods: int = 5000, events: int = 20000, namespaces: int = 25) -> Path:
    doc = build(pods=pods, events=events, namespaces=namespaces)
    path = Path(directory) / f"{doc['id']}.yaml"
    path.write_text(json.dumps(doc, separators=(",", ":")))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--pods", type=int, default=5000)
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--namespaces", type=int, default=25)
    args = parser.parse_args()
    print(generate(args.out_dir, pods=args.pods, events=args.events, namespaces=args.namespaces))


if __name__ == "__main__":
    main()
