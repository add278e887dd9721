"""Long-term memory of past incidents: redacted records in Redis, a FAISS index, similarity recall.

It lives in tools/ so that both the bot (`/debug history`, `/debug forget`) and the agent (priors) can use it."""
from tools.memory.recall import MEMORY_ERRORS, LongTermMemory, Match
from tools.memory.record import MemoryRecord

__all__ = ["MEMORY_ERRORS", "LongTermMemory", "Match", "MemoryRecord"]
