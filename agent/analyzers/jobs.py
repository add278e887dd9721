"""Failed Jobs: the newest run of a CronJob (or a lone Job) that failed, read from its pods' terminations."""
from __future__ import annotations

import re
from typing import Any

from agent.cluster import ClusterView, Obj, parse_time, ref
from agent.findings import Finding, ToolCall
from tools.models import ActionName, ProposedAction

# a container that could not even start: the command, args, mounts or env refs are wrong
_CANNOT_START = re.compile(r"StartError|ContainerCannotRun|CreateContainerConfigError|CreateContainerError"
                           r"|executable file not found|no such file or directory|not found in \$PATH"
                           r"|couldn't find key|configmap \S+ not found|secret \S+ not found", re.I)


def _failed(job: Obj) -> bool:
    return any(c.get("type") == "Failed" and c.get("status") == "True"
               for c in (job.get("status") or {}).get("conditions") or [])


def _started(job: Obj) -> str:
    st = job.get("status") or {}
    return str(st.get("startTime") or job.get("metadata", {}).get("creationTimestamp") or "")


def _newest_runs(view: ClusterView) -> list[tuple[Obj, Obj | None]]:
    """(job, cronjob) for each CronJob's newest Job, and for each Job that no CronJob owns."""
    newest: dict[tuple[str | None, str], Obj] = {}
    lone: list[tuple[Obj, Obj | None]] = []
    for job in view.objects("Job"):
        owner = view.owner(job)
        if owner is None or owner.get("kind") != "CronJob":
            lone.append((job, None))
            continue
        k = (owner["metadata"].get("namespace"), owner["metadata"]["name"])
        if k not in newest or _started(job) > _started(newest[k]):
            newest[k] = job
    owned = [(job, view.owner(job)) for job in newest.values()]
    return owned + lone


def _terminations(view: ClusterView, job: Obj) -> list[dict[str, Any]]:
    out = []
    name = job["metadata"]["name"]
    pods = [p for p in view.objects("Pod", job["metadata"].get("namespace"))
            if any(o.get("kind") == "Job" and o.get("name") == name for o in p["metadata"].get("ownerReferences") or [])]
    for pod in pods:
        for cs in (pod.get("status") or {}).get("containerStatuses") or []:
            t = (cs.get("state") or {}).get("terminated") or (cs.get("lastState") or {}).get("terminated") or {}
            waiting = (cs.get("state") or {}).get("waiting") or {}
            if t.get("exitCode") or waiting.get("reason") in ("CreateContainerConfigError", "CreateContainerError"):
                out.append({"pod": pod["metadata"]["name"], "container": cs.get("name"), "image": cs.get("image"),
                            "reason": t.get("reason") or waiting.get("reason"), "exit": t.get("exitCode"),
                            "message": str(t.get("message") or waiting.get("message") or "")[:300]})
    return out


def _finding(view: ClusterView, job: Obj, cron: Obj | None, terms: list[dict[str, Any]]) -> Finding:
    target = ref(cron) if cron is not None else ref(job)
    first = terms[0]
    text = f"{first['reason']} {first['message']}"
    cannot_start = bool(_CANNOT_START.search(text))
    oom = first["reason"] == "OOMKilled"
    category = "oom_killed" if oom else "config_error"
    score = 0.78 if (cannot_start or oom) else 0.3  # under 0.8: a failed run elsewhere is no stand-in
    what = ("could not start its container" if cannot_start
            else "was OOMKilled" if oom else f"exited with code {first['exit']}")
    facts = [f"Job {job['metadata']['name']} failed ({len(terms)} pod(s) failed): {t['pod']} {t['container']} "
             f"{t['reason']} exit {t['exit']}: {t['message']} (image {t['image']})" for t in terms[:2]]
    when = parse_time(_started(job))
    facts.append(f"the run started {when:%Y-%m-%d %H:%MZ}" if when else "the run's start time is unknown")
    fix = (f"fix the pod template of {target.label()} ({first['message'] or first['reason']}), then re-run the missed "
           f"run (kubectl create job --from=cronjob/{target.name}) and delete the failed Job")
    if oom:
        fix = f"raise the memory limit of {first['container']} in {target.label()}, then re-run the failed run"
    return Finding("jobs.failed", category, target, score,
                   f"the latest run of {target.label()} {what}", facts, affected=ref(job),
                   action=ProposedAction(action=ActionName.RECOMMEND_ONLY, target=target, rationale=fix),
                   onset=when,
                   confirm_with=[ToolCall("pod_logs", {"namespace": job["metadata"].get("namespace"),
                                                       "pod": terms[0]["pod"], "tail_lines": 200})])


def failed_jobs(view: ClusterView) -> list[Finding]:
    out = []
    for job, cron in _newest_runs(view):
        if not _failed(job):
            continue
        terms = _terminations(view, job)
        if terms:
            out.append(_finding(view, job, cron, terms))
    return out
