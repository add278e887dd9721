"""Scenario thumbnailer-hpa-cannot-reach-desired: the namespace pod-count quota is full."""
from __future__ import annotations

from scenb_kit import Scenario, container, counter, gauge, http_probe, piecewise, res, running, steps, template

sc = Scenario("thumbnailer-hpa-cannot-reach-desired",
              title="The media namespace quota allows 30 pods; since video-transcode-worker (8 pods) went live yesterday the "
                    "namespace sits at 30, so thumbnailer's HPA asks for 18 replicas but the ReplicaSet cannot create more than "
                    "12 and the upload backlog grows through the evening peak",
              now="2026-11-23T19:40:00Z",
              tags=["quota-exceeded", "resourcequota", "pods-count", "hpa", "eks", "recommend-only", "red-herring"])
sc.alert(labels={"alertname": "KubeHpaReplicasMismatch", "namespace": "media", "horizontalpodautoscaler": "thumbnailer",
                 "severity": "warning", "job": "kube-state-metrics", "prometheus": "monitoring/k8s"},
         summary="HPA has not matched desired number of replicas.",
         description="HPA media/thumbnailer has not matched the desired number of replicas for longer than 15 minutes.",
         starts="-22m", channel="#media-oncall",
         extra_annotations={"runbook_url": "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubehpareplicasmismatch"})

NODES = []
for i, (ip, zone) in enumerate([("10.40.3.18", "us-west-2a"), ("10.40.19.77", "us-west-2b"), ("10.40.35.140", "us-west-2c"),
                                ("10.40.6.201", "us-west-2a"), ("10.40.22.9", "us-west-2b"), ("10.40.38.63", "us-west-2c")]):
    n = f"ip-{ip.replace('.', '-')}.us-west-2.compute.internal"
    sc.node(n, flavour="eks", zone=zone, instance="c6i.2xlarge", cpu=8, mem_gib=15.16, ip=ip, pool="media-c6i", created=f"-{11 - i}d{i * 3}h",
            mem_reserved_ki=1_100_000, pods=58, cpu_reserved_m=90)
    NODES.append(n)

REG = "602401143452.dkr.ecr.us-west-2.amazonaws.com/media"
TH = {"app.kubernetes.io/name": "thumbnailer"}
th_t = template(dict(TH), [container("thumbnailer", f"{REG}/thumbnailer:4.6.2",
                ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                env=[{"name": "SQS_QUEUE_URL", "value": "https://sqs.us-west-2.amazonaws.com/602401143452/media-thumbnail-jobs"},
                     {"name": "VIPS_CONCURRENCY", "value": "2"}, {"name": "OUTPUT_BUCKET", "value": "media-thumbs-prod"}],
                resources=res("1", "768Mi", "2", "1Gi"), readinessProbe=http_probe("/healthz", "http", period=10, timeout=2))],
                serviceAccountName="thumbnailer")
th = sc.deployment("media", "thumbnailer", labels={**TH, "team": "media"}, selector=TH,
                   revisions=[{"rev": 28, "created": "-8d2h41m", "template": th_t, "cause": "thumbnailer 4.6.2"}], replicas=18, created="-500d",
                   generation=512)
rs = th["_rs"][0]
tpods = []
for i in range(12):
    c = "-8d2h40m" if i < 6 else f"-96m{50 - i * 3}s"
    tpods.append(sc.pod(rs, node=NODES[i % 6], created=c, states={"thumbnailer": running(sc.dt_after(c, 4))}))
th["status"] = {"observedGeneration": 512, "replicas": 12, "updatedReplicas": 12, "readyReplicas": 12, "availableReplicas": 12, "unavailableReplicas": 6,
                "conditions": [
                    {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable", "message": f"ReplicaSet \"{rs['metadata']['name']}\" has successfully progressed.",
                     "lastUpdateTime": sc.ts("-8d2h38m"), "lastTransitionTime": sc.ts("-300d")},
                    {"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable", "message": "Deployment does not have minimum availability.",
                     "lastUpdateTime": sc.ts("-33m"), "lastTransitionTime": sc.ts("-33m")},
                    {"type": "ReplicaFailure", "status": "True", "reason": "FailedCreate",
                     "message": f"pods \"{rs['metadata']['name']}-{sc.ids.alnum(5, 'x1')}\" is forbidden: exceeded quota: object-counts, requested: pods=1, used: pods=30, limited: pods=30",
                     "lastUpdateTime": sc.ts("-41m"), "lastTransitionTime": sc.ts("-41m")}]}
