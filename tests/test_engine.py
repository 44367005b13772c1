"""Build an index over a tiny Vietnamese corpus and query it (BM25, fake dense, hybrid)."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from index import answer
from index.builder import build_index
from index.engine import Engine, IndexMismatch, IndexMissing
from index.lexicon import expand
from index.settings import ChunkingSettings
from tests.conftest import COMPILATION, LEGAL_POINTS, engine_over, make_settings, open_engine


def test_accented_question_finds_the_clause(tmp_path, corpus):
    engine = open_engine(tmp_path, corpus)
    result = engine.search("Giáo viên THCS được hưởng phụ cấp ưu đãi bao nhiêu phần trăm?")
    assert not result.abstained
    top = result.hits[0]
    assert "45%" in top.chunk.text
    assert top.doc.number == "182/2026/NĐ-CP"
    assert top.chunk.section.startswith("Điều 5")


def test_question_without_tone_marks_finds_the_same_passage(tmp_path, corpus):
    engine = open_engine(tmp_path, corpus)
    result = engine.search("giao vien thcs duoc phu cap uu dai bao nhieu")
    assert not result.abstained
    assert "45%" in result.hits[0].chunk.text


def test_abbreviations_are_expanded(tmp_path, corpus):
    engine = open_engine(tmp_path, corpus)
    result = engine.search("gv cap 2 phu cap bao nhieu")
    assert "45%" in result.hits[0].chunk.text
    # What staff type for degrees and titles: "NCS", "PGS", "KHCN".
    assert expand("NCS có mấy người hướng dẫn") == "nghiên cứu sinh"
    assert expand("pgs, gs duoc keo dai") == "phó giáo sư giáo sư"
    # and for the grades of the yearly review
    assert expand("VC đạt HTXS tối đa bao nhiêu %") == "viên chức hoàn thành xuất sắc nhiệm vụ"
    # "HĐ" is a contract, except the school council "HĐ trường"
    assert expand("ký HĐ với trường tư") == "hợp đồng"
    assert expand("HĐ trường tư thục có mấy thành viên") == "hội đồng trường"
    # and the everyday words for what the law calls the head's written consent
    assert expand("có phải xin phép thủ trưởng không") == "được sự đồng ý người đứng đầu"


def test_duplicate_copies_collapse_into_one_hit(tmp_path, corpus):
    engine = open_engine(tmp_path, corpus)
    hits = engine.search("mức phụ cấp giáo viên mầm non vùng đặc biệt khó khăn", k=5).hits
    texts = [h.chunk.text for h in hits]
    assert len(texts) == len(set(texts)), "the same passage must not be listed twice"
    assert hits[0].copies, "the copy in the other file is listed on the hit"
    assert {hits[0].doc.doc_id, *hits[0].copies} == {
        "van-ban/nd-182-2026.md",
        "van-ban/nd-182-2026-ban-sao.md",
    }


def test_off_topic_question_abstains(tmp_path, corpus):
    engine = open_engine(tmp_path, corpus)
    assert engine.search("giá vàng hôm nay bao nhiêu một chỉ").abstained
    assert engine.search("lịch thi đấu bóng đá ngoại hạng anh").abstained



MINUTES = """---
title: "Mẫu biên bản họp hội đồng trường"
---

Điều 1. Mẫu biên bản

