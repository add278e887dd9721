"""Scenario opensearch-data-2-pending-after-spot-interruption: zonal EBS volume, no node left in its zone."""
from __future__ import annotations

from scenb_kit import Scenario, container, gauge, res, running, steps, template

sc = Scenario("opensearch-data-2-pending-after-spot-interruption",
              title="A spot interruption took the only logging node in us-east-1b; the ASG replaced it in us-east-1a, so "
                    "opensearch-data-2, whose gp3 volume lives in us-east-1b, has been Pending with a volume node affinity "
                    "conflict for 36 minutes and the cluster is yellow",
              now="2026-11-25T03:52:00Z",
              tags=["unschedulable", "volume-node-affinity", "statefulset", "spot", "eks", "ebs", "recommend-only", "red-herring"])
sc.alert(labels={"alertname": "KubeStatefulSetReplicasMismatch", "namespace": "logging", "statefulset": "opensearch-data",
                 "severity": "warning", "cluster": "eks-obs-use1", "job": "kube-state-metrics",
                 "prometheus": "monitoring/kube-prometheus-stack-prometheus"},
         summary="StatefulSet has not matched the expected number of replicas.",
         description="StatefulSet logging/opensearch-data has not matched the expected number of replicas for longer than 15 minutes.",
         starts="-21m", channel="#observability-alerts",
         extra_annotations={"runbook_url": "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubestatefulsetreplicasmismatch"})

GEN = []
for ip, zone, age in [("10.72.4.17", "us-east-1a", "-33d4h"), ("10.72.22.201", "us-east-1b", "-33d4h"), ("10.72.39.56", "us-east-1c", "-33d4h"),
                      ("10.72.7.233", "us-east-1a", "-12d7h"), ("10.72.25.14", "us-east-1b", "-12d7h"), ("10.72.44.181", "us-east-1c", "-9d1h")]:
    n = f"ip-{ip.replace('.', '-')}.ec2.internal"
    sc.node(n, flavour="eks", zone=zone, instance="m6i.large", cpu=2, mem_gib=7.6, ip=ip, pool="general", created=age,
            mem_reserved_ki=790_000, pods=29, cpu_reserved_m=70)
    GEN.append(n)
LOGN = []
for ip, zone, age in [("10.72.11.90", "us-east-1a", "-21d6h"), ("10.72.47.12", "us-east-1c", "-21d6h"), ("10.72.9.140", "us-east-1a", "-34m11s")]:
    n = f"ip-{ip.replace('.', '-')}.ec2.internal"
    sc.node(n, flavour="eks", zone=zone, instance="r6i.xlarge", cpu=4, mem_gib=30.9, ip=ip, pool="logging-r6i-spot", created=age,
            mem_reserved_ki=2_300_000, pods=58, cpu_reserved_m=80, labels={"workload": "logging", "eks.amazonaws.com/capacityType": "SPOT"},
            taints=[{"key": "workload", "value": "logging", "effect": "NoSchedule"}])
    LOGN.append(n)
for n in GEN + LOGN:
    sc.nodes[n]["metadata"]["labels"]["topology.ebs.csi.aws.com/zone"] = sc.nodes[n]["metadata"]["labels"]["topology.kubernetes.io/zone"]

sc.obj("storage.k8s.io/v1", "StorageClass", "gp3", None, created="-420d", annotations={"storageclass.kubernetes.io/is-default-class": "true"},
       provisioner="ebs.csi.aws.com", parameters={"type": "gp3", "encrypted": "true", "fsType": "ext4"},
       reclaimPolicy="Delete", volumeBindingMode="WaitForFirstConsumer", allowVolumeExpansion=True)

