"""Passage facts stored by the build (index/prepared.py): the ranking stage and the bold span
read from them must give exactly what working them out gives, and a build without usable
records must still serve."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from index import answer, prepared
from index.builder import build_index
from index.engine import Engine
from index.prepared import PreparedPassages, forget_caches
from tests.conftest import LEGAL_182, LEGAL_POINTS, engine_over, make_settings

FILES = {"van-ban/tt-12-2026.md": LEGAL_POINTS, "van-ban/nd-182-2026.md": LEGAL_182}
QUESTIONS = (
    "giáo viên trung học cơ sở được phụ cấp bao nhiêu phần trăm",
    "nha giao chuyen biet duoc huong muc phu cap bao nhieu phan tram",
    "giáo viên mầm non được phụ cấp ưu đãi bao nhiêu",
    "dạy ở nhiều cấp học thì hưởng mức nào",
)


def _ranked(engine: Engine) -> list[tuple]:
    out = []
    for question in QUESTIONS:
        cands = engine.candidates(question, mode="bm25")
        ranked, _, rows = engine.order(cands)
        found = engine.answer(question, mode="bm25")
        span = found.span.text if found.span else None
        out.append((ranked[:10], rows, span, [h.chunk.chunk_id for h in found.passages]))
    return out


def _same(left: list[tuple], right: list[tuple]) -> None:
    for (ranked, rows, span, shown), (ranked2, rows2, span2, shown2) in zip(
        left, right, strict=True
    ):
        assert ranked == ranked2
        assert np.array_equal(rows, rows2, equal_nan=True)
        assert (span, shown) == (span2, shown2)


def _worked_out(engine: Engine) -> list[tuple]:
    engine._state.prepared = None
    engine._state.feature_cache.clear()
    forget_caches()
    return _ranked(engine)


def test_records_give_what_working_out_gives(tmp_path: Path) -> None:
    engine = engine_over(tmp_path, FILES)
    state = engine._state
    assert state.prepared is not None
    carried = [
        answer.clause_readings(state.chunks[p], state.chunks[p - 1])[0]
        for p in range(1, len(state.chunks))
        if state.chunks[p - 1].doc_id == state.chunks[p].doc_id
    ]
    assert any(carried), "the corpus must have a point carrying its khoản's lead-in"
    forget_caches()
    from_records = _ranked(engine)
    assert answer.prepared_held() > 0, "the clause facts came from the records"
    assert "50%" in (from_records[1][2] or ""), "the point of the school asked is bold"
    _same(from_records, _worked_out(engine))


def test_warming_reads_the_records_instead_of_working_out(tmp_path: Path) -> None:
    engine = engine_over(tmp_path, FILES)
    forget_caches()
    served = len(engine._state.chunks) - len(engine._state.hidden)
    assert engine.warm() == served
    assert answer._unit_facts.cache_info().currsize == 0, "no clause was worked out"
    assert len(engine._state.feature_cache) == served


def test_records_of_other_code_are_ignored(tmp_path: Path, monkeypatch) -> None:
    engine = engine_over(tmp_path, FILES)
    folder = engine.settings.index_dir / "builds" / engine.build_id
    meta = json.loads((folder / prepared.META).read_text("utf-8"))
    assert meta["fingerprint"] == prepared.FINGERPRINT
    forget_caches()
    reference = _ranked(engine)
    # an upgrade changed the code that works the facts out: the build's records are ignored
    monkeypatch.setattr(prepared, "FINGERPRINT", "newer-code")
    upgraded = Engine.open(engine.settings)
    assert upgraded._state.prepared is None
    forget_caches()
    _same(_ranked(upgraded), reference)
    # records that are not this build's passages are never read
    monkeypatch.undo()
    assert PreparedPassages.open(folder, engine._state.chunks) is not None
    assert PreparedPassages.open(folder, engine._state.chunks[1:]) is None


def test_an_unreadable_record_is_worked_out_instead(tmp_path: Path, caplog) -> None:
    engine = engine_over(tmp_path, FILES)
    reference = _worked_out(engine)
    folder = engine.settings.index_dir / "builds" / engine.build_id
    table = np.load(folder / prepared.OFFSETS)
    engine._state.prepared = PreparedPassages(b"\x00" * int(table[0, -1]), table)
    engine._state.feature_cache.clear()
    forget_caches()
    _same(_ranked(engine), reference)
    assert "prepared passages unreadable" in caplog.text


def test_an_update_reuses_the_records_of_unchanged_documents(tmp_path: Path, monkeypatch) -> None:
    docs = tmp_path / "docs"
    for name, text in FILES.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    settings = make_settings(tmp_path, docs)
    build_index(settings)
    made = []
    original = prepared.record
    monkeypatch.setattr(
        prepared, "record", lambda chunk, *rest: made.append(chunk) or original(chunk, *rest)
    )
    (docs / "van-ban" / "cv-7-2026.md").write_text(
        "# Công văn 7/2026\n\nNhà trường tổ chức kiểm tra cuối kỳ trước ngày 20 tháng 5.\n",
        encoding="utf-8",
    )
    report = build_index(settings)
    assert report.added == ("van-ban/cv-7-2026.md",)
    assert made and {c.doc_id for c in made} == {"van-ban/cv-7-2026.md"}
    engine = Engine.open(settings)
    assert engine._state.prepared is not None
    forget_caches()
    from_records = _ranked(engine)
    _same(from_records, _worked_out(engine))
