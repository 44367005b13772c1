"""Telegram HTML formatting: escaping, highlighting, the 4096 limit, sources and pages."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser

from bot import messages
from bot.formatting import (
    MAX_MESSAGE,
    answer_blocks,
    document_card,
    excerpt,
    html_to_text,
    pack,
    sections,
    size,
    source_line,
    split_html,
)
from index.answer import build_answer, choose_span
from index.models import Answer, Chunk, DocumentInfo, Hit, SearchResult


def shown(result: SearchResult) -> Answer:
    """The engine's answer for a hand-made result (each passage its own article)."""
    return build_answer(result, lambda chunk: [chunk], lambda token: 1.0)


def doc(
    doc_id: str, number: str | None = "182/2026/NĐ-CP", title: str = "Nghị định phụ cấp"
) -> DocumentInfo:
    return DocumentInfo(
        doc_id=doc_id,
        title=title,
        number=number,
        doc_type="Nghị định",
        issuer="Chính phủ",
        issued="2026-05-22",
        effective=None,
        summary=None,
        cites=(),
        content_hash="x",
        size_chars=100,
        n_chunks=3,
    )


def hit(
    doc_info: DocumentInfo, text: str, chunk_id: int = 0, section: str = "Điều 3 > Khoản 5"
) -> Hit:
    chunk = Chunk(chunk_id, doc_info.doc_id, text, section, 0, len(text))
    return Hit(chunk, doc_info, 1.0)