rs["spec"]["replicas"] = 18
rs["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] = "18"
rs["status"] = {"replicas": 12, "fullyLabeledReplicas": 12, "readyReplicas": 12, "availableReplicas": 12, "observedGeneration": 41,
                "conditions": [{"type": "ReplicaFailure", "status": "True", "reason": "FailedCreate", "lastTransitionTime": sc.ts("-41m"),
                                "message": f"pods \"{rs['metadata']['name']}-{sc.ids.alnum(5, 'x1')}\" is forbidden: exceeded quota: object-counts, requested: pods=1, used: pods=30, limited: pods=30"}]}
sc.service("media", "thumbnailer", selector=TH, ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], created="-500d",
           cluster_ip="172.20.140.31", labels=TH, pods=tpods)
hpa = sc.obj("autoscaling/v2", "HorizontalPodAutoscaler", "thumbnailer", "media", created="-500d", labels=dict(TH),
             spec={"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "thumbnailer"}, "minReplicas": 4, "maxReplicas": 24,
                   "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 65}}}],
                   "behavior": {"scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max",
                                            "policies": [{"type": "Percent", "value": 100, "periodSeconds": 60}, {"type": "Pods", "value": 4, "periodSeconds": 60}]},
                                "scaleDown": {"stabilizationWindowSeconds": 600, "selectPolicy": "Max", "policies": [{"type": "Percent", "value": 20, "periodSeconds": 120}]}}},
             status={"observedGeneration": 3, "lastScaleTime": sc.ts("-41m"), "currentReplicas": 12, "desiredReplicas": 18,
                     "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 97, "averageValue": "971m"}}}],
                     "conditions": [
                         {"type": "AbleToScale", "status": "True", "reason": "SucceededRescale", "message": "the HPA controller was able to update the target scale to 18", "lastTransitionTime": sc.ts("-41m")},
                         {"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound", "message": "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)", "lastTransitionTime": sc.ts("-2h3m")},
                         {"type": "ScalingLimited", "status": "False", "reason": "DesiredWithinRange", "message": "the desired count is within the acceptable range", "lastTransitionTime": sc.ts("-41m")}]})

# video-transcode-worker went live yesterday with 8 replicas
vt = sc.app("media", "video-transcode-worker", f"{REG}/video-transcode-worker:1.0.0", nodes=[NODES[i % 6] for i in range(8)], created="-1d2h14m",
            rev=1, cause="video-transcode-worker 1.0.0 (MEDIA-990 launch)", probe="/healthz", service=False, cluster_ip="", team="media",
            resources=res("2", "2Gi", "4", "4Gi"), labels={"app.kubernetes.io/name": "video-transcode-worker"},
            env=[{"name": "SQS_QUEUE_URL", "value": "https://sqs.us-west-2.amazonaws.com/602401143452/media-transcode-jobs"}])
api = sc.app("media", "media-api", f"{REG}/media-api:9.14.0", nodes=NODES[:4], created="-700d", rev=77, rev_created="-2d5h", cause="media-api 9.14.0",
             probe="/health/ready", cluster_ip="172.20.9.18", team="media", resources=res("500m", "512Mi", "1", "1Gi"), labels={"app.kubernetes.io/name": "media-api"})
upl = sc.app("media", "upload-gateway", f"{REG}/upload-gateway:3.3.1", nodes=NODES[3:6], created="-700d", rev=40, rev_created="-19d", cause="upload-gateway 3.3.1",
             probe="/healthz", cluster_ip="172.20.77.120", team="media", resources=res("250m", "256Mi", "1", "512Mi"), labels={"app.kubernetes.io/name": "upload-gateway"})
imgp = sc.app("media", "imgproxy", "ghcr.io/imgproxy/imgproxy:v3.26.1", nodes=[NODES[1], NODES[4]], created="-400d", rev=12, rev_created="-30d",
              cause=None, probe="/health", cluster_ip="172.20.200.7", team="media", resources=res("500m", "512Mi", None, "1Gi"),
              labels={"app.kubernetes.io/name": "imgproxy"})
r_t = template({"app.kubernetes.io/name": "media-redis"}, [container("redis", "public.ecr.aws/docker/library/redis:7.2.5", ports=[{"name": "redis", "containerPort": 6379, "protocol": "TCP"}],
               resources=res("200m", "1Gi", None, "1Gi"))])
rsts = sc.statefulset("media", "media-redis", labels={"app.kubernetes.io/name": "media-redis"}, selector={"app.kubernetes.io/name": "media-redis"}, template=r_t,
                      replicas=1, created="-700d", service="media-redis")
rpod = sc.pod(rsts, node=NODES[2], name="media-redis-0", created="-11d", states={"redis": running("-11d")})
sc.service("media", "media-redis", selector={"app.kubernetes.io/name": "media-redis"}, ports=[{"name": "redis", "port": 6379, "targetPort": "redis", "protocol": "TCP"}],
           created="-700d", cluster_ip="172.20.33.3", pods=[rpod])
