"""Years and provinces a question is pinned to (index/anchors.py) and the engine declining
an answer whose passage never mentions them."""

from __future__ import annotations

from pathlib import Path

from bot.formatting import answer_blocks
from index.anchors import question_anchors, unmet
from index.builder import build_index
from index.engine import Engine
from tests.conftest import make_settings


def keys(question: str) -> list[str]:
    return [a.key for a in question_anchors(question)]


def test_years_dates_and_school_years_are_anchors() -> None:
    assert keys("học phí năm 2027 ở Hà Nội là bao nhiêu") == ["2027", "ha noi"]
    assert keys("mức lương cơ sở từ ngày 1/7/2026 là bao nhiêu") == ["2026"]
    assert keys("nam hoc 2025-2026 nghi he tu thang may") == ["2025", "2026"]


def test_a_day_named_without_its_year_is_an_anchor_even_for_a_national_text() -> None:
    assert keys("ngày 20/11 giáo viên có được nghỉ làm không") == ["20/11"]
    assert keys("giao vien duoc nhan qua phu huynh ngay 20 thang 11 khong") == ["20/11"]
    assert keys("hội đồng cần 2/3 thành viên đồng ý") == []  # a fraction
    assert keys("hạn nộp hồ sơ ngày 5/12/2026") == ["2026"]  # the year decides
    asked = "ngày 20/11 giáo viên có được nghỉ không"
    assert [a.shown for a in unmet(asked, "nhà giáo được nghỉ lễ, tết", True)] == ["ngày 20/11"]
    assert unmet(asked, "Ngày 20 tháng 11 là ngày Nhà giáo Việt Nam", True) == []
    assert unmet(asked, "Từ 20-11-2025 đến hết năm", True) == []


def test_document_numbers_and_birth_years_are_not_anchors() -> None:
    assert keys("Nghị định 182/2026/NĐ-CP quy định gì") == []
    # A law's name with its year names the law.
    assert keys("Theo Bộ luật Hình sự năm 2017, hình phạt là gì?") == []
    assert keys("Luật Giáo dục 2019 quy định học phí năm 2027 thế nào") == ["2027"]
    assert keys("luật nhà giáo có hiệu lực năm 2026 không") == ["2026"]
    assert keys("giáo viên sinh năm 1970 được nghỉ hưu khi nào") == []
    # the year since when the reader has been trained or working is the reader's
    assert keys("Tôi là GV tiểu học tốt nghiệp CĐSP từ 2015, giờ học lên ĐH") == []
    assert keys("công tác từ năm 2005 thì phụ cấp thâm niên bao nhiêu") == []
    assert keys("tốt nghiệp THPT năm 2026 thi mấy môn") == ["2026"]
    assert keys("giáo viên có 15 năm công tác, hệ số 2,34") == []


def test_provinces_are_found_with_or_without_tone_marks_and_shown_by_their_name() -> None:
    assert [(a.key, a.shown) for a in question_anchors("so gd nghe an khen thuong")] == [
        ("nghe an", "Nghệ An")
    ]
    assert keys("Sở GD&ĐT Nghệ An khen thưởng") == ["nghe an"]
    assert [a.shown for a in question_anchors("hoc phi tphcm")] == ["TP. Hồ Chí Minh"]


def test_names_that_are_also_ordinary_words_need_a_place_marker() -> None:
    assert keys("học tập và làm theo tư tưởng Hồ Chí Minh trong trường học") == []
    assert keys("giáo dục vì hòa bình") == []
    assert keys("học phí ở thành phố Hồ Chí Minh") == ["ho chi minh"]
    assert keys("tỉnh Thái Bình tuyển giáo viên") == ["thai binh"]


def test_a_text_meets_an_anchor_in_any_spelling() -> None:
    question = "Vĩnh Long sơ kết học kỳ I năm học 2018-2019 ai chủ trì"
    assert unmet(question, "SỞ GDĐT VINH LONG ... năm học 2018-2019") == []
    assert [a.key for a in unmet(question, "Sở GDĐT Vĩnh Long, năm học 2016-2017")] == [
        "2018", "2019"
    ]


def test_a_national_text_meets_a_province_unless_its_own_body_is_asked_about() -> None:
    decree = "Mức phụ cấp ưu đãi 35% áp dụng đối với nhà giáo, từ năm 2026"
    assert unmet("giáo viên THCS tỉnh Nghệ An được phụ cấp bao nhiêu", decree, True) == []
    assert unmet("giáo viên THCS tỉnh Nghệ An được phụ cấp bao nhiêu", decree) != []
    asked = "Sở GD Đà Nẵng tổng kết năm học 2026 vào ngày nào"
    assert [a.key for a in unmet(asked, decree, True)] == ["da nang"]


