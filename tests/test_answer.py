"""What the first message shows: the answering điểm/khoản in bold, passages in order."""

from __future__ import annotations

import math
from dataclasses import replace

from index.answer import (
    QueryTerms,
    build_answer,
    choose_span,
    clause_fit,
    next_passages,
    tiers,
    units,
)
from index.models import Chunk, DocumentInfo, Hit, SearchResult

ARTICLE_3 = [
    "Điều 3. Mức phụ cấp ưu đãi theo nghề\n\n1. Mức phụ cấp ưu đãi 20% được áp dụng đối với "
    "nhân sự hỗ trợ giáo dục công tác trong cơ sở giáo dục mầm non, phổ thông.\n\n"
    "2. Mức phụ cấp ưu đãi 25% được áp dụng đối với các trường hợp sau:\n\n"
    "a) Nhà giáo giảng dạy trong cơ sở giáo dục đại học;",
    "5. Mức phụ cấp ưu đãi 40% được áp dụng đối với các trường hợp sau:\n\n"
    "a) Nhà giáo giảng dạy môn giáo dục chính trị trong trường trung cấp;\n\n"
    "b) Nhà giáo giảng dạy trong trường trung học cơ sở, trường trung học phổ thông;",
    "6. Mức phụ cấp ưu đãi 45% được áp dụng đối với các trường hợp sau:\n\n"
    "a) Nhà giáo giảng dạy trong các cơ sở giáo dục mầm non, trường tiểu học;\n\n"
    "b) Nhà giáo giảng dạy ở vùng có điều kiện kinh tế - xã hội đặc biệt khó khăn;",
]


def doc(doc_id: str, number: str | None = "182/2026/NĐ-CP") -> DocumentInfo:
    return DocumentInfo(doc_id, "Nghị định phụ cấp", number, "Nghị định", None, None, None,
                        None, (), "h", 10, 3)


def chunks(doc_id: str = "nd182.md") -> list[Chunk]:
    return [Chunk(i, doc_id, t, f"Điều 3 > Khoản {i}", 0, len(t)) for i, t in enumerate(ARTICLE_3)]


def bold(question: str, text: str) -> str:
    """The span chosen in a one-passage text with every word weighing the same."""
    span = choose_span(question, [Chunk(1, "a.md", text, "Điều 1", 0, len(text))], lambda t: 1.0)
    assert span is not None, question
    return span.text


def answer_for(question: str, top: int = 0):
    article = chunks()
    hits = (Hit(article[top], doc("nd182.md"), 1.0),)
    result = SearchResult(question, hits, False, 0.9, 1.0, "bm25")
    return build_answer(result, lambda chunk: article, lambda token: 1.0)


def test_teacher_rate_not_support_staff_rate_is_bold() -> None:
    # The README's example: the 20% clause for support staff ranks first, the teacher's 45%
    # sits two passages further in the same article.
    for question in (
        "giáo viên mầm non được phụ cấp ưu đãi bao nhiêu phần trăm",
        "giao vien mam non duoc phu cap uu dai bao nhieu phan tram",
    ):
        answer = answer_for(question, top=0)
        assert answer.span is not None
        assert "45%" in answer.span.text and "mầm non" in answer.span.text, answer.span.text
        assert "20%" not in answer.span.text
        # The first passage shown is the one holding the bold span.
        assert answer.passages[0].chunk.chunk_id == answer.span.chunk_id == 2


def test_point_carries_the_lead_in_of_its_clause() -> None:
    answer = answer_for("gv thcs phu cap bao nhieu", top=1)
    assert answer.span is not None and answer.span.level == "điểm"
    assert answer.span.text.startswith("5. Mức phụ cấp ưu đãi 40%")
    assert answer.span.text.endswith("trường trung học phổ thông;")
    first, last = answer.span.ranges
    text = answer.passages[0].chunk.text
    assert text[first[0] : first[1]].startswith("5.") and text[last[0] : last[1]].startswith("b)")


def test_units_split_clauses_points_and_long_sentences() -> None:
    text = "1. Khoản một:\na) điểm a;\nb) điểm b.\n\n" + "Câu dài. " * 80
    levels = [level for _, _, level in units(text)]
    assert levels[:3] == ["khoản", "điểm", "điểm"]
    assert len(levels) > 4  # the long paragraph is cut into sentences


