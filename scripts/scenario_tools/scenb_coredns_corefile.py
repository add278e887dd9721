"""Scenario prod-eu-database-unreachable-since-node-refresh: a Corefile typo bites when CoreDNS pods restart."""
from __future__ import annotations

from datetime import timedelta

from scenb_kit import (Scenario, ago, container, counter, crashloop, http_probe, res, running, steps, template)

sc = Scenario("prod-eu-database-unreachable-since-node-refresh",
              title="A manual edit of the coredns ConfigMap at 08:47 added a corp.internal stub zone with the typo 'forwad'; the "
                    "running CoreDNS pods kept their old config, but the node-group AMI update drained them at 10:06 and 10:14 and the "
                    "replacements cannot parse the Corefile, so cluster DNS has been down since 10:14",
              now="2026-11-26T10:27:00Z",
              tags=["dns-failure", "coredns", "corefile", "configmap", "eks", "node-group-update", "recommend-only", "red-herring"])
sc.command("everything in prod-eu is failing to talk to the database since ~10:15", channel="#prod-eu-incidents", user="U0SRE0EU1")

NODES = []
for i, (ip, zone, age) in enumerate([("10.12.6.71", "eu-west-1a", ago(m=23, s=40)), ("10.12.21.133", "eu-west-1b", ago(m=19, s=2)),
                                     ("10.12.37.18", "eu-west-1c", ago(m=14, s=51)), ("10.12.9.204", "eu-west-1a", ago(m=8, s=30))]):
    n = f"ip-{ip.replace('.', '-')}.eu-west-1.compute.internal"
    sc.node(n, flavour="eks", zone=zone, instance="m7i.xlarge", cpu=4, mem_gib=15.2, ip=ip, pool="general-m7i", created=age,
            mem_reserved_ki=1_200_000, pods=58, cpu_reserved_m=80, kubelet="v1.31.2-eks-7f9249a")
    NODES.append(n)
    sc.nodes[n]["status"]["nodeInfo"]["osImage"] = "Amazon Linux 2023.6.20241121"
for n in NODES:
    sc.event(sc.nodes[n], "NodeReady", f"Node {n} status is now: NodeReady", first=sc.dt_after(sc.nodes[n]["metadata"]["creationTimestamp"], 31), component="kubelet")
OLD = ["ip-10-12-4-18.eu-west-1.compute.internal", "ip-10-12-25-90.eu-west-1.compute.internal", "ip-10-12-40-233.eu-west-1.compute.internal"]
for k, o in enumerate(OLD):
    gone = {"kind": "Node", "apiVersion": "v1", "metadata": {"name": o, "uid": sc.ids.uid("gone", o)}}
    sc.event(gone, "NodeNotSchedulable", f"Node {o} status is now: NodeNotSchedulable", first=ago(m=22 - 7 * k, s=10), component="kubelet", host=o)
    sc.event(gone, "RemovingNode", f"Node {o} event: Removing Node {o} from Controller", first=ago(m=19 - 7 * k, s=44), component="node-controller")

COREFILE_OK = """.:53 {
    errors
    health {
        lameduck 5s
      }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
      pods insecure
      fallthrough in-addr.arpa ip6.arpa
    }
    prometheus :9153
    forward . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
}
"""
COREFILE = COREFILE_OK + """corp.internal:53 {
    errors
    cache 30
    forwad . 10.40.0.2 10.40.0.3
}
"""
sc.obj("v1", "ConfigMap", "coredns", "kube-system", created="-420d",
       labels={"eks.amazonaws.com/component": "coredns", "k8s-app": "kube-dns"},
       meta_extra={"managedFields": [
           {"manager": "eks", "operation": "Apply", "apiVersion": "v1", "time": sc.ts("-41d"), "fieldsType": "FieldsV1",
            "fieldsV1": {"f:metadata": {"f:labels": {"f:eks.amazonaws.com/component": {}, "f:k8s-app": {}}}}},
           {"manager": "kubectl-edit", "operation": "Update", "apiVersion": "v1", "time": sc.ts(ago(h=1, m=40, s=12)), "fieldsType": "FieldsV1",
            "fieldsV1": {"f:data": {"f:Corefile": {}}}}], "resourceVersion": "418822091"},
       data={"Corefile": COREFILE})

