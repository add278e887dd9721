"""Scenario partner-webhooks-rollout-crashloop-tuesday: hostNetwork without ClusterFirstWithHostNet loses cluster DNS."""
from __future__ import annotations

from datetime import timedelta

from scenb_kit import (Scenario, ago, container, counter, crashloop, http_probe, mutate, res, running, steps, template)

sc = Scenario("partner-webhooks-rollout-crashloop-tuesday",
              title="webhook-dispatcher revision 15 switched to hostNetwork (so partners see the node egress IPs) but kept "
                    "dnsPolicy ClusterFirst, which falls back to the node's resolv.conf; the new pods cannot resolve "
                    "redis-queue.integrations.svc.cluster.local, exit 1 and crash-loop",
              now="2026-11-24T14:06:00Z",
              tags=["dns-failure", "dnspolicy", "hostnetwork", "kubeadm", "crashloopbackoff", "rollout-stuck", "red-herring"])

NODES = []
for i in range(4):
    n = f"k8s-prod-w0{i + 1}.dc2.corp.example.net"
    sc.node(n, flavour="kubeadm", zone=f"dc2-hall{1 + i % 2}", instance="dell-r650", cpu=32, mem_gib=251.5, ip=f"10.20.14.{31 + i}",
            pod_cidr=f"192.168.{64 + i * 4}.0/22", created=f"-{260 - 20 * i}d", region="dc2", kubelet="v1.29.10",
            labels={"node-role.kubernetes.io/worker": ""}, mem_reserved_ki=9_400_000, cpu_reserved_m=1000)
    NODES.append(n)
for n in NODES:
    sc.nodes[n]["status"]["nodeInfo"].update({"osImage": "Rocky Linux 9.4 (Blue Onyx)", "kernelVersion": "5.14.0-427.42.1.el9_4.x86_64",
                                              "containerRuntimeVersion": "containerd://1.7.22"})
    sc.nodes[n]["_pod_base"] = sc.nodes[n]["spec"]["podCIDR"].rsplit(".", 2)[0] + "." + str(int(sc.nodes[n]["spec"]["podCIDR"].split(".")[2]) + 1)

REG = "registry.dc2.corp.example.net/integrations"
WD = {"app": "webhook-dispatcher"}


def wd_t(tag: str, host: bool) -> dict:
    spec = {"serviceAccountName": "webhook-dispatcher", "terminationGracePeriodSeconds": 40}
    if host:
        spec["hostNetwork"] = True
    c = container("dispatcher", f"{REG}/webhook-dispatcher:{tag}", command=["node", "--enable-source-maps", "dist/main.js"],
                  ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                  env=[{"name": "REDIS_URL", "value": "redis://redis-queue.integrations.svc.cluster.local:6379/0"},
                       {"name": "PARTNER_REGISTRY_URL", "value": "https://partners-config.corp.example.net/v1/registry"},
                       {"name": "DELIVERY_CONCURRENCY", "value": "64"}, {"name": "NODE_ENV", "value": "production"}],
                  resources=res("250m", "384Mi", None, "512Mi"),
                  readinessProbe=http_probe("/health/ready", "http", period=10, timeout=2),
                  livenessProbe=http_probe("/health/live", "http", period=15, timeout=2, initial=10))
    if host:
        c["ports"][0]["hostPort"] = 8080
    return template(dict(WD), [c], **spec)


revs = [{"rev": 13, "created": "-20d5h", "template": wd_t("7.4.0", False), "cause": "webhook-dispatcher 7.4.0"},
        {"rev": 14, "created": "-8d1h", "template": wd_t("7.4.2", False), "cause": "webhook-dispatcher 7.4.2"},
        {"rev": 15, "created": ago(h=1, m=12, s=30), "template": wd_t("7.5.0", True),
         "cause": "INT-918: hostNetwork so partner allow-lists see node egress IPs; 7.5.0", "replicas": 1}]
revs[1]["replicas"] = 2
dep = sc.deployment("integrations", "webhook-dispatcher", labels={**WD, "team": "integrations"}, selector=WD, revisions=revs, replicas=2,
                    created="-420d", generation=29, strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}})