def test_points_written_as_list_items_are_points() -> None:
    # NĐ 93/2026 writes its points as Markdown list items: each is a điểm under its khoản's
    # lead-in, cited as such, shown without the bullet.
    text = (
        "1. Thời gian nghỉ hè của nhà giáo:\n"
        "- a) Thời gian nghỉ hè hằng năm của nhà giáo trong các cơ sở giáo dục mầm non là 08 tuần;\n"
        "- b) Trường hợp đột xuất thì thời gian nghỉ hè do Bộ trưởng quyết định."
    )
    assert [level for _, _, level in units(text)] == ["khoản", "điểm", "điểm"]
    chunk = Chunk(4, "nd93.md", text, "Điều 17 > Khoản 1", 0, len(text))
    span = choose_span("giáo viên mầm non nghỉ hè bao nhiêu tuần", [chunk], lambda t: 1.0)
    assert span is not None and span.section == "Điều 17 > Khoản 1 > Điểm a"
    assert span.text == (
        "1. Thời gian nghỉ hè của nhà giáo: … a) Thời gian nghỉ hè hằng năm của nhà giáo trong "
        "các cơ sở giáo dục mầm non là 08 tuần;"
    )


def test_no_span_when_nothing_matches() -> None:
    chunk = Chunk(1, "a.md", "Cây cà phê cần tưới nước.", "", 0, 10)
    assert choose_span("học phí đại học", [chunk], lambda t: 1.0) is None


def test_abstained_search_gives_an_empty_answer_with_its_reason() -> None:
    hits = (Hit(chunks()[0], doc("nd182.md"), 0.1),)
    result = SearchResult("giá vàng", hits, True, 0.0, 1.0, "bm25", reason="no_match")
    answer = build_answer(result, lambda c: [c], lambda t: 1.0)
    assert answer.abstained and answer.reason == "no_match"
    assert answer.passages == () and answer.span is None


def test_further_passages_follow_the_ranking_but_skip_copies() -> None:
    a, b, c = doc("a.md"), doc("b.md", "5/2026/TT-BGDĐT"), doc("c.md", None)

    def hit(d: DocumentInfo, i: int, text: str = "") -> Hit:
        return Hit(Chunk(i, d.doc_id, text or f"đoạn {i}", "", 0, 1), d, 1.0 / i)

    hits = [hit(a, 1), hit(a, 2), hit(b, 3), hit(c, 5)]
    assert [h.chunk.chunk_id for h in next_passages(hits, hits[0], 2)] == [2, 3]
    # A second file with the same số hiệu is a copy of the first document, not another one,
    # and a passage with the same text as one already shown is not shown twice.
    copy = doc("copy-of-a.md", "182/2026/nđ-cp")
    hits = [hit(a, 1), hit(copy, 2), hit(b, 3, "đoạn 1"), hit(c, 5)]
    assert [h.chunk.chunk_id for h in next_passages(hits, hits[0], 2)] == [5]


def test_question_words_before_the_counted_noun_are_skipped() -> None:
    # "tối đa mấy điểm" counts "điểm" (not "mấy"), "tối đa là bao nhiêu ngày" counts "ngày".
    for question, stated, other in (
        ("khung tieu chi chung toi da may diem", "được chấm tối đa là 30 điểm", "tối đa 3 năm"),
        ("kéo dài tối đa là bao nhiêu ngày", "không quá 150 ngày", "không quá 02 năm"),
        # "tối đa bao lâu" asks a duration: "bao" is no counted noun
        ("bị đình chỉ học tối đa bao lâu", "nhưng không quá 12 tháng", "ngày 01 tháng 7"),
    ):
        figure = QueryTerms(question, lambda t: 1.0).figure
        assert figure is not None and figure.search(stated), question
        assert not figure.search(other), question
    # The number of a clause ("1.") is no figure: the clause stating one wins.
    text = "1. Hội đồng trường họp định kỳ.\n\n2. Hội đồng trường họp ít nhất 02 lần."
    assert "02 lần" in bold("hội đồng trường họp bao nhiêu", text)


def test_the_kind_of_figure_is_read_from_the_question_not_from_look_alike_words() -> None:
    def figure(question: str) -> str | None:
        found = QueryTerms(question, lambda t: 1.0).figure
        if found is None:
            return None
        return found.pattern if isinstance(found.pattern, str) else found.pattern.pattern

    # "tối thiểu bao nhiêu" counts no "bao": the money asked decides
    money = figure("gv mam non truc trua duoc boi duong toi thieu bao nhieu tien")
    assert money is not None and "đồng" in money
    assert "đồng" in figure("được thưởng bao nhiêu tiền")
    # a price is a sum; "năm 2026" dates the question, it asks no number of years
    price = figure("sách giáo khoa lớp 1 năm 2026 giá bao nhiêu")
    assert price is not None and "đồng" in price
    assert QueryTerms("sach giao khoa lop 1 nam 2026 gia bao nhieu", lambda t: 1.0).asks_sum
    # a sum per month is a sum; a number of years is not, whatever "lương" it is about
    assert QueryTerms("hỗ trợ tiền sinh hoạt phí bao nhiêu 1 tháng", lambda t: 1.0).asks_sum
    assert not QueryTerms("bao nhiêu năm một lần được nâng lương", lambda t: 1.0).asks_sum
    # a fee named, who or when asked
    for question in (
        "Trường THCS tư thục phải công khai mức học phí vào lúc nào?",
        "muc hoc phi cho hoc sinh truong cong do ai quyet dinh",
    ):
        assert not QueryTerms(question, lambda t: 1.0).asks_sum, question
    assert QueryTerms("mức học phí trường THCS công lập là bao nhiêu", lambda t: 1.0).asks_sum
    # "tiến sĩ", "chất lượng" and "hội đồng" fold like "tiền", "lương" and the currency
    for question in (
        "luận án tiến sĩ phải gửi lấy ý kiến bao nhiêu phản biện",
        "kiểm định chất lượng tối đa bao nhiêu",
        "hoi dong tham dinh toi da bao nhieu",
    ):
        assert figure(question) is None or "đồng" not in figure(question), question