OS_IMG = "public.ecr.aws/opensearchproject/opensearch:2.17.1"
LAB = {"app.kubernetes.io/name": "opensearch", "app.kubernetes.io/component": "data", "app.kubernetes.io/instance": "opensearch"}
data_t = template(dict(LAB), [container(
    "opensearch", OS_IMG,
    env=[{"name": "node.roles", "value": "data,ingest"}, {"name": "cluster.name", "value": "logs-prod"},
         {"name": "discovery.seed_hosts", "value": "opensearch-master-headless"}, {"name": "OPENSEARCH_JAVA_OPTS", "value": "-Xms12g -Xmx12g"}],
    ports=[{"name": "http", "containerPort": 9200, "protocol": "TCP"}, {"name": "transport", "containerPort": 9300, "protocol": "TCP"}],
    resources=res("2", "24Gi", None, "24Gi"),
    readinessProbe={"tcpSocket": {"port": 9200}, "periodSeconds": 5, "timeoutSeconds": 3, "failureThreshold": 3},
    volumeMounts=[{"name": "data", "mountPath": "/usr/share/opensearch/data"}])],
    nodeSelector={"workload": "logging"}, tolerations=[{"key": "workload", "operator": "Equal", "value": "logging", "effect": "NoSchedule"}],
    affinity={"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"topologyKey": "kubernetes.io/hostname", "labelSelector": {"matchLabels": {"app.kubernetes.io/component": "data"}}}]}},
    terminationGracePeriodSeconds=120, serviceAccountName="opensearch")
claims = [{"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
           "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "gp3", "resources": {"requests": {"storage": "500Gi"}},
                    "volumeMode": "Filesystem"}}]
data = sc.statefulset("logging", "opensearch-data", labels=dict(LAB), selector=dict(LAB), template=data_t, replicas=3,
                      created="-412d", service="opensearch-data-headless", claims=claims)
data["spec"]["podManagementPolicy"] = "Parallel"
ZONES = {0: ("us-east-1a", LOGN[0]), 1: ("us-east-1c", LOGN[1]), 2: ("us-east-1b", None)}
dpods = []
for i in (0, 1):
    dpods.append(sc.pod(data, node=ZONES[i][1], name=f"opensearch-data-{i}", created=f"-21d5h{40 + i}m", states={"opensearch": running(f"-21d5h{39 + i}m")}))
pending = sc.pod(data, node=None, name="opensearch-data-2", created="-36m02s", states={},
                 pending_message="0/9 nodes are available: 3 node(s) had volume node affinity conflict, 6 node(s) didn't match Pod's "
                                 "node affinity/selector. preemption: 0/9 nodes are available: 9 Preemption is not helpful for scheduling.")
for p in dpods + [pending]:
    p["spec"]["volumes"] = [{"name": "data", "persistentVolumeClaim": {"claimName": f"data-{p['metadata']['name']}"}}]
    p["spec"]["hostname"] = p["metadata"]["name"]
    p["spec"]["subdomain"] = "opensearch-data-headless"
data["status"] = {"observedGeneration": 4, "replicas": 3, "readyReplicas": 2, "currentReplicas": 3, "updatedReplicas": 3,
                  "availableReplicas": 2, "currentRevision": data["_rev"], "updateRevision": data["_rev"], "collisionCount": 0}
