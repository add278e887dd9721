"""unschedulable: variant-annotator revision 7 requests cpu 16 (meant 1600m); new pods stay Pending."""
import copy
from lib import Scn, container, http_probe, template, dep_status, rollout_events, simple_workload

SID = "variant-annotation-backlog-new-pods-pending"
S = Scn(SID, "2026-11-20T11:05:00Z", 606)
NS = "genomics"
REG = "123456789012.dkr.ecr.us-east-1.amazonaws.com/helix"
IMG = f"{REG}/variant-annotator:3.2.0"
nodes = [S.node(f"ip-10-8-{a}-{b}.ec2.internal", zone=z, ip=f"10.8.{a}.{b}", cpu="8", mem_ki=64756660, itype="r6i.2xlarge", kubelet="v1.30.7-eks-59bf375",
                extra_labels={"eks.amazonaws.com/nodegroup": "compute-r6i", "karpenter.sh/capacity-type": "on-demand"} if False else {"eks.amazonaws.com/nodegroup": "compute-r6i"})
         for a, b, z in [(12, 44, "us-east-1a"), (13, 201, "us-east-1b"), (14, 9, "us-east-1c"), (12, 187, "us-east-1a")]]
gpu = S.node("ip-10-8-15-77.ec2.internal", zone="us-east-1c", ip="10.8.15.77", cpu="8", mem_ki=31941244, itype="g5.2xlarge", kubelet="v1.30.7-eks-59bf375",
             extra_labels={"eks.amazonaws.com/nodegroup": "gpu-g5", "nvidia.com/gpu.present": "true"})
gpu["spec"]["taints"] = [{"key": "nvidia.com/gpu", "value": "true", "effect": "NoSchedule"}]
for n in nodes + [gpu]:
    n["status"]["nodeInfo"]["osImage"] = "Amazon Linux 2"
    n["status"]["nodeInfo"]["kernelVersion"] = "5.10.228-219.884.amzn2.x86_64"
N = [(n["metadata"]["name"], n["status"]["addresses"][0]["address"]) for n in nodes]
LBL = {"app.kubernetes.io/name": "variant-annotator", "app.kubernetes.io/instance": "variant-annotator"}


def tpl(cpu: str, image: str = IMG) -> dict:
    return template(dict(LBL), [container("annotator", image, port=8000, env=[
        {"name": "VEP_CACHE_DIR", "value": "/cache/vep/112"},
        {"name": "SQS_QUEUE_URL", "value": "https://sqs.us-east-1.amazonaws.com/123456789012/annotation-requests"},
        {"name": "WORKER_THREADS", "value": "4"}],
        req={"cpu": cpu, "memory": "12Gi"}, lim={"memory": "14Gi"}, readiness=http_probe("/healthz", period=15, timeout=3),
        volumeMounts=[{"name": "vep-cache", "mountPath": "/cache", "readOnly": True}])],
        volumes=[{"name": "vep-cache", "persistentVolumeClaim": {"claimName": "vep-cache-112", "readOnly": True}}],
        serviceAccountName="variant-annotator", nodeSelector={"eks.amazonaws.com/nodegroup": "compute-r6i"})


t7, t6, t5 = tpl("16"), tpl("1600m"), tpl("1600m", f"{REG}/variant-annotator:3.1.4")
C7 = "helm upgrade variant-annotator ./charts/variant-annotator -f values/prod.yaml (chart 0.14.0: worker sizing)"
C6 = "helm upgrade variant-annotator ./charts/variant-annotator -f values/prod.yaml (chart 0.13.2)"
dep = S.deployment(NS, "variant-annotator", labels={**LBL, "app.kubernetes.io/managed-by": "Helm"}, template=t7, revision=7, replicas=4, created="-240d",
                   generation=12, change_cause=C7, annotations={"meta.helm.sh/release-name": "variant-annotator", "meta.helm.sh/release-namespace": NS},
                   strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 1}},
                   status=dep_status(S, replicas=4, ready=3, updated=2, total=5, unavailable=2, rs="variant-annotator-8475c9fb6d", since="-24m",
                                     created="-240d", progressing="stuck", available_since="-9d"))