def test_clause_titles_and_table_rows_lose_to_a_stating_clause() -> None:
    text = (
        "2. Quyền của nhà giáo hợp đồng sau khi nghỉ hưu\n\n"
        "a) Nhà giáo hợp đồng sau khi nghỉ hưu được hưởng tiền lương theo hợp đồng đã ký."
    )
    assert bold("quyền của nhà giáo hợp đồng sau khi nghỉ hưu", text).startswith("a) Nhà giáo")
    table = (
        "STT | Ký hiệu | Tên biểu mẫu hội đồng thẩm định chương trình\n\n"
        "Hội đồng thẩm định chương trình có 07 hoặc 09 thành viên."
    )
    shown = bold("hội đồng thẩm định chương trình có mấy thành viên", table)
    assert shown.startswith("Hội đồng thẩm định"), shown


def test_a_transitional_clause_answers_only_questions_about_the_old_cases() -> None:
    text = (
        "1. Hợp đồng làm việc xác định thời hạn áp dụng với người được tuyển dụng làm viên chức, "
        "có thời hạn từ đủ 12 tháng đến 60 tháng.\n\n"
        "2. Viên chức được tuyển dụng trước ngày 01 tháng 7 năm 2020 đang thực hiện hợp đồng "
        "làm việc xác định thời hạn thì tiếp tục thực hiện hợp đồng làm việc có thời hạn."
    )
    assert "60 tháng" in bold("hợp đồng làm việc có thời hạn của viên chức bao lâu", text)
    shown = bold("viên chức tuyển dụng trước ngày 01/7/2020 có hợp đồng làm việc thế nào", text)
    assert shown.startswith("2."), shown


def test_a_special_case_answers_only_a_question_naming_its_condition() -> None:
    text = (
        "6. Tỷ lệ xếp loại hoàn thành xuất sắc nhiệm vụ đối với viên chức\n\n"
        "a) Tỷ lệ viên chức xếp loại hoàn thành xuất sắc nhiệm vụ không vượt quá 20% tổng số "
        "viên chức được xếp loại hoàn thành tốt nhiệm vụ.\n\n"
        "b) Trường hợp đơn vị sự nghiệp công lập có thành tích xuất sắc, nổi trội, được cấp có "
        "thẩm quyền công nhận thì tỷ lệ viên chức hoàn thành xuất sắc nhiệm vụ của đơn vị "
        "cao hơn quy định tại điểm a khoản này nhưng không vượt quá 25%."
    )
    general = bold("tỷ lệ viên chức hoàn thành xuất sắc nhiệm vụ tối đa bao nhiêu %", text)
    assert general.startswith("a)"), general
    case = bold(
        "đơn vị sự nghiệp có thành tích nổi trội được công nhận thì tỷ lệ viên chức hoàn thành "
        "xuất sắc tối đa bao nhiêu %",
        text,
    )
    assert case.startswith("b)"), case


def test_a_teacher_naming_no_level_is_a_schools_teacher() -> None:
    # The points are alike but for the schools they name; the first one listed here is not
    # the one a "giáo viên" asking means.
    text = (
        "1. Thời gian nghỉ hè của nhà giáo:\n\n"
        "a) Thời gian nghỉ hè hằng năm của nhà giáo trong các cơ sở giáo dục thường xuyên tối "
        "thiểu là 04 tuần, tối đa là 08 tuần;\n\n"
        "b) Thời gian nghỉ hè hằng năm của nhà giáo trong các cơ sở giáo dục mầm non, cơ sở "
        "giáo dục phổ thông là 08 tuần;\n\n"
        "c) Thời gian nghỉ hè hằng năm của nhà giáo trong cơ sở giáo dục đại học là 06 tuần;"
    )
    for question in ("giáo viên được nghỉ hè bao nhiêu tuần", "gv nghi he may tuan"):
        assert bold(question, text).endswith("phổ thông là 08 tuần;"), question
    assert bold("giảng viên đại học được nghỉ hè bao nhiêu tuần", text).endswith("là 06 tuần;")