class TagChecker(HTMLParser):
    """Fails on tags Telegram does not accept or that are not balanced."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        assert tag in {"b", "i", "pre", "code", "a", "u", "s"}, tag
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag, tag


def assert_valid_html(text: str) -> None:
    checker = TagChecker()
    checker.feed(text)
    checker.close()
    assert checker.stack == []
    assert not re.search(r"<(?!/?(b|i|pre|code|a|u|s)\b)", text), text


def test_document_text_is_escaped() -> None:
    nasty = doc("van-ban/<script>.md", number="1/2026/<b>", title="A & B <i>")
    h = hit(nasty, "Điều kiện: a < b && c > d <b>không in đậm</b>.")
    result = SearchResult("a < b", (h,), False, 0.9, 1.0, "bm25")
    text = "\n\n".join(answer_blocks(shown(result), 700))
    assert "&lt;script&gt;" in text and "&amp;&amp;" in text and "&lt;b&gt;không" in text
    assert_valid_html(text)


def test_the_engines_span_is_bolded_accent_insensitively() -> None:
    text = (
        "Điều 3. Mức phụ cấp. Nhà giáo dạy ở vùng khó khăn được hưởng phụ cấp 70%. "
        "Nhân sự hỗ trợ giáo dục hưởng 20%."
    )
    chunk = Chunk(1, "a.md", text, "Điều 3", 0, len(text))
    span = choose_span("nha giao vung kho khan huong bao nhieu", [chunk], lambda t: 1.0)
    assert span is not None and span.text.startswith("Nhà giáo dạy ở vùng khó khăn")
    html = excerpt(text, span, 700)
    assert "<b>Nhà giáo dạy ở vùng khó khăn được hưởng phụ cấp 70%.</b>" in html


def test_long_passage_excerpt_keeps_the_span_in_view() -> None:
    filler = "Nội dung không liên quan đến câu hỏi này. " * 60
    text = filler + "Giáo viên mầm non được hưởng phụ cấp ưu đãi 70%. " + filler
    chunk = Chunk(1, "a.md", text, "", 0, len(text))
    span = choose_span("giáo viên mầm non phụ cấp", [chunk], lambda t: 1.0)
    html = excerpt(text, span, 300)
    assert "<b>Giáo viên mầm non được hưởng phụ cấp ưu đãi 70%.</b>" in html
    assert len(html_to_text(html)) <= 310
    assert html.startswith("…") and html.endswith("…")


def test_split_never_exceeds_limit_and_keeps_tags_balanced() -> None:
    para = "Đoạn <b>in đậm rất dài " + "chữ " * 400 + "</b> kết thúc & xong."
    text = "\n\n".join([para] * 6)
    pieces = split_html(text)
    assert len(pieces) > 1
    for piece in pieces:
        assert size(piece) <= MAX_MESSAGE
        assert_valid_html(piece)
    joined = html_to_text(" ".join(pieces))
    assert joined.split() == html_to_text(text).split()


def test_split_counts_emoji_as_two_units() -> None:
    text = "📌" * 3000
    pieces = split_html(text)
    assert all(size(p) <= MAX_MESSAGE for p in pieces)
    assert "".join(pieces) == text


def test_pack_cuts_at_passage_boundaries() -> None:
    blocks = [f"<b>Đoạn {i}</b>\n" + "x " * 900 for i in range(5)]
    packed = pack(blocks)
    assert len(packed) >= 3
    for message in packed:
        assert size(message) <= MAX_MESSAGE
        assert message.startswith("<b>Đoạn ")  # every message starts at a passage
        assert_valid_html(message)


def test_abstained_result_says_nothing_answers() -> None:
    h = hit(doc("a.md"), "Cây cà phê cần tưới nước.")
    result = SearchResult("lương hưu bao nhiêu", (h,), True, 0.1, 1.0, "bm25")
    blocks = answer_blocks(shown(result), 700)
    assert blocks == [messages.NO_ANSWER]
    assert "cà phê" not in blocks[0]


def test_a_sum_the_texts_do_not_state_is_said_so() -> None:
    h = hit(doc("a.md"), "Giáo viên dạy giỏi cấp tỉnh được tặng bằng khen.")
    result = SearchResult("thưởng bao nhiêu tiền", (h,), True, 0.5, 1.0, "bm25", reason="no_sum")
    blocks = answer_blocks(shown(result), 700)
    assert blocks == [messages.NO_ANSWER_SUM]
    assert "bằng khen" not in blocks[0]


def test_an_answer_the_engine_doubts_says_so_before_the_passage() -> None:
    h = hit(doc("a.md"), "Mức lương cơ sở áp dụng cho viên chức là 2.340.000 đồng/tháng.")
    result = SearchResult("lương tối thiểu vùng bao nhiêu", (h,), False, 0.5, 1.0, "hybrid",
                          doubt=0.7)
    sure = answer_blocks(shown(result), 700)
    doubted = answer_blocks(replace(shown(result), uncertain=True), 700)
    assert sure[0].startswith(messages.ANSWER_HEADER)
    assert doubted[0].startswith(messages.UNCERTAIN_HEADER) and "2.340.000" in doubted[0]
    assert messages.ANSWER_HEADER not in doubted[0]
    assert_valid_html(doubted[0])


def test_the_source_line_names_the_khoan_and_diem_in_bold() -> None:
    from index.models import Span

    text = "6. Mức phụ cấp ưu đãi 45% được áp dụng:\n\na) Nhà giáo mầm non;"
    h = hit(doc("a.md"), text, section="Chương I > Điều 3 > Khoản 5-6")
    span = Span(0, ((0, 39), (41, len(text))), "…", "điểm", "Chương I > Điều 3 > Khoản 6 > Điểm a")
    answer = Answer("q", (h,), (span,), False, None, SearchResult("q", (h,), False, 1, 1, "bm25"))
    first = answer_blocks(answer, 700)[0]
    assert "Điều 3 &gt; Khoản 6 &gt; Điểm a" in first and "Khoản 5-6" not in first
    compiled = replace(
        hit(doc("vien-chuc.md", number=None), "1. Viên chức bị khiển trách.",
            section="Chương V > Điều 5.2.LQ.56 (Điều 56 Luật số 58/2010/QH12) > Khoản 1"),
        source="Điều 56 Luật số 58/2010/QH12",
    )
    line = source_line(compiled.doc, compiled.chunk.section, compiled.source)
    assert "Điều 5.2.LQ.56 &gt; Khoản 1" in line and "Chương V" not in line
    assert "<b>khoản 1 Điều 56 Luật số 58/2010/QH12</b>" in line
    narrowed = "Chương V > Điều 5.2.LQ.56 (Điều 56 Luật số 58/2010/QH12) > Khoản 1 > Điểm b"
    line = source_line(compiled.doc, narrowed, compiled.source)
    assert "<b>điểm b khoản 1 Điều 56 Luật số 58/2010/QH12</b>" in line


def test_source_line_names_number_title_date_section_and_file() -> None:
    line = source_line(doc("van-ban/nd-182.md"), "Điều 3 > Khoản 5")
    text = html_to_text(line)
    for part in (
        "182/2026/NĐ-CP",
        "Nghị định phụ cấp",
        "22/05/2026",
        "Điều 3 > Khoản 5",
        "nd-182.md",
    ):
        assert part in text


def test_card_and_sections() -> None:
    d = doc("a.md")
    card = document_card(d, [doc("b.md", "5/2026/TT-BGDĐT", "Thông tư <dẫn chiếu>")])
    assert "5/2026/TT-BGDĐT" in card and "&lt;dẫn chiếu&gt;" in card
    assert_valid_html(card)
    chunks = [
        Chunk(0, "a.md", "x", "Chương I > Điều 1", 0, 1),
        Chunk(1, "a.md", "x", "Chương I > Điều 1 > Khoản 2", 1, 2),
        Chunk(2, "a.md", "x", "Chương II > Điều 3 > Khoản 1", 2, 3),
    ]
    assert sections(chunks) == [("Điều 1", 0), ("Điều 3", 2)]


def test_html_to_text_unescapes() -> None:
    assert html_to_text("<b>a &lt; b</b> &amp; <i>c</i>") == "a < b & c"


def test_replaced_source_is_flagged_in_the_answer():
    from dataclasses import replace as dc_replace

    doc = DocumentInfo("a.md", "Nghị định 90/2020", "90/2020/NĐ-CP", "Nghị định", None, "2020-08-13", None, None, (), "h", 10, 1)
    hit = Hit(Chunk(1, "a.md", "Viên chức được đánh giá hằng năm.", "Điều 12", 0, 10), doc, 0.5)
    result = SearchResult("đánh giá viên chức", (dc_replace(hit, superseded_by="233/2026/NĐ-CP"),), False, 0.9, 1.0, "hybrid")
    text = "\n".join(answer_blocks(shown(result), 700))
    assert "đã được thay thế bởi 233/2026/NĐ-CP" in text
    plain = SearchResult("đánh giá viên chức", (hit,), False, 0.9, 1.0, "hybrid")
    assert "thay thế" not in "\n".join(answer_blocks(shown(plain), 700))


def test_compilation_passage_is_cited_by_its_own_law_and_article():
    doc = DocumentInfo("vien-chuc.md", "Viên chức", None, "Pháp điển (đề mục)", None, None, None, None, (), "h", 10, 1, compilation=True)
    hit = Hit(
        Chunk(1, "vien-chuc.md", "Viên chức bị khiển trách thì thời hạn nâng lương bị kéo dài 03 tháng.",
              "Điều 5.2.LQ.56 (Điều 56 Luật số 58/2010/QH12) > Khoản 1", 0, 10),
        doc, 0.5, source="Điều 56 Luật số 58/2010/QH12",
    )
    text = html_to_text("\n".join(answer_blocks(shown(SearchResult("khiển trách", (hit,), False, 0.9, 1.0, "bm25")), 700)))
    assert "Điều 56 Luật số 58/2010/QH12" in text and "Pháp điển: Viên chức" in text
    assert "52/2014/QH13" not in text


def test_a_point_opening_its_passage_is_shown_under_its_khoan_lead_in() -> None:
    # The window cut khoản 7 after its điểm a: điểm b opens the next passage of Điều 3.
    d = doc("nd182.md")
    first = (
        "6. Mức phụ cấp ưu đãi 45% được áp dụng đối với nhà giáo dạy trẻ khuyết tật.\n\n"
        "7. Mức phụ cấp ưu đãi 60% được áp dụng đối với các trường hợp sau:\n\n"
        "a) Nhà giáo trường phổ thông dân tộc bán trú;"
    )
    second = (
        "b) Nhà giáo giảng dạy trong các cơ sở giáo dục mầm non đóng trên địa bàn xã khu vực II "
        "vùng đồng bào dân tộc thiểu số.\n\n"
        "8. Mức phụ cấp ưu đãi 70% được áp dụng đối với nhà giáo ở vùng đặc biệt khó khăn."
    )
    chunks = [
        Chunk(1, d.doc_id, first, "Điều 3 > Khoản 6-7", 0, len(first)),
        Chunk(2, d.doc_id, second, "Điều 3 > Khoản 7-8", len(first), len(first) + len(second)),
    ]
    question = "giao vien mam non xa khu vuc II vung dan toc phu cap bao nhieu"
    span = choose_span(question, chunks, lambda t: 1.0, preferred=2)
    assert span is not None and span.chunk_id == 2
    assert span.lead.startswith("7. Mức phụ cấp ưu đãi 60%") and "60%" in span.text
    assert span.section == "Điều 3 > Khoản 7 > Điểm b"
    # Alone (no passage before it among the candidates) the điểm has no lead-in to show.
    assert choose_span(question, chunks[1:], lambda t: 1.0).lead == ""
    answer = build_answer(
        SearchResult(question, (Hit(chunks[1], d, 1.0),), False, 0.9, 1.0, "bm25"),
        lambda chunk: chunks, lambda token: 1.0,
    )
    (block, *_) = answer_blocks(answer, 700)
    assert "<b>7. Mức phụ cấp ưu đãi 60% được áp dụng đối với các trường hợp sau:</b> …" in block
    assert "<i>Điều 3 &gt; Khoản 7 &gt; Điểm b</i>" in block
    assert_valid_html(block)