rs14, rs15 = dep["_rs"][1], dep["_rs"][2]
old = [sc.pod(rs14, node=NODES[i], created=ago(d=8, m=58, s=40 - 20 * i), states={"dispatcher": running(ago(d=8, m=58, s=36 - 20 * i))}) for i in range(2)]
bad = sc.pod(rs15, node=NODES[2], created=ago(h=1, m=12, s=29), states={"dispatcher": crashloop("5m0s")}, restarts={"dispatcher": 16},
             last={"dispatcher": {"code": 1, "reason": "Error", "start": ago(m=2, s=13), "end": ago(m=2, s=11)}})
bad["spec"]["dnsPolicy"] = "ClusterFirst"
dep["status"] = {"observedGeneration": 29, "replicas": 3, "updatedReplicas": 1, "readyReplicas": 2, "availableReplicas": 2, "unavailableReplicas": 1,
                 "conditions": [
                     {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable", "message": "Deployment has minimum availability.",
                      "lastUpdateTime": sc.ts("-8d55m"), "lastTransitionTime": sc.ts("-8d55m")},
                     {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
                      "message": f"ReplicaSet \"{rs15['metadata']['name']}\" has timed out progressing.",
                      "lastUpdateTime": sc.ts(ago(h=1, m=2, s=30)), "lastTransitionTime": sc.ts(ago(h=1, m=2, s=30))}]}
svc, _ = sc.service("integrations", "webhook-dispatcher", selector=WD, ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}],
                    created="-420d", cluster_ip="10.96.212.40", labels=WD, pods=old + [bad])
sc.alert(labels={"alertname": "KubeContainerWaiting", "namespace": "integrations", "pod": bad["metadata"]["name"], "container": "dispatcher",
                 "reason": "CrashLoopBackOff", "severity": "warning", "job": "kube-state-metrics", "prometheus": "monitoring/k8s"},
         summary="Pod container waiting longer than 1 hour",
         description=f"pod/{bad['metadata']['name']} in namespace integrations on container dispatcher has been in waiting state for longer than 1 hour. (reason: \"CrashLoopBackOff\")",
         starts=ago(m=4), channel="#integrations-alerts",
         extra_annotations={"runbook_url": "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubecontainerwaiting"})

fp = "spec.containers{dispatcher}"
sc.event(dep, "ScalingReplicaSet", f"Scaled up replica set {rs15['metadata']['name']} from 0 to 1", first=ago(h=1, m=12, s=30), component="deployment-controller")
sc.event(bad, "Scheduled", f"Successfully assigned integrations/{bad['metadata']['name']} to {NODES[2]}", first=ago(h=1, m=12, s=29), component="default-scheduler")
sc.event(bad, "Pulling", f"Pulling image \"{REG}/webhook-dispatcher:7.5.0\"", first=ago(h=1, m=12, s=28), field_path=fp)
sc.event(bad, "Pulled", f"Successfully pulled image \"{REG}/webhook-dispatcher:7.5.0\" in 3.412s (3.412s including waiting). Image size: 71833210 bytes.",
         first=ago(h=1, m=12, s=24), field_path=fp)
sc.event(bad, "Pulled", f"Container image \"{REG}/webhook-dispatcher:7.5.0\" already present on machine", first=ago(h=1, m=11, s=58), last=ago(m=2, s=14), count=16, field_path=fp)
sc.event(bad, "Created", "Created container: dispatcher", first=ago(h=1, m=12, s=24), last=ago(m=2, s=14), count=17, field_path=fp)
sc.event(bad, "Started", "Started container dispatcher", first=ago(h=1, m=12, s=23), last=ago(m=2, s=13), count=17, field_path=fp)
sc.event(bad, "BackOff", f"Back-off restarting failed container dispatcher in pod {bad['metadata']['name']}_integrations({bad['metadata']['uid']})",
         type="Warning", first=ago(h=1, m=11, s=50), last=ago(s=21), count=322, field_path=fp)