Hôm nay, vào lúc 8 giờ, tại Đà Lạt, hội đồng trường họp phiên thường kỳ.
"""


def test_a_question_the_collection_shares_almost_no_words_with_is_declined(tmp_path, corpus):
    (corpus / "van-ban" / "bien-ban.md").write_text(MINUTES, encoding="utf-8")
    engine = open_engine(tmp_path, corpus)
    # before the vectors exist too: "hôm nay" is in a template, the rest nowhere
    gold = engine.answer("giá vàng hôm nay bao nhiêu", mode="bm25")
    assert gold.abstained and gold.reason == "no_match"
    assert not engine.answer("hội đồng trường họp lúc mấy giờ", mode="bm25").abstained
    assert engine.search("   ").abstained


def test_number_in_question_ranks_that_document_first(tmp_path, corpus):
    engine = open_engine(tmp_path, corpus)
    result = engine.search("nghị định 233/2026 nói gì")
    assert result.hits[0].doc.number == "233/2026/NĐ-CP"
    assert not result.abstained


def test_find_by_number_and_cited_by(tmp_path, corpus):
    engine = open_engine(tmp_path, corpus)
    for typed in ("182/2026/NĐ-CP", "182/2026/ND-CP", "nd 182/2026", "nghi dinh 182"):
        numbers = {d.number for d in engine.find_by_number(typed)}
        assert numbers == {"182/2026/NĐ-CP"}, typed
    citing = engine.cited_by("van-ban/nd-182-2026.md")
    assert [d.doc_id for d in citing] == ["tin-tuc/hoi-nghi-so-ket.txt"]


def test_hits_carry_their_citation(tmp_path, corpus):
    engine = open_engine(tmp_path, corpus)
    hit = engine.search("thời điểm đánh giá xếp loại viên chức hằng năm").hits[0]
    assert hit.doc.title.startswith("Nghị định 233/2026")
    assert hit.doc.issued == "2026-06-26"
    assert hit.chunk.section.startswith("Điều 12")
    assert hit.chunk.text in engine.article_text(hit.chunk)


def test_news_boilerplate_is_not_indexed(tmp_path, corpus):
    engine = open_engine(tmp_path, corpus)
    texts = " ".join(c.text for c in engine.chunks("tin-tuc/hoi-nghi-so-ket.txt"))
    assert "Giám đốc Sở GDĐT" in texts
    assert "Tổng truy cập" not in texts


def test_pages_give_other_hits(tmp_path, corpus):
    engine = open_engine(tmp_path, corpus)
    first = engine.search("phụ cấp ưu đãi nhà giáo", k=2)
    second = engine.search("phụ cấp ưu đãi nhà giáo", k=2, offset=2)
    assert second.hits
    assert {h.chunk.chunk_id for h in first.hits}.isdisjoint(h.chunk.chunk_id for h in second.hits)


def test_dense_and_hybrid_modes_with_fake_embedder(tmp_path, corpus, fake_embedder):
    engine = open_engine(tmp_path, corpus, embedder=fake_embedder)
    assert engine.stats()["embedded_chunks"] == engine.stats()["chunks"]
    dense = engine.search("thời điểm đánh giá xếp loại viên chức", mode="dense")
    assert dense.hits[0].doc.number == "233/2026/NĐ-CP"
    hybrid = engine.search("thời điểm đánh giá xếp loại viên chức", mode="hybrid")
    assert hybrid.hits[0].doc.number == "233/2026/NĐ-CP"


def test_chunks_fit_the_model_window(tmp_path, corpus, fake_embedder):
    settings = make_settings(tmp_path, corpus)
    settings = replace(settings, chunking=ChunkingSettings(max_syllables=60, overlap_syllables=10))
    small_window = type(fake_embedder)(dim=32, max_tokens=30)
    build_index(settings, embedder=small_window)
    engine = Engine.open(settings, embedder=small_window)
    from index.builder import embed_text

    for doc in engine.documents():
        for chunk in engine.chunks(doc.doc_id):
            assert (
                small_window.count_tokens(embed_text(doc, chunk, True)) <= 30
                or len(chunk.text.split()) <= 8
            )


def test_missing_index_and_mismatched_settings_are_refused(tmp_path, corpus, fake_embedder):
    settings = make_settings(tmp_path, corpus)
    with pytest.raises(IndexMissing, match="reindex"):
        Engine.open(settings)
    build_index(settings)
    other = replace(settings, chunking=ChunkingSettings(max_syllables=80))
    with pytest.raises(IndexMismatch, match="reindex.py --full"):
        Engine.open(other)


def test_search_latency_is_small(tmp_path, corpus):
    engine = open_engine(tmp_path, corpus)
    started = time.perf_counter()
    for _ in range(50):
        engine.search("giáo viên được phụ cấp bao nhiêu")
    assert (time.perf_counter() - started) / 50 < 0.05


def test_chunk_by_id_is_stable_across_an_unrelated_reindex(tmp_path, corpus):
    settings = make_settings(tmp_path, corpus)
    build_index(settings)
    engine = Engine.open(settings)
    hit = engine.search("thời điểm đánh giá xếp loại viên chức").hits[0]
    (corpus / "moi.txt").write_text("Một thông báo mới về lịch học.", encoding="utf-8")
    build_index(settings)
    assert engine.reload()
    assert engine.chunk(hit.chunk.chunk_id) == hit.chunk
    assert engine.chunk(10**9) is None


def test_question_naming_a_cited_number_finds_the_citing_passage(tmp_path, corpus):
    engine = open_engine(tmp_path, corpus)
    result = engine.search("nghị quyết 29 nói về gì")
    assert not result.abstained
    assert result.hits[0].doc.doc_id == "tin-tuc/hoi-nghi-so-ket.txt"
    assert "29-NQ/TW" in result.hits[0].chunk.text
    assert [d.doc_id for d in engine.citing("29-NQ/TW")] == ["tin-tuc/hoi-nghi-so-ket.txt"]


def test_question_naming_a_number_nobody_holds_or_cites_abstains(tmp_path, corpus):
    engine = open_engine(tmp_path, corpus)
    result = engine.search("thông tư 32/2020 quy định sĩ số tối đa mỗi lớp")
    assert result.abstained and result.evidence == 0.0


def test_question_only_naming_a_document_gets_its_scope_first(tmp_path, corpus):
    engine = open_engine(tmp_path, corpus)
    top = engine.search("nghị định 182/2026 quy định gì").hits[0]
    assert top.doc.number == "182/2026/NĐ-CP"
    assert top.chunk.section == "Điều 1" and "Phạm vi điều chỉnh" in top.chunk.text


OLD_DECREE = """---
title: "Nghị định 90/2020/NĐ-CP về đánh giá, xếp loại chất lượng viên chức"
so_hieu: "90/2020/NĐ-CP"
ngay_ban_hanh: "13/08/2020"
---

