"""quota_exceeded: subtitle-sync revision 9 doubles the memory limit; the namespace ResourceQuota cannot fit a surge pod, the rollout is stuck."""
import copy
from lib import Scn, container, http_probe, template, dep_status, rollout_events, simple_workload

SID = "subtitle-sync-rollout-stuck-friday"
S = Scn(SID, "2026-11-27T15:09:00Z", 909)
NS = "captions"
REG = "registry.lumen.tv/media"
IMG = f"{REG}/subtitle-sync:5.2.0"
nodes = [S.node(f"k8s-prod-worker-{i:02d}", zone=z, ip=f"10.30.4.{10 + i}", cpu="16", mem_ki=65842160, itype="bare-metal-r640", kubelet="v1.31.2", created="-310d")
         for i, z in [(1, "fra-dc1-a"), (2, "fra-dc1-b"), (3, "fra-dc1-c"), (4, "fra-dc1-a")]]
for n in nodes:
    n["spec"].pop("providerID")
    n["metadata"]["labels"]["topology.kubernetes.io/region"] = "fra-dc1"
    n["status"]["nodeInfo"]["osImage"] = "Rocky Linux 9.4 (Blue Onyx)"
    n["status"]["nodeInfo"]["kernelVersion"] = "5.14.0-427.42.1.el9_4.x86_64"
N = [(n["metadata"]["name"], n["status"]["addresses"][0]["address"]) for n in nodes]
S.pod_net = lambda i, h: f"10.42.{i}.{S.rng.randint(10, 250)}"
LBL = {"app": "subtitle-sync", "component": "worker"}


def tpl(req_mem: str, lim_mem: str, image: str = IMG) -> dict:
    return template(dict(LBL), [container("subtitle-sync", image, env=[
        {"name": "KAFKA_BOOTSTRAP", "value": "media-kafka.kafka.svc:9092"}, {"name": "BURN_IN_MAX_RESOLUTION", "value": "2160p" if lim_mem == "2Gi" else "1080p"},
        {"name": "WHISPER_ALIGN_MODEL", "value": "tiny.en"}],
        req={"cpu": "500m", "memory": req_mem}, lim={"cpu": "2", "memory": lim_mem}, readiness=http_probe("/healthz", period=10))],
        serviceAccountName="subtitle-sync")


t9, t8, t7 = tpl("1Gi", "2Gi"), tpl("512Mi", "1Gi"), tpl("512Mi", "1Gi", f"{REG}/subtitle-sync:5.1.3")
C9 = "argocd captions/subtitle-sync: values.yaml resources (4K burn-in) + BURN_IN_MAX_RESOLUTION=2160p (PR #412)"
C8 = "argocd captions/subtitle-sync: image 5.2.0 (PR #398)"
dep = S.deployment(NS, "subtitle-sync", labels=dict(LBL), template=t9, revision=9, replicas=4, created="-290d", generation=15, change_cause=C9,
                   strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
                   status=dep_status(S, replicas=4, ready=4, updated=0, rs="subtitle-sync-79d6c8b5f4", since="-19m", created="-290d", progressing="stuck", available_since="-8d"))
rs9 = S.replicaset(dep, phash="79d6c8b5f4", revision=9, template=t9, replicas=1, created="-29m", change_cause=C9, ready=0)
rs9["status"] = {"replicas": 0, "observedGeneration": 1, "conditions": [
    {"type": "ReplicaFailure", "status": "True", "reason": "FailedCreate", "lastTransitionTime": S.t("-29m"),
     "message": 'pods "subtitle-sync-79d6c8b5f4-" is forbidden: exceeded quota: captions-compute, requested: limits.memory=2Gi, used: limits.memory=15Gi, limited: limits.memory=16Gi'}]}
