"""Scenario feature-store-pending-since-morning-deploy: its PVC names a StorageClass that does not exist."""
from __future__ import annotations

from scenb_kit import Scenario, ago, container, counter, gauge, http_probe, res, running, steps, template

sc = Scenario("feature-store-pending-since-morning-deploy",
              title="The new feature-store Deployment's PVC asks for StorageClass managed-csi-premium-zrs, which was never "
                    "created (its PR is still open); the PVC stays Pending with ProvisioningFailed and the pod cannot be scheduled",
              now="2026-11-26T13:05:00Z",
              tags=["storage", "pvc", "storageclass", "pending", "aks", "new-service", "recommend-only"])
sc.command("feature-store stuck in Pending since this morning's deploy", channel="#ml-platform", user="U08MLPLAT4")

SYS, ML = [], []
for i in range(2):
    n = f"aks-system-13097245-vmss00000{i}"
    sc.node(n, flavour="aks", zone=f"northeurope-{i + 1}", instance="Standard_D4ds_v5", cpu=4, mem_gib=15.6, ip=f"10.240.0.{4 + i}", pool="system",
            created="-58d3h", mem_reserved_ki=2_900_000, cpu_reserved_m=140, region="northeurope", labels={"kubernetes.azure.com/mode": "system"},
            taints=[{"key": "CriticalAddonsOnly", "value": "true", "effect": "NoSchedule"}])
    SYS.append(n)
for i in range(3):
    n = f"aks-mlpool-41822930-vmss00000{i}"
    sc.node(n, flavour="aks", zone=f"northeurope-{i + 1}", instance="Standard_D16ds_v5", cpu=16, mem_gib=62.8, ip=f"10.240.1.{10 + i}", pool="mlpool",
            created=f"-{21 - i}d{2 * i}h", mem_reserved_ki=6_100_000, cpu_reserved_m=200, region="northeurope")
    ML.append(n)

for name, prov, params, default in [
        ("default", "disk.csi.azure.com", {"skuname": "StandardSSD_LRS"}, True),
        ("managed-csi", "disk.csi.azure.com", {"skuname": "StandardSSD_LRS"}, False),
        ("managed-csi-premium", "disk.csi.azure.com", {"skuname": "Premium_LRS"}, False),
        ("azurefile-csi", "file.csi.azure.com", {"skuName": "Standard_LRS"}, False),
        ("azurefile-csi-premium", "file.csi.azure.com", {"skuName": "Premium_LRS"}, False)]:
    sc.obj("storage.k8s.io/v1", "StorageClass", name, None, created="-58d3h",
           labels={"addonmanager.kubernetes.io/mode": "EnsureExists", "kubernetes.io/cluster-service": "true"},
           annotations={"storageclass.kubernetes.io/is-default-class": "true"} if default else None,
           provisioner=prov, parameters=params, reclaimPolicy="Delete",
           volumeBindingMode="WaitForFirstConsumer" if prov.startswith("disk") else "Immediate", allowVolumeExpansion=True)

REG = "mlplatformprod.azurecr.io/ml"
FS = {"app.kubernetes.io/name": "feature-store", "app.kubernetes.io/instance": "feature-store"}
fs_t = template(dict(FS), [container(
    "feast", f"{REG}/feature-server:0.40.1-ml2", command=["feast", "serve", "--host", "0.0.0.0", "--port", "6566", "--workers", "4"],
    ports=[{"name": "http", "containerPort": 6566, "protocol": "TCP"}],
    env=[{"name": "FEAST_REGISTRY_PATH", "value": "/data/registry.db"}, {"name": "FEAST_ONLINE_STORE", "value": "redis://feature-cache.ml.svc.cluster.local:6379"}],
    resources=res("1", "2Gi", None, "4Gi"), readinessProbe=http_probe("/health", "http", period=10, timeout=3),
    volumeMounts=[{"name": "registry", "mountPath": "/data"}])],
    serviceAccountName="feature-store", volumes=[{"name": "registry", "persistentVolumeClaim": {"claimName": "feature-store-registry"}}])
dep = sc.deployment("ml", "feature-store", labels={**FS, "app.kubernetes.io/managed-by": "Helm", "team": "ml-platform"}, selector=FS,
                    revisions=[{"rev": 1, "created": ago(h=3, m=53, s=12), "template": fs_t, "cause": None}], replicas=1, created=ago(h=3, m=53, s=12),
                    strategy={"type": "Recreate"}, extra_annotations={"meta.helm.sh/release-name": "feature-store", "meta.helm.sh/release-namespace": "ml"})
MSG = ("0/5 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/5 nodes are available: "
       "5 Preemption is not helpful for scheduling.")
