"""Scenario order-events-delayed-since-lunch: a worker node died; rabbitmq-1 is stuck Terminating on it."""
from __future__ import annotations

from scenb_kit import (Scenario, ago, container, counter, gauge, http_probe, piecewise, res, running, steps, template)

sc = Scenario("order-events-delayed-since-lunch",
              title="EC2 instance i-0b7d... behind node ip-10-88-22-140 failed its status checks at 13:38; the node is NotReady "
                    "(kubelet stopped posting status), rabbitmq-1 is stuck Terminating on it so the StatefulSet cannot recreate it, "
                    "and the RabbitMQ cluster runs on two of three members with publishers retrying",
              now="2026-11-26T14:24:00Z",
              tags=["node-failure", "notready", "unreachable", "statefulset", "rabbitmq", "eks", "recommend-only", "red-herring"])
sc.command("order events delayed since lunch, rabbit mgmt UI shows a node down", channel="#orders-oncall", user="U0ORDERS22")

NODES = []
for i, (ip, zone) in enumerate([("10.88.4.19", "eu-north-1a"), ("10.88.7.231", "eu-north-1a"), ("10.88.22.140", "eu-north-1b"),
                                ("10.88.25.6", "eu-north-1b"), ("10.88.38.77", "eu-north-1c"), ("10.88.41.202", "eu-north-1c")]):
    n = f"ip-{ip.replace('.', '-')}.eu-north-1.compute.internal"
    NODES.append(n)
DEAD = NODES[2]
for i, n in enumerate(NODES):
    ip = n[3:].split(".")[0].replace("-", ".")
    zone = ["eu-north-1a", "eu-north-1a", "eu-north-1b", "eu-north-1b", "eu-north-1c", "eu-north-1c"][i]
    if n == DEAD:
        unk = {"status": "Unknown", "reason": "NodeStatusUnknown", "message": "Kubelet stopped posting node status.", "heartbeat": ago(m=45, s=31), "since": ago(m=44, s=50)}
        sc.node(n, flavour="eks", zone=zone, instance="m6i.2xlarge", cpu=8, mem_gib=30.9, ip=ip, pool="core-m6i", created="-27d4h", mem_reserved_ki=1_750_000,
                pods=58, cpu_reserved_m=90, conditions={c: dict(unk) for c in ("MemoryPressure", "DiskPressure", "PIDPressure", "Ready")},
                taints=[{"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule", "timeAdded": sc.ts(ago(m=44, s=50))},
                        {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": sc.ts(ago(m=44, s=45))}])
    else:
        sc.node(n, flavour="eks", zone=zone, instance="m6i.2xlarge", cpu=8, mem_gib=30.9, ip=ip, pool="core-m6i", created=f"-{27 - 3 * i}d{i}h",
                mem_reserved_ki=1_750_000, pods=58, cpu_reserved_m=90)
YEST = NODES[4]
sc.nodes[YEST]["status"]["conditions"][3]["lastTransitionTime"] = sc.ts(ago(d=1, h=2, m=11, s=20))

RL = {"app.kubernetes.io/name": "rabbitmq", "app.kubernetes.io/instance": "order-events"}
IMG = "public.ecr.aws/bitnami/rabbitmq:3.13.7-debian-12-r4"
r_t = template(dict(RL), [container("rabbitmq", IMG,
               ports=[{"name": "amqp", "containerPort": 5672, "protocol": "TCP"}, {"name": "dist", "containerPort": 25672, "protocol": "TCP"},
                      {"name": "stats", "containerPort": 15672, "protocol": "TCP"}, {"name": "metrics", "containerPort": 9419, "protocol": "TCP"}],
               env=[{"name": "RABBITMQ_USE_LONGNAME", "value": "yes"}, {"name": "K8S_SERVICE_NAME", "value": "rabbitmq-headless"},
                    {"name": "RABBITMQ_NODE_NAME", "value": "rabbit@$(MY_POD_NAME).rabbitmq-headless.events.svc.cluster.local"}],
               resources=res("1", "4Gi", None, "4Gi"),
               readinessProbe={"exec": {"command": ["sh", "-ec", "rabbitmq-diagnostics -q check_running && rabbitmq-diagnostics -q check_local_alarms"]},
                               "initialDelaySeconds": 10, "periodSeconds": 30, "timeoutSeconds": 20, "failureThreshold": 3},
               volumeMounts=[{"name": "data", "mountPath": "/bitnami/rabbitmq/mnesia"}])],
               serviceAccountName="rabbitmq", terminationGracePeriodSeconds=120,
               affinity={"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": "kubernetes.io/hostname", "labelSelector": {"matchLabels": dict(RL)}}]}})
