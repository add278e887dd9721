"""Reasoner implementations: `rules` (deterministic, the default) and `llm` (OpenAI-compatible)."""
