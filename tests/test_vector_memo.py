"""The engine's memo of recent question and span vectors."""

from __future__ import annotations

import numpy as np

from index.embedders import FakeEmbedder, VectorMemo


class Counting(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.encoded: list[str] = []

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        self.encoded += texts
        return super().embed_documents(texts)

    def embed_query(self, text: str) -> np.ndarray:
        self.encoded.append(f"q:{text}")
        return super().embed_query(text)


def test_texts_seen_recently_are_not_encoded_again() -> None:
    embedder, reference = Counting(), FakeEmbedder()
    memo = VectorMemo(embedder, size=3)
    first = memo.passages(["a", "b"])
    again = memo.passages(["b", "a", "c"])
    assert embedder.encoded == ["a", "b", "c"]  # one batch per call, only the new texts
    assert np.array_equal(again, reference.embed_documents(["b", "a", "c"]))
    assert np.array_equal(first, again[[1, 0]])
    assert np.array_equal(memo.query("a"), reference.embed_query("a"))
    memo.query("a")
    assert embedder.encoded == ["a", "b", "c", "q:a"]  # a question is kept apart from passages
    # Bounded at 3 vectors: the least recently used (passage "b") made room for the question.
    memo.passages(["a", "c"])
    memo.passages(["b"])
    assert embedder.encoded == ["a", "b", "c", "q:a", "b"]
    assert memo.passages([]).shape == (0, embedder.dim)
