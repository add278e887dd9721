"""The FAISS index over remembered incidents: inner product of unit vectors, persisted, rebuilt from Redis."""
from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

import faiss
import numpy as np

from tools.memory.embed import Embedder, Vectors
from tools.memory.store import MemoryStore, StoredVector

log = logging.getLogger(__name__)
faiss.omp_set_num_threads(1)  # a flat search over 10k vectors is ~1 ms on one core; threads only contend


class VectorIndex:
    """An `IndexIDMap(IndexFlatIP)` whose ids are the store's nums.

    `sync()` compares the store's (epoch, gen) with the index's: equal means nothing changed;
    otherwise the ids present in Redis and missing here are added (re-embedded when they were
    stored by another embedder) and the ones gone from Redis are removed. With a `path`, the
    index is written after each sync (write then rename) and read back at start, so a restarted
    worker only fetches what changed while it was down; without the file it rebuilds from Redis.
    """

    def __init__(self, store: MemoryStore, embedder: Embedder, *, path: str | None = None) -> None:
        self.store, self.embedder, self.path = store, embedder, Path(path) if path else None
        self.index: faiss.IndexIDMap | None = None
        self.ids: set[int] = set()
        self.incidents: dict[int, str] = {}  # num -> incident, as of the last sync
        self.version: tuple[str, int] = ("", -1)
        self._file_gen = -1  # gen of the index file last read or written
        self._lock = threading.Lock()
        self.loaded_from_file = self._load()

    def __len__(self) -> int:
        return len(self.ids)

    def _meta_path(self) -> Path:
        assert self.path is not None
        return self.path.with_name(self.path.name + ".json")

    def _load(self) -> bool:
        if self.path is None or not self.path.exists() or not self._meta_path().exists():
            return False
        try:
            meta = json.loads(self._meta_path().read_text())
            if meta.get("embedder") != self.embedder.name:
                return False
            index = faiss.read_index(str(self.path))
            if not isinstance(index, faiss.IndexIDMap):
                raise ValueError(f"not an IndexIDMap: {type(index).__name__}")
        except (OSError, ValueError, RuntimeError) as exc:
            log.warning("memory index %s unreadable (%s): rebuilding from Redis", self.path, exc)
            return False
        self.index = index
        self.ids = {int(i) for i in faiss.vector_to_array(index.id_map)}
        self.version = (str(meta.get("epoch", "")), -1)  # the first sync maps ids and fetches only what is new
        self._file_gen = int(meta.get("gen", -1))
        return True

    def _saved_gen(self) -> int:
        """The gen of the index file on disk when it is newer than the one read, else -1 (no reload)."""
        if self.path is None:
            return -1
        try:
            gen = int(json.loads(self._meta_path().read_text()).get("gen", -1))
        except (OSError, ValueError):
            return -1
        return gen if gen > self._file_gen else -1

    def _save(self) -> None:
        if self.path is None or self.index is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        faiss.write_index(self.index, str(tmp))
        os.replace(tmp, self.path)
        meta = {"embedder": self.embedder.name, "epoch": self.version[0], "gen": self.version[1],
                "size": len(self.ids)}
        tmp.write_text(json.dumps(meta))
        os.replace(tmp, self._meta_path())
        self._file_gen = self.version[1]

    def sync(self) -> bool:
        """Catch up with Redis; True when something changed."""
        with self._lock:
            version = self.store.generation()
            if version == self.version:
                return False
            if self._saved_gen() > self.version[1]:  # another process (a sibling job) saved a newer index
                self._load()
            if version[0] != self.version[0]:  # another store (or a wiped one): start over
                self.index, self.ids = None, set()
            entries = self.store.entries()
            self.incidents = entries
            gone = [n for n in self.ids if n not in entries]
            if gone and self.index is not None:
                self.index.remove_ids(np.asarray(gone, dtype=np.int64))  # type: ignore[arg-type]
                self.ids.difference_update(gone)
            self._add(self.store.vectors({n: i for n, i in entries.items() if n not in self.ids}))
            self.version = version
            self._save()
            return True

    def _add(self, stored: list[StoredVector]) -> None:
        rows, nums = [], []
        stale = [s for s in stored if s.record is not None and (s.vector is None or s.embedder != self.embedder.name)]
        fresh = self.embedder.embed([s.record.features for s in stale if s.record]) if stale else None
        for i, s in enumerate(stale):
            vec = fresh[i] if fresh is not None else None
            if vec is not None:
                self.store.replace_vector(s.incident_id, vec.tobytes(), embedder=self.embedder.name)
                s.vector, s.embedder = vec.tobytes(), self.embedder.name
        for s in stored:
            if s.record is None or s.vector is None:
                self.store.forget(s.incident_id)  # expired: drop its id as well
                continue
            rows.append(np.frombuffer(s.vector, dtype=np.float32))
            nums.append(s.num)
        if rows:
            self._ensure(len(rows[0]))
            assert self.index is not None
            self.index.add_with_ids(np.vstack(rows), np.asarray(nums, dtype=np.int64))
            self.ids.update(nums)

    def _ensure(self, dim: int) -> None:
        if self.index is None or self.index.d != dim:
            self.index, self.ids = faiss.IndexIDMap(faiss.IndexFlatIP(dim)), set()

    def search(self, vector: Vectors, k: int) -> list[tuple[str, float]]:
        """The k nearest incidents by cosine similarity, best first."""
        with self._lock:
            if self.index is None or not self.ids or vector.shape[-1] != self.index.d:
                return []
            scores, ids = self.index.search(vector.reshape(1, -1).astype(np.float32), min(k, len(self.ids)))
            return [(self.incidents[int(i)], float(s)) for i, s in zip(ids[0], scores[0])
                    if i >= 0 and int(i) in self.incidents]
