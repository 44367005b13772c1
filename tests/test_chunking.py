"""Structure-aware chunking of a legal text and a news text."""

from __future__ import annotations

from index.chunking import chunk_text, plain_text, split_piece
from index.settings import ChunkingSettings
from index.textnorm import normalize

LEGAL = normalize(
    """# Nghị định 93/2026/NĐ-CP

### Chương I. QUY ĐỊNH CHUNG

#### Điều 1. Phạm vi điều chỉnh

Nghị định này quy định chi tiết một số điều của Luật Nhà giáo về tuyển dụng, điều động, thuyên chuyển nhà giáo.

#### Điều 2. Đối tượng áp dụng

1. Nhà giáo trong cơ sở giáo dục công lập thuộc hệ thống giáo dục quốc dân.

2. Cơ quan quản lý nhà nước về giáo dục và các tổ chức, cá nhân có liên quan.

### Chương II. TUYỂN DỤNG

#### Điều 5. Căn cứ tuyển dụng

1. Việc tuyển dụng nhà giáo phải căn cứ vào nhu cầu vị trí việc làm và định mức số lượng người làm việc được giao.

a) Tuyển dụng thông qua thi tuyển hoặc xét tuyển theo quy định.

b) Người đứng đầu cơ sở giáo dục quyết định tuyển dụng khi được phân cấp.
"""
)

PHAP_DIEN = normalize(
    """Chương I

NHỮNG QUY ĐỊNH CHUNG

Điều 13.1.LQ.1. Phạm vi điều chỉnh

(Điều 1 Luật số 43/2019/QH14 Luật Giáo dục ngày 14/06/2019 của Quốc hội, có hiệu lực thi hành kể từ ngày 01/07/2020)

Luật này quy định về hệ thống giáo dục quốc dân; cơ sở giáo dục, nhà giáo, người học.

(Điều này có nội dung liên quan đến Điều 6.3.LQ.28. Phương thức giáo dục người khuyết tật)

## Danh sách điều khoản

### 13001000000000001000

Điều 13.1.LQ.1. Phạm vi điều chỉnh
"""
)


def test_each_article_is_its_own_chunk_with_its_path():
    pieces = chunk_text(LEGAL, ChunkingSettings(max_syllables=120, min_syllables=5))
    sections = [p.section for p in pieces]
    assert "Chương I > Điều 1" in sections
    assert "Chương I > Điều 2" in sections
    assert any(s.startswith("Chương II > Điều 5") for s in sections)
    article2 = next(p for p in pieces if p.section == "Chương I > Điều 2")
    assert "1. Nhà giáo" in article2.text and "2. Cơ quan" in article2.text
    assert all("Điều 5" not in p.text for p in pieces if "Điều 2" in p.section)


def test_offsets_point_at_the_text():
    for piece in chunk_text(LEGAL, ChunkingSettings(min_syllables=5)):
        assert LEGAL[piece.start : piece.end] == piece.text


def test_passages_have_no_markdown_headings_metadata_tables_or_summaries():
    text = (
        "## THÔNG TIN VĂN BẢN\n\nSố hiệu | 1/2026/NĐ-CP\nLoại văn bản | Nghị định\n\n"
        "## TÓM TẮT NỘI DUNG\n\n- Nghị định quy định phụ cấp cho nhà giáo (tóm tắt).\n\n"
        "## VĂN BẢN\n\n### Điều 1. Phạm vi điều chỉnh\n\n"
        "Nghị định này quy định chế độ phụ cấp ưu đãi theo nghề đối với nhà giáo.\n"
    )
    pieces = chunk_text(text, ChunkingSettings(min_syllables=3))
    joined = "\n".join(plain_text(p.text) for p in pieces)
    assert "Nghị định này quy định chế độ phụ cấp" in joined
    assert "Điều 1. Phạm vi" in joined and "#" not in joined
    assert "Loại văn bản" not in joined and "tóm tắt" not in joined


def test_long_article_splits_at_clauses_and_names_them():
    pieces = chunk_text(
        LEGAL, ChunkingSettings(max_syllables=30, overlap_syllables=5, min_syllables=3)
    )
    article5 = [p for p in pieces if "Điều 5" in p.section]
    assert len(article5) >= 2
    assert any("Khoản 1" in p.section for p in article5)
    assert all(len(p.text.split()) <= 30 for p in pieces)


def test_phap_dien_article_names_its_source_and_skips_the_table_of_contents():
    pieces = chunk_text(PHAP_DIEN, ChunkingSettings(min_syllables=3))
    assert pieces[0].section == "Chương I > Điều 13.1.LQ.1 (Điều 1 Luật số 43/2019/QH14)"
    body = " ".join(p.text for p in pieces)
    assert "hệ thống giáo dục quốc dân" in body
    assert "Danh sách điều khoản" not in body and "13001000000000001000" not in body
    assert "có nội dung liên quan" not in body


