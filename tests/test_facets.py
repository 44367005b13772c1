"""Who and which school level a question and a clause are about (index/facets.py)."""

from __future__ import annotations

import pytest

from index.facets import (
    FACETS,
    agreement,
    allowances,
    asks_for_form,
    is_form,
    other_allowance,
    other_owner,
    other_school,
    ownership,
    question_facets,
    text_facets,
)


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


def test_a_question_about_one_school_is_not_answered_by_anothers_rule() -> None:
    university = "Sinh viên bị kỷ luật hình thức khiển trách thì kết quả rèn luyện không quá khá"
    assert other_school("học sinh THCS đánh nhau bị kỷ luật hình thức nào", university)
    assert other_school("hoc sinh tieu hoc co duoc mien hoc phi khong", university)
    assert other_school("trường phổ thông dạy trực tuyến tối đa bao nhiêu %", "Một tín chỉ ...")
    # Kindergarten and THCS are both general education: a rule for "học sinh" may hold for both.
    assert not other_school("trẻ mầm non được hỗ trợ ăn trưa", "Học sinh được hỗ trợ tiền ăn")
    # No level asked, or none stated, is no conflict; nor is the level asked among others.
    assert not other_school("HS được cộng bao nhiêu điểm ưu tiên khu vực", university)
    assert not other_school("giáo viên THCS tập sự bao lâu", "Viên chức tập sự 12 tháng")
    assert not other_school("sinh viên đại học bị kỷ luật thế nào", university)
    assert not other_school(
        "tuyển sinh THPT", "thí sinh tốt nghiệp trung học phổ thông xét tuyển đại học"
    )
    # The reader's diploma is not the school asked about; the school's own exam is.
    admission = "Điểm ưu tiên khu vực 1 là 0,75 điểm khi xét tuyển đại học, cao đẳng, trung cấp."
    assert not other_school("thí sinh tốt nghiệp THPT được cộng điểm ưu tiên khu vực", admission)
    assert other_school("thi tốt nghiệp THPT môn ngoại ngữ được miễn khi nào", admission)
    # A passage speaks for the levels its text's title names as well, once it names one.
    zones = "Ưu tiên theo khu vực áp dụng cho thí sinh học trung học phổ thông tại khu vực 1."
    title = "Quy chế tuyển sinh đại học, cao đẳng ngành Giáo dục Mầm non"
    question = "hs tot nghiep thpt nam ngoai xet dai hoc co duoc cong diem uu tien khu vuc"
    assert other_school(question, zones)
    assert not other_school(question, zones, title)
    assert other_school("giáo viên THCS nghỉ hè mấy tuần", "Giảng viên đại học", "Quy chế đào tạo đại học")


def test_trung_cap_and_cao_dang_are_the_vocational_schools() -> None:
    vocational = "Nhà giáo giảng dạy lớp hòa nhập trong cơ sở giáo dục nghề nghiệp được phụ cấp 55%"
    assert not other_school("gv lop hoa nhap truong trung cap phu cap bao nhieu", vocational)
    assert not other_school("trường cao đẳng mở phân hiệu cần bao nhiêu đất", vocational)
    assert other_school("trường trung cấp đổi tên cần hồ sơ gì", "Trường đại học đổi tên ...")


def test_a_pupils_question_is_not_answered_by_a_university_text() -> None:
    abroad = "Lưu học sinh đạt kết quả xuất sắc được cơ sở đào tạo nước ngoài miễn học phí."
    # "học sinh" naming no level: only a text and a document both about higher education
    # (and neither about a school) conflict.
    assert other_school("học sinh nào được miễn học phí", abroad, "Giáo dục đại học")
    assert other_school("hoc sinh nao duoc mien hoc phi", abroad, "Giáo dục đại học")
    assert not other_school("học sinh nào được miễn học phí", abroad, "Luật Giáo dục")
    admissions = "Thí sinh học cấp THPT ở KV2-NT được cộng 0,5 điểm khi xét tuyển đại học."
    assert not other_school("HS ở KV2-NT được cộng mấy điểm", admissions, "Quy chế tuyển sinh đại học")
    assert not other_school("lưu học sinh được miễn học phí không", abroad, "Giáo dục đại học")
    abroad_question = "đi học nước ngoài mấy tháng thì là du học sinh"
    assert not other_school(abroad_question, abroad, "Giáo dục đại học")


def test_public_and_private_schools_are_told_apart() -> None:
    assert ownership("trường THCS công lập") == {"cong_lap"}
    assert ownership("trường ngoài công lập, trường dân lập") == {"tu_thuc"}
    rule = "Hội đồng trường có Chủ tịch, Phó Chủ tịch và các thành viên."
    private = "Quy chế tổ chức và hoạt động của trường phổ thông tư thục"
    # the passage names neither: its document's title says whose rule it is
    assert other_owner("hội đồng trường THCS công lập có mấy thành viên", rule, private)
    assert not other_owner("hoi dong truong tu thuc co may thanh vien", rule, private)
    assert not other_owner("hội đồng trường có mấy thành viên", rule, private)
    both = "Trường công lập và trường tư thục đều thành lập hội đồng trường."
    assert not other_owner("hội đồng trường công lập", both, private)