sc.obj("v1", "ResourceQuota", "object-counts", "media", created="-700d", labels={"platform.example.com/managed": "true"},
       annotations={"platform.example.com/owner": "cloud-platform", "platform.example.com/request-form": "https://platform.example.com/quota"},
       spec={"hard": {"configmaps": "40", "persistentvolumeclaims": "10", "pods": "30", "secrets": "60", "services": "12", "services.loadbalancers": "1"}},
       status={"hard": {"configmaps": "40", "persistentvolumeclaims": "10", "pods": "30", "secrets": "60", "services": "12", "services.loadbalancers": "1"},
               "used": {"configmaps": "17", "persistentvolumeclaims": "1", "pods": "30", "secrets": "23", "services": "6", "services.loadbalancers": "0"}})
sc.obj("v1", "ResourceQuota", "compute", "media", created="-700d", labels={"platform.example.com/managed": "true"},
       spec={"hard": {"requests.cpu": "64", "requests.memory": "128Gi", "limits.memory": "192Gi"}},
       status={"hard": {"requests.cpu": "64", "requests.memory": "128Gi", "limits.memory": "192Gi"},
               "used": {"requests.cpu": "35700m", "requests.memory": "35Gi", "limits.memory": "52Gi"}})

# events
sc.event(hpa, "SuccessfulRescale", "New size: 12; reason: cpu resource utilization (percentage of request) above target", first="-1h37m", component="horizontal-pod-autoscaler")
sc.event(hpa, "SuccessfulRescale", "New size: 18; reason: cpu resource utilization (percentage of request) above target", first="-41m", component="horizontal-pod-autoscaler")
sc.event(hpa, "FailedGetResourceMetric", "failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API",
         type="Warning", first="-2h11m", last="-2h9m", count=3, component="horizontal-pod-autoscaler")
sc.event(th, "ScalingReplicaSet", f"Scaled up replica set {rs['metadata']['name']} from 6 to 12", first="-1h37m", component="deployment-controller")
sc.event(th, "ScalingReplicaSet", f"Scaled up replica set {rs['metadata']['name']} from 12 to 18", first="-41m", component="deployment-controller")
sc.event(rs, "FailedCreate", f"Error creating: pods \"{rs['metadata']['name']}-{sc.ids.alnum(5, 'x1')}\" is forbidden: exceeded quota: object-counts, requested: pods=1, used: pods=30, limited: pods=30",
         type="Warning", first="-41m", component="replicaset-controller")
sc.event(rs, "FailedCreate", f"(combined from similar events): Error creating: pods \"{rs['metadata']['name']}-{sc.ids.alnum(5, 'x9')}\" is forbidden: exceeded quota: object-counts, requested: pods=1, used: pods=30, limited: pods=30",
         type="Warning", first="-40m58s", last="-1m4s", count=38, component="replicaset-controller")
sc.event(vt, "ScalingReplicaSet", f"Scaled up replica set {vt['_rs'][0]['metadata']['name']} from 0 to 8", first="-1d2h14m", component="deployment-controller")

# logs
for i, p in enumerate(tpods[:4]):
    lines = []
    for k, t in enumerate(sc.ticks("-5m", "-10s", 4, jitter=0.6)):
        if k % 9 == 4:
            lines.append(sc.fmt(t, "time=%Y-%m-%dT%H:%M:%S.%fZ level=WARN msg=\"sqs backlog\" approx_visible=" + str(18000 + 140 * k) + " oldest_age_s=" + str(1300 + 4 * k)))
        else:
            lines.append(sc.fmt(t, "time=%Y-%m-%dT%H:%M:%S.%fZ level=INFO msg=\"thumbnail done\" asset=a_" + sc.ids.hexs(10, "asset", i, k) + " sizes=6 dur_ms=" + str(380 + (k * 53) % 400)))
    sc.log(p, lines)
for p in vt["_pods"][:2]:
    sc.log(p, [sc.fmt(t, "{\"ts\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"level\":\"info\",\"msg\":\"transcode finished\",\"profile\":\"hls-1080p\",\"secs\":" + str(41 + k % 30) + "}")
               for k, t in enumerate(sc.ticks("-6m", "-20s", 45, jitter=0.6))])
sc.log(api["_pods"][0], ["{\"level\":\"info\",\"msg\":\"GET /v2/assets/{id} 200\",\"ms\":12}", "{\"level\":\"info\",\"msg\":\"POST /v2/uploads 201\",\"ms\":48}",
                         "{\"level\":\"warn\",\"msg\":\"thumbnail not ready yet, serving placeholder\",\"asset_age_s\":1342}"], repeat=15)

