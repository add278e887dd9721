"""image_pull: berth-planner revision 22 points at tag 2.19.0, which CI never pushed (only 2.19.0-rc.1 exists)."""
import copy
from lib import Scn, container, http_probe, template, dep_status, rollout_events, pod_start_events, simple_workload

SID = "berth-planner-release-not-finishing"
S = Scn(SID, "2026-11-24T16:27:00Z", 404)
NS = "port-ops"
REG = "harbourline.azurecr.io/ops"
NEW, OLD = f"{REG}/berth-planner:2.19.0", f"{REG}/berth-planner:2.18.3"
nodes = [S.node(f"aks-system-18834120-vmss00000{c}", zone=f"northeurope-{z}", ip=f"10.240.0.{ip}", cpu="8", mem_ki=32863012,
                itype="Standard_D8ds_v5", kubelet="v1.31.3") for c, z, ip in [("0", 1, 4), ("1", 2, 35), ("2", 3, 66)]]
for n in nodes:
    n["spec"]["providerID"] = "azure:///subscriptions/2f6e/resourceGroups/mc_harbourline_prod/providers/Microsoft.Compute/virtualMachineScaleSets/aks-system-18834120-vmss/virtualMachines/" + n["metadata"]["name"][-1]
    n["status"]["nodeInfo"]["osImage"] = "Ubuntu 22.04.5 LTS"
    n["status"]["nodeInfo"]["kernelVersion"] = "5.15.0-1074-azure"
    n["metadata"]["labels"]["topology.kubernetes.io/region"] = "northeurope"
N = [(n["metadata"]["name"], n["status"]["addresses"][0]["address"]) for n in nodes]
S.pod_net = lambda i, h: f"10.244.{i}.{S.rng.randint(100, 240)}"
LBL = {"app": "berth-planner"}


def tpl(image: str) -> dict:
    return template(dict(LBL), [container("berth-planner", image, env=[
        {"name": "ASPNETCORE_URLS", "value": "http://+:8080"},
        {"name": "ConnectionStrings__Berths", "valueFrom": {"secretKeyRef": {"name": "berth-planner-sql", "key": "connection-string"}}},
        {"name": "Ais__FeedUrl", "value": "http://ais-decoder.port-ops.svc/v1/positions"}],
        req={"cpu": "200m", "memory": "512Mi"}, lim={"memory": "1Gi"},
        readiness=http_probe("/health/ready", period=10, timeout=3), liveness=http_probe("/health/live", delay=30, period=20, timeout=3))],
        imagePullSecrets=[{"name": "acr-pull"}], serviceAccountName="berth-planner")


t22, t21, t20 = tpl(NEW), tpl(OLD), tpl(f"{REG}/berth-planner:2.18.1")
C22 = "azure-pipelines release 1184: berth-planner 2.19.0"
dep = S.deployment(NS, "berth-planner", labels=dict(LBL), template=t22, revision=22, replicas=3, created="-620d", generation=41, change_cause=C22,
                   status=dep_status(S, replicas=3, ready=3, updated=1, total=4, unavailable=1, rs="berth-planner-64f9c7b8d5", since="-39m",
                                     created="-620d", progressing="stuck", available_since="-15d"))
rs22 = S.replicaset(dep, phash="64f9c7b8d5", revision=22, template=t22, replicas=1, created="-49m", change_cause=C22, ready=0)
rs21 = S.replicaset(dep, phash="7c4d58b6f9", revision=21, template=t21, replicas=3, created="-15d", change_cause="azure-pipelines release 1171: berth-planner 2.18.3")
S.replicaset(dep, phash="b8d96f5c7", revision=20, template=t20, replicas=0, created="-29d", change_cause="azure-pipelines release 1160: berth-planner 2.18.1")
old = [S.pod(rs21, suffix=s, node=N[i][0], host_ip=N[i][1], ip=f"10.244.{i}.{40 + i * 9}", created="-15d",
             statuses=[S.cstatus("berth-planner", OLD, digest="0be1" * 16, state={"running": {"startedAt": S.t("-15d")}})])
       for i, s in enumerate(["m4xqz", "c8wpl", "r2dkv"])]
stuck = S.pod(rs22, suffix="t6hbn", node=N[1][0], host_ip=N[1][1], ip="10.244.1.97", created="-49m", ready=False,
              statuses=[S.cstatus("berth-planner", NEW, digest="", ready=False,
                                  state={"waiting": {"reason": "ImagePullBackOff", "message": f'Back-off pulling image "{NEW}"'}})])