## Điều 12. Thời điểm đánh giá

Thời điểm đánh giá, xếp loại chất lượng viên chức hằng năm do người đứng đầu đơn vị quyết định, bảo đảm hoàn thành trong tháng 12.
"""

REPEAL = """
## Điều 19. Hiệu lực thi hành

1. Nghị định này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2026.

2. Nghị định số 90/2020/NĐ-CP ngày 13 tháng 8 năm 2020 của Chính phủ về đánh giá, xếp loại chất lượng viên chức hết hiệu
lực thi hành kể từ ngày Nghị định này có hiệu lực.
"""


def test_replaced_text_ranks_below_the_current_one_and_is_flagged(tmp_path, corpus):
    (corpus / "van-ban" / "nd-90-2020.md").write_text(OLD_DECREE, encoding="utf-8")
    current = corpus / "van-ban" / "nd-233-2026.md"
    current.write_text(current.read_text(encoding="utf-8") + REPEAL, encoding="utf-8")
    engine = open_engine(tmp_path, corpus)
    hits = engine.search("thời điểm đánh giá xếp loại chất lượng viên chức hằng năm", k=10).hits
    numbers = [h.doc.number for h in hits]
    assert numbers.index("233/2026/NĐ-CP") < numbers.index("90/2020/NĐ-CP")
    old = next(h for h in hits if h.doc.number == "90/2020/NĐ-CP")
    assert old.superseded_by == "233/2026/NĐ-CP"
    assert all(h.superseded_by is None for h in hits if h.doc.number == "233/2026/NĐ-CP")


class _Doubting:
    """An abstain model that answers with a fixed probability (its threshold 0.9)."""

    embedding = "none"

    def __init__(self, probability: float) -> None:
        self.probability = probability

    def decide(self, row, dense: bool) -> tuple[bool, float]:  # noqa: ANN001
        return self.probability >= 0.9, self.probability


def test_an_answer_the_abstain_model_doubts_is_shown_as_uncertain(tmp_path, corpus):
    engine = open_engine(tmp_path, corpus)
    question = "Giáo viên THCS được hưởng phụ cấp ưu đãi bao nhiêu phần trăm?"
    assert engine.ranker is not None  # the abstain model sees the ranker's feature rows
    for probability, uncertain, abstained in ((0.2, False, False), (0.7, True, False),
                                              (0.95, False, True)):
        engine.abstainer = _Doubting(probability)
        answer = engine.answer(question)
        assert answer.result.doubt == probability
        assert (answer.uncertain, answer.abstained) == (uncertain, abstained), probability
    engine.abstainer = _Doubting(0.7)
    engine.settings = replace(
        engine.settings, retrieval=replace(engine.settings.retrieval, doubt_probability=0.8)
    )
    assert not engine.answer(question).uncertain


def test_an_answer_no_clause_of_which_means_the_question_is_declined() -> None:
    # The span floor judges what the abstain model judged (doubt set), never a question that
    # names a document by its number (doubt None), and only answers the model already doubts.
    from types import SimpleNamespace

    from index.models import Answer, SearchResult, Span

    settings = make_settings(Path("."), Path("."))
    engine = SimpleNamespace(settings=settings)

    def declined(similarity: float | None, doubt: float | None) -> bool:
        result = SearchResult("q", (), False, 0.5, 1.0, "hybrid", 0.9, None, doubt)
        span = Span(1, ((0, 1),), "x", "câu", similarity=similarity)
        return Engine._no_clause_means_it(engine, Answer("q", (), (span,), False, None, result))

    floor = settings.retrieval.min_span_similarity
    assert declined(floor - 0.01, 0.3)
    assert not declined(floor + 0.01, 0.3)
    assert not declined(floor - 0.01, 0.1)  # the model is confident: the answer stands
    assert not declined(floor - 0.01, None)  # "Kết luận 51-KL/TW ra ngày nào"
    assert not declined(None, 0.9)  # spans chosen by words alone (BM25 phase)
    off = replace(settings, retrieval=replace(settings.retrieval, min_span_similarity=0.0))
    assert not Engine._no_clause_means_it(
        SimpleNamespace(settings=off),
        Answer("q", (), (Span(1, ((0, 1),), "x", "câu", similarity=0.5),), False, None,
               SearchResult("q", (), False, 0.5, 1.0, "hybrid", 0.9, None, 0.9)),
    )


def test_the_build_stores_every_candidate_span_vector(tmp_path, corpus, fake_embedder):
    # Weighing spans by meaning and the ranker's span_cos feature read these vectors instead
    # of encoding spans per question.
    import numpy as np

    from index.answer import span_texts
    from index.features import PASSAGE_FEATURES, passage_features

    engine = open_engine(tmp_path, corpus, embedder=fake_embedder)
    state = engine._state
    assert state.spans is not None
    texts = [(c.chunk_id, t) for c in state.chunks for t in span_texts(c)]
    assert len(state.spans) == len(texts)
    for _, text in texts[:20]:
        assert np.allclose(state.spans.vector(text), fake_embedder.embed_documents([text])[0],
                           atol=1e-3)
    query = fake_embedder.embed_query("mức phụ cấp ưu đãi của nhà giáo")
    chunk = state.chunks[0]
    expected = max(float(fake_embedder.embed_documents([t])[0] @ query) for t in span_texts(chunk))
    assert abs(state.spans.closest(chunk.chunk_id, query) - expected) < 1e-2
    # A span the engine weighs is looked up, not encoded again.
    encoded: list[str] = []
    original = fake_embedder.embed_documents
    fake_embedder.embed_documents = lambda batch: encoded.extend(batch) or original(batch)
    engine._memo.passages([t for _, t in texts[:5]] + ["một câu không có trong chỉ mục"])
    assert encoded == ["một câu không có trong chỉ mục"]
    # The ranker sees each candidate's closest span in hybrid mode, and nothing without vectors.
    cands = engine.candidates("mức phụ cấp ưu đãi của nhà giáo", mode="hybrid")
    head = sorted(cands.fused, key=lambda p: -cands.fused[p])[:5]
    rows = passage_features(cands, head, state, engine._view(cands))
    col = PASSAGE_FEATURES.index("span_cos")
    assert not np.isnan(rows[:, col]).any()
    assert np.nanmax(rows[:, col + 1]) == 0.0  # span_cos_gap: the best candidate's is 0
    lexical = engine.candidates("mức phụ cấp ưu đãi của nhà giáo", mode="bm25")
    rows = passage_features(lexical, head, state, engine._view(lexical))
    assert np.isnan(rows[:, col]).all()


LIST = """---
title: "Quyết định 1255/QĐ-TTg - Danh mục xã hội hóa"
so_hieu: "1255/QĐ-TTg"
---