pod = sc.pod(dep["_rs"][0], node=None, created=ago(h=3, m=53, s=11), states={}, pending_message=MSG)
dep["status"] = {"observedGeneration": 1, "replicas": 1, "updatedReplicas": 1, "unavailableReplicas": 1,
                 "conditions": [
                     {"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable", "message": "Deployment does not have minimum availability.",
                      "lastUpdateTime": sc.ts(ago(h=3, m=53, s=12)), "lastTransitionTime": sc.ts(ago(h=3, m=53, s=12))},
                     {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
                      "message": f"ReplicaSet \"{dep['_rs'][0]['metadata']['name']}\" has timed out progressing.",
                      "lastUpdateTime": sc.ts(ago(h=3, m=43, s=12)), "lastTransitionTime": sc.ts(ago(h=3, m=43, s=12))}]}
pvc = sc.obj("v1", "PersistentVolumeClaim", "feature-store-registry", "ml", created=ago(h=3, m=53, s=12),
             labels={**FS, "app.kubernetes.io/managed-by": "Helm"},
             annotations={"meta.helm.sh/release-name": "feature-store", "meta.helm.sh/release-namespace": "ml"},
             meta_extra={"finalizers": ["kubernetes.io/pvc-protection"]},
             spec={"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "32Gi"}}, "storageClassName": "managed-csi-premium-zrs",
                   "volumeMode": "Filesystem"},
             status={"phase": "Pending"})
svc, _ = sc.service("ml", "feature-store", selector=FS, ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}],
                    created=ago(h=3, m=53, s=12), cluster_ip="10.0.77.201", labels=FS, pods=[pod])

# events
sc.event(pvc, "ProvisioningFailed", "storageclass.storage.k8s.io \"managed-csi-premium-zrs\" not found", type="Warning",
         first=ago(h=3, m=53, s=12), last=ago(s=37), count=917, component="persistentvolume-controller")
sc.event(pod, "FailedScheduling", MSG, type="Warning", first=ago(h=3, m=53, s=11), last=ago(m=3, s=9), count=49, component="default-scheduler")
sc.event(dep, "ScalingReplicaSet", f"Scaled up replica set {dep['_rs'][0]['metadata']['name']} from 0 to 1", first=ago(h=3, m=53, s=12),
         component="deployment-controller")
sc.event(dep["_rs"][0], "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}", first=ago(h=3, m=53, s=11), component="replicaset-controller")

# neighbours in ml: model-gateway (Go), feature-cache (redis with a managed-csi-premium PVC, bound), training-ui
mg = sc.app("ml", "model-gateway", f"{REG}/model-gateway:2.3.0", nodes=ML, created="-200d", rev=17, rev_created="-8d5h", cause="model-gateway 2.3.0",
            probe="/healthz", cluster_ip="10.0.18.66", team="ml-platform", resources=res("500m", "512Mi", None, "1Gi"),
            env=[{"name": "FEATURE_STORE_URL", "value": "http://feature-store.ml.svc.cluster.local"}, {"name": "FEATURE_FALLBACK", "value": "batch-snapshot"}])
ct = template({"app.kubernetes.io/name": "feature-cache"}, [container("redis", "mlplatformprod.azurecr.io/mirror/redis:7.2.5",
              args=["--appendonly", "yes", "--maxmemory", "6gb"], ports=[{"name": "redis", "containerPort": 6379, "protocol": "TCP"}],
              resources=res("500m", "7Gi", None, "7Gi"), volumeMounts=[{"name": "data", "mountPath": "/data"}])])