S.service(NS, "berth-planner", selector=dict(LBL), ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}], cluster_ip="10.0.201.19", labels=dict(LBL))
S.endpoints(NS, "berth-planner", ready=old, not_ready=[stuck], ports=[{"name": "http", "port": 8080, "protocol": "TCP"}], labels=dict(LBL))
S.add({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/dockerconfigjson",
       "metadata": {"name": "acr-pull", "namespace": NS, "uid": S.uid(), "creationTimestamp": S.t("-200d")},
       "data": {".dockerconfigjson": "eyJhdXRocyI6eyJoYXJib3VybGluZS5henVyZWNyLmlvIjp7InVzZXJuYW1lIjoiYWNyLXB1bGwtcHJvZCIsInBhc3N3b3JkIjoiUXo3ZmpMMm5YcDhWd1JrNHRZYjlNZTNIIiwiYXV0aCI6IlltRnlZbTkxY214cGJtVXRjSFZzYkMxd2NtOWtPbEY2TjJacVRESnVXSEE0Vm5kU2F6UjBXV0k1VFdVelNBPT0ifX19"}})
S.add({"apiVersion": "v1", "kind": "Secret", "type": "Opaque", "metadata": {"name": "berth-planner-sql", "namespace": NS, "uid": S.uid(), "creationTimestamp": S.t("-620d")},
       "data": {"connection-string": "U2VydmVyPXRjcDpoYXJib3VybGluZS1zcWwuZGF0YWJhc2Uud2luZG93cy5uZXQsMTQzMztEYXRhYmFzZT1iZXJ0aHM7VXNlciBJRD1iZXJ0aHBsYW5uZXI7UGFzc3dvcmQ9dFI4ekt2M21XcTJM"}})

# neighbours: ais-decoder with transient probe failures earlier (red herring), yard-api
ad, _, adp = simple_workload(S, NS, "ais-decoder", image=f"{REG}/ais-decoder:1.6.2", nodes=N, replicas=2, revision=9, age="-8d", svc_ip="10.0.201.44",
                             restarts=[1, 0], lasts=[{"terminated": {"exitCode": 143, "reason": "Error", "startedAt": S.t("-8d"), "finishedAt": S.t("-71m"),
                                                                       "containerID": "containerd://" + S.hexid(64)}}, None])
ya, _, yap = simple_workload(S, NS, "yard-api", image=f"{REG}/yard-api:5.0.7", nodes=N, replicas=2, revision=63, age="-3d", svc_ip="10.0.201.71")
S.event(adp[0], reason="Unhealthy", message=f'Liveness probe failed: Get "http://{adp[0]["status"]["podIP"]}:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
        first="-74m", last="-72m", count=3, etype="Warning", host=adp[0]["spec"]["nodeName"], field_path="spec.containers{ais-decoder}")
S.event(adp[0], reason="Killing", message="Container ais-decoder failed liveness probe, will be restarted", first="-72m", host=adp[0]["spec"]["nodeName"], field_path="spec.containers{ais-decoder}")

rollout_events(S, dep, [("-49m", "Scaled up replica set berth-planner-64f9c7b8d5 to 1")])
node = stuck["spec"]["nodeName"]
fp = "spec.containers{berth-planner}"
S.event(stuck, reason="Scheduled", message=f"Successfully assigned {NS}/{stuck['metadata']['name']} to {node}", first="-49m", component="default-scheduler")
S.event(stuck, reason="Pulling", message=f'Pulling image "{NEW}"', first="-49m", last="-4m", count=14, host=node, field_path=fp)
S.event(stuck, reason="Failed", message=(f'Failed to pull image "{NEW}": rpc error: code = NotFound desc = failed to pull and unpack image "{NEW}": '
                                         f'failed to resolve reference "{NEW}": {NEW}: not found'), first="-49m", last="-4m", count=14, etype="Warning", host=node, field_path=fp)
S.event(stuck, reason="Failed", message="Error: ErrImagePull", first="-49m", last="-4m", count=14, etype="Warning", host=node, field_path=fp)
S.event(stuck, reason="BackOff", message=f'Back-off pulling image "{NEW}"', first="-48m", last="-40s", count=203, host=node, field_path=fp)
S.event(stuck, reason="Failed", message="Error: ImagePullBackOff", first="-48m", last="-40s", count=203, etype="Warning", host=node, field_path=fp)
S.event(dep, reason="ProgressDeadlineExceeded", message='Deployment "berth-planner" has timed out progressing: ReplicaSet "berth-planner-64f9c7b8d5" has timed out progressing.',
        first="-39m", etype="Warning", component="deployment-controller")

for i, p in enumerate(old):
    S.log(NS, p, [f"{S._plus(S.t('-9m'), k * 17 + i)} info: Microsoft.AspNetCore.Hosting.Diagnostics[2] Request finished HTTP/1.1 "
                  f"{S.rng.choice(['GET /api/berths/schedule?terminal=T2', 'GET /api/vessels/eta', 'POST /api/berths/allocations', 'GET /health/ready'])} - "
                  f"{S.rng.choice([200, 200, 200, 201, 200])} - application/json {S.rng.randint(3, 180)}.{S.rng.randint(1000, 9999)}ms" for k in range(30)]
          + [f"{S._plus(S.t('-4m'), i)} warn: BerthPlanner.Ais.FeedClient[0] AIS feed gap of 41s for MMSI 2442{S.rng.randint(10000, 99999)}, using dead reckoning"])