## Điều 2. Căn cứ

- Nghị định 24/2022/NĐ-CP: Nghị định số 24/2022/NĐ-CP ngày 06/4/2022 của Chính phủ quy định về giáo dục nghề nghiệp.
- Nghị định 24/2021/NĐ-CP về quản lý trong cơ sở giáo dục mầm non và phổ thông công lập.
"""


def test_a_document_held_only_inside_a_compilation_answers_for_its_number(tmp_path, corpus):
    (corpus / "van-ban" / "giao-duc.md").write_text(COMPILATION, encoding="utf-8")
    (corpus / "van-ban" / "qd-1255.md").write_text(LIST, encoding="utf-8")
    engine = open_engine(tmp_path, corpus)
    answer = engine.answer("Nghị định 24/2021 quy định về vấn đề gì")
    assert not answer.abstained
    first = answer.passages[0]
    assert first.source == "Điều 1 Nghị định số 24/2021/NĐ-CP"  # its scope, not a list citing it
    assert "quy chế dân chủ" in first.chunk.text
    asked = engine.answer("nghi dinh 24/2021 ap dung doi voi truong nao")
    assert asked.passages[0].source == "Điều 2 Nghị định số 24/2021/NĐ-CP"


def test_a_number_held_only_inside_a_compilation_has_its_articles_listed(tmp_path, corpus):
    (corpus / "van-ban" / "giao-duc.md").write_text(COMPILATION, encoding="utf-8")
    engine = open_engine(tmp_path, corpus)
    assert engine.find_by_number("24/2021") == []
    (excerpt,) = engine.excerpts("nghi dinh 24/2021")
    assert excerpt.number == "24/2021/NĐ-CP"
    assert excerpt.name.startswith("Nghị định số 24/2021/NĐ-CP Quy định việc quản lý")
    assert excerpt.compilation.compilation and excerpt.compilation.title == "Giáo dục"
    assert excerpt.labels == (
        "Điều 1. Phạm vi điều chỉnh", "Điều 2. Đối tượng áp dụng", "Điều 3. Giải thích từ ngữ"
    )
    assert "quy chế dân chủ" in engine.article_text(excerpt.articles[0])
    assert engine.excerpts("Nghị định 24/2020") == [] and engine.excerpts("182/2026") == []


SECTORS = """---
title: "Viên chức"
---

Chương III

Điều 5.2.TT.11.2. Thời gian tập sự theo chức danh nghề nghiệp viên chức

(Điều 2 Thông tư số 28/2016/TT-BTNMT)

Người trúng tuyển viên chức chuyên ngành tài nguyên và môi trường phải tập sự 12 tháng; giáo viên, viên chức mới trúng tuyển tập sự theo quy định.

Điều 5.2.LQ.27. Chế độ tập sự

(Điều 27 Luật số 58/2010/QH12)

Người trúng tuyển viên chức phải thực hiện chế độ tập sự từ 03 tháng đến 12 tháng.

Điều 5.2.LQ.28. Thay đổi hợp đồng làm việc

(Điều 28 Luật số 58/2010/QH12)