def test_an_allowance_asked_is_not_answered_by_anothers_clause() -> None:
    rate = "8. Mức phụ cấp ưu đãi 70% được áp dụng đối với nhà giáo công tác ở vùng khó khăn."
    assert allowances("phu cap thu hut 70% cho giao vien") == {"thu_hut"}
    assert allowances("phụ cấp đứng lớp của giáo viên") == {"uu_dai"}  # what staff call it
    assert allowances("phụ cấp chức vụ lãnh đạo") == {"chuc_vu"}
    assert other_allowance("phụ cấp thu hút giáo viên vùng khó khăn mấy năm", rate)
    assert not other_allowance("phụ cấp đứng lớp vùng khó khăn bao nhiêu", rate)
    assert not other_allowance("giáo viên vùng khó khăn được phụ cấp bao nhiêu", rate)
    assert not other_allowance("phụ cấp thâm niên tính thế nào", "Nhà giáo được hưởng 5% lương")
    assert not other_allowance("mức phụ cấp ở khu vực II là bao nhiêu", rate)


def test_a_rule_for_general_education_holds_for_each_of_its_levels() -> None:
    question = "người thỉnh giảng dạy ở trường tiểu học, THCS thì gọi là gì"
    clause = "Nhà giáo thỉnh giảng tại cơ sở giáo dục phổ thông gọi là giáo viên thỉnh giảng."
    assert agree(question, clause) == (1, 0)  # the level; the question names no role
    # "trung học phổ thông" is one level, not general education.
    assert agree("giáo viên THCS", "giáo viên trường trung học phổ thông") == (1, 1)


@pytest.mark.parametrize("side", [0, 1])
def test_every_phrase_of_every_value_is_found_in_a_sentence(side) -> None:
    # The quick pre-check (one search for any phrase of a facet) must never hide a value.
    read = question_facets if side == 0 else text_facets
    for facet, values in FACETS.items():
        for value, patterns in values.items():
            for phrase in patterns[side].replace(r"\b", "").split("|"):
                found = read(f"quy định về {phrase} năm nay")
                assert value in found.get(facet, set()), (facet, value, phrase)


def test_a_text_naming_no_group_or_level_has_no_facets() -> None:
    assert text_facets("Thời hạn nộp hồ sơ là 30 ngày kể từ ngày nhận được thông báo.") == {}


def test_forms_and_the_list_of_annexes_answer_only_a_question_about_forms() -> None:
    assert is_form("DANH MỤC CÁC PHỤ LỤC", "Mẫu hồ sơ về thành lập Hội đồng trường")
    assert is_form("PHỤ LỤC KÈM THEO MẪU SỐ 1", "Danh sách thành viên Hội đồng trường")
    assert is_form("Phiếu xếp loại chất lượng viên chức", "Họ và tên: ....")
    listing = (
        "Phụ lục\n- Mẫu số 01 - Tờ trình đề nghị chuyển đổi\n"
        "- Mẫu số 02 - Báo cáo đánh giá tác động\n- Mẫu số 03 - Quyết định chuyển đổi"
    )
    assert is_form("Phụ lục", listing)
    # an article citing its forms, and an annex stating rules, are no forms
    assert not is_form("Chương II > Điều 7 > Khoản 4", listing)
    assert not is_form(
        "Phụ lục > Phụ lục II. Đối tượng chính sách ưu tiên",
        "Nhóm UT1 (2,00 điểm)\n01 | Công dân Việt Nam là người dân tộc thiểu số",
    )
    assert asks_for_form("mẫu tờ trình thành lập hội đồng trường")
    assert asks_for_form("ho so xin cap phep gom nhung gi")
    assert not asks_for_form("hội đồng trường tư thục có bao nhiêu thành viên")
    assert not asks_for_form("đơn vị sự nghiệp công lập là gì")


def test_every_passage_of_an_annex_of_forms_is_a_form() -> None:
    from index.facets import form_passages
    from index.models import Chunk

    texts = [
        ("Chương II > Điều 7 > Khoản 1", "1. Hồ sơ gồm tờ trình theo Mẫu 1 tại Phụ lục IV."),
        ("PHỤ LỤC IV", "PHỤ LỤC IV\nMẫu tham khảo các văn bản liên quan\n(Kèm theo Thông tư)\nMẫu 1"),
        ("PHỤ LỤC IV", "TÊN CƠ SỞ ĐÀO TẠO\nTỜ TRÌNH\nVề việc mở ngành đào tạo ..."),
        ("PHỤ LỤC V", "PHỤ LỤC V\nQuy trình đánh giá chương trình đào tạo\n1. Bước 1: tự đánh giá."),
    ]
    chunks = [Chunk(i, "tt54.md", t, s, 0, len(t)) for i, (s, t) in enumerate(texts)]
    # the form that follows the annex's title is a form too; an article and an annex of rules
    # are not
    assert form_passages(chunks) == frozenset({1, 2})