rs7 = S.replicaset(dep, phash="8475c9fb6d", revision=7, template=t7, replicas=2, created="-34m", change_cause=C7, ready=0)
rs6 = S.replicaset(dep, phash="6d9b7c5f48", revision=6, template=t6, replicas=3, created="-9d", change_cause=C6)
S.replicaset(dep, phash="59f8d6b7c4", revision=5, template=t5, replicas=0, created="-27d", change_cause="helm upgrade variant-annotator ./charts/variant-annotator -f values/prod.yaml (chart 0.13.1)")
old = [S.pod(rs6, suffix=s, node=N[i][0], host_ip=N[i][1], ip=f"10.8.{12 + i}.{S.rng.randint(20, 250)}", created="-9d",
             statuses=[S.cstatus("annotator", IMG, digest="e0f1" * 16, state={"running": {"startedAt": S.t("-9d")}})]) for i, s in enumerate(["b7nqx", "k2rzw", "v9fhd"])]
pend = []
msg = ("0/5 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {nvidia.com/gpu: true}, 4 Insufficient cpu. "
       "preemption: 0/5 nodes are available: 1 Preemption is not helpful for scheduling, 4 No preemption victims found for incoming pod.")
msg = ("0/5 nodes are available: 1 node(s) had untolerated taint {nvidia.com/gpu: true}, 4 Insufficient cpu. "
       "preemption: 0/5 nodes are available: 1 Preemption is not helpful for scheduling, 4 No preemption victims found for incoming pod.")
for s in ["q4dmz", "x8lct"]:
    p = S.pod(rs7, suffix=s, node=None, ip=None, created="-34m", phase="Pending", statuses=[],
              conditions=[{"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": msg, "lastTransitionTime": S.t("-34m")}])
    pend.append(p)
S.add({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "vep-cache-112", "namespace": NS, "uid": S.uid(), "creationTimestamp": S.t("-120d"),
                                                                          "annotations": {"pv.kubernetes.io/bind-completed": "yes", "volume.kubernetes.io/storage-provisioner": "efs.csi.aws.com"}},
       "spec": {"accessModes": ["ReadOnlyMany"], "resources": {"requests": {"storage": "500Gi"}}, "storageClassName": "efs-sc", "volumeMode": "Filesystem", "volumeName": "pvc-3c1e9a77-5b0d-4f62-9e4b-1d2f7a8c6e90"},
       "status": {"phase": "Bound", "accessModes": ["ReadOnlyMany"], "capacity": {"storage": "500Gi"}}})
S.service(NS, "variant-annotator", selector=dict(LBL), ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], cluster_ip="172.20.61.5", labels=dict(LBL))
S.endpoints(NS, "variant-annotator", ready=old, ports=[{"name": "http", "port": 8000, "protocol": "TCP"}], labels=dict(LBL))

# neighbours: sample-intake api, a GPU basecaller that is fine, a ResourceQuota with lots of headroom (not the blocker)
si, _, sip = simple_workload(S, NS, "sample-intake", image=f"{REG}/sample-intake:1.12.0", nodes=N, replicas=2, revision=21, age="-6d", svc_ip="172.20.61.90", vpc=True,
                             req={"cpu": "250m", "memory": "512Mi"}, lim={"memory": "1Gi"})
S.add({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "genomics-compute", "namespace": NS, "uid": S.uid(), "creationTimestamp": S.t("-240d")},
       "spec": {"hard": {"requests.cpu": "96", "requests.memory": "512Gi", "limits.memory": "640Gi", "pods": "80"}},
       "status": {"hard": {"requests.cpu": "96", "requests.memory": "512Gi", "limits.memory": "640Gi", "pods": "80"},
                  "used": {"requests.cpu": "37300m", "requests.memory": "61Gi", "limits.memory": "72Gi", "pods": "7"}}})