Hợp đồng làm việc được thay đổi khi hai bên thỏa thuận.
"""


def test_a_teachers_question_gets_the_general_rule_before_another_sectors(tmp_path, corpus):
    (corpus / "van-ban" / "vien-chuc.md").write_text(SECTORS, encoding="utf-8")
    engine = open_engine(tmp_path, corpus)
    teacher = engine.search("giáo viên mới trúng tuyển phải tập sự bao lâu")
    assert teacher.hits[0].source == "Điều 27 Luật số 58/2010/QH12"
    # A question naming that sector gets its ministry's rule.
    anyone = engine.search("viên chức chuyên ngành tài nguyên và môi trường tập sự bao lâu")
    assert anyone.hits[0].source == "Điều 2 Thông tư số 28/2016/TT-BTNMT"
    assert not anyone.abstained
    # One naming neither a school role nor that sector, whose best match is the other
    # ministry's rule, is about something the collection does not hold for schools.
    unheld = engine.answer("chuyên ngành môi trường tập sự bao lâu")
    assert unheld.abstained and unheld.reason == "other_sector" and not unheld.passages


SCOPE_ONLY = """---
title: "Giáo dục"
---

Chương XIII

Điều 13.1.NĐ.7.1. Phạm vi điều chỉnh

(Điều 1 Nghị định số 116/2016/NĐ-CP)

Nghị định này quy định chính sách hỗ trợ tiền ăn, hỗ trợ gạo cho học sinh bán trú ở xã, thôn đặc biệt khó khăn và trường phổ thông dân tộc bán trú.
"""


def test_a_figure_asked_of_a_scope_article_alone_is_not_answered(tmp_path, corpus):
    (corpus / "van-ban" / "giao-duc.md").write_text(SCOPE_ONLY, encoding="utf-8")
    engine = open_engine(tmp_path, corpus)
    # The collection holds what the decree covers, not its amounts.
    asked = engine.answer("học sinh bán trú ở xã đặc biệt khó khăn được hỗ trợ bao nhiêu kg gạo")
    assert asked.abstained and asked.reason == "scope_only" and not asked.passages
    # What it covers is answered from that article.
    which = engine.answer("chính sách hỗ trợ gạo cho học sinh bán trú quy định ở văn bản nào")
    assert not which.abstained and "bán trú" in which.passages[0].chunk.text


DEFINITIONS = """---
title: "Nghị định quy định về công dân Việt Nam ra nước ngoài học tập"
number: "86/2021/NĐ-CP"
---

Điều 2. Giải thích từ ngữ

1. Du học sinh là công dân Việt Nam ra nước ngoài học tập từ 03 tháng liên tục trở lên.
"""


def test_a_definition_stating_the_figure_asked_answers_it(tmp_path, corpus):
    (corpus / "van-ban" / "du-hoc.md").write_text(DEFINITIONS, encoding="utf-8")
    engine = open_engine(tmp_path, corpus)
    asked = engine.answer("người đi học nước ngoài bao lâu trở lên thì được coi là du học sinh")
    assert not asked.abstained and "03 tháng" in asked.span.text


UNIVERSITY = """---
title: "Quy chế công tác sinh viên"
number: "10/2016/TT-BGDĐT"
---

Điều 9. Hình thức kỷ luật

1. Sinh viên vi phạm nội quy bị kỷ luật theo các hình thức khiển trách, cảnh cáo, đình chỉ học tập có thời hạn, buộc thôi học.

2. Sinh viên bị kỷ luật khiển trách thì kết quả rèn luyện không vượt quá loại khá.
"""


def test_a_question_about_one_school_level_is_not_answered_by_anothers_rule(tmp_path, corpus):
    (corpus / "van-ban" / "quy-che-sinh-vien.md").write_text(UNIVERSITY, encoding="utf-8")
    engine = open_engine(tmp_path, corpus)
    pupils = engine.answer("học sinh THCS đánh nhau thì bị kỷ luật hình thức nào")
    assert pupils.abstained and pupils.reason == "other_school" and not pupils.passages
    students = engine.answer("sinh viên đánh nhau thì bị kỷ luật hình thức nào")
    assert not students.abstained and "khiển trách" in students.span.text


def test_warming_reads_every_served_passage_before_any_question(tmp_path, corpus):
    engine = open_engine(tmp_path, corpus)
    for cached in (answer._unit_facts, answer.units, answer._word_bag):
        cached.cache_clear()
    state = engine._state
    served = [p for p in range(len(state.chunks)) if p not in state.hidden]
    assert state.hidden, "the corpus holds a copy of NĐ 182 that is not served"
    assert engine.warm() == len(served)
    assert set(state.feature_cache) == set(served)
    parsed = answer._unit_facts.cache_info().misses
    for question in (
        "Giáo viên THCS được hưởng phụ cấp ưu đãi bao nhiêu phần trăm?",
        "giao vien mam non vung dac biet kho khan duoc phu cap bao nhieu",
    ):
        assert not engine.answer(question).abstained
    # The ranking stage and the bold span found every clause already read.
    assert answer._unit_facts.cache_info().misses == parsed
    assert set(state.feature_cache) == set(served)


def test_warming_stops_when_another_build_is_swapped_in(tmp_path, corpus):
    engine = open_engine(tmp_path, corpus)
    old = engine._state
    (corpus / "tin-tuc" / "moi.txt").write_text(
        "Sở Giáo dục tổ chức tập huấn giáo viên tiếng Anh tiểu học.\n", encoding="utf-8"
    )
    build_index(engine.settings)
    assert engine.reload()
    assert engine.warm(old) == 0
    assert engine.warm() > 0


def test_the_passage_view_cache_is_bounded(tmp_path, corpus, monkeypatch):
    from index import features

    engine = open_engine(tmp_path, corpus)
    state = engine._state
    monkeypatch.setattr(features, "PASSAGE_CACHE", 3)
    for pos in range(5):
        features.passage_view(state, pos)
    assert list(state.feature_cache) == [2, 3, 4], "the oldest passages leave first"


PRIVATE_SCHOOLS = """---
title: "Thông tư 48/2026/TT-BGDĐT - Quy chế trường phổ thông tư thục"
so_hieu: "48/2026/TT-BGDĐT"
loai_van_ban: "Thông tư"
---

