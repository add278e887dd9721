"""Replays one Dockerfile stage on this machine, offline: container paths under a temp root.

WORKDIR, COPY (from the build context .dockerignore leaves), ENV and RUN run as written,
with absolute container paths (/opt/venv, /src, /wheels...) moved under `root`. What
cannot happen here is replaced, and only that: there is no network, so pip gets
PIP_NO_INDEX=1 and no build isolation, and the project's dependencies come from the
already-installed test virtualenv through a `.pth` file in each virtualenv the stage
creates (debugbot itself is left out of it, so the wheel the stage builds is what runs).
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import site
from dataclasses import dataclass, field
from pathlib import Path

from tests.deploy.dockerfile import Stage, env_pairs

SYSTEM_PREFIXES = ("/usr/", "/bin/", "/sbin/", "/lib", "/etc/", "/dev/", "/proc/", "/sys/", "/root/")
ABSOLUTE = re.compile(r"(?<![\w.$/:-])(/[A-Za-z0-9_.*/-]+)")
NOT_DEPENDENCIES = ("debugbot", "__editable__", "pip", "setuptools", "pkg_resources", "_distutils_hack",
                    "__pycache__")


@dataclass
class Replay:
    context: Path
    root: Path
    deps: Path
    python_dir: Path
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    log: list[str] = field(default_factory=list)

    def host(self, path: str) -> Path:
        return self.root / path.lstrip("/")

    def map_paths(self, text: str) -> str:
        return ABSOLUTE.sub(lambda m: m.group(1) if m.group(1).startswith(SYSTEM_PREFIXES)
                            else str(self.host(m.group(1))), text)


def dependencies_dir(dest: Path) -> Path:
    """Symlinks to the test virtualenv's installed distributions, minus debugbot and the build tools
    a fresh virtualenv brings itself."""
    dest.mkdir(parents=True, exist_ok=True)
    for sp in site.getsitepackages():
        for entry in Path(sp).iterdir():
            if entry.name.startswith(NOT_DEPENDENCIES) or entry.suffix == ".pth":
                continue
            link = dest / entry.name
            if not link.exists():
                link.symlink_to(entry)
    return dest


def _link_dependencies(r: Replay) -> None:
    for cfg in r.root.rglob("pyvenv.cfg"):
        venv = cfg.parent
        for sp in venv.glob("lib/python3*/site-packages"):
            (sp / "zz_replay_dependencies.pth").write_text(str(r.deps) + "\n")


def _copy(r: Replay, args: str) -> None:
    words = [w for w in shlex.split(args) if not w.startswith("--")]
    *sources, dest = words
    assert r.cwd is not None or dest.startswith("/"), "COPY to a relative path before any WORKDIR"
    target = r.host(dest) if dest.startswith("/") else (r.cwd or r.root) / dest
    for src in sources:
        origin = r.context / src
        assert origin.exists(), f"COPY {src}: not in the build context (.dockerignore?)"
        if origin.is_dir():
            shutil.copytree(origin, target, dirs_exist_ok=True)
        else:
            into_dir = dest.endswith("/") or len(sources) > 1
            out = target / origin.name if into_dir else target
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, out)


def _run(r: Replay, args: str, timeout_s: float) -> None:
    command = re.sub(r"^(--\S+\s+)+", "", args.strip())
    command = r.map_paths(command)
    env = dict(r.env)
    proc = subprocess.run(["/bin/sh", "-c", command], cwd=r.cwd or r.root, env=env, capture_output=True,
                          text=True, timeout=timeout_s)
    r.log.append(f"$ {command}\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    assert proc.returncode == 0, f"RUN {args!r} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    _link_dependencies(r)


def _env(r: Replay, args: str) -> None:
    for key, value in env_pairs(args).items():
        parts = [part if "$" in part else r.map_paths(part) for part in value.split(":")]
        r.env[key] = re.sub(r"\$\{?(\w+)\}?", lambda m: r.env.get(m.group(1), ""), ":".join(parts))


def replay_stage(stage: Stage, *, context: Path, root: Path, python: str, timeout_s: float = 120.0) -> Replay:
    """Run the stage's WORKDIR/COPY/ENV/RUN under `root`; other instructions are metadata."""
    shim = root.parent / "shim"
    shim.mkdir(parents=True, exist_ok=True)
    for name in ("python", "python3"):
        (shim / name).unlink(missing_ok=True)
        (shim / name).symlink_to(python)
    r = Replay(context=context, root=root, deps=dependencies_dir(root.parent / "deps"), python_dir=shim)
    r.env = {"PATH": f"{shim}:/usr/local/bin:/usr/bin:/bin", "HOME": str(root.parent),
             "PIP_NO_INDEX": "1", "PIP_NO_BUILD_ISOLATION": "0", "PIP_CONFIG_FILE": os.devnull,
             "PIP_DISABLE_PIP_VERSION_CHECK": "1", "LANG": "C.UTF-8"}
    root.mkdir(parents=True, exist_ok=True)
    for ins in stage.instructions:
        if ins.keyword == "WORKDIR":
            r.cwd = r.host(ins.args) if ins.args.startswith("/") else (r.cwd or r.root) / ins.args
            r.cwd.mkdir(parents=True, exist_ok=True)
        elif ins.keyword == "COPY":
            _copy(r, ins.args)
        elif ins.keyword == "ENV":
            _env(r, ins.args)
        elif ins.keyword == "RUN":
            _run(r, ins.args, timeout_s)
    return r
