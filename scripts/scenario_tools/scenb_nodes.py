"""Node objects per cloud flavour (EKS, GKE, AKS, kubeadm) and per-node pod IP allocation."""
from __future__ import annotations

from typing import Any

from scenb_base import FLAVOURS, mem_ki


class NodesMixin:
    """Builds Nodes with realistic labels, providerID, conditions and allocatable."""

    # -- nodes
    def node(self, name: str, *, flavour: str, zone: str, instance: str, cpu: int, mem_gib: float,
             ip: str, pod_cidr: str | None = None, created: str = "-60d", labels: dict | None = None,
             pool: str | None = None, taints: list | None = None, unschedulable: bool = False,
             conditions: dict | None = None, heartbeat: str | None = None, pods: int = 110,
             cpu_reserved_m: int = 90, mem_reserved_ki: int = 1_800_000, kubelet: str | None = None,
             add: bool = True, ready_since: str | None = None, region: str | None = None) -> dict:
        f = FLAVOURS[flavour]
        if region is None:
            region = zone.rsplit("-", 1)[0] if flavour in ("gke", "aks") else zone[:-1]
        lab = {"kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
               "node.kubernetes.io/instance-type": instance, "topology.kubernetes.io/region": region,
               "topology.kubernetes.io/zone": zone}
        provider = None
        if flavour == "eks":
            lab.update({"eks.amazonaws.com/nodegroup": pool or "default", "eks.amazonaws.com/capacityType": "ON_DEMAND"})
            provider = f"aws:///{zone}/i-0{self.ids.hexs(16, 'i', name)}"
        elif flavour == "gke":
            lab.update({"cloud.google.com/gke-nodepool": pool or "default-pool", "cloud.google.com/gke-os-distribution": "cos",
                        "cloud.google.com/machine-family": instance.split("-")[0]})
            provider = f"gce://{self.id.split('-')[0]}-prod/{zone}/{name}"
        elif flavour == "aks":
            lab.update({"agentpool": pool or "userpool", "kubernetes.azure.com/agentpool": pool or "userpool",
                        "kubernetes.azure.com/mode": "user"})
            vmss = name.rsplit("vmss", 1)[0] + "vmss"
            idx = int(name.rsplit("vmss", 1)[1], 36) if "vmss" in name else 0
            provider = (f"azure:///subscriptions/{self.ids.uid('sub')}/resourceGroups/mc_prod_aks_{region}/providers/"
                        f"Microsoft.Compute/virtualMachineScaleSets/{vmss}/virtualMachines/{idx}")
        lab.update(labels or {})
        spec: dict[str, Any] = {}
        if pod_cidr:
            spec.update({"podCIDR": pod_cidr, "podCIDRs": [pod_cidr]})
        if provider:
            spec["providerID"] = provider
        if taints:
            spec["taints"] = taints
        if unschedulable:
            spec["unschedulable"] = True
        hb = self.ts(heartbeat or f"-{5 + self.ids.h('hb', name)[0] % 50}s")
        since = self.ts(ready_since or created)
        conds = {
            "MemoryPressure": ("False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
            "DiskPressure": ("False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            "PIDPressure": ("False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            "Ready": ("True", "KubeletReady", "kubelet is posting ready status"),
        }
        overrides = conditions or {}
        clist = []
        for ctype, (st, reason, msg) in conds.items():
            o = overrides.get(ctype, {})
            clist.append({"type": ctype, "status": o.get("status", st), "reason": o.get("reason", reason),
                          "message": o.get("message", msg), "lastHeartbeatTime": self.ts(o["heartbeat"]) if "heartbeat" in o else hb,
                          "lastTransitionTime": self.ts(o["since"]) if "since" in o else since})
        cap_mem = mem_ki(mem_gib)
        alloc_mem = mem_ki(mem_gib, overhead_ki=mem_reserved_ki)
        node = {
            "apiVersion": "v1", "kind": "Node",
            "metadata": self.meta("Node", name, None, created=created, labels=lab,
                                  annotations={"node.alpha.kubernetes.io/ttl": "0",
                                               "volumes.kubernetes.io/controller-managed-attach-detach": "true"}),
            "spec": spec,
            "status": {
                "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
                "capacity": {"cpu": str(cpu), "ephemeral-storage": "104845292Ki", "memory": cap_mem, "pods": str(pods)},
                "allocatable": {"cpu": f"{cpu * 1000 - cpu_reserved_m}m", "ephemeral-storage": "95551679124",
                                "memory": alloc_mem, "pods": str(pods)},
                "conditions": clist,
                "nodeInfo": {"architecture": "amd64", "bootID": self.ids.uid("boot", name),
                             "containerRuntimeVersion": f["runtime"], "kernelVersion": f["kernel"],
                             "kubeProxyVersion": kubelet or f["kubelet"], "kubeletVersion": kubelet or f["kubelet"],
                             "machineID": self.ids.hexs(32, "machine", name), "operatingSystem": "linux",
                             "osImage": f["os"], "systemUUID": self.ids.uid("sys", name)},
            },
        }
        node["_ip"] = ip
        node["_pod_base"] = pod_cidr.rsplit(".", 1)[0] if pod_cidr else None
        if add:
            self.add(node)
            self.nodes[name] = node
        return node

    def pod_ip(self, node: str) -> str:
        n = self.nodes[node]
        base = n["_pod_base"]
        if base is None:  # VPC-native CNI: pod IPs from the node's subnet
            a, b, c, d = n["_ip"].split(".")
            base = f"{a}.{b}.{c}"
            start = (int(d) * 7) % 150 + 20
        else:
            start = 4
        k = self._ip_next.get(node, start)
        self._ip_next[node] = k + 1 + self.rng.randint(0, 3)
        return f"{base}.{k % 250 + 2}"