# neighbours: redis-queue, partner-api; kube-system coredns (one old restart: red herring)
rq_t = template({"app": "redis-queue"}, [container("redis", "registry.dc2.corp.example.net/mirror/redis:7.2.6", args=["--appendonly", "yes"],
                ports=[{"name": "redis", "containerPort": 6379, "protocol": "TCP"}], resources=res("250m", "1Gi", None, "1Gi"))])
rq = sc.statefulset("integrations", "redis-queue", labels={"app": "redis-queue"}, selector={"app": "redis-queue"}, template=rq_t, replicas=1,
                    created="-420d", service="redis-queue")
rqp = sc.pod(rq, node=NODES[3], name="redis-queue-0", created="-33d2h", states={"redis": running("-33d2h")})
sc.service("integrations", "redis-queue", selector={"app": "redis-queue"}, ports=[{"name": "redis", "port": 6379, "targetPort": "redis", "protocol": "TCP"}],
           created="-420d", cluster_ip="10.96.18.99", pods=[rqp])
papi = sc.app("integrations", "partner-api", f"{REG}/partner-api:3.0.9", nodes=NODES[1:3], created="-420d", rev=22, rev_created="-15d4h",
              cause="partner-api 3.0.9", probe="/healthz", cluster_ip="10.96.77.3", team="integrations", resources=res("250m", "256Mi", None, "512Mi"))
