from __future__ import annotations

import pytest

from tools.settings import SettingsError, load_settings


def test_settings_read_prefixed_environment_and_split_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUGBOT_ALLOWED_NAMESPACES", "prod, staging")
    monkeypatch.setenv("DEBUGBOT_MAX_STEPS", "7")
    s = load_settings()
    assert s.allowed_namespaces == ["prod", "staging"]
    assert s.max_steps == 7


def test_bad_setting_names_the_variable_and_what_it_expects(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUGBOT_MAX_STEPS", "lots")
    with pytest.raises(SettingsError, match="DEBUGBOT_MAX_STEPS: .*integer"):
        load_settings()


def test_missing_required_setting_is_named() -> None:
    s = load_settings()
    with pytest.raises(SettingsError, match="DEBUGBOT_SLACK_BOT_TOKEN"):
        s.require("slack_bot_token")


def test_secrets_never_print_in_settings_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUGBOT_LLM_API_KEY", "not-a-real-key-123")
    assert "not-a-real-key-123" not in repr(load_settings())