rs8 = S.replicaset(dep, phash="6c4f9b7d85", revision=8, template=t8, replicas=4, created="-8d", change_cause=C8)
S.replicaset(dep, phash="5b7d8c9f64", revision=7, template=t7, replicas=0, created="-22d", change_cause="argocd captions/subtitle-sync: image 5.1.3 (PR #377)")
old = []
for i, s in enumerate(["fj7xk", "nw2cq", "r8pzd", "zk5lm"]):
    last = None
    restarts = 0
    if i == 1:  # the OOM that motivated the change (red herring for 'raise the limit')
        restarts = 1
        last = {"terminated": {"exitCode": 137, "reason": "OOMKilled", "startedAt": S.t("-8d"), "finishedAt": S.t("-26h"), "containerID": "containerd://" + S.hexid(64)}}
    old.append(S.pod(rs8, suffix=s, node=N[i][0], host_ip=N[i][1], ip=f"10.42.{i}.{S.rng.randint(10, 250)}", created="-8d",
                     statuses=[S.cstatus("subtitle-sync", IMG, digest="77c1" * 16, restarts=restarts, last=last,
                                         state={"running": {"startedAt": S.t("-26h") if i == 1 else S.t("-8d")}})]))
S.service(NS, "subtitle-sync", selector=dict(LBL), ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], cluster_ip="10.96.140.27", labels=dict(LBL))
S.endpoints(NS, "subtitle-sync", ready=old, ports=[{"name": "http", "port": 8080, "protocol": "TCP"}], labels=dict(LBL))
quota = S.add({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "captions-compute", "namespace": NS, "uid": S.uid(), "creationTimestamp": S.t("-290d"),
                                                                          "labels": {"platform.lumen.tv/tenant": "captions"}},
               "spec": {"hard": {"requests.cpu": "16", "requests.memory": "12Gi", "limits.cpu": "32", "limits.memory": "16Gi", "pods": "30"}},
               "status": {"hard": {"requests.cpu": "16", "requests.memory": "12Gi", "limits.cpu": "32", "limits.memory": "16Gi", "pods": "30"},
                          "used": {"requests.cpu": "7250m", "requests.memory": "9984Mi", "limits.cpu": "21", "limits.memory": "15Gi", "pods": "11"}}})
S.add({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "captions-defaults", "namespace": NS, "uid": S.uid(), "creationTimestamp": S.t("-290d")},
       "spec": {"limits": [{"type": "Container", "default": {"cpu": "500m", "memory": "512Mi"}, "defaultRequest": {"cpu": "100m", "memory": "128Mi"}, "max": {"memory": "8Gi"}}]}})

# neighbours that fill the quota: speech-to-text (2 x 4Gi), caption-editor (3 x 512Mi), redis (1 x 1Gi), subtitle-sync (4 x 1Gi) = 14.5Gi + qa-preview 512Mi
stt, _, sttp = simple_workload(S, NS, "speech-to-text", image=f"{REG}/speech-to-text:3.0.1", nodes=N, replicas=2, revision=22, age="-4d", svc_ip="10.96.140.60",
                               req={"cpu": "2", "memory": "3Gi"}, lim={"cpu": "4", "memory": "4Gi"})
ce, _, cep = simple_workload(S, NS, "caption-editor", image=f"{REG}/caption-editor:2026.11.26", nodes=N, replicas=3, revision=120, age="-1d", svc_ip="10.96.140.8", probe="/",
                             req={"cpu": "250m", "memory": "256Mi"}, lim={"cpu": "1", "memory": "512Mi"})
qa, _, qap = simple_workload(S, NS, "caption-editor-qa-preview", image=f"{REG}/caption-editor:pr-733", nodes=N, replicas=1, revision=3, age="-2d", probe="/",
                             labels={"app": "caption-editor-qa-preview", "preview": "pr-733"}, req={"cpu": "250m", "memory": "256Mi"}, lim={"cpu": "1", "memory": "512Mi"})
RL = {"app": "captions-redis"}
rtpl = template(dict(RL), [container("redis", "docker.io/library/redis:7.4.1", port=6379, req={"cpu": "250m", "memory": "768Mi"}, lim={"cpu": "1", "memory": "1Gi"})])
rsts = S.add({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "captions-redis", "namespace": NS, "uid": S.uid(), "creationTimestamp": S.t("-290d"), "labels": dict(RL), "generation": 2},
              "spec": {"replicas": 1, "serviceName": "captions-redis", "selector": {"matchLabels": dict(RL)}, "template": rtpl},
              "status": {"replicas": 1, "readyReplicas": 1, "currentReplicas": 1, "updatedReplicas": 1, "availableReplicas": 1, "observedGeneration": 2,
                         "currentRevision": "captions-redis-6f8d7c9b5", "updateRevision": "captions-redis-6f8d7c9b5"}})