def test_the_span_names_its_khoan_and_diem_in_the_section() -> None:
    from index.answer import narrowed_section

    lead, point = "6. Mức phụ cấp ưu đãi 45% được áp dụng:", "a) Nhà giáo mầm non;"
    assert narrowed_section("Chương I > Điều 3 > Khoản 5-6", [lead, point]) == (
        "Chương I > Điều 3 > Khoản 6 > Điểm a"
    )
    assert narrowed_section("Điều 56", ["2. Viên chức bị cảnh cáo"]) == "Điều 56 > Khoản 2"
    assert narrowed_section("Điều 3 > Khoản 2", ["b) Nhà giáo"]) == "Điều 3 > Khoản 2 > Điểm b"
    # Nothing narrower than the passage, or a number outside it: the passage's own path.
    assert narrowed_section("Điều 3 > Khoản 5-6", ["4. Khoản khác"]) == ""
    assert narrowed_section("Điều 3 > Khoản 5-6", ["b) Nhà giáo"]) == ""
    assert narrowed_section("Hội nghị tổng kết", ["1. Một là"]) == ""
    # Through choose_span: the bold điểm with its lead-in.
    text = ARTICLE_3[2]
    chunk = Chunk(7, "nd182.md", text, "Chương I > Điều 3 > Khoản 6", 0, len(text))
    span = choose_span("giáo viên mầm non phụ cấp bao nhiêu phần trăm", [chunk], lambda t: 1.0)
    assert span is not None and span.section == "Chương I > Điều 3 > Khoản 6 > Điểm a"


def test_an_answering_neighbour_is_cited_by_its_own_source() -> None:
    # Pháp điển: two articles of one compilation from two different documents. Ranking returns
    # a passage of each; the answer sits in a neighbour of the second that ranking did not
    # return. It must be cited as its own article, not as the top hit's.
    compilation = replace(doc("vien-chuc.md", number=None), compilation=True)
    top_text = "1. Viên chức được tuyển dụng phải tập sự theo quy định của pháp luật."
    lead_text = "1. Thời gian tập sự được tính theo chức danh nghề nghiệp."
    answer_text = "2. Thời gian tập sự của giáo viên mầm non là 09 tháng."
    top = Chunk(1, "vien-chuc.md", top_text, "Điều 5.2.LQ.27 (Điều 27 Luật số 58/2010/QH12)",
                0, 1)
    ranked = Chunk(2, "vien-chuc.md", lead_text,
                   "Điều 5.2.NĐ.12.21 (Điều 21 Nghị định số 115/2020/NĐ-CP) > Khoản 1", 0, 1)
    neighbour = Chunk(3, "vien-chuc.md", answer_text,
                      "Điều 5.2.NĐ.12.21 (Điều 21 Nghị định số 115/2020/NĐ-CP) > Khoản 2", 0, 1)
    sources = {1: "Điều 27 Luật số 58/2010/QH12", 2: "Điều 21 Nghị định số 115/2020/NĐ-CP",
               3: "Điều 21 Nghị định số 115/2020/NĐ-CP"}
    hits = (Hit(top, compilation, 2.0, source=sources[1]),
            Hit(ranked, compilation, 1.0, source=sources[2]))
    articles = {1: [top], 2: [ranked, neighbour], 3: [ranked, neighbour]}
    result = SearchResult("thời gian tập sự của giáo viên mầm non là bao lâu", hits, False, 0.9,
                          1.0, "bm25")
    answer = build_answer(
        result, lambda chunk: articles[chunk.chunk_id], lambda t: 1.0,
        hit_of=lambda chunk: Hit(chunk, compilation, 0.0, source=sources[chunk.chunk_id]),
    )
    first = answer.passages[0]
    assert first.chunk.chunk_id == 3 and answer.span is not None and "09 tháng" in answer.span.text
    assert first.source == "Điều 21 Nghị định số 115/2020/NĐ-CP" and first.score == 2.0


def test_the_best_few_spans_are_reweighed_by_their_meaning() -> None:
    # "nửa năm" is "06 tháng" in the law's words: the term scores favour the clause that
    # repeats the question's words, the dense model the one that answers it.
    text = (
        "1. Viên chức được đánh giá, xếp loại chất lượng vào cuối năm.\n\n"
        "2. Viên chức có thời gian công tác trong năm chưa đủ 06 tháng thì không xếp loại.\n\n"
        "3. Hồ sơ đánh giá được lưu giữ tại đơn vị."
    )
    chunk = Chunk(1, "a.md", text, "Điều 5", 0, len(text))
    question = "viên chức đi làm chưa được nửa năm có được xếp loại cuối năm không"
    asked: list[list[str]] = []

    def similarity(texts: list[str]) -> list[float]:
        asked.append(texts)
        return [0.90 if "06 tháng" in t else 0.80 for t in texts]

    plain = choose_span(question, [chunk], lambda t: 1.0)
    assert plain is not None and plain.text.startswith("1."), plain and plain.text
    span = choose_span(question, [chunk], lambda t: 1.0, None, similarity, 2)
    assert span is not None and span.text.startswith("2."), span and span.text
    assert len(asked) == 1 and len(asked[0]) == 2  # only the two best-scored spans are encoded
    # A span outside the best few never wins on meaning alone.
    asked.clear()
    span = choose_span(question, [chunk], lambda t: 1.0, None,
                       lambda texts: [0.99 if t.startswith("3.") else 0.5 for t in texts], 2)
    assert span is not None and not span.text.startswith("3."), span.text
    # reweigh 0 or 1 keeps the term scores alone.
    assert choose_span(question, [chunk], lambda t: 1.0, None, similarity, 1) == plain