## Điều 5. Hội đồng trường

1. Hội đồng trường họp thường kỳ ít nhất 02 lần trong năm.
"""

PUBLIC_SCHOOLS = """---
title: "Thông tư 32/2026/TT-BGDĐT - Điều lệ trường trung học"
so_hieu: "32/2026/TT-BGDĐT"
loai_van_ban: "Thông tư"
---

## Điều 7. Hội đồng trường của trường công lập

1. Hội đồng trường của trường công lập họp định kỳ ít nhất 03 lần trong một năm học; hội đồng trường họp định kỳ theo quy chế.
"""


def test_a_private_schools_rule_does_not_answer_for_public_schools(tmp_path):
    engine = engine_over(
        tmp_path, {"van-ban/tt-48.md": PRIVATE_SCHOOLS, "van-ban/tt-32.md": PUBLIC_SCHOOLS}
    )
    # The public schools' article shares more of the words; the question is about private ones.
    private = engine.answer("hội đồng trường tư thục họp định kỳ mấy lần một năm")
    assert not private.abstained
    assert private.passages[0].doc.number == "48/2026/TT-BGDĐT"
    public = engine.answer("hoi dong truong cong lap hop dinh ky may lan")
    assert public.passages[0].doc.number == "32/2026/TT-BGDĐT"


def test_chat_words_do_not_lower_a_questions_evidence(tmp_path, corpus):
    engine = open_engine(tmp_path, corpus)
    state = engine._state
    plain = "giáo viên THCS được phụ cấp ưu đãi bao nhiêu"
    top = state.position[engine.search(plain).hits[0].chunk.chunk_id]
    evidence = engine._evidence(plain, top, state)
    assert engine._evidence(f"muốn biết {plain} rồi", top, state) == pytest.approx(
        engine._evidence(f"biết {plain}", top, state)
    )
    # "muộn" (late) is a word of the question, not chat, though it folds like "muốn"
    assert engine._evidence(f"{plain} muộn", top, state) < evidence


PRIVATE_SCHOOLS_WITH_FORMS = """---
title: "Thông tư 48/2026/TT-BGDĐT - Quy chế trường phổ thông tư thục"
so_hieu: "48/2026/TT-BGDĐT"
loai_van_ban: "Thông tư"
---

## Điều 5. Hội đồng trường

4. Số lượng thành viên Hội đồng trường là số lẻ, ít nhất là 05 người và không quá 15 người.

## DANH MỤC CÁC PHỤ LỤC

Mẫu hồ sơ về thành lập, kiện toàn Hội đồng trường của trường phổ thông tư thục

## PHỤ LỤC KÈM THEO MẪU SỐ 1

Danh sách thành viên Hội đồng trường của trường phổ thông tư thục: Họ và tên, chức danh
trong Hội đồng trường, thành viên Hội đồng trường.
"""


def test_forms_answer_only_a_question_about_forms(tmp_path):
    engine = engine_over(tmp_path, {"van-ban/tt-48.md": PRIVATE_SCHOOLS_WITH_FORMS})
    question = "hội đồng trường của trường phổ thông tư thục có bao nhiêu thành viên"
    shown = engine.answer(question)
    assert shown.passages[0].chunk.section.startswith("Điều 5"), shown.passages[0].chunk.section
    assert "05 người" in shown.span.text
    # the forms share more of the words: they come first when a form is asked for
    form = engine.search("mẫu danh sách thành viên hội đồng trường phổ thông tư thục")
    assert "PHỤ LỤC" in form.hits[0].chunk.section


REWARDS = """---
title: "Nghị định 95/2026/NĐ-CP - Khen thưởng người dạy nghề"
so_hieu: "95/2026/NĐ-CP"
loai_van_ban: "Nghị định"
---

## Điều 20. Khen thưởng giáo viên dạy giỏi

