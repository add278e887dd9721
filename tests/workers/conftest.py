"""Worker tests run against the same world as tests/e2e: sandbox, fake Slack, real Redis, real workers."""
from __future__ import annotations

from tests.bot.conftest import fake_slack  # noqa: F401
from tests.e2e.conftest import bot_overrides, e2e, pytest_runtest_makereport, scenario_name  # noqa: F401
