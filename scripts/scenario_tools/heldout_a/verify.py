"""For each accepted mutation of a scenario: apply it with kubectl against the sandbox, report checks and recovery."""
import json
import subprocess
import sys
import tempfile

import yaml
from sandbox.checks import check_holds
from sandbox.server import SandboxServer

KIND = {"Deployment": "deployment", "Service": "service", "StatefulSet": "statefulset"}


def kubectl_for(a: dict, kc: str) -> list[list[str]]:
    t = a["target"]
    ref = f"{KIND.get(t['kind'], t['kind'].lower())}/{t['name']}"
    base = ["kubectl", "--kubeconfig", kc, "-n", t.get("namespace", "default")]
    act, p = a["action"], a.get("params") or {}
    if act == "rollback_deployment":
        return [base + ["rollout", "undo", ref]]
    if act == "restart_workload":
        return [base + ["rollout", "restart", ref]]
    if act == "patch_resource":
        return [base + ["patch", ref, "--type", "strategic", "-p", json.dumps(p["patch"])]]
    if act == "set_resources":
        args = base + ["set", "resources", ref, "-c", p["container"]]
        if p.get("limits"):
            args.append("--limits=" + ",".join(f"{k}={v}" for k, v in p["limits"].items()))
        if p.get("requests"):
            args.append("--requests=" + ",".join(f"{k}={v}" for k, v in p["requests"].items()))
        return [args]
    if act == "scale_workload":
        return [base + ["scale", ref, f"--replicas={p['replicas']}"]]
    raise SystemExit(f"no kubectl for {act}")


def main(path: str) -> int:
    doc = yaml.safe_load(open(path))
    rem = doc["truth"]["remediation"]
    bad = 0
    for a in rem["accepted"]:
        if a["action"] == "recommend_only":
            continue
        with SandboxServer(path) as srv, tempfile.TemporaryDirectory() as d:
            kc = str(srv.write_kubeconfig(f"{d}/kc"))
            before = all(check_holds(c, srv.world) for c in rem.get("checks") or [])
            for cmd in kubectl_for(a, kc):
                r = subprocess.run(cmd, capture_output=True, text=True)
                if r.returncode:
                    print("  kubectl failed:", r.stderr.strip())
            after = [check_holds(c, srv.world) for c in rem.get("checks") or []]
            rec = list(srv.world.applied_recoveries)
            ok = all(after) and not before and rec
            bad += not ok
            print(f"{'OK ' if ok else 'BAD'} {a['action']} {a['target']['name']}: checks before={before} after={after} recovery={rec}")
    # forbidden actions must not satisfy checks by accident (informative)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(max(main(p) for p in sys.argv[1:]))
