"""Topics staff name in a word of their own (index/topics.py) and the engine declining a
question about one that no passage of the collection names, or that the passage it would
quote does not name."""

from __future__ import annotations

from pathlib import Path

from bot.formatting import answer_blocks
from index.builder import build_index
from index.engine import Engine
from index.topics import held_topics, named_topics, unheld, unnamed
from tests.conftest import engine_over, make_settings, open_engine


def test_topics_are_named_with_or_without_tone_marks() -> None:
    assert named_topics("điểm chuẩn vào lớp 10 năm 2026") == ["diem chuan"]
    assert named_topics("luong toi thieu vung hien nay") == ["(?:luong )?toi thieu vung"]
    per_week = "tiet ?/ ?tuan|tiet (?:mot|moi|1) tuan|(?:mot|moi|1) tuan(?: \\w+){0,7} tiet"
    assert named_topics("giáo viên THPT dạy bao nhiêu tiết một tuần") == [per_week]
    assert named_topics("gv cap 2 mot tuan phai day toi da bao nhieu tiet") == [per_week]
    assert named_topics("giao vien thcs day toi da bao nhieu tiet 1 tuan") == [per_week]
    assert named_topics("giáo viên được phụ cấp bao nhiêu") == []
    # leave, duties and grades other texts set
    held = held_topics(["Viên chức được nghỉ việc riêng theo quy định của pháp luật về lao động."])
    assert unheld("GV có con kết hôn thì được nghỉ mấy ngày", held) == ["nghỉ kết hôn"]
    assert unheld("gv mam non truc trua duoc boi duong bao nhieu", held) == ["trực trưa"]
    assert unheld("lớp 9 điểm TB bao nhiêu thì học lực giỏi", held) == ["xếp loại học lực"]
    assert unheld("thay giao co vo sinh con thi duoc nghi may ngay", held) == ["nghỉ khi vợ sinh con"]
    assert unheld("GV 20 năm được xét tặng Kỷ niệm chương chưa", held) == [
        "Kỷ niệm chương Vì sự nghiệp giáo dục"
    ]


def test_a_topic_is_held_only_in_the_same_words() -> None:
    held = held_topics(["Tiền lương dạy thêm giờ (nếu có) thực hiện theo quy định."])
    # Teaching extra hours is not private tutoring.
    assert unheld("giáo viên có được dạy thêm không", held) == ["dạy thêm"]
    held = held_topics(["Nhà giáo không được ép buộc học sinh học thêm để dạy thêm."])
    assert unheld("giáo viên có được dạy thêm không", held) == []



def test_a_topic_is_held_only_as_whole_words() -> None:
    # The scan over the whole collection must agree with the per-question pattern: a phrase
    # inside a longer word is no mention, and a refused match must not hide a later one.
    assert held_topics(["cácdiem chuẩn tuyển"]) == frozenset()
    assert held_topics(["xmột tuần dạy 1 tuần 18 tiết"]) == {
        key for key in named_topics("một tuần dạy 1 tuần 18 tiết")
    }
    assert held_topics(["xmột tuần dạy 1 tuần 18 tiết"]) != frozenset()
    assert held_topics(["Điểm chuẩn vào lớp 10 năm nay", "lớp 10"]) == set(
        named_topics("Điểm chuẩn vào lớp 10 năm nay")
    )

TIME = """---
title: "Nghị định quy định chi tiết Luật Nhà giáo"
---

Điều 13. Chế độ làm việc của nhà giáo

1. Tiền lương dạy thêm giờ (nếu có) và phụ cấp lưu động thực hiện theo quy định của pháp luật.
"""

TUTORING = """---
title: "Thông tư quy định về dạy thêm, học thêm"
---

Điều 4. Nguyên tắc dạy thêm, học thêm

1. Giáo viên không được dạy thêm để thu tiền của học sinh mà giáo viên đang dạy chính khóa.
"""


