"""scripts/ask.py prints what the bot would send: its --json rows carry the first message."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from index.builder import build_index
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[1]


def test_json_rows_carry_the_bold_span_and_the_first_message(tmp_path: Path, corpus: Path) -> None:
    settings = make_settings(tmp_path, corpus)
    build_index(settings)
    config = tmp_path / "config.yaml"
    config.write_text("embedding:\n  backend: none\n", encoding="utf-8")
    questions = tmp_path / "q.jsonl"
    rows = [
        {"id": "t1", "question": "giao vien mam non duoc phu cap uu dai bao nhieu phan tram"},
        {"id": "t2", "question": "cách nấu phở bò ngon"},
    ]
    questions.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    done = subprocess.run(
        [sys.executable, "scripts/ask.py", "--config", str(config), "--index",
         str(settings.index_dir), "--docs", str(corpus), "--questions", str(questions)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    answered, declined = [json.loads(line) for line in done.stdout.splitlines()]
    passages = answered["answer"]["passages"]
    assert passages and passages[0]["number"] == "182/2026/NĐ-CP"
    assert set(passages[0]) == {"chunk_id", "doc_id", "number", "section", "text"}
    span = answered["answer"]["span"]
    assert span and "mầm non" in span and answered["hits"]
    for part in span.split(" … "):  # a điểm's span carries its khoản's lead-in
        assert part in passages[0]["text"]
    # The source names the khoản the bold text opens with ("2. ..." -> "... > Khoản 2").
    clause = answered["answer"]["span_section"].split("Khoản ")[1].split(" ")[0]
    assert span.startswith(f"{clause}. ")
    assert declined["abstained"] and declined["answer"] == {
        "span": None, "span_section": None, "passages": []
    }


def test_an_unknown_collection_is_refused_with_the_known_ones(
    tmp_path: Path, corpus: Path
) -> None:
    settings = make_settings(tmp_path, corpus)
    build_index(settings)
    config = tmp_path / "config.yaml"
    config.write_text("embedding:\n  backend: none\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "scripts/ask.py", "--config", str(config), "--index",
         str(settings.index_dir), "--docs", str(corpus), "--collections", "noi-bo-typo",
         "phụ cấp ưu đãi"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2 and not done.stdout
    assert "không có bộ sưu tập noi-bo-typo" in done.stderr


def test_eval_runs_with_and_without_the_ranker(tmp_path: Path, corpus: Path) -> None:
    """scripts/eval.py --without-ranker measures the fused order, so the ranker's gain is
    always measurable; the JSON says which order was scored."""
    settings = make_settings(tmp_path, corpus)
    build_index(settings)
    config = tmp_path / "config.yaml"
    config.write_text("embedding:\n  backend: none\n", encoding="utf-8")
    questions = tmp_path / "q.jsonl"
    row = {"id": "t1", "question": "giáo viên mầm non được phụ cấp ưu đãi bao nhiêu",
           "answer": "45%"}  # fmt: skip
    questions.write_text(json.dumps(row, ensure_ascii=False), "utf-8")
    used = {}
    for flag in ([], ["--without-ranker"]):
        out = tmp_path / f"run{len(flag)}.json"
        done = subprocess.run(
            [sys.executable, "scripts/eval.py", "--config", str(config), "--index",
             str(settings.index_dir), "--docs", str(corpus), "--questions", str(questions),
             "--mode", "bm25", "--json", str(out), *flag],
            capture_output=True, text=True, cwd=ROOT, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        (run,) = json.loads(out.read_text("utf-8"))["runs"]
        used[bool(flag)] = run["ranker"]
    assert used == {False: True, True: False}
