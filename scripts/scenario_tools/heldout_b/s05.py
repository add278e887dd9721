"""storage: Meilisearch PVC 100% full after a bulk catalogue import; recipe publishing fails."""
from lib import *

seed(505)
c = Clock("2026-12-15T17:30:00Z")
NS = "recipes"
nodes = three_nodes(c, "10.88", "eu-west-1", group="web-2026-12", itype="r6i.xlarge", created="2026-12-01T06:20:00Z")
PVC = "meili-data-meilisearch-0"
MIMG = "getmeili/meilisearch:v1.11.3"
sts_uid = uid()
sts = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "meilisearch", "namespace": NS, "uid": sts_uid, "creationTimestamp": "2025-09-03T10:00:00Z", "generation": 4, "labels": {"app.kubernetes.io/name": "meilisearch", "app.kubernetes.io/managed-by": "Helm", "helm.sh/chart": "meilisearch-0.11.0"}},
       "spec": {"replicas": 1, "serviceName": "meilisearch", "selector": {"matchLabels": {"app.kubernetes.io/name": "meilisearch"}},
                "template": {"metadata": {"labels": {"app.kubernetes.io/name": "meilisearch"}},
                             "spec": {"containers": [{"name": "meilisearch", "image": MIMG, "env": [{"name": "MEILI_ENV", "value": "production"}, {"name": "MEILI_DB_PATH", "value": "/meili_data/data.ms"}, {"name": "MEILI_MAX_INDEXING_MEMORY", "value": "1.5 GiB"},
                                                                                                  {"name": "MEILI_MASTER_KEY", "valueFrom": {"secretKeyRef": {"name": "meilisearch-master-key", "key": "MEILI_MASTER_KEY"}}}],
                                                      "ports": [{"name": "http", "containerPort": 7700, "protocol": "TCP"}],
                                                      "resources": {"requests": {"cpu": "1", "memory": "3Gi"}, "limits": {"memory": "3Gi"}},
                                                      "readinessProbe": {"httpGet": {"path": "/health", "port": "http"}, "periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3},
                                                      "livenessProbe": {"httpGet": {"path": "/health", "port": "http"}, "periodSeconds": 20, "timeoutSeconds": 2, "successThreshold": 1, "failureThreshold": 5},
                                                      "volumeMounts": [{"name": "meili-data", "mountPath": "/meili_data"}]}]}},
                "volumeClaimTemplates": [{"metadata": {"name": "meili-data"}, "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "gp3-expandable", "resources": {"requests": {"storage": "20Gi"}}}}],
                "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}, "podManagementPolicy": "OrderedReady"},
       "status": {"observedGeneration": 4, "replicas": 1, "readyReplicas": 1, "currentReplicas": 1, "updatedReplicas": 1, "availableReplicas": 1, "currentRevision": "meilisearch-74f9c6d8b7", "updateRevision": "meilisearch-74f9c6d8b7", "collisionCount": 0}}
mnode, mip = nref(nodes[1])
mpod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "meilisearch-0", "namespace": NS, "uid": uid(), "creationTimestamp": "2026-12-01T07:02:44Z",
                                                        "labels": {"app.kubernetes.io/name": "meilisearch", "statefulset.kubernetes.io/pod-name": "meilisearch-0", "controller-revision-hash": "meilisearch-74f9c6d8b7", "apps.kubernetes.io/pod-index": "0"},
                                                        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "meilisearch", "uid": sts_uid, "controller": True, "blockOwnerDeletion": True}]},
        "spec": {**sts["spec"]["template"]["spec"], "nodeName": mnode, "hostname": "meilisearch-0", "subdomain": "meilisearch", "volumes": [{"name": "meili-data", "persistentVolumeClaim": {"claimName": PVC}}]},
        "status": {"phase": "Running", "qosClass": "Burstable", "hostIP": mip, "podIP": pip(mip, 1), "startTime": "2026-12-01T07:02:44Z",
                   "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "2026-12-01T07:03:19Z"}, {"type": "PodScheduled", "status": "True", "lastTransitionTime": "2026-12-01T07:02:44Z"}],
                   "containerStatuses": [{k: v for k, v in running("meilisearch", MIMG, "2026-12-01T07:02:51Z").items() if k != "_start"}]}}
