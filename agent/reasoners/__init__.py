"""Reasoner implementations: `rules` (deterministic, the default) and `llm` (OpenAI-compatible)."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent.reasoner import Reasoner
    from tools.settings import Settings


def make_reasoner(settings: Settings) -> Reasoner:
    """The reasoner settings ask for: `rules` (default, no LLM) or `llm` (OpenAI-compatible endpoint)."""
    if settings.reasoner == "llm":
        from agent.reasoners.llm import LLMReasoner

        return LLMReasoner(settings)
    from agent.reasoners.rules import RulesReasoner

    return RulesReasoner()