def test_a_question_about_a_topic_no_passage_names_is_declined(tmp_path: Path, corpus: Path):
    (corpus / "van-ban" / "nd93.md").write_text(TIME, encoding="utf-8")
    settings = make_settings(tmp_path, corpus, "none")
    build_index(settings)
    engine = Engine.open(settings)
    answer = engine.answer("giáo viên có được dạy thêm không")
    assert answer.abstained and answer.reason == "unheld_topic"
    assert answer.missing == ("dạy thêm",) and not answer.passages
    reply = answer_blocks(answer, 700)[0]
    assert "chưa có văn bản nào về “dạy thêm”" in reply and "hỏi lại không kèm" not in reply
    # Once a text on it is added, the topic is held and the question answered from it.
    (corpus / "van-ban" / "tt29.md").write_text(TUTORING, encoding="utf-8")
    build_index(settings)
    engine = Engine.open(settings)
    answer = engine.answer("giáo viên có được dạy thêm không")
    assert not answer.abstained and answer.passages[0].doc.doc_id == "van-ban/tt29.md"


def test_a_passage_not_naming_the_topic_asked_is_not_about_it() -> None:
    question = "điều kiện công nhận trường chuẩn quốc gia"
    assert unnamed(question, "Điều 6. Điều kiện công nhận đại học quốc gia") == [
        "trường đạt chuẩn quốc gia"
    ]
    assert unnamed(question, "Tỉ lệ trường đạt chuẩn quốc gia đạt 52,11%") == []
    # A technical standard is another thing; a question naming no topic is never concerned.
    assert unnamed("tiêu chuẩn quốc gia về thư viện", "tiêu chuẩn quốc gia") == []
    assert unnamed("giáo viên được phụ cấp bao nhiêu", "Điều 3. Mức phụ cấp") == []
    # "miễn học phí" is held, so the passage quoted must name it
    classes = "b) Đối với lớp mẫu giáo: 30 trẻ em/lớp từ 4 tuổi đến 5 tuổi"
    assert unnamed("tre mau giao 5 tuoi co duoc mien hoc phi khong", classes) == ["miễn học phí"]
    fees = "... làm căn cứ thực hiện miễn học phí đối với trẻ em mầm non, học sinh phổ thông"
    assert unnamed("trẻ mẫu giáo có được miễn học phí không", fees) == []


UNIVERSITY = """---
title: "Nghị định về đại học quốc gia"
number: "91/2026/NĐ-CP"
---

Điều 6. Điều kiện công nhận đại học quốc gia

1. Có ít nhất 05 trường đại học thành viên đáp ứng chuẩn cơ sở giáo dục đại học và được
công nhận là đại học quốc gia theo điều kiện của Nghị định này.
"""

NEWS = """---
title: "Vĩnh Long sơ kết học kỳ I"
---

Toàn tỉnh có 52,11% số trường đạt chuẩn quốc gia, vượt 6,11% chỉ tiêu năm học.
"""


def test_the_passage_quoted_must_name_the_topic_asked(tmp_path: Path, corpus: Path) -> None:
    (corpus / "van-ban" / "nd91.md").write_text(UNIVERSITY, encoding="utf-8")
    (corpus / "tin-tuc").mkdir(exist_ok=True)
    (corpus / "tin-tuc" / "vinh-long.txt").write_text(NEWS, encoding="utf-8")
    engine = open_engine(tmp_path, corpus)
    # The news item holds the topic; the best match for the conditions is the university rule.
    answer = engine.answer("điều kiện công nhận trường chuẩn quốc gia")
    assert answer.abstained and answer.reason == "unmet_topic", answer.reason
    assert answer.missing == ("trường đạt chuẩn quốc gia",) and not answer.passages
    reply = answer_blocks(answer, 700)[0]
    assert "Không tìm thấy đoạn văn bản nào về “trường đạt chuẩn quốc gia”" in reply
    assert "hỏi lại không kèm" not in reply
    answer = engine.answer("tỉ lệ trường đạt chuẩn quốc gia là bao nhiêu")
    assert not answer.abstained and answer.passages[0].doc.doc_id == "tin-tuc/vinh-long.txt"


def test_a_question_declined_for_want_of_words_still_names_its_topic(tmp_path: Path) -> None:
    engine = engine_over(tmp_path, {"van-ban/nd.md": TIME})
    # too few of its words are in any passage: declined by the evidence floor, and the reply
    # says the collection holds nothing on the topic rather than "rephrase"
    reply = engine.answer("GV có con kết hôn thì được nghỉ mấy ngày")
    assert reply.abstained and reply.reason == "unheld_topic"
    assert reply.missing == ("nghỉ kết hôn",)