pv_name = "pvc-" + uid()
pvc = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": PVC, "namespace": NS, "uid": uid(), "creationTimestamp": "2025-09-03T10:00:02Z", "labels": {"app.kubernetes.io/name": "meilisearch"},
                                                                          "annotations": {"pv.kubernetes.io/bind-completed": "yes", "pv.kubernetes.io/bound-by-controller": "yes", "volume.beta.kubernetes.io/storage-provisioner": "ebs.csi.aws.com", "volume.kubernetes.io/storage-provisioner": "ebs.csi.aws.com", "volume.kubernetes.io/selected-node": mnode},
                                                                          "finalizers": ["kubernetes.io/pvc-protection"]},
       "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "gp3-expandable", "resources": {"requests": {"storage": "20Gi"}}, "volumeName": pv_name, "volumeMode": "Filesystem"},
       "status": {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "20Gi"}}}
pv = {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": pv_name, "uid": uid(), "creationTimestamp": "2025-09-03T10:00:05Z", "annotations": {"pv.kubernetes.io/provisioned-by": "ebs.csi.aws.com", "volume.kubernetes.io/provisioner-deletion-secret-name": "", "volume.kubernetes.io/provisioner-deletion-secret-namespace": ""}, "finalizers": ["kubernetes.io/pv-protection", "external-attacher/ebs-csi-aws-com"]},
      "spec": {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": "20Gi"}, "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": PVC, "namespace": NS, "uid": pvc["metadata"]["uid"]},
               "csi": {"driver": "ebs.csi.aws.com", "fsType": "ext4", "volumeHandle": "vol-0" + hx(16), "volumeAttributes": {"storage.kubernetes.io/csiProvisionerIdentity": "1733037640011-8081-ebs.csi.aws.com"}},
               "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["eu-west-1b"]}]}]}},
               "persistentVolumeReclaimPolicy": "Retain", "storageClassName": "gp3-expandable", "volumeMode": "Filesystem"},
      "status": {"phase": "Bound"}}
sc = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "gp3-expandable", "uid": uid(), "creationTimestamp": "2025-01-20T09:00:00Z"},
      "provisioner": "ebs.csi.aws.com", "parameters": {"type": "gp3", "encrypted": "true", "csi.storage.k8s.io/fstype": "ext4"}, "reclaimPolicy": "Retain", "allowVolumeExpansion": True, "volumeBindingMode": "WaitForFirstConsumer"}

API_OLD = "ghcr.io/panfry/recipes-api:2026.12.11-1"
API = "ghcr.io/panfry/recipes-api:2026.12.15-2"
w = Workload(NS, "recipes-api", created="2024-11-02T09:00:00Z", labels={"app.kubernetes.io/name": "recipes-api"}, selector={"app.kubernetes.io/name": "recipes-api"}, replicas=3)


