#!/usr/bin/env python3
"""Ask the index from the terminal.

Usage:
    python scripts/ask.py "giáo viên THCS được phụ cấp bao nhiêu"
    python scripts/ask.py --k 3 --json "nghi quyet 29"
    python scripts/ask.py --questions eval/dev.jsonl --out runs.jsonl
    python scripts/ask.py --collections cong-khai "thuong Tet"   # as a reader of these only
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bot import messages  # noqa: E402
from index.access import EVERYTHING, Access, collections_on_disk  # noqa: E402
from index.engine import Engine, IndexMismatch, IndexMissing  # noqa: E402
from index.models import Answer, Hit, SearchResult  # noqa: E402
from index.settings import ConfigError, load_index_settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def hit_json(hit: Hit, rank: int) -> dict:
    """A hit as a JSON-ready mapping."""
    doc = hit.doc
    return {
        "rank": rank,
        "score": round(hit.score, 5),
        "text": hit.chunk.text,
        "section": hit.chunk.section,
        "page": hit.chunk.page,
        "start": hit.chunk.start,
        "end": hit.chunk.end,
        "doc_id": doc.doc_id,
        "title": doc.title,
        "number": doc.number,
        "doc_type": doc.doc_type,
        "issued": doc.issued,
        "copies": list(hit.copies),
        "superseded_by": hit.superseded_by,
    }


def answer_json(answer: Answer) -> dict:
    """An answer as a JSON-ready mapping: the ranked hits plus what the first message shows."""
    result = answer.result
    return {
        "query": result.query,
        "abstained": answer.abstained,
        "reason": answer.reason,
        "missing": list(answer.missing),
        "uncertain": answer.uncertain,
        "doubt": result.doubt,
        "evidence": result.evidence,
        "latency_ms": result.latency_ms,
        "mode": result.mode,
        "answer": {
            "span": answer.span.text if answer.span else None,
            "span_section": answer.span.section or None if answer.span else None,
            "passages": [
                {
                    "chunk_id": h.chunk.chunk_id,
                    "doc_id": h.doc.doc_id,
                    "number": h.doc.number,
                    "section": h.chunk.section,
                    "text": h.chunk.text,
                }
                for h in answer.passages
            ],
        },
        "hits": [hit_json(h, n) for n, h in enumerate(result.hits, start=1)],
    }


def print_answer(answer: Answer) -> None:
    """The first message as the bot would send it (plain text), then the ranked hits."""
    from bot.formatting import answer_blocks, html_to_text

    print(html_to_text("\n\n".join(answer_blocks(answer, 700)), bold=("\033[1m", "\033[0m")))
    print("\n--- xếp hạng đầy đủ ---")
    print_result(answer.result)


def print_result(result: SearchResult) -> None:
    """Human-readable hits with their sources."""
    if result.abstained:
        print(messages.ASK_NOTHING.format(evidence=result.evidence))
    for n, hit in enumerate(result.hits, start=1):
        doc = hit.doc
        source = " | ".join(x for x in (doc.number, doc.title, doc.issued, hit.chunk.section) if x)
        if n > 1 or result.abstained:
            print()
        print(f"[{n}] {source}\n    {doc.doc_id}  ({messages.ASK_SCORE} {hit.score:.4f})")
        if hit.copies:
            print(f"    {messages.ASK_ALSO_IN}: {', '.join(hit.copies)}")
        if hit.superseded_by:
            print("    " + messages.ASK_REPLACED.format(number=hit.superseded_by))
        print("    " + hit.chunk.text[:700].replace("\n", "\n    "))
    print("\n" + messages.ASK_FOOTER.format(latency=result.latency_ms, mode=result.mode))


def main(argv: list[str] | None = None) -> int:
    """Answer one question or a file of questions."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("question", nargs="?")
    parser.add_argument("--config", type=Path, default=ROOT / "config.yaml")
    parser.add_argument("--index", type=Path)
    parser.add_argument("--docs", type=Path)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--mode", choices=("hybrid", "dense", "bm25"))
    parser.add_argument("--json", action="store_true", help="machine-readable hits")
    parser.add_argument(
        "--collections",
        help="answer as a reader of these collections only (comma-separated top folders of "
        "documents/; files directly in documents/ are always read); default: everything",
    )
    parser.add_argument("--questions", type=Path, help="tệp JSONL câu hỏi (xem docs/EVAL.md)")
    parser.add_argument(
        "--out", type=Path, help="with --questions: write results here (default stdout)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if not args.question and not args.questions:
        parser.error("give a question or --questions FILE")
    try:
        settings = load_index_settings(args.config).with_dirs(args.docs, args.index)
        engine = Engine.open(settings)
    except ConfigError as exc:
        print(messages.CONFIG_ERROR.format(error=exc), file=sys.stderr)
        return 2
    except IndexMissing:
        print(messages.SCRIPT_NO_INDEX.format(folder=settings.index_dir), file=sys.stderr)
        return 2
    except IndexMismatch as exc:
        print(messages.SCRIPT_INDEX_MISMATCH.format(error=exc), file=sys.stderr)
        return 2
    access = EVERYTHING
    if args.collections is not None:
        wanted = [c.strip().strip("/") for c in args.collections.split(",") if c.strip()]
        known = collections_on_disk(settings.documents_dir)
        unknown = [c for c in wanted if c not in known]
        if unknown:  # a typo would silently read nothing
            parser.error(
                f"--collections: không có bộ sưu tập {', '.join(unknown)}; "
                f"các bộ sưu tập: {', '.join(known) or '(chưa có thư mục nào)'}"
            )
        access = Access.only(wanted)
    if args.questions:
        out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout  # noqa: SIM115
        with open(args.questions, encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                item = json.loads(line)
                answer = engine.answer(item["question"], k=args.k, mode=args.mode, access=access)
                row = {"id": item.get("id"), **answer_json(answer)}
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        if args.out:
            out.close()
        return 0
    answer = engine.answer(args.question, k=args.k, mode=args.mode, access=access)
    if args.json:
        print(json.dumps(answer_json(answer), ensure_ascii=False, indent=2))
    else:
        print_answer(answer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