S.log(NS, adp[0], [f"{S._plus(S.t('-8m'), k * 30)} INFO decoded {S.rng.randint(900, 1400)} NMEA sentences, {S.rng.randint(0, 3)} checksum errors" for k in range(16)])
S.log(NS, adp[0], [f"{S.t('-75m')} INFO decoded 1207 NMEA sentences, 0 checksum errors", f"{S.t('-74m')} WARN upstream AIS receiver slow to respond (12.4s)",
                   f"{S.t('-72m')} INFO received SIGTERM, draining"], previous=True)

n = 121
cut = n - 49
S.metric({"__name__": "kube_deployment_status_replicas_available", "namespace": NS, "deployment": "berth-planner", "job": "kube-state-metrics"}, [3] * n)
S.metric({"__name__": "kube_deployment_status_replicas_unavailable", "namespace": NS, "deployment": "berth-planner", "job": "kube-state-metrics"}, [0] * cut + [1] * (n - cut))
S.metric({"__name__": "kube_deployment_status_replicas_updated", "namespace": NS, "deployment": "berth-planner", "job": "kube-state-metrics"}, [3] * cut + [1] * (n - cut))
S.metric({"__name__": "kube_pod_container_status_waiting_reason", "namespace": NS, "pod": stuck["metadata"]["name"], "container": "berth-planner", "reason": "ImagePullBackOff", "job": "kube-state-metrics"},
         [None] * cut + [0, 1] * ((n - cut) // 2) + [1] * ((n - cut) % 2))
S.metric({"__name__": "kube_pod_container_status_waiting_reason", "namespace": NS, "pod": stuck["metadata"]["name"], "container": "berth-planner", "reason": "ErrImagePull", "job": "kube-state-metrics"},
         [None] * cut + [1, 0] * ((n - cut) // 2) + [0] * ((n - cut) % 2))
S.metric({"__name__": "http_server_request_duration_seconds_count", "namespace": NS, "service": "berth-planner", "http_response_status_code": "200"},
         S.counter([22.0 + 6 * (k / n) for k in range(n)], start=40127734))
S.metric({"__name__": "http_server_request_duration_seconds_count", "namespace": NS, "service": "berth-planner", "http_response_status_code": "500"},
         S.counter([0.003] * n, start=2211, jitter=0.5))

CHECK = {"kind": "Deployment", "namespace": NS, "name": "berth-planner", "path": "spec.template.spec.containers[0].image", "equals": OLD}
S.dump(f"scenarios/{SID}.yaml",
       title="berth-planner release 2.19.0 references an image tag that was never pushed (only 2.19.0-rc.1 exists); the new pod is in ImagePullBackOff and the rollout timed out",
       tags=["image-pull", "rollout-stuck", "rollback", "red-herring"],
       trigger={"command": "berth-planner release from this afternoon never finished, pipeline timed out waiting for rollout", "channel": "#port-ops-deploys", "user": "U05HLDEV7"},
       recovery=[{"when": [CHECK], "apply": {"delete": [{"kind": "Pod", "namespace": NS, "name": stuck["metadata"]["name"]}]}}],
       truth={"category": "image_pull", "also_accept": ["bad_rollout"],
              "resource": {"kind": "Deployment", "namespace": NS, "name": "berth-planner"},
              "aliases": [{"kind": "ReplicaSet", "namespace": NS, "name_regex": "^berth-planner-64f9c7b8d5$"},
                          {"kind": "Pod", "namespace": NS, "name_regex": "^berth-planner-64f9c7b8d5-"}],
              "evidence": ["2.19.0", "not found|notfound", "imagepullbackoff|errimagepull", "2.18.3|revision 21"],
              "remediation": {"accepted": [{"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": NS, "name": "berth-planner"}},
                                           {"action": "patch_resource", "target": {"kind": "Deployment", "namespace": NS, "name": "berth-planner"},
                                            "params": {"patch": {"spec": {"template": {"spec": {"containers": [{"name": "berth-planner", "image": OLD}]}}}}}}],
                              "checks": [CHECK],
                              "forbidden": [{"action": "restart_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "berth-planner"}},
                                            {"action": "delete_pod", "target": {"kind": "Pod", "namespace": NS, "name": stuck["metadata"]["name"]}},
                                            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "berth-planner"}},
                                            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": NS, "name": "ais-decoder"}}]},
              "notes": ("Release 1184 set the image to berth-planner:2.19.0 but the build pushed only 2.19.0-rc.1; the registry answers 'not found' (not 401/403, "
                        "so acr-pull credentials are fine: the same secret pulled 2.18.3 for the running pods). With maxUnavailable rounding to 0 the three 2.18.3 "
                        "pods keep serving, one new pod sits in ImagePullBackOff and the Deployment hit ProgressDeadlineExceeded. Fix: roll back to revision 21 "
                        "(2.18.3) and let the pipeline re-run with a pushed tag. Red herring: ais-decoder's liveness restart 70 minutes ago, and berth-planner's "
                        "AIS feed-gap warnings, are unrelated upstream slowness.")})