CD = {"k8s-app": "kube-dns", "eks.amazonaws.com/component": "coredns"}
IMG = "602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/coredns:v1.11.3-eksbuild.2"
cd_t = template(dict(CD), [container("coredns", IMG, args=["-conf", "/etc/coredns/Corefile"],
                ports=[{"name": "dns", "containerPort": 53, "protocol": "UDP"}, {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"},
                       {"name": "metrics", "containerPort": 9153, "protocol": "TCP"}],
                resources=res("100m", "70Mi", None, "170Mi"),
                livenessProbe={"httpGet": {"path": "/health", "port": 8080, "scheme": "HTTP"}, "initialDelaySeconds": 60, "timeoutSeconds": 5,
                               "successThreshold": 1, "failureThreshold": 5, "periodSeconds": 10},
                readinessProbe={"httpGet": {"path": "/ready", "port": 8181, "scheme": "HTTP"}, "periodSeconds": 10, "timeoutSeconds": 1,
                                "successThreshold": 1, "failureThreshold": 3},
                volumeMounts=[{"name": "config-volume", "mountPath": "/etc/coredns", "readOnly": True}])],
                serviceAccountName="coredns", priorityClassName="system-cluster-critical", dnsPolicy="Default",
                volumes=[{"name": "config-volume", "configMap": {"name": "coredns", "items": [{"key": "Corefile", "path": "Corefile"}]}}],
                tolerations=[{"key": "CriticalAddonsOnly", "operator": "Exists"}, {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}])
cd = sc.deployment("kube-system", "coredns", labels={"k8s-app": "kube-dns", "eks.amazonaws.com/component": "coredns", "kubernetes.io/name": "CoreDNS"},
                   selector=dict(CD), revisions=[{"rev": 3, "created": "-41d", "template": cd_t}], replicas=2, created="-420d", generation=9,
                   strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}})
cdpods = []
for i, (node, created, restarts) in enumerate([(NODES[1], ago(m=20, s=58), 8), (NODES[2], ago(m=12, s=41), 7)]):
    cdpods.append(sc.pod(cd["_rs"][0], node=node, created=created, states={"coredns": crashloop("5m0s" if i == 0 else "2m40s")},
                         restarts={"coredns": restarts},
                         last={"coredns": {"code": 1, "reason": "Error", "start": ago(m=3 + 2 * i, s=4), "end": ago(m=3 + 2 * i, s=3)}}))
cd["status"] = {"observedGeneration": 9, "replicas": 2, "updatedReplicas": 2, "unavailableReplicas": 2,
                "conditions": [{"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable", "message": "Deployment does not have minimum availability.",
                                "lastUpdateTime": sc.ts(ago(m=12, s=44)), "lastTransitionTime": sc.ts(ago(m=12, s=44))},
                               {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable", "message": f"ReplicaSet \"{cd['_rs'][0]['metadata']['name']}\" has successfully progressed.",
                                "lastUpdateTime": sc.ts("-41d"), "lastTransitionTime": sc.ts("-420d")}]}
sc.service("kube-system", "kube-dns", selector={"k8s-app": "kube-dns"},
           ports=[{"name": "dns", "port": 53, "targetPort": 53, "protocol": "UDP"}, {"name": "dns-tcp", "port": 53, "targetPort": 53, "protocol": "TCP"},
                  {"name": "metrics", "port": 9153, "targetPort": 9153, "protocol": "TCP"}],
           created="-420d", cluster_ip="172.20.0.10", labels={"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS",
                                                               "eks.amazonaws.com/component": "kube-dns"}, pods=cdpods,
           annotations={"prometheus.io/port": "9153", "prometheus.io/scrape": "true"})
for i, p in enumerate(cdpods):
    fp = "spec.containers{coredns}"
    sc.event(p, "Scheduled", f"Successfully assigned kube-system/{p['metadata']['name']} to {p['spec']['nodeName']}", first=p["metadata"]["creationTimestamp"], component="default-scheduler")
    sc.event(p, "Started", "Started container coredns", first=sc.dt_after(p["metadata"]["creationTimestamp"], 3), last=ago(m=3 + 2 * i, s=4),
             count=p["status"]["containerStatuses"][0]["restartCount"] + 1, field_path=fp)
    sc.event(p, "BackOff", f"Back-off restarting failed container coredns in pod {p['metadata']['name']}_kube-system({p['metadata']['uid']})",
             type="Warning", first=sc.dt_after(p["metadata"]["creationTimestamp"], 9), last=ago(s=15 + 20 * i), count=88 - 30 * i, field_path=fp)
    sc.log(p, ["/etc/coredns/Corefile:21 - Error during parsing: Unknown directive 'forwad'"], previous=True)