1. Giáo viên đạt danh hiệu giáo viên dạy giỏi cấp tỉnh được Chủ tịch Ủy ban nhân dân cấp
tỉnh tặng bằng khen và được ưu tiên xét tặng danh hiệu chiến sĩ thi đua.

## Điều 21. Chi chấm thi tay nghề

1. Người chấm thi tay nghề được chi tối đa 35.000 đồng mỗi mô đun cho mỗi thí sinh.
"""


def test_a_sum_asked_and_none_stated_is_declined(tmp_path):
    engine = engine_over(tmp_path, {"van-ban/nd-95.md": REWARDS})
    # the collection says who is rewarded, not how much
    reward = engine.answer("giáo viên dạy giỏi cấp tỉnh được thưởng bao nhiêu tiền")
    assert reward.abstained and reward.reason == "no_sum"
    paid = engine.answer("người chấm thi tay nghề được chi bao nhiêu tiền mỗi mô đun")
    assert not paid.abstained and "35.000 đồng" in paid.span.text
    # a question asking no sum is answered by the same article
    asked = engine.answer("giáo viên dạy giỏi cấp tỉnh được khen thưởng thế nào")
    assert not asked.abstained and "bằng khen" in asked.span.text


SECURITY = """---
title: "Luật An ninh mạng"
---

Điều 2. Giải thích từ ngữ

1. An ninh mạng là sự bảo đảm hoạt động trên không gian mạng không gây phương hại đến trật tự.

Điều 22. Đấu tranh bảo vệ an ninh mạng

1. Đấu tranh bảo vệ an ninh mạng là hoạt động có tổ chức trên không gian mạng; lực lượng bảo
vệ an ninh mạng chủ trì đấu tranh bảo vệ an ninh mạng, an ninh mạng của hệ thống thông tin.
"""


def test_the_clause_defining_a_term_answers_what_it_is(tmp_path: Path) -> None:
    engine = engine_over(tmp_path, {"van-ban/luat-an-ninh-mang.md": SECURITY})
    # The article repeating the term outscores its definition on the words alone.
    cands = engine.candidates("an ninh mạng là gì", mode="bm25")
    assert cands is not None
    fused = max(cands.fused, key=lambda p: cands.fused[p])
    assert "Điều 22" in engine._state.chunks[fused].section
    answer = engine.answer("an ninh mạng là gì", mode="bm25")
    assert "Điều 2" in answer.passages[0].chunk.section
    assert answer.span is not None and answer.span.text.startswith("1. An ninh mạng là")


DUTIES = """---
title: "Thông tư 20/2026/TT-BGDĐT - Điều lệ trường"
---

Điều 4. Nhiệm vụ của giáo viên

1. Giáo viên có nhiệm vụ giảng dạy, giáo dục học sinh theo chương trình; giáo viên tham gia
bồi dưỡng chuyên môn, nghiệp vụ và rèn luyện đạo đức nhà giáo.

Điều 5. Quyền của giáo viên

1. Được nhà trường tạo điều kiện để thực hiện nhiệm vụ và được đào tạo nâng cao trình độ.
"""


def test_the_article_a_question_names_comes_first(tmp_path: Path) -> None:
    engine = engine_over(tmp_path, {"van-ban/tt-20.md": DUTIES})
    state = engine._state

    def first(question: str) -> str:
        return state.chunks[engine.order(engine.candidates(question, mode="bm25"))[0][0]].section

    # the words are those of Điều 4; the article named is Điều 5
    assert first("giáo viên có nhiệm vụ giảng dạy, bồi dưỡng chuyên môn thế nào") == "Điều 4"
    assert first("Theo Điều 5, giáo viên có nhiệm vụ giảng dạy, bồi dưỡng chuyên môn thế nào") == (
        "Điều 5"
    )
    assert first("theo dieu 5 giao vien co nhiem vu giang day boi duong chuyen mon the nao") == (
        "Điều 5"
    )
    # an article the rule quoted refers to is not the one asked about
    asked = "giáo viên bồi dưỡng chuyên môn theo quy định tại Điều 5 có nhiệm vụ giảng dạy gì"
    assert first(asked) == "Điều 4"
    assert answer.named_article("điều kiện dự thi của học sinh") is None
    assert answer.in_article("Chương VI > Điều 5.2.LQ.56 (Điều 56 Luật số 58/2010/QH12)", "56")
    assert not answer.in_article("Chương VI > Điều 5.2.LQ.56 (Điều 56 Luật số 58/2010/QH12)", "5")


def test_how_much_of_an_article_title_the_question_names_is_a_ranking_feature(
    tmp_path: Path,
) -> None:
    from index.features import PASSAGE_FEATURES

    engine = engine_over(tmp_path, {"van-ban/tt-20.md": DUTIES})
    cands = engine.candidates("quyen cua giao vien gom nhung gi", mode="bm25")
    ranked, scores, rows = engine.order(cands)
    head = sorted(cands.fused, key=lambda p: -cands.fused[p])
    named = {
        engine._state.chunks[p].section: rows[i, PASSAGE_FEATURES.index("title_named")]
        for i, p in enumerate(head)
    }
    assert named["Điều 5"] == 1.0  # "Quyền của giáo viên", every word named (no tone marks)
    assert 0.0 < named["Điều 4"] < 1.0  # "Nhiệm vụ của giáo viên": only "giáo viên"


def test_an_article_or_khoan_named_with_its_document_is_shown_from_its_start(
    tmp_path: Path,
) -> None:
    engine = engine_over(tmp_path, {"van-ban/tt-12.md": LEGAL_POINTS, "van-ban/tt-20.md": DUTIES})
    article = [c for c in engine._state.chunks if c.section.startswith("Điều 4")]
    assert len(article) > 2, "the article runs over several passages"
    found = engine.answer("Điều 4 Thông tư 12/2026 quy định gì", mode="bm25")
    assert found.passages[0].chunk.chunk_id == min(c.chunk_id for c in article)
    assert found.span is not None and found.span.text.startswith("Điều 4. Mức phụ cấp")
    no_tone = engine.answer("dieu 4 thong tu 12/2026", mode="bm25")
    assert no_tone.passages[0].chunk.chunk_id == found.passages[0].chunk.chunk_id
    clause = engine.answer("khoản 2 điều 4 thông tư 12/2026", mode="bm25")
    assert clause.span is not None and clause.span.text.startswith("2. Trường hợp nhà giáo dạy")
    assert clause.passages[0].chunk.section.startswith("Điều 4")


LETTER = """---
title: "Công văn 45/SGDĐT-GDTrH - Kế hoạch ôn thi"
---

