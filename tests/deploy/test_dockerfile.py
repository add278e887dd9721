"""The Dockerfile: two stages on a pinned slim base, non-root, a health check, no secrets, and install steps that work."""
from __future__ import annotations

import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.deploy.dockerfile import build_context, dockerignore_patterns, env_pairs, exec_form, ignored, parse
from tests.deploy.replay import replay_stage

DOCKERFILE = parse(ROOT / "Dockerfile")
SECRET_NAMES = re.compile(r"TOKEN|SECRET|PASSWORD|API_KEY|CREDENTIAL", re.IGNORECASE)


def test_builds_in_two_stages_from_one_pinned_slim_python_3_11() -> None:
    assert [s.name for s in DOCKERFILE.stages] == ["builder", "runtime"]
    images = {s.image for s in DOCKERFILE.stages}
    assert len(images) == 1
    (image,) = images
    assert re.fullmatch(r"python:3\.11\.\d+-slim(-\w+)?(@sha256:[0-9a-f]{64})?", image), image


def test_runtime_runs_as_uid_10001_not_root() -> None:
    runtime = DOCKERFILE.stage("runtime")
    users = runtime.all("USER")
    assert users and users[-1].args == "10001:10001"
    useradd = " ".join(i.args for i in runtime.all("RUN"))
    assert "--uid 10001" in useradd and "--gid 10001" in useradd


def test_one_image_serves_by_default_and_runs_workers_by_argument() -> None:
    runtime = DOCKERFILE.stage("runtime")
    assert exec_form(runtime.all("ENTRYPOINT")[-1].args) == ["debugbot"]
    assert exec_form(runtime.all("CMD")[-1].args) == ["serve"]
    assert "3000" in runtime.all("EXPOSE")[-1].args.split()


def test_runtime_has_a_healthcheck_on_healthz() -> None:
    (check,) = DOCKERFILE.stage("runtime").all("HEALTHCHECK")
    command = exec_form(check.args.split(" CMD ", 1)[1])
    assert command is not None and command[:2] == ["python", "-c"]
    assert "/healthz" in command[2] and "DEBUGBOT_HTTP_PORT" in command[2]
    assert re.search(r"--interval=\d+s", check.args) and re.search(r"--timeout=\d+s", check.args)


def test_runtime_sets_python_env_and_bakes_in_no_secret() -> None:
    runtime = DOCKERFILE.stage("runtime")
    env: dict[str, str] = {}
    for ins in runtime.all("ENV"):
        env.update(env_pairs(ins.args))
    assert env["PYTHONDONTWRITEBYTECODE"] == "1" and env["PYTHONUNBUFFERED"] == "1"
    assert env["PATH"].startswith("/opt/venv/bin:")
    for stage in DOCKERFILE.stages:
        for ins in stage.all("ENV") + stage.all("ARG"):
            assert not SECRET_NAMES.search(ins.args), f"line {ins.line}: {ins.args}"
    assert not SECRET_NAMES.search(" ".join(DOCKERFILE.global_args))
    copies = [i.args for i in runtime.all("COPY")]
    assert copies and all(c.startswith("--from=builder ") for c in copies), "runtime copies only the built venv"


def test_dockerignore_keeps_secrets_and_clutter_out_of_the_build_context() -> None:
    patterns = dockerignore_patterns(ROOT / ".dockerignore")
    for path in (".env", ".env.production", ".git/config", ".venv/bin/python", "var/kubeconfig",
                 "bot/__pycache__/app.cpython-311.pyc", "tests/conftest.py", "debugbot.egg-info/PKG-INFO"):
        assert ignored(path, patterns), path
    for path in ("pyproject.toml", "README.md", "bot/app.py", "tools/settings.py", "cli/main.py"):
        assert not ignored(path, patterns), path


def test_builder_copies_every_package_the_project_declares() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    includes = project["tool"]["setuptools"]["packages"]["find"]["include"]
    copied = {i.args.split()[0].rstrip("/") for i in DOCKERFILE.stage("builder").all("COPY")}
    for pattern in includes:
        assert pattern.rstrip("*") in copied, f"{pattern} is packaged but not copied into the image"
    readme = project["project"].get("readme")
    assert readme in " ".join(i.args for i in DOCKERFILE.stage("builder").all("COPY"))


def _subcommands(help_text: str) -> set[str]:
    match = re.search(r"\{([a-z,-]+)\}", help_text)
    assert match, help_text
    return set(match.group(1).split(","))


@pytest.mark.slow
def test_builder_steps_replayed_offline_install_a_debugbot_that_runs(tmp_path: Path) -> None:
    import importlib.util

    assert importlib.util.find_spec("wheel"), ("offline, without build isolation, building the wheel needs the "
                                               "`wheel` package in the dev extras of pyproject.toml")
    started = time.monotonic()
    context = build_context(ROOT, tmp_path / "context")
    assert not (context / ".env").exists() and not (context / ".venv").exists()
    replay = replay_stage(DOCKERFILE.stage("builder"), context=context, root=tmp_path / "root",
                          python=getattr(sys, "_base_executable", sys.executable))
    venv_bin = replay.host("/opt/venv/bin")
    wheels = list(replay.host("/wheels").glob("debugbot-*.whl"))
    assert len(wheels) == 1, replay.log
    runtime = DOCKERFILE.stage("runtime")
    entry = exec_form(runtime.all("ENTRYPOINT")[-1].args) or []
    out = subprocess.run([str(venv_bin / entry[0]), "--help"], capture_output=True, text=True, timeout=60,
                         cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    dev = subprocess.run([str(ROOT / ".venv" / "bin" / "debugbot"), "--help"], capture_output=True, text=True,
                         timeout=60, cwd=tmp_path)
    assert _subcommands(out.stdout) == _subcommands(dev.stdout), "the wheel lacks modules the checkout has"
    where = subprocess.run([str(venv_bin / "python"), "-c", "import cli, tools; print(cli.__file__, tools.__file__)"],
                           capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert where.stdout.split() and all(p.startswith(str(replay.host("/opt/venv"))) for p in where.stdout.split()), \
        where.stdout + where.stderr
    assert time.monotonic() - started < 60


def deploy_commands() -> set[str]:
    """The first argument every deploy file hands to the `debugbot` entry point."""
    from tests.deploy.compose import services
    from tests.deploy.manifests import DEPLOY, render

    found = {(exec_form(DOCKERFILE.stage("runtime").all("CMD")[-1].args) or [""])[0]}
    found |= {svc["command"][0] for name, svc in services().items() if name != "redis"}
    found |= {c["args"][0] for d in render(DEPLOY) if d["kind"] == "Deployment"
              for c in d["spec"]["template"]["spec"]["containers"]}
    return found


def test_deploy_files_run_only_serve_worker_and_sim() -> None:
    assert deploy_commands() == {"serve", "worker", "sim"}


@pytest.mark.parametrize("command", ["serve", "worker", "sim"])
def test_each_command_the_deploy_files_run_is_a_debugbot_subcommand(command: str, tmp_path: Path) -> None:
    import importlib.util

    from cli.main import COMMANDS

    if importlib.util.find_spec(COMMANDS[command]) is None:
        pytest.skip(f"{COMMANDS[command]} is not built yet: `debugbot {command}` would fail in the image")
    out = subprocess.run([str(ROOT / ".venv" / "bin" / "debugbot"), command, "--help"], capture_output=True,
                         text=True, timeout=60, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