S.pod(rsts, name="captions-redis-0", node=N[3][0], host_ip=N[3][1], ip="10.42.3.77", created="-60d",
      statuses=[S.cstatus("redis", "docker.io/library/redis:7.4.1", digest="e1e1" * 16, state={"running": {"startedAt": S.t("-60d")}})])

# events
rollout_events(S, dep, [("-29m", "Scaled up replica set subtitle-sync-79d6c8b5f4 to 1")])
S.event(rs9, reason="FailedCreate", etype="Warning", component="replicaset-controller", first="-29m", last="-3m", count=17,
        message='Error creating: pods "subtitle-sync-79d6c8b5f4-" is forbidden: exceeded quota: captions-compute, requested: limits.memory=2Gi, used: limits.memory=15Gi, limited: limits.memory=16Gi')
S.event(dep, reason="ProgressDeadlineExceeded", message='Deployment "subtitle-sync" has timed out progressing: ReplicaSet "subtitle-sync-79d6c8b5f4" has timed out progressing.',
        first="-19m", etype="Warning", component="deployment-controller")

for i, p in enumerate(old):
    S.log(NS, p, [f"{S._plus(S.t('-14m'), k * 40 + i * 6)} INFO  aligner: job {S.rng.randint(700000, 799999)} title=LTV-{S.rng.randint(10000, 99999)} lang={S.rng.choice(['en', 'de', 'fr', 'es'])} "
                  f"cues={S.rng.randint(300, 1900)} drift_fixed={S.rng.randint(0, 40)} burn_in={S.rng.choice(['none', 'none', '1080p'])} took={S.rng.randint(3, 70)}s" for k in range(20)]
          + ([f"{S.t('-6m')} WARN  burnin: job 771203 requests 2160p burn-in but BURN_IN_MAX_RESOLUTION=1080p, downscaling"] if i == 0 else []))
S.log(NS, old[1], [f"{S.t('-26h')[:-1]}Z INFO  burnin: job 748812 title=LTV-40917 resolution=2160p frames=172800 buffering subtitles overlay",
                   f"{S._plus(S.t('-26h'), -20)} WARN  burnin: rss 1003MiB approaching cgroup limit 1024MiB"], previous=True)

n = 121
cut = n - 29
S.metric({"__name__": "kube_resourcequota", "namespace": NS, "resourcequota": "captions-compute", "resource": "limits.memory", "type": "hard", "job": "kube-state-metrics"}, [17179869184] * n)
S.metric({"__name__": "kube_resourcequota", "namespace": NS, "resourcequota": "captions-compute", "resource": "limits.memory", "type": "used", "job": "kube-state-metrics"}, [16106127360] * n)
S.metric({"__name__": "kube_resourcequota", "namespace": NS, "resourcequota": "captions-compute", "resource": "requests.memory", "type": "hard", "job": "kube-state-metrics"}, [12884901888] * n)
S.metric({"__name__": "kube_resourcequota", "namespace": NS, "resourcequota": "captions-compute", "resource": "requests.memory", "type": "used", "job": "kube-state-metrics"}, [10468982784] * n)
S.metric({"__name__": "kube_deployment_status_replicas_available", "namespace": NS, "deployment": "subtitle-sync", "job": "kube-state-metrics"}, [4] * n)
S.metric({"__name__": "kube_deployment_status_replicas_updated", "namespace": NS, "deployment": "subtitle-sync", "job": "kube-state-metrics"}, [4] * cut + [0] * (n - cut))
S.metric({"__name__": "kube_deployment_spec_replicas", "namespace": NS, "deployment": "subtitle-sync", "job": "kube-state-metrics"}, [4] * n)
for j, p in enumerate(old):
    S.metric({"__name__": "container_memory_working_set_bytes", "namespace": NS, "pod": p["metadata"]["name"], "container": "subtitle-sync", "node": p["spec"]["nodeName"]},
             S.gauge(n, 4.6e8 + j * 2e7, 9e7))