claims = [{"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
           "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "gp3", "resources": {"requests": {"storage": "50Gi"}}}}]
rmq = sc.statefulset("events", "rabbitmq", labels=dict(RL), selector=dict(RL), template=r_t, replicas=3, created="-400d", service="rabbitmq-headless", claims=claims)
rmq["spec"]["podManagementPolicy"] = "Parallel"
rpods = []
for i, node in enumerate([NODES[0], DEAD, NODES[4]]):
    if node == DEAD:
        p = sc.pod(rmq, node=node, name=f"rabbitmq-{i}", created="-27d3h", states={"rabbitmq": running("-27d3h", ready=False)}, deleting=ago(m=39, s=45),
                   ready_since=ago(m=44, s=50))
        for c in p["status"]["conditions"]:
            if c["type"] in ("Ready", "ContainersReady"):
                c.pop("reason", None)
                c.pop("message", None)
                c["status"] = "False" if c["type"] == "ContainersReady" else "False"
        p["status"]["conditions"].insert(0, {"type": "DisruptionTarget", "status": "True", "reason": "DeletionByTaintManager",
                                             "message": "Taint manager: deleting due to NoExecute taint", "lastProbeTime": None, "lastTransitionTime": sc.ts(ago(m=39, s=45))})
        p["status"]["containerStatuses"][0]["ready"] = False
    else:
        p = sc.pod(rmq, node=node, name=f"rabbitmq-{i}", created=f"-19d{i}h", states={"rabbitmq": running(f"-19d{i}h")})
    p["spec"]["volumes"] = [{"name": "data", "persistentVolumeClaim": {"claimName": f"data-rabbitmq-{i}"}}]
    p["spec"]["hostname"] = p["metadata"]["name"]
    p["spec"]["subdomain"] = "rabbitmq-headless"
    rpods.append(p)
rmq["status"] = {"observedGeneration": 4, "replicas": 3, "readyReplicas": 2, "currentReplicas": 3, "updatedReplicas": 3, "availableReplicas": 2,
                 "currentRevision": rmq["_rev"], "updateRevision": rmq["_rev"], "collisionCount": 0}
sc.service("events", "rabbitmq", selector=dict(RL), ports=[{"name": "amqp", "port": 5672, "targetPort": "amqp", "protocol": "TCP"}], created="-400d",
           cluster_ip="172.20.99.50", labels=dict(RL), pods=rpods)
sc.service("events", "rabbitmq-headless", selector=dict(RL), ports=[{"name": "dist", "port": 25672, "targetPort": "dist", "protocol": "TCP"}], created="-400d",
           cluster_ip="None", headless=True, labels=dict(RL), pods=rpods)
for i, node in enumerate([NODES[0], DEAD, NODES[4]]):
    sc.obj("v1", "PersistentVolumeClaim", f"data-rabbitmq-{i}", "events", created="-400d", labels=dict(RL),
           annotations={"pv.kubernetes.io/bind-completed": "yes", "volume.kubernetes.io/selected-node": node, "volume.kubernetes.io/storage-provisioner": "ebs.csi.aws.com"},
           spec={"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "50Gi"}}, "storageClassName": "gp3", "volumeMode": "Filesystem",
                 "volumeName": f"pvc-{sc.ids.uid('rpv', i)}"},
           status={"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "50Gi"}})
# other workloads: order-service (Deployment) had a pod on the dead node, replaced; its old pod is Terminating too
REG = "735192008447.dkr.ecr.eu-north-1.amazonaws.com/orders"
osvc = sc.app("events", "order-service", f"{REG}/order-service:11.2.0", nodes=[NODES[1], NODES[3], NODES[5]], created="-400d", rev=64, rev_created="-3d2h",
              cause="order-service 11.2.0", probe="/health/ready", cluster_ip="172.20.12.90", team="orders", resources=res("500m", "1Gi", None, "1Gi"),
              pod_created=["-3d1h58m", ago(m=39, s=44), "-3d1h57m"],
              env=[{"name": "AMQP_URIS", "value": "amqp://rabbitmq-0.rabbitmq-headless:5672,amqp://rabbitmq-1.rabbitmq-headless:5672,amqp://rabbitmq-2.rabbitmq-headless:5672"}])
stuck = sc.pod(osvc["_rs"][0], node=DEAD, created="-3d1h57m30s", states={"order-service": running("-3d1h57m26s", ready=False)}, deleting=ago(m=39, s=45),
               name=f"{osvc['_rs'][0]['metadata']['name']}-w4k8z", ready_since=ago(m=44, s=50))
stuck["status"]["conditions"].insert(0, {"type": "DisruptionTarget", "status": "True", "reason": "DeletionByTaintManager",
                                         "message": "Taint manager: deleting due to NoExecute taint", "lastProbeTime": None, "lastTransitionTime": sc.ts(ago(m=39, s=45))})
notif = sc.app("events", "notification-worker", f"{REG}/notification-worker:4.0.7", nodes=[NODES[3], NODES[5]], created="-300d", rev=20, rev_created="-9d",
               cause="notification-worker 4.0.7", probe=None, service=False, cluster_ip="", team="orders", resources=res("250m", "512Mi", None, "512Mi"))

# events
dead = sc.nodes[DEAD]
sc.event(dead, "NodeNotReady", f"Node {DEAD} status is now: NodeNotReady", first=ago(m=44, s=50), component="node-controller")
for p in (rpods[1], stuck):
    sc.event(p, "NodeNotReady", "Node is not ready", type="Warning", first=ago(m=44, s=49), component="node-controller")
    sc.event(p, "TaintManagerEviction", f"Marking for deletion Pod events/{p['metadata']['name']}", first=ago(m=39, s=45), component="taint-eviction-controller")
sc.event(osvc["_rs"][0], "SuccessfulCreate", f"Created pod: {osvc['_pods'][1]['metadata']['name']}", first=ago(m=39, s=44), component="replicaset-controller")
ynode = sc.nodes[YEST]
sc.event(ynode, "NodeNotReady", f"Node {YEST} status is now: NodeNotReady", first=ago(d=1, h=2, m=12, s=50), component="node-controller")
sc.event(ynode, "NodeReady", f"Node {YEST} status is now: NodeReady", first=ago(d=1, h=2, m=11, s=20), component="kubelet")

# logs
sc.log(rpods[0], [
    "2026-11-26 13:38:56.118240+00:00 [warning] <0.811.0> Management plugin: node rabbit@rabbitmq-1.rabbitmq-headless.events.svc.cluster.local is not responding",
    "2026-11-26 13:39:29.770455+00:00 [error] <0.233.0> ** Node 'rabbit@rabbitmq-1.rabbitmq-headless.events.svc.cluster.local' not responding **",
    "2026-11-26 13:39:29.770455+00:00 [error] <0.233.0> ** Removing (timedout) connection **",
    "2026-11-26 13:39:29.771902+00:00 [info] <0.505.0> rabbit on node 'rabbit@rabbitmq-1.rabbitmq-headless.events.svc.cluster.local' down",
    "2026-11-26 13:39:29.803011+00:00 [info] <0.505.0> node 'rabbit@rabbitmq-1.rabbitmq-headless.events.svc.cluster.local' down: net_tick_timeout",
    "2026-11-26 13:39:31.204114+00:00 [info] <0.9122.31> queue 'order.events' in vhost 'orders': leader rabbit@rabbitmq-1 unavailable, electing new leader in term 58",
    "2026-11-26 13:39:31.410927+00:00 [info] <0.9122.31> queue 'order.events' in vhost 'orders': leader elected: rabbit@rabbitmq-0 in term 59",
    "2026-11-26 14:10:02.001441+00:00 [warning] <0.9122.31> queue 'order.events' in vhost 'orders': 1 of 3 members unavailable, quorum 2 of 3",
    "2026-11-26 14:20:02.001803+00:00 [warning] <0.9122.31> queue 'order.events' in vhost 'orders': 1 of 3 members unavailable, quorum 2 of 3"])
for p in osvc["_pods"]:
    lines = []
    for k, t in enumerate(sc.ticks("-4m", "-6s", 7.5, jitter=0.7)):
        if k % 4 == 1:
            lines.append(sc.fmt(t, "%Y-%m-%dT%H:%M:%S.%fZ WARN  [amqp-publisher] c.e.orders.events.Publisher : publish to rabbitmq-1.rabbitmq-headless:5672 failed (java.net.UnknownHostException: rabbitmq-1.rabbitmq-headless), trying next host"))
        elif k % 4 == 3:
            lines.append(sc.fmt(t, "%Y-%m-%dT%H:%M:%S.%fZ WARN  [amqp-publisher] c.e.orders.events.Publisher : publisher confirm for order.created took 2840 ms (quorum queue order.events, 2/3 members)"))
        else:
            lines.append(sc.fmt(t, "%Y-%m-%dT%H:%M:%S.%fZ INFO  [http-nio-8080-exec-" + str(k % 12 + 1) + "] c.e.orders.api.OrderController : POST /orders 201 in " + str(180 + (k * 71) % 900) + " ms"))
    sc.log(p, lines)

# metrics
N, S = 120, "-119m"
cut = 119 - 45
sc.series({"__name__": "kube_node_status_condition", "node": DEAD, "condition": "Ready", "status": "unknown", "job": "kube-state-metrics"},
          steps(N, [(0, 0), (cut, 1)]), start=S, step="1m")
sc.series({"__name__": "kube_node_status_condition", "node": DEAD, "condition": "Ready", "status": "true", "job": "kube-state-metrics"},
          steps(N, [(0, 1), (cut, 0)]), start=S, step="1m")
sc.series({"__name__": "kube_statefulset_status_replicas_ready", "namespace": "events", "statefulset": "rabbitmq", "job": "kube-state-metrics"},
          steps(N, [(0, 3), (cut, 2)]), start=S, step="1m")
sc.series({"__name__": "rabbitmq_identity_info", "rabbitmq_node": "rabbit@rabbitmq-1.rabbitmq-headless.events.svc.cluster.local", "namespace": "events",
           "pod": "rabbitmq-1", "job": "rabbitmq"}, [1] * cut + [None] * (N - cut), start=S, step="1m")
sc.series({"__name__": "aws_ec2_status_check_failed_instance_maximum", "instance_id": "i-0b7d3e91c44a2f018", "job": "cloudwatch-exporter"},
          steps(N, [(0, 0), (cut - 1, 1)]), start=S, step="1m")
sc.series({"__name__": "order_service_publish_confirm_seconds_p99", "namespace": "events", "service": "order-service"},
          gauge(sc, "conf", [0.04] * cut + [2.6] * (N - cut), noise=0.1, integer=False), start=S, step="1m")
sc.series({"__name__": "up", "job": "node-exporter", "instance": "10.88.22.140:9100", "node": DEAD}, steps(N, [(0, 1), (cut - 1, 0)]), start=S, step="1m")

sc.truth = {
    "category": "node_failure",
    "resource": {"kind": "Node", "name": DEAD},
    "aliases": [{"kind": "Pod", "namespace": "events", "name_regex": "^rabbitmq-1$"},
                {"kind": "StatefulSet", "namespace": "events", "name_regex": "^rabbitmq$"}],
    "evidence": ["ip-10-88-22-140",
                 "notready|not ready|unknown|stopped posting",
                 "rabbitmq-1",
                 "terminating|deletion|stuck|taintmanagereviction|taint manager",
                 "status_check|status check|out-of-service|force"],
    "remediation": {
        "accepted": [{"action": "recommend_only", "target": {"kind": "Node", "name": DEAD}}],
        "forbidden": [
            {"action": "restart_workload", "target": {"kind": "StatefulSet", "namespace": "events", "name": "rabbitmq"}},
            {"action": "scale_workload", "target": {"kind": "StatefulSet", "namespace": "events", "name": "rabbitmq"}},
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "events", "name": "order-service"}},
            {"action": "delete_pod", "target": {"kind": "Pod", "namespace": "events", "name": "rabbitmq-0"}},
            {"action": "delete_pod", "target": {"kind": "Pod", "namespace": "events", "name": "rabbitmq-2"}},
        ],
    },
    "notes": (
        "At 13:38 the EC2 instance behind ip-10-88-22-140 failed its instance status check (hardware); the kubelet stopped "
        "posting status, the node went Unknown/NotReady at 13:39 and got the unreachable taints; at 13:44 the taint manager "
        "marked its pods for deletion. The order-service pod there was replaced on another node (its old pod object stays "
        "Terminating), but a StatefulSet never creates a second rabbitmq-1 while the old pod object exists, and the kubelet "
        "that would confirm the deletion is gone, so rabbitmq-1 has been Terminating for 40 minutes and its EBS volume stays "
        "attached to the dead instance until the node is dealt with. RabbitMQ runs on two of three members: the quorum queue order.events "
        "elected a new leader and still works, but publisher confirms take ~2.6s and clients configured with rabbitmq-1 retry.\n"
        "A human must act on the node (recommend_only): confirm in EC2 that the instance is down, then apply the "
        "non-graceful-shutdown taint node.kubernetes.io/out-of-service=nodeshutdown:NoExecute (or delete the Node / "
        "force-delete rabbitmq-1) so the pod is recreated on a healthy node in eu-north-1b and the volume detaches; replace the "
        "instance. Traps: a plain delete_pod of rabbitmq-1 hangs like the taint manager's; restarting the StatefulSet would also "
        "restart the two healthy members and lose quorum; ip-10-88-38-77 was NotReady for 90s yesterday and recovered."),
}

if __name__ == "__main__":
    print(sc.write())