def test_the_place_a_document_was_signed_in_is_not_its_topic() -> None:
    letterhead = "BỘ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 46/2026/TT-BGDĐT\nHà Nội, ngày 10 tháng 6 năm 2026"
    assert [a.key for a in unmet("điểm chuẩn vào lớp 10 ở Hà Nội", letterhead)] == ["ha noi"]
    assert unmet("điểm chuẩn vào lớp 10 ở Hà Nội", "Sở GDĐT Hà Nội công bố điểm chuẩn") == []


def test_an_answer_whose_passage_never_names_the_year_asked_is_declined(tmp_path, corpus):
    settings = make_settings(tmp_path, corpus)
    build_index(settings)
    engine = Engine.open(settings)
    asked = "giáo viên THCS được phụ cấp ưu đãi bao nhiêu phần trăm"
    assert not engine.answer(asked).abstained  # the decree's title carries 2026

    for question, missing in (
        (asked + " năm 2031", ("năm 2031",)),
        ("Sở GDĐT Nghệ An sơ kết học kỳ I, ai chủ trì hội nghị", ("Nghệ An",)),  # Vĩnh Long's
    ):
        answer = engine.answer(question)
        assert answer.abstained and answer.reason == "unmet_anchor", question
        assert answer.missing == missing
        assert answer.result.abstained and answer.result.hits  # the ranking stays for paging
        (message,) = answer_blocks(answer, 700)
        assert f"“{missing[0]}”" in message

    # A decree applies in every province: naming one's own province loses nothing.
    assert not engine.answer("giáo viên THCS tỉnh Nghệ An được phụ cấp ưu đãi bao nhiêu").abstained
    # Naming the document by its number: that document is the answer, whatever its year.
    named = engine.answer("Nghị định 182/2026/NĐ-CP áp dụng từ năm 2031 không")
    assert not named.abstained


def test_news_of_the_province_and_year_asked_is_answered(tmp_path: Path, corpus):
    settings = make_settings(tmp_path, corpus)
    build_index(settings)
    engine = Engine.open(settings)
    answer = engine.answer("Sở GDĐT Vĩnh Long sơ kết học kỳ I năm học 2018-2019 ai chủ trì")
    assert not answer.abstained
    assert "Vĩnh Long" in answer.passages[0].chunk.text


NEWS = """Khai mạc lớp bồi dưỡng cán bộ quản lý giáo dục

Sáng nay, Sở Giáo dục và Đào tạo tỉnh Lào Cai khai mạc lớp bồi dưỡng dành cho hiệu trưởng, \
phó hiệu trưởng các trường mầm non, tiểu học và trung học cơ sở trên địa bàn tỉnh. Tham dự lễ \
khai mạc có đại diện lãnh đạo Sở, các phòng chuyên môn nghiệp vụ và hơn hai trăm học viên đến \
từ các huyện, thị xã, thành phố. Phát biểu khai mạc, lãnh đạo Sở đề nghị học viên nghiêm túc \
nghiên cứu tài liệu, tích cực trao đổi kinh nghiệm quản lý nhà trường trong bối cảnh đổi mới \
chương trình giáo dục phổ thông, chuyển đổi số và tự chủ của các cơ sở giáo dục.

Theo kế hoạch, lớp tập huấn diễn ra trong 3 ngày với các chuyên đề về quản trị nhà trường, \
xây dựng kế hoạch giáo dục, kiểm định chất lượng, đánh giá chuẩn hiệu trưởng và ứng dụng công \
nghệ thông tin trong quản lý. Báo cáo viên là các giảng viên của trường đại học sư phạm và \
chuyên viên của Bộ. Kết thúc lớp học, học viên viết thu hoạch và được cấp giấy chứng nhận \
hoàn thành chương trình bồi dưỡng theo quy định hiện hành của ngành giáo dục.
"""


def test_news_names_its_province_once_for_all_its_passages(tmp_path: Path, corpus, monkeypatch):
    (corpus / "tin-tuc" / "lao-cai.txt").parent.mkdir(exist_ok=True)
    (corpus / "tin-tuc" / "lao-cai.txt").write_text(NEWS, encoding="utf-8")
    settings = make_settings(tmp_path, corpus)
    build_index(settings)
    engine = Engine.open(settings)
    question = "lop tap huan can bo quan ly o Lao Cai dien ra may ngay"
    answer = engine.answer(question)
    assert not answer.abstained and "3 ngày" in answer.passages[0].chunk.text
    assert "Lào Cai" not in answer.passages[0].chunk.text  # named in the item's first passage
    monkeypatch.setattr("index.engine.WHOLE_TEXT_PASSAGES", 0)  # the passage alone: not met
    assert engine.answer(question).reason == "unmet_anchor"