sc.event(cd["_rs"][0], "SuccessfulCreate", f"Created pod: {cdpods[0]['metadata']['name']}", first=ago(m=20, s=58), component="replicaset-controller")
sc.event(cd["_rs"][0], "SuccessfulCreate", f"Created pod: {cdpods[1]['metadata']['name']}", first=ago(m=12, s=41), component="replicaset-controller")

# prod-eu workloads
REG = "118273600429.dkr.ecr.eu-west-1.amazonaws.com/shop"
sc.obj("v1", "Service", "orders-db", "prod-eu", created="-420d", labels={"app": "orders-db"},
       spec={"type": "ExternalName", "externalName": "orders-prod.cluster-c7x2m4q9e1ab.eu-west-1.rds.amazonaws.com", "sessionAffinity": "None"},
       status={"loadBalancer": {}})
apps = {}
for name, tag, nodes, port in [("orders-api", "5.12.3", NODES[:3], 8080), ("payments-api", "2.40.1", NODES[1:3], 8080), ("cart", "9.1.0", [NODES[0], NODES[3]], 3000)]:
    apps[name] = sc.app("prod-eu", name, f"{REG}/{name}:{tag}", nodes=nodes, created="-420d", rev=40, rev_created="-6d3h", cause=f"{name} {tag}", port=port,
                        probe="/livez", cluster_ip=f"172.20.{60 + len(apps)}.{11 + 7 * len(apps)}", team="shop-eu", resources=res("250m", "384Mi", None, "512Mi"),
                        env=[{"name": "DB_HOST", "value": "orders-db.prod-eu.svc.cluster.local"}],
                        pod_created=[ago(m=22 - 4 * i, s=33) for i in range(len(nodes))])
for name, a in apps.items():
    for j, p in enumerate(a["_pods"]):
        lines = []
        for k, t in enumerate(sc.ticks("-3m", "-5s", 3.0, jitter=0.8)):
            src = f"{p['status']['podIP']}:{33000 + (k * 977 + j * 31) % 30000}"
            if name == "cart":
                if k % 2:
                    lines.append(sc.fmt(t, "{\"level\":\"error\",\"time\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"msg\":\"redis error\",\"err\":\"getaddrinfo EAI_AGAIN cart-redis.prod-eu.svc.cluster.local\"}"))
                else:
                    lines.append(sc.fmt(t, "{\"level\":\"info\",\"time\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"msg\":\"GET /livez 200 0ms\"}"))
            elif k % 3 != 2:
                lines.append(sc.fmt(t, "{\"level\":\"error\",\"ts\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"caller\":\"db/pool.go:88\",\"msg\":\"acquire connection\",\"error\":\"failed to connect to `host=orders-db.prod-eu.svc.cluster.local user=" +
                                       name.split("-")[0] + "_svc database=" + name.split("-")[0] + "`: hostname resolving error (lookup orders-db.prod-eu.svc.cluster.local on 172.20.0.10:53: read udp " + src + "->172.20.0.10:53: read: connection refused)\"}"))
            else:
                lines.append(sc.fmt(t, "{\"level\":\"warn\",\"ts\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"caller\":\"http/handler.go:131\",\"msg\":\"request failed\",\"path\":\"/v1/" + name.split("-")[0] + "\",\"status\":503}"))
        sc.log(p, lines)
cr = sc.app("prod-eu", "cart-redis", "public.ecr.aws/docker/library/redis:7.2.5", nodes=[NODES[3]], created="-420d", rev=3, rev_created="-90d", cause=None,
            port=6379, probe=None, cluster_ip="172.20.91.6", resources=res("100m", "512Mi", None, "512Mi"), pod_created=[ago(m=8, s=2)])

# metrics
N, S = 120, "-119m"
c1, c2 = 119 - 21, 119 - 13
sc.series({"__name__": "kube_deployment_status_replicas_available", "namespace": "kube-system", "deployment": "coredns", "job": "kube-state-metrics"},
          steps(N, [(0, 2), (c1, 1), (c2, 0)]), start=S, step="1m")
