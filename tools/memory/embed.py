"""Turning incident features into unit vectors: a local hashed embedding, or an OpenAI-compatible endpoint."""
from __future__ import annotations

import hashlib
import logging
from typing import Protocol

import numpy as np
import numpy.typing as npt
import openai

from tools.memory.signature import as_text, words
from tools.settings import Settings

log = logging.getLogger(__name__)
Vectors = npt.NDArray[np.float32]
HASHED_DIM = 256


class EmbeddingError(Exception):
    """The embeddings endpoint failed or answered something unusable."""


class Embedder(Protocol):
    name: str  # stored with the vectors: a different embedder means re-embedding, not comparing

    def embed(self, batch: list[dict[str, float]]) -> Vectors:
        """One L2-normalised float32 row per feature set."""
        ...


def normalise(vectors: Vectors) -> Vectors:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: Vectors = (vectors / norms).astype(np.float32)
    return out


class HashedEmbedder:
    """Feature hashing with a sign bit: deterministic, no download, no network.

    Each feature lands in one of `dim` buckets with weight +w or -w (the sign from a second hash
    bit), so the cosine of two vectors is close to the weighted overlap of their features.
    """

    def __init__(self, dim: int = HASHED_DIM) -> None:
        self.dim = dim
        self.name = f"hashed-v1:{dim}"
        self._cache: dict[str, tuple[int, float]] = {}

    def _slot(self, feature: str) -> tuple[int, float]:
        slot = self._cache.get(feature)
        if slot is None:
            digest = int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "little")
            slot = (digest % self.dim, 1.0 if (digest >> 40) & 1 else -1.0)
            if len(self._cache) < 100_000:
                self._cache[feature] = slot
        return slot

    def embed(self, batch: list[dict[str, float]]) -> Vectors:
        out = np.zeros((len(batch), self.dim), dtype=np.float32)
        for row, feats in enumerate(batch):
            for feature, weight in feats.items():
                index, sign = self._slot(feature)
                out[row, index] += sign * weight
        return normalise(out)


class OpenAIEmbedder:
    """The `/v1/embeddings` endpoint of an OpenAI-compatible server, through the `openai` client."""

    def __init__(self, *, base_url: str | None, api_key: str, model: str, timeout_s: float = 30.0,
                 max_retries: int = 2) -> None:
        self.model = model
        self.name = f"openai:{model}"
        self.client = openai.OpenAI(base_url=base_url, api_key=api_key, timeout=timeout_s, max_retries=max_retries)

    def embed(self, batch: list[dict[str, float]]) -> Vectors:
        if not batch:
            return np.zeros((0, 1), dtype=np.float32)
        texts = [as_text(feats) or "(nothing)" for feats in batch]
        try:
            answer = self.client.embeddings.create(model=self.model, input=texts)
        except openai.OpenAIError as exc:
            raise EmbeddingError(f"embeddings endpoint failed: {exc}") from exc
        rows = sorted(answer.data, key=lambda d: d.index)
        if len(rows) != len(texts) or not rows or not rows[0].embedding:
            raise EmbeddingError(f"asked {len(texts)} embeddings, got {len(rows)}")
        return normalise(np.asarray([r.embedding for r in rows], dtype=np.float32))


def make_embedder(settings: Settings) -> Embedder:
    """The endpoint's model when DEBUGBOT_EMBEDDINGS_MODEL is set, else the local hashed embedding."""
    if settings.embeddings_model:
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "unused"
        return OpenAIEmbedder(base_url=settings.llm_base_url, api_key=key, model=settings.embeddings_model,
                              timeout_s=settings.llm_timeout_s, max_retries=settings.llm_max_retries)
    return HashedEmbedder()


def text_features(text: str) -> dict[str, float]:
    """A free-text query (`/debug history pool timeout`) as features comparable with stored ones."""
    feats: dict[str, float] = {}
    for w in words(text, set()):
        feats["w:" + w] = feats.get("w:" + w, 0.0) + 1.0
        feats["t:" + w] = feats.get("t:" + w, 0.0) + 1.0
        feats["cat:" + w] = 1.0
    return feats