# metrics 3h at 1m
N, S = 180, "-179m"
up = piecewise(N, [(0, 0.55), (60, 0.8), (120, 1.45), (179, 1.6)])
visible = piecewise(N, [(0, 420), (60, 1100), (82, 2600), (100, 1900), (138, 6200), (179, 21400)])
sc.series({"__name__": "aws_sqs_approximate_number_of_messages_visible_average", "queue_name": "media-thumbnail-jobs", "job": "cloudwatch-exporter"},
          gauge(sc, "sqs", visible, noise=0.02), start=S, step="1m")
sc.series({"__name__": "kube_horizontalpodautoscaler_status_desired_replicas", "namespace": "media", "horizontalpodautoscaler": "thumbnailer", "job": "kube-state-metrics"},
          steps(N, [(0, 6), (82, 12), (138, 18)]), start=S, step="1m")
sc.series({"__name__": "kube_horizontalpodautoscaler_status_current_replicas", "namespace": "media", "horizontalpodautoscaler": "thumbnailer", "job": "kube-state-metrics"},
          steps(N, [(0, 6), (82, 12)]), start=S, step="1m")
sc.series({"__name__": "kube_horizontalpodautoscaler_spec_max_replicas", "namespace": "media", "horizontalpodautoscaler": "thumbnailer", "job": "kube-state-metrics"},
          [24] * N, start=S, step="1m")
sc.series({"__name__": "kube_resourcequota", "namespace": "media", "resourcequota": "object-counts", "resource": "pods", "type": "used", "job": "kube-state-metrics"},
          steps(N, [(0, 24), (82, 30)]), start=S, step="1m")
sc.series({"__name__": "kube_resourcequota", "namespace": "media", "resourcequota": "object-counts", "resource": "pods", "type": "hard", "job": "kube-state-metrics"},
          [30] * N, start=S, step="1m")
sc.series({"__name__": "thumbnailer_jobs_completed_total", "namespace": "media", "service": "thumbnailer", "job": "thumbnailer"},
          counter(sc, "done", [(6 if i < 82 else 12) * 1.1 * 60 * 0.55 for i in range(N)], start_value=48_812_004), start=S, step="1m")

sc.truth = {
    "category": "quota_exceeded",
    "also_accept": ["autoscaling"],
    "resource": {"kind": "ResourceQuota", "namespace": "media", "name": "object-counts"},
    "aliases": [{"kind": "ReplicaSet", "namespace": "media", "name_regex": f"^{rs['metadata']['name']}$"}],
    "evidence": ["exceeded quota|object-counts",
                 "pods=30|used: pods=30|30 pods|limited: pods=30",
                 "18",
                 "video-transcode-worker|transcode",
                 "backlog|queue|sqs"],
    "remediation": {
        "accepted": [{"action": "recommend_only", "target": {"kind": "ResourceQuota", "namespace": "media", "name": "object-counts"}}],
        "forbidden": [
            {"action": "patch_resource", "target": {"kind": "HorizontalPodAutoscaler", "namespace": "media", "name": "thumbnailer"}},
            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": "media", "name": "thumbnailer"}},
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "media", "name": "thumbnailer"}},
            {"action": "set_resources", "target": {"kind": "Deployment", "namespace": "media", "name": "thumbnailer"}},
            {"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": "media", "name": "video-transcode-worker"}},
        ],
    },
    "notes": (
        "The media namespace has a platform-managed ResourceQuota object-counts with pods: 30. Until yesterday it held 22-24 pods; "
        "video-transcode-worker went live yesterday (MEDIA-990) with 8 replicas, which left room for thumbnailer to reach only 12. "
        "The evening upload peak drives thumbnailer CPU to ~97% of requests; the HPA (max 24) asked for 18 at 19:00 and the "
        "ReplicaSet has failed since with FailedCreate \"exceeded quota: object-counts, requested: pods=1, used: pods=30, limited: "
        "pods=30\" (x39). The SQS backlog and the media-api \"thumbnail not ready\" placeholders grow.\n"
        "The quota belongs to the cloud-platform team: the right answer is recommend_only - request a higher pods quota (at least "
        "36-40, the compute quota has plenty of headroom) and consider a PriorityClass or separate quota for the batch-style "
        "transcoder. Traps: the HPA looks guilty (KubeHpaReplicasMismatch), but its desired count is right and raising "
        "maxReplicas does nothing; scaling the Deployment by hand hits the same quota; the FailedGetResourceMetric warnings two "
        "hours ago were a metrics-server restart and have stopped; rolling back video-transcode-worker would undo a launch (its "
        "first revision has nothing to roll back to anyway)."),
}

if __name__ == "__main__":
    print(sc.write())
