"""Convert the public question sets in ../shared/data/ into corpus folders + EVAL.md questions.

Writes data/eval/<name>/corpus/ (files the engine indexes) and data/eval/<name>/questions.jsonl
(one question per line: id, question, answer, optional doc/section/kind/source), so anyone can
reproduce the numbers of docs/MEASUREMENTS.md:

    python scripts/convert_datasets.py                 # every set
    python scripts/convert_datasets.py alqac2022 viquad_dev --limit 300

Sets:
  alqac2022, alqac2023  question -> law article. One Markdown file per law, "## Điều N. title"
                        per article; gold doc = the law file, section = "Điều N", answer = a
                        10-word window of the gold article that occurs nowhere else in the corpus.
  viquad_dev            question -> Wikipedia passage (UIT-ViQuAD 1.0 dev, "_" segmentation
                        undone, lower-case as published). The release has no article titles,
                        so each unique passage is one file; answer = the gold answer span.
  uit_regulation        question -> university-regulation paragraph (train_reg.json), one file
                        per title; answer = the gold answer span.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.textnorm import fold, normalize_line  # noqa: E402

DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT_OUT = ROOT / "data" / "eval"
ANSWER_WORDS = 10
SEED = 13
_ENUMERATOR = re.compile(r"^(\(?[0-9]+[.)]|\(?[a-zđ][.)]|[-+*•])$")


def slug(text: str, max_len: int = 60) -> str:
    """File-name form of a title: tone-free, lower-case, dashes ("Luật Giáo dục" -> "luat-giao-duc")."""  # noqa: E501
    flat = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return flat[:max_len].rstrip("-") or "doc"


def unique_names(titles: Iterable[str], suffix: str) -> list[str]:
    """One distinct file name per title, numbering repeats."""
    seen: dict[str, int] = {}
    names = []
    for title in titles:
        base = slug(title)
        seen[base] = seen.get(base, 0) + 1
        names.append(f"{base}{'' if seen[base] == 1 else '-' + str(seen[base])}{suffix}")
    return names


def write_set(out: Path, files: dict[str, str], questions: list[dict[str, Any]]) -> None:
    """Replace data/eval/<name>/ with the given corpus files and question lines."""
    if out.exists():
        shutil.rmtree(out)
    corpus = out / "corpus"
    for rel, text in files.items():
        path = corpus / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    with (out / "questions.jsonl").open("w", encoding="utf-8") as fh:
        for q in questions:
            fh.write(json.dumps(q, ensure_ascii=False) + "\n")


def sample(items: list[Any], limit: int | None) -> list[Any]:
    """A seeded random subset in original order (all items when limit is None or large)."""
    if limit is None or limit <= 0 or len(items) <= limit:
        return items
    keep = sorted(random.Random(SEED).sample(range(len(items)), limit))
    return [items[i] for i in keep]


# --- ALQAC ---------------------------------------------------------------------------------


def split_article(text: str) -> tuple[str, str]:
    """ALQAC article text is "<title>\\n\\n<body>"; return (title, body)."""
    head, sep, body = text.strip().partition("\n\n")
    if not sep:
        return "", head
    return head.strip(), body.strip()


def law_markdown(law_id: str, articles: list[dict[str, Any]]) -> str:
    """One law as Markdown: front matter, "# law", then "## Điều N. title" + body per article."""
    looks_numbered = bool(re.search(r"\d+/", law_id))
    front = ["---", f'title: "{law_id}"']
    if looks_numbered:
        front.append(f"so-hieu: {law_id}")
    front.append("---")
    parts = ["\n".join(front), f"# {law_id}"]
    for article in articles:
        title, body = split_article(article["text"])
        heading = f"## Điều {article['id']}." + (f" {title}" if title else "")
        parts.append(f"{heading}\n\n{body}")
    return "\n\n".join(parts) + "\n"


def distinctive_window(body: str, corpus_text: str, words: int = ANSWER_WORDS) -> str:
    """First window of ``words`` words inside one line of the body that occurs once in the corpus.

    Windows never cross a line, so they cannot straddle a paragraph/clause boundary where a
    structure-aware chunker may cut without overlap. Falls back to the first window.
    """
    fallback = ""
    for line in body.splitlines():
        tokens = line.split()
        while tokens and _ENUMERATOR.match(tokens[0]):
            tokens = tokens[1:]  # "1.", "a)", "-": a chunker may turn these into a section path
        if len(tokens) < 4:
            continue
        width = min(words, len(tokens))
        for start in range(0, len(tokens) - width + 1, 3):
            window = " ".join(tokens[start : start + width])
            fallback = fallback or window
            if corpus_text.count(normalize_line(window).lower()) == 1:
                return window
    return fallback or " ".join(body.split()[:words])


def convert_alqac(
    law_file: Path, question_files: list[tuple[str, Path]], id_prefix: str
) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """ALQAC law.json + question files -> (corpus files, questions with doc/section gold)."""
    laws = json.loads(law_file.read_text(encoding="utf-8"))
    names = unique_names((law["id"] for law in laws), ".md")
    files: dict[str, str] = {}
    law_path: dict[str, str] = {}
    bodies: dict[tuple[str, str], str] = {}
    for law, name in zip(laws, names, strict=True):
        files[name] = law_markdown(law["id"], law["articles"])
        law_path[law["id"]] = name
        for article in law["articles"]:
            bodies[(law["id"], str(article["id"]))] = split_article(article["text"])[1]
    corpus_text = normalize_line("\n".join(bodies.values())).lower()
    questions: list[dict[str, Any]] = []
    skipped = 0
    for source, path in question_files:
        for item in json.loads(path.read_text(encoding="utf-8")):
            gold = [
                (r["law_id"], str(r["article_id"]))
                for r in item.get("relevant_articles") or []
                if (r["law_id"], str(r["article_id"])) in bodies
            ]
            if not gold:
                skipped += 1
                continue
            law_id, article_id = gold[0]
            qid = item.get("question_id") or item.get("id")
            record: dict[str, Any] = {
                "id": f"{id_prefix}{source}-{qid}" if source else f"{id_prefix}{qid}",
                "question": item["text"],
                "answer": distinctive_window(bodies[(law_id, article_id)], corpus_text),
                "doc": law_path[law_id],
                "section": f"Điều {article_id}",
                "source": source or "alqac",
            }
            if item.get("question_type"):
                record["kind"] = item["question_type"]
            if len(gold) > 1:
                record["also_relevant"] = [f"{law_path[a]}#Điều {b}" for a, b in gold[1:]]
            questions.append(record)
    if skipped:
        print(f"  skipped {skipped} questions without a resolvable gold article")
    return files, questions


def build_alqac2022(shared: Path, limit: int | None) -> tuple[dict[str, str], list[dict]]:
    base = shared / "alqac" / "alqac2022"
    files, questions = convert_alqac(base / "law.json", [("", base / "question.json")], "a22-")
    return files, sample(questions, limit)


def build_alqac2023(shared: Path, limit: int | None) -> tuple[dict[str, str], list[dict]]:
    base = shared / "alqac" / "alqac2023"
    sources = [
        ("train", base / "train.json"),
        ("private_test", base / "private_test_with_relevant_articles.json"),
    ]
    files, questions = convert_alqac(base / "law.json", sources, "a23-")
    return files, sample(questions, limit)


# --- ViQuAD / UIT regulation ---------------------------------------------------------------


def unsegment(text: str) -> str:
    """Undo the "_" word segmentation of the ViQuAD release."""
    return " ".join(text.replace("_", " ").split())


def build_viquad_dev(shared: Path, limit: int | None) -> tuple[dict[str, str], list[dict]]:
    items = json.loads((shared / "viquad1_segmented" / "dev_ViQuAD.json").read_text("utf-8"))
    passages: dict[str, str] = {}
    for item in items:
        context = unsegment(item["context"])
        passages.setdefault(context, f"p{len(passages) + 1:04d}.txt")
    files = {name: text + "\n" for text, name in passages.items()}
    questions = []
    for n, item in enumerate(items, start=1):
        labels = item.get("label") or []
        if not labels:
            continue
        questions.append(
            {
                "id": f"viquad-dev-{n}",
                "question": unsegment(item["question"]),
                "answer": unsegment(str(labels[0][3])),
                "doc": passages[unsegment(item["context"])],
                "source": "viquad1-dev",
            }
        )
    return files, sample(questions, limit)


def build_uit_regulation(shared: Path, limit: int | None) -> tuple[dict[str, str], list[dict]]:
    data = json.loads((shared / "uit_regulation_qa" / "train_reg.json").read_text("utf-8"))
    articles = data["data"]
    names = unique_names((a["title"] for a in articles), ".md")
    files: dict[str, str] = {}
    questions = []
    for article, name in zip(articles, names, strict=True):
        contexts = [p["context"].strip() for p in article["paragraphs"]]
        files[name] = f"# {article['title']}\n\n" + "\n\n".join(contexts) + "\n"
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                answers = [a["text"] for a in qa.get("answers") or [] if a["text"].strip()]
                if not answers:
                    continue
                questions.append(
                    {
                        "id": f"uitreg-{len(questions) + 1}",
                        "question": qa["question"],
                        "answer": answers[0],
                        "doc": name,
                        "source": "uit-regulation",
                    }
                )
    return files, sample(questions, limit)


SETS: dict[str, tuple[Callable[[Path, int | None], tuple[dict[str, str], list[dict]]], int]] = {
    "alqac2022": (build_alqac2022, 0),
    "alqac2023": (build_alqac2023, 0),
    "viquad_dev": (build_viquad_dev, 500),
    "uit_regulation": (build_uit_regulation, 500),
}
"""Set name -> (builder, default question limit; 0 = all)."""


def convert(name: str, shared: Path, out_root: Path, limit: int | None) -> tuple[int, int]:
    """Convert one set; returns (corpus files, questions)."""
    builder, default_limit = SETS[name]
    files, questions = builder(shared, default_limit if limit is None else limit)
    write_set(out_root / name, files, questions)
    return len(files), len(questions)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sets", nargs="*", choices=[*SETS, []], help="default: every set")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="shared data folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output root")
    parser.add_argument(
        "--limit",
        type=int,
        default=None,
        help="questions per set (seeded sample); default 500 for viquad_dev/uit_regulation, "
        "all for ALQAC; 0 = all",
    )
    args = parser.parse_args(argv)
    if not args.shared.is_dir():
        parser.error(f"shared data folder not found: {args.shared} (use --shared)")
    print(f"{'set':<16}{'files':>7}{'questions':>11}  output")
    for name in args.sets or list(SETS):
        n_files, n_questions = convert(name, args.shared, args.out, args.limit)
        print(f"{name:<16}{n_files:>7}{n_questions:>11}  {args.out / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