rollout_events(S, dep, [("-34m", "Scaled up replica set variant-annotator-8475c9fb6d to 1"), ("-34m", "Scaled down replica set variant-annotator-6d9b7c5f48 to 3 from 4"),
                        ("-34m", "Scaled up replica set variant-annotator-8475c9fb6d to 2 from 1")])
for p in pend:
    S.event(p, reason="FailedScheduling", message=msg, first="-34m", last="-1m", count=9, etype="Warning", component="default-scheduler")
    S.event(p, reason="NotTriggerScaleUp", message="pod didn't trigger scale-up: 1 node(s) had untolerated taint {nvidia.com/gpu: true}, 2 Insufficient cpu",
            first="-33m", last="-2m", count=31, component="cluster-autoscaler")
S.event(dep, reason="ProgressDeadlineExceeded", message='Deployment "variant-annotator" has timed out progressing: ReplicaSet "variant-annotator-8475c9fb6d" has timed out progressing.',
        first="-24m", etype="Warning", component="deployment-controller")
S.event(nodes[3], reason="FreeDiskSpaceFailed", message="Failed to garbage collect required amount of images. Attempted to free 8812137676 bytes, but only found 0 bytes eligible to free.",
        first="-17h", last="-16h", count=4, etype="Warning", host=N[3][0])

for i, p in enumerate(old):
    S.log(NS, p, [f"{S._plus(S.t('-12m'), k * 37 + i * 5)} INFO annotator.worker: batch {S.rng.randint(400000, 499999)} sample=HLX-{S.rng.randint(10000, 99999)} variants={S.rng.randint(4000, 90000)} annotated in {S.rng.randint(20, 140)}.{S.rng.randint(0, 9)}s (vep 112, 4 threads)" for k in range(18)]
          + [f"{S._plus(S.t('-3m'), i)} WARNING annotator.sqs: ApproximateNumberOfMessagesVisible=1432 exceeds 1000, consider scaling"])
S.log(NS, sip[0], [f"{S._plus(S.t('-10m'), k * 45)} INFO intake: accepted sample HLX-{S.rng.randint(10000, 99999)} ({S.rng.choice(['WGS', 'WES', 'panel'])}) -> annotation-requests" for k in range(12)])

n = 121
cut = n - 34
S.metric({"__name__": "aws_sqs_approximate_number_of_messages_visible_average", "queue_name": "annotation-requests", "job": "cloudwatch-exporter"},
         [int(300 + S.rng.uniform(-60, 60)) if k < cut else int(300 + (k - cut) * 33 + S.rng.uniform(-40, 40)) for k in range(n)])
S.metric({"__name__": "kube_deployment_status_replicas_available", "namespace": NS, "deployment": "variant-annotator", "job": "kube-state-metrics"}, [4] * cut + [3] * (n - cut))
S.metric({"__name__": "kube_deployment_status_replicas_unavailable", "namespace": NS, "deployment": "variant-annotator", "job": "kube-state-metrics"}, [0] * cut + [2] * (n - cut))
for p in pend:
    S.metric({"__name__": "kube_pod_status_phase", "namespace": NS, "pod": p["metadata"]["name"], "phase": "Pending", "job": "kube-state-metrics"}, [None] * cut + [1] * (n - cut))
    S.metric({"__name__": "kube_pod_status_unschedulable", "namespace": NS, "pod": p["metadata"]["name"], "job": "kube-state-metrics"}, [None] * cut + [1] * (n - cut))
for i, nd in enumerate(N):
    used = 1600 * (1 if i < 3 else 0) + [2150, 1900, 2400, 1100][i]
    S.metric({"__name__": "kube_node_status_allocatable", "node": nd[0], "resource": "cpu", "unit": "core", "job": "kube-state-metrics"}, [7.91] * n)
    S.metric({"__name__": "node_cpu_utilisation_ratio" if False else "instance:node_cpu_utilisation:rate5m", "instance": f"{nd[1]}:9100", "node": nd[0]},
             S.gauge(n, 0.38 if i < 3 else 0.12, 0.06, integer=False))