cdl = {"k8s-app": "kube-dns"}
cd_t = template(dict(cdl), [container("coredns", "registry.k8s.io/coredns/coredns:v1.11.1", args=["-conf", "/etc/coredns/Corefile"],
                ports=[{"name": "dns", "containerPort": 53, "protocol": "UDP"}, {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"}],
                resources=res("100m", "70Mi", None, "170Mi"), readinessProbe=http_probe("/ready", 8181, period=10))],
                serviceAccountName="coredns", priorityClassName="system-cluster-critical", dnsPolicy="Default")
cd = sc.deployment("kube-system", "coredns", labels=dict(cdl), selector=dict(cdl), revisions=[{"rev": 2, "created": "-200d", "template": cd_t}],
                   replicas=2, created="-420d")
cdp = [sc.pod(cd["_rs"][0], node=NODES[0], created="-61d4h", states={"coredns": running("-3d5h41m")}, restarts={"coredns": 1},
              last={"coredns": {"code": 137, "reason": "OOMKilled", "start": "-61d4h", "end": "-3d5h41m3s"}}),
       sc.pod(cd["_rs"][0], node=NODES[3], created="-61d4h", states={"coredns": running("-61d4h")})]
sc.service("kube-system", "kube-dns", selector=dict(cdl), ports=[{"name": "dns", "port": 53, "targetPort": 53, "protocol": "UDP"},
                                                                 {"name": "dns-tcp", "port": 53, "targetPort": 53, "protocol": "TCP"}],
           created="-420d", cluster_ip="10.96.0.10", labels={"k8s-app": "kube-dns", "kubernetes.io/name": "CoreDNS"}, pods=cdp)

# logs
t = sc.clock.dt(ago(m=2, s=13))


def ln(sec: float, lvl: int, msg: str, extra: str = "") -> str:
    ms = int((t + timedelta(seconds=sec)).timestamp() * 1000)
    return '{"level":' + str(lvl) + ',"time":' + str(ms) + ',"pid":1,"hostname":"' + NODES[2] + '"' + extra + ',"msg":"' + msg + '"}'


prev = [ln(0.31, 30, "webhook-dispatcher 7.5.0 starting", ',"node":"v20.18.0"'),
        ln(0.42, 30, "loading partner registry", ',"url":"https://partners-config.corp.example.net/v1/registry"'),
        ln(0.97, 30, "partner registry loaded", ',"partners":42,"resolved":"partners-config.corp.example.net -> 10.20.8.15"'),
        ln(1.02, 30, "connecting to redis", ',"url":"redis://redis-queue.integrations.svc.cluster.local:6379/0"'),
        ln(1.09, 50, "redis connection failed", ',"err":{"type":"Error","message":"getaddrinfo ENOTFOUND redis-queue.integrations.svc.cluster.local","stack":"Error: getaddrinfo ENOTFOUND redis-queue.integrations.svc.cluster.local\\n    at GetAddrInfoReqWrap.onlookupall [as oncomplete] (node:dns:120:26)","errno":-3008,"code":"ENOTFOUND","syscall":"getaddrinfo","hostname":"redis-queue.integrations.svc.cluster.local"}'),
        ln(1.11, 60, "fatal: cannot start without the delivery queue, exiting")]
sc.log(bad, prev, previous=True)
for i, p in enumerate(old):
    lines = []
    for k, tt in enumerate(sc.ticks("-4m", "-5s", 4.5, jitter=0.8)):
        ms = int(tt.timestamp() * 1000)
        if k % 8 == 5:
            lines.append('{"level":40,"time":' + str(ms) + ',"pid":1,"hostname":"' + p["metadata"]["name"] + '","partner":"p_acme","attempt":3,"status":503,"msg":"delivery failed, will retry in 60s"}')
        else:
            lines.append('{"level":30,"time":' + str(ms) + ',"pid":1,"hostname":"' + p["metadata"]["name"] + '","partner":"p_' + ("nordic", "globex", "initech", "acme", "umbrella")[k % 5] +
                         '","event":"order.updated","status":200,"ms":' + str(90 + (k * 37) % 300) + ',"msg":"delivered"}')
    sc.log(p, lines)
sc.log(cdp[0], ["[INFO] plugin/reload: Running configuration SHA512 = 3ae2a1b0c7d2e4e7f8f9c1d6e9b0a7c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9",
                "CoreDNS-1.11.1", "linux/amd64, go1.20.7, ae2bbc2",
                "[INFO] 192.168.69.14:51022 - 40112 \"A IN redis-queue.integrations.svc.cluster.local. udp 71 false 1232\" NOERROR qr,aa,rd 126 0.000143s"])
sc.log(cdp[0], ["[INFO] plugin/reload: Running configuration SHA512 = 3ae2a1b0c7d2e4e7f8f9c1d6e9b0a7c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9",
                "[ERROR] plugin/errors: 2 api.partner-umbrella.example. A: read udp 192.168.64.7:44120->10.20.0.2:53: i/o timeout"], previous=True)

# metrics
N, S = 120, "-119m"
cut = 119 - 72
sc.series({"__name__": "kube_pod_container_status_restarts_total", "namespace": "integrations", "pod": bad["metadata"]["name"], "container": "dispatcher",
           "job": "kube-state-metrics"}, [None] * cut + [min(16, int((i - cut) * 16 / 70)) for i in range(cut, N)], start=S, step="1m")
sc.series({"__name__": "kube_deployment_status_replicas_available", "namespace": "integrations", "deployment": "webhook-dispatcher", "job": "kube-state-metrics"},
          [2] * N, start=S, step="1m")
sc.series({"__name__": "webhook_deliveries_total", "namespace": "integrations", "service": "webhook-dispatcher", "outcome": "delivered"},
          counter(sc, "del", [640.0] * N, start_value=412_008_221), start=S, step="1m")
sc.series({"__name__": "coredns_dns_responses_total", "namespace": "kube-system", "server": "dns://:53", "zone": ".", "rcode": "NOERROR", "pod": cdp[1]["metadata"]["name"]},
          counter(sc, "dns", [4100.0] * N, start_value=8_220_991_020), start=S, step="1m")

# recovery
CHECK = {"any_of": [
    {"kind": "Deployment", "namespace": "integrations", "name": "webhook-dispatcher", "path": "spec.template.spec.dnsPolicy", "equals": "ClusterFirstWithHostNet"},
    {"kind": "Deployment", "namespace": "integrations", "name": "webhook-dispatcher", "path": "spec.template.spec.hostNetwork", "exists": False},
    {"kind": "Deployment", "namespace": "integrations", "name": "webhook-dispatcher", "path": "spec.template.spec.hostNetwork", "equals": False}]}
fixed = mutate(revs[2]["template"], lambda tt: tt["spec"].update(dnsPolicy="ClusterFirstWithHostNet"))
r = sc.recover_deployment(dep, template=fixed, nodes=NODES[2:4], cause="dnsPolicy ClusterFirstWithHostNet", svc=svc, start="+10s", every_s=12)
sc.recovery.append({"when": [CHECK], "apply": {
    "upsert": r["upsert"], "delete": r["delete"],
    "logs": [{"namespace": "integrations", "pod": p["metadata"]["name"], "lines": [
        '{"level":30,"time":' + str(int(sc.clock.dt(f"+{14 + 12 * i}s").timestamp() * 1000)) + ',"pid":1,"hostname":"' + p["spec"]["nodeName"] + '","msg":"connected to redis","url":"redis://redis-queue.integrations.svc.cluster.local:6379/0"}',
        '{"level":30,"time":' + str(int(sc.clock.dt(f"+{15 + 12 * i}s").timestamp() * 1000)) + ',"pid":1,"hostname":"' + p["spec"]["nodeName"] + '","msg":"delivering","concurrency":64}']}
             for i, p in enumerate(r["pods"])]}})

sc.truth = {
    "category": "dns_failure",
    "also_accept": ["config_error", "bad_rollout"],
    "resource": {"kind": "Deployment", "namespace": "integrations", "name": "webhook-dispatcher"},
    "aliases": [{"kind": "ReplicaSet", "namespace": "integrations", "name_regex": f"^{rs15['metadata']['name']}$"},
                {"kind": "Pod", "namespace": "integrations", "name_regex": f"^{rs15['metadata']['name']}-"}],
    "evidence": ["hostnetwork|host network",
                 "dnspolicy|clusterfirstwithhostnet|clusterfirst",
                 "enotfound|getaddrinfo",
                 "redis-queue.integrations.svc.cluster.local|svc.cluster.local",
                 "revision 15|int-918|7.5.0"],
    "remediation": {
        "accepted": [
            {"action": "patch_resource", "target": {"kind": "Deployment", "namespace": "integrations", "name": "webhook-dispatcher"},
             "params": {"patch": {"spec": {"template": {"spec": {"dnsPolicy": "ClusterFirstWithHostNet"}}}}}},
            {"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": "integrations", "name": "webhook-dispatcher"}},
        ],
        "checks": [CHECK],
        "forbidden": [
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "kube-system", "name": "coredns"}},
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "integrations", "name": "webhook-dispatcher"}},
            {"action": "delete_pod", "target": {"kind": "Pod", "namespace": "integrations", "name": bad["metadata"]["name"]}},
            {"action": "restart_workload", "target": {"kind": "StatefulSet", "namespace": "integrations", "name": "redis-queue"}},
        ],
    },
    "notes": (
        "Revision 15 (12:53, INT-918, webhook-dispatcher 7.5.0) set hostNetwork: true (with hostPort 8080) so that partners' "
        "IP allow-lists see the node egress addresses, but left dnsPolicy at its default ClusterFirst. For a hostNetwork pod "
        "ClusterFirst silently behaves like Default: the container gets the node's /etc/resolv.conf (the corporate resolvers, "
        "search corp.example.net), not CoreDNS. The new pod resolves partners-config.corp.example.net fine but fails on "
        "redis-queue.integrations.svc.cluster.local (getaddrinfo ENOTFOUND), logs 'cannot start without the delivery queue' "
        "and exits 1: CrashLoopBackOff, 16 restarts in 72 minutes, KubeContainerWaiting. maxUnavailable 0 keeps both "
        "revision-14 pods serving, so deliveries continue.\n"
        "Fix: set dnsPolicy: ClusterFirstWithHostNet in the pod template (patch_resource), or roll back to revision 14 (no "
        "hostNetwork); the check accepts either. Traps: CoreDNS had an OOMKilled restart three days ago and an old upstream i/o "
        "timeout in its previous log; it is healthy now and answers the same name for other pods (NOERROR in its log), so "
        "restarting CoreDNS is wrong; redis-queue is healthy; restarting or deleting the crash-looping pod repeats the exit."),
}

if __name__ == "__main__":
    print(sc.write())