def aspec(img: str) -> dict:
    return {"containers": [{"name": "recipes-api", "image": img, "ports": [{"name": "http", "containerPort": 3000, "protocol": "TCP"}],
                            "env": [{"name": "MEILI_URL", "value": "http://meilisearch.recipes.svc:7700"}, {"name": "MEILI_API_KEY", "valueFrom": {"secretKeyRef": {"name": "meilisearch-master-key", "key": "MEILI_MASTER_KEY"}}}, {"name": "NODE_ENV", "value": "production"}],
                            "resources": {"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"memory": "768Mi"}},
                            "readinessProbe": {"httpGet": {"path": "/health", "port": "http"}, "periodSeconds": 10, "timeoutSeconds": 2, "failureThreshold": 3, "successThreshold": 1}}]}


w.revision(43, aspec(API_OLD), created="2026-12-11T14:20:00Z", cause="recipes-api 2026.12.11-1", h="58c6b7d94f")
w.revision(44, aspec(API), created="2026-12-15T15:05:12Z", cause="recipes-api 2026.12.15-2 (tag editor endpoints, EDIT-341)", h="7d4b9f8c65")
apods = [w.pod(44, node=nref(nodes[i])[0], host_ip=nref(nodes[i])[1], pod_ip=pip(nref(nodes[i])[1], 10 + i), created=c.t(-145 + i), statuses=[running("recipes-api", API, c.t(-145 + i, 5))]) for i in range(3)]
rz_w, rz_p = simple(NS, "image-resizer", "ghcr.io/panfry/image-resizer:1.8.0", nodes=nodes, rev=9, rev_created="2026-11-20T10:00:00Z", created="2025-01-10T10:00:00Z", replicas=2, cpu="500m", mem="1Gi")
rz_p[1]["status"]["containerStatuses"][0]["restartCount"] = 1
rz_p[1]["status"]["containerStatuses"][0]["lastState"] = terminated(137, "OOMKilled", "2026-11-20T10:00:07Z", c.t(-212))
rz_p[1]["status"]["containerStatuses"][0]["state"] = {"running": {"startedAt": c.t(-212, 2)}}

objs = nodes + [namespace(NS, "2024-11-02T08:50:00Z", {"team": "content-platform"}), sc, pv, pvc, sts, mpod] + w.objects(current=44, gen=51) + rz_w.objects(current=9)
objs += [service(NS, "meilisearch", created="2025-09-03T10:00:00Z", selector={"app.kubernetes.io/name": "meilisearch"}, ports=[{"name": "http", "port": 7700, "targetPort": "http", "protocol": "TCP"}], cluster_ip="172.20.77.140"),
         endpoints(NS, "meilisearch", created="2025-09-03T10:00:00Z", pods=[mpod], ports=[{"name": "http", "port": 7700, "protocol": "TCP"}]),
         service(NS, "recipes-api", created="2024-11-02T09:00:00Z", selector={"app.kubernetes.io/name": "recipes-api"}, ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], cluster_ip="172.20.77.12"),
         endpoints(NS, "recipes-api", created="2024-11-02T09:00:00Z", pods=apods, ports=[{"name": "http", "port": 3000, "protocol": "TCP"}]),
         {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "meilisearch-master-key", "namespace": NS, "uid": uid(), "creationTimestamp": "2025-09-03T09:59:00Z"}, "type": "Opaque", "data": {"MEILI_MASTER_KEY": "cGFuZnJ5LW1laWxpLTdmM2UyYTkxYzRkODQ0YjA="}},
         {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "spoonstack-import-20261215", "namespace": NS, "uid": uid(), "creationTimestamp": "2026-12-15T13:08:40Z", "labels": {"app.kubernetes.io/name": "catalog-import"}, "annotations": {"panfry.io/ticket": "CONTENT-1207"}},
          "spec": {"parallelism": 1, "completions": 1, "backoffLimit": 0, "completionMode": "NonIndexed", "suspend": False,
                   "template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "import", "image": "ghcr.io/panfry/catalog-tools:0.9.2", "args": ["import", "--source=s3://panfry-acquisitions/spoonstack/recipes-2026-12.ndjson.gz", "--index=recipes", "--batch=5000"], "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"memory": "2Gi"}}}]}}},
          "status": {"startTime": "2026-12-15T13:08:40Z", "completionTime": "2026-12-15T16:39:02Z", "succeeded": 1, "ready": 0, "terminating": 0, "uncountedTerminatedPods": {},
                     "conditions": [{"type": "SuccessCriteriaMet", "status": "True", "reason": "CompletionsReached", "message": "Reached expected number of succeeded pods", "lastProbeTime": "2026-12-15T16:39:02Z", "lastTransitionTime": "2026-12-15T16:39:02Z"},
                                    {"type": "Complete", "status": "True", "reason": "CompletionsReached", "message": "Reached expected number of succeeded pods", "lastProbeTime": "2026-12-15T16:39:02Z", "lastTransitionTime": "2026-12-15T16:39:02Z"}]}}]
objs.append(event("default", "Node", nref(nodes[0])[0], reason="FreeDiskSpaceFailed", message="Failed to garbage collect required amount of images. Attempted to free 1610612736 bytes, but only found 402653184 bytes eligible to free.", type="Warning", first=c.t(-55), last=c.t(-5), count=10, host=nref(nodes[0])[0]))

mlog = []
for k in range(6):
    mlog.append(f'{c.ms(-290 + k * 40)} INFO  index_scheduler] A batch of tasks was successfully completed with {R.randint(1, 3)} successful tasks and 0 failed tasks.')
mlog += [f"{c.ms(-49, 2)} ERROR index_scheduler] Batch failed No space left on device (os error 28)",
         f'{c.ms(-49, 2)} INFO  actix_web::middleware::logger] 10.88.35.{R.randint(10, 200)} "POST /indexes/recipes/documents HTTP/1.1" 202 148 "-" "Meilisearch JavaScript (v0.45.0)" 0.004113']
