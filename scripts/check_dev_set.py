"""Check eval/dev.jsonl: valid JSON, unique ids, answers that occur in the gold document.

Each non-null answer, after NFC + one tone-mark convention + whitespace folding + lowercasing
(index.textnorm.normalize), must be a substring of ONE line of the named document once its
Markdown is stripped the way the loader does it (index.clean.strip_markdown), and inside the
named section (the lines from a heading "Điều N" to the next article heading). Also reports
answers that occur in other documents (informational) and in other articles of the same
document (a weaker gold), and checks the no_tone flag against the question.

    .venv/bin/python scripts/check_dev_set.py [eval/dev.jsonl]
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.clean import strip_markdown  # noqa: E402
from index.textnorm import has_tone_marks, normalize  # noqa: E402

DOCS = ROOT / "documents"
_ARTICLE = re.compile(r"^#*\s*(Điều\s+\d+(?:\.\d+)*(?:\.[A-ZĐ]+(?:\.\d+)+)?[a-zđ]?)[.:]?(\s|$)")
KINDS = {"legal", "number", "news", "clause", "out_of_scope", "out_of_scope_hard"}


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", normalize(unicodedata.normalize("NFC", text))).strip().lower()


_cache: dict[str, tuple[list[str], list[str | None]]] = {}


def lines_of(doc: str) -> tuple[list[str], list[str | None]]:
    """Folded lines of a document and the article each line belongs to."""
    if doc not in _cache:
        text = strip_markdown((DOCS / doc).read_text(encoding="utf-8"))
        lines, arts, art = [], [], None
        for raw in text.split("\n"):
            m = _ARTICLE.match(raw.strip())
            if m:
                art = re.sub(r"\s+", " ", m.group(1))
            lines.append(fold(raw))
            arts.append(art)
        _cache[doc] = (lines, arts)
    return _cache[doc]


def main(path: str) -> int:
    errors: list[str] = []
    warnings: list[str] = []
    ids: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    notone: Counter[str] = Counter()
    all_docs = sorted(
        str(p.relative_to(DOCS))
        for p in DOCS.rglob("*")
        if p.is_file() and p.suffix in {".md", ".txt"} and not p.name.startswith("_")
    )
    for n, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        try:
            q = json.loads(raw)
        except json.JSONDecodeError as exc:
            errors.append(f"line {n}: bad JSON ({exc})")
            continue
        if raw != unicodedata.normalize("NFC", raw):
            errors.append(f"line {n}: not NFC")
        qid = q.get("id")
        ids[qid] += 1
        kinds[q.get("kind")] += 1
        if q.get("kind") not in KINDS:
            errors.append(f"{qid}: unknown kind {q.get('kind')}")
        question = q.get("question") or ""
        if not question.strip():
            errors.append(f"{qid}: empty question")
        tone = has_tone_marks(question)
        if q.get("no_tone") is True and tone:
            errors.append(f"{qid}: no_tone but the question has tone marks")
        if q.get("no_tone") is False and not tone:
            errors.append(f"{qid}: no_tone false but the question has no tone marks")
        if q.get("no_tone"):
            notone[q.get("kind")] += 1
        ans = q.get("answer")
        if ans is None:
            if not str(q.get("kind", "")).startswith("out_of_scope"):
                errors.append(f"{qid}: null answer outside out_of_scope kinds")
            continue
        if str(q.get("kind", "")).startswith("out_of_scope"):
            errors.append(f"{qid}: out_of_scope with an answer")
        if re.search(r"[*#|\n]", ans):
            errors.append(f"{qid}: Markdown or line break in answer {ans!r}")
        words = len(ans.split())
        if not 2 <= words <= 14:
            warnings.append(f"{qid}: answer has {words} words")
        doc = q.get("doc")
        if not doc or not (DOCS / doc).is_file():
            errors.append(f"{qid}: missing doc {doc!r}")
            continue
        fa = fold(ans)
        lines, arts = lines_of(doc)
        where = [arts[i] for i, line in enumerate(lines) if fa in line]
        if not where:
            errors.append(f"{qid}: answer not on one line of {doc}: {ans!r}")
            continue
        sec = q.get("section")
        if sec and sec not in where:
            errors.append(
                f"{qid}: answer not inside {sec} (found in {sorted(set(map(str, where)))})"
            )
        if len(where) > 1:
            warnings.append(
                f"{qid}: answer on {len(where)} lines of its doc ({sorted(set(map(str, where)))})"
            )
        others = [d for d in all_docs if d != doc and any(fa in line for line in lines_of(d)[0])]
        if others and "--all" in sys.argv:
            warnings.append(f"{qid}: answer also in {others}")
    for qid, c in ids.items():
        if c > 1:
            errors.append(f"duplicate id {qid}")
    for w in warnings:
        print("warn:", w)
    for e in errors:
        print("ERROR:", e)
    total = sum(kinds.values())
    print(
        f"{total} questions; "
        + ", ".join(f"{k}: {v} ({notone[k]} no tone)" for k, v in sorted(kinds.items()))
    )
    print("OK" if not errors else f"{len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    sys.exit(main(args[0] if args else str(ROOT / "eval" / "dev.jsonl")))
