"""Topics staff name in a word of their own (index/topics.py) and the engine declining a
question about one that no passage of the collection names."""

from __future__ import annotations

from pathlib import Path

from bot.formatting import answer_blocks
from index.builder import build_index
from index.engine import Engine
from index.topics import held_topics, named_topics, unheld
from tests.conftest import make_settings


def test_topics_are_named_with_or_without_tone_marks() -> None:
    assert named_topics("điểm chuẩn vào lớp 10 năm 2026") == ["diem chuan"]
    assert named_topics("luong toi thieu vung hien nay") == ["(?:luong )?toi thieu vung"]
    per_week = "tiet ?/ ?tuan|tiet (?:mot|moi|1) tuan|(?:mot|moi|1) tuan(?: \\w+){0,7} tiet"
    assert named_topics("giáo viên THPT dạy bao nhiêu tiết một tuần") == [per_week]
    assert named_topics("gv cap 2 mot tuan phai day toi da bao nhieu tiet") == [per_week]
    assert named_topics("giao vien thcs day toi da bao nhieu tiet 1 tuan") == [per_week]
    assert named_topics("giáo viên được phụ cấp bao nhiêu") == []


def test_a_topic_is_held_only_in_the_same_words() -> None:
    held = held_topics(["Tiền lương dạy thêm giờ (nếu có) thực hiện theo quy định."])
    # Teaching extra hours is not private tutoring.
    assert unheld("giáo viên có được dạy thêm không", held) == ["dạy thêm"]
    held = held_topics(["Nhà giáo không được ép buộc học sinh học thêm để dạy thêm."])
    assert unheld("giáo viên có được dạy thêm không", held) == []


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