for k in range(12):
    mlog.append(f'{c.ms(-46 + k * 4)} ERROR index_scheduler] Batch failed No space left on device (os error 28)')
    if k % 3 == 0:
        mlog.append(f'{c.ms(-46 + k * 4, 1)} INFO  actix_web::middleware::logger] 10.88.19.{R.randint(10, 200)} "POST /indexes/recipes/search HTTP/1.1" 200 {R.randint(4000, 12000)} "-" "Meilisearch JavaScript (v0.45.0)" 0.0{R.randint(11, 39)}101')
logs = [{"namespace": NS, "pod": "meilisearch-0", "lines": mlog}]
for i, p in enumerate(apods):
    L = [f'{{"level":30,"time":"{c.ms(-120 + i)}","msg":"request completed","req":{{"method":"GET","url":"/api/recipes/search?q=ramen"}},"res":{{"statusCode":200}},"responseTime":{R.randint(20, 60)}}}']
    for k in range(5):
        rid = R.randint(880000, 899999)
        L.append(f'{{"level":50,"time":"{c.ms(-45 + k * 9 + i)}","msg":"publish failed: search index task {R.randint(410000, 419999)} failed","recipeId":{rid},"err":{{"type":"MeiliSearchTaskError","code":"internal","message":"No space left on device (os error 28)"}}}}')
        L.append(f'{{"level":30,"time":"{c.ms(-45 + k * 9 + i, 1)}","msg":"request completed","req":{{"method":"PUT","url":"/api/recipes/{rid}/publish"}},"res":{{"statusCode":502}},"responseTime":{R.randint(900, 1400)}}}')
    logs.append({"namespace": NS, "pod": p["metadata"]["name"], "lines": L})

metrics = []
n = 145  # 12h at 5m
cap = 21003583488
used = []
for k in range(n):
    mins_ago = (n - 1 - k) * 5
    t = 17 * 60 + 30 - mins_ago
    if t < 13 * 60 + 10:
        u = 14.2e9 + k * 1.1e6
    elif t < 16 * 60 + 42:
        u = 14.2e9 + (t - (13 * 60 + 10)) / 212 * 6.75e9
    else:
        u = cap - R.randint(0, 3) * 4096
    used.append(int(min(u, cap)))
vl = {"namespace": NS, "persistentvolumeclaim": PVC, "job": "kubelet", "metrics_path": "/metrics", "node": mnode}
metrics += [series("kubelet_volume_stats_used_bytes", vl, "-720m", "5m", used),
            series("kubelet_volume_stats_capacity_bytes", vl, "-720m", "5m", [cap] * n),
            series("kubelet_volume_stats_available_bytes", vl, "-720m", "5m", [max(0, cap - u) for u in used]),
            series("kube_persistentvolumeclaim_resource_requests_storage_bytes", {"namespace": NS, "persistentvolumeclaim": PVC, "job": "kube-state-metrics"}, "-720m", "5m", [21474836480] * n)]
pub_ok = [0.4 if (17 * 60 + 30 - (n - 1 - k) * 5) < 16 * 60 + 42 else 0 for k in range(n)]
pub_bad = [0 if x else 0.35 for x in pub_ok]
metrics.append(series("http_requests_total", {"namespace": NS, "job": "recipes-api", "route": "/api/recipes/:id/publish", "method": "PUT", "status": "200"}, "-720m", "5m", counter(pub_ok, 300, start=91822)))
metrics.append(series("http_requests_total", {"namespace": NS, "job": "recipes-api", "route": "/api/recipes/:id/publish", "method": "PUT", "status": "502"}, "-720m", "5m", counter(pub_bad, 300, start=12)))
metrics.append(series("meilisearch_index_docs_count", {"namespace": NS, "index": "recipes", "job": "meilisearch"}, "-720m", "5m",
                      [int(212000 if (17 * 60 + 30 - (n - 1 - k) * 5) < 13 * 60 + 10 else min(391000, 212000 + ((17 * 60 + 30 - (n - 1 - k) * 5) - 790) * 860)) for k in range(n)]))

