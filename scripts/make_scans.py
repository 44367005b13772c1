#!/usr/bin/env python3
"""Make test scans from the bundled legal texts and measure OCR on them (CER, WER, speed).

Pages of a few documents of ``documents/`` are typeset (text PDF, the reference), then
"printed and scanned" at 150, 200 and 300 dpi: clean, with office-scan defects (grain, 0.8°
skew, JPEG quality 70, a red stamp over text), and as a phone photo (perspective, uneven
light, blur). Scans are saved as image-only PDFs and JPGs under ``--out`` and read the way the
loader reads them (image-only PDF pages rendered at 300 dpi; JPGs as they are).

Usage:
    python scripts/make_scans.py                       # 3 documents x 2 pages, all settings
    python scripts/make_scans.py --docs 1 --pages 1 --dpi 200 --variants noisy
    python scripts/make_scans.py --prepare red         # ablation: no enlarging, no median filter
    python scripts/make_scans.py --prepare gray        # ablation: grey, so the red stamp stays
    python scripts/make_scans.py --retrieval           # hit@5 on tests/data, text vs scans
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index import ocr, tesseract  # noqa: E402
from index.loaders import load_file  # noqa: E402
from tests import scans  # noqa: E402

SOURCES = (
    "documents/van-ban/giao-duc/182-2026-nd-cp-phu-cap-uu-dai-nha-giao.md",
    "documents/van-ban/233-2026-ND-CP-danh-gia-xep-loai-vien-chuc.md",
    "documents/van-ban/giao-duc/59-2026-tt-bgdut-nha-giao-hop-dong-thinh-giang.md",
)
VARIANTS = {
    "clean": {"noise": 0.0, "skew": 0.0, "jpeg": 92, "stamp": False},
    "noisy": {"noise": 12.0, "skew": 0.8, "jpeg": 70, "stamp": True},
    "photo": {"noise": 8.0, "skew": 0.0, "jpeg": 80, "stamp": True},
}


def edit_distance(a: list, b: list) -> int:
    """Levenshtein distance between two sequences (row by row, vectorised with numpy)."""
    if not a or not b:
        return max(len(a), len(b))
    codes = {x: i for i, x in enumerate(set(a) | set(b))}
    ya = np.array([codes[x] for x in a])
    row = np.arange(len(a) + 1)
    for j, x in enumerate(b, start=1):
        cost = (ya != codes[x]).astype(np.int64)
        best = np.minimum(row[1:] + 1, row[:-1] + cost)  # deletion, substitution
        new = np.empty_like(row)
        new[0] = j
        new[1:] = best
        # insertion: new[i] = min(new[i], new[i-1] + 1), a running minimum of new[k] - k
        offsets = np.arange(len(new))
        row = np.minimum.accumulate(new - offsets) + offsets
    return int(row[-1])


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def error_rates(reference: str, hypothesis: str) -> tuple[float, float]:
    """Character and word (tone-marked syllable) error rates, whitespace folded."""
    ref, hyp = _norm(reference), _norm(hypothesis)
    cer = edit_distance(list(ref), list(hyp)) / max(len(ref), 1)
    wer = edit_distance(ref.split(), hyp.split()) / max(len(ref.split()), 1)
    return cer, wer


def _paragraphs(path: Path) -> list[str]:
    text = load_file(path).text
    return [" ".join(p.split()).lstrip("# ") for p in text.split("\n\n") if p.strip()][:60]


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children (tesseract)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _read(image_or_pdf: Path, page: int | None) -> tuple[str, float, float]:
    """OCR text of one page, wall seconds and CPU seconds it took."""
    options = ocr.OcrOptions()
    started, cpu = time.perf_counter(), _cpu()
    result = ocr.read_pages(image_or_pdf, None if page is None else [page], options)
    text = next(iter(result.values())).text
    return text, time.perf_counter() - started, _cpu() - cpu


def retrieval(out: Path, dpi: int) -> None:
    """hit@5 (BM25) of the tiny test corpus's questions: the files as text, then as scans."""
    import json
    import shutil

    from index.builder import build_index
    from index.engine import Engine
    from index.settings import EmbeddingSettings, IndexSettings

    corpus = ROOT / "tests" / "data" / "corpus"
    lines = (ROOT / "tests" / "data" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [q for q in map(json.loads, lines) if q.get("doc")]
    folders = {"text": out / "retrieval-text", "scan": out / "retrieval-scan"}
    shutil.rmtree(folders["text"], ignore_errors=True)
    shutil.copytree(corpus, folders["text"])
    folders["scan"].mkdir(parents=True, exist_ok=True)
    pages = 0
    for path in sorted(corpus.iterdir()):
        typeset = scans.text_pdf(_paragraphs(path), out / f"{path.stem}.src.pdf", 20)
        pages += len(scans.page_texts(typeset))
        scans.scan_pdf(typeset, folders["scan"] / f"{path.stem}.pdf", dpi)
    print(f"| corpus as | questions | hit@5 | build s |  ({pages} pages at {dpi} dpi)")
    print("|---|---|---|---|")
    for name, docs in folders.items():
        settings = IndexSettings(
            documents_dir=docs,
            index_dir=out / f"retrieval-{name}-index",
            embedding=EmbeddingSettings("none"),
        )
        report = build_index(settings, full=True)
        engine = Engine.open(settings)
        found = 0
        for q in questions:
            hits = engine.search(q["question"], k=5).hits
            stems = {Path(d).stem for h in hits for d in (h.doc.doc_id, *h.copies)}
            found += Path(q["doc"]).stem in stems
        rate = found / len(questions)
        print(f"| {name} | {len(questions)} | {rate:.2f} | {report.seconds:.0f} |")


def main(argv: list[str] | None = None) -> int:
    """Make the scans, OCR them and print one table row per (dpi, variant)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=Path("/tmp/scans"))
    parser.add_argument("--docs", type=int, default=3, help="how many source documents")
    parser.add_argument("--pages", type=int, default=2, help="pages per document")
    parser.add_argument("--dpi", type=int, nargs="+", default=[150, 200, 300])
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument(
        "--retrieval", action="store_true", help="compare hit@5 on the test corpus as scans"
    )
    parser.add_argument(
        "--prepare",
        choices=("default", "red", "gray"),
        default="default",
        help="default: red channel, enlarged, median filter; red: red channel only; gray: grey",
    )
    args = parser.parse_args(argv)
    if not ocr.available():
        print("tesseract-ocr and tesseract-ocr-vie are needed", file=sys.stderr)
        return 2
    if args.prepare == "gray":
        tesseract._prepare = lambda image: image.convert("L")  # type: ignore[assignment]
    elif args.prepare == "red":
        tesseract._prepare = lambda image: image.convert("RGB").getchannel("R")  # type: ignore[assignment]
    args.out.mkdir(parents=True, exist_ok=True)
    if args.retrieval:
        retrieval(args.out, args.dpi[0] if len(args.dpi) == 1 else 200)
        return 0
    sources = []
    for n, rel in enumerate(SOURCES[: args.docs]):
        pdf = scans.text_pdf(_paragraphs(ROOT / rel), args.out / f"src{n}.pdf", args.pages)
        sources.append((pdf, scans.page_texts(pdf)))
    print("| dpi | variant | pages | CER | WER | s/page | CPU s/page |")
    print("|---|---|---|---|---|---|---|")
    for dpi in args.dpi:
        for variant in args.variants:
            errors, words, seconds, cpu, count = [], [], 0.0, 0.0, 0
            for n, (pdf, references) in enumerate(sources):
                images = scans.render(pdf, dpi)
                params = VARIANTS[variant]
                for p, (image, reference) in enumerate(zip(images, references, strict=True)):
                    page = scans.degrade(image, seed=n * 10 + p, **params)  # type: ignore[arg-type]
                    if variant == "photo":
                        target = args.out / f"src{n}-p{p}-{dpi}-{variant}.jpg"
                        scans.photo(page, seed=p).save(target, quality=85)
                        text, took, used = _read(target, None)
                    else:
                        target = args.out / f"src{n}-p{p}-{dpi}-{variant}.pdf"
                        scans.image_pdf([page], dpi, target)
                        text, took, used = _read(target, 0)
                    cer, wer = error_rates(reference, text)
                    errors.append(cer)
                    words.append(wer)
                    seconds += took
                    cpu += used
                    count += 1
            print(
                f"| {dpi} | {variant} | {count} | {100 * np.mean(errors):.2f}% | "
                f"{100 * np.mean(words):.2f}% | {seconds / count:.1f} | {cpu / count:.1f} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