def test_bao_lau_asks_a_duration_even_when_the_question_names_a_thoi_han() -> None:
    # "hợp đồng ... có thời hạn ... bao lâu": "thời hạn" is the subject, "bao lâu" the ask, so
    # "từ đủ 12 tháng đến 60 tháng" answers, not the date the rule took effect.
    text = (
        "1. Hợp đồng làm việc xác định thời hạn là hợp đồng mà trong đó hai bên xác định thời "
        "hạn, thời điểm chấm dứt hiệu lực của hợp đồng trong khoảng thời gian từ đủ 12 tháng "
        "đến 60 tháng.\n\n"
        "Hợp đồng làm việc xác định thời hạn áp dụng đối với người được tuyển dụng làm viên "
        "chức kể từ ngày 01 tháng 7 năm 2020."
    )
    for question in (
        "hợp đồng làm việc xác định thời hạn dài bao lâu",
        "hop dong lam viec xac dinh thoi han dai bao lau",
    ):
        assert QueryTerms(question, lambda t: 1.0).weights.get("lau") is None  # a question word
        assert "60 tháng" in bold(question, text)


def test_the_law_counts_members_and_dates_its_own_effect() -> None:
    # "mấy người" is answered by "07, 09 hoặc 11 thành viên"; "có hiệu lực từ ngày nào" by
    # the effect clause, not by the date of a text it repeals.
    text = (
        "1. Hội đồng thẩm định chương trình do Bộ trưởng thành lập để thẩm định chương trình.\n\n"
        "2. Hội đồng thẩm định chương trình có 07, 09 hoặc 11 thành viên."
    )
    assert "11 thành viên" in bold("hội đồng thẩm định chương trình có mấy người", text)
    text = (
        "1. Thông tư này có hiệu lực thi hành kể từ ngày 01 tháng 9 năm 2026.\n\n"
        "2. Bãi bỏ Thông tư số 44/2011/TT-BGDĐT ngày 10 tháng 10 năm 2011 của Bộ trưởng Bộ "
        "Giáo dục và Đào tạo ban hành Quy định về chế độ thỉnh giảng."
    )
    assert "01 tháng 9 năm 2026" in bold("thông tư về thỉnh giảng có hiệu lực từ ngày nào", text)


def test_the_clause_stating_the_count_asked_beats_the_top_passage_naming_the_body() -> None:
    # The top passage says who sets the council up; its neighbour says how many sit on it.
    top = Chunk(1, "tt44.md", "2. Bộ trưởng Bộ Giáo dục và Đào tạo thành lập hội đồng thẩm "
                "định chương trình.", "Điều 12 > Khoản 2", 0, 1)
    count = Chunk(2, "tt44.md", "3. Hội đồng thẩm định chương trình có 07, 09 hoặc 11 thành "
                  "viên.", "Điều 12 > Khoản 3", 0, 1)
    span = choose_span("thẩm định chương trình khcn cấp bộ thì hội đồng mấy người",
                       [top, count], lambda t: 1.0, preferred=top.chunk_id)
    assert span is not None and "07, 09 hoặc 11 thành viên" in span.text


def test_a_clause_inherits_its_articles_topic(monkeypatch) -> None:
    # Khoản 2 states the duration asked without repeating whose; khoản 1 repeats the question's
    # words and states no duration. The article heading says whose for both.
    heading = "Điều 10. Bảo lưu kết quả trúng tuyển của thí sinh đi nghĩa vụ quân sự"
    text = (
        "1. Thí sinh có giấy báo trúng tuyển đi nghĩa vụ quân sự được bảo lưu kết quả trúng "
        "tuyển.\n\n2. Thời gian bảo lưu do cơ sở đào tạo quy định nhưng không quá 36 tháng."
    )
    article = [Chunk(1, "tt06.md", text, "Điều 10", 0, len(text), context=heading)]
    question = "trúng tuyển rồi đi nghĩa vụ quân sự thì được bảo lưu tối đa bao lâu"
    span = choose_span(question, article, lambda t: 1.0, preferred=1)
    assert span is not None and "không quá 36 tháng" in span.text
    monkeypatch.setattr("index.answer.INHERITED", 0.0)
    span = choose_span(question, article, lambda t: 1.0, preferred=1)
    assert span is not None and span.text.startswith("1. Thí sinh")