rec_pvc = {**pvc, "spec": {**pvc["spec"], "resources": {"requests": {"storage": "40Gi"}}}, "status": {**pvc["status"], "capacity": {"storage": "40Gi"}}}
rec_pv = {**pv, "spec": {**pv["spec"], "capacity": {"storage": "40Gi"}}}
rec_cap = 42142564352
rec_used = used[-1] - 1.9e9
P = {"kind": "PersistentVolumeClaim", "namespace": NS, "name": PVC}
doc = {
    "format": 1, "id": "recipe-publishing-errors-tuesday-evening",
    "title": "The Meilisearch PVC (20Gi) filled up during the SpoonStack catalogue import; every index task fails with 'No space left on device' so editors cannot publish",
    "tags": ["pvc-full", "disk", "search", "statefulset", "red-herring"],
    "now": c.t(),
    "trigger": {"command": "editors get 'save failed' when publishing recipes since about 16:45", "channel": "#content-platform", "user": "U05EDITDESK"},
    "cluster": {"objects": objs, "logs": logs}, "metrics": metrics,
    "recovery": [{"when": [{**P, "path": "spec.resources.requests.storage", "at_least": "30Gi"}],
                  "apply": {"upsert": [rec_pvc, rec_pv, event(NS, "PersistentVolumeClaim", PVC, reason="FileSystemResizeSuccessful", message=f"MountVolume.NodeExpandVolume succeeded for volume \"{pv_name}\" {mnode}", first=c.t(2), host=mnode)],
                            "metrics": [series("kubelet_volume_stats_capacity_bytes", vl, "-720m", "5m", [cap] * (n - 1) + [rec_cap]),
                                        series("kubelet_volume_stats_available_bytes", vl, "-720m", "5m", [max(0, cap - u) for u in used][:-1] + [int(rec_cap - rec_used)])],
                            "logs": [{"namespace": NS, "pod": "meilisearch-0", "lines": mlog + [f'{c.ms(3)} INFO  index_scheduler] A batch of tasks was successfully completed with 14 successful tasks and 0 failed tasks.']}]}}],
    "truth": {
        "category": "storage", "resource": P,
        "aliases": [{"kind": "StatefulSet", "namespace": NS, "name_regex": "^meilisearch$"}, {"kind": "Pod", "namespace": NS, "name_regex": "^meilisearch-0$"}, {"kind": "PersistentVolume", "name_regex": "^" + pv_name + "$"}],
        "evidence": ["no space left|os error 28", PVC + "|pvc|persistentvolumeclaim", "20gi|100%|full"],
        "remediation": {
            "accepted": [{"action": "patch_resource", "target": P, "params": {"patch": {"spec": {"resources": {"requests": {"storage": "40Gi"}}}}}}],
            "checks": [{**P, "path": "spec.resources.requests.storage", "at_least": "30Gi"}],
            "forbidden": [{"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": NS, "name": "recipes-api"}},
                          {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "recipes-api"}},
                          {"action": "restart_workload", "target": {"kind": "StatefulSet", "namespace": NS, "name": "meilisearch"}},
                          {"action": "delete_pod", "target": {"kind": "Pod", "namespace": NS, "name": "meilisearch-0"}}]},
        "notes": (
            "The CONTENT-1207 import Job (13:08-16:39) added ~180k SpoonStack recipes to the 'recipes' index. Meilisearch keeps its LMDB "
            "environment and update files on the 20Gi gp3 PVC meili-data-meilisearch-0; usage rose from ~14 GB to 100% at ~16:42 "
            "(kubelet_volume_stats_available_bytes 0). Since then every indexing batch fails 'No space left on device (os error 28)' and "
            "recipes-api answers PUT /publish with 502; searches still work and the pod is Ready (/health does not write). The StorageClass "
            "gp3-expandable allows online expansion (EBS CSI), so patching the PVC request to >= 30Gi (40Gi suggested) fixes it without a "
            "restart. Traps: recipes-api revision 44 at 15:05 (errors start 16:42, and the errors come from Meilisearch), restarting or "
            "deleting meilisearch-0 (a restart with a full disk can fail to open the DB and takes search down too), image-resizer's OOM "
            "restart at 14:00, the FreeDiskSpaceFailed image-GC warning on another node (node root disk, not this volume). Follow-up: "
            "monitor the PVC and cancel stale enqueued tasks.")}}
dump(doc, "scenarios/recipe-publishing-errors-tuesday-evening.yaml")
