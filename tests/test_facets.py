"""Who and which school level a question and a clause are about (index/facets.py)."""

from __future__ import annotations

from index.facets import agreement, question_facets, text_facets


def agree(question: str, clause: str) -> tuple[int, int]:
    return agreement(question_facets(question), text_facets(clause))


def test_the_group_and_level_asked_match_and_others_conflict() -> None:
    question = "giao vien mam non duoc phu cap bao nhieu"
    assert agree(question, "45% đối với nhà giáo giảng dạy trong cơ sở giáo dục mầm non") == (2, 0)
    assert agree(question, "20% đối với nhân sự hỗ trợ giáo dục ở trường tiểu học") == (0, 2)


def test_a_rule_for_vien_chuc_holds_for_teachers() -> None:
    # Teachers of public schools are viên chức: Luật Viên chức's rules are theirs too.
    question = "GV mới trúng tuyển phải tập sự bao lâu"
    assert agree(question, "Thời gian tập sự của viên chức là 12 tháng") == (0, 0)
    assert agree(question, "Nhân viên thư viện tập sự 06 tháng") == (0, 1)