def test_news_paragraphs_are_packed_and_long_ones_windowed_with_overlap():
    sentence = "Một là, tiếp tục đổi mới quản lý giáo dục theo Nghị quyết 29-NQ/TW. "
    news = normalize(
        "Hội nghị tổng kết năm học\n\n" + sentence * 30 + "\n\nHai là, nâng cao chất lượng đội ngũ."
    )
    pieces = chunk_text(
        news, ChunkingSettings(max_syllables=50, overlap_syllables=10, min_syllables=3)
    )
    assert len(pieces) >= 6
    assert all(len(p.text.split()) <= 50 for p in pieces)
    words = [p.text.split() for p in pieces[1:3]]
    assert words[0][-10:] == words[1][:10] or set(words[0][-10:]) & set(words[1][:10])
    assert pieces[-1].text.endswith("chất lượng đội ngũ.")


def test_split_piece_halves_on_a_word_boundary():
    piece = chunk_text(LEGAL, ChunkingSettings(min_syllables=5))[1]
    first, second = split_piece(piece)
    assert first.start == piece.start and second.end == piece.end
    assert LEGAL[first.start : first.end] == first.text
    assert LEGAL[second.start : second.end] == second.text


def test_phap_dien_article_glued_to_the_previous_sentence_is_its_own_article():
    from index.clean import clean_text

    raw = (
        "Điều 5.2.TT.35.3. Mục tiêu xây dựng định mức\n\n"
        "1. Bảo đảm quyền bình đẳng giữa các tổ chức, doanh nghiệp, cá nhân.Điều 5.2.TT.35.4. "
        "Nguyên tắc xây dựng định mức\n\n"
        "(Điều 4 Thông tư số 47/2018/TT-BCT, có hiệu lực thi hành kể từ ngày 01/01/2019)\n\n"
        "1. Định mức được xây dựng theo quy định tại Điều 5.2.TT.35.3. của Thông tư này."
    )
    text, _ = clean_text(raw)
    pieces = chunk_text(normalize(text), ChunkingSettings(min_syllables=3))
    sections = [p.section for p in pieces]
    assert any(s.startswith("Điều 5.2.TT.35.4 (Điều 4 Thông tư số 47/2018/TT-BCT)") for s in sections)
    first = next(p for p in pieces if p.section.startswith("Điều 5.2.TT.35.3"))
    assert "Nguyên tắc" not in first.text and first.text.rstrip().endswith("cá nhân.")
    # A reference inside a sentence ("tại Điều 5.2.TT.35.3.") is not a new article.
    assert "quy định tại Điều 5.2.TT.35.3. của Thông tư này" in text


def test_clauses_written_as_markdown_headings_stay_in_their_article():
    text = (
        "# NGHỊ ĐỊNH\n## Quy định chi tiết một số điều của Luật Giáo dục\n\n"
        "## Điều 7. Học bổng khuyến khích học tập\n\n"
        "### 1. Đối tượng xét, cấp học bổng khuyến khích học tập:\n\n"
        "a) Học sinh trường chuyên có điểm môn chuyên từ 8,5 trở lên.\n\n"
        "### 2. Mức học bổng đối với đối tượng quy định tại điểm a khoản 1 Điều này:\n\n"
        "a) Mức học bổng cấp cho một học sinh không thấp hơn ba lần mức học phí.\n"
    )
    pieces = chunk_text(text, ChunkingSettings(max_syllables=30, min_syllables=0))
    last = pieces[-1]
    assert last.section == "Điều 7 > Khoản 2"
    assert last.context == "Điều 7. Học bổng khuyến khích học tập"
    assert {p.section for p in pieces if "8,5" in p.text} == {"Điều 7 > Khoản 1"}


def test_an_annex_in_capitals_ends_the_last_article():
    text = (
        "Điều 18. Xử lý vi phạm\n\n1. Trường vi phạm thì bị xử lý theo quy định.\n\n"
        "DANH MỤC CÁC PHỤ LỤC\n\nMẫu số 01 Báo cáo về việc thành lập Hội đồng trường\n\n"
        "Mẫu số 02 Hồ sơ thông tin thành viên Hội đồng trường\n"
    )
    pieces = chunk_text(normalize(text), ChunkingSettings())
    annex = [p for p in pieces if "Mẫu số 01" in p.text]
    assert annex and all(p.section == "DANH MỤC CÁC PHỤ LỤC" for p in annex)
    assert all("Mẫu số" not in p.text for p in pieces if p.section.startswith("Điều 18"))
    # a sentence naming an annex is no annex
    inline = "Điều 3. Quy trình\n\nPhụ lục I kèm theo Thông tư này quy định quy trình.\n"
    assert chunk_text(normalize(inline), ChunkingSettings())[0].section == "Điều 3"
