"""BM25 over tone-mark-free syllables, accented syllables and syllable bigrams (bm25s).

One tokenizer (:func:`index.textnorm.tokens`) serves index and query. No stop-word list:
question words are dropped from the *query* only (see :mod:`index.lexicon`).
"""

from __future__ import annotations

import json
import logging
import math
from collections import Counter
from pathlib import Path

import bm25s
import numpy as np

from index.lexicon import QUESTION_WORDS, expand
from index.textnorm import tokens

# bm25s sets its own logger to DEBUG on import, which prints into terminals; quiet it.
logging.getLogger("bm25s").setLevel(logging.WARNING)


def query_tokens(question: str, expand_abbreviations: bool = True) -> list[str]:
    """Tokens of a question: its own tokens without question words, plus lexicon expansions."""
    text = question
    if expand_abbreviations:
        extra = expand(question)
        if extra:
            text = f"{question} {extra}"
    kept: list[str] = []
    for token in tokens(text):
        parts = token.lstrip("~").split("_")
        if all(p in QUESTION_WORDS for p in parts):
            continue
        kept.append(token)
    return kept


class LexicalIndex:
    """BM25 scores for every passage, plus document frequencies for the evidence measure."""

    def __init__(self, model: bm25s.BM25, df: dict[str, int], n_docs: int) -> None:
        self.model = model
        self.df = df
        self.n_docs = n_docs

    @classmethod
    def build(cls, texts: list[str]) -> LexicalIndex:
        """Index passage texts (already including their heading line)."""
        if not texts:  # an empty documents folder gives an empty, searchable index
            return cls(bm25s.BM25(), {}, 0)
        corpus = [tokens(t) or [""] for t in texts]
        model = bm25s.BM25(k1=0.9, b=0.6)
        model.index(corpus, show_progress=False)
        df: Counter[str] = Counter()
        for toks in corpus:
            df.update(set(toks))
        return cls(model, dict(df), len(texts))

    def scores(self, query: list[str]) -> np.ndarray:
        """BM25 score of every passage for the given query tokens."""
        if self.n_docs == 0 or not query:
            return np.zeros(self.n_docs, dtype=np.float32)
        known = [t for t in query if t in self.df]
        if not known:
            return np.zeros(self.n_docs, dtype=np.float32)
        return np.asarray(self.model.get_scores(known), dtype=np.float32)

    def idf(self, token: str) -> float:
        """Smoothed inverse document frequency; unseen tokens get the highest weight."""
        return math.log(1 + (self.n_docs + 1) / (self.df.get(token, 0) + 0.5))

    def save(self, folder: Path) -> None:
        """Write the BM25 matrices and the frequency table into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        if self.n_docs:
            self.model.save(str(folder), show_progress=False)
        (folder / "df.json").write_text(
            json.dumps({"n_docs": self.n_docs, "df": self.df}, ensure_ascii=False),
            encoding="utf-8",
        )

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        """Read an index written by :meth:`save`."""
        data = json.loads((folder / "df.json").read_text(encoding="utf-8"))
        if data["n_docs"] == 0:
            return cls(bm25s.BM25(), {}, 0)
        model = bm25s.BM25.load(str(folder), show_progress=False, verbosity=0)
        return cls(model, data["df"], data["n_docs"])