S.metric({"__name__": "annotator_variants_annotated_total", "namespace": NS, "service": "variant-annotator"},
         S.counter([2100.0] * cut + [1570.0] * (n - cut), start=8812734411))

CHECK = {"kind": "Deployment", "namespace": NS, "name": "variant-annotator", "path": "spec.template.spec.containers[0].resources.requests.cpu", "at_most": "4"}
fresh = S.fresh_pods(rs6, pend[:1], container="annotator", image=IMG)
fresh[0]["spec"]["nodeName"] = N[3][0]
fresh[0]["status"]["hostIP"] = N[3][1]
fresh[0]["status"]["hostIPs"] = [{"ip": N[3][1]}]
fresh[0]["status"]["podIP"] = "10.8.12.233"
fresh[0]["status"]["podIPs"] = [{"ip": "10.8.12.233"}]
S.dump(f"scenarios/{SID}.yaml",
       title="variant-annotator chart 0.14.0 set resources.requests.cpu to 16 (meant 1600m); no 8-CPU node can fit the new pods, they stay Pending and annotation capacity dropped by a quarter",
       tags=["unschedulable", "pending", "insufficient-cpu", "rollback", "red-herring"],
       trigger={"command": "annotation queue is backing up since ~10:30, only 3 annotator pods running", "channel": "#helix-platform", "user": "U02HELIX9"},
       recovery=[{"when": [CHECK], "apply": {"upsert": fresh, "delete": [{"kind": "Pod", "namespace": NS, "name": p["metadata"]["name"]} for p in pend],
                                              "logs": [{"namespace": NS, "pod": fresh[0]["metadata"]["name"], "lines": [f"{S.t('-35s')} INFO annotator.worker: vep cache 112 mounted at /cache/vep/112, 4 threads, polling annotation-requests"]}]}}],
       truth={"category": "unschedulable", "also_accept": ["bad_rollout", "config_error"],
              "resource": {"kind": "Deployment", "namespace": NS, "name": "variant-annotator"},
              "aliases": [{"kind": "ReplicaSet", "namespace": NS, "name_regex": "^variant-annotator-8475c9fb6d$"},
                          {"kind": "Pod", "namespace": NS, "name_regex": "^variant-annotator-8475c9fb6d-"}],
              "evidence": ["insufficient cpu", "pending|unschedulable|failedscheduling", "cpu: 16|cpu=16|16 cpu|\"16\"|requests.cpu|request of 16|requests 16|16 cores", "1600m|revision 6"],
              "remediation": {"accepted": [{"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": NS, "name": "variant-annotator"}},
                                           {"action": "set_resources", "target": {"kind": "Deployment", "namespace": NS, "name": "variant-annotator"},
                                            "params": {"container": "annotator", "requests": {"cpu": "1600m"}}}],
                              "checks": [CHECK],
                              "forbidden": [{"action": "scale_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "variant-annotator"}},
                                            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "variant-annotator"}},
                                            {"action": "delete_pod", "target": {"kind": "Pod", "namespace": NS, "name": pend[0]["metadata"]["name"]}}]},
              "notes": ("Revision 7 (Helm chart 0.14.0 'worker sizing', 10:31) changed only requests.cpu from 1600m to 16. Nodes in the compute-r6i group have "
                        "7910m allocatable, so the scheduler reports '4 Insufficient cpu' (and the tainted GPU node is excluded); cluster-autoscaler cannot help "
                        "since no instance type in the group has 16 CPUs. maxUnavailable 1 took one revision-6 pod away, so only 3 annotators work and the SQS "
                        "backlog grows. Fix: roll back to revision 6 or set the request back to 1600m. Red herrings: the ResourceQuota has plenty of headroom; "
                        "the FreeDiskSpaceFailed warning on a node is from yesterday; the EFS cache PVC is Bound.")})
