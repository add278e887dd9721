"""docs/INSTALL.md points at files that exist and names only settings that exist."""
from __future__ import annotations

import re

from tests.conftest import ROOT
from tools.settings import Settings

DOC = ROOT / "docs" / "INSTALL.md"
COMPOSE_ONLY = {"DEBUGBOT_SANDBOX_SCENARIO", "DEBUGBOT_SCENARIOS_DIR", "DEBUGBOT_IMAGE", "DEBUGBOT_HTTP_PUBLISH",
                "DEBUGBOT_SANDBOX_HTTP_PUBLISH"}


def test_every_relative_link_in_the_install_guide_exists() -> None:
    links = re.findall(r"\]\((\.\./[^)#]+)\)", DOC.read_text())
    assert links
    for link in links:
        assert (DOC.parent / link).exists(), link


def test_every_repository_path_in_a_command_exists() -> None:
    # `deploy/debugbot-bot` in a kubectl command is a Deployment, not a path
    paths = set(re.findall(r"\b((?:deploy|docs)/(?!debugbot-)[\w./-]+)", DOC.read_text()))
    assert "deploy/base/executor-namespace/role.yaml" in paths
    for path in paths:
        assert (ROOT / path.rstrip(".")).exists(), path


def test_every_variable_the_guide_names_is_a_setting() -> None:
    known = {f"DEBUGBOT_{n.upper()}" for n in Settings.model_fields} | COMPOSE_ONLY
    named = set(re.findall(r"DEBUGBOT_[A-Z0-9_]+", DOC.read_text()))
    assert named - known == set()
