"""Restore tone marks on questions typed without them, learned from the indexed corpus.

"giao vien duoc phu cap bao nhieu" -> "giáo viên được phụ cấp bao nhiêu". Each folded
syllable may stand for several accented ones ("cap" -> cấp, cáp, cập); the most likely
sequence under a syllable bigram model of the corpus is found with Viterbi. The dense
encoder (which cannot read unaccented Vietnamese) then sees the restored question; the
lexical side keeps matching the folded form anyway.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from index.textnorm import fold, syllables

MAX_CANDIDATES = 6
SMOOTHING = 2.0
# Questions use words that official texts rarely contain; seed them so "bao nhieu" becomes
# "bao nhiêu", not "bảo nhiều".
QUESTION_SEED = (
    "bao nhiêu bao lâu bao giờ là gì là ai như thế nào thế nào ra sao ở đâu khi nào mấy "
    "có được không có phải không được không cái gì những gì ai được ai phải vì sao tại sao "
    "thi tuyển xét tuyển giáo viên học sinh cho hỏi ạ nhé vậy"
)
SEED_WEIGHT = 30


class ToneRestorer:
    """Syllable unigram and bigram counts of accented text, keyed for Viterbi decoding."""

    def __init__(self, unigrams: dict[str, int], bigrams: dict[str, int]) -> None:
        self.unigrams = unigrams
        self.bigrams = bigrams
        self.total = sum(unigrams.values()) or 1
        self.candidates: dict[str, list[str]] = {}
        for word, _ in sorted(unigrams.items(), key=lambda kv: -kv[1]):
            options = self.candidates.setdefault(fold(word), [])
            if len(options) < MAX_CANDIDATES:
                options.append(word)

    @classmethod
    def learn(cls, texts: Iterable[str], min_bigram: int = 2) -> ToneRestorer:
        """Count accented syllables and syllable pairs in the corpus."""
        uni: Counter[str] = Counter()
        bi: Counter[str] = Counter()
        seed = syllables(QUESTION_SEED)
        for word in seed:
            uni[word] += SEED_WEIGHT
        for a, b in zip(seed, seed[1:], strict=False):
            bi[f"{a} {b}"] += SEED_WEIGHT
        for text in texts:
            words = syllables(text)
            uni.update(words)
            bi.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
        kept = {pair: n for pair, n in bi.items() if n >= min_bigram}
        return cls(dict(uni), kept)

    def _log_p(self, prev: str | None, word: str) -> float:
        p_uni = (self.unigrams.get(word, 0) + 0.1) / self.total
        if prev is None:
            return math.log(p_uni)
        pair = self.bigrams.get(f"{prev} {word}", 0)
        return math.log((pair + SMOOTHING * p_uni) / (self.unigrams.get(prev, 0) + SMOOTHING))

    def restore(self, text: str) -> str:
        """The most likely accented form of a tone-mark-free question (lower-case)."""
        words = syllables(text)
        if not words:
            return text
        lattice = [self.candidates.get(fold(w), [w]) if fold(w) == w else [w] for w in words]
        best: dict[str, tuple[float, list[str]]] = {
            w: (self._log_p(None, w), [w]) for w in lattice[0]
        }
        for options in lattice[1:]:
            step: dict[str, tuple[float, list[str]]] = {}
            for word in options:
                score, path = max(
                    ((s + self._log_p(prev, word), p) for prev, (s, p) in best.items()),
                    key=lambda item: item[0],
                )
                step[word] = (score, path + [word])
            best = step
        return " ".join(max(best.values(), key=lambda item: item[0])[1])

    def save(self, path: Path) -> None:
        """Write the counts as JSON."""
        path.write_text(
            json.dumps({"unigrams": self.unigrams, "bigrams": self.bigrams}, ensure_ascii=False),
            encoding="utf-8",
        )

    @classmethod
    def load(cls, path: Path) -> ToneRestorer:
        """Read counts written by :meth:`save`."""
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["unigrams"], data["bigrams"])