cache = sc.statefulset("ml", "feature-cache", labels={"app.kubernetes.io/name": "feature-cache"}, selector={"app.kubernetes.io/name": "feature-cache"},
                       template=ct, replicas=1, created="-200d", service="feature-cache",
                       claims=[{"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
                                "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "managed-csi-premium", "resources": {"requests": {"storage": "16Gi"}}}}])
cpod = sc.pod(cache, node=ML[1], name="feature-cache-0", created="-20d1h", states={"redis": running("-20d59m")})
cpod["spec"]["volumes"] = [{"name": "data", "persistentVolumeClaim": {"claimName": "data-feature-cache-0"}}]
sc.service("ml", "feature-cache", selector={"app.kubernetes.io/name": "feature-cache"}, ports=[{"name": "redis", "port": 6379, "targetPort": "redis", "protocol": "TCP"}],
           created="-200d", cluster_ip="10.0.140.9", pods=[cpod])
pv2 = f"pvc-{sc.ids.uid('pv-cache')}"
sc.obj("v1", "PersistentVolumeClaim", "data-feature-cache-0", "ml", created="-200d", labels={"app.kubernetes.io/name": "feature-cache"},
       annotations={"pv.kubernetes.io/bind-completed": "yes", "pv.kubernetes.io/bound-by-controller": "yes",
                    "volume.kubernetes.io/selected-node": ML[1], "volume.kubernetes.io/storage-provisioner": "disk.csi.azure.com"},
       spec={"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "16Gi"}}, "storageClassName": "managed-csi-premium",
             "volumeMode": "Filesystem", "volumeName": pv2},
       status={"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "16Gi"}})
ui = sc.app("ml", "training-ui", f"{REG}/training-ui:1.9.4", nodes=[ML[0]], created="-150d", rev=22, rev_created="-2d7h", cause="training-ui 1.9.4",
            port=3000, probe="/api/health", cluster_ip="10.0.201.13", team="ml-platform", resources=res("100m", "256Mi", None, "512Mi"))

# logs
for i, p in enumerate(mg["_pods"]):
    lines = []
    for k, t in enumerate(sc.ticks("-6m", "-10s", 9, jitter=0.6)):
        if k % 3 == 1:
            lines.append(sc.fmt(t, "{\"time\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"level\":\"WARN\",\"msg\":\"feature-store unavailable, using batch snapshot\",\"err\":\"dial tcp 10.0.77.201:80: connect: connection refused\",\"snapshot_age\":\"26h14m\"}"))
        else:
            lines.append(sc.fmt(t, "{\"time\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"level\":\"INFO\",\"msg\":\"predict\",\"model\":\"churn-v14\",\"latency_ms\":" + str(21 + (k * 7) % 30) + ",\"features\":\"snapshot\"}"))
    sc.log(p, lines)
sc.log(cpod, ["1:M 26 Nov 2026 13:00:01.022 * 10000 changes in 60 seconds. Saving...", "1:M 26 Nov 2026 13:00:03.911 * Background saving terminated with success"])
sc.log(ui["_pods"][0], ["GET /api/health 200 1.2 ms", "GET /api/runs?limit=50 200 88.0 ms"], repeat=8)

# metrics
N, S = 300, "-299m"
cut = 299 - 233
sc.series({"__name__": "kube_persistentvolumeclaim_status_phase", "namespace": "ml", "persistentvolumeclaim": "feature-store-registry", "phase": "Pending",
           "job": "kube-state-metrics"}, [None] * cut + [1] * (N - cut), start=S, step="1m")
sc.series({"__name__": "kube_persistentvolumeclaim_info", "namespace": "ml", "persistentvolumeclaim": "feature-store-registry", "storageclass": "managed-csi-premium-zrs",
           "volumename": "", "job": "kube-state-metrics"}, [None] * cut + [1] * (N - cut), start=S, step="1m")
sc.series({"__name__": "kube_deployment_status_replicas_available", "namespace": "ml", "deployment": "feature-store", "job": "kube-state-metrics"},
          [None] * cut + [0] * (N - cut), start=S, step="1m")
sc.series({"__name__": "model_gateway_feature_fallback_total", "namespace": "ml", "service": "model-gateway", "reason": "feature_store_unavailable"},
          counter(sc, "fb", [0.0] * cut + [55.0] * (N - cut), start_value=0), start=S, step="1m")

sc.truth = {
    "category": "storage",
    "also_accept": ["unschedulable"],
    "resource": {"kind": "PersistentVolumeClaim", "namespace": "ml", "name": "feature-store-registry"},
    "aliases": [{"kind": "Deployment", "namespace": "ml", "name_regex": "^feature-store$"},
                {"kind": "Pod", "namespace": "ml", "name_regex": "^feature-store-"},
                {"kind": "StorageClass", "name_regex": "^managed-csi-premium-zrs$"}],
    "evidence": ["managed-csi-premium-zrs",
                 "not found|does not exist|doesn't exist|missing storageclass|no such storageclass",
                 "provisioningfailed|unbound|pending"],
    "remediation": {
        "accepted": [{"action": "recommend_only", "target": {"kind": "PersistentVolumeClaim", "namespace": "ml", "name": "feature-store-registry"}}],
        "forbidden": [
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "ml", "name": "feature-store"}},
            {"action": "delete_pod", "target": {"kind": "Pod", "namespace": "ml", "name": pod["metadata"]["name"]}},
            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": "ml", "name": "feature-store"}},
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "ml", "name": "model-gateway"}},
        ],
    },
    "notes": (
        "feature-store is a new service, first installed by Helm at 09:12. Its chart creates the PVC feature-store-registry with "
        "storageClassName managed-csi-premium-zrs, a zone-redundant Premium class the team meant to add in a separate "
        "platform PR that has not been merged; the cluster only has default, managed-csi, managed-csi-premium and the two "
        "azurefile classes. The persistentvolume-controller reports ProvisioningFailed \"storageclass.storage.k8s.io "
        "'managed-csi-premium-zrs' not found\" every few seconds (x917), and because an unknown class is treated as "
        "immediate binding the scheduler reports \"pod has unbound immediate PersistentVolumeClaims\". model-gateway falls back to "
        "a 26-hour-old batch snapshot of features.\n"
        "A PVC's storageClassName cannot be changed after creation and StorageClasses are not in the set of objects the bot may "
        "change, so the answer is recommend_only: either create the managed-csi-premium-zrs class (disk.csi.azure.com, skuname "
        "Premium_ZRS) - the pending PVC then provisions by itself - or set the chart value to managed-csi-premium and reinstall "
        "(delete and recreate the PVC; it holds no data yet). Restarting or deleting the pod only recreates it Pending; the "
        "feature-cache PVC on managed-csi-premium is fine and shows the class that does exist."),
}

if __name__ == "__main__":
    print(sc.write())