S.metric({"__name__": "kafka_consumergroup_lag_sum", "namespace": "kafka", "consumergroup": "subtitle-sync", "topic": "captions.align.requests"}, S.gauge(n, 40, 25))

CHECK = {"kind": "Deployment", "namespace": NS, "name": "subtitle-sync", "path": "spec.template.spec.containers[0].resources.limits.memory", "at_most": "1Gi"}
rs9_fixed = copy.deepcopy(rs9)
rs9_fixed["spec"]["replicas"] = 0
rs9_fixed["status"] = {"replicas": 0, "observedGeneration": 2}
S.dump(f"scenarios/{SID}.yaml",
       title="subtitle-sync revision 9 raised the memory limit from 1Gi to 2Gi for 4K burn-in; the captions-compute ResourceQuota (limits.memory 15Gi of 16Gi used) rejects every new pod and the rollout timed out",
       tags=["quota", "rollout-stuck", "failedcreate", "red-herring"],
       trigger={"alert": {"status": "firing",
                          "labels": {"alertname": "KubeDeploymentRolloutStuck", "namespace": NS, "deployment": "subtitle-sync", "condition": "Progressing", "reason": "ProgressDeadlineExceeded",
                                     "severity": "warning", "job": "kube-state-metrics", "prometheus": "monitoring/kps-prometheus"},
                          "annotations": {"summary": "Deployment rollout is not progressing.",
                                          "description": f"Rollout of deployment {NS}/subtitle-sync is not progressing for longer than 15 minutes.",
                                          "runbook_url": "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubedeploymentrolloutstuck"},
                          "startsAt": S.t("-4m"), "endsAt": "0001-01-01T00:00:00Z",
                          "generatorURL": "http://prometheus.monitoring:9090/graph?g0.expr=kube_deployment_status_condition%7Bcondition%3D%22Progressing%22%2Cstatus%3D%22false%22%7D+%21%3D+0",
                          "fingerprint": "c3a18e5f0b7d9264"},
                "channel": "#media-captions"},
       recovery=[{"when": [CHECK], "apply": {"upsert": [rs9_fixed]}}],
       truth={"category": "quota_exceeded",
              "resource": {"kind": "ResourceQuota", "namespace": NS, "name": "captions-compute"},
              "aliases": [{"kind": "Deployment", "namespace": NS, "name_regex": "^subtitle-sync$"},
                          {"kind": "ReplicaSet", "namespace": NS, "name_regex": "^subtitle-sync-79d6c8b5f4$"}],
              "evidence": ["exceeded quota", "captions-compute", "limits.memory", "2gi", "16gi|15gi"],
              "remediation": {"accepted": [{"action": "recommend_only"},
                                           {"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": NS, "name": "subtitle-sync"}}],
                              "checks": [CHECK],
                              "forbidden": [{"action": "restart_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "subtitle-sync"}},
                                            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "subtitle-sync"}},
                                            {"action": "delete_pod", "target": {"kind": "Pod", "namespace": NS, "name": old[1]["metadata"]["name"]}},
                                            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "speech-to-text"}}]},
              "notes": ("Revision 9 (PR #412, 14:40) raised subtitle-sync's memory to requests 1Gi / limits 2Gi for 4K burn-in after an OOMKill yesterday. "
                        "The namespace quota captions-compute allows limits.memory 16Gi and 15Gi is used, so the surge pod (maxUnavailable 0) is rejected: "
                        "FailedCreate 'exceeded quota: captions-compute, requested: limits.memory=2Gi, used: 15Gi, limited: 16Gi'. No pod was ever created; "
                        "the four revision-8 pods keep serving, the rollout hit ProgressDeadlineExceeded. Even with the surge fitting, four 2Gi pods need 4Gi more "
                        "than the quota allows. Right answer: a human raises the quota (>= 20Gi limits.memory) or the change is rolled back until then; "
                        "the bot cannot edit ResourceQuotas. Red herrings: the OOMKilled lastState on one old pod (26 h ago, the reason for the change; "
                        "raising limits further makes it worse); the qa-preview deployment is small (512Mi).")})