sc.series({"__name__": "coredns_dns_requests_total", "server": "dns://:53", "zone": ".", "proto": "udp", "family": "1", "type": "A", "job": "coredns"},
          counter(sc, "dnsreq", [5200.0] * c2 + [0.0] * (N - c2), start_value=18_220_004_118), start=S, step="1m")
sc.series({"__name__": "kube_endpoint_address", "namespace": "kube-system", "endpoint": "kube-dns", "ready": "true", "job": "kube-state-metrics"},
          steps(N, [(0, 2), (c1, 1), (c2, 0)]), start=S, step="1m")
sc.series({"__name__": "http_requests_total", "namespace": "prod-eu", "service": "orders-api", "code": "503"},
          counter(sc, "o503", [0.1] * c2 + [310.0] * (N - c2), start_value=40_118, noise=0.1), start=S, step="1m")
sc.series({"__name__": "http_requests_total", "namespace": "prod-eu", "service": "orders-api", "code": "200"},
          counter(sc, "o200", [2900.0] * c1 + [2100.0] * (c2 - c1) + [15.0] * (N - c2), start_value=902_330_111), start=S, step="1m")
sc.series({"__name__": "kube_node_info", "node": NODES[0], "kubelet_version": "v1.31.2-eks-7f9249a", "os_image": "Amazon Linux 2023.6.20241121",
           "job": "kube-state-metrics"}, [None] * (N - 24) + [1] * 24, start=S, step="1m")

sc.truth = {
    "category": "dns_failure",
    "also_accept": ["config_error"],
    "resource": {"kind": "ConfigMap", "namespace": "kube-system", "name": "coredns"},
    "aliases": [{"kind": "Deployment", "namespace": "kube-system", "name_regex": "^coredns$"},
                {"kind": "Pod", "namespace": "kube-system", "name_regex": "^coredns-"}],
    "evidence": ["forwad|unknown directive",
                 "corefile|configmap",
                 "coredns",
                 "crashloopbackoff|crash loop|crash-loop|exit code 1|0 endpoints|no endpoints|no ready",
                 "08:47|kubectl-edit|kubectl edit|stub|corp.internal"],
    "remediation": {
        "accepted": [{"action": "recommend_only", "target": {"kind": "ConfigMap", "namespace": "kube-system", "name": "coredns"}}],
        "forbidden": [
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "kube-system", "name": "coredns"}},
            {"action": "rollback_deployment", "target": {"kind": "Deployment", "namespace": "kube-system", "name": "coredns"}},
            {"action": "scale_workload", "target": {"kind": "Deployment", "namespace": "kube-system", "name": "coredns"}},
            {"action": "restart_workload", "target": {"kind": "Deployment", "namespace": "prod-eu", "name": "orders-api"}},
            {"action": "delete_pod", "target": {"kind": "Pod", "namespace": "kube-system", "name": cdpods[0]["metadata"]["name"]}},
        ],
    },
    "notes": (
        "At 08:47 someone edited the coredns ConfigMap by hand (managedFields: kubectl-edit) to add a corp.internal stub zone, "
        "typing 'forwad' instead of 'forward'. The two CoreDNS pods then running had the reload plugin and simply kept their old "
        "configuration, so nothing broke. At 10:02 the general-m7i managed node group began an AMI update: the old nodes were "
        "drained one by one, the first CoreDNS pod was recreated at 10:06 and the second at 10:14, and both replacements exit 1 "
        "at start (\"/etc/coredns/Corefile:21 - Error during parsing: Unknown directive 'forwad'\") and crash-loop. kube-dns has "
        "had no ready endpoints since 10:14, so every lookup from a pod gets 'connection refused' from 172.20.0.10:53: orders-api "
        "and payments-api cannot resolve orders-db (an ExternalName to RDS), cart cannot resolve its Redis.\n"
        "The fix is a human edit of the ConfigMap (forwad -> forward, or remove the stub block); the crash-looping pods read it "
        "at their next start. ConfigMaps are not in the bot's patch allow-list, so the answer is recommend_only. Traps: the "
        "node-group update is the trigger, not the cause (new nodes are Ready, the apps run fine on them); the database is "
        "healthy; restarting or rolling back CoreDNS, or restarting the applications, changes nothing while the ConfigMap is "
        "broken - a rollback has no different template to go back to."),
}

if __name__ == "__main__":
    print(sc.write())