def test_a_clause_about_the_negated_case_answers_only_that_case() -> None:
    text = (
        "3. Mức 50% áp dụng đối với nhà giáo chuyên trách giảng dạy lớp hòa nhập.\n\n"
        "4. Mức 20% áp dụng đối với nhà giáo không chuyên trách giảng dạy lớp hòa nhập."
    )
    chunk = Chunk(1, "nd182.md", text, "Điều 4", 0, len(text))
    span = choose_span("gv chuyen trach day lop hoa nhap phu cap bao nhieu", [chunk], lambda t: 1.0)
    assert span is not None and "50%" in span.text
    span = choose_span("gv không chuyên trách dạy lớp hòa nhập phụ cấp bao nhiêu", [chunk],
                       lambda t: 1.0)
    assert span is not None and "20%" in span.text
    # A yes-or-no question is answered by the negated clause.
    text = "1. Mức xếp loại của người đứng đầu không cao hơn mức xếp loại của đơn vị."
    chunk = Chunk(2, "nd233.md", text, "Điều 13", 0, len(text))
    question = "hiệu trưởng có được xếp loại cao hơn của đơn vị không"
    assert QueryTerms(question, lambda t: 1.0).stated == (set(), set())


TIERED = [
    "3. Nhà giáo chuyên trách giảng dạy lớp hòa nhập có từ 5% đến dưới 70% học viên là người "
    "khuyết tật được hưởng phụ cấp ưu đãi như sau:\n\n"
    "a) Mức 35% áp dụng đối với lớp hòa nhập có từ 5% đến dưới 10% học viên khuyết tật;\n\n"
    "b) Mức 40% áp dụng đối với lớp hòa nhập có từ 10% đến dưới 30% học viên khuyết tật;\n\n"
    "c) Mức 50% áp dụng đối với lớp hòa nhập có từ 30% đến dưới 70% học viên khuyết tật.",
    "4. Nhà giáo không chuyên trách giảng dạy lớp hòa nhập có từ 5% đến dưới 70% học viên là "
    "người khuyết tật được hưởng phụ cấp ưu đãi như sau:\n\n"
    "a) Mức 5% áp dụng đối với lớp hòa nhập có từ 5% đến dưới 30% học viên khuyết tật;\n\n"
    "b) Mức 20% áp dụng đối với lớp hòa nhập có từ 30% đến dưới 70% học viên khuyết tật.",
]


def test_the_quantity_a_question_states_picks_the_tier_holding_it() -> None:
    assert tiers("có từ 5% đến dưới 10% học viên") == [(5.0, 10.0, False, "%")]
    assert tiers("từ đủ 15 năm trở lên") == [(15.0, math.inf, True, "nam")]
    assert tiers("không quá 36 tháng") == [(-math.inf, 36.0, True, "thang")]
    article = [Chunk(i, "nd182.md", t, f"Điều 4 > Khoản {i + 3}", 0, len(t))
               for i, t in enumerate(TIERED)]
    # 35% is the class's share, not the rate asked: the 30-70% tier answers, though "Mức 35%"
    # repeats the number; and the passage ranking put first (the không chuyên trách khoản)
    # does not win for a question about the chuyên trách case.
    for question in (
        "GV chuyên trách dạy lớp hòa nhập có 35% học viên khuyết tật thì phụ cấp bao nhiêu",
        "gv chuyen trach day lop hoa nhap co 35% hoc vien khuyet tat phu cap may %",
    ):
        span = choose_span(question, article, lambda t: 1.0, preferred=1)
        assert span is not None and "Mức 50%" in span.text, span
    question = "GV không chuyên trách dạy lớp hòa nhập có 12% học viên khuyết tật hưởng bao nhiêu"
    span = choose_span(question, article, lambda t: 1.0, preferred=0)
    assert span is not None and "Mức 5%" in span.text, span


def test_a_clause_referring_to_another_khoan_takes_its_topic() -> None:
    text = (
        "1. Thí sinh đã có giấy báo trúng tuyển được bảo lưu kết quả trong những trường hợp "
        "sau:\n\na) Đi nghĩa vụ quân sự hoặc thanh niên xung phong tập trung;\n\n"
        "b) Bị bệnh nặng không thể nhập học đúng hạn.\n\n"
        "2. Thí sinh gửi đơn xin bảo lưu tới cơ sở đào tạo. Thời gian bảo lưu do cơ sở đào tạo "
        "quy định, nhưng không quá 36 tháng đối với người quy định tại khoản 1 Điều này.\n\n"
        "3. Hồ sơ nhập học lại gồm giấy xuất ngũ, trừ trường hợp quy định tại điểm b khoản 1."
    )
    chunk = Chunk(1, "qc.md", text, "Điều 10", 0, len(text))
    span = choose_span("trúng tuyển rồi đi nghĩa vụ quân sự thì được bảo lưu tối đa bao lâu",
                       [chunk], lambda t: 1.0)
    assert span is not None and "36 tháng" in span.text, span