Sở Giáo dục và Đào tạo đề nghị các trường xây dựng kế hoạch ôn thi cho học sinh lớp 12.
"""


def test_an_article_the_named_document_does_not_have_is_said_to_be_missing(
    tmp_path: Path,
) -> None:
    from bot.formatting import answer_blocks

    engine = engine_over(tmp_path, {"van-ban/tt-12.md": LEGAL_POINTS, "cv-45.md": LETTER})
    for question in ("Điều 9 Thông tư 12/2026 quy định gì", "dieu 9 thong tu 12/2026"):
        found = engine.answer(question, mode="bm25")
        assert found.abstained and found.reason == "no_article", question
        assert found.missing == ("Điều 9", "12/2026/TT-BGDĐT")
        assert found.result.abstained and found.result.reason == "no_article"
        (reply,) = answer_blocks(found, 700)
        assert "không có Điều 9" in reply and "/vanban 12/2026/TT-BGDĐT" in reply
    # the article it has is shown, as before
    assert not engine.answer("Điều 4 Thông tư 12/2026", mode="bm25").abstained
    # a question asking more than the article falls to the ranking, as before
    asked = engine.answer("Điều 9 Thông tư 12/2026 mức phụ cấp nhà giáo dạy nhiều cấp học")
    assert asked.reason != "no_article"
    # a letter has no articles: nothing to say about one it lacks
    letter = engine.answer("Điều 2 công văn 45/SGDĐT-GDTrH", mode="bm25")
    assert letter.reason != "no_article"
    assert letter.passages and letter.passages[0].doc.doc_id == "cv-45.md"
    # a khoản the article does not have, the same
    clause = engine.answer("khoản 7 điều 4 thông tư 12/2026", mode="bm25")
    assert clause.reason == "no_article" and clause.missing == ("khoản 7 Điều 4", "12/2026/TT-BGDĐT")
    assert not engine.answer("khoản 2 điều 4 thông tư 12/2026", mode="bm25").abstained


EXAM = """---
title: "Thông tư 30/2026/TT-BGDĐT - Thi tuyển giáo viên"
---

Điều 7. Hình thức thi vòng 2

1. Hội đồng tuyển dụng chọn hình thức thi viết hoặc thi vấn đáp; thi viết 180 phút, không kể
thời gian chép đề.
"""


def test_an_abbreviation_of_several_readings_matches_the_one_the_passage_states(
    tmp_path: Path,
) -> None:
    """"HĐ" is "hợp đồng" as often as "hội đồng": the passage saying "Hội đồng" is not short of
    evidence for lacking "hợp đồng" (a fresh6 question was declined for it)."""
    from index.lexicon import ambiguous, expand

    assert ambiguous("nếu HĐ chọn thi viết") == ["hd"] and ambiguous("HĐ trường") == []
    assert expand("ký HĐ với GV") == "hợp đồng giáo viên nhà giáo"  # retrieval: first reading
    assert expand("ký HĐ với GV", ambiguous=False) == "giáo viên nhà giáo"
    engine = engine_over(tmp_path, {"van-ban/tt-30.md": EXAM})
    top = engine.order(engine.candidates("hình thức thi viết", mode="bm25"))[0][0]

    def evidence(question: str) -> float:
        return engine._evidence(question, top, engine._state)

    asked = "nếu {} chọn hình thức thi viết thì làm bài bao lâu"
    assert evidence(asked.format("HĐ")) > evidence(asked.format("hợp đồng"))
