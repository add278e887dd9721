"""Table printers for services, nodes, events, config, storage, autoscaling and policy kinds."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox.selectors import selector_string
from sandbox.tables import Obj, age, printer

W = 1


def _none(value: Any) -> str:
    return str(value) if value not in (None, "", []) else "<none>"


def _created(obj: Obj, now: datetime) -> str:
    return age(obj["metadata"].get("creationTimestamp"), now)


@printer("Service", [("Name", "string", 0), ("Type", "string", 0), ("Cluster-IP", "string", 0),
                     ("External-IP", "string", 0), ("Port(s)", "string", 0), ("Age", "string", 0),
                     ("Selector", "string", W)])
def _service(s: Obj, now: datetime) -> list[Any]:
    spec = s.get("spec") or {}
    kind = spec.get("type", "ClusterIP")
    ingress = ((s.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    external = [i.get("ip") or i.get("hostname") for i in ingress] + list(spec.get("externalIPs") or [])
    if kind == "ExternalName":
        external = [spec.get("externalName")]
    ext = ",".join(str(e) for e in external) if external else ("<pending>" if kind == "LoadBalancer" else "<none>")
    ports = ",".join(f"{p.get('port')}{':' + str(p['nodePort']) if p.get('nodePort') else ''}/{p.get('protocol', 'TCP')}"
                     for p in spec.get("ports") or [])
    return [s["metadata"]["name"], kind, spec.get("clusterIP") or "<none>", ext, _none(ports),
            _created(s, now), _none(selector_string(spec.get("selector")))]


@printer("Endpoints", [("Name", "string", 0), ("Endpoints", "string", 0), ("Age", "string", 0)])
def _endpoints(e: Obj, now: datetime) -> list[Any]:
    pairs = [f"{a.get('ip')}:{p.get('port')}" for s in e.get("subsets") or []
             for p in s.get("ports") or [{}] for a in s.get("addresses") or []]
    text = ",".join(pairs[:3]) + (f" + {len(pairs) - 3} more..." if len(pairs) > 3 else "")
    return [e["metadata"]["name"], text or "<none>", _created(e, now)]


@printer("Node", [("Name", "string", 0), ("Status", "string", 0), ("Roles", "string", 0),
                  ("Age", "string", 0), ("Version", "string", 0), ("Internal-IP", "string", W),
                  ("External-IP", "string", W), ("OS-Image", "string", W),
                  ("Kernel-Version", "string", W), ("Container-Runtime", "string", W)])
def _node(n: Obj, now: datetime) -> list[Any]:
    st, spec = n.get("status") or {}, n.get("spec") or {}
    ready = next((c.get("status") for c in st.get("conditions") or [] if c.get("type") == "Ready"), None)
    state = {"True": "Ready", "False": "NotReady"}.get(str(ready), "Unknown")
    if spec.get("unschedulable"):
        state += ",SchedulingDisabled"
    prefix = "node-role.kubernetes.io/"
    roles = sorted(k[len(prefix):] for k in (n["metadata"].get("labels") or {}) if k.startswith(prefix))
    addrs = {a.get("type"): a.get("address") for a in st.get("addresses") or []}
    info = st.get("nodeInfo") or {}
    return [n["metadata"]["name"], state, ",".join(roles) or "<none>", _created(n, now),
            info.get("kubeletVersion", ""), _none(addrs.get("InternalIP")), _none(addrs.get("ExternalIP")),
            _none(info.get("osImage")), _none(info.get("kernelVersion")), _none(info.get("containerRuntimeVersion"))]


@printer("Namespace", [("Name", "string", 0), ("Status", "string", 0), ("Age", "string", 0)])
def _namespace(n: Obj, now: datetime) -> list[Any]:
    return [n["metadata"]["name"], (n.get("status") or {}).get("phase", "Active"), _created(n, now)]


@printer("Event", [("Last Seen", "string", 0), ("Type", "string", 0), ("Reason", "string", 0),
                   ("Object", "string", 0), ("Subobject", "string", W), ("Source", "string", W),
                   ("Message", "string", 0), ("First Seen", "string", W), ("Count", "string", W),
                   ("Name", "string", W)])
def _event(e: Obj, now: datetime) -> list[Any]:
    involved, source = e.get("involvedObject") or {}, e.get("source") or {}
    series = e.get("series") or {}
    first = e.get("firstTimestamp") or e.get("eventTime")
    last = series.get("lastObservedTime") or e.get("lastTimestamp") or first
    count = series.get("count") or e.get("count") or 1
    src = source.get("component") or e.get("reportingComponent") or ""
    if source.get("host"):
        src += f", {source['host']}"
    obj = f"{str(involved.get('kind', '')).lower()}/{involved.get('name', '')}"
    return [age(last, now), e.get("type", ""), e.get("reason", ""), obj, involved.get("fieldPath", ""),
            src, e.get("message", ""), age(first, now), str(count), e["metadata"]["name"]]


@printer("ConfigMap", [("Name", "string", 0), ("Data", "integer", 0), ("Age", "string", 0)])
def _configmap(c: Obj, now: datetime) -> list[Any]:
    return [c["metadata"]["name"], len(c.get("data") or {}) + len(c.get("binaryData") or {}), _created(c, now)]


@printer("Secret", [("Name", "string", 0), ("Type", "string", 0), ("Data", "integer", 0), ("Age", "string", 0)])
def _secret(s: Obj, now: datetime) -> list[Any]:
    return [s["metadata"]["name"], s.get("type", "Opaque"), len(s.get("data") or {}) + len(s.get("stringData") or {}),
            _created(s, now)]


@printer("ServiceAccount", [("Name", "string", 0), ("Secrets", "integer", 0), ("Age", "string", 0)])
def _serviceaccount(s: Obj, now: datetime) -> list[Any]:
    return [s["metadata"]["name"], len(s.get("secrets") or []), _created(s, now)]


def _modes(modes: list[str] | None) -> str:
    short = {"ReadWriteOnce": "RWO", "ReadOnlyMany": "ROX", "ReadWriteMany": "RWX", "ReadWriteOncePod": "RWOP"}
    return ",".join(short.get(m, m) for m in modes or [])


@printer("PersistentVolumeClaim", [("Name", "string", 0), ("Status", "string", 0), ("Volume", "string", 0),
                                   ("Capacity", "string", 0), ("Access Modes", "string", 0),
                                   ("StorageClass", "string", 0), ("VolumeAttributesClass", "string", 0),
                                   ("Age", "string", 0), ("VolumeMode", "string", W)])
def _pvc(p: Obj, now: datetime) -> list[Any]:
    spec, st = p.get("spec") or {}, p.get("status") or {}
    return [p["metadata"]["name"], st.get("phase", "Pending"), spec.get("volumeName", ""),
            (st.get("capacity") or {}).get("storage", ""), _modes(st.get("accessModes")),
            spec.get("storageClassName", ""), _none(spec.get("volumeAttributesClassName")),
            _created(p, now), spec.get("volumeMode", "Filesystem")]


@printer("PersistentVolume", [("Name", "string", 0), ("Capacity", "string", 0), ("Access Modes", "string", 0),
                              ("Reclaim Policy", "string", 0), ("Status", "string", 0), ("Claim", "string", 0),
                              ("StorageClass", "string", 0), ("VolumeAttributesClass", "string", 0),
                              ("Reason", "string", 0), ("Age", "string", 0), ("VolumeMode", "string", W)])
def _pv(p: Obj, now: datetime) -> list[Any]:
    spec, st = p.get("spec") or {}, p.get("status") or {}
    ref = spec.get("claimRef") or {}
    claim = f"{ref.get('namespace')}/{ref.get('name')}" if ref else ""
    return [p["metadata"]["name"], (spec.get("capacity") or {}).get("storage", ""), _modes(spec.get("accessModes")),
            spec.get("persistentVolumeReclaimPolicy", "Retain"), st.get("phase", ""), claim,
            spec.get("storageClassName", ""), _none(spec.get("volumeAttributesClassName")), st.get("reason", ""),
            _created(p, now), spec.get("volumeMode", "Filesystem")]


@printer("StorageClass", [("Name", "string", 0), ("Provisioner", "string", 0), ("ReclaimPolicy", "string", 0),
                          ("VolumeBindingMode", "string", 0), ("AllowVolumeExpansion", "string", 0),
                          ("Age", "string", 0)])
def _storageclass(s: Obj, now: datetime) -> list[Any]:
    name = s["metadata"]["name"]
    if (s["metadata"].get("annotations") or {}).get("storageclass.kubernetes.io/is-default-class") == "true":
        name += " (default)"
    return [name, s.get("provisioner", ""), s.get("reclaimPolicy", "Delete"),
            s.get("volumeBindingMode", "Immediate"), str(bool(s.get("allowVolumeExpansion"))).lower(),
            _created(s, now)]


def _hpa_targets(h: Obj) -> str:
    current = {m.get("resource", {}).get("name"): m.get("resource", {}).get("current", {})
               for m in (h.get("status") or {}).get("currentMetrics") or [] if m.get("type") == "Resource"}
    parts = []
    for m in (h.get("spec") or {}).get("metrics") or []:
        if m.get("type") != "Resource":
            parts.append(f"<{m.get('type', 'metric')}>")
            continue
        res = m.get("resource") or {}
        target, cur = res.get("target") or {}, current.get(res.get("name")) or {}
        if "averageUtilization" in target:
            have = cur.get("averageUtilization")
            parts.append(f"{res.get('name')}: {str(have) + '%' if have is not None else '<unknown>'}/{target['averageUtilization']}%")
        else:
            parts.append(f"{res.get('name')}: {cur.get('averageValue', '<unknown>')}/{target.get('averageValue', '')}")
    return ", ".join(parts) or "<none>"


@printer("HorizontalPodAutoscaler", [("Name", "string", 0), ("Reference", "string", 0), ("Targets", "string", 0),
                                     ("MinPods", "string", 0), ("MaxPods", "integer", 0),
                                     ("Replicas", "integer", 0), ("Age", "string", 0)])
def _hpa(h: Obj, now: datetime) -> list[Any]:
    spec, ref = h.get("spec") or {}, (h.get("spec") or {}).get("scaleTargetRef") or {}
    return [h["metadata"]["name"], f"{ref.get('kind')}/{ref.get('name')}", _hpa_targets(h),
            str(spec.get("minReplicas", 1)), spec.get("maxReplicas", 0),
            (h.get("status") or {}).get("currentReplicas", 0), _created(h, now)]


@printer("Ingress", [("Name", "string", 0), ("Class", "string", 0), ("Hosts", "string", 0),
                     ("Address", "string", 0), ("Ports", "string", 0), ("Age", "string", 0)])
def _ingress(i: Obj, now: datetime) -> list[Any]:
    spec = i.get("spec") or {}
    hosts = ",".join(r.get("host", "*") for r in spec.get("rules") or []) or "*"
    lb = ((i.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    return [i["metadata"]["name"], _none(spec.get("ingressClassName")), hosts,
            ",".join(x.get("ip") or x.get("hostname", "") for x in lb), "443, 80" if spec.get("tls") else "80",
            _created(i, now)]


@printer("NetworkPolicy", [("Name", "string", 0), ("Pod-Selector", "string", 0), ("Age", "string", 0)])
def _netpol(n: Obj, now: datetime) -> list[Any]:
    return [n["metadata"]["name"], selector_string((n.get("spec") or {}).get("podSelector")) or "<none>",
            _created(n, now)]


@printer("ResourceQuota", [("Name", "string", 0), ("Age", "string", 0), ("Request", "string", 0),
                           ("Limit", "string", 0)])
def _quota(q: Obj, now: datetime) -> list[Any]:
    st = q.get("status") or {}
    hard, used = st.get("hard") or (q.get("spec") or {}).get("hard") or {}, st.get("used") or {}
    req = [f"{k}: {used.get(k, 0)}/{v}" for k, v in sorted(hard.items()) if not k.startswith("limits.")]
    lim = [f"{k}: {used.get(k, 0)}/{v}" for k, v in sorted(hard.items()) if k.startswith("limits.")]
    return [q["metadata"]["name"], _created(q, now), ", ".join(req), ", ".join(lim)]


@printer("PodDisruptionBudget", [("Name", "string", 0), ("Min Available", "string", 0),
                                 ("Max Unavailable", "string", 0), ("Allowed Disruptions", "integer", 0),
                                 ("Age", "string", 0)])
def _pdb(p: Obj, now: datetime) -> list[Any]:
    spec = p.get("spec") or {}
    return [p["metadata"]["name"], str(spec.get("minAvailable", "N/A")), str(spec.get("maxUnavailable", "N/A")),
            (p.get("status") or {}).get("disruptionsAllowed", 0), _created(p, now)]