def test_a_later_sentence_of_a_long_khoan_keeps_what_its_first_names() -> None:
    # Over the unit length, a khoản is split into sentences: the one stating "12 tháng" does
    # not name the sanction it bounds, its first sentence does.
    long_clause = (
        "3. Đình chỉ học tập có thời hạn đối với sinh viên đã bị xử lý kỷ luật bằng hình thức "
        "cảnh cáo mà tái phạm hoặc có hành vi vi phạm lần đầu với mức độ 3 được quy định tại "
        "điểm c khoản 2 Điều 20 Thông tư này. Thời hạn do người đứng đầu nhà trường quyết định "
        "căn cứ vào tính chất, mức độ, hậu quả của hành vi vi phạm và thái độ của người vi "
        "phạm và hoàn cảnh cụ thể của từng vụ việc, nhưng không quá 12 tháng (hoặc 01 năm học) kể "
        "từ ngày có quyết định."
    )
    text = (
        f"{long_clause}\n\n4. Buộc thôi học đối với sinh viên đã bị xử lý kỷ luật bằng hình "
        "thức đình chỉ học tập có thời hạn mà tái phạm."
    )
    assert len(long_clause) > 420
    chunk = Chunk(1, "tt40.md", text, "Điều 22", 0, len(text))
    rare = {"dinh", "chi", "dinh_chi"}  # as in the collection: "đình chỉ" is the rare term
    span = choose_span("sinh viên bị đình chỉ học tối đa bao lâu", [chunk],
                       lambda t: 4.0 if t in rare else 1.0)
    assert span is not None and "không quá 12 tháng" in span.text, span


def test_a_formula_asked_is_answered_by_the_formula() -> None:
    text = (
        "Mức tiền phụ cấp ưu đãi theo nghề hằng tháng đối với nhà giáo được tính như sau:\n\n"
        "Mức tiền phụ cấp ưu đãi theo nghề hằng tháng = Hệ số lương hiện hưởng x Mức lương cơ "
        "sở x Mức phụ cấp ưu đãi nghề"
    )
    for question in ("cong thuc tinh tien phu cap uu dai hang thang cua giao vien",
                     "cách tính tiền phụ cấp ưu đãi hằng tháng của nhà giáo"):
        assert "Mức lương cơ sở x" in bold(question, text), question


def test_a_mark_asked_is_found_written_bare() -> None:
    text = (
        "a) Học sinh trường chuyên được xét học bổng theo điểm, do Hiệu trưởng xác định.\n\n"
        "b) Mức cần đạt: trung bình môn chuyên của học kỳ từ 8,5 trở lên."
    )
    question = "HS trường chuyên cần điểm môn chuyên bao nhiêu để được học bổng khuyến khích"
    assert "8,5" in bold(question, text)


def test_the_number_asked_about_does_not_pick_the_clause() -> None:
    text = (
        "1. Nghị định này có hiệu lực thi hành từ ngày 15 tháng 3 năm 2026.\n\n"
        "2. Nghị định này thay thế Nghị định số 84/2020/NĐ-CP ngày 17 tháng 7 năm 2020.\n\n"
        "3. Các mẫu biểu kèm theo Nghị định 66/2026/NĐ-CP."
    )
    # "thay" (replace) is no form of address ("thầy"), and "66/2026" names the document.
    for question in ("nghi dinh 66/2026 thay the nghi dinh nao",
                     "Nghị định 66/2026/NĐ-CP thay thế nghị định nào"):
        assert "84/2020" in bold(question, text), question


def test_a_compilations_source_note_is_bold_only_for_which_document() -> None:
    text = (
        "(Điều 1 Nghị định số 116/2020/NĐ-CP quy định về chính sách hỗ trợ tiền đóng học phí, "
        "chi phí sinh hoạt đối với sinh viên sư phạm, có hiệu lực thi hành kể từ ngày "
        "10/11/2020)\n\n"
        "Người học văn bằng thứ 2 được hỗ trợ nếu văn bằng thứ 1 đạt loại giỏi."
    )
    asked = "sinh viên sư phạm học văn bằng 2 có được hỗ trợ học phí và chi phí sinh hoạt không"
    assert bold(asked, text).startswith("Người học văn bằng thứ 2")
    which = "văn bản nào quy định hỗ trợ học phí, chi phí sinh hoạt cho sinh viên sư phạm"
    assert bold(which, text).startswith("(Điều 1 Nghị định số 116/2020")