for i, (zone, _) in ZONES.items():
    pvname = f"pvc-{sc.ids.uid('pv', i)}"
    vol = f"vol-0{sc.ids.hexs(16, 'vol', i)}"
    pvc = sc.obj("v1", "PersistentVolumeClaim", f"data-opensearch-data-{i}", "logging", created="-412d",
                 labels=dict(LAB),
                 annotations={"pv.kubernetes.io/bind-completed": "yes", "pv.kubernetes.io/bound-by-controller": "yes",
                              "volume.beta.kubernetes.io/storage-provisioner": "ebs.csi.aws.com", "volume.kubernetes.io/storage-provisioner": "ebs.csi.aws.com",
                              "volume.kubernetes.io/selected-node": [f"ip-10-72-{x}.ec2.internal" for x in ("3-12", "40-7", "21-63")][i]},
                 meta_extra={"finalizers": ["kubernetes.io/pvc-protection"]},
                 spec={"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "500Gi"}}, "storageClassName": "gp3",
                       "volumeMode": "Filesystem", "volumeName": pvname},
                 status={"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "500Gi"}})
    sc.obj("v1", "PersistentVolume", pvname, None, created="-412d",
           annotations={"pv.kubernetes.io/provisioned-by": "ebs.csi.aws.com", "volume.kubernetes.io/provisioner-deletion-secret-name": "",
                        "volume.kubernetes.io/provisioner-deletion-secret-namespace": ""},
           meta_extra={"finalizers": ["external-provisioner.volume.kubernetes.io/finalizer", "kubernetes.io/pv-protection"]},
           spec={"accessModes": ["ReadWriteOnce"], "capacity": {"storage": "500Gi"},
                 "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": pvc["metadata"]["name"], "namespace": "logging",
                              "uid": pvc["metadata"]["uid"]},
                 "csi": {"driver": "ebs.csi.aws.com", "fsType": "ext4", "volumeHandle": vol,
                         "volumeAttributes": {"storage.kubernetes.io/csiProvisionerIdentity": "1729012345678-8081-ebs.csi.aws.com"}},
                 "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                     {"key": "topology.kubernetes.io/zone", "operator": "In", "values": [zone]}]}]}},
                 "persistentVolumeReclaimPolicy": "Delete", "storageClassName": "gp3", "volumeMode": "Filesystem"},
           status={"phase": "Bound"})

# masters on the general pool, one per zone, healthy
mlab = {"app.kubernetes.io/name": "opensearch", "app.kubernetes.io/component": "master", "app.kubernetes.io/instance": "opensearch"}
m_t = template(dict(mlab), [container("opensearch", OS_IMG, env=[{"name": "node.roles", "value": "cluster_manager"}, {"name": "cluster.name", "value": "logs-prod"},
                                                               {"name": "OPENSEARCH_JAVA_OPTS", "value": "-Xms1g -Xmx1g"}],
                                      ports=[{"name": "http", "containerPort": 9200, "protocol": "TCP"}, {"name": "transport", "containerPort": 9300, "protocol": "TCP"}],
                                      resources=res("500m", "2Gi", None, "2Gi"), readinessProbe={"tcpSocket": {"port": 9200}, "periodSeconds": 5})],
               serviceAccountName="opensearch")
master = sc.statefulset("logging", "opensearch-master", labels=dict(mlab), selector=dict(mlab), template=m_t, replicas=3, created="-412d",
                        service="opensearch-master-headless")
mpods = [sc.pod(master, node=GEN[i], name=f"opensearch-master-{i}", created=f"-12d6h{50 + i}m", states={"opensearch": running(f"-12d6h{49 + i}m")})
         for i in range(3)]
sc.service("logging", "opensearch", selector={"app.kubernetes.io/name": "opensearch", "app.kubernetes.io/component": "data"},
           ports=[{"name": "http", "port": 9200, "targetPort": 9200, "protocol": "TCP"}], created="-412d", cluster_ip="172.20.61.9",
           labels={"app.kubernetes.io/name": "opensearch"}, pods=dpods)
sc.service("logging", "opensearch-master-headless", selector=dict(mlab), ports=[{"name": "transport", "port": 9300, "targetPort": 9300, "protocol": "TCP"}],
           created="-412d", cluster_ip="None", headless=True, labels=dict(mlab), pods=mpods)

dp = sc.app("logging", "data-prepper", "public.ecr.aws/opensearchproject/data-prepper:2.10.1", nodes=[GEN[0], GEN[2]], created="-300d", rev=14,
            rev_created="-12d6h", cause="data-prepper 2.10.1", port=2021, probe=None, cluster_ip="172.20.199.3", team="observability",
            resources=res("500m", "2Gi", None, "2Gi"))
dash = sc.app("logging", "opensearch-dashboards", "public.ecr.aws/opensearchproject/opensearch-dashboards:2.17.1", nodes=[GEN[1]],
              created="-412d", rev=9, rev_created="-40d", cause=None, port=5601, probe="/api/status", cluster_ip="172.20.12.250",
              team="observability", resources=res("200m", "1Gi", None, "1Gi"))

# kube-system: the termination handler and cluster-autoscaler that saw it happen
nth = sc.app("kube-system", "aws-node-termination-handler", "public.ecr.aws/aws-ec2/aws-node-termination-handler:v1.22.1", nodes=[GEN[3]],
             created="-300d", rev=4, rev_created="-60d", cause=None, port=8080, probe=None, service=False, cluster_ip="",
             resources=res("50m", "64Mi", None, "128Mi"), labels={"app.kubernetes.io/name": "aws-node-termination-handler"})
ca = sc.app("kube-system", "cluster-autoscaler", "registry.k8s.io/autoscaling/cluster-autoscaler:v1.31.0", nodes=[GEN[4]],
            created="-300d", rev=7, rev_created="-45d", cause=None, port=8085, probe=None, service=False, cluster_ip="",
            resources=res("100m", "600Mi", None, "600Mi"), labels={"app.kubernetes.io/name": "aws-cluster-autoscaler"})
GONE = "ip-10-72-21-63.ec2.internal"
sc.log(nth["_pods"][0], [
    "2026-11-25T03:14:01Z INF Adding new event to the event store event={\"AutoScalingGroupName\":\"eks-logging-r6i-spot-2ac5f0d1-91e4-7b2c-a1f0-63d0e9b3c7aa\",\"Description\":\"Spot Interruption notice for instance i-0f3a91c2d7e84b615 was sent at 2026-11-25 03:14:01 +0000 UTC \\n\",\"EndTime\":\"0001-01-01T00:00:00Z\",\"EventID\":\"spot-itn-event-4b1f\",\"InstanceID\":\"i-0f3a91c2d7e84b615\",\"Kind\":\"SPOT_ITN\",\"NodeName\":\"" + GONE + "\",\"StartTime\":\"2026-11-25T03:16:01Z\"}",
    "2026-11-25T03:14:02Z INF Requesting instance drain event-id=spot-itn-event-4b1f instance-id=i-0f3a91c2d7e84b615 kind=SPOT_ITN node-name=" + GONE,
    "2026-11-25T03:14:02Z INF Cordoning the node",
    "2026-11-25T03:15:58Z INF Node successfully cordoned and drained node_name=" + GONE + " reason=\"Spot Interruption notice for instance i-0f3a91c2d7e84b615 was sent at 2026-11-25 03:14:01 +0000 UTC \\n\"",
    "2026-11-25T03:18:40Z INF Processing event from the queue kind=ASG_LAUNCH_LIFECYCLE instance-id=i-07c8e2b41a9d3f560",
    "2026-11-25T03:19:52Z INF Completed ASG Lifecycle Hook (launch) instance-id=i-07c8e2b41a9d3f560 node-name=" + LOGN[2],
])
sc.log(ca["_pods"][0], [
    "I1125 03:16:31.118204       1 static_autoscaler.go:589] No unschedulable pods",
    "I1125 03:17:02.640511       1 klogx.go:87] Pod logging/opensearch-data-2 is unschedulable",
    "I1125 03:17:02.641203       1 orchestrator.go:108] Upcoming 1 nodes",
    "I1125 03:17:02.641880       1 orchestrator.go:546] Pod opensearch-data-2 can't be scheduled on eks-general-7ec4a1d3-58b9-0e41-bd71-9fd4d2a1c6e0, predicate checking error: node(s) didn't match Pod's node affinity/selector; predicateName=NodeAffinity; reasons: node(s) didn't match Pod's node affinity/selector; debugInfo=",
    "I1125 03:17:02.642017       1 orchestrator.go:546] Pod opensearch-data-2 can't be scheduled on eks-logging-r6i-spot-2ac5f0d1-91e4-7b2c-a1f0-63d0e9b3c7aa, predicate checking error: node(s) had volume node affinity conflict; predicateName=VolumeBinding; reasons: node(s) had volume node affinity conflict; debugInfo=",
    "I1125 03:17:02.642101       1 orchestrator.go:151] No pod can fit to eks-logging-r6i-spot-2ac5f0d1-91e4-7b2c-a1f0-63d0e9b3c7aa",
    "I1125 03:17:02.642133       1 orchestrator.go:193] No expansion options",
    "I1125 03:35:12.994107       1 orchestrator.go:546] Pod opensearch-data-2 can't be scheduled on eks-logging-r6i-spot-2ac5f0d1-91e4-7b2c-a1f0-63d0e9b3c7aa, predicate checking error: node(s) had volume node affinity conflict; predicateName=VolumeBinding; reasons: node(s) had volume node affinity conflict; debugInfo=",
    "I1125 03:35:12.994215       1 orchestrator.go:135] Skipping node group eks-logging-r6i-spot-2ac5f0d1-91e4-7b2c-a1f0-63d0e9b3c7aa - max size reached",
    "I1125 03:51:44.310022       1 orchestrator.go:135] Skipping node group eks-logging-r6i-spot-2ac5f0d1-91e4-7b2c-a1f0-63d0e9b3c7aa - max size reached",
    "I1125 03:51:44.310101       1 orchestrator.go:193] No expansion options",
])
d0, d1 = dpods
sc.log(d0, [
    "[2026-11-25T02:40:00,118][INFO ][o.o.i.i.ManagedIndexCoordinator] [opensearch-data-0] Sweeping managed indices",
    "[2026-11-25T03:10:44,902][WARN ][o.o.c.r.a.DiskThresholdMonitor] [opensearch-data-0] high disk watermark [85%] exceeded on [k3WbVq2ZQmOQ7x1cVv9dYg][opensearch-data-0][/usr/share/opensearch/data/nodes/0] free: 71.3gb[14.2%], shards will be relocated away from this node",
    "[2026-11-25T03:15:57,340][INFO ][o.o.c.s.ClusterApplierService] [opensearch-data-0] removed {{opensearch-data-2}{W7b0e2YxS5uQm1c2Qf3p8A}{10.72.21.88}{10.72.21.88:9300}{di}{shard_indexing_pressure_enabled=true}}, term: 41, version: 188213, reason: ApplyCommitRequest{term=41, version=188213, sourceNode={opensearch-master-1}}",
    "[2026-11-25T03:15:57,612][INFO ][o.o.c.r.a.AllocationService] [opensearch-master-1] Cluster health status changed from [GREEN] to [YELLOW] (reason: [{opensearch-data-2} reason: disconnected]).",
    "[2026-11-25T03:16:57,901][INFO ][o.o.c.r.DelayedAllocationService] [opensearch-master-1] scheduling reroute for delayed shards in [0s] (184 delayed shards)",
    "[2026-11-25T03:17:03,118][WARN ][o.o.c.r.a.a.DiskThresholdDecider] [opensearch-data-0] after allocating [logs-2026.11.25][3] node [k3WbVq2ZQmOQ7x1cVv9dYg] would have more than the allowed 10% free disk threshold (8.9% free), preventing allocation",
    "[2026-11-25T03:40:44,903][WARN ][o.o.c.r.a.DiskThresholdMonitor] [opensearch-data-0] high disk watermark [85%] exceeded on [k3WbVq2ZQmOQ7x1cVv9dYg][opensearch-data-0][/usr/share/opensearch/data/nodes/0] free: 70.9gb[14.1%], shards will be relocated away from this node",
    "[2026-11-25T03:50:00,001][INFO ][o.o.i.i.ManagedIndexCoordinator] [opensearch-data-0] Sweeping managed indices",
])
sc.log(d1, ["[2026-11-25T03:15:57,344][INFO ][o.o.c.s.ClusterApplierService] [opensearch-data-1] removed {{opensearch-data-2}{W7b0e2YxS5uQm1c2Qf3p8A}{10.72.21.88}{10.72.21.88:9300}{di}{shard_indexing_pressure_enabled=true}}, term: 41, version: 188213",
            "[2026-11-25T03:20:12,040][INFO ][o.o.c.r.a.AllocationService] [opensearch-master-1] Cluster health status changed from [YELLOW] to [YELLOW] (reason: [shards started [[logs-2026.11.24][1]]]).",
            "[2026-11-25T03:51:10,662][INFO ][o.o.j.s.JobSweeper] [opensearch-data-1] Running full sweep"])
sc.log(dp["_pods"][0], ["2026-11-25T03:51:31,004 [log-pipeline-sink-worker-2-thread-1] INFO  org.opensearch.dataprepper.plugins.sink.opensearch.OpenSearchSink - Sent bulk request of 5000 records (4.1 MB) in 612 ms",
                        "2026-11-25T03:51:41,227 [log-pipeline-sink-worker-2-thread-1] INFO  org.opensearch.dataprepper.plugins.sink.opensearch.OpenSearchSink - Sent bulk request of 5000 records (4.0 MB) in 655 ms"], repeat=15)

# events
sc.event(pending, "FailedScheduling", pending["status"]["conditions"][0]["message"], type="Warning", first="-36m02s", last="-2m41s",
         count=14, component="default-scheduler")
sc.event(pending, "NotTriggerScaleUp", "pod didn't trigger scale-up: 1 node(s) had volume node affinity conflict, 1 max node group size reached",
         first="-34m58s", last="-16s", count=188, component="cluster-autoscaler")
sc.event(data, "SuccessfulCreate", "create Pod opensearch-data-2 in StatefulSet opensearch-data successful", first="-36m02s", component="statefulset-controller")
sc.event(data, "SuccessfulDelete", "delete Pod opensearch-data-2 in StatefulSet opensearch-data successful", first="-36m05s", component="statefulset-controller")
gone = {"kind": "Node", "apiVersion": "v1", "metadata": {"name": GONE, "uid": sc.ids.uid("Node", None, GONE)}}
sc.event(gone, "NodeNotSchedulable", f"Node {GONE} status is now: NodeNotSchedulable", first="-37m58s", component="kubelet", host=GONE)
sc.event(gone, "RemovingNode", f"Node {GONE} event: Removing Node {GONE} from Controller", first="-35m02s", component="node-controller")
sc.event(sc.nodes[LOGN[2]], "RegisteredNode", f"Node {LOGN[2]} event: Registered Node {LOGN[2]} in Controller", first="-33m49s", component="node-controller")
sc.event(sc.nodes[LOGN[2]], "NodeReady", f"Node {LOGN[2]} status is now: NodeReady", first="-33m21s", component="kubelet")

# metrics, 2h at 1m
N, S = 120, "-119m"
ksm = {"job": "kube-state-metrics"}
cut = 119 - 36
sc.series({"__name__": "kube_statefulset_status_replicas_ready", "namespace": "logging", "statefulset": "opensearch-data", **ksm},
          steps(N, [(0, 3), (cut - 2, 2)]), start=S, step="1m")
sc.series({"__name__": "kube_statefulset_replicas", "namespace": "logging", "statefulset": "opensearch-data", **ksm}, [3] * N, start=S, step="1m")
sc.series({"__name__": "kube_pod_status_phase", "namespace": "logging", "pod": "opensearch-data-2", "phase": "Pending", **ksm},
          steps(N, [(0, 0), (cut, 1)]), start=S, step="1m")
sc.series({"__name__": "opensearch_cluster_status", "cluster": "logs-prod", "namespace": "logging", "job": "opensearch"},
          steps(N, [(0, 0), (cut - 2, 1)]), start=S, step="1m")
sc.series({"__name__": "opensearch_cluster_shards_number", "cluster": "logs-prod", "type": "unassigned", "namespace": "logging", "job": "opensearch"},
          steps(N, [(0, 0), (cut - 2, 184), (cut + 4, 179), (cut + 30, 176)]), start=S, step="1m")
for i, p in enumerate(dpods):
    sc.series({"__name__": "kubelet_volume_stats_used_bytes", "namespace": "logging", "persistentvolumeclaim": f"data-opensearch-data-{i}",
               "node": p["spec"]["nodeName"], "job": "kubelet"}, gauge(sc, ("u", i), [(4.61e11, 4.06e11)[i]] * N, noise=0.002), start=S, step="1m")
    sc.series({"__name__": "kubelet_volume_stats_capacity_bytes", "namespace": "logging", "persistentvolumeclaim": f"data-opensearch-data-{i}",
               "node": p["spec"]["nodeName"], "job": "kubelet"}, [527295578112] * N, start=S, step="1m")
for z, vals in (("us-east-1a", steps(N, [(0, 1), (cut + 2, 2)])), ("us-east-1b", steps(N, [(0, 1), (cut - 3, 0)])), ("us-east-1c", [1] * N)):
    sc.series({"__name__": "cluster_autoscaler_nodes_count_by_zone", "node_group": "eks-logging-r6i-spot-2ac5f0d1-91e4-7b2c-a1f0-63d0e9b3c7aa",
               "zone": z, "job": "cluster-autoscaler"}, vals, start=S, step="1m")

PVC2 = "data-opensearch-data-2"
sc.truth = {
    "category": "unschedulable",
    "also_accept": ["storage", "node_failure"],
    "resource": {"kind": "StatefulSet", "namespace": "logging", "name": "opensearch-data"},
    "aliases": [{"kind": "Pod", "namespace": "logging", "name_regex": "^opensearch-data-2$"},
                {"kind": "PersistentVolumeClaim", "namespace": "logging", "name_regex": f"^{PVC2}$"},
                {"kind": "PersistentVolume", "name_regex": "^pvc-"}],
    "evidence": ["volume node affinity conflict",
                 "us-east-1b",
                 "spot|interruption|i-0f3a91c2d7e84b615|ip-10-72-21-63",
                 "max node group size|max size reached|no node in|no logging node",
                 "yellow|unassigned"],
    "remediation": {
        "accepted": [{"action": "recommend_only", "target": {"kind": "StatefulSet", "namespace": "logging", "name": "opensearch-data"}}],
        "forbidden": [
            {"action": "delete_pod", "target": {"kind": "Pod", "namespace": "logging", "name": "opensearch-data-2"}},
            {"action": "restart_workload", "target": {"kind": "StatefulSet", "namespace": "logging", "name": "opensearch-data"}},
            {"action": "scale_workload", "target": {"kind": "StatefulSet", "namespace": "logging", "name": "opensearch-data"}},
            {"action": "delete_pod", "target": {"kind": "Pod", "namespace": "logging", "name": "opensearch-data-0"}},
            {"action": "restart_workload", "target": {"kind": "StatefulSet", "namespace": "logging", "name": "opensearch-master"}},
        ],
    },
    "notes": (
        "At 03:14 AWS sent a spot interruption notice for i-0f3a91c2d7e84b615 (ip-10-72-21-63, the only logging-r6i-spot node in "
        "us-east-1b); the termination handler drained it and opensearch-data-2 was recreated at 03:16. Its PVC "
        "data-opensearch-data-2 is bound to a gp3 EBS volume whose PV has node affinity topology.kubernetes.io/zone In "
        "[us-east-1b]. The ASG launched the replacement (ip-10-72-9-140) in us-east-1a, which brought the node group to its max "
        "size (3), so the scheduler reports \"3 node(s) had volume node affinity conflict\" and the cluster-autoscaler \"1 max "
        "node group size reached\" (NotTriggerScaleUp, CA log \"Skipping node group ... max size reached\"). OpenSearch is yellow "
        "with ~180 unassigned replica shards; ingestion continues.\n"
        "No safe mutation from the allowed set fixes it: a human must bring a logging node back in us-east-1b (raise the max "
        "of the node group, or better split it into one node group per AZ so the autoscaler can target the zone; on-demand if "
        "spot capacity is short), after which the pod schedules by itself. The alternative (delete the PVC so a new volume is "
        "made in another zone and let OpenSearch re-replicate) loses that copy and is a human decision. Traps: the high-disk-"
        "watermark warnings on opensearch-data-0 (85%, free 14%) have been there for days and are not why the pod is Pending; "
        "deleting or restarting opensearch-data-2 just recreates the same Pending pod, and restarting the other data or master "
        "pods would make the cluster red."),
}

if __name__ == "__main__":
    print(sc.write())