def test_a_rule_negated_with_duoc_is_another_case() -> None:
    text = (
        "Trường hợp người tập sự nghỉ ốm đau dưới 14 ngày mà được người đứng đầu đồng ý thì "
        "thời gian nghỉ được tính vào thời gian tập sự.\n\n"
        "3. Thời gian sau không được tính vào thời gian tập sự: thời gian nghỉ ốm đau từ 14 "
        "ngày trở lên."
    )
    question = "GV đang tập sự mà nghỉ ốm bao nhiêu ngày thì không được tính vào thời gian tập sự"
    assert "từ 14 ngày trở lên" in bold(question, text)


def test_a_cited_documents_date_is_no_deadline() -> None:
    text = (
        "1. Đơn vị chưa ban hành quy chế thì căn cứ Nghị định số 90/2020/NĐ-CP ngày 13 tháng 8 "
        "năm 2020 để đánh giá, xếp loại viên chức cuối năm.\n\n"
        "2. Việc xếp loại viên chức được tiến hành trước ngày 5 tháng 12 hằng năm."
    )
    asked = "hạn chót xếp loại viên chức cuối năm là ngày nào"
    assert bold(asked, text).startswith("2. Việc xếp loại")


def test_a_pointer_to_another_clause_states_no_figure() -> None:
    text = (  # one long khoản: its sentences are candidates of their own
        "3. Đình chỉ học tập có thời hạn đối với sinh viên đã bị xử lý kỷ luật bằng hình thức "
        "cảnh cáo mà tái phạm hoặc có hành vi vi phạm lần đầu với mức độ 3 được quy định tại "
        "điểm c khoản 2 Điều 20 Thông tư này. Thời hạn đình chỉ học tập do người đứng đầu nhà "
        "trường hoặc người đứng đầu đơn vị thuộc, trực thuộc nhà trường được phân cấp theo thẩm "
        "quyền quyết định căn cứ vào tính chất, mức độ, hậu quả của hành vi vi phạm nhưng không "
        "quá 12 tháng (hoặc 01 năm học)."
    )
    asked = "SV bị kỷ luật đình chỉ học tập thì tối đa mấy tháng"
    assert "không quá 12 tháng" in bold(asked, text)


def test_the_name_of_a_form_states_nothing() -> None:
    text = (
        "Mẫu số 02 Danh sách thành viên Hội đồng trường của trường phổ thông tư thục\n\n"
        "4. Hội đồng trường có ít nhất 05 thành viên."
    )
    asked = "hội đồng trường của trường phổ thông tư thục có bao nhiêu thành viên"
    assert bold(asked, text).startswith("4. Hội đồng trường")


def test_clause_fit_scores_a_passage_by_its_best_clause() -> None:
    # The ranker's view of the README example: the support staff's 20% passage shares the
    # article's words, but only the 40% passage has one clause naming the teacher's level.
    article = chunks()
    terms = QueryTerms("GV cấp 2 được phụ cấp ưu đãi bao nhiêu %", lambda token: 1.0)
    fit = clause_fit(terms, article)
    assert set(fit) == {0, 1, 2}
    assert fit[1] > fit[0] and fit[1] > fit[2], fit
    # Scored together, in any order given: the same figures.
    assert clause_fit(terms, article[::-1]) == fit
    # A question of none of their words fits none of them.
    nothing = QueryTerms("lịch thi đấu bóng đá", lambda token: 1.0)
    assert not any(clause_fit(nothing, article).values())


def test_a_question_asking_what_a_term_means_names_it() -> None:
    from index.answer import defined_term, defines

    assert defined_term("An ninh mạng là gì?") == "an ninh mang"
    assert defined_term("người chưa thành niên là người như thế nào") == "nguoi chua thanh nien"
    assert defined_term("Bộ luật Dân sự 2015 quy định pháp nhân thương mại là gì?") == (
        "phap nhan thuong mai"
    )
    assert defined_term("Theo Luật Giáo dục, giáo dục hòa nhập là gì") == "giao duc hoa nhap"
    assert defined_term("Thế nào là giáo dục hòa nhập?") == "giao duc hoa nhap"
    assert defined_term("the nao duoc goi la truong chuan quoc gia") == "truong chuan quoc gia"
    # "như thế nào là hợp pháp" asks when a thing is lawful, not what a word means
    assert defined_term("Di chúc của người không biết chữ như thế nào là hợp pháp?") is None
    assert defined_term("giáo viên mầm non được phụ cấp bao nhiêu") is None
    assert defined_term("lương là gì") is None  # one syllable: too little to tell a definition
    definitions = "1. An ninh mạng là sự bảo đảm hoạt động trên không gian mạng.\n\n2. Bảo vệ an ninh mạng là phòng ngừa."  # noqa: E501
    assert defines(definitions, "an ninh mang")
    assert defines(definitions, "bao ve an ninh mang")
    # A longer term ending in the asked one is another term.
    assert not defines("Đấu tranh bảo vệ an ninh mạng là hoạt động có tổ chức.", "an ninh mang")
